using System.Globalization;

namespace SwarmCoverage.Sim;

/// <summary>
/// Parameters of a differential-drive robot, named and defaulted exactly as gz-sim's DiffDrive
/// system reads them from its <c>&lt;plugin&gt;</c> element (<c>wheel_separation</c>,
/// <c>wheel_radius</c>, <c>min/max_{linear,angular}_{velocity,acceleration,jerk}</c>), plus the
/// wheel joints' velocity limit (<c>&lt;axis&gt;&lt;limit&gt;&lt;velocity&gt;</c>), which the
/// physics engine (DART's servo actuator) applies to each wheel independently.
/// </summary>
/// <remarks>
/// An absent limit is infinite, as in gz-math's <c>SpeedLimiter</c>: a minimum that is not set is
/// minus infinity, so a world that sets only <c>max_linear_velocity</c> leaves reverse speed
/// unlimited, exactly as in Gazebo. Every minimum must be at most zero and every maximum at least
/// zero, so the robot can stand still.
/// </remarks>
public sealed record DiffDriveParameters
{
    /// <summary>Distance between the wheels in metres (gz default 1.0).</summary>
    public double WheelSeparationM { get; init; } = 1.0;

    /// <summary>Wheel radius in metres (gz default 0.2).</summary>
    public double WheelRadiusM { get; init; } = 0.2;

    /// <summary><c>min_linear_velocity</c> in m/s.</summary>
    public double MinLinearVelocityMps { get; init; } = double.NegativeInfinity;

    /// <summary><c>max_linear_velocity</c> in m/s.</summary>
    public double MaxLinearVelocityMps { get; init; } = double.PositiveInfinity;

    /// <summary><c>min_angular_velocity</c> in rad/s.</summary>
    public double MinAngularVelocityRadps { get; init; } = double.NegativeInfinity;

    /// <summary><c>max_angular_velocity</c> in rad/s.</summary>
    public double MaxAngularVelocityRadps { get; init; } = double.PositiveInfinity;

    /// <summary><c>min_linear_acceleration</c> in m/s^2 (the strongest braking).</summary>
    public double MinLinearAccelerationMps2 { get; init; } = double.NegativeInfinity;

    /// <summary><c>max_linear_acceleration</c> in m/s^2.</summary>
    public double MaxLinearAccelerationMps2 { get; init; } = double.PositiveInfinity;

    /// <summary><c>min_angular_acceleration</c> in rad/s^2.</summary>
    public double MinAngularAccelerationRadps2 { get; init; } = double.NegativeInfinity;

    /// <summary><c>max_angular_acceleration</c> in rad/s^2.</summary>
    public double MaxAngularAccelerationRadps2 { get; init; } = double.PositiveInfinity;

    /// <summary><c>min_linear_jerk</c> in m/s^3.</summary>
    public double MinLinearJerkMps3 { get; init; } = double.NegativeInfinity;

    /// <summary><c>max_linear_jerk</c> in m/s^3.</summary>
    public double MaxLinearJerkMps3 { get; init; } = double.PositiveInfinity;

    /// <summary><c>min_angular_jerk</c> in rad/s^3.</summary>
    public double MinAngularJerkRadps3 { get; init; } = double.NegativeInfinity;

    /// <summary><c>max_angular_jerk</c> in rad/s^3.</summary>
    public double MaxAngularJerkRadps3 { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// Largest wheel speed in rad/s, each wheel clipped to [-limit, limit] on its own (the wheel
    /// joints' <c>&lt;limit&gt;&lt;velocity&gt;</c>; infinite when the joint has none).
    /// </summary>
    public double MaxWheelSpeedRadps { get; init; } = double.PositiveInfinity;

    /// <summary>Checks every parameter; the message names the parameter, its value and the allowed range.</summary>
    /// <param name="context">Where the parameters come from (a robot name, a file and line), put in front of the message.</param>
    /// <exception cref="ArgumentException">When a parameter is out of range.</exception>
    public void Validate(string context)
    {
        RequirePositiveFinite(context, "wheel_separation", WheelSeparationM);
        RequirePositiveFinite(context, "wheel_radius", WheelRadiusM);
        RequireRange(context, "linear_velocity", MinLinearVelocityMps, MaxLinearVelocityMps);
        RequireRange(context, "angular_velocity", MinAngularVelocityRadps, MaxAngularVelocityRadps);
        RequireRange(context, "linear_acceleration", MinLinearAccelerationMps2, MaxLinearAccelerationMps2);
        RequireRange(context, "angular_acceleration", MinAngularAccelerationRadps2, MaxAngularAccelerationRadps2);
        RequireRange(context, "linear_jerk", MinLinearJerkMps3, MaxLinearJerkMps3);
        RequireRange(context, "angular_jerk", MinAngularJerkRadps3, MaxAngularJerkRadps3);
        if (!(MaxWheelSpeedRadps > 0))
        {
            throw new ArgumentException(
                $"{context}: wheel joint velocity limit (MaxWheelSpeedRadps) is {Format(MaxWheelSpeedRadps)}; it must be > 0 (infinite for none).");
        }
    }

    internal static void RequirePositiveFinite(string context, string name, double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new ArgumentException($"{context}: {name} is {Format(value)}; it must be a finite number > 0.");
        }
    }

    internal static void RequireRange(string context, string name, double min, double max)
    {
        if (double.IsNaN(min) || !(min <= 0))
        {
            throw new ArgumentException($"{context}: min_{name} is {Format(min)}; it must be <= 0 (-inf for none).");
        }

        if (double.IsNaN(max) || !(max >= 0))
        {
            throw new ArgumentException($"{context}: max_{name} is {Format(max)}; it must be >= 0 (inf for none).");
        }
    }

    internal static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Limits of a holonomic robot: a 2-D ground robot (x, y, yaw) or a 3-D aerial robot (x, y, z, yaw)
/// driven by gz-sim's VelocityControl system (body-frame twist). VelocityControl itself has no
/// limits; these are the simulator's convention (see sim/README.md): the linear velocity vector's
/// norm and its rate of change are limited, direction-preserving; the yaw rate and its rate of
/// change are limited symmetrically.
/// </summary>
public sealed record HolonomicParameters
{
    /// <summary>2 for a ground robot, 3 for an aerial robot.</summary>
    public int Dimensions { get; init; } = 2;

    /// <summary>Largest norm of the linear velocity in m/s.</summary>
    public double MaxLinearVelocityMps { get; init; } = double.PositiveInfinity;

    /// <summary>Largest norm of the linear acceleration in m/s^2.</summary>
    public double MaxLinearAccelerationMps2 { get; init; } = double.PositiveInfinity;

    /// <summary>Largest yaw rate magnitude in rad/s.</summary>
    public double MaxAngularVelocityRadps { get; init; } = double.PositiveInfinity;

    /// <summary>Largest yaw acceleration magnitude in rad/s^2.</summary>
    public double MaxAngularAccelerationRadps2 { get; init; } = double.PositiveInfinity;

    /// <summary>Checks every parameter; the message names the parameter, its value and the allowed range.</summary>
    /// <exception cref="ArgumentException">When a parameter is out of range.</exception>
    public void Validate(string context)
    {
        if (Dimensions is not (2 or 3))
        {
            throw new ArgumentException($"{context}: dimensions is {Dimensions}; it must be 2 (ground) or 3 (aerial).");
        }

        RequirePositive(context, "max_linear_velocity", MaxLinearVelocityMps);
        RequirePositive(context, "max_linear_acceleration", MaxLinearAccelerationMps2);
        RequirePositive(context, "max_angular_velocity", MaxAngularVelocityRadps);
        RequirePositive(context, "max_angular_acceleration", MaxAngularAccelerationRadps2);
    }

    private static void RequirePositive(string context, string name, double value)
    {
        if (!(value > 0))
        {
            throw new ArgumentException($"{context}: {name} is {DiffDriveParameters.Format(value)}; it must be > 0 (inf for none).");
        }
    }
}
