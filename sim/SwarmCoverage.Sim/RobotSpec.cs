using System.Globalization;
using System.Text.RegularExpressions;

namespace SwarmCoverage.Sim;

/// <summary>How a robot moves.</summary>
public enum DriveKind
{
    /// <summary>Differential drive (unicycle), gz-sim DiffDrive.</summary>
    DifferentialDrive,

    /// <summary>Holonomic ground robot (x, y, yaw), gz-sim VelocityControl.</summary>
    Holonomic2D,

    /// <summary>Holonomic aerial robot (x, y, z, yaw), gz-sim VelocityControl.</summary>
    Holonomic3D,
}

/// <summary>Where the origin of a robot's <c>&lt;name&gt;/odom</c> frame is.</summary>
public enum OdometryOrigin
{
    /// <summary>
    /// The odometry frame coincides with the world frame: the pose published is the robot's pose in
    /// the world, as gz-sim's OdometryPublisher system publishes it. This is what a coverage
    /// controller needs, and what the SDF writer sets up by default.
    /// </summary>
    World,

    /// <summary>
    /// The odometry frame starts at the robot's spawn pose: the pose published is relative to
    /// where the robot started, as gz-sim's DiffDrive system publishes its wheel odometry.
    /// </summary>
    SpawnPose,
}

/// <summary>
/// The Gazebo transport topics and frame ids of one robot. With ros_gz_bridge mapping each gz topic
/// to the ROS topic of the same name, the defaults are the ROS conventions
/// <c>/&lt;name&gt;/cmd_vel</c> and <c>/&lt;name&gt;/odom</c> with frames
/// <c>&lt;name&gt;/odom</c> and <c>&lt;name&gt;/base_link</c>.
/// </summary>
/// <param name="CmdVel">Command topic (the drive plugin's <c>&lt;topic&gt;</c>).</param>
/// <param name="Odometry">Odometry topic (<c>&lt;odom_topic&gt;</c>).</param>
/// <param name="OdometryFrameId">Odometry <c>header.frame_id</c>.</param>
/// <param name="ChildFrameId">Odometry <c>child_frame_id</c>.</param>
public sealed record RobotTopics(string CmdVel, string Odometry, string OdometryFrameId, string ChildFrameId)
{
    /// <summary>The ros_gz_bridge conventions for a robot called <paramref name="name"/>.</summary>
    public static RobotTopics ForName(string name) =>
        new($"/{name}/cmd_vel", $"/{name}/odom", $"{name}/odom", $"{name}/base_link");
}

/// <summary>
/// The rigid body the SDF writer builds for a robot: a box chassis, two wheels (differential
/// drive) and a caster. Only the SDF world uses it; the simulator's kinematics do not.
/// </summary>
/// <param name="ChassisLengthM">Chassis length along body x in metres.</param>
/// <param name="ChassisWidthM">Chassis width along body y in metres.</param>
/// <param name="ChassisHeightM">Chassis height in metres.</param>
/// <param name="MassKg">Chassis mass in kilograms.</param>
/// <param name="WheelWidthM">Wheel width in metres (differential drive; 0 for a robot without wheels).</param>
public sealed record RobotBody(double ChassisLengthM, double ChassisWidthM, double ChassisHeightM, double MassKg, double WheelWidthM)
{
    /// <summary>Checks every dimension.</summary>
    public void Validate(string context)
    {
        DiffDriveParameters.RequirePositiveFinite(context, "chassis length", ChassisLengthM);
        DiffDriveParameters.RequirePositiveFinite(context, "chassis width", ChassisWidthM);
        DiffDriveParameters.RequirePositiveFinite(context, "chassis height", ChassisHeightM);
        DiffDriveParameters.RequirePositiveFinite(context, "mass", MassKg);
        if (!(WheelWidthM >= 0) || !double.IsFinite(WheelWidthM))
        {
            throw new ArgumentException($"{context}: wheel width is {DiffDriveParameters.Format(WheelWidthM)}; it must be a finite number >= 0 (0 for a robot without wheels).");
        }
    }
}

/// <summary>
/// Everything the simulator knows about one robot: its name (the SDF model name, the ROS
/// namespace), how it drives, where it starts, its limits, odometry rate and topics.
/// </summary>
public sealed partial record RobotSpec
{
    /// <summary>Model name; also the ROS namespace, so it must be a valid ROS name token.</summary>
    public required string Name { get; init; }

    /// <summary>How the robot drives.</summary>
    public required DriveKind Kind { get; init; }

    /// <summary>Start pose in the world (the model's <c>&lt;pose&gt;</c>).</summary>
    public RobotPose StartPose { get; init; }

    /// <summary>Differential-drive parameters; required when <see cref="Kind"/> is <see cref="DriveKind.DifferentialDrive"/>.</summary>
    public DiffDriveParameters? DiffDrive { get; init; }

    /// <summary>Holonomic limits; required for <see cref="DriveKind.Holonomic2D"/> and <see cref="DriveKind.Holonomic3D"/>.</summary>
    public HolonomicParameters? Holonomic { get; init; }

    /// <summary>Odometry publication rate in Hz (gz <c>odom_publish_frequency</c>, default 50).</summary>
    public double OdomPublishFrequencyHz { get; init; } = 50;

    /// <summary>Origin of the odometry frame.</summary>
    public OdometryOrigin OdometryOrigin { get; init; } = OdometryOrigin.World;

    /// <summary>Topics and frame ids; null means <see cref="RobotTopics.ForName"/>.</summary>
    public RobotTopics? Topics { get; init; }

    /// <summary>Body for the SDF writer; null means one derived from the wheel geometry.</summary>
    public RobotBody? Body { get; init; }

    /// <summary>The topics in effect (explicit or the defaults for <see cref="Name"/>).</summary>
    public RobotTopics EffectiveTopics => Topics ?? RobotTopics.ForName(Name);

    /// <summary>Checks the whole specification; messages name the robot and the parameter.</summary>
    /// <exception cref="ArgumentException">When anything is out of range or missing.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name) || !RosNameToken().IsMatch(Name))
        {
            throw new ArgumentException(
                $"robot name '{Name}' is not a valid ROS name token (letters, digits and '_', starting with a letter); it becomes the namespace /{Name}/.");
        }

        string context = $"robot '{Name}'";
        if (!double.IsFinite(StartPose.XM) || !double.IsFinite(StartPose.YM) || !double.IsFinite(StartPose.ZM) || !double.IsFinite(StartPose.YawRad))
        {
            throw new ArgumentException($"{context}: start pose {StartPose} has a non-finite component.");
        }

        if (!(OdomPublishFrequencyHz > 0) || !double.IsFinite(OdomPublishFrequencyHz))
        {
            throw new ArgumentException(
                $"{context}: odom_publish_frequency is {OdomPublishFrequencyHz.ToString(CultureInfo.InvariantCulture)} Hz; it must be a finite number > 0.");
        }

        switch (Kind)
        {
            case DriveKind.DifferentialDrive:
                if (DiffDrive is null)
                {
                    throw new ArgumentException($"{context}: a differential-drive robot needs DiffDrive parameters.");
                }

                DiffDrive.Validate(context);
                break;
            case DriveKind.Holonomic2D:
            case DriveKind.Holonomic3D:
                if (Holonomic is null)
                {
                    throw new ArgumentException($"{context}: a holonomic robot needs Holonomic parameters.");
                }

                Holonomic.Validate(context);
                if (OdometryOrigin != OdometryOrigin.World)
                {
                    throw new ArgumentException(
                        $"{context}: holonomic robots publish world-frame odometry (gz OdometryPublisher); OdometryOrigin must be World, not {OdometryOrigin}.");
                }

                int expected = Kind == DriveKind.Holonomic2D ? 2 : 3;
                if (Holonomic.Dimensions != expected)
                {
                    throw new ArgumentException($"{context}: kind {Kind} needs dimensions {expected}; got {Holonomic.Dimensions}.");
                }

                break;
            default:
                throw new ArgumentException($"{context}: unknown drive kind {Kind}.");
        }

        Body?.Validate(context);
        if (Kind == DriveKind.DifferentialDrive && Body is not null && !(Body.WheelWidthM > 0))
        {
            throw new ArgumentException($"{context}: a differential-drive body needs a wheel width > 0; got {DiffDriveParameters.Format(Body.WheelWidthM)}.");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex RosNameToken();
}
