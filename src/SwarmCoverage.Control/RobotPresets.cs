namespace SwarmCoverage.Control;

/// <summary>
/// Robot models with the figures of the design table (docs/robots-and-sim.md). Limits the table does not give are left
/// unlimited (infinity) rather than guessed; override them with a <c>with</c> expression where a robot has them.
/// </summary>
public static class RobotPresets
{
    /// <summary>Robotarium's default projection distance l (m).</summary>
    public const double DefaultProjectionDistanceM = 0.05;

    /// <summary>ROBOTIS TurtleBot3 Burger: 0.22 m/s, 2.84 rad/s, wheels 0.033 m radius 0.160 m apart, linear acceleration 1.0 m/s^2 (its SDF).</summary>
    public static RobotModel TurtleBot3Burger { get; } = new()
    {
        Name = "turtlebot3_burger",
        Kind = RobotKind.DifferentialDrive,
        MaxLinearSpeedMps = 0.22,
        MaxAngularSpeedRadps = 2.84,
        WheelSeparationM = 0.160,
        WheelRadiusM = 0.033,
        MaxLinearAccelerationMps2 = 1.0,
        ProjectionDistanceM = DefaultProjectionDistanceM,
    };

    /// <summary>ROBOTIS TurtleBot3 Waffle: 0.26 m/s, 1.82 rad/s, wheels 0.033 m radius 0.287 m apart.</summary>
    public static RobotModel TurtleBot3Waffle { get; } = new()
    {
        Name = "turtlebot3_waffle",
        Kind = RobotKind.DifferentialDrive,
        MaxLinearSpeedMps = 0.26,
        MaxAngularSpeedRadps = 1.82,
        WheelSeparationM = 0.287,
        WheelRadiusM = 0.033,
        ProjectionDistanceM = DefaultProjectionDistanceM,
    };

    /// <summary>Robotarium GRITSbot: 0.2 m/s, about 3.64 rad/s, wheels 0.016 m radius 0.11 m apart, wheel speed clip 12.5 rad/s.</summary>
    public static RobotModel RobotariumGritsbot { get; } = new()
    {
        Name = "robotarium_gritsbot",
        Kind = RobotKind.DifferentialDrive,
        MaxLinearSpeedMps = 0.2,
        MaxAngularSpeedRadps = 3.64,
        WheelSeparationM = 0.11,
        WheelRadiusM = 0.016,
        MaxWheelSpeedRadps = 12.5,
        ProjectionDistanceM = DefaultProjectionDistanceM,
    };

    /// <summary>Robotarium's control rate (Hz).</summary>
    public const double RobotariumRateHz = 30.0;

    /// <summary>Robotarium's largest swarm.</summary>
    public const int RobotariumMaxRobots = 50;

    /// <summary>Every preset by its <see cref="RobotModel.Name"/>.</summary>
    public static IReadOnlyDictionary<string, RobotModel> ByName { get; } = new Dictionary<string, RobotModel>(StringComparer.Ordinal)
    {
        [TurtleBot3Burger.Name] = TurtleBot3Burger,
        [TurtleBot3Waffle.Name] = TurtleBot3Waffle,
        [RobotariumGritsbot.Name] = RobotariumGritsbot,
    };
}
