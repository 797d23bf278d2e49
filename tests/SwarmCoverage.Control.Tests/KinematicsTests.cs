using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

public class KinematicsTests
{
    [Theory]
    [InlineData(0.3, -0.1, 0.0, 0.05)]
    [InlineData(0.3, -0.1, 1.2, 0.05)]
    [InlineData(-0.2, 0.4, -2.7, 0.1)]
    [InlineData(0.0, 0.0, 0.5, 0.02)]
    public void NearIdentity_matches_the_matrix_of_its_definition(double ux, double uy, double th, double l)
    {
        // [v; omega] = [[cos th, sin th], [-sin th / l, cos th / l]] u, written out by hand.
        double[,] m = { { Math.Cos(th), Math.Sin(th) }, { -Math.Sin(th) / l, Math.Cos(th) / l } };
        double vRef = m[0, 0] * ux + m[0, 1] * uy;
        double wRef = m[1, 0] * ux + m[1, 1] * uy;
        var (v, w) = NearIdentity.ToUnicycle(ux, uy, th, l);
        Assert.Equal(vRef, v, 1e-14);
        Assert.Equal(wRef, w, 1e-12);
        var (bx, by) = NearIdentity.ToSingleIntegrator(v, w, th, l);
        Assert.Equal(ux, bx, 1e-14);
        Assert.Equal(uy, by, 1e-14);
    }

    [Fact]
    public void Controlled_point_moves_with_u_in_continuous_time()
    {
        // Finite difference of the exact unicycle motion over a tiny time: d/dt (x + l cos th, y + l sin th) = u.
        var model = RobotPresets.RobotariumGritsbot;
        var pose = Pose.Planar(0.3, -0.2, 2.1);
        double ux = 0.07, uy = -0.05, dt = 1e-6;
        var cmd = model.ToCommand([ux, uy], pose.YawRad);
        var next = TestSupport.IntegrateUnicycle(pose, cmd.Vx, cmd.OmegaZ, dt);
        Span<double> p0 = stackalloc double[2];
        Span<double> p1 = stackalloc double[2];
        model.ControlledPoint(pose, p0);
        model.ControlledPoint(next, p1);
        Assert.Equal(ux, (p1[0] - p0[0]) / dt, 1e-6);
        Assert.Equal(uy, (p1[1] - p0[1]) / dt, 1e-6);
        var (ax, ay) = TestSupport.Ahead(pose, model.ProjectionDistanceM);
        Assert.Equal(ax, p0[0], 1e-15);
        Assert.Equal(ay, p0[1], 1e-15);
    }

    [Fact]
    public void Hold_error_bound_covers_the_exact_arc()
    {
        // Holding (v, omega) for T moves the controlled point off T u by at most omegaMax * |u|max * T^2 / 2.
        var model = RobotPresets.TurtleBot3Burger;
        double period = 0.05, bound = model.HoldErrorBoundM(period);
        var rng = new Random(7);
        double worst = 0;
        Span<double> p0 = stackalloc double[2];
        Span<double> p1 = stackalloc double[2];
        Span<double> u = stackalloc double[2];
        for (int trial = 0; trial < 2000; trial++)
        {
            var pose = Pose.Planar(0, 0, rng.NextDouble() * 2 * Math.PI);
            double v = (2 * rng.NextDouble() - 1) * model.MaxLinearSpeedMps;
            double w = (2 * rng.NextDouble() - 1) * model.MaxAngularSpeedRadps;
            model.ToSingleIntegrator(new RobotCommand(v, 0, 0, w), pose.YawRad, u);
            model.ControlledPoint(pose, p0);
            model.ControlledPoint(TestSupport.IntegrateUnicycle(pose, v, w, period), p1);
            double ex = p1[0] - p0[0] - period * u[0], ey = p1[1] - p0[1] - period * u[1];
            worst = Math.Max(worst, Math.Sqrt(ex * ex + ey * ey));
        }

        Assert.True(worst <= bound, $"worst {worst} > bound {bound}");
        Assert.True(worst > 0.3 * bound, $"bound {bound} is far from tight ({worst}); the test would not notice a wrong formula");
    }

    [Fact]
    public void Holonomic_and_aerial_commands_are_the_velocity()
    {
        var holo = new RobotModel { Kind = RobotKind.Holonomic2D, MaxLinearSpeedMps = 1 };
        Assert.Equal(new RobotCommand(0.1, -0.2, 0, 0), holo.ToCommand([0.1, -0.2], 1.0));
        var air = new RobotModel { Kind = RobotKind.Aerial3D, MaxLinearSpeedMps = 1, MaxVerticalSpeedMps = 0.5 };
        Assert.Equal(new RobotCommand(0.1, -0.2, 0.3, 0), air.ToCommand([0.1, -0.2, 0.3], 1.0));
        Span<double> p = stackalloc double[3];
        air.ControlledPoint(new Pose(1, 2, 3, 0.4), p);
        Assert.Equal([1.0, 2.0, 3.0], p.ToArray());
        var body = new RobotCommand(1, 0, 0, 0).WorldToBody(Math.PI / 2);
        Assert.Equal(0, body.Vx, 1e-15);
        Assert.Equal(-1, body.Vy, 1e-15);
    }

    [Fact]
    public void Wheel_speeds_follow_the_differential_drive_formula()
    {
        var (r, l) = WheelSpace.ToWheelSpeeds(0.1, 2.0, 0.016, 0.11);
        Assert.Equal((0.1 + 2.0 * 0.055) / 0.016, r, 1e-12);
        Assert.Equal((0.1 - 2.0 * 0.055) / 0.016, l, 1e-12);
        var (v, w) = WheelSpace.FromWheelSpeeds(r, l, 0.016, 0.11);
        Assert.Equal(0.1, v, 1e-14);
        Assert.Equal(2.0, w, 1e-12);
    }

    public static TheoryData<string, double, double, double, double, double, double> Table => new()
    {
        // name, max linear m/s, max angular rad/s, separation m, radius m, wheel clip rad/s, linear accel m/s^2 (design table)
        { "turtlebot3_burger", 0.22, 2.84, 0.160, 0.033, double.PositiveInfinity, 1.0 },
        { "turtlebot3_waffle", 0.26, 1.82, 0.287, 0.033, double.PositiveInfinity, double.PositiveInfinity },
        { "robotarium_gritsbot", 0.2, 3.64, 0.11, 0.016, 12.5, double.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Presets_match_the_design_table(string name, double vmax, double wmax, double sep, double radius, double wheel, double accel)
    {
        var m = RobotPresets.ByName[name];
        Assert.Equal(RobotKind.DifferentialDrive, m.Kind);
        Assert.Equal(vmax, m.MaxLinearSpeedMps);
        Assert.Equal(wmax, m.MaxAngularSpeedRadps);
        Assert.Equal(sep, m.WheelSeparationM);
        Assert.Equal(radius, m.WheelRadiusM);
        Assert.Equal(wheel, m.MaxWheelSpeedRadps);
        Assert.Equal(accel, m.MaxLinearAccelerationMps2);
        Assert.Equal(0.05, m.ProjectionDistanceM);
        Assert.Empty(m.ValidationErrors());
    }

    [Fact]
    public void Invalid_models_name_parameter_value_and_range()
    {
        var bad = RobotPresets.RobotariumGritsbot with { MaxLinearSpeedMps = -0.2, ProjectionDistanceM = double.NaN, WheelRadiusM = 0 };
        var errors = bad.ValidationErrors();
        Assert.Contains(errors, e => e.Contains("MaxLinearSpeedMps = -0.2", StringComparison.Ordinal) && e.Contains("finite and > 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ProjectionDistanceM = NaN", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("WheelRadiusM = 0", StringComparison.Ordinal));
        var ex = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.Contains("robotarium_gritsbot", ex.Message, StringComparison.Ordinal);
        var air = new RobotModel { Kind = RobotKind.Aerial3D, MaxLinearSpeedMps = 1 };
        Assert.Contains(air.ValidationErrors(), e => e.Contains("MaxVerticalSpeedMps = ∞", StringComparison.Ordinal) || e.Contains("MaxVerticalSpeedMps = Infinity", StringComparison.Ordinal));
    }

    [Fact]
    public void Wheel_space_saturation_of_a_spin_hits_the_wheel_limit_exactly()
    {
        // GRITSbot spinning at 5 rad/s needs wheels at 5 * 0.055 / 0.016 = 17.19 rad/s > 12.5: both scale by 12.5 / 17.19.
        var m = RobotPresets.RobotariumGritsbot;
        var (v, w, clipped) = WheelSpace.Saturate(m, 0.0, 5.0);
        Assert.True(clipped);
        Assert.Equal(0.0, v, 1e-15);
        Assert.Equal(12.5 * 0.016 / 0.055, w, 1e-12);
        var (v2, w2, c2) = WheelSpace.Saturate(m, 0.1, 0.5);
        Assert.False(c2);
        Assert.Equal((0.1, 0.5), (v2, w2));
    }

    [Property(MaxTest = 500, Replay = "(1234567,891011)")]
    public Property Wheel_space_saturation_keeps_curvature_and_respects_every_limit()
    {
        var gen = Gen.Choose(-1_000_000, 1_000_000).Select(i => i / 1_000_000.0);
        return Prop.ForAll(Arb.From(gen), Arb.From(gen), Arb.From(Gen.Elements(0, 1, 2)), (a, b, which) =>
        {
            var m = which switch { 0 => RobotPresets.RobotariumGritsbot, 1 => RobotPresets.TurtleBot3Burger, _ => RobotPresets.TurtleBot3Waffle };
            double v = 2 * a, w = 20 * b; // up to 10x the limits
            var (vs, ws, clipped) = WheelSpace.Saturate(m, v, w);
            const double eps = 1e-12;
            bool limits = Math.Abs(vs) <= m.MaxLinearSpeedMps + eps && Math.Abs(ws) <= m.MaxAngularSpeedRadps + eps;
            if (m.HasWheelLimit)
            {
                var (r, l) = WheelSpace.ToWheelSpeeds(vs, ws, m.WheelRadiusM, m.WheelSeparationM);
                limits &= Math.Abs(r) <= m.MaxWheelSpeedRadps + 1e-9 && Math.Abs(l) <= m.MaxWheelSpeedRadps + 1e-9;
            }

            // Same curvature: (vs, ws) parallel to (v, w) with a factor in (0, 1].
            bool parallel = Math.Abs(vs * w - ws * v) <= 1e-12 * (1 + Math.Abs(v * w));
            bool shrunk = vs * v >= 0 && ws * w >= 0 && Math.Abs(vs) <= Math.Abs(v) + eps && Math.Abs(ws) <= Math.Abs(w) + eps;
            // Maximal: when clipped, at least one limit is reached.
            bool tight = !clipped || Math.Abs(Math.Abs(vs) - m.MaxLinearSpeedMps) < 1e-9 || Math.Abs(Math.Abs(ws) - m.MaxAngularSpeedRadps) < 1e-9
                || (m.HasWheelLimit && Math.Abs(Math.Max(Math.Abs(WheelSpace.ToWheelSpeeds(vs, ws, m.WheelRadiusM, m.WheelSeparationM).RightRadps),
                    Math.Abs(WheelSpace.ToWheelSpeeds(vs, ws, m.WheelRadiusM, m.WheelSeparationM).LeftRadps)) - m.MaxWheelSpeedRadps) < 1e-9);
            return (limits && parallel && shrunk && tight).Label($"v={v} w={w} -> {vs} {ws} clipped={clipped}");
        });
    }
}
