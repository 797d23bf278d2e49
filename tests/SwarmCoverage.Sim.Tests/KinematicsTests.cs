using SwarmCoverage.Sim;

namespace SwarmCoverage.Sim.Tests;

public class KinematicsTests
{
    /// <summary>Naive forward Euler of x' = R(yaw) (vx, vy), yaw' = w with n steps.</summary>
    private static (double X, double Y, double Yaw) Euler(double x, double y, double yaw, double vx, double vy, double w, double t, int n)
    {
        double h = t / n;
        for (int k = 0; k < n; k++)
        {
            double c = Math.Cos(yaw);
            double s = Math.Sin(yaw);
            x += h * ((c * vx) - (s * vy));
            y += h * ((s * vx) + (c * vy));
            yaw += h * w;
        }

        return (x, y, yaw);
    }

    [Theory]
    [InlineData(0.22, 0.0, 2.84, 1.0)]
    [InlineData(0.22, 0.0, -0.3, 2.0)]
    [InlineData(0.2, 0.0, 1e-9, 1.5)]
    [InlineData(0.0, 0.0, 3.0, 1.0)]
    [InlineData(0.3, -0.2, 1.5, 1.0)]
    public void Arc_matches_a_fine_Euler_reference(double vx, double vy, double w, double t)
    {
        double x = 0.7, y = -0.4, yaw = 2.5;
        Kinematics.Arc(ref x, ref y, ref yaw, vx, vy, w, t);
        (double ex, double ey, double eyaw) = Euler(0.7, -0.4, 2.5, vx, vy, w, t, 2_000_000);

        // Euler's global error is O(h |v| |w| t) = about 1e-6 here; the arc is exact.
        Assert.Equal(ex, x, 3e-6);
        Assert.Equal(ey, y, 3e-6);
        Assert.Equal(Kinematics.WrapAngle(eyaw), yaw, 1e-9);
    }

    [Fact]
    public void Arc_is_the_exact_circle_of_a_unicycle()
    {
        // Radius v / w, centre to the left of the start; half a turn ends 2 r to the left, heading reversed.
        double v = 0.2, w = 2.0, r = v / w;
        double x = 0, y = 0, yaw = 0;
        Kinematics.Arc(ref x, ref y, ref yaw, v, 0, w, Math.PI / w);
        Assert.Equal(0, x, 1e-15);
        Assert.Equal(2 * r, y, 1e-15);
        Assert.Equal(-Math.PI, yaw, 1e-15);
    }

    [Fact]
    public void One_long_arc_equals_many_short_arcs()
    {
        double x1 = 1, y1 = 2, yaw1 = -1;
        Kinematics.Arc(ref x1, ref y1, ref yaw1, 0.25, 0, 1.7, 0.05);
        double x2 = 1, y2 = 2, yaw2 = -1;
        for (int k = 0; k < 50; k++)
        {
            Kinematics.Arc(ref x2, ref y2, ref yaw2, 0.25, 0, 1.7, 0.001);
        }

        Assert.Equal(x1, x2, 1e-14);
        Assert.Equal(y1, y2, 1e-14);
        Assert.Equal(yaw1, yaw2, 1e-14);
    }

    [Fact]
    public void Incremental_arc_with_polynomial_rotation_agrees_with_the_trigonometric_arc()
    {
        var random = new Random(5);
        double x1 = 0, y1 = 0, yaw1 = 0.3;
        double x2 = 0, y2 = 0, yaw2 = 0.3;
        (double s, double c) = Math.SinCos(yaw2);
        for (int k = 0; k < 5000; k++)
        {
            double vx = random.NextDouble() - 0.5, vy = random.NextDouble() - 0.5;
            double w = (random.NextDouble() - 0.5) * (k % 10 == 0 ? 400 : 20); // some steps take the large-turn branch
            Kinematics.Arc(ref x1, ref y1, ref yaw1, vx, vy, w, 0.001);
            Kinematics.ArcIncremental(ref x2, ref y2, ref yaw2, ref c, ref s, vx, vy, w, 0.001);
            Assert.Equal(yaw1, yaw2);
            Assert.Equal(Math.Cos(yaw2), c, 1e-13);
            Assert.Equal(Math.Sin(yaw2), s, 1e-13);
        }

        Assert.Equal(x1, x2, 1e-13);
        Assert.Equal(y1, y2, 1e-13);
    }

    [Fact]
    public void Sinc_series_agrees_with_sin_over_u()
    {
        for (double u = 1e-6; u < 0.2; u *= 1.1)
        {
            Assert.Equal(Math.Sin(u) / u, Kinematics.Sinc(u), 2e-16);
            Assert.Equal(Math.Sin(-u) / -u, Kinematics.Sinc(-u), 2e-16);
        }

        Assert.Equal(1.0, Kinematics.Sinc(0));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(3.5, 3.5 - (2 * Math.PI))]
    [InlineData(-3.5, -3.5 + (2 * Math.PI))]
    [InlineData(Math.PI, -Math.PI)]
    [InlineData(20.0, 20.0 - (6 * Math.PI))]
    public void WrapAngle_lands_in_minus_pi_to_pi(double angle, double expected)
    {
        double wrapped = Kinematics.WrapAngle(angle);
        Assert.InRange(wrapped, -Math.PI, Math.PI - 1e-300);
        Assert.Equal(expected, wrapped, 1e-12);
    }
}

public class SpeedLimiterTests
{
    /// <summary>gz-math SpeedLimiter::Limit, transcribed literally (including the arithmetic when a limit does not bind).</summary>
    private static double GzLimit(double vel, double prev, double prevPrev, double dt, double minV, double maxV, double minA, double maxA, double minJ, double maxJ)
    {
        // LimitJerk
        double accUnclamped = (vel - prev) / dt;
        double accPrev = (prev - prevPrev) / dt;
        double jerkUnclamped = (accUnclamped - accPrev) / dt;
        double jerkClamped = Math.Max(Math.Min(jerkUnclamped, maxJ), minJ);
        double accClamped = accPrev + (jerkClamped * dt);
        vel = prev + (accClamped * dt);

        // LimitAcceleration
        accUnclamped = (vel - prev) / dt;
        accClamped = Math.Max(Math.Min(accUnclamped, maxA), minA);
        vel = prev + (accClamped * dt);

        // LimitVelocity
        return Math.Max(Math.Min(vel, maxV), minV);
    }

    [Fact]
    public void Limit_agrees_with_gz_SpeedLimiter_on_random_inputs()
    {
        var random = new Random(12345);
        for (int k = 0; k < 100_000; k++)
        {
            double minV = -random.NextDouble(), maxV = random.NextDouble();
            double minA = -2 * random.NextDouble(), maxA = 2 * random.NextDouble();
            double minJ = -50 * random.NextDouble(), maxJ = 50 * random.NextDouble();
            bool jerk = random.Next(2) == 0;
            if (!jerk)
            {
                minJ = double.NegativeInfinity;
                maxJ = double.PositiveInfinity;
            }

            double dt = 0.001 * (1 + random.Next(20));
            double vel = (random.NextDouble() * 4) - 2;
            double prev = (random.NextDouble() * 2) - 1;
            double prevPrev = prev + (((random.NextDouble() * 2) - 1) * 0.01);
            var limits = new AxisLimits(minV, maxV, minA, maxA, minJ, maxJ);
            double ours = Kinematics.Limit(vel, prev, prevPrev, dt, limits);
            double gz = GzLimit(vel, prev, prevPrev, dt, minV, maxV, minA, maxA, minJ, maxJ);
            Assert.Equal(gz, ours, 1e-12);
        }
    }

    [Fact]
    public void Limit_ends_a_ramp_exactly_on_the_target()
    {
        var limits = new AxisLimits(-0.22, 0.22, -1, 1, double.NegativeInfinity, double.PositiveInfinity);
        double v = 0, vPrev = 0;
        int steps = 0;
        while (v != 0.2 && steps < 1000)
        {
            double next = Kinematics.Limit(0.2, v, vPrev, 0.001, limits);
            Assert.True(Math.Abs(next - v) <= (1.0 * 0.001) + 1e-15, $"step {steps}: change {next - v} exceeds a dt");
            vPrev = v;
            v = next;
            steps++;
        }

        Assert.Equal(0.2, v);
        Assert.InRange(steps, 200, 201);
    }
}
