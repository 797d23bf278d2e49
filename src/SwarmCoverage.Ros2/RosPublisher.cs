using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2;

/// <summary>What publishers and subscriptions have in common.</summary>
public abstract class RosEndpoint : IDisposable
{
    private protected RosEndpoint(RosParticipant participant, string topicName, RosQos qos, RosMessageType type, string? ddsTopicName = null)
    {
        Participant = participant;
        TopicName = topicName;
        DdsTopicName = ddsTopicName ?? RosNames.ToDdsTopicName(topicName);
        Qos = qos;
        Type = type;
    }

    /// <summary>The participant that created this endpoint.</summary>
    public RosParticipant Participant { get; }

    /// <summary>The fully qualified ROS topic, e.g. <c>/robot_0/cmd_vel</c>.</summary>
    public string TopicName { get; }

    /// <summary>The DDS topic, e.g. <c>rt/robot_0/cmd_vel</c>.</summary>
    public string DdsTopicName { get; }

    /// <summary>The QoS in use.</summary>
    public RosQos Qos { get; }

    /// <summary>The message type.</summary>
    public RosMessageType Type { get; }

    /// <summary>The DDS GUID of the endpoint's reader or writer: its ROS gid (docs/ros2-wire.md, "The graph").</summary>
    internal DdsGuid Guid { get; private protected set; }

    /// <summary>Reads the DDS GUID of <paramref name="entity"/>.</summary>
    private protected static unsafe DdsGuid GuidOf(int entity, string what)
    {
        DdsGuid guid;
        DdsError.Check(Libddsc.dds_get_guid(entity, &guid), "dds_get_guid", what);
        return guid;
    }

    /// <summary>Deletes the DDS entities of this endpoint.</summary>
    public abstract void Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"{TopicName} [{Type.RosTypeName}] ({Qos})";
}

/// <summary>The non-generic part of a publisher: discovery and acknowledgment state.</summary>
public abstract class RosPublisher : RosEndpoint
{
    private readonly Lock matchGate = new();
    private EntityWaiter? matchWaiter;

    private protected RosPublisher(RosParticipant participant, string topicName, RosQos qos, RosMessageType type, string? ddsTopicName)
        : base(participant, topicName, qos, type, ddsTopicName)
    {
    }

    /// <summary>Subscriptions currently matched (discovered, compatible QoS and type name).</summary>
    public int MatchedSubscriptionCount
    {
        get
        {
            using DdsEntityHandle.EntityLease lease = Writer.Lease();
            DdsMatchedStatus status;
            unsafe
            {
                DdsError.Check(Libddsc.dds_get_publication_matched_status(lease.Entity, &status), "dds_get_publication_matched_status", Describe());
            }

            return (int)status.CurrentCount;
        }
    }

    internal abstract DdsWriterHandle Writer { get; }

    /// <summary>
    /// Waits until at least <paramref name="count"/> subscriptions are matched; false on timeout.
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public bool WaitForSubscriptions(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        EntityWaiter waiter;
        lock (matchGate)
        {
            ObjectDisposedException.ThrowIf(Writer.IsClosed, this);
            if (matchWaiter is null)
            {
                DdsError.Check(Libddsc.dds_set_status_mask(Writer.Entity, Libddsc.DDS_PUBLICATION_MATCHED_STATUS), "dds_set_status_mask", Describe());
                matchWaiter = new EntityWaiter(Participant.Handle.Entity, Writer.Entity, Describe());
            }

            waiter = matchWaiter;
        }

        return MatchWait.Until(() => MatchedSubscriptionCount >= count, waiter, timeout, cancellationToken);
    }

    /// <summary>Waits until every matched reliable subscription acknowledged everything published; false on timeout.</summary>
    public bool WaitForAcknowledgments(TimeSpan timeout)
    {
        using DdsEntityHandle.EntityLease lease = Writer.Lease();
        int rc = Libddsc.dds_wait_for_acks(lease.Entity, EntityWaiter.ToDdsDuration(timeout));
        if (rc == Libddsc.DDS_RETCODE_TIMEOUT)
        {
            return false;
        }

        DdsError.Check(rc, "dds_wait_for_acks", Describe());
        return true;
    }

    private protected void DisposeWaiter()
    {
        lock (matchGate)
        {
            matchWaiter?.Dispose();
            matchWaiter = null;
        }
    }

    private protected string Describe() => $"publisher on '{DdsTopicName}' ({Type.DdsTypeName}, {Qos})";
}

/// <summary>
/// Publishes <typeparamref name="T"/> messages on one ROS topic. <see cref="Publish"/> allocates nothing:
/// fixed-size messages (Twist, Pose, ...) are handed to Cyclone in place, others are marshalled into a
/// reused native sample and arena. Thread-safe.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public sealed class RosPublisher<T> : RosPublisher
    where T : IRosMessage<T>
{
    private readonly RosMessageType<T> type;
    private readonly DdsWriterHandle writer;
    private readonly Lock gate = new();
    private readonly NativeArena? arena;
    private readonly unsafe byte* sample;
    private int disposed;

    internal unsafe RosPublisher(RosParticipant participant, string topicName, RosQos qos, RosMessageType<T>? messageType = null, string? ddsTopicName = null)
        : base(participant, topicName, qos, messageType ?? T.MessageType, ddsTopicName)
    {
        type = messageType ?? T.MessageType;
        DdsTopicHandle topic = participant.GetOrCreateTopic(DdsTopicName, type);
        using (DdsQosHandle native = qos.ToNative())
        {
            int entity = Libddsc.dds_create_writer(participant.Handle.Entity, topic.Entity, native.Pointer, 0);
            writer = new DdsWriterHandle(DdsError.CheckEntity(entity, "dds_create_writer", Describe()));
        }

        Guid = GuidOf(writer.Entity, Describe());

        if (!type.IsBlittable)
        {
            sample = (byte*)NativeMemory.AlignedAlloc((nuint)type.NativeSampleSize, 16);
            NativeMemory.Clear(sample, (nuint)type.NativeSampleSize);
            arena = new NativeArena();
        }
    }

    /// <summary>The message type support.</summary>
    public RosMessageType<T> MessageType => type;

    internal override DdsWriterHandle Writer => writer;

    /// <summary>
    /// Publishes <paramref name="message"/>. Serialization is synchronous: the message may be changed as soon as
    /// this returns. Throws <see cref="DdsException"/> if Cyclone refuses (for example a reliable writer blocked
    /// longer than <see cref="RosQos.MaxBlockingTime"/>).
    /// </summary>
    public unsafe void Publish(in T message)
    {
        using DdsEntityHandle.EntityLease lease = writer.Lease();
        int rc;
        if (sample is null)
        {
            fixed (byte* p = &Unsafe.As<T, byte>(ref Unsafe.AsRef(in message)))
            {
                rc = Libddsc.dds_write(lease.Entity, p);
            }
        }
        else
        {
            lock (gate)
            {
                try
                {
                    type.ToNative(in message, sample, arena!);
                    rc = Libddsc.dds_write(lease.Entity, sample);
                }
                finally
                {
                    arena!.Reset();
                }
            }
        }

        if (rc < 0)
        {
            DdsError.Check(rc, "dds_write", DdsTopicName);
        }
    }

    /// <inheritdoc/>
    public override unsafe void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        Participant.Forget(this);
        DisposeWaiter();
        lock (gate)
        {
            writer.Dispose();
            arena?.Dispose();
            if (sample is not null)
            {
                NativeMemory.AlignedFree(sample);
            }
        }
    }
}

/// <summary>Waiting for a predicate on a status that an <see cref="EntityWaiter"/> signals.</summary>
internal static class MatchWait
{
    public static bool Until(Func<bool> done, EntityWaiter waiter, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long timeoutNs = EntityWaiter.ToDdsDuration(timeout);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            // Reading the status resets its trigger, so the wait below blocks until the next change.
            if (done())
            {
                return true;
            }

            TimeSpan remaining;
            if (timeoutNs == Libddsc.DDS_INFINITY)
            {
                remaining = Timeout.InfiniteTimeSpan;
            }
            else
            {
                remaining = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(start);
                if (remaining <= TimeSpan.Zero)
                {
                    return done();
                }
            }

            _ = waiter.Wait(remaining, cancellationToken);
        }
    }
}
