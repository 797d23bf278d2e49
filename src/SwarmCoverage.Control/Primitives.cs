using SwarmCoverage.Core;

namespace SwarmCoverage.Control;

/// <summary>
/// A measured robot pose in the arena frame. Positions in metres; <see cref="YawRad"/> is the heading
/// about +z in radians (ignored by holonomic models). <see cref="Z"/> is used by 3-D (aerial) models only.
/// </summary>
public readonly record struct Pose(double X, double Y, double Z, double YawRad)
{
    /// <summary>A planar pose (z = 0).</summary>
    public static Pose Planar(double xM, double yM, double yawRad) => new(xM, yM, 0.0, yawRad);

    /// <summary>True when every component is a finite number.</summary>
    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y) && double.IsFinite(Z) && double.IsFinite(YawRad);
}

/// <summary>
/// One velocity command as it goes to a robot.
/// <list type="bullet">
/// <item>Differential drive: <see cref="Vx"/> is the forward speed v in m/s along the body x axis,
/// <see cref="OmegaZ"/> the yaw rate in rad/s; <see cref="Vy"/> and <see cref="Vz"/> are zero
/// (this is exactly a <c>geometry_msgs/Twist</c> for <c>cmd_vel</c>).</item>
/// <item>Holonomic (2-D) and aerial (3-D): (<see cref="Vx"/>, <see cref="Vy"/>, <see cref="Vz"/>) is the
/// velocity in m/s in the <b>arena (world) frame</b>, <see cref="OmegaZ"/> is zero. Use
/// <see cref="WorldToBody"/> when a robot expects its body frame.</item>
/// </list>
/// </summary>
public readonly record struct RobotCommand(double Vx, double Vy, double Vz, double OmegaZ)
{
    /// <summary>The stop command.</summary>
    public static RobotCommand Zero => default;

    /// <summary>True when every component is a finite number.</summary>
    public bool IsFinite => double.IsFinite(Vx) && double.IsFinite(Vy) && double.IsFinite(Vz) && double.IsFinite(OmegaZ);

    /// <summary>Rotates a world-frame holonomic command into the body frame of a robot with heading <paramref name="yawRad"/>.</summary>
    public RobotCommand WorldToBody(double yawRad)
    {
        var (s, c) = DetMath.SinCos(yawRad);
        return new RobotCommand(c * Vx + s * Vy, -s * Vx + c * Vy, Vz, OmegaZ);
    }
}

/// <summary>How desired velocities that exceed a robot's limits are brought back inside them.</summary>
public enum SaturationMode
{
    /// <summary>Each robot's command is scaled down on its own until it fits its limits (Robotarium's standard).</summary>
    PerRobot,

    /// <summary>
    /// All commands are scaled by one common factor in [0, 1], the largest that fits every robot: the direction
    /// field of the gradient flow is kept and only time is slowed.
    /// </summary>
    CommonScale,
}
