using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>The safety filter's solution against the QP rebuilt from its definition and solved by other means.</summary>
public class SolverReferenceTests
{
    private static readonly ArenaBox Arena = ArenaBox.Rectangle(-1, 1, -0.8, 0.8);
    private const double Period = 0.05;

    private static RobotModel Holo => new() { Name = "holo", Kind = RobotKind.Holonomic2D, MaxLinearSpeedMps = 0.3 };

    private static (double[] Points, double[] Headings, double[] Nominal) Scenario(int n, int seed, double r, bool allowOverlap = true)
    {
        var rng = new Random(seed);
        var pts = new double[2 * n];
        var head = new double[n];
        var nom = new double[2 * n];
        // A cluster near a random wall or corner: each robot just outside r (or inside it for some seeds) from the previous one.
        double cx = (rng.NextDouble() < 0.5 ? -1 : 1) * (0.55 + 0.3 * rng.NextDouble());
        double cy = (rng.NextDouble() < 0.5 ? -1 : 1) * (0.3 + 0.35 * rng.NextDouble());
        pts[0] = cx;
        pts[1] = cy;
        for (int i = 1; i < n; i++)
        {
            // Each robot just outside r (or inside it for some seeds) from a random earlier one; without overlap, every pair
            // keeps at least r + 0.01 (rejection), so zero is a feasible command and the QP must be feasible.
            for (int attempt = 0; ; attempt++)
            {
                int anchor = rng.Next(i);
                double ang = rng.NextDouble() * 2 * Math.PI;
                double dist = r * (allowOverlap && seed % 5 == 0 ? 0.9 : 1.0) + 0.01 + 0.06 * rng.NextDouble();
                pts[2 * i] = pts[2 * anchor] + dist * Math.Cos(ang);
                pts[2 * i + 1] = pts[2 * anchor + 1] + dist * Math.Sin(ang);
                bool inside = Math.Abs(pts[2 * i]) < 0.92 && Math.Abs(pts[2 * i + 1]) < 0.72;
                if (allowOverlap || (inside && TestSupport.MinPairDistance(pts.AsSpan(0, 2 * (i + 1)), 2) >= r + 0.01) || attempt > 10_000)
                {
                    break;
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            head[i] = rng.NextDouble() * 2 * Math.PI - Math.PI;
            // Towards the cluster centre and the nearest wall, faster than the limits.
            double ang = rng.NextDouble() * 2 * Math.PI;
            double speed = 0.6 * rng.NextDouble();
            nom[2 * i] = speed * Math.Cos(ang) + 0.3 * Math.Sign(cx) - 0.5 * (pts[2 * i] - cx);
            nom[2 * i + 1] = speed * Math.Sin(ang) + 0.3 * Math.Sign(cy) - 0.5 * (pts[2 * i + 1] - cy);
        }

        return (pts, head, nom);
    }

    private static double[] RunFilter(SafetyFilterOptions o, double[] pts, RobotModel[] models, double[] head, double[] prevU, double[] nom,
        out SafetyFilterDiagnostics diag)
    {
        var filter = new SafetyFilter(Arena, o);
        var u = new double[nom.Length];
        diag = filter.Filter(pts, models, head, prevU, nom, [], Period, u);
        return u;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_robots_match_the_brute_force_optimum(bool unicycle)
    {
        var o = new SafetyFilterOptions { SafetyRadiusM = 0.15, PairBarrierGain = 100, MaxNewtonSteps = 200_000, WorkBudgetPerRobot = 1e12, ConstraintTighteningMps = 1e-8, ConvergenceToleranceMps = 1e-11 };
        int compared = 0, activePairs = 0;
        for (int seed = 1; seed <= 12; seed++)
        {
            var (pts, head, nom) = Scenario(2, seed, o.SafetyRadiusM);
            var models = Enumerable.Repeat(unicycle ? RobotPresets.RobotariumGritsbot : Holo, 2).ToArray();
            var prev = new double[4];
            var u = RunFilter(o, pts, models, head, prev, nom, out var diag);
            var rows = ReferenceQp.Build(pts, models, head, prev, Period, Arena, o);
            var reference = ReferenceQp.BruteForce(rows, nom, 2, 2);
            if (reference is null)
            {
                // Infeasible by the definition: the filter must have commanded zero.
                Assert.Equal(1, diag.InfeasibleComponents);
                Assert.All(u, x => Assert.Equal(0.0, x));
                continue;
            }

            compared++;
            for (int k = 0; k < 4; k++)
            {
                Assert.True(Math.Abs(u[k] - reference[k]) <= 1e-6, $"seed {seed}: u[{k}] = {u[k]}, reference {reference[k]}");
            }

            if (Math.Abs(ReferenceQp.Slack(rows.Single(h => h.J >= 0), reference, 2)) < 1e-9)
            {
                activePairs++;
            }

            Assert.All(rows, h => Assert.True(ReferenceQp.Slack(h, u, 2) >= 0, $"seed {seed}: filter output violates a constraint by {-ReferenceQp.Slack(h, u, 2)}"));
        }

        Assert.True(compared >= 8, $"only {compared} feasible instances");
        Assert.True(activePairs >= 3, $"the pair constraint was active in only {activePairs} instances; the test would not exercise it");
    }

    [Theory]
    [InlineData(6, false)]
    [InlineData(12, false)]
    [InlineData(8, true)]
    [InlineData(16, true)]
    public void Larger_clusters_satisfy_the_KKT_conditions_of_the_defined_QP(int n, bool unicycle)
    {
        var o = new SafetyFilterOptions { SafetyRadiusM = 0.15, MaxNewtonSteps = 200_000, WorkBudgetPerRobot = 1e12, ConstraintTighteningMps = 1e-8, ConvergenceToleranceMps = 1e-11 };
        int checkedInstances = 0;
        for (int seed = 100; seed < 106; seed++)
        {
            var (pts, head, nom) = Scenario(n, seed, o.SafetyRadiusM, allowOverlap: false);
            Assert.True(TestSupport.MinPairDistance(pts, 2) >= o.SafetyRadiusM + 0.01);
            var models = Enumerable.Repeat(unicycle ? RobotPresets.TurtleBot3Burger with { MaxLinearAccelerationMps2 = double.PositiveInfinity } : Holo, n).ToArray();
            var prev = new double[2 * n];
            var u = RunFilter(o, pts, models, head, prev, nom, out var diag);
            Assert.Equal(0, diag.InfeasibleComponents);
            Assert.True(diag.NonConvergedComponents == 0, $"seed {seed}: not converged after {diag.NewtonSteps} Newton steps, {diag.OuterIterations} outer");
            checkedInstances++;
            var rows = ReferenceQp.Build(pts, models, head, prev, Period, Arena, o);
            var (infeasibility, stationarity, active) = ReferenceQp.Kkt(rows, u, nom, n, 2, 1e-6);
            Assert.True(infeasibility <= 0, $"seed {seed}: a defined constraint is violated by {infeasibility} m/s");
            Assert.True(stationarity <= 1e-5, $"seed {seed}: stationarity residual {stationarity} m/s with {active} active constraints");
            Assert.True(active > 0);
        }

        Assert.Equal(6, checkedInstances);
    }

    [Fact]
    public void Aerial_swarm_satisfies_the_KKT_conditions_in_3D()
    {
        var arena = ArenaBox.Box(-1, 1, -1, 1, 0, 1.5);
        var model = new RobotModel { Name = "cf", Kind = RobotKind.Aerial3D, MaxLinearSpeedMps = 0.4, MaxVerticalSpeedMps = 0.2 };
        var o = new SafetyFilterOptions { SafetyRadiusM = 0.2, WallMarginM = 0.1, MaxNewtonSteps = 200_000, WorkBudgetPerRobot = 1e12, ConstraintTighteningMps = 1e-8, ConvergenceToleranceMps = 1e-11 };
        const int n = 10;
        var pts = TestSupport.PoissonPoints(n, 3, ArenaBox.Box(-0.45, 0.45, -0.45, 0.45, 0.2, 0.8), 0, 0.2, seed: 5);
        var rng = new Random(9);
        var nom = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < 3; k++)
            {
                nom[3 * i + k] = -1.0 * pts[3 * i + k] + (k == 2 ? -1.0 : 0) + 0.2 * (rng.NextDouble() - 0.5);
            }
        }

        var models = Enumerable.Repeat(model, n).ToArray();
        var filter = new SafetyFilter(arena, o);
        var u = new double[3 * n];
        var diag = filter.Filter(pts, models, new double[n], new double[3 * n], nom, [], Period, u);
        Assert.Equal(0, diag.InfeasibleComponents);
        Assert.Equal(0, diag.NonConvergedComponents);
        var rows = ReferenceQp.Build(pts, models, new double[n], new double[3 * n], Period, arena, o);
        var (infeasibility, stationarity, active) = ReferenceQp.Kkt(rows, u, nom, n, 3, 1e-6);
        Assert.True(infeasibility <= 0, $"violated by {infeasibility}");
        Assert.True(stationarity <= 1e-5, $"stationarity {stationarity}, {active} active");
        Assert.True(diag.Interventions > 0);
    }

    [Fact]
    public void Reference_brute_force_solves_a_hand_worked_projection()
    {
        // min |u - (1, 0)|^2 s.t. u_x + u_y >= 2 (one robot, plane normal (1,1)/1): optimum (1.5, 0.5).
        var rows = new List<ReferenceQp.HalfPlane> { new(0, -1, [1, 1], 2) };
        var u = ReferenceQp.BruteForce(rows, [1, 0], 1, 2);
        Assert.NotNull(u);
        Assert.Equal(1.5, u![0], 1e-12);
        Assert.Equal(0.5, u[1], 1e-12);
    }

    [Fact]
    public void Neighbour_radius_is_where_the_rate_law_stops_binding()
    {
        double r = 0.16, rel = 0.5, gamma = 100;
        double s = SafetyFilter.NeighbourRadius(r, rel, gamma);
        double h = s * s - r * r;
        Assert.True(gamma * h * h * h / (2 * s) >= rel, "at the radius the rate law still binds");
        double s2 = s * 0.98;
        double h2 = s2 * s2 - r * r;
        Assert.True(gamma * h2 * h2 * h2 / (2 * s2) < rel, "radius is not the smallest such distance");
    }
}
