using SwarmCoverage.Ros2;
using System.Globalization;
using System.Text.RegularExpressions;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control;
using SwarmCoverage.Core;
using SwarmCoverage.Sim;
using SwarmCoverage.Sim.Sdf;

namespace SwarmCoverage.Nodes;

/// <summary>Where the controller reads each robot's pose.</summary>
public enum PoseSource
{
    /// <summary><c>nav_msgs/msg/Odometry</c> whose pose is in the world frame (Gazebo's OdometryPublisher, the bundled simulator).</summary>
    Odometry,

    /// <summary><c>geometry_msgs/msg/PoseStamped</c> in the world frame, as a motion-capture system publishes it.</summary>
    PoseStamped,
}

/// <summary>The robots a controller drives: names and their control models.</summary>
/// <param name="Names">Robot names: each is a ROS name token and the robot's namespace.</param>
/// <param name="Models">The control model of each robot (same order).</param>
/// <param name="BodyRadiusM">Largest radius of a circle around a robot's centre that holds its chassis (default wall margin).</param>
/// <param name="Description">How the set was given, for the log.</param>
public sealed record RobotSet(IReadOnlyList<string> Names, IReadOnlyList<RobotModel> Models, double BodyRadiusM, string Description)
{
    /// <summary>Another name of a preset: Robotarium's name for the GRITSbot.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal) { ["robotarium_gritsbot"] = "gritsbot" };

    /// <summary>Names of the presets <c>robots.model</c> accepts (the simulator's presets, so limits agree with it).</summary>
    public static IReadOnlyList<string> PresetNames { get; } = [.. Sim.RobotPresets.All.Select(p => p.Name), .. Aliases.Keys];

    /// <summary>The simulator's robot of preset <paramref name="preset"/> called <paramref name="name"/> (its limits and body).</summary>
    public static RobotSpec SpecFor(string preset, string name)
    {
        string key = Aliases.GetValueOrDefault(preset, preset);
        var p = Sim.RobotPresets.All.FirstOrDefault(q => q.Name == key)
            ?? throw new InputException($"robot model '{preset}' is not a preset; allowed: {string.Join(", ", PresetNames)}");
        return p.CreateRobot(name, default);
    }
}

/// <summary>
/// Everything the ROS 2 controller node reads from its params file: the controller's parameters
/// (<see cref="ControllerSettings"/>, shared with <c>simulate</c>) and the ROS side (robots, topics, time, shutdown).
/// The <c>sim.*</c> and <c>output.*</c> parameters of <c>simulate</c> are accepted and checked (one file can drive
/// <c>simulate</c>, <c>sim</c> and <c>controller</c>) but not used.
/// </summary>
public sealed partial record ControllerNodeSettings
{
    /// <summary>The params file section the controller (and the simulator node) read.</summary>
    public const string NodeName = Scenario.NodeName;

    public required ControllerSettings Controller { get; init; }
    public required RobotSet Robots { get; init; }
    public PoseSource PoseSource { get; init; } = PoseSource.Odometry;
    public string OdometryTopic { get; init; } = "/{robot}/odom";
    public string PoseTopic { get; init; } = "/{robot}/pose";
    public string CommandTopic { get; init; } = "/{robot}/cmd_vel";
    public CommandMessageType CommandType { get; init; } = CommandMessageType.Twist;

    /// <summary>Run on <c>/clock</c> (ROS's <c>use_sim_time</c>).</summary>
    public bool UseSimTime { get; init; }

    /// <summary>Frame of the status, the target map and incoming targets.</summary>
    public string FrameId { get; init; } = "map";

    public string StatusTopic { get; init; } = "/swarm_coverage/status";
    public string TargetMapTopic { get; init; } = "/swarm_coverage/target_map";
    public string TargetTopic { get; init; } = "/swarm_coverage/target";
    public string TargetGridTopic { get; init; } = "/swarm_coverage/target_grid";
    public string EmergencyStopTopic { get; init; } = "/swarm_coverage/emergency_stop";

    /// <summary>How long shutdown waits for every robot to acknowledge its zero command.</summary>
    public double ShutdownAckTimeoutS { get; init; } = 1.0;

    /// <summary>SCHED_FIFO priority of the control loop thread (1..99, needs CAP_SYS_NICE); 0: normal scheduling.</summary>
    public int RealtimePriority { get; init; }

    /// <summary>
    /// Threads that publish a tick's commands (1..64); 0: automatic (two from <see cref="ControllerNode.ParallelPublishRobots"/>
    /// commanded robots when there are two processors, else one). Extra threads are started by the control loop and share its
    /// scheduling.
    /// </summary>
    public int PublishThreads { get; init; }

    /// <summary>Reload the target when the params file (or its target file) is edited.</summary>
    public bool WatchParamsFile { get; init; } = true;

    /// <summary>Where the live run is recorded as MCAP (<c>record.path</c>, <c>--record</c>); null: not recorded.</summary>
    public string? RecordPath { get; init; }

    /// <summary>The Foxglove server (<c>foxglove.*</c>); port 0: none.</summary>
    public Live.FoxgloveSettings Foxglove { get; init; } = new();

    /// <summary>Decentralized mode: the one robot this instance commands (null: every robot).</summary>
    public string? OwnRobot { get; init; }

    /// <summary>The params file this came from (null when built in code).</summary>
    public string? SourceFile { get; init; }

    /// <summary>The parameters as read (run-time changes are read again on top of them).</summary>
    public RosParamsFile Parameters { get; init; } = RosParamsFile.Empty();

    /// <summary>The node name on the wire: <c>swarm_coverage</c>, or <c>swarm_coverage_&lt;robot&gt;</c> in decentralized mode.</summary>
    public string WireNodeName => OwnRobot is null ? NodeName : NodeName + "_" + OwnRobot;

    public static string Topic(string pattern, string robot) => pattern.Replace("{robot}", robot, StringComparison.Ordinal);

    /// <summary>The topic of <paramref name="robot"/>'s poses: odometry or PoseStamped, as <see cref="PoseSource"/> says.</summary>
    public string PoseTopicOf(string robot) => Topic(PoseSource == PoseSource.Odometry ? OdometryTopic : PoseTopic, robot);

    /// <summary>
    /// Every topic the controller node creates with these settings, and so exactly what its SROS2 permissions allow
    /// (<c>security create-permissions --controller</c>): it publishes the <c>cmd_vel</c> of the robots it commands
    /// (all, or only <see cref="OwnRobot"/>), and when centralized the status and the target map; it subscribes to
    /// every robot's poses, the emergency stop, both target topics and, under <c>use_sim_time</c>, <c>/clock</c>.
    /// </summary>
    public NodeTopics Topics()
    {
        var publish = new List<string>();
        var subscribe = new List<string> { EmergencyStopTopic, TargetTopic, TargetGridTopic };
        foreach (string r in Robots.Names)
        {
            if (OwnRobot is null || OwnRobot == r) publish.Add(Topic(CommandTopic, r));
            subscribe.Add(PoseTopicOf(r));
        }

        if (OwnRobot is null)
        {
            publish.Add(StatusTopic);
            publish.Add(TargetMapTopic);
        }

        publish.Add(NodeDiagnostics.Topic);
        publish.Add(RosParameterEventsPublisher.Topic);
        publish.Add(RosoutPublisher.Topic);
        if (UseSimTime) subscribe.Add(NodeTopics.Clock);
        return NodeTopics.Of(WireNodeName, publish, subscribe);
    }

    /// <summary>True for the parameters only the ROS 2 nodes read (not <c>simulate</c>).</summary>
    public static bool IsNodeParameter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name is "use_sim_time" or "frame_id" or "watch_params_file" or "realtime_priority" or "publish_threads"
            || name.StartsWith("robots.", StringComparison.Ordinal) || name.StartsWith("topics.", StringComparison.Ordinal)
            || name.StartsWith("shutdown.", StringComparison.Ordinal);
    }

    /// <summary>Reads and checks a params file; an unknown or bad parameter throws <see cref="InputException"/> naming it.</summary>
    public static ControllerNodeSettings Load(string path, string? ownRobot)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: params file not found");
        var p = RosParamsFile.Load(path, NodeName);
        var s = Read(p, ownRobot) with { SourceFile = Path.GetFullPath(path) };
        p.ThrowOnUnknown();
        return s;
    }

    /// <summary>Reads every parameter the node knows (call <see cref="RosParamsFile.ThrowOnUnknown"/> afterwards).</summary>
    public static ControllerNodeSettings Read(RosParamsFile p, string? ownRobot)
    {
        ArgumentNullException.ThrowIfNull(p);
        var controller = ControllerSettings.Read(p);
        _ = SimulationSettings.Read(p); // accepted and checked, used by `simulate` and `sim`
        var robots = ReadRobots(p, controller);
        if (ownRobot is not null && !robots.Names.Contains(ownRobot, StringComparer.Ordinal))
            throw new InputException($"--robot {ownRobot}: not one of the {robots.Names.Count} robots of {p.Source} ({Preview(robots.Names)})");
        var s = new ControllerNodeSettings
        {
            Controller = controller,
            Robots = robots,
            OwnRobot = ownRobot,
            Parameters = p,
            PoseSource = p.String(NodeParameters.PoseSource) == "odom" ? PoseSource.Odometry : PoseSource.PoseStamped,
            OdometryTopic = TopicPattern(p, NodeParameters.OdomTopic),
            PoseTopic = TopicPattern(p, NodeParameters.PoseTopic),
            CommandTopic = TopicPattern(p, NodeParameters.CmdVelTopic),
            CommandType = p.String(NodeParameters.CmdVelType) == "twist" ? CommandMessageType.Twist : CommandMessageType.TwistStamped,
            UseSimTime = p.Bool(NodeParameters.UseSimTime),
            FrameId = p.String(NodeParameters.FrameId),
            StatusTopic = FixedTopic(p, NodeParameters.StatusTopic),
            TargetMapTopic = FixedTopic(p, NodeParameters.TargetMapTopic),
            TargetTopic = FixedTopic(p, NodeParameters.TargetTopic),
            TargetGridTopic = FixedTopic(p, NodeParameters.TargetGridTopic),
            EmergencyStopTopic = FixedTopic(p, NodeParameters.EmergencyStopTopic),
            ShutdownAckTimeoutS = p.Double(NodeParameters.ShutdownAckTimeout),
            WatchParamsFile = p.Bool(NodeParameters.WatchParamsFile),
            Foxglove = Live.FoxgloveSettings.Read(p, ownRobot is not null),
            RecordPath = p.String(NodeParameters.RecordPath) is { Length: > 0 } rec ? Path.GetFullPath(Path.Combine(p.Directory ?? ".", rec)) : null,
            RealtimePriority = p.Int(NodeParameters.RealtimePriority),
            PublishThreads = p.Int(NodeParameters.PublishThreads),
        };
        if (s.FrameId.Length == 0) throw new InputException($"{p.Source}: parameter 'frame_id' is empty; give the frame of the arena, e.g. map or world");
        return s;
    }

    private static RobotSet ReadRobots(RosParamsFile p, ControllerSettings controller)
    {
        double l = controller.ProjectionDistanceM;
        bool byNames = p.Has(NodeParameters.RobotNames.Name), byPrefix = p.Has(NodeParameters.RobotPrefix.Name) || p.Has(NodeParameters.RobotCount.Name), byWorld = p.Has(NodeParameters.RobotWorld.Name);
        int ways = (byNames ? 1 : 0) + (byPrefix ? 1 : 0) + (byWorld ? 1 : 0);
        if (ways != 1)
            throw new InputException($"{p.Source}: give the robots in exactly one way: robots.names: [a, b, ...], robots.prefix + robots.count, or robots.world: <world>.sdf ({(ways == 0 ? "none is set" : "several are set")})");
        string[] names;
        List<RobotSpec> specs;
        string description;
        if (byWorld)
        {
            string file = p.Path(NodeParameters.RobotWorld)!;
            if (p.Has(NodeParameters.RobotModel.Name)) throw new InputException($"{p.Source}: parameter 'robots.model' conflicts with 'robots.world' (the world gives every robot's limits)");
            if (!File.Exists(file)) throw new InputException($"{p.Source}: parameter 'robots.world' names {file}, which does not exist");
            World world;
            try
            {
                world = SdfWorldReader.Load(file);
            }
            catch (SdfFormatException e)
            {
                throw new InputException(e.Message, e);
            }
            names = [.. world.Robots.Select(r => r.Name)];
            specs = [.. world.Robots];
            description = $"{names.Length} robots of {Path.GetFileName(file)}";
        }
        else
        {
            if (byNames)
            {
                names = p.Strings(NodeParameters.RobotNames);
            }
            else
            {
                string prefix = p.String(NodeParameters.RobotPrefix);
                int count = p.Int(NodeParameters.RobotCount);
                int digits = p.Int(NodeParameters.RobotIndexDigits);
                names = [.. Enumerable.Range(0, count).Select(i => prefix + i.ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture))];
            }
            string preset = p.String(NodeParameters.RobotModel.Name, "", [.. RobotSet.PresetNames]);
            if (preset.Length == 0) throw new InputException($"{p.Source}: parameter 'robots.model' is missing; allowed: {string.Join(", ", RobotSet.PresetNames)}");
            specs = [.. names.Select(n => RobotSet.SpecFor(preset, n))];
            description = $"{names.Length} {preset} robots";
        }
        if (names.Length == 0) throw new InputException($"{p.Source}: parameter 'robots.names' is empty; list at least one robot");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in names)
        {
            if (!NameToken().IsMatch(n)) throw new InputException($"{p.Source}: robot name '{n}' is not a ROS name token (a letter, then letters, digits or '_'); it becomes the namespace /{n}/");
            if (!seen.Add(n)) throw new InputException($"{p.Source}: robot name '{n}' appears more than once");
        }
        var models = specs.Select(r => RobotModels.FromSpec(r, l)).ToList();
        double? vmax = p.OptionalDouble(NodeParameters.MaxLinearSpeed);
        double? wmax = p.OptionalDouble(NodeParameters.MaxAngularSpeed);
        for (int i = 0; i < models.Count; i++)
        {
            var m = models[i];
            if (vmax is { } v) m = m with { MaxLinearSpeedMps = Math.Min(v, m.MaxLinearSpeedMps) };
            if (wmax is { } w && m.Kind == RobotKind.DifferentialDrive) m = m with { MaxAngularSpeedRadps = Math.Min(w, m.MaxAngularSpeedRadps) };
            if (m.Dimension != controller.Target.Dimension)
                throw new InputException($"{p.Source}: robot {names[i]} moves in {m.Dimension}-D ({m.Kind}) but the target is {controller.Target.Dimension}-D");
            models[i] = m;
        }
        return new RobotSet(names, models, specs.Max(RobotModels.BodyRadiusM), description);
    }

    private static string TopicPattern(RosParamsFile p, Control.Parameters.ParameterDescriptor d)
    {
        string name = d.Name, defaultValue = d.Default!.AsString;
        string v = p.String(d);
        if (!v.Contains("{robot}", StringComparison.Ordinal))
            throw new InputException($"{p.Source}: parameter '{name}' is '{v}'; it must contain {{robot}}, e.g. {defaultValue}");
        CheckTopic(p, name, Topic(v, "robot"));
        return v;
    }

    private static string FixedTopic(RosParamsFile p, Control.Parameters.ParameterDescriptor d)
    {
        string v = p.String(d);
        CheckTopic(p, d.Name, v);
        return v;
    }

    private static void CheckTopic(RosParamsFile p, string name, string topic)
    {
        try
        {
            Ros2.RosNames.ValidateFullTopicName(topic);
        }
        catch (ArgumentException e)
        {
            throw new InputException($"{p.Source}: parameter '{name}' is '{topic}', not a fully qualified ROS topic name: {e.Message}", e);
        }
    }

    private static string Preview(IReadOnlyList<string> names) =>
        names.Count <= 6 ? string.Join(", ", names) : string.Join(", ", names.Take(5)) + ", ..., " + names[^1];

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex NameToken();
}
