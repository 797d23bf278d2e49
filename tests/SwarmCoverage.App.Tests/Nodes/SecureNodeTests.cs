using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using SwarmCoverage.Nodes;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using SwarmCoverage.Ros2.Security;
using SwarmCoverage.Ros2.Tests;
using SwarmCoverage.Ros2.Tests.Infrastructure;
using SwarmCoverage.Sim;

namespace SwarmCoverage.App.Tests.Nodes;

/// <summary>
/// The controller and the simulator as SROS2 nodes (docs/security.md, "The nodes"): real processes in the private
/// network namespace, secured by a keystore the project's own <c>security</c> verbs make, with the permissions
/// <c>create-permissions --controller/--sim</c> derives from the params file.
/// </summary>
[Collection(NodeProcesses.Name)]
public sealed partial class SecureNodeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string D(uint domain) => domain.ToString(CultureInfo.InvariantCulture);

    private static string OutputOf(Task<string> output) => output.Wait(TimeSpan.FromSeconds(10)) ? output.Result : throw new TimeoutException("the peer's output did not end");

    private static Dictionary<string, string> Security(string keystore, string? strategy = "Enforce")
    {
        var env = new Dictionary<string, string> { ["ROS_SECURITY_ENABLE"] = "true", ["ROS_SECURITY_KEYSTORE"] = keystore };
        if (strategy is not null) env["ROS_SECURITY_STRATEGY"] = strategy;
        return env;
    }

    private static void Ok(params string[] args)
    {
        var (code, output, error) = Cli.Run(args);
        Assert.True(code == 0, $"swarm-coverage {string.Join(' ', args)}: exit {code}\n{output}{error}");
    }

    /// <summary>A keystore for <paramref name="domain"/> with the given enclaves, each allowed what its node uses with <paramref name="paramsFile"/>.</summary>
    private string Keystore(uint domain, string paramsFile, params string[] enclaves)
    {
        string ks = _dir["ks"];
        Ok("security", "create-keystore", ks, "--domain", D(domain));
        foreach (string enclave in enclaves)
        {
            Ok("security", "create-enclave", ks, enclave, "--domain", D(domain));
            string[] source = enclave == NodeEnclaves.Simulator ? ["--sim", paramsFile]
                : enclave == NodeEnclaves.Controller ? ["--controller", paramsFile]
                : ["--controller", paramsFile, "--robot", enclave[(NodeEnclaves.Controller.Length + 1)..]];
            Ok(["security", "create-permissions", ks, enclave, "--domain", D(domain), .. source]);
        }

        return ks;
    }

    private static void AssertRefused(AppProcess process, string file, string why)
    {
        Assert.Equal(2, process.WaitForExit());
        string line = Assert.Single(process.Lines, l => l.Length > 0);
        Assert.StartsWith($"error: {file}: ", line, StringComparison.Ordinal);
        Assert.Contains(why, line, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Tick \d+: 12 active, 0 awaiting a first pose, chi2_eps ([0-9.eE+-]+)")]
    private static partial Regex FullTick();

    /// <summary>The simulator ran its time out, the controller stopped cleanly, and chi2_eps fell at least 5x with all 12 robots active.</summary>
    private static void AssertBothEndedAndCovered(AppProcess controller, AppProcess sim)
    {
        Assert.Equal(0, sim.WaitForExit());
        controller.Signal(AppProcess.SigTerm);
        Assert.Equal(0, controller.WaitForExit());
        var chi2 = controller.Lines.Select(l => FullTick().Match(l)).Where(m => m.Success)
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(chi2.Count >= 5, $"only {chi2.Count} status lines with 12 active robots\n{controller.Describe()}");
        Assert.True(chi2[0] / chi2[^1] >= 5, $"chi2_eps {chi2[0]} -> {chi2[^1]}\n{controller.Describe()}");
    }

    [Fact]
    public void With_Enforce_the_controller_drives_the_simulator_and_a_peer_without_identity_sees_nothing_and_changes_nothing()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("run.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers));
        string ks = Keystore(domain, file, NodeEnclaves.Controller, NodeEnclaves.Simulator);

        // Plain Cyclone on the same domain: it listens on the swarm's topics and sends an emergency stop and a target.
        using var plain = NodeDds.Participant(domain, "intruder");
        var odom = plain.CreateSubscription<Odometry>("/robot_00/odom", RosQos.SensorData);
        var cmd = plain.CreateSubscription<Twist>("/robot_00/cmd_vel");
        var status = plain.CreateSubscription<Status>("/swarm_coverage/status");
        var clock = plain.CreateSubscription<Ros2.Messages.RosgraphMsgs.Clock>("/clock", RosQos.Clock);
        using var estop = plain.CreatePublisher<Bool>("/swarm_coverage/emergency_stop");
        using var target = plain.CreatePublisher<Target>("/swarm_coverage/target");

        // And a foreign stack without identity, as an rmw_fastrtps node would be: Fast DDS listening on robot_00's commands.
        var fastDds = new FastDdsPeer();
        Assert.True(FastDdsPeer.Missing is null, FastDdsPeer.Missing);
        var psi = new ProcessStartInfo(fastDds.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "listen", D(domain), "rt/robot_00/cmd_vel", "15" }) psi.ArgumentList.Add(a);
        using var fastListener = NodeDds.Sandbox.StartProcess(psi);
        var fastOut = fastListener.StandardOutput.ReadToEndAsync();

        using var controller = AppProcess.Start(domain, Security(ks), "controller", "--params", file);
        controller.WaitForLine($"security on: enclave '{NodeEnclaves.Controller}'");
        controller.WaitForLine("waiting for /clock");
        using var sim = AppProcess.Start(domain, Security(ks), "sim", "--params", file, "--speed", "4", "--duration", "12");
        sim.WaitForLine($"security on: enclave '{NodeEnclaves.Simulator}'");

        int seen = 0;
        var o = default(Odometry);
        var t = default(Twist);
        var s = new Status();
        var c = default(Ros2.Messages.RosgraphMsgs.Clock);
        long start = Stopwatch.GetTimestamp();
        while (!sim.HasExited && Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(90))
        {
            estop.Publish(new Bool(true));
            target.Publish(new Target { Dimension = 2, Kind = Target.KindUniform, BoxMin = new Point(0, 0, 0), BoxMax = new Point(2, 1.5, 0) });
            while (odom.TryTake(ref o)) seen++;
            while (cmd.TryTake(ref t)) seen++;
            while (status.TryTake(ref s)) seen++;
            while (clock.TryTake(ref c)) seen++;
            Thread.Sleep(50);
        }

        // The secured pair worked as without security: the swarm reached its target.
        AssertBothEndedAndCovered(controller, sim);
        Assert.Contains(sim.Lines, l => l.Contains("Simulated the requested 12 s", StringComparison.Ordinal));

        // The intruder saw nothing, matched nothing, and its stop and target never reached the controller.
        Assert.Equal(0, seen);
        Assert.True(fastListener.WaitForExit(TimeSpan.FromSeconds(60)), "the Fast DDS listener did not end");
        string fast = OutputOf(fastOut);
        Assert.Contains("TYPE geometry_msgs::msg::dds_::Twist_", fast, StringComparison.Ordinal); // it ran, on the right type
        Assert.DoesNotContain("TWIST", fast, StringComparison.Ordinal); // and no command of the secured swarm reached it
        Assert.NotEqual(0, fastListener.ExitCode);
        Assert.Equal(0, odom.MatchedPublisherCount + cmd.MatchedPublisherCount + status.MatchedPublisherCount + clock.MatchedPublisherCount);
        Assert.Equal(0, estop.MatchedSubscriptionCount + target.MatchedSubscriptionCount);
        Assert.DoesNotContain(controller.Lines, l => l.Contains("EMERGENCY STOP", StringComparison.Ordinal) || l.Contains("Target changed", StringComparison.Ordinal) || l.Contains("Target from", StringComparison.Ordinal));
    }

    /// <summary>
    /// An openssl-made keystore (certificates by req/x509, documents by smime -sign, nothing by the project) with the
    /// nodes' enclaves allowing exactly the DDS topics each node uses for <paramref name="file"/>.
    /// </summary>
    private OpensslKeystore OpensslNodes(uint domain, string file, DateTime? controllerNotAfter = null, (string Cert, string Key)? simIssuer = null)
    {
        var ks = OpensslKeystore.Create(_dir["openssl-ks"], domain);
        // The DDS topics: rt/ topics, the services' rq/ and rr/ topics, and ros_discovery_info (the graph), as sros2 allows them.
        static (string[] Publish, string[] Subscribe) Dds(NodeTopics t)
        {
            var (publish, subscribe) = t.ToPolicy().ToDdsTopics();
            return ([.. publish, "ros_discovery_info"], [.. subscribe, "ros_discovery_info"]);
        }

        var controller = Dds(ControllerNodeSettings.Load(file, null).Topics());
        DateTime now = TimeProvider.System.GetUtcNow().UtcDateTime;
        ks.AddEnclave(NodeEnclaves.Controller, domain, controller.Publish, controller.Subscribe,
            notBefore: controllerNotAfter is null ? null : now.AddDays(-30), notAfter: controllerNotAfter);
        var sim = Dds(SimulatorNode.Topics(SimulatorSetup.FromParams(file).World.Robots, new SimulatorNodeOptions()));
        ks.AddEnclave(NodeEnclaves.Simulator, domain, sim.Publish, sim.Subscribe, issuer: simIssuer);
        return ks;
    }

    [Fact]
    public void An_openssl_made_keystore_secures_the_nodes_and_a_peer_allowed_only_the_status_reads_it_but_cannot_stop_or_retarget_them()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("run.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers));
        var ks = OpensslNodes(domain, file);
        string reader = ks.AddEnclave("/status_reader", domain, [], ["rt/swarm_coverage/status"]);

        using var controller = AppProcess.Start(domain, Security(ks.Root), "controller", "--params", file);
        controller.WaitForLine($"security on: enclave '{NodeEnclaves.Controller}'");
        controller.WaitForLine("waiting for /clock");
        using var sim = AppProcess.Start(domain, Security(ks.Root), "sim", "--params", file, "--speed", "4", "--duration", "12");
        sim.WaitForLine($"security on: enclave '{NodeEnclaves.Simulator}'");

        // The status reader: a secured participant of the same CA whose permissions allow reading the status only.
        var options = new RosParticipantOptions { DomainId = domain, NodeName = "status_reader", CycloneDdsConfig = NodeDds.CycloneConfig, Security = DdsSecurityFiles.FromEnclave(reader) };
        using var peer = NodeDds.Sandbox.Run(() => new RosParticipant(options));
        using var status = peer.CreateSubscription<Status>("/swarm_coverage/status");
        var refusals = new List<string>();
        foreach (string topic in new[] { "/swarm_coverage/emergency_stop", "/swarm_coverage/target" })
        {
            var e = Assert.ThrowsAny<Exception>(() => NodeDds.Sandbox.Run(() => topic.EndsWith("stop", StringComparison.Ordinal)
                ? (IDisposable)peer.CreatePublisher<Bool>(topic)
                : peer.CreatePublisher<Target>(topic)));
            refusals.Add(e.Message);
        }

        // Nor may it call the controller's parameter or stop services: their request topics are not its to write.
        var serviceRefusal = Assert.ThrowsAny<Exception>(() => NodeDds.Sandbox.Run(() =>
            (IDisposable)peer.CreateClient<Ros2.Messages.RclInterfaces.SetParametersRequest, Ros2.Messages.RclInterfaces.SetParametersResponse>("/swarm_coverage/set_parameters")));
        refusals.Add(serviceRefusal.Message);

        int statuses = 0;
        var s = new Status();
        long start = Stopwatch.GetTimestamp();
        while (!sim.HasExited && Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(90))
        {
            while (status.TryTake(ref s)) statuses++;
            Thread.Sleep(50);
        }

        // The openssl-made keystore serves the nodes as the project's does: the swarm reached its target.
        AssertBothEndedAndCovered(controller, sim);

        // The reader read what it may, and could not even create a writer for what it may not.
        Assert.True(statuses > 0, "the status reader got no status");
        Assert.Contains("rt/swarm_coverage/emergency_stop", refusals[0], StringComparison.Ordinal);
        Assert.Contains("rt/swarm_coverage/target", refusals[1], StringComparison.Ordinal);
        Assert.Contains("rq/swarm_coverage/set_parametersRequest", refusals[2], StringComparison.Ordinal);
        Assert.All(refusals, r => Assert.Contains("Not Allowed By Security", r, StringComparison.Ordinal));
        Assert.DoesNotContain(controller.Lines, l => l.Contains("EMERGENCY STOP", StringComparison.Ordinal) || l.Contains("Target changed", StringComparison.Ordinal));
    }

    [Fact]
    public void Expired_permissions_and_a_certificate_of_another_CA_keep_the_nodes_from_starting_naming_the_file()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("run.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers));
        var otherCa = OpensslKeystore.MakeCa(_dir["other-ca"], "otherCA");
        var ks = OpensslNodes(domain, file, controllerNotAfter: TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-1), simIssuer: otherCa);
        string enclaves = Path.Combine(ks.Root, "enclaves");
        using (var controller = AppProcess.Start(domain, Security(ks.Root), "controller", "--params", file))
            AssertRefused(controller, Path.Combine(enclaves, "swarm_coverage", "permissions.p7s"), "expired");
        using (var sim = AppProcess.Start(domain, Security(ks.Root), "sim", "--params", file))
            AssertRefused(sim, Path.Combine(enclaves, "swarm_coverage_sim", "cert.pem"), "identity CA");
    }

    [Fact]
    public void Each_node_uses_its_own_enclave_and_Enforce_refuses_a_missing_one_naming_the_file()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("run.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers));
        string ks = Keystore(domain, file, NodeEnclaves.Controller);
        string enclaves = Path.Combine(ks, "enclaves");

        // No enclave for the simulator nor for a decentralized instance: each names the directory it looked for.
        using (var sim = AppProcess.Start(domain, Security(ks), "sim", "--params", file))
            AssertRefused(sim, Path.Combine(enclaves, "swarm_coverage_sim"), "enclave '/swarm_coverage_sim' not found");
        using (var one = AppProcess.Start(domain, Security(ks), "controller", "--params", file, "--robot", "robot_03"))
            AssertRefused(one, Path.Combine(enclaves, "swarm_coverage", "robot_03"), "enclave '/swarm_coverage/robot_03' not found");

        // --ros-args --enclave names another one, equally missing.
        using (var other = AppProcess.Start(domain, Security(ks), "controller", "--params", file, "--ros-args", "--enclave", "/elsewhere"))
            AssertRefused(other, Path.Combine(enclaves, "elsewhere"), "enclave '/elsewhere' not found");

        // The decentralized instance's own enclave, with the permissions of that instance only: it starts secured.
        Ok("security", "create-enclave", ks, "/swarm_coverage/robot_03", "--domain", D(domain));
        Ok("security", "create-permissions", ks, "/swarm_coverage/robot_03", "--domain", D(domain), "--controller", file, "--robot", "robot_03");
        using (var one = AppProcess.Start(domain, Security(ks), "controller", "--params", file, "--robot", "robot_03"))
        {
            one.WaitForLine("security on: enclave '/swarm_coverage/robot_03'");
            one.WaitForLine("waiting for /clock");
            one.Signal(AppProcess.SigTerm);
            Assert.Equal(0, one.WaitForExit());
        }

        // A file of an enclave that exists is missing: named, exit 2.
        string governance = Path.Combine(enclaves, "swarm_coverage", "governance.p7s");
        File.Delete(governance);
        using (var controller = AppProcess.Start(domain, Security(ks), "controller", "--params", file))
            AssertRefused(controller, governance, "missing");
    }

    [Fact]
    public void Permissions_that_miss_a_topic_of_the_node_make_it_refuse_to_start_naming_the_topic()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("run.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers));
        string ks = Keystore(domain, file, NodeEnclaves.Controller);
        Ok("security", "create-permissions", ks, NodeEnclaves.Controller, "--domain", D(domain), "--publish", "/robot_00/cmd_vel", "--subscribe", "/robot_00/odom");
        using var controller = AppProcess.Start(domain, Security(ks), "controller", "--params", file);
        Assert.Equal(2, controller.WaitForExit());
        string line = Assert.Single(controller.Lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.StartsWith("error: controller: dds_create_topic failed for topic 'rt/", line, StringComparison.Ordinal);
        Assert.Contains("Not Allowed By Security", line, StringComparison.Ordinal);
        Assert.Contains("security create-permissions --controller", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Permissive_without_an_enclave_runs_unsecured_and_says_so()
    {
        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("run.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers, simTime: false));
        string ks = Keystore(domain, file);
        using var controller = AppProcess.Start(domain, Security(ks, strategy: null), "controller", "--params", file);
        string line = controller.WaitForLine("WARNING: running WITHOUT security");
        Assert.Contains(" WRN] ", line, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(ks, "enclaves", "swarm_coverage"), line, StringComparison.Ordinal);
        controller.WaitForLine("Control loop running");

        // Unsecured indeed: a plain participant's emergency stop reaches it.
        using var plain = NodeDds.Participant(domain, "operator");
        using var estop = plain.CreatePublisher<Bool>("/swarm_coverage/emergency_stop");
        Assert.True(estop.WaitForSubscriptions(1, NodeDds.Timeout));
        estop.Publish(new Bool(true));
        controller.WaitForLine("EMERGENCY STOP set");
        controller.Signal(AppProcess.SigTerm);
        Assert.Equal(0, controller.WaitForExit());
    }

    [Fact]
    public void The_topics_the_permissions_allow_are_exactly_those_the_nodes_create()
    {
        // What the permissions allow (topics, the services' request and reply topics, the graph's), as DDS names.
        static IEnumerable<string> Allowed(NodeTopics t)
        {
            var (publish, subscribe) = t.ToPolicy().ToDdsTopics();
            return publish.Concat(subscribe).Append("ros_discovery_info").Distinct().Order(StringComparer.Ordinal);
        }

        uint domain = NodeDds.NewDomainId();
        string file = _dir.File("topics.yaml", NodeProcessTests.Params("""
                  names: [a, b, c]
                  model: turtlebot3_burger
            """, "", simTime: false));
        var participant = new RosParticipantOptions { DomainId = domain, CycloneDdsConfig = NodeDds.CycloneConfig };
        foreach (string? own in new[] { null, "b" })
        {
            var settings = ControllerNodeSettings.Load(file, own) with { WatchParamsFile = false };
            using var node = NodeDds.Sandbox.Run(() => new ControllerNode(settings, TimeProvider.System, NullLogger<ControllerNode>.Instance, participant));
            NodeTopics topics = settings.Topics();
            Assert.Equal(Allowed(topics), node.Participant.DdsTopicNames);
            Assert.Equal(RosParameterServices.Served, topics.Services);
            Assert.Equal(own is null
                ? ["/a/cmd_vel", "/b/cmd_vel", "/c/cmd_vel", "/diagnostics", "/parameter_events", "/rosout", "/swarm_coverage/status", "/swarm_coverage/target_map"]
                : ["/b/cmd_vel", "/diagnostics", "/parameter_events", "/rosout"], topics.Publish);
        }

        // Under use_sim_time the controller also reads /clock (its clock service subscribes on the node's participant).
        Assert.DoesNotContain(NodeTopics.Clock, ControllerNodeSettings.Load(file, null).Topics().Subscribe);
        Assert.Contains(NodeTopics.Clock, ControllerNodeSettings.Load(_dir.File("clock.yaml", NodeProcessTests.Params(NodeProcessTests.TwelveBurgers)), null).Topics().Subscribe);

        var robots = new[] { RobotPresets.TurtleBot3Burger.CreateRobot("a", default), RobotPresets.TurtleBot3Burger.CreateRobot("b", default) };
        foreach (bool pose in new[] { false, true })
        {
            var options = new SimulatorNodeOptions { PublishPose = pose, Participant = participant with { NodeName = "swarm_coverage_sim" } };
            using var sim = NodeDds.Sandbox.Run(() => new SimulatorNode(new Simulator(robots, new SimulationOptions()), options, NullLogger.Instance));
            NodeTopics topics = SimulatorNode.Topics(robots, options);
            Assert.Equal(Allowed(topics), sim.Participant.DdsTopicNames);
            Assert.Equal(pose ? ["/a/odom", "/a/pose", "/b/odom", "/b/pose", "/clock", "/diagnostics"] : ["/a/odom", "/b/odom", "/clock", "/diagnostics"], topics.Publish);
        }
    }
}
