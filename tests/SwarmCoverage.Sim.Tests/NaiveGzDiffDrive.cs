namespace SwarmCoverage.Sim.Tests;

/// <summary>
/// The naive reference: gz-sim DiffDrive transcribed literally, one physics step at a time. Each step
/// runs gz-math's SpeedLimiter formulas (always, even where a limit does not bind), converts to wheel
/// speeds, clips each wheel as DART's servo does, and moves the pose by the textbook closed form
/// x += v/w (sin th1 - sin th0), y -= v/w (cos th1 - cos th0) (the midpoint rule when w dt is tiny),
/// a different formula from the simulator's sinc form.
/// </summary>
internal sealed class NaiveGzDiffDrive(DiffDriveParameters p, double x, double y, double yaw)
{
    private double _last0Lin, _last1Lin, _last0Ang, _last1Ang;

    public double X { get; private set; } = x;

    public double Y { get; private set; } = y;

    public double Yaw { get; private set; } = yaw;

    public double AppliedV { get; private set; }

    public double AppliedW { get; private set; }

    public void Step(double targetV, double targetW, double dt)
    {
        double lin = Limit(targetV, _last0Lin, _last1Lin, dt, p.MinLinearVelocityMps, p.MaxLinearVelocityMps, p.MinLinearAccelerationMps2,
            p.MaxLinearAccelerationMps2, p.MinLinearJerkMps3, p.MaxLinearJerkMps3);
        double ang = Limit(targetW, _last0Ang, _last1Ang, dt, p.MinAngularVelocityRadps, p.MaxAngularVelocityRadps, p.MinAngularAccelerationRadps2,
            p.MaxAngularAccelerationRadps2, p.MinAngularJerkRadps3, p.MaxAngularJerkRadps3);
        _last1Lin = _last0Lin;
        _last0Lin = lin;
        _last1Ang = _last0Ang;
        _last0Ang = ang;

        double right = (lin + (ang * p.WheelSeparationM / 2.0)) / p.WheelRadiusM;
        double left = (lin - (ang * p.WheelSeparationM / 2.0)) / p.WheelRadiusM;
        right = Math.Max(Math.Min(right, p.MaxWheelSpeedRadps), -p.MaxWheelSpeedRadps);
        left = Math.Max(Math.Min(left, p.MaxWheelSpeedRadps), -p.MaxWheelSpeedRadps);
        double v = (right + left) * p.WheelRadiusM / 2.0;
        double w = (right - left) * p.WheelRadiusM / p.WheelSeparationM;
        AppliedV = v;
        AppliedW = w;

        double yaw1 = Yaw + (w * dt);
        if (Math.Abs(w * dt) < 1e-9)
        {
            // Below this the textbook form cancels catastrophically (v/w huge); use the midpoint
            // heading, whose error O(v dt (w dt)^2) is below 1e-20 m here (gz-math's IntegrateExact
            // switches to the same second-order form).
            X += v * dt * Math.Cos(Yaw + (0.5 * w * dt));
            Y += v * dt * Math.Sin(Yaw + (0.5 * w * dt));
        }
        else
        {
            X += v / w * (Math.Sin(yaw1) - Math.Sin(Yaw));
            Y -= v / w * (Math.Cos(yaw1) - Math.Cos(Yaw));
        }

        Yaw = yaw1;
    }

    private static double Limit(double vel, double prev, double prevPrev, double dt, double minV, double maxV, double minA, double maxA, double minJ, double maxJ)
    {
        double accUnclamped = (vel - prev) / dt;
        double accPrev = (prev - prevPrev) / dt;
        double jerk = Math.Max(Math.Min((accUnclamped - accPrev) / dt, maxJ), minJ);
        vel = prev + ((accPrev + (jerk * dt)) * dt);
        double acc = Math.Max(Math.Min((vel - prev) / dt, maxA), minA);
        vel = prev + (acc * dt);
        return Math.Max(Math.Min(vel, maxV), minV);
    }
}
