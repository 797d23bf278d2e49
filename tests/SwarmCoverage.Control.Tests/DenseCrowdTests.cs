using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>
/// The cases that used to stall the solver: crowds in contact, pushed together (the dense coverage state of the default
/// scenario, where the dual coordinate ascent hit its 100-sweep cap in 2377 of 2400 ticks), and the recursive feasibility of
/// the braking barrier in closed loop.
/// </summary>
public class DenseCrowdTests
{
    private const double Period = 0.05;

    /// <summary>The filter options of the default simulate scenario (Burgers, r = 0.22 m between centres, l = 0.05 m).</summary>
    private static SafetyFilterOptions DefaultScenario => new()
    {
        SafetyRadiusM = 0.32,
        WallMarginM = 0.15,
        PairBarrierGain = 100,
        WallBarrierGain = 40,
        DiscreteDecayFraction = 0.227,
    };

    [Theory]
    [InlineData(40, 1)]
    [InlineData(40, 2)]
    [InlineData(60, 3)]
    public void A_packed_crowd_of_burgers_pushed_together_converges_to_the_KKT_point(int n, int seed)
    {
        var arena = ArenaBox.Rectangle(0, 4, 0, 3);
        var o = DefaultScenario;
        var model = RobotPresets.TurtleBot3Burger;
        var rng = new Random(seed);
        // Hexagonal packing of controlled points 6 mm beyond r + 2 hold margins, around the arena centre.
        double spacing = o.SafetyRadiusM + 2 * model.HoldErrorBoundM(Period) + 0.006;
        var pts = new double[2 * n];
        int cols = (int)Math.Ceiling(Math.Sqrt(n));
        for (int i = 0; i < n; i++)
        {
            int row = i / cols, col = i % cols;
            pts[2 * i] = 2 - 0.5 * cols * spacing + (col + 0.5 * (row % 2)) * spacing;
            pts[2 * i + 1] = 1.5 - 0.5 * (n / cols) * spacing * 0.866 + row * spacing * 0.866;
        }

        var head = new double[n];
        var prev = new double[2 * n];
        var nominal = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            head[i] = rng.NextDouble() * 2 * Math.PI - Math.PI;
            // A previous command within the limits: small v and omega (a crowd that was creeping).
            double v = 0.04 * (2 * rng.NextDouble() - 1), w = 0.8 * (2 * rng.NextDouble() - 1);
            (prev[2 * i], prev[2 * i + 1]) = NearIdentity.ToSingleIntegrator(v, w, head[i], model.ProjectionDistanceM);
            // Everyone pushed towards the centre at 0.1 m/s, with a little noise: a jam.
            double dx = 2 - pts[2 * i], dy = 1.5 - pts[2 * i + 1];
            double len = Math.Max(1e-9, Math.Sqrt(dx * dx + dy * dy));
            nominal[2 * i] = 0.1 * dx / len + 0.01 * (rng.NextDouble() - 0.5);
            nominal[2 * i + 1] = 0.1 * dy / len + 0.01 * (rng.NextDouble() - 0.5);
        }

        var models = Enumerable.Repeat(model, n).ToArray();
        var filter = new SafetyFilter(arena, o);
        var u = new double[2 * n];
        var diag = filter.Filter(pts, models, head, prev, nominal, [], Period, u);
        Assert.Equal(0, diag.InfeasibleComponents);
        Assert.True(diag.NonConvergedComponents == 0, $"not converged: {diag.NewtonSteps} Newton steps, {diag.OuterIterations} multiplier updates");
        Assert.True(diag.Components <= 2, $"{diag.Components} groups: the crowd is not one coupled jam");

        // KKT certificate against the QP rebuilt from its definition: feasible (up to the rounding allowance of the check),
        // stationary with non-negative multipliers on the rows the solution meets within the tightening.
        var rows = ReferenceQp.Build(pts, models, head, prev, Period, arena, o);
        var (infeasibility, stationarity, active) = ReferenceQp.Kkt(rows, u, nominal, n, 2, 2e-5);
        Assert.True(infeasibility <= 1e-12, $"a defined constraint is violated by {infeasibility} m/s");
        Assert.True(stationarity <= 1e-5, $"stationarity residual {stationarity} m/s with {active} active constraints");
        Assert.True(active >= n, $"only {active} active constraints: the crowd is not jammed");

        // The pipeline's entry, headings given as their sine and cosine, is the same filter bit for bit; spans of the
        // wrong length are refused naming them.
        var sin = new double[n];
        var cos = new double[n];
        for (int i = 0; i < n; i++) (sin[i], cos[i]) = model.HeadingSinCos(head[i]);
        var u2 = new double[2 * n];
        _ = new SafetyFilter(arena, o).Filter(pts, models, sin, cos, prev, nominal, [], Period, u2);
        Assert.Equal(u.Select(BitConverter.DoubleToInt64Bits), u2.Select(BitConverter.DoubleToInt64Bits));
        var shortCos = Assert.Throws<ArgumentException>(() => filter.Filter(pts, models, sin, cos[..^1], prev, nominal, [], Period, u2));
        Assert.Contains($"{n} heading sines but {n - 1} cosines", shortCos.Message, StringComparison.Ordinal);
        var shortHeadings = Assert.Throws<ArgumentException>(() => filter.Filter(pts, models, head[..^1], prev, nominal, [], Period, u2));
        Assert.Contains($"headings {n - 1}", shortHeadings.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Twenty_jams_listed_and_solved_on_several_threads_give_the_bits_of_one_thread()
    {
        // 20 packed crowds of 20 burgers, each pushed together: 400 robots in 20 coupled groups that need Newton steps,
        // enough robots for the filter to list its pairs and solve its groups on the shared pool.
        const int clusters = 20, each = 20, n = clusters * each;
        var arena = ArenaBox.Rectangle(0, 40, 0, 32);
        var o = DefaultScenario;
        var model = RobotPresets.TurtleBot3Burger;
        var rng = new Random(20261208);
        double spacing = o.SafetyRadiusM + 2 * model.HoldErrorBoundM(Period) + 0.006;
        var pts = new double[2 * n];
        var head = new double[n];
        var prev = new double[2 * n];
        var nominal = new double[2 * n];
        for (int c = 0; c < clusters; c++)
        {
            double cx = 4 + 8 * (c % 5), cy = 4 + 8 * (c / 5);
            for (int k = 0; k < each; k++)
            {
                int i = c * each + k, row = k / 5, col = k % 5;
                pts[2 * i] = cx + (col - 2 + 0.5 * (row % 2)) * spacing;
                pts[2 * i + 1] = cy + (row - 2) * spacing * 0.866;
                head[i] = rng.NextDouble() * 2 * Math.PI - Math.PI;
                double v = 0.04 * (2 * rng.NextDouble() - 1), w = 0.8 * (2 * rng.NextDouble() - 1);
                (prev[2 * i], prev[2 * i + 1]) = NearIdentity.ToSingleIntegrator(v, w, head[i], model.ProjectionDistanceM);
                double dx = cx - pts[2 * i], dy = cy - pts[2 * i + 1];
                double len = Math.Max(1e-9, Math.Sqrt(dx * dx + dy * dy));
                nominal[2 * i] = 0.1 * dx / len + 0.01 * (rng.NextDouble() - 0.5);
                nominal[2 * i + 1] = 0.1 * dy / len + 0.01 * (rng.NextDouble() - 0.5);
            }
        }

        // Stale robots beside every other jam: obstacle rows, in every part of the pairs.
        var obstacles = new double[2 * clusters];
        for (int c = 0; c < clusters; c++)
        {
            obstacles[2 * c] = 4 + 8 * (c % 5) + (c % 2 == 0 ? 0.95 : 6);
            obstacles[2 * c + 1] = 4 + 8 * (c / 5);
        }

        var models = Enumerable.Repeat(model, n).ToArray();
        var one = new SafetyFilter(arena, o, workers: 1);
        var several = new SafetyFilter(arena, o, workers: 4);
        var u1 = new double[2 * n];
        var u4 = new double[2 * n];
        for (int tick = 0; tick < 3; tick++)
        {
            var d1 = one.Filter(pts, models, head, prev, nominal, obstacles, Period, u1);
            var d4 = several.Filter(pts, models, head, prev, nominal, obstacles, Period, u4);
            Assert.True(d1.Components >= clusters && d1.NewtonSteps >= clusters, $"{d1.Components} groups, {d1.NewtonSteps} Newton steps: not 20 jams");
            Assert.True(d1.ObstacleConstraints >= clusters / 2, $"{d1.ObstacleConstraints} obstacle rows");
            Assert.Equal(d1, d4);
            Assert.Equal(u1.Select(BitConverter.DoubleToInt64Bits), u4.Select(BitConverter.DoubleToInt64Bits));
            u1.CopyTo(prev, 0); // the next tick starts from these commands
        }

        Assert.Equal(0, one.ParallelCalls);
        Assert.Equal(3, several.ParallelCalls);
    }

    public static TheoryData<double> Accelerations => new() { 2.0, 0.6 };

    /// <summary>
    /// Recursive feasibility for holonomic robots: from states the filter itself produced, the braking command meets every
    /// braking-envelope row again, so no row ever needs relaxing, every acceleration limit holds at every tick, and the
    /// robots keep the radius, under an adversarial nominal (squeeze, push into the walls, shake).
    /// </summary>
    [Theory]
    [MemberData(nameof(Accelerations))]
    public void Holonomic_swarms_never_need_more_braking_than_they_have(double accel)
    {
        var arena = ArenaBox.Rectangle(-1.6, 1.6, -1, 1);
        var o = new SafetyFilterOptions { SafetyRadiusM = 0.15, WallMarginM = 0.075 };
        var model = new RobotModel { Name = "holo", Kind = RobotKind.Holonomic2D, MaxLinearSpeedMps = 0.3, MaxLinearAccelerationMps2 = accel };
        const int n = 40;
        var pts = TestSupport.PoissonPoints(n, 2, arena, 0.08, 0.152, 7);
        var models = Enumerable.Repeat(model, n).ToArray();
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena, Safety = o });
        var prev = new RobotCommand[n];
        var cmds = new RobotCommand[n];
        var head = new double[n];
        var noise = new Random(8);
        long relaxations = 0, nonConverged = 0;
        double minPair = double.PositiveInfinity;
        for (int t = 0; t < 300; t++)
        {
            var des = new double[2 * n];
            for (int i = 0; i < n; i++)
            {
                double x = pts[2 * i], y = pts[2 * i + 1];
                (des[2 * i], des[2 * i + 1]) = (t / 100) switch
                {
                    0 => (-3 * x, -3 * y),
                    1 => (2 * Math.Sign(x), 2 * Math.Sign(y)),
                    _ => (noise.NextDouble() - 0.5, noise.NextDouble() - 0.5),
                };
            }

            var diag = pipe.Step(new ControlStepInput
            {
                ControlledPoints = pts, HeadingsRad = head, Models = models, DesiredVelocities = des, PreviousCommands = prev,
                ControlPeriodS = Period,
            }, cmds);
            relaxations += diag.Safety.BrakingRelaxations;
            nonConverged += diag.Safety.NonConvergedComponents;
            for (int i = 0; i < n; i++)
            {
                // The acceleration polygon (inradius a T cos(pi/16)) lies inside the disc of radius a T.
                double dv = Math.Sqrt(Math.Pow(cmds[i].Vx - prev[i].Vx, 2) + Math.Pow(cmds[i].Vy - prev[i].Vy, 2));
                Assert.True(dv <= accel * Period + 1e-12, $"tick {t}, robot {i}: velocity change {dv} m/s above a T");
                Assert.True(Math.Sqrt(cmds[i].Vx * cmds[i].Vx + cmds[i].Vy * cmds[i].Vy) <= 0.3 + 1e-12);
                pts[2 * i] += Period * cmds[i].Vx;
                pts[2 * i + 1] += Period * cmds[i].Vy;
            }

            Array.Copy(cmds, prev, n);
            minPair = Math.Min(minPair, TestSupport.MinPairDistance(pts, 2));
        }

        Assert.Equal(0, relaxations);
        Assert.True(minPair >= 0.15 - 1e-9, $"closest approach {minPair} m");
        Assert.True(pipe.Totals.SafetyInterventions > 1000, "the scenario is not adversarial");
        Assert.Equal(0, nonConverged);
    }

    /// <summary>
    /// The braking horizon: holding u for one period and then following the braking command of each tick, a robot stays on
    /// the segment x + [0, tau] u (the envelope the pair rows keep apart) and stops.
    /// </summary>
    [Theory]
    [InlineData(RobotKind.Holonomic2D, 2.0)]
    [InlineData(RobotKind.Holonomic2D, 0.3)]
    [InlineData(RobotKind.DifferentialDrive, 1.0)]
    public void A_braking_robot_stays_within_tau_times_its_speed(RobotKind kind, double accel)
    {
        var o = new SafetyFilterOptions();
        var model = kind == RobotKind.DifferentialDrive
            ? RobotPresets.TurtleBot3Burger with { MaxLinearAccelerationMps2 = accel }
            : new RobotModel { Name = "holo", Kind = kind, MaxLinearSpeedMps = 0.3, MaxLinearAccelerationMps2 = accel };
        double tau = SafetyFilter.BrakingHorizonS(model, Period, o);
        Assert.Equal(ReferenceQp.Horizon(model, Period, o), tau, 1e-15);
        double vmax = model.MaxLinearSpeedMps;
        for (int k = 1; k <= 30; k++)
        {
            double v = vmax * k / 30;
            // Straight motion (heading along u, omega = 0 for the unicycle): the 1-D braking chain.
            double[] u = [v, 0];
            double travelled = Period * v;
            var p = u;
            for (int tick = 0; tick < 1000 && p[0] > 0; tick++)
            {
                p = ReferenceQp.Brake(model, 0, p, Period, o.ConstraintTighteningMps, 2);
                travelled += Period * p[0];
            }

            Assert.True(travelled <= tau * v + 1e-12, $"v = {v}: travelled {travelled} m > tau v = {tau * v} m");
        }
    }
}
