using SwarmCoverage.Core;
using System.Globalization;

namespace SwarmCoverage.Control;

/// <summary>The kinematic class of a robot.</summary>
public enum RobotKind
{
    /// <summary>A planar robot that can move in any direction: the desired velocity (world frame) is the command.</summary>
    Holonomic2D,

    /// <summary>An aerial robot in 3-D (e.g. a quadrotor under a velocity controller): the desired velocity is the command.</summary>
    Aerial3D,

    /// <summary>
    /// A differential-drive (unicycle) robot, x' = v cos(theta), y' = v sin(theta), theta' = omega, controlled through the
    /// point at <see cref="RobotModel.ProjectionDistanceM"/> ahead of the wheel axle (near-identity diffeomorphism).
    /// </summary>
    DifferentialDrive,
}

/// <summary>
/// A robot's kinematics and actuator limits. Immutable; validate with <see cref="Validate"/> (the pipeline and the
/// registry do so on use). An infinite limit means "no limit" where the property allows it.
/// </summary>
public sealed record RobotModel
{
    /// <summary>A label for logs, e.g. "turtlebot3_burger".</summary>
    public string Name { get; init; } = "robot";

    /// <summary>Kinematic class.</summary>
    public required RobotKind Kind { get; init; }

    /// <summary>
    /// Largest linear speed in m/s: |v| for differential drive, the horizontal speed |(vx, vy)| for holonomic and aerial
    /// robots. Must be finite and positive.
    /// </summary>
    public required double MaxLinearSpeedMps { get; init; }

    /// <summary>Largest |omega| in rad/s (differential drive; must be finite and positive there).</summary>
    public double MaxAngularSpeedRadps { get; init; } = double.PositiveInfinity;

    /// <summary>Largest |vz| in m/s (aerial only; must be finite and positive there).</summary>
    public double MaxVerticalSpeedMps { get; init; } = double.PositiveInfinity;

    /// <summary>Largest change of the linear velocity per second, m/s^2 (applied against the previous command); infinity: none.</summary>
    public double MaxLinearAccelerationMps2 { get; init; } = double.PositiveInfinity;

    /// <summary>Largest change of omega per second, rad/s^2 (differential drive); infinity: none.</summary>
    public double MaxAngularAccelerationRadps2 { get; init; } = double.PositiveInfinity;

    /// <summary>Wheel radius in metres (differential drive; needed when <see cref="MaxWheelSpeedRadps"/> is finite).</summary>
    public double WheelRadiusM { get; init; } = double.NaN;

    /// <summary>Distance between the two wheels' contact points in metres (differential drive; needed when <see cref="MaxWheelSpeedRadps"/> is finite).</summary>
    public double WheelSeparationM { get; init; } = double.NaN;

    /// <summary>Largest wheel angular speed in rad/s, applied in wheel space (differential drive); infinity: none.</summary>
    public double MaxWheelSpeedRadps { get; init; } = double.PositiveInfinity;

    /// <summary>Distance l in metres from the wheel axle's centre to the controlled point, along the heading (differential drive). Robotarium default 0.05 m.</summary>
    public double ProjectionDistanceM { get; init; } = 0.05;

    /// <summary>Spatial dimension of the controlled point: 3 for aerial robots, otherwise 2.</summary>
    public int Dimension => Kind == RobotKind.Aerial3D ? 3 : 2;

    /// <summary>True when the wheel-speed limit applies (finite limit with wheel geometry given).</summary>
    public bool HasWheelLimit => Kind == RobotKind.DifferentialDrive && double.IsFinite(MaxWheelSpeedRadps);

    /// <summary>Every problem with this model as a message naming the parameter, its value and the allowed range; empty when valid.</summary>
    public IReadOnlyList<string> ValidationErrors()
    {
        var errors = new List<string>();
        void Positive(string name, double value, bool allowInfinity)
        {
            bool ok = allowInfinity ? value > 0 && !double.IsNaN(value) : double.IsFinite(value) && value > 0;
            if (!ok)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"RobotModel '{Name}': {name} = {value} is out of range; allowed: {(allowInfinity ? "> 0 (infinity = no limit)" : "finite and > 0")}."));
            }
        }

        if (!Enum.IsDefined(Kind))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"RobotModel '{Name}': Kind = {(int)Kind} is not a RobotKind."));
            return errors;
        }

        Positive(nameof(MaxLinearSpeedMps), MaxLinearSpeedMps, allowInfinity: false);
        Positive(nameof(MaxLinearAccelerationMps2), MaxLinearAccelerationMps2, allowInfinity: true);
        switch (Kind)
        {
            case RobotKind.DifferentialDrive:
                Positive(nameof(MaxAngularSpeedRadps), MaxAngularSpeedRadps, allowInfinity: false);
                Positive(nameof(MaxAngularAccelerationRadps2), MaxAngularAccelerationRadps2, allowInfinity: true);
                Positive(nameof(ProjectionDistanceM), ProjectionDistanceM, allowInfinity: false);
                Positive(nameof(MaxWheelSpeedRadps), MaxWheelSpeedRadps, allowInfinity: true);
                if (double.IsFinite(MaxWheelSpeedRadps) || !double.IsNaN(WheelRadiusM) || !double.IsNaN(WheelSeparationM))
                {
                    Positive(nameof(WheelRadiusM), WheelRadiusM, allowInfinity: false);
                    Positive(nameof(WheelSeparationM), WheelSeparationM, allowInfinity: false);
                }

                break;
            case RobotKind.Aerial3D:
                Positive(nameof(MaxVerticalSpeedMps), MaxVerticalSpeedMps, allowInfinity: false);
                break;
            case RobotKind.Holonomic2D:
            default:
                break;
        }

        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the model is invalid.</summary>
    public void Validate()
    {
        var errors = ValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }

    /// <summary>
    /// The point the blob field steers, from a pose: the position itself for holonomic and aerial robots; for
    /// differential drive the point at <see cref="ProjectionDistanceM"/> ahead of the axle,
    /// (x + l cos(theta), y + l sin(theta)). Writes <see cref="Dimension"/> values.
    /// </summary>
    public void ControlledPoint(in Pose pose, Span<double> point)
    {
        if (Kind == RobotKind.DifferentialDrive)
        {
            var (s, c) = DetMath.SinCos(pose.YawRad);
            point[0] = pose.X + ProjectionDistanceM * c;
            point[1] = pose.Y + ProjectionDistanceM * s;
            return;
        }

        point[0] = pose.X;
        point[1] = pose.Y;
        if (Kind == RobotKind.Aerial3D)
        {
            point[2] = pose.Z;
        }
    }

    /// <summary>
    /// The heading's sine and cosine (<c>DetMath.SinCos</c>) where this model reads them (differential drive); (0, 1), which
    /// nothing reads, for the others. Computed once per robot and tick by the pipeline and handed to every use.
    /// </summary>
    public (double Sin, double Cos) HeadingSinCos(double headingRad) =>
        Kind == RobotKind.DifferentialDrive ? DetMath.SinCos(headingRad) : (0.0, 1.0);

    /// <summary>
    /// Turns a single-integrator velocity u (m/s, world frame, <see cref="Dimension"/> values) of the controlled point into
    /// a command: unchanged for holonomic/aerial robots; for differential drive the near-identity map
    /// [v; omega] = [[cos th, sin th], [-sin th / l, cos th / l]] u. No limits are applied here.
    /// </summary>
    public RobotCommand ToCommand(ReadOnlySpan<double> u, double headingRad)
    {
        var (s, c) = HeadingSinCos(headingRad);
        return ToCommand(u, s, c);
    }

    /// <summary>As <see cref="ToCommand(ReadOnlySpan{double}, double)"/> with the heading's sine and cosine (<c>DetMath.SinCos</c>) given; only a differential drive reads them.</summary>
    public RobotCommand ToCommand(ReadOnlySpan<double> u, double sinHeading, double cosHeading)
    {
        switch (Kind)
        {
            case RobotKind.DifferentialDrive:
                var (v, w) = NearIdentity.ToUnicycle(u[0], u[1], sinHeading, cosHeading, ProjectionDistanceM);
                return new RobotCommand(v, 0, 0, w);
            case RobotKind.Aerial3D:
                return new RobotCommand(u[0], u[1], u[2], 0);
            case RobotKind.Holonomic2D:
            default:
                return new RobotCommand(u[0], u[1], 0, 0);
        }
    }

    /// <summary>The inverse of <see cref="ToCommand"/>: the velocity of the controlled point (m/s, world frame) that a command produces at this heading.</summary>
    public void ToSingleIntegrator(in RobotCommand command, double headingRad, Span<double> u)
    {
        var (s, c) = HeadingSinCos(headingRad);
        ToSingleIntegrator(command, s, c, u);
    }

    /// <summary>As <see cref="ToSingleIntegrator(in RobotCommand, double, Span{double})"/> with the heading's sine and cosine given.</summary>
    public void ToSingleIntegrator(in RobotCommand command, double sinHeading, double cosHeading, Span<double> u)
    {
        switch (Kind)
        {
            case RobotKind.DifferentialDrive:
                var (ux, uy) = NearIdentity.ToSingleIntegrator(command.Vx, command.OmegaZ, sinHeading, cosHeading, ProjectionDistanceM);
                u[0] = ux;
                u[1] = uy;
                break;
            case RobotKind.Aerial3D:
                u[0] = command.Vx;
                u[1] = command.Vy;
                u[2] = command.Vz;
                break;
            case RobotKind.Holonomic2D:
            default:
                u[0] = command.Vx;
                u[1] = command.Vy;
                break;
        }
    }

    /// <summary>
    /// Upper bound (m/s) of |u| over the commands this robot may execute: max linear speed for holonomic robots,
    /// sqrt(vmax^2 + vzmax^2) for aerial ones, sqrt(vmax^2 + (l omegaMax)^2) for differential drive.
    /// </summary>
    public double MaxPointSpeedMps => Kind switch
    {
        RobotKind.DifferentialDrive => Math.Sqrt(MaxLinearSpeedMps * MaxLinearSpeedMps
            + ProjectionDistanceM * MaxAngularSpeedRadps * ProjectionDistanceM * MaxAngularSpeedRadps),
        RobotKind.Aerial3D => Math.Sqrt(MaxLinearSpeedMps * MaxLinearSpeedMps + MaxVerticalSpeedMps * MaxVerticalSpeedMps),
        _ => MaxLinearSpeedMps,
    };

    /// <summary>
    /// Bound (metres) on how far the controlled point of a differential-drive robot, holding a command constant for
    /// <paramref name="periodS"/>, ends from where the single-integrator model puts it (the heading turns during the
    /// period): omegaMax * MaxPointSpeedMps * T^2 / 2. Zero for holonomic and aerial robots.
    /// </summary>
    public double HoldErrorBoundM(double periodS) =>
        Kind == RobotKind.DifferentialDrive ? MaxAngularSpeedRadps * MaxPointSpeedMps * periodS * periodS / 2 : 0.0;
}
