using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2;

/// <summary>Metadata of a received sample.</summary>
/// <param name="SourceTimestampNs">The writer's clock when it published, ns since the Unix epoch (DDS source timestamp).</param>
/// <param name="PublicationHandle">Identifies the remote publisher within this participant.</param>
public readonly record struct RosSampleInfo(long SourceTimestampNs, ulong PublicationHandle)
{
    /// <summary>The source timestamp as a ROS time.</summary>
    public Time SourceTimestamp => Time.FromNanoseconds(SourceTimestampNs);
}

/// <summary>The non-generic part of a subscription (what a <see cref="RosWaitSet"/> attaches).</summary>
public abstract class RosSubscription : RosEndpoint
{
    private protected RosSubscription(RosParticipant participant, string topicName, RosQos qos, RosMessageType type, string? ddsTopicName)
        : base(participant, topicName, qos, type, ddsTopicName)
    {
    }

    /// <summary>Publishers currently matched (discovered, compatible QoS and type name).</summary>
    public abstract int MatchedPublisherCount { get; }

    internal abstract DdsReadConditionHandle DataCondition { get; }

    internal abstract DdsReaderHandle ReaderHandle { get; }
}

/// <summary>
/// Receives <typeparamref name="T"/> messages from one ROS topic, without blocking and without allocating in the
/// steady state: samples are taken into native buffers this subscription owns (Cyclone refills strings and
/// sequences in place and reallocates only when one grows) and copied into caller-provided storage; repeated
/// strings such as frame ids come from a small cache. Not for concurrent use from several threads.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public sealed class RosSubscription<T> : RosSubscription
    where T : IRosMessage<T>
{
    private const int InitialCapacity = 16;

    private readonly RosMessageType<T> type;
    private readonly DdsReaderHandle reader;
    private readonly DdsReadConditionHandle dataCondition;
    private readonly Utf8StringCache strings = new();
    private readonly Lock waitGate = new();
    private EntityWaiter? dataWaiter;
    private EntityWaiter? matchWaiter;
    private unsafe byte* samples;
    private unsafe void** pointers;
    private unsafe DdsSampleInfo* infos;
    private int capacity;
    private int disposed;

    internal unsafe RosSubscription(RosParticipant participant, string topicName, RosQos qos, RosMessageType<T>? messageType = null, string? ddsTopicName = null)
        : base(participant, topicName, qos, messageType ?? T.MessageType, ddsTopicName)
    {
        type = messageType ?? T.MessageType;
        DdsTopicHandle topic = participant.GetOrCreateTopic(DdsTopicName, type);
        using (DdsQosHandle native = qos.ToNative())
        {
            int entity = Libddsc.dds_create_reader(participant.Handle.Entity, topic.Entity, native.Pointer, 0);
            reader = new DdsReaderHandle(DdsError.CheckEntity(entity, "dds_create_reader", Describe()));
        }

        Guid = GuidOf(reader.Entity, Describe());

        const uint unreadSamples = Libddsc.DDS_NOT_READ_SAMPLE_STATE | Libddsc.DDS_ANY_VIEW_STATE | Libddsc.DDS_ANY_INSTANCE_STATE;
        dataCondition = new DdsReadConditionHandle(DdsError.CheckEntity(
            Libddsc.dds_create_readcondition(reader.Entity, unreadSamples), "dds_create_readcondition", Describe()));
        Grow(InitialCapacity);
    }

    /// <summary>The message type support.</summary>
    public RosMessageType<T> MessageType => type;

    /// <summary>Invalid samples skipped (instance-state notifications such as "no writers"), for diagnostics.</summary>
    public long InvalidSamplesSkipped { get; private set; }

    /// <inheritdoc/>
    public override int MatchedPublisherCount
    {
        get
        {
            using DdsEntityHandle.EntityLease lease = reader.Lease();
            DdsMatchedStatus status;
            unsafe
            {
                DdsError.Check(Libddsc.dds_get_subscription_matched_status(lease.Entity, &status), "dds_get_subscription_matched_status", Describe());
            }

            return (int)status.CurrentCount;
        }
    }

    internal override DdsReadConditionHandle DataCondition => dataCondition;

    internal override DdsReaderHandle ReaderHandle => reader;

    /// <summary>Takes the oldest received message into <paramref name="message"/>; false when there is none.</summary>
    public bool TryTake(ref T message) => TryTake(ref message, out _);

    /// <summary>Takes the oldest received message and its metadata; false when there is none.</summary>
    public bool TryTake(ref T message, out RosSampleInfo info)
    {
        Span<T> one = new(ref message);
        Span<RosSampleInfo> oneInfo = stackalloc RosSampleInfo[1];
        int n = Take(one, oneInfo);
        info = n == 1 ? oneInfo[0] : default;
        return n == 1;
    }

    /// <summary>
    /// Takes up to <c>messages.Length</c> received messages, oldest first, into <paramref name="messages"/> (whose
    /// arrays are reused when their lengths match). Returns how many were written.
    /// </summary>
    public int Take(Span<T> messages) => Take(messages, []);

    /// <summary>
    /// Takes up to <c>messages.Length</c> messages and, when <paramref name="infos"/> is not empty (it must then be
    /// at least as long), their metadata. Returns how many were written.
    /// </summary>
    public unsafe int Take(Span<T> messages, Span<RosSampleInfo> infos)
    {
        if (!infos.IsEmpty && infos.Length < messages.Length)
        {
            throw new ArgumentException($"infos has {infos.Length} elements, fewer than messages ({messages.Length})", nameof(infos));
        }

        int written = 0;
        using DdsEntityHandle.EntityLease lease = reader.Lease();
        while (written < messages.Length)
        {
            int want = Math.Min(messages.Length - written, capacity);
            int n = DdsError.Check(Libddsc.dds_take(lease.Entity, pointers, this.infos, (nuint)want, (uint)want), "dds_take", DdsTopicName);
            for (int i = 0; i < n; i++)
            {
                if (this.infos[i].ValidData == 0)
                {
                    InvalidSamplesSkipped++;
                    continue;
                }

                type.FromNative((byte*)pointers[i], ref messages[written], strings);
                if (!infos.IsEmpty)
                {
                    infos[written] = new RosSampleInfo(this.infos[i].SourceTimestamp, this.infos[i].PublicationHandle);
                }

                written++;
            }

            if (n < want)
            {
                break;
            }
        }

        return written;
    }

    /// <summary>
    /// Takes everything received and keeps only the newest message (what a controller wants from odometry).
    /// False when nothing was received; <paramref name="message"/> is then unchanged.
    /// </summary>
    public bool TryTakeLatest(ref T message) => TryTakeLatest(ref message, out _);

    /// <summary>As <see cref="TryTakeLatest(ref T)"/>, also returning the newest message's metadata.</summary>
    public unsafe bool TryTakeLatest(ref T message, out RosSampleInfo info)
    {
        info = default;
        bool found = false;
        using DdsEntityHandle.EntityLease lease = reader.Lease();
        while (true)
        {
            int n = DdsError.Check(Libddsc.dds_take(lease.Entity, pointers, infos, (nuint)capacity, (uint)capacity), "dds_take", DdsTopicName);
            for (int i = n - 1; i >= 0; i--)
            {
                if (infos[i].ValidData == 0)
                {
                    InvalidSamplesSkipped++;
                    continue;
                }

                type.FromNative((byte*)pointers[i], ref message, strings);
                info = new RosSampleInfo(infos[i].SourceTimestamp, infos[i].PublicationHandle);
                found = true;
                break;
            }

            if (n < capacity)
            {
                return found;
            }
        }
    }

    /// <summary>
    /// Blocks until a message is available (true) or <paramref name="timeout"/> passes (false); use
    /// <see cref="Timeout.InfiniteTimeSpan"/> to wait without limit. Throws <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public bool WaitForData(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        EntityWaiter waiter;
        lock (waitGate)
        {
            ObjectDisposedException.ThrowIf(disposed != 0, this);
            waiter = dataWaiter ??= new EntityWaiter(Participant.Handle.Entity, dataCondition.Entity, Describe());
        }

        return waiter.Wait(timeout, cancellationToken);
    }

    /// <summary>As <see cref="WaitForData"/>, on a thread-pool thread.</summary>
    public Task<bool> WaitForDataAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Task.Run(() => WaitForData(timeout, cancellationToken), cancellationToken);

    /// <summary>Waits until at least <paramref name="count"/> publishers are matched; false on timeout.</summary>
    public bool WaitForPublishers(int count, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        EntityWaiter waiter;
        lock (waitGate)
        {
            ObjectDisposedException.ThrowIf(disposed != 0, this);
            if (matchWaiter is null)
            {
                DdsError.Check(Libddsc.dds_set_status_mask(reader.Entity, Libddsc.DDS_SUBSCRIPTION_MATCHED_STATUS), "dds_set_status_mask", Describe());
                matchWaiter = new EntityWaiter(Participant.Handle.Entity, reader.Entity, Describe());
            }

            waiter = matchWaiter;
        }

        return MatchWait.Until(() => MatchedPublisherCount >= count, waiter, timeout, cancellationToken);
    }

    /// <inheritdoc/>
    public override unsafe void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        Participant.Forget(this);
        lock (waitGate)
        {
            dataWaiter?.Dispose();
            matchWaiter?.Dispose();
        }

        dataCondition.Dispose();
        reader.Dispose();
        FreeSamples();
    }

    private unsafe void Grow(int newCapacity)
    {
        FreeSamples();
        int size = type.NativeSampleSize;
        samples = (byte*)NativeMemory.AlignedAlloc((nuint)newCapacity * (nuint)size, 16);
        NativeMemory.Clear(samples, (nuint)newCapacity * (nuint)size);
        pointers = (void**)NativeMemory.Alloc((nuint)newCapacity, (nuint)sizeof(void*));
        infos = (DdsSampleInfo*)NativeMemory.AllocZeroed((nuint)newCapacity, (nuint)sizeof(DdsSampleInfo));
        for (int i = 0; i < newCapacity; i++)
        {
            pointers[i] = samples + ((nint)i * size);
        }

        capacity = newCapacity;
    }

    private unsafe void FreeSamples()
    {
        if (samples is null)
        {
            return;
        }

        if (!type.IsFixedSize)
        {
            // Strings and sequence buffers that Cyclone allocated into our samples.
            for (int i = 0; i < capacity; i++)
            {
                Libddsc.dds_sample_free(samples + ((nint)i * type.NativeSampleSize), type.Descriptor.Pointer, Libddsc.DDS_FREE_CONTENTS);
            }
        }

        NativeMemory.AlignedFree(samples);
        NativeMemory.Free(pointers);
        NativeMemory.Free(infos);
        samples = null;
        pointers = null;
        infos = null;
        capacity = 0;
    }

    private string Describe() => $"subscription on '{DdsTopicName}' ({type.DdsTypeName}, {Qos})";
}
