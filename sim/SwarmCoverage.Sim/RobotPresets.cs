namespace SwarmCoverage.Sim;

/// <summary>
/// A robot type: its drive, limits, body and odometry rate. <see cref="CreateRobot"/> turns it into
/// a <see cref="RobotSpec"/>; the SDF writer builds the model from the same data.
/// </summary>
/// <param name="Name">Preset name (for example <c>turtlebot3_burger</c>).</param>
/// <param name="Kind">Drive kind.</param>
/// <param name="DiffDrive">Differential-drive parameters, or null.</param>
/// <param name="Holonomic">Holonomic limits, or null.</param>
/// <param name="Body">Body the SDF writer builds.</param>
/// <param name="CollisionDiameterM">Diameter of the circle that contains the robot, in metres.</param>
/// <param name="Source">Where the figures come from.</param>
public sealed record RobotPreset(
    string Name,
    DriveKind Kind,
    DiffDriveParameters? DiffDrive,
    HolonomicParameters? Holonomic,
    RobotBody Body,
    double CollisionDiameterM,
    string Source)
{
    /// <summary>Odometry rate in Hz (gz default 50).</summary>
    public double OdomPublishFrequencyHz { get; init; } = 50;

    /// <summary>A robot of this type called <paramref name="name"/> starting at <paramref name="startPose"/>.</summary>
    public RobotSpec CreateRobot(string name, RobotPose startPose) => new()
    {
        Name = name,
        Kind = Kind,
        StartPose = startPose,
        DiffDrive = DiffDrive,
        Holonomic = Holonomic,
        OdomPublishFrequencyHz = OdomPublishFrequencyHz,
        Body = Body,
    };
}

/// <summary>
/// Presets with the figures of <c>docs/robots-and-sim.md</c>. Where that table gives no figure the
/// limit is left infinite (gz's default when the element is absent) and the preset says so.
/// </summary>
public static class RobotPresets
{
    /// <summary>
    /// ROBOTIS TurtleBot3 Burger: 0.22 m/s, 2.84 rad/s, wheel separation 0.160 m, wheel radius
    /// 0.033 m, linear acceleration 1.0 m/s^2 (its SDF). No wheel-speed or angular-acceleration
    /// figure in the table: those limits are infinite.
    /// </summary>
    public static RobotPreset TurtleBot3Burger { get; } = new(
        "turtlebot3_burger",
        DriveKind.DifferentialDrive,
        new DiffDriveParameters
        {
            WheelSeparationM = 0.160,
            WheelRadiusM = 0.033,
            MinLinearVelocityMps = -0.22,
            MaxLinearVelocityMps = 0.22,
            MinAngularVelocityRadps = -2.84,
            MaxAngularVelocityRadps = 2.84,
            MinLinearAccelerationMps2 = -1.0,
            MaxLinearAccelerationMps2 = 1.0,
        },
        null,
        new RobotBody(0.138, 0.178, 0.192, 1.0, 0.018),
        0.21,
        "docs/robots-and-sim.md table (ROBOTIS e-Manual figures); body 138 x 178 x 192 mm, about 1 kg");

    /// <summary>
    /// ROBOTIS TurtleBot3 Waffle: 0.26 m/s, 1.82 rad/s, wheel separation 0.287 m, wheel radius
    /// 0.033 m. No acceleration or wheel-speed figure in the table: those limits are infinite.
    /// </summary>
    public static RobotPreset TurtleBot3Waffle { get; } = new(
        "turtlebot3_waffle",
        DriveKind.DifferentialDrive,
        new DiffDriveParameters
        {
            WheelSeparationM = 0.287,
            WheelRadiusM = 0.033,
            MinLinearVelocityMps = -0.26,
            MaxLinearVelocityMps = 0.26,
            MinAngularVelocityRadps = -1.82,
            MaxAngularVelocityRadps = 1.82,
        },
        null,
        new RobotBody(0.281, 0.306, 0.141, 1.8, 0.018),
        0.44,
        "docs/robots-and-sim.md table (ROBOTIS e-Manual figures); body 281 x 306 x 141 mm, about 1.8 kg");

    /// <summary>
    /// Robotarium GRITSbot: 0.2 m/s, 3.64 rad/s, wheel separation 0.11 m, wheel radius 0.016 m, each
    /// wheel clipped at 12.5 rad/s (so 0.2 m/s straight and 3.64 rad/s on the spot are both
    /// reachable, but not together). Collision diameter 0.135 m as Robotarium checks it.
    /// </summary>
    public static RobotPreset GritsBot { get; } = new(
        "gritsbot",
        DriveKind.DifferentialDrive,
        new DiffDriveParameters
        {
            WheelSeparationM = 0.11,
            WheelRadiusM = 0.016,
            MinLinearVelocityMps = -0.2,
            MaxLinearVelocityMps = 0.2,
            MinAngularVelocityRadps = -3.64,
            MaxAngularVelocityRadps = 3.64,
            MaxWheelSpeedRadps = 12.5,
        },
        null,
        new RobotBody(0.105, 0.095, 0.06, 0.2, 0.008),
        0.135,
        "docs/robots-and-sim.md table (Robotarium simulator figures); body dimensions approximate");

    /// <summary>
    /// A generic holonomic ground robot (illustrative figures, not a product): 0.5 m/s, 1 m/s^2,
    /// 2 rad/s, 4 rad/s^2.
    /// </summary>
    public static RobotPreset HolonomicGround { get; } = new(
        "holonomic_ground",
        DriveKind.Holonomic2D,
        null,
        new HolonomicParameters
        {
            Dimensions = 2,
            MaxLinearVelocityMps = 0.5,
            MaxLinearAccelerationMps2 = 1.0,
            MaxAngularVelocityRadps = 2.0,
            MaxAngularAccelerationRadps2 = 4.0,
        },
        new RobotBody(0.2, 0.2, 0.1, 2.0, 0),
        0.29,
        "illustrative figures (no product)");

    /// <summary>
    /// A small quadrotor flown in velocity mode (illustrative figures of a Crazyflie-class vehicle,
    /// not a datasheet): 1 m/s, 2 m/s^2, 3 rad/s yaw rate, 6 rad/s^2.
    /// </summary>
    public static RobotPreset Quadrotor { get; } = new(
        "quadrotor",
        DriveKind.Holonomic3D,
        null,
        new HolonomicParameters
        {
            Dimensions = 3,
            MaxLinearVelocityMps = 1.0,
            MaxLinearAccelerationMps2 = 2.0,
            MaxAngularVelocityRadps = 3.0,
            MaxAngularAccelerationRadps2 = 6.0,
        },
        new RobotBody(0.092, 0.092, 0.03, 0.03, 0),
        0.13,
        "illustrative figures (Crazyflie-class size, not a datasheet)");

    /// <summary>Every preset.</summary>
    public static IReadOnlyList<RobotPreset> All { get; } = [TurtleBot3Burger, TurtleBot3Waffle, GritsBot, HolonomicGround, Quadrotor];

    /// <summary>The preset called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">When there is none; the message lists the names.</exception>
    public static RobotPreset Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"no robot preset '{name}'; known: {string.Join(", ", All.Select(p => p.Name))}.");
}
