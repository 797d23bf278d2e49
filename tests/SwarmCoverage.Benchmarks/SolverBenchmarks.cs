using BenchmarkDotNet.Attributes;
using SwarmCoverage.Control;
using SwarmCoverage.Control.Tests;

namespace SwarmCoverage.Benchmarks;

/// <summary>
/// The safety filter's QP solver of one coupled group called alone (docs/safety-filter.md, "Parts"), on the seeded random
/// QPs of the filter's shape its tests use (RandomGroupQp: robots 0.16 m apart on a lattice, driven to the centre, with
/// speed and acceleration slabs, walls and pair rows), with the filter's default options except a step budget of 1,000
/// Newton steps, so that every group is timed to its optimum: the 100-robot group needs about 100 to 140 steps, just past
/// the default budget of 100, which would time the budget-limited solve and its fallback instead. One robot: its
/// projection alone; two or more: the coupled solve (Newton steps, line search, polish). The whole-filter ticks are in
/// ControlBenchmarks.
/// </summary>
[MemoryDiagnoser]
public class SolverBenchmarks
{
    private RandomGroupQp _qp = null!;
    private GroupQpSolver _solver = null!;
    private double[] _u = [];

    [Params(1, 2, 10, 100)]
    public int GroupRobots { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var o = Options;
        _qp = RandomGroupQp.Create(GroupRobots, SolverBenchmarkSeed, o.ConstraintTighteningMps);
        _solver = new GroupQpSolver(2, o);
        _u = new double[_qp.Nominal.Length];
    }

    /// <summary>The seed of the benchmark's QPs (GroupQpSolverTests checks that they converge with <see cref="Options"/>).</summary>
    public const int SolverBenchmarkSeed = 2024;

    /// <summary>The filter's defaults with room for the 100-robot group to converge.</summary>
    public static SafetyFilterOptions Options { get; } = new() { MaxNewtonSteps = 1000 };

    [Benchmark(Description = "group QP solver alone")]
    public int Solve()
    {
        _qp.Solve(_solver, _u, out _, out int newton);
        return newton;
    }
}
