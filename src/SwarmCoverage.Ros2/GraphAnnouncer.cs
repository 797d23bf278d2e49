using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Messages.RmwDdsCommon;

namespace SwarmCoverage.Ros2;

/// <summary>
/// A participant's node in the ROS 2 graph, as rmw_cyclonedds_cpp announces it (docs/ros2-wire.md, "The graph"): one
/// <c>rmw_dds_common/msg/ParticipantEntitiesInfo</c> on <c>ros_discovery_info</c> (reliable, transient local, keep last
/// 1, so a late joiner gets the latest) with the participant's gid and its one node: namespace, name and the gids of
/// its readers and writers (the announcer's own writer is not one of them, as rmw's is not). It is published at the
/// start, again when endpoints come or go (changes within 20 ms coalesce into one message, so a node creating
/// thousands of endpoints sends a few messages, not thousands), and at the end without the node. Announcing runs on
/// its own thread and never on a tick; a failed write is retried at the next change.
/// </summary>
internal sealed class GraphAnnouncer : IDisposable
{
    /// <summary>The DDS topic (no <c>rt/</c>: it is not a ROS topic).</summary>
    public const string Topic = "ros_discovery_info";

    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(20);

    private readonly RosParticipant participant;
    private readonly RosPublisher<ParticipantEntitiesInfo> writer;
    private readonly AutoResetEvent signal = new(false);
    private readonly Lock publishGate = new();
    private readonly Thread thread;
    private volatile bool stopping;
    private int dirty;
    private int disposed;

    public GraphAnnouncer(RosParticipant participant, RosDistro distro)
    {
        this.participant = participant;
        Distro = distro;
        var qos = new RosQos(RosReliability.Reliable, RosDurability.TransientLocal, RosHistory.KeepLast, 1);
        writer = participant.CreateRawPublisher(Topic, Topic, qos, distro == RosDistro.Humble ? ParticipantEntitiesInfo.HumbleMessageType : null, inGraph: false);
        Publish(withNode: true);
        thread = new Thread(Run) { IsBackground = true, Name = "ros-graph " + participant.NodeName };
        thread.Start();
    }

    /// <summary>The layout announced in.</summary>
    public RosDistro Distro { get; }

    /// <summary>A DDS GUID as a ROS gid.</summary>
    public static unsafe RosGid ToGid(DdsGuid guid) => RosGid.FromBytes(new ReadOnlySpan<byte>(guid.V, 16));

    /// <summary>An endpoint came or went: publish soon.</summary>
    public void Changed()
    {
        Interlocked.Exchange(ref dirty, 1);
        if (disposed == 0)
        {
            signal.Set();
        }
    }

    /// <summary>Publishes the entry without the node, then stops.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        stopping = true;
        signal.Set();
        thread.Join();
        Publish(withNode: false);
        writer.Dispose();
        signal.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            signal.WaitOne();
            if (stopping)
            {
                return;
            }

            Thread.Sleep(Coalesce);
            if (Interlocked.Exchange(ref dirty, 0) == 1)
            {
                Publish(withNode: true);
            }
        }
    }

    private void Publish(bool withNode)
    {
        lock (publishGate)
        {
            var message = new ParticipantEntitiesInfo { Gid = ToGid(participant.Guid), Nodes = [] };
            if (withNode)
            {
                (List<DdsGuid> readers, List<DdsGuid> writers) = participant.Endpoints();
                message.Nodes =
                [
                    new NodeEntitiesInfo
                    {
                        NodeNamespace = participant.Namespace,
                        NodeName = participant.NodeName,
                        ReaderGids = [.. readers.Select(ToGid)],
                        WriterGids = [.. writers.Select(ToGid)],
                    },
                ];
            }

            try
            {
                writer.Publish(message);
            }
            catch (DdsException)
            {
                Interlocked.Exchange(ref dirty, 1); // retried at the next change
            }
        }
    }
}
