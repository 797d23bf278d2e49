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

/// <summary>What a remapping rule renames: a topic or service name, the node's name (<c>__node</c>/<c>__name</c>) or its namespace (<c>__ns</c>).</summary>
public enum RosRemapKind
{
    /// <summary><c>from:=to</c>: a topic or a service (rcl applies it to both).</summary>
    TopicOrService,

    /// <summary><c>rostopic://from:=to</c>: topics only.</summary>
    Topic,

    /// <summary><c>rosservice://from:=to</c>: services only.</summary>
    Service,

    /// <summary><c>__node:=NAME</c> (or <c>__name:=NAME</c>).</summary>
    NodeName,

    /// <summary><c>__ns:=/NS</c>.</summary>
    Namespace,
}

/// <summary>
/// One <c>--ros-args -r [node:]from:=to</c> rule as rcl keeps it: <paramref name="NodeName"/>
/// limits it to the node of that name; <paramref name="From"/> and <paramref name="To"/> are as written (a relative or
/// <c>~</c> name is expanded against the node's name and namespace when matched, as rcl does).
/// </summary>
public sealed record RosRemapRule(string? NodeName, RosRemapKind Kind, string From, string To)
{
    /// <summary>The rule as written on the command line.</summary>
    public override string ToString()
    {
        string prefix = NodeName is null ? "" : NodeName + ":";
        string from = Kind switch
        {
            RosRemapKind.NodeName => "__node",
            RosRemapKind.Namespace => "__ns",
            RosRemapKind.Topic => "rostopic://" + From,
            RosRemapKind.Service => "rosservice://" + From,
            _ => From,
        };
        return $"{prefix}{from}:={To}";
    }
}

/// <summary>
/// rcl's remapping: the first rule that matches wins; a rule naming a node applies only to it;
/// a topic rule's <c>from</c> and <c>to</c> are expanded in the node's namespace before comparing; a rule that
/// matches nothing is ignored.
/// </summary>
public static class RosRemapping
{
    /// <summary>The node's name after the first matching <c>__node</c> rule (matched against its <paramref name="nodeName"/> as the program names it).</summary>
    public static string NodeName(IReadOnlyList<RosRemapRule> rules, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.FirstOrDefault(r => r.Kind == RosRemapKind.NodeName && (r.NodeName is null || r.NodeName == nodeName))?.To ?? nodeName;
    }

    /// <summary>The node's namespace after the first matching <c>__ns</c> rule; <c>/</c> when none (rcl matches it against the name the program gave, too).</summary>
    public static string Namespace(IReadOnlyList<RosRemapRule> rules, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return rules.FirstOrDefault(r => r.Kind == RosRemapKind.Namespace && (r.NodeName is null || r.NodeName == nodeName))?.To ?? "/";
    }

    /// <summary>The node's fully qualified name: <c>/ns/name</c>, or <c>/name</c> in the root namespace.</summary>
    public static string FullName(string @namespace, string nodeName) => (@namespace == "/" ? "" : @namespace) + "/" + nodeName;

    /// <summary>
    /// <paramref name="fullTopic"/> (fully qualified) after the first topic rule that matches it, for the node called
    /// <paramref name="nodeName"/> (its name after <c>__node</c>) in <paramref name="namespace"/>; unchanged when none matches.
    /// </summary>
    public static string Topic(IReadOnlyList<RosRemapRule> rules, string fullTopic, string nodeName, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(rules);
        foreach (var r in rules)
        {
            if (r.Kind is not (RosRemapKind.TopicOrService or RosRemapKind.Topic)) continue;
            if (r.NodeName is not null && r.NodeName != nodeName) continue;
            if (RosNames.ExpandTopicName(r.From, @namespace, nodeName) == fullTopic)
                return RosNames.ExpandTopicName(r.To, @namespace, nodeName);
        }

        return fullTopic;
    }
}

/// <summary>One <c>--ros-args -p [node:]name:=value</c>: <paramref name="Value"/> is the YAML text after <c>:=</c>; <paramref name="NodeName"/> limits it to that node.</summary>
public sealed record RosParameterOverride(string? NodeName, string Name, string Value)
{
    /// <summary>The rule as written on the command line.</summary>
    public override string ToString() => $"{(NodeName is null ? "" : NodeName + ":")}{Name}:={Value}";
}

/// <summary>What a node takes from <c>--ros-args</c>: the <c>-r</c> rules, the <c>--params-file</c> files and the <c>-p</c> overrides, each in order.</summary>
public sealed record RosNodeArguments
{
    /// <summary>No ROS arguments.</summary>
    public static RosNodeArguments None { get; } = new();

    public IReadOnlyList<RosRemapRule> Remappings { get; init; } = [];
    public IReadOnlyList<string> ParamsFiles { get; init; } = [];
    public IReadOnlyList<RosParameterOverride> Parameters { get; init; } = [];
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

    /// <summary>The ROS 2 distribution whose graph layout the node announces itself in (<c>ros.distro</c>, docs/ros2-wire.md).</summary>
    public RosDistro Distro { get; init; } = RosDistro.Jazzy;

    /// <summary>The node's name given by <c>--ros-args -r __node:=NAME</c>; null: <see cref="DefaultNodeName"/>.</summary>
    public string? NodeNameOverride { get; init; }

    /// <summary>The node's namespace (<c>--ros-args -r __ns:=/NS</c>), absolute; <c>/</c> by default.</summary>
    public string Namespace { get; init; } = "/";

    /// <summary>The <c>--ros-args -r</c> rules, in order; <see cref="Remap"/> applies the topic ones.</summary>
    public IReadOnlyList<RosRemapRule> Remappings { get; init; } = [];

    /// <summary>
    /// The node name on the wire: <see cref="NodeNameOverride"/>, else <c>swarm_coverage</c>, or <c>swarm_coverage_&lt;robot&gt;</c>
    /// in decentralized mode.
    /// </summary>
    public string WireNodeName => NodeNameOverride ?? DefaultNodeName(OwnRobot);

    /// <summary><see cref="WireNodeName"/> in <see cref="Namespace"/>: <c>/swarm_coverage</c>, <c>/lab/ctl</c>.</summary>
    public string FullNodeName => RosRemapping.FullName(Namespace, WireNodeName);

    /// <summary>The node's name before any <c>__node</c> rule: <c>swarm_coverage</c>, or <c>swarm_coverage_&lt;robot&gt;</c> for <paramref name="ownRobot"/>.</summary>
    public static string DefaultNodeName(string? ownRobot) => ownRobot is null ? NodeName : NodeName + "_" + ownRobot;

    /// <summary><paramref name="fullyQualifiedTopic"/> after the node's <see cref="Remappings"/> (the first matching rule; unchanged when none).</summary>
    public string Remap(string fullyQualifiedTopic) => RosRemapping.Topic(Remappings, fullyQualifiedTopic, WireNodeName, Namespace);

    public static string Topic(string pattern, string robot) => pattern.Replace("{robot}", robot, StringComparison.Ordinal);

    /// <summary>The topic of <paramref name="robot"/>'s commands (<see cref="CommandTopic"/>).</summary>
    public string CommandTopicOf(string robot) => Topic(CommandTopic, robot);

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
        return NodeTopics.Of(WireNodeName, publish, subscribe) with { Services = RosParameterServices.Served, Namespace = Namespace };
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

    /// <summary>
    /// The settings of a node started with ROS arguments, as rcl and rclcpp resolve them: the node's name and namespace
    /// after <c>__node</c>/<c>__ns</c>; the parameters of <paramref name="paramsPath"/> (the <c>--params</c> file; may be
    /// null when <paramref name="ros"/> has a <c>--params-file</c>), then every <c>--params-file</c> in order (a later one
    /// wins), then every <c>-p</c> on top; a section applies when it is <c>swarm_coverage:</c>, <c>/**:</c> or the node's
    /// fully qualified name (<see cref="RosParamsFile.SectionMatches"/>). The result is checked by <see cref="Read"/> and
    /// <see cref="RosParamsFile.ThrowOnUnknown"/> as one file is, so a bad <c>-p</c> is refused naming it; then the topic
    /// rules are applied to every topic (<see cref="WithRemappedTopics"/>). <see cref="SourceFile"/> is
    /// <paramref name="paramsPath"/>, else the last <c>--params-file</c>.
    /// </summary>
    public static ControllerNodeSettings Load(string? paramsPath, string? ownRobot, RosNodeArguments ros)
    {
        ArgumentNullException.ThrowIfNull(ros);
        string defaultName = DefaultNodeName(ownRobot);
        string name = RosRemapping.NodeName(ros.Remappings, defaultName);
        string ns = RosRemapping.Namespace(ros.Remappings, defaultName);
        string[] fullNames = [RosRemapping.FullName(ns, name)];
        var files = new List<string>();
        if (paramsPath is not null) files.Add(paramsPath);
        files.AddRange(ros.ParamsFiles);
        if (files.Count == 0) throw new InputException("controller: give the params file: --params FILE, or --ros-args --params-file FILE");
        RosParamsFile? p = null;
        for (int i = 0; i < files.Count; i++)
        {
            string f = files[i];
            if (!File.Exists(f)) throw new InputException($"{f}: params file not found");
            bool own = paramsPath is not null && i == 0;
            var layer = RosParamsFile.Load(f, NodeName, fullNames, requireSection: own);
            p = p is null ? layer : p.Layer(layer);
        }

        if (!p!.Names.Any() && paramsPath is null)
            throw new InputException($"{string.Join(", ", files)}: no section for node '{fullNames[0]}' (expected '{NodeName}:', '{fullNames[0]}:' or '/**:' with ros__parameters)");
        p = p.WithOverrides(ros.Parameters
            .Where(o => o.NodeName is null || RosParamsFile.SectionMatches(o.NodeName, NodeName, fullNames))
            .Select(o => (o.Name, o.Value, "--ros-args -p " + o)));
        var s = Read(p, ownRobot) with
        {
            SourceFile = Path.GetFullPath(paramsPath ?? files[^1]),
            NodeNameOverride = name == defaultName ? null : name,
            Namespace = ns,
            Remappings = ros.Remappings,
        };
        p.ThrowOnUnknown();
        return s.WithRemappedTopics();
    }

    /// <summary>
    /// These settings with <see cref="Remappings"/> applied to every topic the node creates: the fixed topics are
    /// replaced by their remapped names, and a per-robot template (<c>/{robot}/cmd_vel</c>) by the template that gives
    /// every robot its remapped name. A rule that renames some robots' topics in a way no one template gives (one robot's
    /// <c>cmd_vel</c> elsewhere, the others not) is refused: the node forms every robot's topic from one template.
    /// </summary>
    public ControllerNodeSettings WithRemappedTopics()
    {
        if (!Remappings.Any(r => r.Kind is RosRemapKind.TopicOrService or RosRemapKind.Topic)) return this;
        return this with
        {
            StatusTopic = RemapChecked(StatusTopic, NodeParameters.StatusTopic.Name),
            TargetMapTopic = RemapChecked(TargetMapTopic, NodeParameters.TargetMapTopic.Name),
            TargetTopic = RemapChecked(TargetTopic, NodeParameters.TargetTopic.Name),
            TargetGridTopic = RemapChecked(TargetGridTopic, NodeParameters.TargetGridTopic.Name),
            EmergencyStopTopic = RemapChecked(EmergencyStopTopic, NodeParameters.EmergencyStopTopic.Name),
            OdometryTopic = RemapPattern(OdometryTopic, NodeParameters.OdomTopic.Name),
            PoseTopic = RemapPattern(PoseTopic, NodeParameters.PoseTopic.Name),
            CommandTopic = RemapPattern(CommandTopic, NodeParameters.CmdVelTopic.Name),
        };
    }

    private string RemapChecked(string topic, string parameter)
    {
        try
        {
            return Remap(topic);
        }
        catch (ArgumentException e)
        {
            throw new InputException($"--ros-args -r: topic '{topic}' (parameter '{parameter}'): {e.Message}", e);
        }
    }

    private string RemapPattern(string pattern, string parameter)
    {
        var names = Robots.Names;
        var remapped = names.Select(r => RemapChecked(Topic(pattern, r), parameter)).ToList();
        if (names.Select((r, i) => Topic(pattern, r) == remapped[i]).All(x => x)) return pattern;
        // The template that gives the first robot its new name, its name tokens put back as {robot}.
        string candidate = string.Join("/", remapped[0].Split('/').Select(t => t == names[0] ? "{robot}" : t));
        if (candidate.Contains("{robot}", StringComparison.Ordinal) && names.Select((r, i) => Topic(candidate, r) == remapped[i]).All(x => x)) return candidate;
        int changed = names.Select((r, i) => Topic(pattern, r) != remapped[i]).Count(x => x);
        throw new InputException(
            $"--ros-args -r: the rules rename {changed} of the {names.Count} robots' '{parameter}' topics ({pattern}) in a way no one topic template gives " +
            $"(e.g. {Topic(pattern, names[0])} -> {remapped[0]}); the node forms every robot's topic from one template: set '{parameter}' in the params file, or remap every robot's topic alike");
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
            Distro = NodeParameters.DistroOf(p),
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
