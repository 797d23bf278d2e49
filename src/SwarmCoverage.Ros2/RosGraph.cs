using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2;

/// <summary>A ROS topic seen on the domain, as <c>ros2 topic list -t</c> and <c>ros2 topic info</c> report it.</summary>
/// <param name="Name">The ROS topic, e.g. <c>/robot_0/cmd_vel</c>.</param>
/// <param name="Types">ROS type names in use on it (usually one), e.g. <c>geometry_msgs/msg/Twist</c>.</param>
/// <param name="PublisherCount">Publishers (DDS writers) on the topic.</param>
/// <param name="SubscriptionCount">Subscriptions (DDS readers) on the topic.</param>
public sealed record RosTopicInfo(string Name, IReadOnlyList<string> Types, int PublisherCount, int SubscriptionCount)
{
    /// <summary>The line <c>ros2 topic list -t</c> prints: <c>/name [pkg/msg/Type]</c>.</summary>
    public override string ToString() => $"{Name} [{string.Join(", ", Types)}]";
}

/// <summary>
/// Reads the DCPSPublication and DCPSSubscription built-in topics (what every DDS participant announces) and
/// keeps the ROS ones: DDS topics <c>rt/...</c> become ROS topics, mangled type names become ROS types.
/// </summary>
internal sealed class RosGraph : IDisposable
{
    private readonly RosParticipant participant;
    private readonly DdsReaderHandle publications;
    private readonly DdsReaderHandle subscriptions;
    private readonly Lock gate = new();

    public RosGraph(RosParticipant participant)
    {
        this.participant = participant;
        int pp = participant.Handle.Entity;
        publications = new DdsReaderHandle(DdsError.CheckEntity(
            Libddsc.dds_create_reader(pp, Libddsc.DDS_BUILTIN_TOPIC_DCPSPUBLICATION, 0, 0), "dds_create_reader", "DCPSPublication"));
        subscriptions = new DdsReaderHandle(DdsError.CheckEntity(
            Libddsc.dds_create_reader(pp, Libddsc.DDS_BUILTIN_TOPIC_DCPSSUBSCRIPTION, 0, 0), "dds_create_reader", "DCPSSubscription"));
    }

    public unsafe IReadOnlyList<RosTopicInfo> GetTopicNamesAndTypes(bool includeOwn)
    {
        DdsGuid own;
        DdsError.Check(Libddsc.dds_get_guid(participant.Handle.Entity, &own), "dds_get_guid", "participant");
        var topics = new SortedDictionary<string, (SortedSet<string> Types, int Publishers, int Subscriptions)>(StringComparer.Ordinal);
        lock (gate)
        {
            Collect(publications, "DCPSPublication", own, includeOwn, topics, isPublication: true);
            Collect(subscriptions, "DCPSSubscription", own, includeOwn, topics, isPublication: false);
        }

        return [.. topics.Select(t => new RosTopicInfo(t.Key, [.. t.Value.Types], t.Value.Publishers, t.Value.Subscriptions))];
    }

    public void Dispose()
    {
        lock (gate)
        {
            publications.Dispose();
            subscriptions.Dispose();
        }
    }

    private static unsafe void Collect(
        DdsReaderHandle reader,
        string what,
        DdsGuid own,
        bool includeOwn,
        SortedDictionary<string, (SortedSet<string> Types, int Publishers, int Subscriptions)> topics,
        bool isPublication)
    {
        const uint alive = Libddsc.DDS_ANY_SAMPLE_STATE | Libddsc.DDS_ANY_VIEW_STATE | Libddsc.DDS_ALIVE_INSTANCE_STATE;
        using DdsEntityHandle.EntityLease lease = reader.Lease();
        int capacity = 256;
        while (true)
        {
            // Loaned samples: buf[0] == NULL asks Cyclone for its own buffers, returned below.
            void** buf = (void**)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(void*));
            DdsSampleInfo* si = (DdsSampleInfo*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(DdsSampleInfo));
            try
            {
                int n = DdsError.Check(Libddsc.dds_read_mask(lease.Entity, buf, si, (nuint)capacity, (uint)capacity, alive), "dds_read_mask", what);
                if (n == capacity)
                {
                    // Possibly more: return the loan and read again with room for all.
                    DdsError.Check(Libddsc.dds_return_loan(lease.Entity, buf, n), "dds_return_loan", what);
                    capacity *= 4;
                    continue;
                }

                try
                {
                    for (int i = 0; i < n; i++)
                    {
                        if (si[i].ValidData == 0)
                        {
                            continue;
                        }

                        var e = (DdsBuiltinTopicEndpoint*)buf[i];
                        if (!includeOwn && new ReadOnlySpan<byte>(e->ParticipantKey.V, 16).SequenceEqual(new ReadOnlySpan<byte>(own.V, 16)))
                        {
                            continue;
                        }

                        string? ddsTopic = Marshal.PtrToStringUTF8((nint)e->TopicName);
                        string? ddsType = Marshal.PtrToStringUTF8((nint)e->TypeName);
                        if (ddsTopic is null || ddsType is null || !RosNames.TryFromDdsTopicName(ddsTopic, out string? rosTopic))
                        {
                            continue;
                        }

                        string rosType = RosNames.TryFromDdsTypeName(ddsType, out string? demangled) ? demangled : ddsType;
                        if (!topics.TryGetValue(rosTopic, out var entry))
                        {
                            entry = (new SortedSet<string>(StringComparer.Ordinal), 0, 0);
                        }

                        entry.Types.Add(rosType);
                        topics[rosTopic] = isPublication
                            ? (entry.Types, entry.Publishers + 1, entry.Subscriptions)
                            : (entry.Types, entry.Publishers, entry.Subscriptions + 1);
                    }
                }
                finally
                {
                    if (n > 0)
                    {
                        DdsError.Check(Libddsc.dds_return_loan(lease.Entity, buf, n), "dds_return_loan", what);
                    }
                }

                return;
            }
            finally
            {
                NativeMemory.Free(buf);
                NativeMemory.Free(si);
            }
        }
    }
}
