using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>
/// The solver of one coupled group called alone (docs/safety-filter.md, "Parts") on seeded random feasible QPs of the
/// filter's shape (<see cref="RandomGroupQp"/>), against the dense primal active-set method of <see cref="ReferenceQp"/>,
/// which shares nothing with it: the same optimum and objective to tolerance, every original row held exactly (up to the
/// final check's rounding allowance).
/// </summary>
public sealed class GroupQpSolverTests
{
    /// <summary>Tight tolerances, as in SolverReferenceTests: the optimum itself, not the filter's 1e-7 m/s.</summary>
    private static readonly SafetyFilterOptions Exact = new()
    {
        ConstraintTighteningMps = 1e-8, ConvergenceToleranceMps = 1e-11, MaxNewtonSteps = 200_000, WorkBudgetPerRobot = 1e12,
    };

    [Theory]
    [InlineData(1, 2, 8)]
    [InlineData(2, 2, 8)]
    [InlineData(5, 2, 8)]
    [InlineData(10, 2, 8)]
    [InlineData(30, 2, 3)]
    [InlineData(8, 3, 6)]
    public void The_solver_alone_finds_the_optimum_of_the_dense_reference(int robots, int dim, int instances)
    {
        int activeCouplings = 0, activeOwn = 0;
        for (int seed = 0; seed < instances; seed++)
        {
            var qp = RandomGroupQp.Create(robots, 1000 * robots + seed, Exact.ConstraintTighteningMps, dim);
            var u = (double[])qp.Nominal.Clone();
            var status = qp.Solve(new GroupQpSolver(dim, Exact), u, out _, out int newton);
            Assert.True(status == GroupSolveStatus.Converged, $"seed {seed}: {status} after {newton} Newton steps");

            var tightened = Dense(qp.Rows.View, original: false);
            var (reference, multipliers) = ReferenceQp.ActiveSet(tightened, qp.Nominal, qp.Witness, robots, dim);
            AssertSameOptimum(qp, tightened, reference, u, 1e-8, $"seed {seed}");
            activeCouplings += tightened.Where((h, r) => h.J >= 0 && multipliers[r] > 1e-9).Count();
            activeOwn += tightened.Where((h, r) => h.J < 0 && multipliers[r] > 1e-9).Count();
        }

        // The instances bind: own rows always, coupling rows whenever there are pairs.
        Assert.True(activeOwn > 0, "no own row binds: the test would not exercise the solver");
        Assert.True(robots == 1 || activeCouplings > 0, "no coupling row binds: the test would not exercise the group solve");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    public void With_the_filters_default_tolerances_the_optimum_is_met_to_the_tolerance(int robots)
    {
        var o = new SafetyFilterOptions();
        for (int seed = 0; seed < 6; seed++)
        {
            var qp = RandomGroupQp.Create(robots, 77 * robots + seed, o.ConstraintTighteningMps);
            var u = (double[])qp.Nominal.Clone();
            var status = qp.Solve(new GroupQpSolver(2, o), u, out _, out int newton);
            Assert.True(status == GroupSolveStatus.Converged, $"seed {seed}: {status} after {newton} Newton steps");
            var tightened = Dense(qp.Rows.View, original: false);
            var (reference, _) = ReferenceQp.ActiveSet(tightened, qp.Nominal, qp.Witness, robots, 2);
            AssertSameOptimum(qp, tightened, reference, u, 1e-7, $"seed {seed}");
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(10, 1)]
    [InlineData(100, 101)]
    public void The_benchmarked_groups_converge_and_only_the_largest_needs_more_than_the_default_budget(int robots, int minSteps)
    {
        // SolverBenchmarks times these QPs (seed 2024) with a budget of 1,000 steps, so that it times solves to the optimum:
        // the default budget of 100 stops the 100-robot group just short of it (the budget-limited fallback).
        var qp = RandomGroupQp.Create(robots, 2024, 1e-5);
        var u = new double[qp.Nominal.Length];
        var status = qp.Solve(new GroupQpSolver(2, new SafetyFilterOptions { MaxNewtonSteps = 1000 }), u, out int outer, out int newton);
        Assert.True(status == GroupSolveStatus.Converged, $"{robots} robots: {status} after {newton} Newton steps, {outer} outer");
        Assert.True(newton >= minSteps, $"{robots} robots: {newton} Newton steps");
        var limited = qp.Solve(new GroupQpSolver(2, new SafetyFilterOptions()), u, out _, out _);
        Assert.Equal(robots == 100 ? GroupSolveStatus.FeasibleNotConverged : GroupSolveStatus.Converged, limited);
    }

    [Fact]
    public void The_result_does_not_depend_on_the_start_beyond_rounding()
    {
        var qp = RandomGroupQp.Create(10, 5, Exact.ConstraintTighteningMps);
        var fromPrevious = (double[])qp.Nominal.Clone();
        var fromWitness = (double[])qp.Nominal.Clone();
        var solver = new GroupQpSolver(2, Exact);
        Assert.Equal(GroupSolveStatus.Converged, qp.Solve(solver, fromPrevious, out _, out _));
        Assert.Equal(GroupSolveStatus.Converged, qp.Solve(solver, fromWitness, out _, out _, start: qp.Witness));
        for (int k = 0; k < fromPrevious.Length; k++)
        {
            Assert.True(Math.Abs(fromPrevious[k] - fromWitness[k]) <= 1e-8, $"u[{k}]: {fromPrevious[k]} vs {fromWitness[k]}");
        }
    }

    [Fact]
    public void Out_of_steps_the_fallback_meets_every_original_row_but_is_not_minimal()
    {
        var qp = RandomGroupQp.Create(10, 11, 1e-5);
        var o = new SafetyFilterOptions { MaxNewtonSteps = 1 };
        var u = (double[])qp.Nominal.Clone();
        var status = qp.Solve(new GroupQpSolver(2, o), u, out _, out int newton);
        Assert.Equal(GroupSolveStatus.FeasibleNotConverged, status);
        Assert.InRange(newton, 1, 2);
        var original = Dense(qp.Rows.View, original: true);
        Assert.All(original, h => Assert.True(ReferenceQp.Slack(h, u, 2) >= -GroupQpSolver.VerifySlackMps, $"violated by {-ReferenceQp.Slack(h, u, 2)}"));
        var (reference, _) = ReferenceQp.ActiveSet(Dense(qp.Rows.View, original: false), qp.Nominal, qp.Witness, 10, 2);
        Assert.True(Objective(u, qp.Nominal) > Objective(reference, qp.Nominal) + 1e-9, "the fallback is the optimum: the budget did not bind");
    }

    [Fact]
    public void A_solve_allocates_nothing_once_its_buffers_fit()
    {
        var qp = RandomGroupQp.Create(30, 3, 1e-5);
        var solver = new GroupQpSolver(2, new SafetyFilterOptions());
        var u = new double[qp.Nominal.Length];
        qp.Solve(solver, u, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var status = qp.Solve(solver, u, out _, out int newton);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(newton > 0, $"{status} without a Newton step: the allocation check covered only the projections");
    }

    [Fact]
    public void The_dense_reference_agrees_with_brute_force_on_small_groups()
    {
        // The reference's own check: on instances small enough to enumerate every active set, both give the optimum.
        for (int seed = 0; seed < 6; seed++)
        {
            var qp = RandomGroupQp.Create(seed < 3 ? 1 : 2, 50 + seed, 1e-8);
            int n = qp.RobotCount;
            var rows = Dense(qp.Rows.View, original: false);
            var brute = ReferenceQp.BruteForce(rows, qp.Nominal, n, 2);
            Assert.NotNull(brute);
            var (active, _) = ReferenceQp.ActiveSet(rows, qp.Nominal, qp.Witness, n, 2);
            for (int k = 0; k < 2 * n; k++)
            {
                Assert.Equal(brute![k], active[k], 1e-9);
            }
        }
    }

    private static void AssertSameOptimum(RandomGroupQp qp, List<ReferenceQp.HalfPlane> tightened, double[] reference, double[] u, double tol, string what)
    {
        int d = qp.Dimension;
        for (int k = 0; k < u.Length; k++)
        {
            Assert.True(Math.Abs(u[k] - reference[k]) <= tol, $"{what}: u[{k}] = {u[k]}, reference {reference[k]}");
        }

        double obj = Objective(u, qp.Nominal), refObj = Objective(reference, qp.Nominal);
        Assert.True(Math.Abs(obj - refObj) <= tol * (1 + refObj), $"{what}: objective {obj}, reference {refObj}");

        // Feasibility: every original row exactly (the final check's rounding allowance), every tightened row to the tolerance.
        foreach (var h in Dense(qp.Rows.View, original: true))
        {
            Assert.True(ReferenceQp.Slack(h, u, d) >= -GroupQpSolver.VerifySlackMps, $"{what}: an original row is violated by {-ReferenceQp.Slack(h, u, d)}");
        }

        foreach (var h in tightened)
        {
            Assert.True(ReferenceQp.Slack(h, u, d) >= -tol, $"{what}: a tightened row is violated by {-ReferenceQp.Slack(h, u, d)}");
        }
    }

    private static double Objective(double[] u, double[] nominal) => u.Zip(nominal, (a, b) => (a - b) * (a - b)).Sum();

    /// <summary>The rows as the reference's half-planes a . (u_I - u_J) &gt;= B: two-sided own rows as two, infinite bounds left out.</summary>
    private static List<ReferenceQp.HalfPlane> Dense(QpRows rows, bool original)
    {
        int d = rows.Dimension;
        var list = new List<ReferenceQp.HalfPlane>();
        for (int q = 0; q < rows.OwnCount; q++)
        {
            var a = rows.OwnNormals.Slice(q * d, d).ToArray();
            double lo = original ? rows.OwnLoOriginal[q] : rows.OwnLo[q];
            double hi = original ? rows.OwnHiOriginal[q] : rows.OwnHi[q];
            if (double.IsFinite(lo))
            {
                list.Add(new ReferenceQp.HalfPlane(rows.OwnRobot[q], -1, a, lo));
            }

            if (double.IsFinite(hi))
            {
                list.Add(new ReferenceQp.HalfPlane(rows.OwnRobot[q], -1, a.Select(x => -x).ToArray(), -hi));
            }
        }

        for (int r = 0; r < rows.CouplingCount; r++)
        {
            double lo = original ? rows.CouplingLoOriginal[r] : rows.CouplingLo[r];
            list.Add(new ReferenceQp.HalfPlane(rows.CouplingFirst[r], rows.CouplingSecond[r], rows.CouplingNormals.Slice(r * d, d).ToArray(), lo));
        }

        return list;
    }
}
