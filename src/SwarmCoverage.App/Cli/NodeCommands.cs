using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SwarmCoverage.App.Hosting;
using SwarmCoverage.Nodes;
using SwarmCoverage.Core;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Security;
using SwarmCoverage.Sim;

namespace SwarmCoverage.App.Cli;

/// <summary>The ROS 2 nodes: <c>controller</c> and <c>sim</c>. Both run in the generic host and stop cleanly on SIGINT/SIGTERM.</summary>
internal static class NodeCommands
{
    /// <summary>Verbs whose SIGINT/SIGTERM handling belongs to the generic host, not to System.CommandLine.</summary>
    public static readonly IReadOnlySet<string> HostVerbs = new HashSet<string>(StringComparer.Ordinal) { "controller", "sim" };

    public static Command Controller(RosArguments ros)
    {
        var paramsFile = new Option<FileInfo?>("--params") { Description = "The controller's ROS 2 params file (see launch/): target, robots, topics, use_sim_time, limits. Optional when --ros-args --params-file FILE gives them." };
        var robot = new Option<string?>("--robot") { Description = "Decentralized mode: compute the whole swarm's step from the shared poses and command only this robot." };
        var record = new Option<FileInfo?>("--record") { Description = "Record the run as MCAP (every tick's poses, commands, status and changes; replayable with `swarm-coverage replay`). Overrides record.path." };
        var cmd = new Command("controller",
            "The ROS 2 controller node: subscribes every robot's odom (or pose), publishes its cmd_vel at the control rate, the status and the target map; " +
            "live targets from a topic or an edited params file; /clock under use_sim_time; zero to every robot on SIGINT/SIGTERM and on the emergency stop. " +
            "SROS2 from ROS_SECURITY_* and --ros-args --enclave NAME (default /swarm_coverage, or /swarm_coverage/<robot> with --robot). " +
            RosArgumentsHelp + " The node is swarm_coverage (swarm_coverage_<robot> with --robot); parameters: --params, then each --params-file, then each -p, " +
            "a section applying when it is swarm_coverage:, /**: or the node's name after __node/__ns (e.g. /lab/ctl:).");
        cmd.Options.Add(paramsFile);
        cmd.Options.Add(robot);
        cmd.Options.Add(record);
        cmd.SetAction((p, ct) =>
        {
            var settings = ControllerSettingsOf(p.GetValue(paramsFile)?.FullName, p.GetValue(robot), p.GetValue(record)?.FullName, ros);
            var security = ResolveSecurity(ros.Enclave ?? NodeEnclaves.ForController(settings.OwnRobot));
            using var rosout = new RosoutLog(settings.WireNodeName);
            int code = NodeHost.Run("controller", b =>
            {
                ApplyLogLevel(b, ros, RosArguments.LoggerName(settings.Namespace, settings.WireNodeName));
                TimeProvider time = TimeProvider.System;
                if (settings.UseSimTime)
                {
                    var clock = new RosClockTimeProvider();
                    time = clock;
                    b.Services.AddSingleton(clock);
                    b.Services.AddHostedService<ClockService>();
                }

                b.Services.AddSingleton(settings);
                b.Services.AddSingleton(time);
                b.Services.AddSingleton(sp => new ControllerNode(settings, time, sp.GetRequiredService<ILogger<ControllerNode>>(), security: security, rosout: rosout));
                b.Services.AddHostedService<ControllerLoopService>();
                b.Services.AddHostedService<ParamsFileWatcher>();
            }, sp => sp.GetRequiredService<ControllerNode>(), ct, ros.RosoutLogs == false ? null : rosout);
            return Task.FromResult(code);
        });
        return cmd;
    }

    /// <summary>What <c>--help</c> says of the ROS arguments both nodes read.</summary>
    private const string RosArgumentsHelp =
        "ROS arguments after --ros-args (until --): -r/--remap [node:]from:=to (__node:=NAME, __ns:=/NS, topic names), -p/--param [node:]name:=value, " +
        "--params-file FILE, -e/--enclave NAME, --log-level [name:=]LEVEL (debug, info, warn, error, fatal), " +
        "--enable-/--disable-rosout-logs, --enable-/--disable-stdout-logs, --enable-/--disable-external-lib-logs.";

    /// <summary>
    /// The controller's settings from its options and ROS arguments (<see cref="ControllerNodeSettings.Load(string?, string?, RosNodeArguments)"/>):
    /// the node name and namespace after <c>__node</c>/<c>__ns</c>, <paramref name="paramsPath"/> then every <c>--params-file</c>
    /// then every <c>-p</c>, all checked as one file is, the topic rules applied; <paramref name="recordPath"/> overrides <c>record.path</c>.
    /// </summary>
    internal static ControllerNodeSettings ControllerSettingsOf(string? paramsPath, string? ownRobot, string? recordPath, RosArguments ros)
    {
        ArgumentNullException.ThrowIfNull(ros);
        if (paramsPath is null && ros.ParamsFiles.Count == 0)
            throw new InputException("controller: give the params file: --params FILE, or --ros-args --params-file FILE");
        var settings = ControllerNodeSettings.Load(paramsPath, ownRobot, ros.Node);
        return recordPath is null ? settings : settings with { RecordPath = recordPath };
    }

    /// <summary>
    /// <c>--log-level</c>: the node's level (its logger's <c>NAME:=LEVEL</c>, else the default one) becomes Serilog's
    /// minimum level, above any appsettings.json or <c>Serilog__MinimumLevel</c> setting.
    /// </summary>
    private static void ApplyLogLevel(Microsoft.Extensions.Hosting.HostApplicationBuilder b, RosArguments ros, string loggerName)
    {
        if (ros.LogLevelFor(loggerName) is not { } level) return;
        b.Configuration["Serilog:MinimumLevel:Default"] = level switch
        {
            RosLogLevel.Debug => "Debug",
            RosLogLevel.Info => "Information",
            RosLogLevel.Warn => "Warning",
            RosLogLevel.Error => "Error",
            _ => "Fatal",
        };
    }

    /// <summary>
    /// SROS2 for a node as rcl decides it (<see cref="RosSecurity.Resolve"/>: ROS_SECURITY_* and the enclave), before
    /// anything starts: under Enforce a missing or invalid enclave is bad input (exit 2, one line naming the file).
    /// </summary>
    internal static RosSecurityOutcome ResolveSecurity(string enclave)
    {
        try
        {
            uint domain = RosParticipant.ResolveDomainId(null, Environment.GetEnvironmentVariable);
            return RosSecurity.Resolve(enclave, domain, TimeProvider.System);
        }
        catch (RosSecurityException e)
        {
            throw new InputException(e.Message, e);
        }
        catch (ArgumentException e)
        {
            throw new InputException(e.ParamName is { } n ? e.Message.Replace($" (Parameter '{n}')", "", StringComparison.Ordinal) : e.Message, e);
        }
    }

    public static Command Sim(RosArguments ros)
    {
        var world = new Option<FileInfo?>("--world") { Description = "An SDF world (sim/worlds/): robots, start poses, DiffDrive limits, odometry rates, arena." };
        var paramsFile = new Option<FileInfo?>("--params") { Description = "A params file instead of --world: sim.* gives the world (sim.world, or generated over the target's box as `simulate` does) and the simulator's options." };
        var speed = new Option<string>("--speed") { Description = "Real-time factor (2 = twice as fast as real time); 0 or max: as fast as possible.", DefaultValueFactory = _ => "1" };
        var cmdType = new Option<string>("--cmd-vel-type") { Description = "cmd_vel message type: twist (Humble) or twist_stamped (Jazzy diff_drive_controller).", DefaultValueFactory = _ => "twist" };
        cmdType.AcceptOnlyFromAmong("twist", "twist_stamped");
        var pose = new Option<bool>("--publish-pose") { Description = "Also publish /<robot>/pose (geometry_msgs/PoseStamped in the world frame), as a motion-capture system does." };
        var clockRate = new Option<double>("--clock-rate-hz") { Description = "/clock messages per simulated second.", DefaultValueFactory = _ => 100.0 };
        var odomRate = new Option<double?>("--odom-rate-hz") { Description = "Odometry rate of every robot, overriding the world's odom_publish_frequency." };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many simulated seconds (default: run until SIGINT/SIGTERM)." };
        var seed = new Option<ulong?>("--seed") { Description = "Noise seed (overrides the params file)." };
        var timeout = new Option<double?>("--command-timeout-s") { Description = "Stop a robot whose commands stop arriving for this long, simulated seconds (default 0.5, or sim.command_timeout_s)." };
        var cmd = new Command("sim",
            "The bundled simulator as a ROS 2 node with Gazebo's topic interface: per robot cmd_vel in, odom (and optionally pose) out, /clock; faster than real time on request. " +
            "SROS2 from ROS_SECURITY_* and --ros-args --enclave NAME (default /swarm_coverage_sim). " +
            RosArgumentsHelp + " The node is swarm_coverage_sim; -r renames it, its namespace and its topics (cmd_vel, odom, pose); " +
            "-p and --params-file are accepted and not read (the simulator's options come from --world or --params).");
        foreach (var o in new Option[] { world, paramsFile, speed, cmdType, pose, clockRate, odomRate, duration, seed, timeout }) cmd.Options.Add(o);
        cmd.SetAction((p, ct) =>
        {
            var w = p.GetValue(world);
            var pf = p.GetValue(paramsFile);
            if ((w is null) == (pf is null)) throw new InputException("sim: give exactly one of --world FILE.sdf and --params FILE");
            var setup = w is not null ? SimulatorSetup.FromWorld(w.FullName) : SimulatorSetup.FromParams(pf!.FullName);
            var options = setup.Simulation;
            if (p.GetValue(seed) is { } s) options = options with { Seed = s };
            if (p.GetValue(timeout) is { } t)
            {
                if (!(t > 0)) throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--command-timeout-s {t}: must be > 0 seconds"));
                options = options with { CommandTimeoutSeconds = t };
            }

            var robots = setup.World.Robots;
            if (p.GetValue(odomRate) is { } r)
            {
                if (!(r > 0) || !double.IsFinite(r)) throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--odom-rate-hz {r}: must be a finite rate > 0"));
                robots = [.. robots.Select(x => x with { OdomPublishFrequencyHz = r })];
            }

            var nodeOptions = SimulatorOptionsOf(ros) with
            {
                Speed = SimulatorSetup.ParseSpeed(p.GetValue(speed)!),
                ClockRateHz = p.GetValue(clockRate),
                CommandType = p.GetValue(cmdType) == "twist" ? CommandMessageType.Twist : CommandMessageType.TwistStamped,
                PublishPose = p.GetValue(pose),
                DurationS = p.GetValue(duration),
                Security = ResolveSecurity(ros.Enclave ?? NodeEnclaves.Simulator),
            };
            var errors = nodeOptions.ValidationErrors();
            if (errors.Count > 0) throw new InputException("sim: " + string.Join("; ", errors));
            try
            {
                robots = [.. robots.Select(nodeOptions.WithRemappedTopics)];
            }
            catch (ArgumentException e)
            {
                throw new InputException($"sim: --ros-args -r: {e.Message}", e);
            }
            Simulator simulator;
            try
            {
                simulator = new Simulator(robots, options, setup.World.Arena);
            }
            catch (ArgumentException e)
            {
                throw new InputException($"{setup.Source}: {e.Message}", e);
            }

            int code = NodeHost.Run("sim", b =>
            {
                ApplyLogLevel(b, ros, RosArguments.LoggerName(nodeOptions.Participant.Namespace, nodeOptions.Participant.NodeName));
                b.Services.AddSingleton(sp => new SimulatorNode(simulator, nodeOptions, sp.GetRequiredService<ILogger<SimulatorNode>>()));
                b.Services.AddHostedService<SimulatorService>();
            }, sp => sp.GetRequiredService<SimulatorNode>(), ct);
            return Task.FromResult(code);
        });
        return cmd;
    }

    /// <summary>
    /// The simulator node's name, namespace and topic rules from <paramref name="ros"/>: <c>swarm_coverage_sim</c> in
    /// <c>/</c> unless <c>__node</c>/<c>__ns</c> say otherwise; <see cref="SimulatorNodeOptions.Remap"/> then renames its topics.
    /// </summary>
    /// <summary>
    /// The simulator's graph layout: <c>-p ros.distro:=humble</c> (the one parameter the simulator takes from
    /// <c>-p</c>; its others come from --world or --params), jazzy by default.
    /// </summary>
    private static RosDistro SimulatorDistro(RosArguments ros, string node)
    {
        var rule = ros.Parameters.LastOrDefault(p => p.Name == NodeParameters.Distro.Name && (p.NodeName is null || p.NodeName == node));
        if (rule is null) return RosDistro.Jazzy;
        return RosDistros.TryParse(rule.Value, out var d) ? d
            : throw new InputException($"--ros-args -p {rule}: ros.distro is one of {string.Join(", ", RosDistros.Names)}");
    }

    internal static SimulatorNodeOptions SimulatorOptionsOf(RosArguments ros)
    {
        ArgumentNullException.ThrowIfNull(ros);
        string name = RosRemapping.NodeName(ros.Remappings, SimulatorNodeOptions.DefaultNodeName);
        string ns = RosRemapping.Namespace(ros.Remappings, SimulatorNodeOptions.DefaultNodeName);
        var options = new SimulatorNodeOptions { Remappings = ros.Remappings };
        options = options with { Participant = options.Participant with { NodeName = name, Namespace = ns, Graph = SimulatorDistro(ros, name) } };
        try
        {
            _ = options.ClockTopic;
            _ = options.PoseTopicOf("robot");
        }
        catch (ArgumentException e)
        {
            throw new InputException($"sim: --ros-args -r: {e.Message}", e);
        }

        return options;
    }
}
