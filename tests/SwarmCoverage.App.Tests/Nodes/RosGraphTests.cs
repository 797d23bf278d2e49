using System.Diagnostics;
using System.Text.Json;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Tests.Infrastructure;

namespace SwarmCoverage.App.Tests.Nodes;

/// <summary>
/// The nodes in the ROS 2 graph (docs/ros2-wire.md, sections 10 and 11), seen by an independent C peer built only from
/// the upstream .msg/.srv files through rosidl and Cyclone's idlc, with rmw_cyclonedds_cpp's request header
/// (tests/SwarmCoverage.Ros2.Tests/Assets/graph_peer): it finds both nodes in ros_discovery_info with the gids of their
/// real endpoints, lists, describes, gets and sets parameters through the request/reply topics, sees each change on
/// /parameter_events, calls the emergency stop and target reload, and sees a node leave.
/// </summary>
[Collection(NodeProcesses.Name)]
public sealed class RosGraphTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static JsonElement Node(JsonElement graph, string ns, string name) =>
        graph.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("namespace").GetString() == ns && n.GetProperty("name").GetString() == name);

    private static HashSet<string> Topics(JsonElement node, string kind) =>
        [.. node.GetProperty(kind).EnumerateArray().Select(e => e.GetProperty("topic").GetString()!)];

    private static JsonElement Call(GraphPeer peer, uint domain, params string[] args)
    {
        var r = peer.Execute(domain, Wait, ["call", .. args]);
        Assert.True(r.ExitCode == 0, $"call {string.Join(' ', args)}: exit {r.ExitCode}\n{string.Join('\n', r.Lines)}\n{r.Errors}");
        return r.Last;
    }

    private static double GetDouble(GraphPeer peer, uint domain, string node, string name)
    {
        var values = Call(peer, domain, node, "get_parameters", name).GetProperty("values");
        Assert.Equal(1, values.GetArrayLength());
        Assert.Equal(3, values[0].GetProperty("type").GetInt32()); // PARAMETER_DOUBLE
        return values[0].GetProperty("value").GetDouble();
    }

    /// <summary>
    /// The graph once <paramref name="ready"/> holds: a node is announced when its participant starts and again as its
    /// endpoints come, so a first look may catch it half built. Fails with what the peer saw last.
    /// </summary>
    private static JsonElement GraphWhen(GraphPeer peer, uint domain, Func<JsonElement, bool> ready, string what, params AppProcess[] processes)
    {
        long start = Stopwatch.GetTimestamp();
        GraphPeerResult? last = null;
        while (Stopwatch.GetElapsedTime(start) < Wait)
        {
            last = peer.Execute(domain, Wait, "graph", "2");
            if (last.Lines.Length > 0 && ready(last.Last)) return last.Last;
        }

        Assert.Fail($"the graph never showed {what}: {string.Join('\n', last?.Lines ?? [])}\n{last?.Errors}\n{string.Join('\n', processes.Select(p => p.Describe()))}");
        return default;
    }

    private static bool Has(JsonElement graph, string name, string kind, string topic) =>
        graph.GetProperty("nodes").EnumerateArray().Any(n => n.GetProperty("name").GetString() == name && Topics(n, kind).Contains(topic));

    /// <summary>Mean commanded linear speed over the next <paramref name="seconds"/> of the 12 robots' cmd_vel.</summary>
    private static double MeanSpeed(RosSubscription<Twist>[] commands, double seconds)
    {
        var t = default(Twist);
        foreach (var c in commands) while (c.TryTake(ref t)) { }
        double sum = 0;
        int n = 0;
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds)
        {
            foreach (var c in commands)
                while (c.TryTake(ref t))
                {
                    sum += Math.Abs(t.Linear.X);
                    n++;
                }

            Thread.Sleep(5);
        }

        return n == 0 ? double.NaN : sum / n;
    }

    [RequiresGraphPeerFact]
    public void A_ROS_2_peer_finds_both_nodes_tunes_the_controller_through_its_parameter_services_and_sees_it_leave()
    {
        var peer = GraphPeer.For("jazzy");
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("run.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers));
        using var observer = NodeDds.Participant(domain);
        var commands = Enumerable.Range(0, 12).Select(i => observer.CreateSubscription<Twist>($"/robot_{i:D2}/cmd_vel", RosQos.Default)).ToArray();
        using var controller = AppProcess.Start(domain, "controller", "--params", file);
        controller.WaitForLine("waiting for /clock");
        using var sim = AppProcess.Start(domain, "sim", "--params", file, "--speed", "2", "--duration", "600");

        // ros2 node list: both nodes, each with the gids of its real endpoints (every gid resolves to a discovered
        // reader or writer of the node's participant), and the participant's enclave.
        var graph = GraphWhen(peer, domain, g => Has(g, "swarm_coverage", "readers", "rq/swarm_coverage/reload_targetRequest") && Has(g, "swarm_coverage_sim", "writers", "rt/clock") && Has(g, "swarm_coverage_sim", "readers", "rt/robot_11/cmd_vel"), "both nodes with their endpoints", controller, sim);
        var ctl = Node(graph, "/", "swarm_coverage");
        var sm = Node(graph, "/", "swarm_coverage_sim");
        foreach (var n in new[] { ctl, sm })
            Assert.Equal(0, n.GetProperty("unknown_gids").GetArrayLength());

        // Each node's enclave (docs/security.md), in its participant's USER_DATA as rmw_cyclonedds_cpp writes it.
        Assert.Equal(SwarmCoverage.Nodes.NodeEnclaves.Controller, ctl.GetProperty("enclave").GetString());
        Assert.Equal(SwarmCoverage.Nodes.NodeEnclaves.Simulator, sm.GetProperty("enclave").GetString());

        Assert.NotEqual(ctl.GetProperty("participant").GetString(), sm.GetProperty("participant").GetString());
        var ctlReaders = Topics(ctl, "readers");
        var ctlWriters = Topics(ctl, "writers");
        Assert.Superset(new HashSet<string> { "rt/robot_00/odom", "rt/robot_11/odom", "rt/swarm_coverage/emergency_stop", "rt/clock", "rq/swarm_coverage/get_parametersRequest", "rq/swarm_coverage/set_parametersRequest", "rq/swarm_coverage/emergency_stopRequest", "rq/swarm_coverage/reload_targetRequest" }, ctlReaders);
        Assert.Superset(new HashSet<string> { "rt/robot_00/cmd_vel", "rt/robot_11/cmd_vel", "rt/swarm_coverage/status", "rt/parameter_events", "rt/rosout", "rr/swarm_coverage/get_parametersReply", "rr/swarm_coverage/describe_parametersReply" }, ctlWriters);
        Assert.DoesNotContain(GraphTopic, ctlWriters);
        Assert.Equal(12 + 8, ctl.GetProperty("readers").EnumerateArray().Count(r => r.GetProperty("topic").GetString()!.EndsWith("/odom", StringComparison.Ordinal) || r.GetProperty("topic").GetString()!.StartsWith("rq/", StringComparison.Ordinal)));
        Assert.Superset(new HashSet<string> { "rt/robot_00/odom", "rt/clock" }, Topics(sm, "writers"));
        Assert.Superset(new HashSet<string> { "rt/robot_00/cmd_vel" }, Topics(sm, "readers"));
        var odomReader = ctl.GetProperty("readers").EnumerateArray().First(r => r.GetProperty("topic").GetString() == "rt/robot_00/odom");
        Assert.Equal("nav_msgs::msg::dds_::Odometry_", odomReader.GetProperty("type").GetString());

        // /parameter_events from here on (volatile: subscribe before the changes).
        using var events = peer.Start(domain, "events", "120");
        events.WaitForMatched(Wait);

        // ros2 param list / describe / get.
        var list = Call(peer, domain, "/swarm_coverage", "list_parameters");
        var names = list.GetProperty("names").EnumerateArray().Select(x => x.GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "velocity_gain", "safety.radius_m", "epsilon", "use_sim_time", "robots.count", "ros.distro" }, names);
        Assert.Contains("safety", list.GetProperty("prefixes").EnumerateArray().Select(x => x.GetString()));
        var safetyOnly = Call(peer, domain, "/swarm_coverage", "list_parameters", "safety").GetProperty("names").EnumerateArray().Select(x => x.GetString()).ToList();
        Assert.Contains("safety.radius_m", safetyOnly);
        Assert.All(safetyOnly, n => Assert.StartsWith("safety.", n, StringComparison.Ordinal));

        var described = Call(peer, domain, "/swarm_coverage", "describe_parameters", "safety.radius_m", "robots.count").GetProperty("descriptors");
        var radius = described[0];
        Assert.Equal("safety.radius_m", radius.GetProperty("name").GetString());
        Assert.Equal(3, radius.GetProperty("type").GetInt32());
        Assert.False(radius.GetProperty("read_only").GetBoolean());
        Assert.Contains("[m]", radius.GetProperty("description").GetString(), StringComparison.Ordinal);
        var table = SwarmCoverage.Nodes.NodeParameters.Table.Find("safety.radius_m")!;
        Assert.Equal(table.Minimum, radius.GetProperty("floating_point_range")[0].GetProperty("from_value").GetDouble());
        Assert.Equal(table.Maximum, radius.GetProperty("floating_point_range")[0].GetProperty("to_value").GetDouble());
        Assert.True(described[1].GetProperty("read_only").GetBoolean(), described[1].ToString()); // robots.count: start-up only
        Assert.Equal(2, described[1].GetProperty("type").GetInt32());
        Assert.Equal([3, 8], Call(peer, domain, "/swarm_coverage", "get_parameter_types", "velocity_gain", "target.means").GetProperty("types").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal(0.3, GetDouble(peer, domain, "/swarm_coverage", "velocity_gain"));
        Assert.Equal(0, Call(peer, domain, "/swarm_coverage", "get_parameters", "no.such_parameter").GetProperty("values").GetArrayLength());

        // ros2 param set: a lower gain slows the robots, and is published once on /parameter_events.
        double before = MeanSpeed(commands, 1.0);
        var set = Call(peer, domain, "/swarm_coverage", "set_parameters", "velocity_gain=double:0.01").GetProperty("results");
        Assert.True(set[0].GetProperty("successful").GetBoolean(), set.ToString());
        Assert.Equal(0.01, GetDouble(peer, domain, "/swarm_coverage", "velocity_gain"));
        var changed = events.WaitFor(e => e.TryGetProperty("changed", out var c) && c.EnumerateArray().Any(c => c.GetProperty("name").GetString() == "velocity_gain"), Wait, "the gain change on /parameter_events");
        Assert.Equal("/swarm_coverage", changed.GetProperty("node").GetString());
        Assert.Equal(0.01, changed.GetProperty("changed").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "velocity_gain").GetProperty("value").GetDouble());
        Thread.Sleep(500); // the next tick applies it
        double after = MeanSpeed(commands, 1.0);
        Assert.True(after < before / 5, $"mean commanded speed {before} m/s at gain 0.3, {after} m/s at 0.01");

        // Refused: out of range, start-up only, and an atomic set with one bad value; each with its reason, none changes anything.
        var bad = Call(peer, domain, "/swarm_coverage", "set_parameters", "safety.radius_m=double:-1", "robots.count=int:5", "velocity_gain=string:fast", "velocity_gain=double:nan", "safety.radius_m=double:1e308").GetProperty("results");
        Assert.All(bad.EnumerateArray(), r => Assert.False(r.GetProperty("successful").GetBoolean()));
        Assert.Contains("'safety.radius_m' is -1; allowed range", bad[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("cannot change while running", bad[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("'velocity_gain' is a Double, not a String", bad[2].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("velocity_gain", bad[3].GetProperty("reason").GetString(), StringComparison.Ordinal); // NaN
        Assert.Contains("safety.radius_m", bad[4].GetProperty("reason").GetString(), StringComparison.Ordinal); // 1e308
        var atomic = Call(peer, domain, "/swarm_coverage", "set_parameters_atomically", "velocity_gain=double:0.2", "safety.radius_m=double:-1").GetProperty("result");
        Assert.False(atomic.GetProperty("successful").GetBoolean());
        Assert.Contains("safety.radius_m", atomic.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(0.01, GetDouble(peer, domain, "/swarm_coverage", "velocity_gain"));
        Assert.Equal(0.2, GetDouble(peer, domain, "/swarm_coverage", "safety.radius_m"));

        // The controller's own services: the emergency stop zeroes every command, its release lets them go; a target reload.
        var stop = Call(peer, domain, "/swarm_coverage", "emergency_stop", "true");
        Assert.True(stop.GetProperty("success").GetBoolean(), stop.ToString());
        Thread.Sleep(300);
        Assert.Equal(0.0, MeanSpeed(commands, 0.5));
        Assert.True(Call(peer, domain, "/swarm_coverage", "emergency_stop", "false").GetProperty("success").GetBoolean());
        var reload = Call(peer, domain, "/swarm_coverage", "reload_target");
        Assert.True(reload.GetProperty("success").GetBoolean(), reload.ToString());

        // Each change once: the accepted gain, nothing for the refused sets.
        Thread.Sleep(1000);
        var mentions = events.Events.SelectMany(e => e.GetProperty("changed").EnumerateArray()).Where(c => c.GetProperty("name").GetString() is "velocity_gain" or "safety.radius_m" or "robots.count").ToList();
        Assert.True(mentions.Count == 1, string.Join('\n', events.Events));

        // The controller leaves: the peer sees it go, the simulator stays.
        controller.Signal(AppProcess.SigTerm);
        Assert.Equal(0, controller.WaitForExit());
        var gone = peer.Execute(domain, Wait, "graph", "30", "--until-gone", "/swarm_coverage");
        Assert.True(gone.ExitCode == 0, string.Join('\n', gone.Lines));
        Assert.Single(gone.Last.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("name").GetString() == "swarm_coverage_sim");
        sim.Signal(AppProcess.SigTerm);
        sim.WaitForExit();
    }

    private const string GraphTopic = "ros_discovery_info";

    [RequiresGraphPeerFact]
    public void A_decentralized_instance_in_Humbles_layout_is_found_by_a_Humble_peer_and_refuses_every_set_as_read_only()
    {
        var peer = GraphPeer.For("humble");
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("humble.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers, extra: "    ros:\n      distro: humble", simTime: false));
        using var controller = AppProcess.Start(domain, "controller", "--params", file, "--robot", "robot_03");
        var graph = GraphWhen(peer, domain, g => Has(g, "swarm_coverage_robot_03", "readers", "rq/swarm_coverage_robot_03/reload_targetRequest"), "the instance with its services", controller);
        var node = Node(graph, "/", "swarm_coverage_robot_03");
        Assert.Equal(0, node.GetProperty("unknown_gids").GetArrayLength());
        Assert.Contains("rt/robot_03/cmd_vel", Topics(node, "writers"));
        Assert.DoesNotContain("rt/robot_04/cmd_vel", Topics(node, "writers"));
        Assert.Contains("rq/swarm_coverage_robot_03/set_parametersRequest", Topics(node, "readers"));

        var set = Call(peer, domain, "/swarm_coverage_robot_03", "set_parameters", "velocity_gain=double:0.1").GetProperty("results");
        Assert.False(set[0].GetProperty("successful").GetBoolean());
        Assert.Contains("read-only while running in a decentralized instance", set[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(Call(peer, domain, "/swarm_coverage_robot_03", "describe_parameters", "velocity_gain").GetProperty("descriptors")[0].GetProperty("read_only").GetBoolean());
        Assert.Equal(0.3, GetDouble(peer, domain, "/swarm_coverage_robot_03", "velocity_gain"));
        controller.Signal(AppProcess.SigTerm);
        Assert.Equal(0, controller.WaitForExit());
    }
}
