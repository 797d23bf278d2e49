using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control.Parameters;
using static SwarmCoverage.Control.Parameters.ParameterDescriptor;

namespace SwarmCoverage.Nodes;

/// <summary>
/// The parameters only the ROS 2 nodes read (robots, topics, time, scheduling, shutdown), and those of the simulation
/// (<c>sim.*</c>, <c>output.*</c>): the rest of the one parameter table (docs/parameters.md). None of them may change
/// while running.
/// </summary>
public static class NodeParameters
{
    public static readonly ParameterDescriptor UseSimTime = Boolean("use_sim_time", false, "Control loop and watchdog run on /clock");
    public static readonly ParameterDescriptor FrameId = Text("frame_id", "map", "Frame of the status, the target map, the robots' markers and incoming targets");
    public static readonly ParameterDescriptor RealtimePriority = Integer("realtime_priority", 0, 0, 99, "", "1..99: SCHED_FIFO for the control loop (needs CAP_SYS_NICE); 0: normal scheduling");
    public static readonly ParameterDescriptor PublishThreads = Integer("publish_threads", 0, 0, 64, "", "Threads that publish a tick's commands; 0: automatic, two from 64 commanded robots when there are two or more processors");
    public static readonly ParameterDescriptor WatchParamsFile = Boolean("watch_params_file", true, "Apply an edit of the params file (or its target file) without a restart: run-time parameters and the target");

    public static readonly ParameterDescriptor RobotNames = Strings("robots.names", "The robots by name (each a ROS name token and the robot's namespace)");
    public static readonly ParameterDescriptor RobotPrefix = Text("robots.prefix", "robot_", "Generated names: prefix + index");
    public static readonly ParameterDescriptor RobotCount = Integer("robots.count", 0, 1, 100_000, "", "Generated names: how many robots");
    public static readonly ParameterDescriptor RobotIndexDigits = Integer("robots.index_digits", 2, 1, 9, "", "Generated names: digits of the index");
    public static readonly ParameterDescriptor RobotWorld = FilePath("robots.world", "Names and limits from an SDF world");
    public static readonly ParameterDescriptor RobotModel = Text("robots.model", null, "The robots' preset", false, [.. RobotSet.PresetNames]);
    public static readonly ParameterDescriptor MaxLinearSpeed = Double("robots.max_linear_speed_mps", null, 0, 100, "m/s", "Lowers the preset's linear speed limit", minExclusive: true);
    public static readonly ParameterDescriptor MaxAngularSpeed = Double("robots.max_angular_speed_radps", null, 0, 1000, "rad/s", "Lowers the preset's angular speed limit", minExclusive: true);
    public static readonly ParameterDescriptor PoseSource = Text("robots.pose_source", "odom", "odom (world-frame Odometry) or pose (PoseStamped, motion capture)", false, "odom", "pose");
    public static readonly ParameterDescriptor OdomTopic = Text("robots.odom_topic", "/{robot}/odom", "Odometry topic pattern");
    public static readonly ParameterDescriptor PoseTopic = Text("robots.pose_topic", "/{robot}/pose", "Pose topic pattern");
    public static readonly ParameterDescriptor CmdVelTopic = Text("robots.cmd_vel_topic", "/{robot}/cmd_vel", "Command topic pattern");
    public static readonly ParameterDescriptor CmdVelType = Text("robots.cmd_vel_type", "twist", "twist (Humble) or twist_stamped (Jazzy)", false, "twist", "twist_stamped");

    public static readonly ParameterDescriptor StatusTopic = Text("topics.status", "/swarm_coverage/status", "Status topic");
    public static readonly ParameterDescriptor TargetMapTopic = Text("topics.target_map", "/swarm_coverage/target_map", "Target map topic (latched OccupancyGrid)");
    public static readonly ParameterDescriptor TargetTopic = Text("topics.target", "/swarm_coverage/target", "Target topic (swarm_coverage_msgs/Target)");
    public static readonly ParameterDescriptor TargetGridTopic = Text("topics.target_grid", "/swarm_coverage/target_grid", "Painted target topic (OccupancyGrid)");
    public static readonly ParameterDescriptor EmergencyStopTopic = Text("topics.emergency_stop", "/swarm_coverage/emergency_stop", "Emergency stop topic (std_msgs/Bool)");

    public static readonly ParameterDescriptor FoxglovePort = Integer("foxglove.port", 8765, 0, 65535, "", "Port of the Foxglove WebSocket server (0: no server; with --robot the server is off unless given)");
    public static readonly ParameterDescriptor FoxgloveAddress = Text("foxglove.address", "127.0.0.1", "Address the Foxglove server listens on (0.0.0.0 for the field: then foxglove.token is required)");
    public static readonly ParameterDescriptor FoxgloveToken = Text("foxglove.token", "", "When set, a client must connect with ?token=... (else 401)");
    public static readonly ParameterDescriptor FoxgloveTlsCert = Text("foxglove.tls_cert", "", "PEM certificate: then wss:// and https:// only");
    public static readonly ParameterDescriptor FoxgloveTlsKey = Text("foxglove.tls_key", "", "PEM private key of foxglove.tls_cert");
    public static readonly ParameterDescriptor RecordPath = Text("record.path", "", "Record the live run to this .mcap file (empty: no recording; controller --record FILE gives it too)");
    public static readonly ParameterDescriptor Distro = Text("ros.distro", "jazzy", "The ROS 2 distribution whose graph layout (ros_discovery_info gids) the node announces itself in", false, [.. Ros2.RosDistros.Names]);
    public static readonly ParameterDescriptor ShutdownAckTimeout = Double("shutdown.ack_timeout_s", 1.0, 0, 60, "s", "How long shutdown waits for the zero commands to be acknowledged");

    /// <summary>The nodes' own parameters, in README order.</summary>
    public static IReadOnlyList<ParameterDescriptor> Node { get; } =
    [
        UseSimTime, FrameId, RealtimePriority, PublishThreads, WatchParamsFile,
        RobotNames, RobotPrefix, RobotCount, RobotIndexDigits, RobotWorld, RobotModel, MaxLinearSpeed, MaxAngularSpeed,
        PoseSource, OdomTopic, PoseTopic, CmdVelTopic, CmdVelType,
        StatusTopic, TargetMapTopic, TargetTopic, TargetGridTopic, EmergencyStopTopic, Distro, ShutdownAckTimeout, RecordPath, FoxglovePort, FoxgloveAddress, FoxgloveToken, FoxgloveTlsCert, FoxgloveTlsKey,
    ];

    public static readonly ParameterDescriptor SimWorld = FilePath("sim.world", "An SDF world with the robots (else generated from sim.robot_model)");
    public static readonly ParameterDescriptor SimRobotModel = Text("sim.robot_model", "turtlebot3_burger", "The generated robots' preset", false, [.. Sim.RobotPresets.All.Select(r => r.Name)]);
    public static readonly ParameterDescriptor SimRobots = Integer("sim.robots", 40, 1, 100_000, "", "Generated robots");
    public static readonly ParameterDescriptor SimStart = Text("sim.start", "corner", "Generated start: a block in the (min, min) corner or the centre, facing +x", false, "corner", "centre");
    public static readonly ParameterDescriptor SimStartSpacing = Double("sim.start_spacing_m", null, 0, 100, "m", "Distance between neighbouring robots of the start block (default: safety radius + 2 l + 0.03 m)", minExclusive: true);
    public static readonly ParameterDescriptor SimDuration = Double("sim.duration_s", 120, 0, 1e7, "s", "Simulated time", minExclusive: true);
    public static readonly ParameterDescriptor SimSeed = Integer("sim.seed", 1, 0, int.MaxValue, "", "Noise seed");
    public static readonly ParameterDescriptor SimLatency = Double("sim.command_latency_s", 0, 0, 10, "s", "Delay before a command acts");
    public static readonly ParameterDescriptor SimPositionNoise = Double("sim.position_noise_m", 0, 0, 10, "m", "Standard deviation of the measured position");
    public static readonly ParameterDescriptor SimYawNoise = Double("sim.yaw_noise_rad", 0, 0, Math.PI, "rad", "Standard deviation of the measured yaw");
    public static readonly ParameterDescriptor SimCommandTimeout = Double("sim.command_timeout_s", 0.5, 0, 3600, "s", "A robot whose commands stop arriving stops (diff_drive_controller's cmd_vel_timeout)", minExclusive: true);
    public static readonly ParameterDescriptor SimLimiterStep = Double("sim.limiter_step_s", 0.001, 0, 1, "s", "The simulator's internal step while acceleration limits act", minExclusive: true);
    public static readonly ParameterDescriptor MetricsPeriod = Double("output.metrics_period_s", 0.5, 0, 3600, "s", "Seconds between two metrics rows of simulate", minExclusive: true);
    public static readonly ParameterDescriptor WriteTrajectories = Boolean("output.trajectories", true, "simulate writes trajectories.csv");
    public static readonly ParameterDescriptor WriteRecording = Boolean("output.record", true, "simulate records the run as run.mcap (replayable with swarm-coverage replay)");

    /// <summary>The simulation's parameters, in README order.</summary>
    public static IReadOnlyList<ParameterDescriptor> Simulation { get; } =
    [
        SimWorld, SimRobotModel, SimRobots, SimStart, SimStartSpacing, SimDuration, SimSeed, SimLatency, SimPositionNoise, SimYawNoise,
        SimCommandTimeout, SimLimiterStep, MetricsPeriod, WriteTrajectories, WriteRecording,
    ];

    /// <summary>The distribution <see cref="Distro"/> names in <paramref name="p"/>.</summary>
    public static Ros2.RosDistro DistroOf(RosParamsFile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return Ros2.RosDistros.TryParse(p.String(Distro), out var d) ? d : Ros2.RosDistro.Jazzy;
    }

    /// <summary>The one parameter table of the program: the controller's, the nodes', the simulation's.</summary>
    public static ParameterTable Table { get; } = new([.. ControlParameters.All, .. Node, .. Simulation]);
}
