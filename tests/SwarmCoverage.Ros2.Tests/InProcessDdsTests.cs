using System.Diagnostics;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using SwarmCoverage.Ros2.Tests.Infrastructure;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>Two participants of this process on one domain, over the sandbox's loopback (real RTPS, real discovery).</summary>
public sealed class TwoParticipants : IDisposable
{
    public TwoParticipants()
    {
        uint domain = Dds.NewDomainId();
        A = Dds.Participant(domain, "node_a");
        B = Dds.Participant(domain, "node_b", "/swarm");
    }

    internal RosParticipant A { get; }

    internal RosParticipant B { get; }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}

public sealed class InProcessDdsTests(TwoParticipants p) : IClassFixture<TwoParticipants>
{
    private static readonly TimeSpan Timeout = Dds.DiscoveryTimeout;

    public static TheoryData<string> CaseNames => [.. MessageCases.All.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Every_message_type_crosses_between_participants(string name)
    {
        MessageCase c = MessageCases.All.Single(x => x.Name == name);
        using RosEndpoint pub = c.CreatePublisher(p.A, $"/roundtrip/{name}", RosQos.Default);
        using RosEndpoint sub = c.CreateSubscription(p.B, $"/roundtrip/{name}", RosQos.Default);
        Assert.True(((RosPublisher)pub).WaitForSubscriptions(1, Timeout));
        c.PublishSample(pub);
        Assert.True(WaitForData(sub));
        Assert.Equal(c.ExpectedDump, c.TryTakeDump(sub));
        Assert.Null(c.TryTakeDump(sub));
    }

    [Fact]
    public void Best_effort_subscription_receives_reliable_and_best_effort_publishers_and_a_reliable_one_only_reliable()
    {
        const string topic = "/robot_9/odom";
        using RosSubscription<Odometry> sensor = p.B.CreateSubscription<Odometry>(topic, RosQos.SensorData);
        using RosSubscription<Odometry> reliableOnly = p.B.CreateSubscription<Odometry>(topic, RosQos.Default);
        using RosPublisher<Odometry> bestEffort = p.A.CreatePublisher<Odometry>(topic, RosQos.SensorData);
        using RosPublisher<Odometry> reliable = p.A.CreatePublisher<Odometry>(topic, RosQos.Default);

        Assert.True(sensor.WaitForPublishers(2, Timeout));
        Assert.True(bestEffort.WaitForSubscriptions(1, Timeout));
        Assert.True(reliable.WaitForSubscriptions(2, Timeout));

        // DDS: a best-effort writer does not match a reliable reader. By now discovery of both writers is complete
        // (the sensor-data reader matched both), so the reliable reader's count is final.
        Assert.Equal(1, reliableOnly.MatchedPublisherCount);
        Assert.Equal(1, bestEffort.MatchedSubscriptionCount);

        Odometry fromBestEffort = SampleMessages.MakeOdometry("best_effort", 1.0, 2.0, 0.5);
        Odometry fromReliable = SampleMessages.MakeOdometry("reliable", -1.0, -2.0, -0.5);
        var seen = new HashSet<string>();
        var publishers = new HashSet<ulong>();
        var buffer = new Odometry[16];
        var infos = new RosSampleInfo[16];
        long start = Stopwatch.GetTimestamp();
        while (seen.Count < 2 && Stopwatch.GetElapsedTime(start) < Timeout)
        {
            bestEffort.Publish(fromBestEffort);
            reliable.Publish(fromReliable);
            _ = sensor.WaitForData(TimeSpan.FromMilliseconds(50));
            int n = sensor.Take(buffer, infos);
            for (int i = 0; i < n; i++)
            {
                seen.Add(buffer[i].Header.FrameId!);
                publishers.Add(infos[i].PublicationHandle);
                string expected = buffer[i].Header.FrameId == "best_effort/odom" ? Dump.Of(fromBestEffort) : Dump.Of(fromReliable);
                Assert.Equal(expected, Dump.Of(buffer[i]));
            }
        }

        Assert.Equal(["best_effort/odom", "reliable/odom"], seen.Order());
        Assert.Equal(2, publishers.Count);
        Odometry latest = default;
        while (reliableOnly.TryTake(ref latest))
        {
            Assert.Equal("reliable/odom", latest.Header.FrameId);
        }
    }

    [Fact]
    public void Latched_publisher_gives_its_last_sample_to_a_late_transient_local_subscription()
    {
        using RosPublisher<OccupancyGrid> map = p.A.CreatePublisher<OccupancyGrid>("/latched/map", RosQos.Latched);
        OccupancyGrid first = SampleMessages.OccupancyGrid;
        OccupancyGrid last = SampleMessages.OccupancyGrid;
        last.Data = [1, 2, 3, 4, 5, 6];
        map.Publish(first);
        map.Publish(last);

        using RosSubscription<OccupancyGrid> late = p.B.CreateSubscription<OccupancyGrid>("/latched/map", RosQos.Latched);
        Assert.True(late.WaitForData(Timeout));
        OccupancyGrid got = default;
        Assert.True(late.TryTake(ref got));
        Assert.Equal(Dump.Of(last), Dump.Of(got));
        Assert.False(late.TryTake(ref got));
    }

    [Fact]
    public void TryTakeLatest_keeps_only_the_newest_and_reuses_arrays()
    {
        using RosPublisher<Target> pub = p.A.CreatePublisher<Target>("/latest/target", RosQos.Default with { Depth = 50 });
        using RosSubscription<Target> sub = p.B.CreateSubscription<Target>("/latest/target", RosQos.Default with { Depth = 50 });
        Assert.True(pub.WaitForSubscriptions(1, Timeout));
        Target t = SampleMessages.Target;
        for (int i = 0; i < 40; i++)
        {
            t.Header.Stamp = new Time(i, 0);
            pub.Publish(t);
        }

        Assert.True(pub.WaitForAcknowledgments(Timeout));
        Target got = SampleMessages.Target;
        double[] reused = got.RasterValues!;
        Assert.True(sub.TryTakeLatest(ref got));
        Assert.Equal(39, got.Header.Stamp.Sec);
        Assert.Same(reused, got.RasterValues);
        Assert.Equal(Dump.Of(t), Dump.Of(got));
        Assert.False(sub.TryTakeLatest(ref got));
    }

    [Fact]
    public void Topic_list_shows_ros_names_and_types_like_ros2_topic_list()
    {
        using RosPublisher<Twist> cmd = p.A.CreatePublisher<Twist>("/robot_5/cmd_vel");
        using RosSubscription<Odometry> odom = p.A.CreateSubscription<Odometry>("/robot_5/odom", RosQos.SensorData);
        using RosPublisher<Status> status = p.B.CreatePublisher<Status>("status");
        using RosPublisher<OccupancyGrid> map = p.B.CreatePublisher<OccupancyGrid>("~/target_map", RosQos.Latched);

        string[] expected =
        [
            "/robot_5/cmd_vel [geometry_msgs/msg/Twist]",
            "/robot_5/odom [nav_msgs/msg/Odometry]",
            "/swarm/node_b/target_map [nav_msgs/msg/OccupancyGrid]",
            "/swarm/status [swarm_coverage_msgs/msg/Status]",
        ];

        // B lists what it discovered of A (its own endpoints excluded), A what it discovered of B.
        IReadOnlyList<RosTopicInfo> fromB = Poll(() => p.B.GetTopicNamesAndTypes(includeOwn: false), l => l.Any(t => t.Name == "/robot_5/odom"));
        IReadOnlyList<RosTopicInfo> all = Poll(() => p.A.GetTopicNamesAndTypes(), l => expected.All(e => l.Any(t => t.ToString() == e)));
        Assert.Contains(fromB, t => t.ToString() == expected[0] && t.PublisherCount == 1 && t.SubscriptionCount == 0);
        Assert.Contains(fromB, t => t.ToString() == expected[1] && t.PublisherCount == 0 && t.SubscriptionCount == 1);
        Assert.DoesNotContain(fromB, t => t.Name == "/swarm/status");
        foreach (string e in expected)
        {
            Assert.Contains(all, t => t.ToString() == e);
        }
    }

    [Fact]
    public void WaitForData_times_out_then_wakes_on_data_and_on_cancellation()
    {
        using RosPublisher<Bool> pub = p.A.CreatePublisher<Bool>("/wait/estop");
        using RosSubscription<Bool> sub = p.B.CreateSubscription<Bool>("/wait/estop");
        Assert.False(sub.WaitForData(TimeSpan.FromMilliseconds(20)));

        Assert.True(pub.WaitForSubscriptions(1, Timeout));
        pub.Publish(new Bool(true));
        Assert.True(sub.WaitForData(Timeout));
        Bool got = default;
        Assert.True(sub.TryTake(ref got));
        Assert.True(got.Data);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        long start = Stopwatch.GetTimestamp();
        Assert.Throws<OperationCanceledException>(() => sub.WaitForData(System.Threading.Timeout.InfiniteTimeSpan, cts.Token));
        Assert.True(Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(5));

        // The waitset is usable again after a cancellation.
        Assert.False(sub.WaitForData(TimeSpan.FromMilliseconds(10)));
    }

    [Fact]
    public void WaitSet_reports_which_subscriptions_have_data()
    {
        using RosPublisher<Empty> pub = p.A.CreatePublisher<Empty>("/waitset/b");
        using RosSubscription<Empty> a = p.B.CreateSubscription<Empty>("/waitset/a");
        using RosSubscription<Empty> b = p.B.CreateSubscription<Empty>("/waitset/b");
        using var ws = new RosWaitSet(p.B);
        ws.Attach(a);
        ws.Attach(b);
        var ready = new List<RosSubscription>();
        Assert.False(ws.Wait(TimeSpan.FromMilliseconds(20), ready));
        Assert.True(pub.WaitForSubscriptions(1, Timeout));
        pub.Publish(default(Empty));
        Assert.True(ws.Wait(Timeout, ready));
        Assert.Equal([b], ready);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        Empty e = default;
        Assert.True(b.TryTake(ref e));
        Assert.Throws<OperationCanceledException>(() => ws.Wait(System.Threading.Timeout.InfiniteTimeSpan, ready, cts.Token));
    }

    [Fact]
    public void Matched_counts_follow_discovery_and_removal()
    {
        using RosPublisher<Clock> pub = p.A.CreatePublisher<Clock>("/match/clock");
        Assert.Equal(0, pub.MatchedSubscriptionCount);
        Assert.False(pub.WaitForSubscriptions(1, TimeSpan.FromMilliseconds(20)));
        RosSubscription<Clock> sub = p.B.CreateSubscription<Clock>("/match/clock", RosQos.SensorData);
        Assert.True(pub.WaitForSubscriptions(1, Timeout));
        Assert.True(sub.WaitForPublishers(1, Timeout));
        sub.Dispose();
        long start = Stopwatch.GetTimestamp();
        while (pub.MatchedSubscriptionCount != 0 && Stopwatch.GetElapsedTime(start) < Timeout)
        {
            Thread.Sleep(10);
        }

        Assert.Equal(0, pub.MatchedSubscriptionCount);
    }

    [Fact]
    public void One_topic_with_two_types_in_one_participant_is_an_error_naming_both()
    {
        using RosPublisher<Twist> twist = p.A.CreatePublisher<Twist>("/typed/cmd_vel");
        var e = Assert.Throws<ArgumentException>(() => p.A.CreateSubscription<TwistStamped>("/typed/cmd_vel"));
        Assert.Contains("geometry_msgs/msg/Twist", e.Message, StringComparison.Ordinal);
        Assert.Contains("geometry_msgs/msg/TwistStamped", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Publishing_and_taking_allocate_nothing_in_steady_state()
    {
        const int robots = 50;
        var twistPubs = new RosPublisher<Twist>[robots];
        var odomPubs = new RosPublisher<Odometry>[robots];
        var odomSubs = new RosSubscription<Odometry>[robots];
        try
        {
            for (int i = 0; i < robots; i++)
            {
                twistPubs[i] = p.A.CreatePublisher<Twist>($"/alloc/robot_{i}/cmd_vel");
                odomPubs[i] = p.A.CreatePublisher<Odometry>($"/alloc/robot_{i}/odom", RosQos.SensorData);
                odomSubs[i] = p.A.CreateSubscription<Odometry>($"/alloc/robot_{i}/odom", RosQos.SensorData);
            }

            var odometry = new Odometry[robots];
            for (int i = 0; i < robots; i++)
            {
                odometry[i] = SampleMessages.MakeOdometry($"robot_{i}", i, -i, 0.1 * i);
            }

            var received = new Odometry[robots];
            var status = SampleMessages.Status;
            using RosPublisher<Status> statusPub = p.A.CreatePublisher<Status>("/alloc/status");

            void Tick(int tick)
            {
                for (int i = 0; i < robots; i++)
                {
                    odomPubs[i].Publish(odometry[i]);
                }

                for (int i = 0; i < robots; i++)
                {
                    Assert.True(odomSubs[i].TryTakeLatest(ref received[i]));
                }

                for (int i = 0; i < robots; i++)
                {
                    twistPubs[i].Publish(Twist.Planar(0.01 * tick, -0.02 * i));
                }

                status.Tick = (ulong)tick;
                statusPub.Publish(status);
            }

            for (int t = 0; t < 20; t++)
            {
                Tick(t);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int t = 20; t < 60; t++)
            {
                Tick(t);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.Equal(Dump.Of(odometry[7]), Dump.Of(received[7]));
        }
        finally
        {
            foreach (RosEndpoint e in twistPubs.Concat<RosEndpoint>(odomPubs).Concat(odomSubs).Where(e => e is not null))
            {
                e.Dispose();
            }
        }
    }

    [Fact]
    public void Disposing_the_participant_disposes_its_endpoints()
    {
        uint domain = Dds.NewDomainId();
        RosParticipant owner = Dds.Participant(domain, "short_lived");
        RosPublisher<Twist> pub = owner.CreatePublisher<Twist>("/gone/cmd_vel");
        RosSubscription<Twist> sub = owner.CreateSubscription<Twist>("/gone/cmd_vel");
        owner.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pub.Publish(default));
        Twist t = default;
        Assert.Throws<ObjectDisposedException>(() => sub.TryTake(ref t));
        Assert.Throws<ObjectDisposedException>(() => owner.CreatePublisher<Twist>("/gone/again"));
        pub.Dispose();
        sub.Dispose();
    }

    private static bool WaitForData(RosEndpoint subscription) => subscription switch
    {
        RosSubscription s => WaitSetWait(s),
        _ => throw new ArgumentException("not a subscription", nameof(subscription)),
    };

    private static bool WaitSetWait(RosSubscription s)
    {
        using var ws = new RosWaitSet(s.Participant);
        ws.Attach(s);
        return ws.Wait(Timeout, []);
    }

    private static IReadOnlyList<RosTopicInfo> Poll(Func<IReadOnlyList<RosTopicInfo>> list, Func<IReadOnlyList<RosTopicInfo>, bool> done)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            IReadOnlyList<RosTopicInfo> l = list();
            if (done(l) || Stopwatch.GetElapsedTime(start) > Timeout)
            {
                return l;
            }

            Thread.Sleep(20);
        }
    }
}
