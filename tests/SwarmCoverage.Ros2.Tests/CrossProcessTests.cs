using System.Diagnostics;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Tests.Infrastructure;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>
/// Separate operating-system processes (the TestPeer, configured only through CYCLONEDDS_URI as a deployed node
/// is) exchanging every message type with this process and with each other, inside the sandbox's namespace.
/// </summary>
public sealed class CrossProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public void Another_process_publishes_every_type_and_this_one_receives_it()
    {
        uint domain = Dds.NewDomainId();
        using RosParticipant participant = Dds.Participant(domain, "receiver");
        var subs = MessageCases.All.ToDictionary(c => c, c => c.CreateSubscription(participant, $"/xp_in/{c.Name}", RosQos.Default));
        using PeerProcess peer = Dds.StartPeer("publish-all", domain.ToString(System.Globalization.CultureInfo.InvariantCulture), "/xp_in");

        var pending = new Dictionary<MessageCase, RosEndpoint>(subs);
        long start = Stopwatch.GetTimestamp();
        while (pending.Count > 0 && Stopwatch.GetElapsedTime(start) < Timeout)
        {
            foreach ((MessageCase c, RosEndpoint sub) in pending.ToList())
            {
                if (c.TryTakeDump(sub) is { } dump)
                {
                    Assert.Equal(c.ExpectedDump, dump);
                    pending.Remove(c);
                }
            }

            Thread.Sleep(5);
        }

        Assert.Empty(pending.Keys.Select(c => c.Name));
        Assert.Equal(0, peer.WaitForExit(Timeout));
        foreach (RosEndpoint s in subs.Values)
        {
            s.Dispose();
        }
    }

    [Fact]
    public void This_process_publishes_every_type_and_another_one_receives_it()
    {
        uint domain = Dds.NewDomainId();
        using PeerProcess peer = Dds.StartPeer("subscribe-all", domain.ToString(System.Globalization.CultureInfo.InvariantCulture), "/xp_out", "60");
        peer.WaitForLine("READY", Timeout);
        using RosParticipant participant = Dds.Participant(domain, "sender");
        var pubs = MessageCases.All.Select(c => (Case: c, Pub: (RosPublisher)c.CreatePublisher(participant, $"/xp_out/{c.Name}", RosQos.Default))).ToList();
        foreach ((MessageCase c, RosPublisher pub) in pubs)
        {
            Assert.True(pub.WaitForSubscriptions(1, Timeout), $"{pub}: peer never matched");
            c.PublishSample(pub);
        }

        Assert.Equal(0, peer.WaitForExit(Timeout));
        foreach ((MessageCase c, _) in pubs)
        {
            Assert.Equal($"RECV {c.Name} {c.ExpectedDump}", peer.WaitForLine($"RECV {c.Name} ", Timeout));
        }

        foreach ((_, RosPublisher pub) in pubs)
        {
            pub.Dispose();
        }
    }

    [Fact]
    public void Two_other_processes_exchange_every_type()
    {
        string domain = Dds.NewDomainId().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using PeerProcess subscriber = Dds.StartPeer("subscribe-all", domain, "/xp_pair", "60");
        using PeerProcess publisher = Dds.StartPeer("publish-all", domain, "/xp_pair");
        Assert.Equal(0, publisher.WaitForExit(Timeout));
        Assert.Equal(0, subscriber.WaitForExit(Timeout));
        foreach (MessageCase c in MessageCases.All)
        {
            Assert.Equal($"RECV {c.Name} {c.ExpectedDump}", subscriber.WaitForLine($"RECV {c.Name} ", Timeout));
        }
    }

    [Fact]
    public void Odometry_subscription_receives_best_effort_and_reliable_publishers_of_another_process()
    {
        uint domain = Dds.NewDomainId();
        using RosParticipant participant = Dds.Participant(domain, "controller");
        using RosSubscription<Odometry> odom = participant.CreateSubscription<Odometry>("/robot_0/odom", RosQos.SensorData);
        using PeerProcess peer = Dds.StartPeer("odom-publishers", domain.ToString(System.Globalization.CultureInfo.InvariantCulture), "/robot_0/odom");

        var seen = new Dictionary<string, string>();
        var buffer = new Odometry[8];
        long start = Stopwatch.GetTimestamp();
        while (seen.Count < 2 && Stopwatch.GetElapsedTime(start) < Timeout)
        {
            _ = odom.WaitForData(TimeSpan.FromMilliseconds(100));
            int n = odom.Take(buffer);
            for (int i = 0; i < n; i++)
            {
                seen[buffer[i].Header.FrameId!] = Dump.Of(buffer[i]);
            }
        }

        Assert.Equal(Dump.Of(SampleMessages.MakeOdometry("best_effort", 1.0, 2.0, 0.5)), seen.GetValueOrDefault("best_effort/odom"));
        Assert.Equal(Dump.Of(SampleMessages.MakeOdometry("reliable", -1.0, -2.0, -0.5)), seen.GetValueOrDefault("reliable/odom"));
        Assert.Equal(0, peer.WaitForExit(Timeout));
    }

    [Fact]
    public void Topic_list_of_a_controller_process_reads_like_ros2_topic_list()
    {
        uint domain = Dds.NewDomainId();
        using PeerProcess controller = Dds.StartPeer("graph", domain.ToString(System.Globalization.CultureInfo.InvariantCulture));
        controller.WaitForLine("READY", Timeout);
        using RosParticipant observer = Dds.Participant(domain, "observer");
        string[] expected =
        [
            "/robot_0/cmd_vel [geometry_msgs/msg/Twist]",
            "/robot_0/odom [nav_msgs/msg/Odometry]",
            "/swarm/controller/target_map [nav_msgs/msg/OccupancyGrid]",
            "/swarm/status [swarm_coverage_msgs/msg/Status]",
        ];

        IReadOnlyList<RosTopicInfo> topics = [];
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < Timeout)
        {
            topics = observer.GetTopicNamesAndTypes(includeOwn: false);
            if (topics.Count >= expected.Length)
            {
                break;
            }

            Thread.Sleep(20);
        }

        Assert.Equal(expected, topics.Select(t => t.ToString()));
        Assert.Equal([1, 0, 1, 1], topics.Select(t => t.PublisherCount));
        Assert.Equal([0, 1, 0, 0], topics.Select(t => t.SubscriptionCount));
        controller.CloseInput();
        Assert.Equal(0, controller.WaitForExit(Timeout));
    }
}
