using SwarmCoverage.Core;

namespace SwarmCoverage.Control;

/// <summary>
/// The near-identity diffeomorphism between a unicycle and the point at distance l ahead of its axle
/// (Olfati-Saber 2002; Robotarium's <c>create_si_to_uni_mapping</c>):
/// [v; omega] = [[cos th, sin th], [-sin th / l, cos th / l]] u, and its inverse u = v (cos th, sin th) + l omega (-sin th, cos th).
/// With this map the controlled point moves exactly with velocity u in continuous time.
/// </summary>
public static class NearIdentity
{
    /// <summary>(v in m/s, omega in rad/s) from the point velocity (ux, uy) in m/s, heading in rad and projection distance l in m.</summary>
    public static (double V, double Omega) ToUnicycle(double ux, double uy, double headingRad, double projectionDistanceM)
    {
        var (s, c) = DetMath.SinCos(headingRad);
        return ToUnicycle(ux, uy, s, c, projectionDistanceM);
    }

    /// <summary>As <see cref="ToUnicycle(double, double, double, double)"/> with the heading's sine and cosine (<c>DetMath.SinCos</c>) given.</summary>
    public static (double V, double Omega) ToUnicycle(double ux, double uy, double sinHeading, double cosHeading, double projectionDistanceM) =>
        (cosHeading * ux + sinHeading * uy, (-sinHeading * ux + cosHeading * uy) / projectionDistanceM);

    /// <summary>The point velocity (ux, uy) in m/s that (v, omega) produces at this heading.</summary>
    public static (double Ux, double Uy) ToSingleIntegrator(double vMps, double omegaRadps, double headingRad, double projectionDistanceM)
    {
        var (s, c) = DetMath.SinCos(headingRad);
        return ToSingleIntegrator(vMps, omegaRadps, s, c, projectionDistanceM);
    }

    /// <summary>As <see cref="ToSingleIntegrator(double, double, double, double)"/> with the heading's sine and cosine (<c>DetMath.SinCos</c>) given.</summary>
    public static (double Ux, double Uy) ToSingleIntegrator(double vMps, double omegaRadps, double sinHeading, double cosHeading, double projectionDistanceM)
    {
        double lw = projectionDistanceM * omegaRadps;
        return (cosHeading * vMps - sinHeading * lw, sinHeading * vMps + cosHeading * lw);
    }
}

/// <summary>Differential-drive wheel kinematics and Robotarium-style wheel-space saturation.</summary>
public static class WheelSpace
{
    /// <summary>Right and left wheel angular speeds (rad/s): (v ± omega b/2) / r.</summary>
    public static (double RightRadps, double LeftRadps) ToWheelSpeeds(double vMps, double omegaRadps, double wheelRadiusM, double wheelSeparationM)
    {
        double half = omegaRadps * wheelSeparationM / 2;
        return ((vMps + half) / wheelRadiusM, (vMps - half) / wheelRadiusM);
    }

    /// <summary>(v, omega) from right and left wheel angular speeds: v = r (R + L)/2, omega = r (R - L)/b.</summary>
    public static (double V, double Omega) FromWheelSpeeds(double rightRadps, double leftRadps, double wheelRadiusM, double wheelSeparationM) =>
        (wheelRadiusM * (rightRadps + leftRadps) / 2, wheelRadiusM * (rightRadps - leftRadps) / wheelSeparationM);

    /// <summary>
    /// The largest factor f in (0, 1] such that f (v, omega) respects every speed limit of <paramref name="model"/>:
    /// |v| &lt;= vmax, |omega| &lt;= omegaMax and, in wheel space, |wheel speed| &lt;= MaxWheelSpeedRadps for both wheels.
    /// Scaling both wheels (equivalently v and omega) by one factor keeps the curvature omega / v.
    /// </summary>
    public static double SpeedScale(RobotModel model, double vMps, double omegaRadps)
    {
        ArgumentNullException.ThrowIfNull(model);
        double f = 1.0;
        f = Math.Min(f, Ratio(model.MaxLinearSpeedMps, vMps));
        f = Math.Min(f, Ratio(model.MaxAngularSpeedRadps, omegaRadps));
        if (model.HasWheelLimit)
        {
            var (right, left) = ToWheelSpeeds(vMps, omegaRadps, model.WheelRadiusM, model.WheelSeparationM);
            f = Math.Min(f, Ratio(model.MaxWheelSpeedRadps, right));
            f = Math.Min(f, Ratio(model.MaxWheelSpeedRadps, left));
        }

        return f;
    }

    /// <summary>
    /// Saturates (v, omega) as Robotarium does, but curvature-preserving: convert to wheel speeds, scale both wheels by the
    /// common factor that brings the faster one to the limit (and v, omega to theirs), convert back.
    /// Returns the saturated pair and whether anything was clipped.
    /// </summary>
    public static (double V, double Omega, bool Clipped) Saturate(RobotModel model, double vMps, double omegaRadps)
    {
        double f = SpeedScale(model, vMps, omegaRadps);
        if (f >= 1.0)
        {
            return (vMps, omegaRadps, false);
        }

        if (model.HasWheelLimit)
        {
            var (right, left) = ToWheelSpeeds(vMps, omegaRadps, model.WheelRadiusM, model.WheelSeparationM);
            var (v, w) = FromWheelSpeeds(f * right, f * left, model.WheelRadiusM, model.WheelSeparationM);
            return (v, w, true);
        }

        return (f * vMps, f * omegaRadps, true);
    }

    private static double Ratio(double limit, double value)
    {
        double a = Math.Abs(value);
        return a > limit ? limit / a : 1.0;
    }
}
