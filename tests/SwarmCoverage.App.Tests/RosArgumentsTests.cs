using SwarmCoverage.App.Cli;
using SwarmCoverage.Core;
using SwarmCoverage.Nodes;

namespace SwarmCoverage.App.Tests;

/// <summary>The <c>--ros-args</c> section read as rcl reads it, and applied to the controller's and the simulator's settings.</summary>
public sealed class RosArgumentsTests
{
    private static string Repo()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "SwarmCoverage.sln"))) d = d.Parent;
        return d!.FullName;
    }

    private static string Fails(params string[] args) => Assert.Throws<InputException>(() => RosArguments.Split(args)).Message;

    [Fact]
    public void Every_rcl_flag_is_read()
    {
        var (program, ros) = RosArguments.Split(["controller", "--params", "f", "--ros-args", "-r", "__node:=ctl", "--remap", "__ns:=/lab", "-r", "ctl:/a:=/b",
            "-r", "rostopic://x:=y", "-p", "safety.radius_m:=0.3", "--param", "robots.names:=[a, b]", "-e", "/e", "--log-level", "WARN",
            "--log-level", "lab.ctl:=debug", "--disable-rosout-logs", "--disable-stdout-logs", "--enable-external-lib-logs", "--", "--robot", "a"]);
        Assert.Equal(["controller", "--params", "f", "--robot", "a"], program);
        Assert.Equal("/e", ros.Enclave);
        Assert.Equal(RosRemapKind.NodeName, ros.Remappings[0].Kind);
        Assert.Equal("/lab", ros.Remappings[1].To);
        Assert.Equal("ctl", ros.Remappings[2].NodeName);
        Assert.Equal(RosRemapKind.Topic, ros.Remappings[3].Kind);
        Assert.Equal(new RosParameterOverride(null, "safety.radius_m", "0.3"), ros.Parameters[0]);
        Assert.Equal("[a, b]", ros.Parameters[1].Value);
        Assert.Equal(RosLogLevel.Warn, ros.LogLevel);
        Assert.Equal(RosLogLevel.Debug, ros.LogLevelFor(RosArguments.LoggerName("/lab", "ctl")));
        Assert.False(ros.RosoutLogs);
        Assert.False(ros.StdoutLogs);
        Assert.True(ros.ExternalLibLogs);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_rcl_wording()
    {
        Assert.Contains("Couldn't parse remap rule: '-r foo'", Fails("--ros-args", "-r", "foo"), StringComparison.Ordinal);
        Assert.Contains("Couldn't parse trailing -p flag", Fails("--ros-args", "-p"), StringComparison.Ordinal);
        Assert.Contains("Couldn't parse parameter override rule: '-p radius'", Fails("--ros-args", "-p", "radius"), StringComparison.Ordinal);
        Assert.Contains("node name '9x' starts with a digit", Fails("--ros-args", "-r", "__node:=9x"), StringComparison.Ordinal);
        Assert.Contains("not absolute", Fails("--ros-args", "-r", "__ns:=lab"), StringComparison.Ordinal);
        Assert.Contains("nope.yaml: params file not found", Fails("--ros-args", "--params-file", "nope.yaml"), StringComparison.Ordinal);
        Assert.Contains("'loud' is not a log level", Fails("--ros-args", "--log-level", "loud"), StringComparison.Ordinal);
        string unknown = Fails("--ros-args", "--frobnicate");
        Assert.Contains("--frobnicate: unknown ROS argument; supported: -r/--remap", unknown, StringComparison.Ordinal);
        using var dir = new TempDir();
        string bad = dir.File("bad.yaml", "a: [1,\n");
        Assert.Contains("Couldn't parse params file: '--params-file " + bad + "'", Fails("--ros-args", "--params-file", bad), StringComparison.Ordinal);
    }

    [Fact]
    public void Topic_rules_match_after_expansion_and_the_first_wins()
    {
        RosRemapRule[] rules = [RosArguments.ParseRemap("-r", "other:/a:=/x"), RosArguments.ParseRemap("-r", "a:=b"), RosArguments.ParseRemap("-r", "/lab/a:=/c")];
        Assert.Equal("/lab/b", RosRemapping.Topic(rules, "/lab/a", "ctl", "/lab"));
        Assert.Equal("/x", RosRemapping.Topic(rules, "/a", "other", "/"));
        Assert.Equal("/q", RosRemapping.Topic(rules, "/q", "ctl", "/lab"));
    }

    [Fact]
    public void The_controller_takes_its_name_namespace_params_files_and_overrides()
    {
        using var dir = new TempDir();
        string x = Path.Combine(Repo(), "launch", "sim_turtlebot3.yaml");
        string y = dir.File("y.yaml", "/lab/ctl:\n  ros__parameters:\n    velocity_gain: 0.25\n    safety:\n      radius_m: 0.3\nswarm_coverage_other:\n  ros__parameters:\n    nonsense: 1\n");
        var (program, ros) = RosArguments.Split(["controller", "--params", x, "--ros-args", "-r", "__node:=ctl", "-r", "__ns:=/lab", "-p", "velocity_gain:=0.3",
            "--params-file", y, "-r", "/robot_00/cmd_vel:=/robot_00/drive/cmd_vel", "-r", "/robot_01/cmd_vel:=/robot_01/drive/cmd_vel"]);
        Assert.Equal(["controller", "--params", x], program);
        var ok = ros with { Remappings = [.. ros.Remappings.Take(2), RosArguments.ParseRemap("-r", "/swarm_coverage/status:=status")] };
        var s = NodeCommands.ControllerSettingsOf(x, null, null, ok);
        Assert.Equal("ctl", s.WireNodeName);
        Assert.Equal("/lab", s.Namespace);
        Assert.Equal("/lab/ctl", s.FullNodeName);
        Assert.Equal("/lab/status", s.StatusTopic);
        Assert.Equal(Path.GetFullPath(x), s.SourceFile);
        var raw = s.Parameters.RawValues();
        Assert.Equal("0.3", raw["velocity_gain"]); // -p after every file
        Assert.Equal("0.3", raw["safety.radius_m"]); // the --params-file over --params
        Assert.StartsWith("--ros-args -p", s.Parameters.OriginOf("velocity_gain"), StringComparison.Ordinal);
        // Two robots of forty renamed alike are not one template: refused, naming the parameter.
        string refusal = Assert.Throws<InputException>(() => NodeCommands.ControllerSettingsOf(x, null, null, ros)).Message;
        Assert.True(refusal.Contains("robots.cmd_vel_topic", StringComparison.Ordinal), refusal);
        var all = ros with { Remappings = [.. Enumerable.Range(0, 40).Select(i => RosArguments.ParseRemap("-r", $"/robot_{i:D2}/cmd_vel:=/robot_{i:D2}/drive/cmd_vel"))] };
        Assert.Equal("/{robot}/drive/cmd_vel", NodeCommands.ControllerSettingsOf(x, null, null, all).CommandTopic);
    }

    [Fact]
    public void A_bad_override_is_refused_naming_it_and_its_range()
    {
        string x = Path.Combine(Repo(), "launch", "sim_turtlebot3.yaml");
        var (_, ros) = RosArguments.Split(["--ros-args", "-p", "safety.radius_m:=-1"]);
        string m = Assert.Throws<InputException>(() => NodeCommands.ControllerSettingsOf(x, null, null, ros)).Message;
        Assert.Contains("--ros-args -p safety.radius_m:=-1: parameter 'safety.radius_m' is -1; allowed range", m, StringComparison.Ordinal);
        var (_, unknown) = RosArguments.Split(["--ros-args", "-p", "nonsense:=1"]);
        Assert.Contains("unknown parameter 'nonsense'", Assert.Throws<InputException>(() => NodeCommands.ControllerSettingsOf(x, null, null, unknown)).Message, StringComparison.Ordinal);
        var (_, only) = RosArguments.Split(["--ros-args", "--params-file", x]);
        Assert.Equal(Path.GetFullPath(x), NodeCommands.ControllerSettingsOf(null, null, null, only).SourceFile);
    }

    [Fact]
    public void The_simulator_takes_its_name_and_topic_rules()
    {
        var (_, ros) = RosArguments.Split(["--ros-args", "-r", "__node:=gz", "-r", "__ns:=/w", "-r", "/clock:=clk", "-r", "/r0/odom:=/r0/odometry"]);
        var o = NodeCommands.SimulatorOptionsOf(ros);
        Assert.Equal("gz", o.Participant.NodeName);
        Assert.Equal("/w", o.Participant.Namespace);
        Assert.Equal("/w/clk", o.ClockTopic);
        var r = o.WithRemappedTopics(Sim.RobotPresets.All[0].CreateRobot("r0", default));
        Assert.Equal("/r0/odometry", r.EffectiveTopics.Odometry);
        Assert.Equal("/r0/cmd_vel", r.EffectiveTopics.CmdVel);
    }

    [Fact]
    public void A_distribution_the_nodes_do_not_know_is_refused_naming_it()
    {
        // The simulator takes ros.distro from -p; the controller from its params (file or -p), checked as every parameter.
        var (_, sim) = RosArguments.Split(["sim", "--ros-args", "-p", "ros.distro:=foxy"]);
        Assert.Contains("ros.distro is one of humble, jazzy, kilted", Assert.Throws<InputException>(() => NodeCommands.SimulatorOptionsOf(sim)).Message, StringComparison.Ordinal);
        var (_, ok) = RosArguments.Split(["sim", "--ros-args", "-p", "ros.distro:=humble"]);
        Assert.Equal(Ros2.RosDistro.Humble, NodeCommands.SimulatorOptionsOf(ok).Participant.Graph);

        string file = Path.Combine(Repo(), "launch", "sim_turtlebot3.yaml");
        var (_, bad) = RosArguments.Split(["controller", "--ros-args", "-p", "ros.distro:=foxy"]);
        string message = Assert.Throws<InputException>(() => NodeCommands.ControllerSettingsOf(file, null, null, bad)).Message;
        Assert.Contains("ros.distro", message, StringComparison.Ordinal);
        var (_, humble) = RosArguments.Split(["controller", "--ros-args", "-p", "ros.distro:=humble"]);
        Assert.Equal(Ros2.RosDistro.Humble, NodeCommands.ControllerSettingsOf(file, null, null, humble).Distro);
    }
}
