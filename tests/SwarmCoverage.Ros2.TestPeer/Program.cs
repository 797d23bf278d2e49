using System.Diagnostics;
using System.Globalization;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using SwarmCoverage.Ros2.TestPeer;

// A separate process for the cross-process tests of SwarmCoverage.Ros2. It takes its DDS configuration from
// CYCLONEDDS_URI like any deployed node, prints what it did on stdout, and exits non-zero on failure.
return Peer.Run(args);

internal static class Peer
{
    private static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(20);

    public static int Run(string[] args)
    {
        // As a ROS 2 node: everything after --ros-args is for ROS; --enclave NAME names the security enclave.
        int rosArgs = Array.IndexOf(args, "--ros-args");
        string? enclave = null;
        if (rosArgs >= 0)
        {
            string[] ros = args[(rosArgs + 1)..];
            int e = Array.FindIndex(ros, a => a is "--enclave" or "-e");
            enclave = e >= 0 && e + 1 < ros.Length ? ros[e + 1] : null;
            args = args[..rosArgs];
        }

        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: <command> [args]; commands: publish-all, subscribe-all, odom-publishers, graph, load, bench-robots, bench-controller, talk, listen, try-publish, pong, bench-security [--ros-args --enclave NAME]");
            return 2;
        }

        try
        {
            return args[0] switch
            {
                "publish-all" => PublishAll(Domain(args[1]), args[2]),
                "subscribe-all" => SubscribeAll(Domain(args[1]), args[2], TimeSpan.FromSeconds(double.Parse(args[3], CultureInfo.InvariantCulture))),
                "odom-publishers" => OdomPublishers(Domain(args[1]), args[2]),
                "graph" => Graph(Domain(args[1])),
                "talk" => Secure.Talk(Domain(args[1]), args[2], Seconds(args[3]), Seconds(args[4]), enclave),
                "listen" => Secure.Listen(Domain(args[1]), args[2], Seconds(args[3]), args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : int.MaxValue, enclave),
                "try-publish" => Secure.TryPublish(Domain(args[1]), args[2], Seconds(args[3]), Seconds(args[4]), enclave),
                "pong" => Secure.Pong(Domain(args[1]), args[2], args[3], enclave),
                "bench-security" => SecurityBench.Run(Domain(args[1]), args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 500),
                "load" => Load(),
                "bench-local" => LocalBench.Run(Domain(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture)),
                "bench-robots" => Bench.Robots(Domain(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture), Seconds(args[3]), TimeSpan.FromSeconds(Seconds(args[4])),
                    args.Length <= 5 ? RosQos.Default : args[5] switch { "best-effort" => RosQos.SensorData, "no-odom" => null, _ => RosQos.Default }),
                "bench-controller" => Bench.Controller(Domain(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture), Seconds(args[3]),
                    TimeSpan.FromSeconds(Seconds(args[4])), TimeSpan.FromSeconds(Seconds(args[5])),
                    withOdometry: !(args.Length > 6 && args[6] == "no-odom"), publishThreads: args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : 1),
                _ => Unknown(args[0]),
            };
        }
        catch (SwarmCoverage.Ros2.Security.RosSecurityException e)
        {
            Console.Error.WriteLine($"SECURITY-REFUSED {e.Message}");
            return Secure.Refused;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"FAILED: {e}");
            return 1;
        }
    }

    private static uint Domain(string text) => uint.Parse(text, CultureInfo.InvariantCulture);

    private static double Seconds(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static int Unknown(string command)
    {
        Console.Error.WriteLine($"unknown command '{command}'");
        return 2;
    }

    private static RosParticipant Participant(uint domain, string node) =>
        new(new RosParticipantOptions { DomainId = domain, NodeName = node });

    // Publishes the sample of every message type once, reliably, on <prefix>/<name>, after a subscription matched.
    private static int PublishAll(uint domain, string prefix)
    {
        using RosParticipant participant = Participant(domain, "peer_publisher");
        var publishers = MessageCases.All.Select(c => (Case: c, Pub: c.CreatePublisher(participant, $"{prefix}/{c.Name}", RosQos.Default))).ToList();
        foreach ((MessageCase c, RosEndpoint pub) in publishers)
        {
            if (!Matched(pub))
            {
                Console.Error.WriteLine($"no subscription matched {pub}");
                return 3;
            }

            c.PublishSample(pub);
        }

        foreach ((_, RosEndpoint pub) in publishers)
        {
            if (!Acked(pub))
            {
                Console.Error.WriteLine($"not acknowledged: {pub}");
                return 3;
            }
        }

        Console.WriteLine($"published {publishers.Count}");
        return 0;
    }

    // Subscribes to every message type on <prefix>/<name> and prints one RECV line per type received.
    private static int SubscribeAll(uint domain, string prefix, TimeSpan timeout)
    {
        using RosParticipant participant = Participant(domain, "peer_subscriber");
        var pending = MessageCases.All.ToDictionary(c => c, c => c.CreateSubscription(participant, $"{prefix}/{c.Name}", RosQos.Default));
        Console.WriteLine("READY");
        Console.Out.Flush();
        long start = Stopwatch.GetTimestamp();
        while (pending.Count > 0 && Stopwatch.GetElapsedTime(start) < timeout)
        {
            foreach ((MessageCase c, RosEndpoint sub) in pending.ToList())
            {
                string? dump = c.TryTakeDump(sub);
                if (dump is not null)
                {
                    Console.WriteLine($"RECV {c.Name} {dump}");
                    pending.Remove(c);
                }
            }

            Thread.Sleep(5);
        }

        Console.Out.Flush();
        return pending.Count == 0 ? 0 : 4;
    }

    // One best-effort and one reliable publisher of odometry on the same topic, as a robot driver and a mocap bridge might be.
    private static int OdomPublishers(uint domain, string topic)
    {
        using RosParticipant participant = Participant(domain, "peer_odometry");
        using RosPublisher<Odometry> bestEffort = participant.CreatePublisher<Odometry>(topic, RosQos.SensorData);
        using RosPublisher<Odometry> reliable = participant.CreatePublisher<Odometry>(topic, RosQos.Default);
        if (!bestEffort.WaitForSubscriptions(1, DiscoveryTimeout) || !reliable.WaitForSubscriptions(1, DiscoveryTimeout))
        {
            Console.Error.WriteLine("no subscription matched");
            return 3;
        }

        Odometry fromBestEffort = SampleMessages.MakeOdometry("best_effort", 1.0, 2.0, 0.5);
        Odometry fromReliable = SampleMessages.MakeOdometry("reliable", -1.0, -2.0, -0.5);
        for (int i = 0; i < 40; i++)
        {
            bestEffort.Publish(fromBestEffort);
            reliable.Publish(fromReliable);
            Thread.Sleep(10);
        }

        _ = reliable.WaitForAcknowledgments(TimeSpan.FromSeconds(5));
        Console.WriteLine("published");
        return 0;
    }

    // Endpoints a controller would have, kept until stdin closes.
    private static int Graph(uint domain)
    {
        using RosParticipant participant = new(new RosParticipantOptions { DomainId = domain, NodeName = "controller", Namespace = "/swarm" });
        using RosPublisher<Twist> cmd = participant.CreatePublisher<Twist>("/robot_0/cmd_vel");
        using RosSubscription<Odometry> odom = participant.CreateSubscription<Odometry>("/robot_0/odom", RosQos.SensorData);
        using RosPublisher<Status> status = participant.CreatePublisher<Status>("status");
        using RosPublisher<OccupancyGrid> map = participant.CreatePublisher<OccupancyGrid>("~/target_map", RosQos.Latched);
        Console.WriteLine("READY");
        Console.Out.Flush();
        _ = Console.In.ReadToEnd();
        return 0;
    }

    private static int Load()
    {
        try
        {
            LibddscResolver.EnsureLoaded();
            Console.WriteLine($"loaded {LibddscResolver.LoadedFrom}");
            return 0;
        }
        catch (DllNotFoundException e)
        {
            Console.WriteLine(e.Message);
            return 5;
        }
    }

    private static bool Matched(RosEndpoint endpoint) => ((RosPublisher)endpoint).WaitForSubscriptions(1, DiscoveryTimeout);

    private static bool Acked(RosEndpoint endpoint) => ((RosPublisher)endpoint).WaitForAcknowledgments(TimeSpan.FromSeconds(10));
}
