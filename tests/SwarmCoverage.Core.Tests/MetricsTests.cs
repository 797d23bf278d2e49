using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Metrics;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Tests;

public class MetricsTests
{
    [Fact]
    public void Energy_distance_in_1d_equals_twice_the_integrated_squared_cdf_difference()
    {
        // Székely's identity for distributions on the line: 2E|X-Y| - E|X-X'| - E|Y-Y'| = 2 int (F - G)^2.
        var box = new Box([0.0], [2.0]);
        using var field = new BlobField(new GaussianMixtureDensity(box, [new GaussianComponent(1, [0.7], [0.3])]), new BlobOptions { Epsilon = 0.05 });
        var quad = new TargetQuadrature(field);
        var rng = new Random(4);
        var x = Enumerable.Range(0, 37).Select(_ => 2 * rng.NextDouble()).ToArray();
        var m = TestData.Masses(x.Length, 3);
        double ed = CoverageMetrics.EnergyDistance(x, m, quad);
        // integrate (F - G)^2 exactly: both are step functions; sweep over all atoms in order
        var atoms = x.Select((v, i) => (v, w: m[i])).Concat(quad.Points.Select((v, l) => (v, w: -quad.Weights[l]))).OrderBy(a => a.v).ToArray();
        double diff = 0, integral = 0;
        for (int i = 0; i < atoms.Length - 1; i++)
        {
            diff += atoms[i].w;
            integral += diff * diff * (atoms[i + 1].v - atoms[i].v);
        }
        Assert.Equal(2 * integral, ed, 1e-12);
        Assert.True(ed > 0);
    }

    [Fact]
    public void Energy_distance_of_the_quadrature_itself_is_zero_and_grows_with_a_shift()
    {
        var box = Box.Unit(2);
        using var field = new BlobField(new UniformDensity(box), new BlobOptions { Epsilon = 0.05 });
        var quad = new TargetQuadrature(field);
        Assert.Equal(0, CoverageMetrics.EnergyDistance(quad.Points, quad.Weights, quad), 12);
        var shifted = quad.Points.Select((v, i) => i % 2 == 0 ? Math.Min(1, v + 0.1) : v).ToArray();
        var shifted2 = quad.Points.Select((v, i) => i % 2 == 0 ? Math.Min(1, v + 0.2) : v).ToArray();
        double e1 = CoverageMetrics.EnergyDistance(shifted, quad.Weights, quad);
        double e2 = CoverageMetrics.EnergyDistance(shifted2, quad.Weights, quad);
        Assert.True(e1 > 1e-4 && e2 > e1, $"{e1} {e2}");
    }

    [Fact]
    public void Coverage_cost_and_uncovered_radius_of_one_central_robot()
    {
        var box = Box.Unit(2);
        using var field = new BlobField(new UniformDensity(box), new BlobOptions { Epsilon = 0.02 });
        var quad = new TargetQuadrature(field);
        var (cost, radius) = CoverageMetrics.Coverage([0.5, 0.5], quad);
        Assert.Equal(1.0 / 6, cost, 1e-4);         // int |y - c|^2 over the unit square = 2 / 12
        Assert.Equal(Math.Sqrt(0.5), radius, 12);  // the corners
    }

    [Fact]
    public void Minimum_pairwise_distance_matches_brute_force()
    {
        var rng = new Random(12);
        for (int trial = 0; trial < 20; trial++)
        {
            int d = 1 + trial % 3, n = 2 + rng.Next(300);
            var x = Enumerable.Range(0, n * d).Select(_ => rng.NextDouble()).ToArray();
            double brute = double.PositiveInfinity;
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    brute = Math.Min(brute, Math.Sqrt(Enumerable.Range(0, d).Sum(k => (x[i * d + k] - x[j * d + k]) * (x[i * d + k] - x[j * d + k]))));
            Assert.Equal(brute, CoverageMetrics.MinPairwiseDistance(x, d));
        }
    }

    [Fact]
    public void A_reused_scan_of_moving_points_counts_the_close_pairs_and_finds_the_minimum_of_brute_force()
    {
        // Points that move a little each call (the nearly sorted path), then jump, change in number and hold NaN.
        var rng = new Random(20261208);
        var scan = new PairScan();
        int n = 150;
        var x = Enumerable.Range(0, 2 * n).Select(_ => 3 * rng.NextDouble()).ToArray();
        for (int call = 0; call < 60; call++)
        {
            if (call == 30) n = 120;
            double step = call % 10 == 9 ? 3 : 0.02;
            x = [.. x.Take(2 * n).Select(v => v + step * (rng.NextDouble() - 0.5))];
            if (call == 45) x[7] = double.NaN;
            int close = scan.Scan(x, 2, 0.1, out double min);
            int bruteClose = 0;
            double brute = double.PositiveInfinity;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    double dx = x[2 * i] - x[2 * j], dy = x[2 * i + 1] - x[2 * j + 1];
                    double d2 = dx * dx + dy * dy;
                    if (d2 < 0.01) bruteClose++;
                    if (d2 < brute) brute = d2;
                }
            }

            var fresh = new PairScan().Scan(x, 2, 0.1, out double freshMin);
            Assert.Equal(fresh, close);
            Assert.Equal(freshMin, min);
            if (call != 45)
            {
                Assert.Equal(bruteClose, close);
                Assert.Equal(Math.Sqrt(brute), min);
            }
        }
    }

    [Fact]
    public void Chi2_is_small_for_a_fine_lattice_of_a_uniform_target_and_large_for_a_cluster()
    {
        var box = Box.Unit(2);
        using var field = new BlobField(new UniformDensity(box), new BlobOptions { Epsilon = 0.05 });
        var lattice = new List<double>();
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 40; j++) { lattice.Add((i + 0.5) / 40); lattice.Add((j + 0.5) / 40); }
        var good = field.Measure(lattice.ToArray(), []);
        var cluster = field.Measure(lattice.Select(v => 0.1 + 0.2 * v).ToArray(), []);
        Assert.True(good.Chi2 < 1e-2, $"lattice chi2 {good.Chi2}");
        Assert.True(cluster.Chi2 > 5, $"cluster chi2 {cluster.Chi2}");
        Assert.Equal(1.0, good.Mass, 10);
    }
}

/// <summary>
/// The metrics' 2-D kernels (DistanceKernels): the four-lane distance sums give the same bits on every lane
/// implementation and agree with the plain double loop to rounding; the cell-grid nearest search gives exactly the
/// minima of a scan of every point.
/// </summary>
public sealed class DistanceKernelTests
{
    private static (double[] X, double[] W) Cloud(int n, int seed, double spread = 1, double cx = 0.5, double cy = 0.5)
    {
        var rng = new Random(seed);
        var x = new double[2 * n];
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = cx + (spread * (rng.NextDouble() - 0.5));
            x[2 * i + 1] = cy + (spread * (rng.NextDouble() - 0.5));
            w[i] = rng.NextDouble() + 0.1;
        }

        return (x, w);
    }

    private static double HalfExtent(double[] x, double[] y)
    {
        var all = x.Concat(y).ToArray();
        double hx = 0.5 * (all.Where((_, k) => k % 2 == 0).Max() - all.Where((_, k) => k % 2 == 0).Min());
        double hy = 0.5 * (all.Where((_, k) => k % 2 == 1).Max() - all.Where((_, k) => k % 2 == 1).Min());
        return Math.Max(hx, hy);
    }

    private static double Plain(double[] x, double[] a, double[] y, double[] b, bool symmetric)
    {
        double total = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double s = 0;
            for (int j = symmetric ? i + 1 : 0; j < b.Length; j++) s += b[j] * Math.Sqrt(Math.Pow(x[2 * i] - y[2 * j], 2) + Math.Pow(x[2 * i + 1] - y[2 * j + 1], 2));
            total += a[i] * s;
        }

        return symmetric ? 2 * total : total;
    }

    [Theory]
    [InlineData(1003, 517, false)]
    [InlineData(1003, 1003, true)]
    [InlineData(3, 2, false)]
    [InlineData(1, 1, true)]
    public void The_distance_sums_are_the_same_bits_on_every_lane_implementation_and_agree_with_the_plain_loop(int nx, int ny, bool symmetric)
    {
        var (x, a) = Cloud(nx, 11);
        var (y, b) = symmetric ? (x, a) : Cloud(ny, 12, 0.8, 0.4, 0.6);
        double v256 = CoverageMetrics.MeanDistance2(x, a, y, b, symmetric, KernelPath.Vector256);
        double v128 = CoverageMetrics.MeanDistance2(x, a, y, b, symmetric, KernelPath.Vector128);
        double scalar = CoverageMetrics.MeanDistance2(x, a, y, b, symmetric, KernelPath.Scalar);
        Assert.Equal(BitConverter.DoubleToInt64Bits(scalar), BitConverter.DoubleToInt64Bits(v256));
        Assert.Equal(BitConverter.DoubleToInt64Bits(scalar), BitConverter.DoubleToInt64Bits(v128));
        // The plain double loop, within the single-precision kernel's worst case (docs/method.md section 7,
        // "Precision"): u = 2^-24; rounding the centred coordinates (|coordinate| <= R) moves a distance by at most
        // 4 u R, computing it by 3 u of itself, and a block's single-precision sum (32 terms a lane) by 32 u of itself.
        double plain = Plain(x, a, y, b, symmetric);
        double u = Math.ScaleB(1, -24), r = HalfExtent(x, y), ab = a.Sum() * b.Sum() * (symmetric ? 2 : 1);
        double bound = u * ((4 * r * ab) + (36 * Math.Abs(plain)));
        Assert.True(Math.Abs(scalar - plain) <= bound, $"{scalar} vs {plain}: {Math.Abs(scalar - plain)} > {bound}");
        Assert.True(plain == 0 || Math.Abs(scalar - plain) > 0, "single precision, so not the double loop's bits");
    }

    [Fact]
    public void Equal_weights_whose_single_precision_rounding_is_biased_do_not_bias_the_sum()
    {
        // 1 / 1000 rounds to a float 4.7e-8 too large, the same for every weight: with the weights in one float, every
        // row and the sum would be 4.7e-8 too large. Their low parts take that out.
        var (x, _) = Cloud(1000, 21);
        var a = Enumerable.Repeat(1.0 / 1000, 1000).ToArray();
        double kernel = CoverageMetrics.MeanDistance2(x, a, x, a, true, KernelPath.Vector256);
        double plain = Plain(x, a, x, a, true);
        Assert.True(Math.Abs(kernel - plain) <= 5e-9 * plain, $"{kernel} vs {plain}: {(kernel - plain) / plain:E2} relative");
    }

    [Theory]
    [InlineData(2000, 1)]      // spread over the box
    [InlineData(1500, 2)]      // packed in a corner, queries over the whole box
    [InlineData(2500, 5)]      // a swarm in the middle half of the box, queries over all of it and beyond
    [InlineData(7, 3)]         // fewer points than cells of a ring
    [InlineData(1, 4)]
    public void The_grid_nearest_search_gives_exactly_the_minima_of_a_full_scan(int n, int seed)
    {
        var (x, _) = seed switch { 2 => Cloud(n, seed, 0.1, 0.05, 0.05), 5 => Cloud(n, seed, 0.5), _ => Cloud(n, seed) };
        var (q, _) = Cloud(4096, seed + 100, 1.2);
        // Points on top of each other and on a line: cells of zero width must not break it.
        if (n >= 4) { x[0] = x[2]; x[1] = x[3]; }
        AssertScan(x, q);

        // Every point on one vertical line (cells of zero width): still the scan's minima.
        var line = new double[2 * 50];
        for (int i = 0; i < 50; i++)
        {
            line[2 * i] = 0.3;
            line[2 * i + 1] = i / 49.0;
        }

        AssertScan(line, q);
        Assert.Equal(0.0, DistanceKernels.NearestSquared(line, [0.3, 0.0])[0]);
    }

    private static void AssertScan(double[] x, double[] q)
    {
        double[] grid = DistanceKernels.NearestSquared(x, q);
        for (int l = 0; l < q.Length / 2; l++)
        {
            double best = double.PositiveInfinity;
            for (int i = 0; i < x.Length / 2; i++)
            {
                double s = 0, t = x[2 * i] - q[2 * l];
                s += t * t;
                t = x[2 * i + 1] - q[2 * l + 1];
                s += t * t;
                best = Math.Min(best, s);
            }

            Assert.Equal(BitConverter.DoubleToInt64Bits(best), BitConverter.DoubleToInt64Bits(grid[l]));
        }
    }
}
