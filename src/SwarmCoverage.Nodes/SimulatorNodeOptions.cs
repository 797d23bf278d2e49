using System.Globalization;
using SwarmCoverage.Ros2;
using SwarmCoverage.Sim;

namespace SwarmCoverage.Nodes;

/// <summary>How the ROS 2 simulator node runs the <see cref="Simulator"/>.</summary>
public sealed record SimulatorNodeOptions
{
    /// <summary>
    /// Real-time factor: simulated seconds per wall-clock second (2 runs twice as fast as real time). 0 or +infinity:
    /// as fast as possible (no pacing; a controller on <c>/clock</c> then sees its ticks arrive as fast as it can take them).
    /// </summary>
    public double Speed { get; init; } = 1.0;

    /// <summary><c>/clock</c> messages per simulated second (gz publishes one per physics step; 100 Hz keeps a 10 ms resolution).</summary>
    public double ClockRateHz { get; init; } = 100.0;

    /// <summary>The message type of every robot's <c>cmd_vel</c> subscription.</summary>
    public CommandMessageType CommandType { get; init; } = CommandMessageType.Twist;

    /// <summary>Also publish each odometry sample's world pose as <c>geometry_msgs/msg/PoseStamped</c> on <see cref="PoseTopicPattern"/>.</summary>
    public bool PublishPose { get; init; }

    /// <summary>Topic of the motion-capture style pose, <c>{robot}</c> replaced by the robot name.</summary>
    public string PoseTopicPattern { get; init; } = "/{robot}/pose";

    /// <summary><c>header.frame_id</c> of the pose messages (the world frame).</summary>
    public string PoseFrameId { get; init; } = "world";

    /// <summary>Stop after this much simulated time (s); null runs until cancelled.</summary>
    public double? DurationS { get; init; }

    /// <summary>Simulated seconds between two progress lines in the log.</summary>
    public double StatusPeriodS { get; init; } = 10.0;

    /// <summary>The DDS participant (domain, node name, Cyclone configuration).</summary>
    public RosParticipantOptions Participant { get; init; } = new() { NodeName = DefaultNodeName };

    /// <summary>
    /// SROS2 as <see cref="Ros2.Security.RosSecurity.Resolve"/> decided it (its files and enclave go into <see cref="Participant"/>,
    /// its message is the node's start-up line about security); null: <see cref="Participant"/> as it is, nothing logged.
    /// </summary>
    public Ros2.Security.RosSecurityOutcome? Security { get; init; }

    /// <summary>The node's name before any <c>--ros-args -r __node:=</c> rule.</summary>
    public const string DefaultNodeName = "swarm_coverage_sim";

    /// <summary>The <c>--ros-args -r</c> rules, in order; <see cref="Remap"/> applies the topic ones, with the node name and namespace of <see cref="Participant"/>.</summary>
    public IReadOnlyList<RosRemapRule> Remappings { get; init; } = [];

    /// <summary><paramref name="fullyQualifiedTopic"/> after <see cref="Remappings"/> (the first matching rule; unchanged when none).</summary>
    public string Remap(string fullyQualifiedTopic) => RosRemapping.Topic(Remappings, fullyQualifiedTopic, Participant.NodeName, Participant.Namespace);

    /// <summary>The topic the simulated time is published on: <c>/clock</c>, remapped.</summary>
    public string ClockTopic => Remap(NodeTopics.Clock);

    /// <summary>The pose topic of <paramref name="robot"/> (<see cref="PoseTopicPattern"/>, remapped).</summary>
    public string PoseTopicOf(string robot) => Remap(PoseTopicPattern.Replace("{robot}", robot, StringComparison.Ordinal));

    /// <summary>
    /// <paramref name="robot"/> with its <c>cmd_vel</c> and odometry topics remapped by <see cref="Remappings"/>
    /// (its <see cref="RobotSpec.Topics"/> set only when a rule changes one).
    /// </summary>
    public RobotSpec WithRemappedTopics(RobotSpec robot)
    {
        ArgumentNullException.ThrowIfNull(robot);
        var t = robot.EffectiveTopics;
        var r = t with { CmdVel = Remap(t.CmdVel), Odometry = Remap(t.Odometry) };
        return r == t ? robot : robot with { Topics = r };
    }

    /// <summary>True when the node does not pace itself against the wall clock.</summary>
    public bool AsFastAsPossible => Speed == 0 || double.IsPositiveInfinity(Speed);

    /// <summary>Every problem as a message naming the option, its value and the allowed range; empty when valid.</summary>
    public IReadOnlyList<string> ValidationErrors()
    {
        var e = new List<string>();
        if (!(Speed >= 0) || (double.IsInfinity(Speed) && Speed < 0))
        {
            e.Add(Invariant($"speed is {Speed}; allowed: a real-time factor > 0, or 0 / infinity for as fast as possible"));
        }

        if (!(ClockRateHz > 0) || !double.IsFinite(ClockRateHz) || ClockRateHz > 1e6)
        {
            e.Add(Invariant($"clock rate is {ClockRateHz} Hz; allowed: (0, 1e6]"));
        }

        if (DurationS is { } d && (!(d > 0) || !double.IsFinite(d)))
        {
            e.Add(Invariant($"duration is {d} s; allowed: a finite number > 0"));
        }

        if (!(StatusPeriodS > 0) || !double.IsFinite(StatusPeriodS))
        {
            e.Add(Invariant($"status period is {StatusPeriodS} s; allowed: a finite number > 0"));
        }

        if (!PoseTopicPattern.Contains("{robot}", StringComparison.Ordinal))
        {
            e.Add($"pose topic pattern '{PoseTopicPattern}' has no {{robot}} placeholder");
        }

        return e;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
