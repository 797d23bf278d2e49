using System.Diagnostics;
using System.Text.RegularExpressions;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Nodes;
using SwarmCoverage.App.Simulation;
using SwarmCoverage.Control;
using YamlDotNet.RepresentationModel;

namespace SwarmCoverage.App.Tests.Nodes;

/// <summary>Every shipped params file, launch file and the docker-compose file, checked as their consumers read them.</summary>
public sealed partial class ShippedFilesTests
{
    public static TheoryData<string> ParamsFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repo.PathOf("launch"), "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Fact]
    public void The_launch_folder_ships_the_params_files_the_nodes_need()
    {
        var names = Directory.GetFiles(Repo.PathOf("launch"), "*.yaml").Select(f => Path.GetFileName(f)).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { "simulate_default.yaml", "sim_turtlebot3.yaml", "real_turtlebot3.yaml", "robotarium_gritsbot.yaml" }, names);
    }

    [Theory]
    [MemberData(nameof(ParamsFiles))]
    public void Every_shipped_params_file_loads_strictly(string name)
    {
        string path = Repo.PathOf("launch", name);
        var p = RosParamsFile.Load(path, ControllerNodeSettings.NodeName);
        if (p.Names.Any(ControllerNodeSettings.IsNodeParameter))
        {
            // A file for the ROS 2 nodes: the controller reads every parameter (ThrowOnUnknown inside Load).
            var s = ControllerNodeSettings.Load(path, null);
            Assert.NotEmpty(s.Robots.Names);
            Assert.Equal(s.Robots.Names.Count, s.Robots.Models.Count);
            // A decentralized instance accepts the same file.
            Assert.Equal(s.Robots.Names[^1], ControllerNodeSettings.Load(path, s.Robots.Names[^1]).OwnRobot);
        }

        // `simulate` (and the `sim` node) read every file too: one file drives all of them.
        var scenario = Scenario.LoadFile(path);
        Assert.Equal(2, scenario.Controller.Target.Dimension);
        var setup = SimulatorSetup.FromParams(path);
        Assert.NotEmpty(setup.World.Robots);
    }

    [Fact]
    public void The_simulator_params_file_names_the_robots_the_simulator_creates()
    {
        string path = Repo.PathOf("launch", "sim_turtlebot3.yaml");
        var controller = ControllerNodeSettings.Load(path, null);
        var world = SimulatorSetup.FromParams(path).World;
        Assert.True(controller.UseSimTime);
        Assert.Equal(world.Robots.Select(r => r.Name), controller.Robots.Names);
        // The controller's limits are the simulated robots' limits.
        for (int i = 0; i < world.Robots.Count; i++)
        {
            var fromWorld = RobotModels.FromSpec(world.Robots[i], controller.Controller.ProjectionDistanceM);
            Assert.Equal(fromWorld, controller.Robots.Models[i]);
        }
    }

    [Fact]
    public void The_real_robot_params_files_read_world_frame_poses_from_motion_capture()
    {
        foreach (var name in new[] { "real_turtlebot3.yaml", "robotarium_gritsbot.yaml" })
        {
            var s = ControllerNodeSettings.Load(Repo.PathOf("launch", name), null);
            Assert.False(s.UseSimTime);
            Assert.Equal(PoseSource.PoseStamped, s.PoseSource);
            Assert.Equal("/vrpn_mocap/{robot}/pose", s.PoseTopic);
            Assert.All(s.Robots.Models, m => Assert.Equal(RobotKind.DifferentialDrive, m.Kind));
        }

        var tb3 = ControllerNodeSettings.Load(Repo.PathOf("launch", "real_turtlebot3.yaml"), null);
        Assert.All(tb3.Robots.Models, m => Assert.Equal(0.15, m.MaxLinearSpeedMps)); // the lab limit below the Burger's 0.22
        var grits = ControllerNodeSettings.Load(Repo.PathOf("launch", "robotarium_gritsbot.yaml"), null);
        Assert.Equal(20, grits.Robots.Names.Count);
        Assert.Equal(30.0, grits.Controller.ControlRateHz);
        Assert.All(grits.Robots.Models, m => Assert.Equal(12.5, m.MaxWheelSpeedRadps));
        Assert.Equal([-1.6, -1.0], grits.Controller.Arena.Min.ToArray());
        Assert.Equal([1.6, 1.0], grits.Controller.Arena.Max.ToArray());
    }

    [Fact]
    public void A_bad_parameter_stops_the_controller_with_exit_code_2_naming_it_its_value_and_the_range()
    {
        using var dir = new TempDir();
        string Write(string robots, string extra) => dir.File("bad.yaml", NodeProcessTests.Params(robots, extra));
        string ok = NodeProcessTests.TwelveBurgers;

        var (code, _, err) = Cli.Run("controller", "--params",
            dir.File("rate.yaml", NodeProcessTests.Params(ok).Replace("control_rate_hz: 20.0", "control_rate_hz: -5", StringComparison.Ordinal)));
        Assert.Equal(2, code);
        Assert.Contains("parameter 'control_rate_hz' is -5; allowed range (0, 1000]", err, StringComparison.Ordinal);

        (code, _, err) = Cli.Run("controller", "--params", Write(ok, "    contrl_rate_hz: 5\n"));
        Assert.Equal(2, code);
        Assert.Matches(@"bad\.yaml:\d+: unknown parameter 'contrl_rate_hz'", err);

        (code, _, err) = Cli.Run("controller", "--params", Write(ok.Replace("turtlebot3_burger", "turtlebot4", StringComparison.Ordinal), ""));
        Assert.Equal(2, code);
        Assert.Contains("parameter 'robots.model' is 'turtlebot4'; allowed: turtlebot3_burger, turtlebot3_waffle, gritsbot", err, StringComparison.Ordinal);

        (code, _, err) = Cli.Run("controller", "--params", Write(ok + "\n      pose_source: gps", ""));
        Assert.Equal(2, code);
        Assert.Contains("parameter 'robots.pose_source' is 'gps'; allowed: odom, pose", err, StringComparison.Ordinal);

        (code, _, err) = Cli.Run("controller", "--params", Write(ok.Replace("count: 12", "count: 0", StringComparison.Ordinal), ""));
        Assert.Equal(2, code);
        Assert.Contains("parameter 'robots.count' is 0; allowed range 1..100000", err, StringComparison.Ordinal);

        (code, _, err) = Cli.Run("controller", "--params", Write(ok, "    publish_threads: 65\n"));
        Assert.Equal(2, code);
        Assert.Contains("parameter 'publish_threads' is 65; allowed range 0..64", err, StringComparison.Ordinal);

        (code, _, err) = Cli.Run("controller", "--params", Write(ok, "    topics:\n      status: status with spaces\n"));
        Assert.Equal(2, code);
        Assert.Contains("parameter 'topics.status' is 'status with spaces'", err, StringComparison.Ordinal);

        (code, _, err) = Cli.Run("controller", "--params", Write(ok, ""), "--robot", "robot_99");
        Assert.Equal(2, code);
        Assert.Contains("--robot robot_99: not one of the 12 robots", err, StringComparison.Ordinal);

        (code, _, err) = Cli.Run("controller", "--params", dir["missing.yaml"]);
        Assert.Equal(2, code);
        Assert.Contains("missing.yaml: params file not found", err, StringComparison.Ordinal);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Bad_simulator_options_stop_the_simulator_with_exit_code_2()
    {
        var (code, _, err) = Cli.Run("sim", "--world", Repo.PathOf("sim", "worlds", "holonomic_ground_9.sdf"), "--speed", "fast");
        Assert.Equal(2, code);
        Assert.Contains("--speed 'fast'", err, StringComparison.Ordinal);
        (code, _, err) = Cli.Run("sim");
        Assert.Equal(2, code);
        Assert.Contains("give exactly one of --world FILE.sdf and --params FILE", err, StringComparison.Ordinal);
        (code, _, err) = Cli.Run("sim", "--world", Repo.PathOf("sim", "worlds", "holonomic_ground_9.sdf"), "--clock-rate-hz", "0");
        Assert.Equal(2, code);
        Assert.Contains("clock rate is 0 Hz", err, StringComparison.Ordinal);
        Assert.Equal(0, SimulatorSetup.ParseSpeed("max"));
        Assert.Equal(0, SimulatorSetup.ParseSpeed("0"));
        Assert.Equal(12.5, SimulatorSetup.ParseSpeed("12.5"));
        Assert.True(new SimulatorNodeOptions { Speed = 0 }.AsFastAsPossible);
    }

    public static TheoryData<string> LaunchFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repo.PathOf("launch"), "*.launch.py").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(LaunchFiles))]
    public void Every_launch_file_compiles_and_every_file_it_references_exists(string name)
    {
        string path = Repo.PathOf("launch", name);
        using var dir = new TempDir();
        var psi = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        // Compile to a throw-away file so no __pycache__ is left in launch/.
        foreach (var a in new[] { "-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)", path, Path.Combine(dir.Path, "out.pyc") })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python3 -m py_compile {name}: {err}");

        string text = File.ReadAllText(path);
        Assert.Contains("def generate_launch_description", text, StringComparison.Ordinal);
        var referenced = LaunchFileReference().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(referenced);
        foreach (var f in referenced)
            Assert.True(File.Exists(Repo.PathOf("launch", f)), $"{name} references {f}, which is not in launch/");
        // It takes a keystore as ROS 2 launch files do, setting ROS_SECURITY_* for the processes it starts.
        foreach (var a in new[] { "'keystore'", "'security_strategy'", "ROS_SECURITY_ENABLE", "ROS_SECURITY_KEYSTORE", "ROS_SECURITY_STRATEGY", "'--ros-args', '--enclave'", "additional_env=env" })
            Assert.Contains(a, text, StringComparison.Ordinal);
        // The verbs and options it passes exist.
        var root = App.Cli.CommandLine.Build(TextWriter.Null, TextWriter.Null);
        foreach (Match m in VerbReference().Matches(text))
            Assert.Contains(root.Subcommands, c => c.Name == m.Groups[1].Value);
    }

    [Fact]
    public void The_RViz_configuration_is_YAML_showing_the_target_map()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Repo.PathOf("launch", "swarm_coverage.rviz"))));
        Assert.Contains("/swarm_coverage/target_map", File.ReadAllText(Repo.PathOf("launch", "swarm_coverage.rviz")), StringComparison.Ordinal);
    }

    [RequiresDockerComposeFact]
    public void Docker_compose_accepts_the_compose_file()
    {
        string compose = FindOnPath("docker-compose")!;

        string Run(params string[] args)
        {
            var psi = new ProcessStartInfo(compose) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
            psi.ArgumentList.Add("-f");
            psi.ArgumentList.Add(Repo.PathOf("docker-compose.yml"));
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd(), error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"docker-compose {string.Join(' ', args)} exited {p.ExitCode}: {error}");
            return output;
        }

        string config = Run("config");
        Assert.Contains("network_mode: host", config, StringComparison.Ordinal);
        Assert.Contains("dockerfile: src/SwarmCoverage.App/Dockerfile", config, StringComparison.Ordinal);
        Assert.Equal(["controller", "ros2-echo", "sim"], Run("config", "--services").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        var doc = new YamlStream();
        doc.Load(new StringReader(Run("--profile", "ros2", "config")));
        var services = (YamlMappingNode)((YamlMappingNode)doc.Documents[0].RootNode)["services"];
        var echo = (YamlMappingNode)services["ros2-echo"];
        Assert.Equal("ros2", ((YamlSequenceNode)echo["profiles"]).Children.Single().ToString());
        Assert.Equal("rmw_cyclonedds_cpp", ((YamlMappingNode)echo["environment"])["RMW_IMPLEMENTATION"].ToString());
        Assert.StartsWith("ros:humble", echo["image"].ToString(), StringComparison.Ordinal);
        foreach (var name in new[] { "sim", "controller" })
        {
            var svc = (YamlMappingNode)services[name];
            Assert.False(svc.Children.ContainsKey("profiles"), $"{name} must run without a profile");
            Assert.Equal("host", svc["network_mode"].ToString());
        }
        Assert.True(File.Exists(Repo.PathOf("src", "SwarmCoverage.App", "Dockerfile")));
        Assert.Contains("libddsc0debian", File.ReadAllText(Repo.PathOf("src", "SwarmCoverage.App", "Dockerfile")), StringComparison.Ordinal);
    }

    [RequiresDockerComposeFact]
    public void The_secure_compose_override_mounts_each_node_only_its_enclave_and_enforces_it()
    {
        var psi = new ProcessStartInfo(FindOnPath("docker-compose")!) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        foreach (var a in new[] { "-f", Repo.PathOf("docker-compose.yml"), "-f", Repo.PathOf("docker-compose.secure.yml"), "config" }) psi.ArgumentList.Add(a);
        psi.Environment["SWARM_COVERAGE_KEYSTORE"] = "/srv/ks";
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd(), error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"docker-compose config with docker-compose.secure.yml exited {p.ExitCode}: {error}");
        var doc = new YamlStream();
        doc.Load(new StringReader(output));
        var services = (YamlMappingNode)((YamlMappingNode)doc.Documents[0].RootNode)["services"];
        foreach (var (name, enclave) in new[] { ("sim", "swarm_coverage_sim"), ("controller", "swarm_coverage") })
        {
            var svc = (YamlMappingNode)services[name];
            var env = (YamlMappingNode)svc["environment"];
            Assert.Equal("true", env["ROS_SECURITY_ENABLE"].ToString());
            Assert.Equal("Enforce", env["ROS_SECURITY_STRATEGY"].ToString());
            Assert.Equal("/keystore", env["ROS_SECURITY_KEYSTORE"].ToString());
            var volumes = ((YamlSequenceNode)svc["volumes"]).Children.Select(v => v.ToString()).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal([$"/srv/ks/enclaves/governance.p7s:/keystore/enclaves/governance.p7s:ro", $"/srv/ks/enclaves/{enclave}:/keystore/enclaves/{enclave}:ro", "/srv/ks/public:/keystore/public:ro"], volumes);
        }

        // Neither the keystore nor a CA key goes into the image's build context.
        string ignore = File.ReadAllText(Repo.PathOf("src", "SwarmCoverage.App", "Dockerfile.dockerignore"));
        Assert.Contains("keystore/", ignore, StringComparison.Ordinal);
        Assert.Contains("**/private/", ignore, StringComparison.Ordinal);
    }

    internal static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    [GeneratedRegex(@"'([A-Za-z0-9_]+\.(?:yaml|rviz))'")]
    private static partial Regex LaunchFileReference();

    [GeneratedRegex(@"\['(controller|sim)',")]
    private static partial Regex VerbReference();
}

/// <summary>A fact skipped, saying why, where docker-compose is not installed (CI installs Debian's docker-compose).</summary>
public sealed class RequiresDockerComposeFactAttribute : FactAttribute
{
    public RequiresDockerComposeFactAttribute()
    {
        if (ShippedFilesTests.FindOnPath("docker-compose") is null)
            Skip = "docker-compose is not installed (Debian: apt-get install docker-compose); CI installs it";
    }
}
