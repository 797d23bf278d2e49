using BenchmarkDotNet.Attributes;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Metrics;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Benchmarks;

/// <summary>
/// One metrics row of <c>simulate</c> (docs/method.md section 7): the energy distance to the target, the coverage cost
/// with its uncovered radius, and the minimum pairwise distance, for robots spread at random over an arena of about
/// 0.49 m^2 per robot with a two-blob target (the shape of launch/bench_1000.yaml and bench_10000.yaml). Baseline: the
/// energy distance summed as a703683 did, before the pair sums ran in the lane kernels. Read by Ratio. Run:
/// <c>dotnet run -c Release --project tests/SwarmCoverage.Benchmarks -- --filter '*MetricsBenchmarks*'</c>
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private double[] _points = [];
    private TargetQuadrature _quadrature = null!;

    [Params(1000, 10000)]
    public int Robots { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        double side = Math.Sqrt(Robots * 0.49);
        var box = new Box([0, 0], [side, side]);
        var target = new GaussianMixtureDensity(box,
        [
            new GaussianComponent(0.5, [0.3 * side, 0.4 * side], [0.12 * side, 0.12 * side]),
            new GaussianComponent(0.5, [0.7 * side, 0.6 * side], [0.12 * side, 0.12 * side]),
        ]);
        using var field = new BlobField(target, new BlobOptions { Epsilon = side / 40 });
        _quadrature = new TargetQuadrature(field);
        var rng = new Random(7);
        _points = Enumerable.Range(0, 2 * Robots).Select(_ => rng.NextDouble() * side).ToArray();
    }

    [Benchmark(Baseline = true, Description = "energy distance as a703683 summed it (rows in parallel, scalar pairs)")]
    public double PlainEnergyDistance()
    {
        int n = _points.Length / 2;
        var m = Enumerable.Repeat(1.0 / n, n).ToArray();
        double xy = PlainMeanDistance(_points, m, _quadrature.Points, _quadrature.Weights, symmetric: false);
        double xx = PlainMeanDistance(_points, m, _points, m, symmetric: true);
        return Math.Max(0, 2 * xy - xx - _quadrature.SelfTerm);
    }

    // sum_i sum_j a_i b_j |x_i - y_j| (j > i when symmetric, doubled), one parallel row per point as a703683 had it.
    private static double PlainMeanDistance(double[] x, double[] a, double[] y, double[] b, bool symmetric)
    {
        int nx = a.Length, ny = b.Length;
        var rows = new double[nx];
        Parallel.For(0, nx, i =>
        {
            double s = 0;
            for (int j = symmetric ? i + 1 : 0; j < ny; j++)
            {
                double dx = x[2 * i] - y[2 * j], dy = x[2 * i + 1] - y[2 * j + 1];
                s += b[j] * Math.Sqrt(dx * dx + dy * dy);
            }

            rows[i] = s;
        });
        double total = 0;
        for (int i = 0; i < nx; i++) total += a[i] * rows[i];
        return symmetric ? 2 * total : total;
    }

    [Benchmark(Description = "energy distance")]
    public double EnergyDistance() => CoverageMetrics.EnergyDistance(_points, [], _quadrature);

    [Benchmark(Description = "metrics row: energy distance, coverage cost, minimum distance")]
    public double Row()
    {
        double ed = CoverageMetrics.EnergyDistance(_points, [], _quadrature);
        var (cost, radius) = CoverageMetrics.Coverage(_points, _quadrature);
        return ed + cost + radius + CoverageMetrics.MinPairwiseDistance(_points, 2);
    }
}
