using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.DiagnosticMsgs;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using Pose = SwarmCoverage.Control.Pose;
using RosLog = SwarmCoverage.Ros2.Messages.RclInterfaces.Log;

namespace SwarmCoverage.App.Tests.Nodes;

/// <summary>
/// A hostile peer on the DDS domain (a participant of this test process, real libddsc) publishes malformed poses,
/// targets and grids at a running controller process: it stays up, keeps its status rate, commands only finite values
/// within the robots' limits, keeps its target until a good one arrives, and counts each rejection on /diagnostics.
/// </summary>
[Collection(NodeProcesses.Name)]
public sealed class MalformedPeerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static RosQos Deep => new(RosReliability.Reliable, RosDurability.Volatile, RosHistory.KeepLast, 1000);

    [Fact]
    public void The_controller_survives_a_peer_that_sends_malformed_poses_targets_and_grids_and_reports_each_on_diagnostics()
    {
        uint domain = NodeDds.NewDomainId();
        string[] names = ["a", "b", "c"];
        string file = _dir.File("hostile.yaml", NodeProcessTests.Params("""
                  names: [a, b, c]
                  model: turtlebot3_burger
            """, "    inputs:\n      max_components: 4\n      max_grid_cells: 5000\n", simTime: false));
        Pose[] poses = [new(0.3, 0.3, 0, 0), new(0.3, 0.75, 0, 1.0), new(0.3, 1.2, 0, -1.0)];
        using var robots = new FakeRobots(domain, names, poses);
        robots.SetPaused("c", true); // c's only poses are the attacker's
        using var peer = NodeDds.Participant(domain, "attacker");
        var status = peer.CreateSubscription<Status>("/swarm_coverage/status", Deep);
        var diagnostics = peer.CreateSubscription<DiagnosticArray>("/diagnostics", Deep);
        var maps = peer.CreateSubscription<OccupancyGrid>("/swarm_coverage/target_map", RosQos.Latched);
        var rosout = peer.CreateSubscription<RosLog>("/rosout", new RosQos(RosReliability.Reliable, RosDurability.TransientLocal, RosHistory.KeepLast, 1000));
        using var targetPub = peer.CreatePublisher<Target>("/swarm_coverage/target");
        using var gridPub = peer.CreatePublisher<OccupancyGrid>("/swarm_coverage/target_grid");
        using var odomC = peer.CreatePublisher<Odometry>("/c/odom", RosQos.SensorData);
        using var controller = AppProcess.Start(domain, "controller", "--params", file);
        NodeDds.Until(() => robots.Commands("a").Length > 5 && targetPub.MatchedSubscriptionCount == 1 && gridPub.MatchedSubscriptionCount == 1 && odomC.MatchedSubscriptionCount == 1,
            "commands and the controller's subscriptions", null, controller);
        var map = new OccupancyGrid();
        NodeDds.Until(() => maps.TryTakeLatest(ref map), "the first target map", null, controller);
        var firstMap = map.Data!.ToArray();

        // The message: raster_size [4294967295, 2, 1]; then NaN weights, too many components, zero sigmas.
        var raster = new Target { Dimension = 2, Kind = Target.KindGrid, BoxMax = new Point(2, 1.5, 0), RasterValues = [1, 2] };
        raster.RasterSize[0] = 4_294_967_295u;
        raster.RasterSize[1] = 2;
        raster.RasterSize[2] = 1;
        Target Mixture(int count, double weight, double sigma) => new()
        {
            Dimension = 2, Kind = Target.KindGaussianMixture, BoxMax = new Point(2, 1.5, 0),
            Components = [.. Enumerable.Range(0, count).Select(_ => new GaussianComponent(weight, new Point(1, 0.7, 0), new Vector3(sigma, sigma, 0)))],
        };
        Target[] badTargets = [raster, Mixture(1, double.NaN, 0.3), Mixture(50, 1, 0.3), Mixture(1, 1, 0)];
        var origin = new Ros2.Messages.GeometryMsgs.Pose(new Point(0, 0, 0), new Quaternion(0, 0, 0, 1));
        OccupancyGrid[] badGrids =
        [
            new() { Info = new MapMetaData { Resolution = 0.01f, Width = 200, Height = 150, Origin = origin }, Data = new sbyte[30_000] }, // over max_grid_cells
            new() { Info = new MapMetaData { Resolution = 0.5f, Width = 4, Height = 3, Origin = origin }, Data = new sbyte[5] },        // wrong size
            new() { Info = new MapMetaData { Resolution = float.NaN, Width = 4, Height = 3, Origin = origin }, Data = new sbyte[12] },  // NaN resolution
        ];
        Odometry Odom(double x, double y) => new() { Header = new Header(default, "c/odom"), Pose = { Pose = new Ros2.Messages.GeometryMsgs.Pose(new Point(x, y, 0), new Quaternion(0, 0, 0, 1)) } };
        int statusBefore = Drain(status).Count;
        var start = System.Diagnostics.Stopwatch.StartNew();
        foreach (var t in badTargets)
        {
            targetPub.Publish(t);
            Thread.Sleep(120); // the loop takes the newest of each topic per tick
        }

        foreach (var g in badGrids)
        {
            gridPub.Publish(g);
            Thread.Sleep(120);
        }

        for (int k = 0; k < 10; k++)
        {
            odomC.Publish(k % 2 == 0 ? Odom(double.NaN, 0.5) : Odom(50, 0.5));
            Thread.Sleep(30);
        }

        // Every rejection is on /diagnostics, counted per input.
        var inputs = new Dictionary<string, DiagnosticStatus>(StringComparer.Ordinal);
        NodeDds.Until(() =>
        {
            foreach (var a in Drain(diagnostics))
                foreach (var s in a.Status!) inputs[s.Name!] = s;
            return Count(inputs, "swarm_coverage: input topic /swarm_coverage/target", "rejected") == badTargets.Length
                && Count(inputs, "swarm_coverage: input topic /swarm_coverage/target_grid", "rejected") == badGrids.Length
                && Count(inputs, "swarm_coverage: input topic /{robot}/odom", "rejected") >= 5; // the newest pose per tick: some of the 10 share a tick
        }, "every rejection counted on /diagnostics", TimeSpan.FromSeconds(15), controller);
        double elapsed = start.Elapsed.TotalSeconds;

        Assert.False(controller.HasExited, controller.Describe());
        Assert.Equal(0, Count(inputs, "swarm_coverage: input topic /swarm_coverage/target", "accepted"));
        Assert.Contains("components[0].sigma is 0", Value(inputs, "swarm_coverage: input topic /swarm_coverage/target", "last_reason"), StringComparison.Ordinal);
        Assert.Contains(controller.Lines, l => l.Contains("raster_size[0] is 4294967295", StringComparison.Ordinal));
        Assert.Equal("0", Value(inputs, "swarm_coverage: input topic /{robot}/odom", "defects"));
        Assert.True(inputs.ContainsKey("swarm_coverage: control loop"));
        // The status kept its rate (20 Hz) and every command stayed finite and within the Burger's limits.
        var statuses = Drain(status);
        Assert.True(statuses.Count >= 0.6 * 20 * elapsed, $"{statuses.Count} status messages in {elapsed:F1} s");
        foreach (var n in names)
            Assert.All(robots.Commands(n), t => Assert.True(double.IsFinite(t.Linear.X) && double.IsFinite(t.Angular.Z) && Math.Abs(t.Linear.X) <= 0.22 + 1e-12 && Math.Abs(t.Angular.Z) <= 2.84 + 1e-9, $"{n}: {t.Linear.X}, {t.Angular.Z}"));
        Assert.All(robots.Commands("c"), t => Assert.Equal(default, t)); // no accepted pose: commanded zero
        // The target in force stayed: no new map.
        Assert.False(maps.TryTakeLatest(ref map) && !map.Data!.SequenceEqual(firstMap), "the target map changed after malformed targets");
        // The log says so on /rosout, rate-limited.
        var logs = Drain(rosout);
        Assert.Contains(logs, l => l.Level == RosLog.Warn && l.Name == "swarm_coverage" && l.Msg!.Contains("rejected since the last line", StringComparison.Ordinal));

        // A good target is then taken: a new map.
        targetPub.Publish(Mixture(1, 1, 0.3));
        NodeDds.Until(() => maps.TryTakeLatest(ref map) && !map.Data!.SequenceEqual(firstMap), "the map of the good target", null, controller);
        controller.Signal(AppProcess.SigTerm);
        Assert.Equal(0, controller.WaitForExit());
    }

    [Fact]
    public void The_simulator_refuses_non_finite_commands_counts_them_on_diagnostics_and_keeps_running()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("sim.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers, simTime: false));
        using var peer = NodeDds.Participant(domain, "attacker");
        var diagnostics = peer.CreateSubscription<DiagnosticArray>("/diagnostics", Deep);
        var odom = peer.CreateSubscription<Odometry>("/robot_00/odom", RosQos.SensorData);
        using var cmd = peer.CreatePublisher<Twist>("/robot_00/cmd_vel");
        using var sim = AppProcess.Start(domain, "sim", "--params", file, "--duration", "30");
        NodeDds.Until(() => cmd.MatchedSubscriptionCount == 1, "the simulator's cmd_vel subscription", null, sim);
        // The simulator takes each robot's newest command: NaN commands sent close together may count as one, so the
        // test sends them until one is counted, then a good one.
        var inputs = new Dictionary<string, DiagnosticStatus>(StringComparer.Ordinal);
        const string name = "swarm_coverage_sim: input topic /<robot>/cmd_vel";
        bool Seen(string key, long atLeast)
        {
            foreach (var a in Drain(diagnostics))
                foreach (var s in a.Status!) inputs[s.Name!] = s;
            return Count(inputs, name, key) >= atLeast;
        }

        NodeDds.Until(() =>
        {
            cmd.Publish(new Twist(new Vector3(double.NaN, 0, 0), new Vector3(0, 0, double.PositiveInfinity)));
            Thread.Sleep(50);
            return Seen("rejected", 1);
        }, "a non-finite command counted on the simulator's diagnostics", TimeSpan.FromSeconds(20), sim);
        Assert.Equal(0, Count(inputs, name, "accepted"));
        cmd.Publish(new Twist(new Vector3(0.1, 0, 0), new Vector3(0, 0, 0.2)));
        NodeDds.Until(() => Seen("accepted", 1), "the good command counted", TimeSpan.FromSeconds(20), sim);
        Assert.Contains("/robot_00/cmd_vel: non-finite command", Value(inputs, name, "last_reason"), StringComparison.Ordinal);
        var o = default(Odometry);
        NodeDds.Until(() => odom.TryTakeLatest(ref o), "odometry after the attack", null, sim);
        Assert.True(double.IsFinite(o.Pose.Pose.Position.X) && double.IsFinite(o.Twist.Twist.Linear.X));
        Assert.False(sim.HasExited, sim.Describe());
        sim.Signal(AppProcess.SigTerm);
        Assert.Equal(0, sim.WaitForExit());
    }

    private static List<T> Drain<T>(RosSubscription<T> sub)
        where T : struct, IRosMessage<T>
    {
        var all = new List<T>();
        var m = default(T);
        while (sub.TryTake(ref m)) all.Add(m);
        return all;
    }

    private static string? Value(Dictionary<string, DiagnosticStatus> inputs, string status, string key) =>
        inputs.TryGetValue(status, out var s) ? s.Values!.FirstOrDefault(v => v.Key == key).Value : null;

    private static long Count(Dictionary<string, DiagnosticStatus> inputs, string status, string key) =>
        long.TryParse(Value(inputs, status, key), System.Globalization.CultureInfo.InvariantCulture, out long v) ? v : -1;
}
