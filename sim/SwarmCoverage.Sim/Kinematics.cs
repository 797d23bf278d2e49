using System.Runtime.CompilerServices;

namespace SwarmCoverage.Sim;

/// <summary>Limits of one velocity axis, as gz-math's <c>SpeedLimiter</c> holds them.</summary>
internal readonly struct AxisLimits
{
    public readonly double MinVelocity;
    public readonly double MaxVelocity;
    public readonly double MinAcceleration;
    public readonly double MaxAcceleration;
    public readonly double MinJerk;
    public readonly double MaxJerk;
    public readonly bool HasAcceleration;
    public readonly bool HasJerk;

    public AxisLimits(double minVelocity, double maxVelocity, double minAcceleration, double maxAcceleration, double minJerk, double maxJerk)
    {
        MinVelocity = minVelocity;
        MaxVelocity = maxVelocity;
        MinAcceleration = minAcceleration;
        MaxAcceleration = maxAcceleration;
        MinJerk = minJerk;
        MaxJerk = maxJerk;
        HasAcceleration = double.IsFinite(minAcceleration) || double.IsFinite(maxAcceleration);
        HasJerk = double.IsFinite(minJerk) || double.IsFinite(maxJerk);
    }
}

/// <summary>The exact kinematics and the limiter, shared by the simulator and nothing else.</summary>
internal static class Kinematics
{
    /// <summary>
    /// gz-math <c>SpeedLimiter::Limit</c>: jerk, then acceleration, then velocity, with the previous
    /// two outputs as history and the step <paramref name="dtSeconds"/>. Where gz would compute
    /// <c>prev + ((v - prev) / dt) * dt</c> for a limit that does not bind, this returns
    /// <paramref name="velocity"/> itself (equal in exact arithmetic, and it lets a ramp end exactly
    /// on the target instead of dithering by an ulp).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Limit(double velocity, double previous, double previousPrevious, double dtSeconds, in AxisLimits limits)
    {
        if (limits.HasJerk)
        {
            double accUnclamped = (velocity - previous) / dtSeconds;
            double accPrevious = (previous - previousPrevious) / dtSeconds;
            double jerk = (accUnclamped - accPrevious) / dtSeconds;
            if (jerk > limits.MaxJerk)
            {
                velocity = previous + ((accPrevious + (limits.MaxJerk * dtSeconds)) * dtSeconds);
            }
            else if (jerk < limits.MinJerk)
            {
                velocity = previous + ((accPrevious + (limits.MinJerk * dtSeconds)) * dtSeconds);
            }
        }

        if (limits.HasAcceleration)
        {
            // (v - prev) / dt > max  <=>  v - prev > max * dt (dt > 0), without the division.
            double change = velocity - previous;
            double up = limits.MaxAcceleration * dtSeconds;
            double down = limits.MinAcceleration * dtSeconds;
            if (change > up)
            {
                velocity = previous + up;
            }
            else if (change < down)
            {
                velocity = previous + down;
            }
        }

        // gz::math::clamp(v, min, max)
        if (velocity > limits.MaxVelocity)
        {
            velocity = limits.MaxVelocity;
        }
        else if (velocity < limits.MinVelocity)
        {
            velocity = limits.MinVelocity;
        }

        return velocity;
    }

    // Taylor coefficients of sin(u)/u and cos(u) in u^2.
    private const double SinC1 = -1.0 / 6.0;
    private const double SinC2 = 1.0 / 120.0;
    private const double SinC3 = -1.0 / 5040.0;
    private const double SinC4 = 1.0 / 362880.0;
    private const double SinC5 = -1.0 / 39916800.0;
    private const double CosC1 = -1.0 / 2.0;
    private const double CosC2 = 1.0 / 24.0;
    private const double CosC3 = -1.0 / 720.0;
    private const double CosC4 = 1.0 / 40320.0;

    /// <summary>sin(u) / u, accurate to a few ulp for every u (series below |u| = 0.1).</summary>
    public static double Sinc(double u)
    {
        double u2 = u * u;
        if (u2 < 0.01)
        {
            // Remainder below u^12 / 13! < 1.7e-22 for |u| < 0.1.
            return 1.0 + (u2 * (SinC1 + (u2 * (SinC2 + (u2 * (SinC3 + (u2 * (SinC4 + (u2 * SinC5)))))))));
        }

        return Math.Sin(u) / u;
    }

    /// <summary>
    /// Exact motion over <paramref name="dtSeconds"/> of a body moving with constant body-frame
    /// velocity (vx, vy) and yaw rate w from heading <paramref name="yaw"/>: the unicycle arc
    /// (vy = 0) and its holonomic generalisation. The displacement is
    /// dt * sinc(w dt / 2) * R(yaw + w dt / 2) * (vx, vy), which has no cancellation for small
    /// w dt and reduces to a straight line for w = 0.
    /// </summary>
    public static void Arc(ref double x, ref double y, ref double yaw, double vx, double vy, double w, double dtSeconds)
    {
        double turn = w * dtSeconds;
        double half = 0.5 * turn;
        double scale = dtSeconds * Sinc(half);
        (double s, double c) = Math.SinCos(yaw + half);
        double bx = vx * scale;
        double by = vy * scale;
        x += (c * bx) - (s * by);
        y += (s * bx) + (c * by);
        yaw = WrapAngle(yaw + turn);
    }

    /// <summary>
    /// <see cref="Arc"/> for a caller that also carries (cos yaw, sin yaw) in <paramref name="cosYaw"/> and
    /// <paramref name="sinYaw"/>: for a small turn (|w dt / 2| &lt; 0.05, every limiter sub-step) it rotates
    /// them with Taylor polynomials accurate to 1e-19 instead of calling sin and cos, and for a large turn
    /// it falls back to <see cref="Arc"/> and recomputes them. The caller refreshes them from yaw at the
    /// start of every step, so they never drift more than a few ulp from (cos yaw, sin yaw).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ArcIncremental(ref double x, ref double y, ref double yaw, ref double cosYaw, ref double sinYaw, double vx, double vy, double w, double dtSeconds)
    {
        double turn = w * dtSeconds;
        double half = 0.5 * turn;
        double h2 = half * half;
        if (h2 >= 0.0025)
        {
            Arc(ref x, ref y, ref yaw, vx, vy, w, dtSeconds);
            (sinYaw, cosYaw) = Math.SinCos(yaw);
            return;
        }

        // |half| < 0.05: Taylor remainders below |half|^10 / 10! (< 3e-20); Horner with multiplications only.
        double sinc = 1.0 + (h2 * (SinC1 + (h2 * (SinC2 + (h2 * (SinC3 + (h2 * SinC4)))))));
        double sh = half * sinc;
        double ch = 1.0 + (h2 * (CosC1 + (h2 * (CosC2 + (h2 * (CosC3 + (h2 * CosC4)))))));
        double cm = (cosYaw * ch) - (sinYaw * sh);
        double sm = (sinYaw * ch) + (cosYaw * sh);
        double scale = dtSeconds * sinc;
        double bx = vx * scale;
        double by = vy * scale;
        x += (cm * bx) - (sm * by);
        y += (sm * bx) + (cm * by);
        cosYaw = (cm * ch) - (sm * sh);
        sinYaw = (sm * ch) + (cm * sh);
        yaw = WrapAngle(yaw + turn);
    }

    /// <summary>Wraps an angle to [-pi, pi).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double WrapAngle(double angle)
    {
        if (angle >= Math.PI || angle < -Math.PI)
        {
            angle -= 2 * Math.PI * Math.Floor((angle + Math.PI) / (2 * Math.PI));
            if (angle >= Math.PI)
            {
                angle -= 2 * Math.PI;
            }
        }

        return angle;
    }
}

/// <summary>
/// Counter-based Gaussian noise: the value for (seed, robot, instant, stream) is a pure function of
/// those four numbers (SplitMix64 finaliser as the hash, Marsaglia's polar method for the normal). Noise therefore
/// does not depend on how often or in which order a host reads poses, and two reads at the same
/// instant agree.
/// </summary>
internal static class CounterNoise
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Two independent standard normal deviates for the key (seed, robot, time, stream), by
    /// Marsaglia's polar method (no sine or cosine; a rejected pair is redrawn from the next hash,
    /// so the result is still a pure function of the key).
    /// </summary>
    public static (double A, double B) StandardNormalPair(ulong seed, int robot, long timeNs, int stream)
    {
        ulong key = Mix(seed + Golden);
        key = Mix(key ^ ((ulong)(uint)robot * Golden) ^ ((ulong)(uint)stream << 40));
        key = Mix(key + ((ulong)timeNs * 0xD1B54A32D192ED03UL));
        while (true)
        {
            ulong a = Mix(key += Golden);
            ulong b = Mix(key += Golden);

            // Uniforms in (-1, 1) from the top 53 bits.
            double u = ((a >> 11) * (2.0 / 9007199254740992.0)) - 1.0;
            double v = ((b >> 11) * (2.0 / 9007199254740992.0)) - 1.0;
            double s = (u * u) + (v * v);
            if (s < 1.0 && s > 0.0)
            {
                double factor = Math.Sqrt(-2.0 * Math.Log(s) / s);
                return (u * factor, v * factor);
            }
        }
    }
}
