using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using Pose = SwarmCoverage.Control.Pose;

namespace SwarmCoverage.App.Tests.Nodes;

/// <summary>A running controller takes a new target from a topic, from a painted grid and from its edited params file.</summary>
[Collection(NodeProcesses.Name)]
public sealed class LiveTargetTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Blob(string x, string y, string sigma = "0.3", string extraTarget = "") => $"""
        target:
              domain_min: [0.0, 0.0]
              domain_max: [2.0, 1.5]
              type: gaussian_mixture
              weights: [1.0]
              means: [{x}, {y}]
              sigmas: [{sigma}, {sigma}]{extraTarget}
        """;

    private const string Robots = """
              names: [a, b, c]
              model: holonomic_ground
        """;

    /// <summary>Density-weighted centre of an occupancy grid, metres.</summary>
    private static (double X, double Y) Centroid(in OccupancyGrid g)
    {
        double sx = 0, sy = 0, sw = 0, res = g.Info.Resolution;
        for (int j = 0; j < g.Info.Height; j++)
            for (int i = 0; i < g.Info.Width; i++)
            {
                double w = g.Data![j * (int)g.Info.Width + i];
                sx += w * (g.Info.Origin.Position.X + (i + 0.5) * res);
                sy += w * (g.Info.Origin.Position.Y + (j + 0.5) * res);
                sw += w;
            }
        return (sx / sw, sy / sw);
    }

    [Fact]
    public void A_new_target_from_the_topic_a_painted_grid_and_the_edited_params_file_is_taken_without_restart()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("live.yaml", NodeProcessTests.Params(Robots, simTime: false, target: Blob("0.5", "0.75")));
        using var robots = new FakeRobots(domain, ["a", "b", "c"], [new Pose(0.3, 0.3, 0, 0), new Pose(0.3, 0.75, 0, 0), new Pose(0.3, 1.2, 0, 0)]);
        using var op = NodeDds.Participant(domain, "operator");
        var maps = op.CreateSubscription<OccupancyGrid>("/swarm_coverage/target_map", RosQos.Latched);
        var events = op.CreateSubscription<Ros2.Messages.RclInterfaces.ParameterEvent>("/parameter_events", new RosQos(RosReliability.Reliable, RosDurability.Volatile, RosHistory.KeepLast, 1000));
        using var targetPub = op.CreatePublisher<Target>("/swarm_coverage/target");
        using var gridPub = op.CreatePublisher<OccupancyGrid>("/swarm_coverage/target_grid");
        using var controller = AppProcess.Start(domain, "controller", "--params", file);

        var received = new List<OccupancyGrid>();
        var m = default(OccupancyGrid);
        OccupancyGrid WaitForMap(int count, string what)
        {
            NodeDds.Until(() =>
            {
                while (maps.TryTake(ref m)) received.Add(m with { Data = [.. m.Data!] });
                return received.Count >= count;
            }, what, null, controller);
            return received[count - 1];
        }

        // The latched map reaches a late subscriber: the start target, a blob at (0.5, 0.75).
        var start = WaitForMap(1, "the initial target map");
        Assert.Equal("map", start.Header.FrameId);
        Assert.Equal(0.0, start.Info.Origin.Position.X);
        Assert.InRange(start.Info.Width * start.Info.Resolution, 1.999, 2.001);
        Assert.InRange(start.Info.Height * start.Info.Resolution, 1.499, 1.501);
        Assert.Equal(100, start.Data!.Max());
        Assert.InRange(Centroid(start).X, 0.45, 0.65);
        NodeDds.Until(() => targetPub.MatchedSubscriptionCount == 1 && gridPub.MatchedSubscriptionCount == 1, "the target subscriptions", null, controller);

        // 1. A Target message: the blob moves to (1.5, 0.75).
        targetPub.Publish(new Target
        {
            Header = new Header(default, "map"),
            Dimension = 2,
            Kind = Target.KindGaussianMixture,
            BoxMin = new Point(0, 0, 0),
            BoxMax = new Point(2, 1.5, 0),
            Floor = 1e-3,
            Components = [new GaussianComponent(1.0, new Point(1.5, 0.75, 0), new Vector3(0.3, 0.3, 0))],
        });
        var fromTopic = WaitForMap(2, "the map of the target from the topic");
        Assert.InRange(Centroid(fromTopic).X, 1.35, 1.55);
        controller.WaitForLine("Target changed from topic /swarm_coverage/target");

        // A Target over another box is refused: the arena cannot change while running.
        targetPub.Publish(new Target { Dimension = 2, Kind = Target.KindUniform, BoxMin = new Point(0, 0, 0), BoxMax = new Point(3, 1.5, 0) });
        controller.WaitForLine("differs from the arena");

        // 2. A painted occupancy grid on the published map's geometry: everything in the top third.
        var painted = fromTopic with { Data = new sbyte[fromTopic.Data!.Length] };
        for (int j = 0; j < painted.Info.Height; j++)
            for (int i = 0; i < painted.Info.Width; i++)
                painted.Data![j * (int)painted.Info.Width + i] = (sbyte)((j + 0.5) * painted.Info.Resolution > 1.0 ? 100 : 0);
        gridPub.Publish(painted);
        var fromGrid = WaitForMap(3, "the map of the painted grid");
        Assert.True(Centroid(fromGrid).Y > 1.0, $"painted target centroid {Centroid(fromGrid)}");
        controller.WaitForLine("Target changed from topic /swarm_coverage/target_grid");

        // 3. An edited params file: the blob at (1.0, 0.3).
        File.WriteAllText(file, NodeProcessTests.Params(Robots, simTime: false, target: Blob("1.0", "0.3")));
        var fromFile = WaitForMap(4, "the map of the edited params file");
        var c = Centroid(fromFile);
        Assert.InRange(c.X, 0.9, 1.1);
        Assert.InRange(c.Y, 0.25, 0.45);
        controller.WaitForLine("Parameter target.means changed from [0.5, 0.75] to [1.0, 0.3] (params file " + file);

        // 4. Bad edits are logged and ignored; the target stays and the controller keeps commanding.
        File.WriteAllText(file, NodeProcessTests.Params(Robots, simTime: false, target: Blob("1.0", "0.3", sigma: "-0.3")));
        controller.WaitForLine("Edit of " + file + " ignored");
        File.WriteAllText(file, "swarm_coverage:\n  ros__parameters:\n    target: [unclosed\n");
        NodeDds.Until(() => controller.Lines.Count(l => l.Contains("Edit of " + file + " ignored, what is in force stays", StringComparison.Ordinal)) >= 2, "the second bad edit logged", null, controller);
        int before = robots.CommandCount("a");
        Thread.Sleep(600);
        while (maps.TryTake(ref m)) received.Add(m);
        Assert.Equal(4, received.Count);
        Assert.True(robots.CommandCount("a") > before + 5, "the controller stopped commanding after a bad edit");

        // 5. A run-time parameter other than the target is applied live; one that cannot change while running is logged
        // as needing a restart.
        string edited = NodeProcessTests.Params(Robots, simTime: false, target: Blob("1.0", "0.3")).Replace("velocity_gain: 0.3", "velocity_gain: 0.25", StringComparison.Ordinal);
        File.WriteAllText(file, edited);
        controller.WaitForLine("Parameter velocity_gain changed from 0.3 to 0.25 (params file " + file);
        // ... and published once on /parameter_events, as a ROS 2 node publishes a change.
        var e = default(Ros2.Messages.RclInterfaces.ParameterEvent);
        var gains = new List<double>();
        NodeDds.Until(() =>
        {
            while (events.TryTake(ref e))
                if (e.Node == "/swarm_coverage")
                    gains.AddRange(e.ChangedParameters!.Where(c => c.Name == "velocity_gain").Select(c => c.Value.DoubleValue));
            return gains.Count > 0;
        }, "velocity_gain on /parameter_events", null, controller);
        Thread.Sleep(200);
        while (events.TryTake(ref e))
            if (e.Node == "/swarm_coverage") gains.AddRange(e.ChangedParameters!.Where(c => c.Name == "velocity_gain").Select(c => c.Value.DoubleValue));
        Assert.Equal([0.25], gains);
        File.WriteAllText(file, edited.Replace("control_rate_hz: 20.0", "control_rate_hz: 25.0", StringComparison.Ordinal));
        controller.WaitForLine("control_rate_hz changed from 20.0 to 25.0; it takes effect after a restart");
        Assert.False(controller.HasExited);
    }
}
