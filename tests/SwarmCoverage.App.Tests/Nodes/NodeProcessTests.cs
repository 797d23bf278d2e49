using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using Pose = SwarmCoverage.Control.Pose;

namespace SwarmCoverage.App.Tests.Nodes;

/// <summary>
/// The controller and the simulator as real processes over real DDS (Cyclone), inside a private network namespace with
/// loopback only: nothing but DDS between the processes and the test.
/// </summary>
[Collection(NodeProcesses.Name)]
public sealed class NodeProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A 2 x 1.5 m arena, two blobs; 12 TurtleBot3 Burgers start in a corner in the simulator (robot_00 ...).</summary>
    internal static string Params(string robots, string extra = "", bool simTime = true, string target = DefaultTarget) => $"""
        swarm_coverage:
          ros__parameters:
            use_sim_time: {(simTime ? "true" : "false")}
            {target}
            epsilon: 0.2
            control_rate_hz: 20.0
            velocity_gain: 0.3
            safety:
              radius_m: 0.2
            status:
              energy_distance_period_s: 0.5
              log_period_s: 1.0
            foxglove:
              port: 0                # the tests run many controllers at once; the Foxglove tests give a port of their own
            robots:
        {robots}
        {extra}
            sim:
              robot_model: turtlebot3_burger
              robots: 12
              start: corner
        """;

    internal const string DefaultTarget = """
        target:
              domain_min: [0.0, 0.0]
              domain_max: [2.0, 1.5]
              type: gaussian_mixture
              weights: [0.5, 0.5]
              means: [0.6, 0.8, 1.4, 0.7]
              sigmas: [0.35, 0.35, 0.35, 0.35]
        """;

    internal const string TwelveBurgers = """
              prefix: robot_
              count: 12
              model: turtlebot3_burger
        """;

    private static readonly string[] Twelve = [.. Enumerable.Range(0, 12).Select(i => $"robot_{i:D2}")];

    [Fact]
    public void The_simulator_and_the_controller_as_separate_processes_bring_the_swarm_to_its_target()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("run.yaml", Params(TwelveBurgers));
        using var observer = NodeDds.Participant(domain);
        var odom = Twelve.Select(n => observer.CreateSubscription<Odometry>($"/{n}/odom", RosQos.SensorData)).ToArray();
        var statusSub = observer.CreateSubscription<Status>("/swarm_coverage/status", new RosQos(RosReliability.Reliable, RosDurability.Volatile, RosHistory.KeepLast, 1000));
        using var controller = AppProcess.Start(domain, "controller", "--params", file);
        controller.WaitForLine("waiting for /clock");
        using var sim = AppProcess.Start(domain, "sim", "--params", file, "--speed", "4", "--duration", "12");

        var first = new Pose?[12];
        var last = new Pose[12];
        var statuses = new List<Status>();
        var o = default(Odometry);
        var s = new Status();
        while (!sim.HasExited)
        {
            for (int i = 0; i < 12; i++)
                while (odom[i].TryTake(ref o))
                {
                    var p = new Pose(o.Pose.Pose.Position.X, o.Pose.Pose.Position.Y, 0, o.Pose.Pose.Orientation.ToYawRad());
                    first[i] ??= p;
                    last[i] = p;
                    Assert.Equal($"{Twelve[i]}/odom", o.Header.FrameId);
                    Assert.Equal($"{Twelve[i]}/base_link", o.ChildFrameId);
                }
            while (statusSub.TryTake(ref s)) statuses.Add(s);
            Thread.Sleep(5);
        }

        Assert.Equal(0, sim.WaitForExit());
        controller.Signal(AppProcess.SigTerm);
        Assert.Equal(0, controller.WaitForExit());

        // The controller's own account: chi2_eps of the controlled points, from the first tick with every robot to the end.
        var full = statuses.Where(x => x.ActiveRobots == 12).ToList();
        Assert.True(full.Count > 100, $"only {full.Count} status messages with 12 active robots\n{controller.Describe()}");
        Assert.True(full[0].Chi2Eps / full[^1].Chi2Eps >= 10, $"status chi2_eps {full[0].Chi2Eps} -> {full[^1].Chi2Eps}");
        Assert.All(full, x => Assert.True(x.MinPairwiseDistanceM >= 0.2, $"robots {x.MinPairwiseDistanceM} m apart at tick {x.Tick}"));

        // An independent account from the simulator's odometry: the robot centres' chi2_eps against the same target.
        Assert.All(first, p => Assert.NotNull(p));
        var settings = ControllerSettings.Read(RosParamsFile.Load(file, "swarm_coverage"));
        using var field = new BlobField(settings.Target, settings.FieldOptions(12));
        double Chi2(IEnumerable<Pose> poses) => field.Measure(poses.SelectMany(p => new[] { p.X, p.Y }).ToArray(), []).Chi2;
        double before = Chi2(first.Select(p => p!.Value)), after = Chi2(last);
        Assert.True(before / after >= 10, $"chi2_eps of the robot centres {before} -> {after}");
        Assert.Contains(sim.Lines, l => l.Contains("Simulated the requested 12 s", StringComparison.Ordinal));
    }

    [Fact]
    public void A_plain_DDS_participant_lists_the_controller_topics_with_their_ROS_2_names_and_types()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("names.yaml", Params("""
                  names: [alpha, bravo]
                  model: turtlebot3_burger
            """));
        using var controller = AppProcess.Start(domain, "controller", "--params", file);
        controller.WaitForLine("waiting for /clock");
        using var observer = NodeDds.Participant(domain, "observer");
        string[] expected =
        [
            "/alpha/cmd_vel [geometry_msgs/msg/Twist]",
            "/alpha/odom [nav_msgs/msg/Odometry]",
            "/bravo/cmd_vel [geometry_msgs/msg/Twist]",
            "/bravo/odom [nav_msgs/msg/Odometry]",
            "/clock [rosgraph_msgs/msg/Clock]",
            "/diagnostics [diagnostic_msgs/msg/DiagnosticArray]",
            "/parameter_events [rcl_interfaces/msg/ParameterEvent]",
            "/rosout [rcl_interfaces/msg/Log]",
            "/swarm_coverage/emergency_stop [std_msgs/msg/Bool]",
            "/swarm_coverage/status [swarm_coverage_msgs/msg/Status]",
            "/swarm_coverage/target [swarm_coverage_msgs/msg/Target]",
            "/swarm_coverage/target_grid [nav_msgs/msg/OccupancyGrid]",
            "/swarm_coverage/target_map [nav_msgs/msg/OccupancyGrid]",
        ];
        IReadOnlyList<RosTopicInfo> topics = [];
        NodeDds.Until(() => (topics = observer.GetTopicNamesAndTypes(includeOwn: false)).Count >= expected.Length, "the controller's topics", null, controller);
        Assert.Equal(expected, topics.Select(t => t.ToString()));
        Assert.Equal([1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1], topics.Select(t => t.PublisherCount));
        Assert.Equal([0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0], topics.Select(t => t.SubscriptionCount));
    }

    [Fact]
    public void A_robot_whose_odometry_stops_is_commanded_zero_and_left_out_and_rejoins_when_it_returns()
    {
        uint domain = NodeDds.NewDomainId();
        string[] names = ["r0", "r1", "r2", "r3"];
        string file = _dir.File("stale.yaml", Params("""
                  names: [r0, r1, r2, r3]
                  model: holonomic_ground
            """, """
                watchdog:
                  pose_timeout_s: 0.3
            """, simTime: false));
        // Four holonomic robots in a row at the left wall: the target pulls every one of them to the right.
        Pose[] poses = [.. Enumerable.Range(0, 4).Select(i => new Pose(0.3, 0.3 + 0.3 * i, 0, 0))];
        using var robots = new FakeRobots(domain, names, poses);
        using var observer = NodeDds.Participant(domain);
        var statusSub = observer.CreateSubscription<Status>("/swarm_coverage/status");
        using var controller = AppProcess.Start(domain, "controller", "--params", file);
        var s = new Status();
        Status Latest()
        {
            while (statusSub.TryTake(ref s)) { }
            return s;
        }

        static bool Moving(Twist t) => t.Linear.X != 0 || t.Linear.Y != 0;
        NodeDds.Until(() => Latest().ActiveRobots == 4 && names.All(n => robots.Commands(n).Any(Moving)), "four active robots with commands", null, controller);

        robots.SetPaused("r2", true);
        NodeDds.Until(() => Latest() is { ActiveRobots: 3, StaleRobots: 1 }, "r2 stale in the status", null, controller);
        controller.WaitForLine("r2 is stale");
        int mark = robots.CommandCount("r2");
        int[] marks = [.. names.Select(robots.CommandCount)];
        Thread.Sleep(500);
        var r2 = robots.Commands("r2")[mark..];
        Assert.True(r2.Length >= 5, $"r2 got {r2.Length} commands in 0.5 s while stale");
        Assert.All(r2, t => Assert.Equal(default, t)); // exactly zero, every tick
        foreach (var n in new[] { "r0", "r1", "r3" })
            Assert.Contains(robots.Commands(n)[marks[robots.IndexOf(n)]..], Moving);

        robots.SetPaused("r2", false);
        NodeDds.Until(() => Latest() is { ActiveRobots: 4, StaleRobots: 0 }, "r2 active again", null, controller);
        controller.WaitForLine("r2 rejoined");
        int back = robots.CommandCount("r2");
        NodeDds.Until(() => robots.Commands("r2")[back..].Any(Moving), "a non-zero command for r2 after it rejoined", null, controller);
    }

    [Fact]
    public void Killing_the_controller_makes_the_simulator_stop_the_robots_by_its_command_timeout()
    {
        uint domain = NodeDds.NewDomainId();
        // This run also takes the other interface: motion-capture style poses in, TwistStamped (Jazzy) commands out.
        string file = _dir.File("kill.yaml", Params(TwelveBurgers + """

                  pose_source: pose
                  cmd_vel_type: twist_stamped
            """));
        using var observer = NodeDds.Participant(domain);
        var odom = Twelve.Select(n => observer.CreateSubscription<Odometry>($"/{n}/odom", RosQos.SensorData)).ToArray();
        using var controller = AppProcess.Start(domain, "controller", "--params", file);
        controller.WaitForLine("waiting for /clock");
        Assert.Contains(controller.Lines, l => l.Contains("poses from /{robot}/pose (geometry_msgs/msg/PoseStamped), commands on /{robot}/cmd_vel (geometry_msgs/msg/TwistStamped)", StringComparison.Ordinal));
        using var sim = AppProcess.Start(domain, "sim", "--params", file, "--speed", "2", "--duration", "30", "--publish-pose", "--cmd-vel-type", "twist_stamped");

        // Every odometry sample of every robot: (simulated stamp, speed).
        var track = Twelve.Select(_ => new List<(double T, double Speed)>()).ToArray();
        var o = default(Odometry);
        double Newest()
        {
            double t = 0;
            for (int i = 0; i < 12; i++)
                while (odom[i].TryTake(ref o))
                {
                    track[i].Add((o.Header.Stamp.ToSeconds(), Math.Abs(o.Twist.Twist.Linear.X) + Math.Abs(o.Twist.Twist.Angular.Z)));
                    t = Math.Max(t, o.Header.Stamp.ToSeconds());
                }
            return t;
        }

        double now = 0;
        NodeDds.Until(() => (now = Math.Max(now, Newest())) > 1.0 && track.Count(x => x.Count > 0 && x[^1].Speed > 0.02) >= 6, "robots driving", null, controller, sim);
        controller.Signal(AppProcess.SigKill);
        controller.WaitForExit();

        // The simulator times each robot out 0.5 s (simulated) after its last command took effect and says when that was.
        // That instant, not the kill, is the reference: a loaded controller may have sent its last command well before it died.
        // A robot's newest timeout line counts, unless commands arrived again after it (a stall before the kill).
        double FinalTimeout(string robot)
        {
            double at = double.NaN;
            foreach (string line in sim.Lines)
            {
                if (line.Contains($"{robot}: commands arrive again", StringComparison.Ordinal)) at = double.NaN;
                var m = Regex.Match(line, $@"{robot}: no command for 0\.5 s \(simulated\) since its last took effect at t = ([0-9.]+) s");
                if (m.Success) at = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 0.5;
            }

            return at;
        }

        var timeoutAt = new double[12];
        NodeDds.Until(() =>
        {
            for (int i = 0; i < 12; i++) timeoutAt[i] = FinalTimeout(Twelve[i]);
            return !timeoutAt.Any(double.IsNaN);
        }, "the simulator's command timeout for every robot", null, sim);

        // Until its timeout a robot holds its last command; then it brakes (1 m/s^2, Burgers <= 0.22 m/s) to zero.
        NodeDds.Until(() => Newest() > timeoutAt.Max() + 0.5, "odometry past every robot's timeout", null, sim);
        int heldUntilTimeout = 0;
        for (int i = 0; i < 12; i++)
        {
            var x = track[i];
            // Moving in the last sample before its timeout: held its command (not stopped early) ...
            if (x.LastOrDefault(s => s.T <= timeoutAt[i] - 0.05) is { Speed: > 0.02 }) heldUntilTimeout++;
            // ... and stopped within the braking time after it, never to move again.
            double movingAt = x.Where(s => s.Speed > 1e-9).Select(s => s.T).DefaultIfEmpty(0).Max();
            Assert.True(movingAt <= timeoutAt[i] + 0.22 + 0.15, $"{Twelve[i]} still moving {movingAt - timeoutAt[i]:F3} s (simulated) after its command timeout");
            Assert.Contains(x, s => s.T > timeoutAt[i] + 0.22 + 0.15 && s.Speed == 0);
        }

        Assert.True(heldUntilTimeout >= 6, $"{heldUntilTimeout} of 12 robots were still driving just before their command timeout");
        sim.Signal(AppProcess.SigTerm);
        Assert.Equal(0, sim.WaitForExit());
    }

    private static readonly string[] ThreeBurgers = ["a", "b", "c"];

    /// <summary>A controller process on wall-clock time for three fake Burgers (a, b, c), once it commands them all to move.</summary>
    private (FakeRobots Robots, AppProcess Controller) ThreeBurgersMoving(uint domain, string name, string extraParams, params string[] args)
    {
        string file = _dir.File(name, Params("""
                  names: [a, b, c]
                  model: turtlebot3_burger
            """, extraParams, simTime: false));
        Pose[] poses = [new(0.3, 0.3, 0, 0), new(0.3, 0.75, 0, 1.0), new(0.3, 1.2, 0, -1.0)];
        var robots = new FakeRobots(domain, ThreeBurgers, poses);
        var controller = AppProcess.Start(domain, ["controller", "--params", file, .. args]);
        NodeDds.Until(() => ThreeBurgers.All(n => robots.Commands(n).Any(t => t.Linear.X != 0 || t.Angular.Z != 0)), "non-zero commands to every robot", null, controller);
        return (robots, controller);
    }

    [Fact]
    public void SIGTERM_makes_the_controller_publish_zero_to_every_robot_before_it_exits()
    {
        var (robots, controller) = ThreeBurgersMoving(NodeDds.NewDomainId(), "term.yaml", "    realtime_priority: 10\n");
        using var robotsOwned = robots;
        using var controllerOwned = controller;
        controller.WaitForLine("Control loop thread runs under SCHED_FIFO priority 10"); // the tests run as root

        controller.Signal(AppProcess.SigTerm);
        Assert.Equal(0, controller.WaitForExit());
        Assert.Contains(controller.Lines, l => l.Contains("published zero to 3 robots; 3 of 3 with a subscriber acknowledged", StringComparison.Ordinal));
        Thread.Sleep(200); // the robots' thread takes what was acknowledged
        foreach (var n in ThreeBurgers) Assert.Equal(default, robots.Commands(n)[^1]);
    }

    [Fact]
    public void A_live_recording_stopped_by_SIGTERM_is_complete_for_an_indexed_reader_and_replays_bit_for_bit()
    {
        string recording = _dir["live.mcap"];
        var (robots, controller) = ThreeBurgersMoving(NodeDds.NewDomainId(), "rec.yaml", "", "--record", recording);
        using var robotsOwned = robots;
        using var controllerOwned = controller;
        Thread.Sleep(1000);
        controller.Signal(AppProcess.SigTerm);
        Assert.Equal(0, controller.WaitForExit());

        // Foxglove's indexed reader needs the summary and footer a clean stop writes; a cut file would not open.
        var json = Mcap.Tests.NodeReference.RunJson("mcap-ros2.mjs", recording, "^/a/cmd_vel$");
        Assert.Equal("ros2", json.GetProperty("header").GetProperty("profile").GetString());
        Assert.True(long.Parse(json.GetProperty("statistics").GetProperty("messageCount").GetString()!, CultureInfo.InvariantCulture) > 0);
        var topics = json.GetProperty("topics");
        foreach (var t in topics.EnumerateObject())
            Assert.True(t.Value.GetProperty("errors").GetArrayLength() == 0, $"{t.Name}: {t.Value.GetProperty("errors")}");
        int ticks = topics.GetProperty("/swarm_coverage/tick_input").GetProperty("count").GetInt32();
        Assert.True(ticks >= 20, $"{ticks} ticks recorded in over a second at 20 Hz");
        Assert.Equal(ticks, topics.GetProperty("/a/cmd_vel").GetProperty("count").GetInt32());

        var (code, output, err) = Cli.Run("replay", recording);
        Assert.True(code == 0, output + err);
        Assert.Contains($"{ticks} ticks, {3 * ticks} commands compared, 0 mismatches", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_emergency_stop_zeroes_every_command_until_it_is_released()
    {
        uint domain = NodeDds.NewDomainId();
        string[] names = ["a", "b", "c"];
        string file = _dir.File("estop.yaml", Params("""
                  names: [a, b, c]
                  model: holonomic_ground
            """, simTime: false));
        Pose[] poses = [new(0.3, 0.3, 0, 0), new(0.3, 0.75, 0, 0), new(0.3, 1.2, 0, 0)];
        using var robots = new FakeRobots(domain, names, poses);
        using var operatorNode = NodeDds.Participant(domain, "operator");
        using var estop = operatorNode.CreatePublisher<Bool>("/swarm_coverage/emergency_stop");
        using var controller = AppProcess.Start(domain, "controller", "--params", file);
        static bool Moving(Twist t) => t.Linear.X != 0 || t.Linear.Y != 0;
        NodeDds.Until(() => names.All(n => robots.Commands(n).Any(Moving)) && estop.MatchedSubscriptionCount == 1, "commands and the e-stop subscription", null, controller);

        estop.Publish(new Bool(true));
        controller.WaitForLine("EMERGENCY STOP set");
        Thread.Sleep(150); // the tick in flight when the stop arrived
        int[] marks = [.. names.Select(robots.CommandCount)];
        Thread.Sleep(500);
        for (int i = 0; i < names.Length; i++)
        {
            var during = robots.Commands(names[i])[marks[i]..];
            Assert.True(during.Length >= 5, $"{names[i]} got {during.Length} commands in 0.5 s of emergency stop");
            Assert.All(during, t => Assert.Equal(default, t));
        }

        estop.Publish(new Bool(false));
        controller.WaitForLine("Emergency stop released");
        int[] after = [.. names.Select(robots.CommandCount)];
        NodeDds.Until(() => names.Select((n, i) => robots.Commands(n)[after[i]..].Any(Moving)).All(x => x), "commands after the release", null, controller);
    }

    [Fact]
    public void Decentralized_instances_and_a_controller_publishing_from_three_threads_command_bit_identically_what_the_centralized_controller_commands()
    {
        // Three domains, driven in lockstep by this test with the same poses and the same /clock: one centralized
        // controller in domain A, one decentralized instance per robot in domain B, and one centralized controller that
        // publishes from three threads (publish_threads: 3, a robot per thread) in domain C. Commands carry the tick's
        // time (TwistStamped), so every command can be matched to its tick.
        const int ticks = 40;
        const double period = 0.05;
        string[] names = ["robot_00", "robot_01", "robot_02"];
        string file = _dir.File("dec.yaml", Params("""
                  names: [robot_00, robot_01, robot_02]
                  model: turtlebot3_burger
                  cmd_vel_type: twist_stamped
            """));
        string threeThreads = _dir.File("dec3.yaml", File.ReadAllText(file).Replace("    robots:\n", "    publish_threads: 3\n    robots:\n", StringComparison.Ordinal));
        Assert.Contains("publish_threads: 3", File.ReadAllText(threeThreads), StringComparison.Ordinal);
        uint domainA = NodeDds.NewDomainId(), domainB = NodeDds.NewDomainId(), domainC = NodeDds.NewDomainId();
        using var central = AppProcess.Start(domainA, "controller", "--params", file);
        using var parallel = AppProcess.Start(domainC, "controller", "--params", threeThreads);
        var instances = names.Select(n => AppProcess.Start(domainB, "controller", "--params", file, "--robot", n)).ToList();
        try
        {
            using var a = new LockstepDriver(domainA, names, controllers: 1);
            using var b = new LockstepDriver(domainB, names, controllers: names.Length);
            using var c = new LockstepDriver(domainC, names, controllers: 1);
            AppProcess[] all = [central, parallel, .. instances];
            NodeDds.Until(() => a.Matched && b.Matched && c.Matched, "discovery in the three domains", null, all);
            foreach (var p in all) p.WaitForLine("Control loop running");
            parallel.WaitForLine("publishing commands from 3 thread(s)");
            central.WaitForLine("publishing commands from 1 thread(s)");

            int moving = 0;
            for (int k = 1; k <= ticks; k++)
            {
                // Prescribed trajectories (not the commands' result), identical in both domains.
                var poses = names.Select((_, i) => new Pose(0.35 + 0.004 * k + 0.01 * i, 0.3 + 0.4 * i + 0.002 * k * (i - 1), 0, 0.3 * i - 0.02 * k)).ToArray();
                long stampNs = (long)Math.Round(k * period * 1e9);
                a.Step(poses, stampNs);
                b.Step(poses, stampNs);
                c.Step(poses, stampNs);
                var ca = a.WaitForCommands(stampNs, all);
                var cb = b.WaitForCommands(stampNs, all);
                var cc = c.WaitForCommands(stampNs, all);
                for (int i = 0; i < names.Length; i++)
                {
                    Assert.True(Bits(ca[i]) == Bits(cb[i]), $"tick {k}, {names[i]}: centralized {Show(ca[i])}, decentralized {Show(cb[i])}");
                    Assert.True(Bits(ca[i]) == Bits(cc[i]), $"tick {k}, {names[i]}: centralized {Show(ca[i])}, three publishing threads {Show(cc[i])}");
                    if (ca[i].Linear.X != 0 || ca[i].Angular.Z != 0) moving++;
                }
            }

            Assert.True(moving > ticks, $"only {moving} non-zero commands: the comparison would be trivial");
        }
        finally
        {
            foreach (var p in instances) p.Dispose();
        }
    }

    private static (long, long, long, long, long, long) Bits(Twist t) => (
        BitConverter.DoubleToInt64Bits(t.Linear.X), BitConverter.DoubleToInt64Bits(t.Linear.Y), BitConverter.DoubleToInt64Bits(t.Linear.Z),
        BitConverter.DoubleToInt64Bits(t.Angular.X), BitConverter.DoubleToInt64Bits(t.Angular.Y), BitConverter.DoubleToInt64Bits(t.Angular.Z));

    private static string Show(Twist t) => string.Create(CultureInfo.InvariantCulture, $"v {t.Linear.X:R}, w {t.Angular.Z:R}");

    /// <summary>Publishes poses and /clock in one domain and collects the TwistStamped commands of each tick.</summary>
    private sealed class LockstepDriver : IDisposable
    {
        private readonly RosParticipant _p;
        private readonly RosPublisher<Odometry>[] _odom;
        private readonly RosSubscription<TwistStamped>[] _cmd;
        private readonly RosPublisher<Ros2.Messages.RosgraphMsgs.Clock> _clock;
        private readonly int _controllers;
        private readonly Dictionary<(int, long), Twist> _seen = [];

        public LockstepDriver(uint domain, string[] names, int controllers)
        {
            _controllers = controllers;
            _p = NodeDds.Participant(domain, "lockstep");
            _odom = [.. names.Select(n => _p.CreatePublisher<Odometry>($"/{n}/odom"))];
            _cmd = [.. names.Select(n => _p.CreateSubscription<TwistStamped>($"/{n}/cmd_vel", new RosQos(RosReliability.Reliable, RosDurability.Volatile, RosHistory.KeepLast, 100)))];
            _clock = _p.CreatePublisher<Ros2.Messages.RosgraphMsgs.Clock>("/clock");
        }

        public bool Matched =>
            _clock.MatchedSubscriptionCount == _controllers && _odom.All(o => o.MatchedSubscriptionCount == _controllers) && _cmd.All(c => c.MatchedPublisherCount == 1);

        public void Step(Pose[] poses, long stampNs)
        {
            for (int i = 0; i < poses.Length; i++)
            {
                var o = new Odometry { Header = new Header(default, "odom") };
                o.Pose.Pose = new Ros2.Messages.GeometryMsgs.Pose(new Point(poses[i].X, poses[i].Y, 0), Quaternion.FromYaw(poses[i].YawRad));
                _odom[i].Publish(o);
            }

            Thread.Sleep(3); // poses first, then the clock that makes the controllers tick
            _clock.Publish(new Ros2.Messages.RosgraphMsgs.Clock(Ros2.Messages.BuiltinInterfaces.Time.FromNanoseconds(stampNs)));
        }

        public Twist[] WaitForCommands(long stampNs, AppProcess[] processes)
        {
            var m = new TwistStamped();
            NodeDds.Until(() =>
            {
                for (int i = 0; i < _cmd.Length; i++)
                    while (_cmd[i].TryTake(ref m)) _seen[(i, m.Header.Stamp.ToNanoseconds())] = m.Twist;
                return Enumerable.Range(0, _cmd.Length).All(i => _seen.ContainsKey((i, stampNs)));
            }, $"the commands of the tick at {stampNs} ns", TimeSpan.FromSeconds(10), processes);
            return [.. Enumerable.Range(0, _cmd.Length).Select(i => _seen[(i, stampNs)])];
        }

        public void Dispose() => _p.Dispose();
    }
}

/// <summary>The controller node in this process, against robots played by the test.</summary>
[Collection(NodeProcesses.Name)]
public sealed class ControllerNodeInProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_control_tick_allocates_nothing_once_the_buffers_exist(int publishThreads)
    {
        uint domain = NodeDds.NewDomainId();
        string[] names = ["a", "b", "c", "d"];
        string file = _dir.File("alloc.yaml", NodeProcessTests.Params("""
                  names: [a, b, c, d]
                  model: turtlebot3_burger
                  cmd_vel_type: twist_stamped
            """, "", simTime: false)
            .Replace("energy_distance_period_s: 0.5", "energy_distance_period_s: 0.0", StringComparison.Ordinal) // its task, once a period, allocates
            .Replace("log_period_s: 1.0", "log_period_s: 100000.0", StringComparison.Ordinal));
        using var robots = new FakeRobots(domain, names, [.. names.Select((_, i) => new Control.Pose(0.3, 0.3 + 0.3 * i, 0, 0.5 * i))]);
        var settings = SwarmCoverage.Nodes.ControllerNodeSettings.Load(file, null) with { WatchParamsFile = false, PublishThreads = publishThreads };
        using var node = NodeDds.Sandbox.Run(() => new SwarmCoverage.Nodes.ControllerNode(settings, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SwarmCoverage.Nodes.ControllerNode>.Instance,
            new RosParticipantOptions { DomainId = domain, CycloneDdsConfig = NodeDds.CycloneConfig }));
        NodeDds.Until(() =>
        {
            node.Tick();
            Thread.Sleep(20);
            return node.ActiveRobots == 4 && node.Ticks > 50;
        }, "four active robots");

        // Two blocks of 100 ticks: the first may make something lazily once (32 bytes, seen since the input ledger
        // landed, not yet traced); the second must allocate nothing, so no tick allocates in steady state.
        long first = 0, allocated = 0;
        for (int block = 0; block < 2; block++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 100; k++)
            {
                node.Tick();
                Thread.Sleep(2); // fresh odometry arrives between ticks
            }

            (first, allocated) = (allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(first <= 64, $"the first 100 ticks allocated {first} bytes on the control thread");
        Assert.Equal(4, node.ActiveRobots);
        Assert.Equal(publishThreads, node.PublishThreads);
        Assert.True(allocated == 0, $"100 ticks allocated {allocated} bytes on the control thread");
    }

    [Fact]
    public void Bench_ros_measures_the_control_loop_against_the_simulator_process_and_reports_its_percentiles()
    {
        // A short real run: the simulator as its own process, the controller node here, six Burgers on a 0.7 m grid,
        // commands published from two threads.
        using var bench = AppProcess.Start(NodeDds.NewDomainId(), "bench", "ros", "--robots", "6", "--rate-hz", "20", "--duration", "1.5",
            "--warmup", "0.5", "--spacing", "0.7", "--publish-threads", "2", "--report-every", "0.5", "--domain", NodeDds.NewDomainId().ToString(CultureInfo.InvariantCulture));
        Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(120)) == 0, bench.Describe());
        Assert.True(bench.HasLine("6 TurtleBot3 Burgers at 20 Hz (start grid 0.7 m)"), bench.Describe());
        Assert.True(bench.HasLine("2 publishing thread(s)"), bench.Describe());
        Assert.True(bench.HasLine("garbage collections in this process while measuring:"), bench.Describe());
        var ticks = System.Text.RegularExpressions.Regex.Match(string.Join('\n', bench.Lines), @"(\d+) ticks measured over 1.5 s");
        Assert.True(ticks.Success && int.Parse(ticks.Groups[1].Value, CultureInfo.InvariantCulture) >= 20, bench.Describe());
        double p50 = Number("p50_ms="), p99 = Number("p99_ms=");
        Assert.True(p50 > 0 && p99 >= p50 && p99 < 1000, bench.Describe());
        // Progress: a line per 0.5 s window, in order, each over its own ticks (about 10 at 20 Hz; a loaded machine may
        // skip some, and a stall across a boundary merges two windows).
        var windows = bench.Lines.Where(l => l.Contains("] last pose -> last command published:", StringComparison.Ordinal)).ToList();
        string[] labels = ["  [0-0.5 s]", "  [0.5-1 s]", "  [1-1.5 s]"];
        Assert.True(windows.Count is 2 or 3 && windows[0].StartsWith(labels[0], StringComparison.Ordinal), bench.Describe());
        Assert.All(windows, w => Assert.Contains(w[..(w.IndexOf(']', StringComparison.Ordinal) + 1)], labels));
        Assert.All(windows, w => Assert.InRange(int.Parse(Regex.Match(w, @"\(n=(\d+)\);").Groups[1].Value, CultureInfo.InvariantCulture), 4, 20));

        double Number(string key) => double.Parse(bench.Lines.Single(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..], CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("--spacing", "0.2", "--spacing 0.2: Burgers need at least 0.35 m")]
    [InlineData("--publish-threads", "65", "--publish-threads 65: allowed 0..64")]
    [InlineData("--report-every", "-1", "--report-every -1: must be >= 0 seconds")]
    public void Bench_ros_rejects_a_bad_option_naming_it(string option, string value, string message)
    {
        var (code, _, err) = Cli.Run("bench", "ros", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Publishing_uses_two_threads_automatically_from_64_commanded_robots_when_there_are_two_processors()
    {
        Assert.Equal(1, SwarmCoverage.Nodes.ControllerNode.AutomaticPublishThreads(63, 2));
        Assert.Equal(2, SwarmCoverage.Nodes.ControllerNode.AutomaticPublishThreads(64, 2));
        Assert.Equal(2, SwarmCoverage.Nodes.ControllerNode.AutomaticPublishThreads(100, 2));
        Assert.Equal(2, SwarmCoverage.Nodes.ControllerNode.AutomaticPublishThreads(1000, 16));
        Assert.Equal(1, SwarmCoverage.Nodes.ControllerNode.AutomaticPublishThreads(1000, 1));
        Assert.Equal(1, SwarmCoverage.Nodes.ControllerNode.AutomaticPublishThreads(1, 2)); // a decentralized instance commands one robot
    }
}
