namespace SwarmCoverage.Sim;

/// <summary>
/// A velocity command in the robot's body frame, the content of a <c>geometry_msgs/msg/Twist</c>
/// (or the twist of a <c>TwistStamped</c>) on <c>/&lt;name&gt;/cmd_vel</c>.
/// A differential-drive robot uses only <see cref="LinearXMps"/> and <see cref="AngularZRadps"/>,
/// exactly as gz-sim's DiffDrive reads <c>linear.x</c> and <c>angular.z</c> and ignores the rest;
/// a 2-D holonomic robot uses x, y and the yaw rate; a 3-D aerial robot also z.
/// </summary>
/// <param name="LinearXMps">Forward velocity in m/s (body x).</param>
/// <param name="LinearYMps">Leftward velocity in m/s (body y); holonomic robots only.</param>
/// <param name="LinearZMps">Upward velocity in m/s (body z); aerial robots only.</param>
/// <param name="AngularZRadps">Yaw rate in rad/s, counter-clockwise positive.</param>
public readonly record struct VelocityCommand(double LinearXMps, double LinearYMps, double LinearZMps, double AngularZRadps)
{
    /// <summary>The zero command (stop).</summary>
    public static VelocityCommand Zero => default;

    /// <summary>A unicycle command (v, omega).</summary>
    public static VelocityCommand Unicycle(double linearMps, double angularRadps) => new(linearMps, 0, 0, angularRadps);

    /// <summary>True when every component is finite (neither NaN nor infinite).</summary>
    public bool IsFinite =>
        double.IsFinite(LinearXMps) && double.IsFinite(LinearYMps) && double.IsFinite(LinearZMps) && double.IsFinite(AngularZRadps);
}

/// <summary>
/// A pose of a ground or aerial robot: position and heading (yaw). Robots in this simulator stay
/// level (roll = pitch = 0), as gz-sim's DiffDrive odometry and a 2-D/3-D velocity-controlled body do.
/// </summary>
/// <param name="XM">x in metres.</param>
/// <param name="YM">y in metres.</param>
/// <param name="ZM">z in metres (constant for ground robots).</param>
/// <param name="YawRad">Heading in radians, in [-pi, pi).</param>
public readonly record struct RobotPose(double XM, double YM, double ZM, double YawRad)
{
    /// <summary>The orientation as a quaternion (x, y, z, w) for <c>geometry_msgs/msg/Quaternion</c>.</summary>
    public (double X, double Y, double Z, double W) Quaternion
    {
        get
        {
            (double s, double c) = Math.SinCos(0.5 * YawRad);
            return (0, 0, s, c);
        }
    }
}
