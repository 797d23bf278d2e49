using SwarmCoverage.Core.Blob;

namespace SwarmCoverage.Core.Metrics;

/// <summary>
/// How good a coverage is (docs/method.md section 7): energy distance to rhobar, the coverage cost H of
/// Cortes et al., the largest uncovered radius and the minimum pairwise distance. Points are interleaved
/// N x d; masses are N weights summing to one, or empty for equal weights.
/// </summary>
public static class CoverageMetrics
{
    /// <summary>
    /// Székely's energy distance <c>2 E|X - Y| - E|X - X'| - E|Y - Y'|</c> between the weighted points and
    /// rhobar (by the quadrature; V-statistics, so the value is never negative).
    /// </summary>
    public static double EnergyDistance(ReadOnlySpan<double> points, ReadOnlySpan<double> masses, TargetQuadrature target)
    {
        ArgumentNullException.ThrowIfNull(target);
        int d = target.Dimension;
        var m = Masses(points.Length / d, masses);
        double xy = MeanDistance(points, m, target.Points, target.Weights, d, symmetric: false);
        double xx = MeanDistance(points, m, points, m, d, symmetric: true);
        return Math.Max(0, 2 * xy - xx - target.SelfTerm);
    }

    /// <summary>
    /// <c>sum_i sum_j a_i b_j |x_i - y_j|</c>, summed in a fixed order (deterministic whatever the threads); in 2-D by
    /// <see cref="DistanceKernels"/> in single precision (docs/method.md section 7, "Precision"), whose eight lanes give
    /// the same bits on every vector width; in other dimensions in double.
    /// </summary>
    internal static double MeanDistance(ReadOnlySpan<double> x, ReadOnlySpan<double> a, ReadOnlySpan<double> y, ReadOnlySpan<double> b, int d, bool symmetric) =>
        d == 2 ? MeanDistance2(x, a, y, b, symmetric, DistanceKernels.Best) : MeanDistanceAnyD(x, a, y, b, d, symmetric);

    /// <summary>
    /// The 2-D sum on a chosen lane implementation (the tests compare them bit for bit). The points are moved so that
    /// the middle of their bounding box is the origin (distances do not change) and rounded to single precision once;
    /// each row is summed by <see cref="DistanceKernels.Row"/>, the rows in double.
    /// </summary>
    internal static unsafe double MeanDistance2(ReadOnlySpan<double> x, ReadOnlySpan<double> a, ReadOnlySpan<double> y, ReadOnlySpan<double> b, bool symmetric, KernelPath path)
    {
        int nx = a.Length, ny = b.Length;
        double x0 = double.PositiveInfinity, y0 = double.PositiveInfinity, x1 = double.NegativeInfinity, y1 = double.NegativeInfinity;
        DistanceKernels.ExtendBox(x, ref x0, ref y0, ref x1, ref y1);
        DistanceKernels.ExtendBox(y, ref x0, ref y0, ref x1, ref y1);

        double cx = nx + ny == 0 ? 0 : 0.5 * (x0 + x1), cy = nx + ny == 0 ? 0 : 0.5 * (y0 + y1);
        var xa = new float[2 * nx];
        for (int k = 0; k < 2 * nx; k += 2)
        {
            xa[k] = (float)(x[k] - cx);
            xa[k + 1] = (float)(x[k + 1] - cy);
        }

        // Padding entries are zero (weight and position) and add exactly zero to a row.
        var yx = GC.AllocateArray<float>(ny + DistanceKernels.Padding, pinned: true);
        var yy = GC.AllocateArray<float>(ny + DistanceKernels.Padding, pinned: true);
        var bp = GC.AllocateArray<float>(ny + DistanceKernels.Padding, pinned: true);
        var bl = GC.AllocateArray<float>(ny + DistanceKernels.Padding, pinned: true);
        for (int j = 0; j < ny; j++)
        {
            yx[j] = (float)(y[2 * j] - cx);
            yy[j] = (float)(y[2 * j + 1] - cy);
            bp[j] = (float)b[j];
            bl[j] = (float)(b[j] - bp[j]);
        }

        var rows = new double[nx];
        DistanceKernels.For(nx, (long)nx * ny, i =>
        {
            fixed (float* px = yx, py = yy, pb = bp, pl = bl)
                rows[i] = DistanceKernels.Row(path, xa[2 * i], xa[2 * i + 1], px, py, pb, pl, symmetric ? i + 1 : 0, ny);
        });
        double total = 0;
        for (int i = 0; i < nx; i++) total += a[i] * rows[i];
        return symmetric ? 2 * total : total;
    }

    private static double MeanDistanceAnyD(ReadOnlySpan<double> x, ReadOnlySpan<double> a, ReadOnlySpan<double> y, ReadOnlySpan<double> b, int d, bool symmetric)
    {
        int nx = a.Length, ny = b.Length;
        var rows = new double[nx];
        var xa = x.ToArray();
        var ya = y.ToArray();
        var ba = b.ToArray();
        DistanceKernels.For(nx, (long)nx * ny * d, i =>
        {
            double s = 0;
            int j0 = symmetric ? i + 1 : 0;
            for (int j = j0; j < ny; j++)
            {
                double q = 0;
                for (int k = 0; k < d; k++)
                {
                    double t = xa[i * d + k] - ya[j * d + k];
                    q += t * t;
                }
                s += ba[j] * Math.Sqrt(q);
            }
            rows[i] = s;
        });
        double total = 0;
        for (int i = 0; i < nx; i++) total += a[i] * rows[i];
        return symmetric ? 2 * total : total;
    }

    /// <summary>
    /// Coverage cost <c>H = int min_i |y - x_i|^2 rhobar(y) dy</c> by the quadrature, and the largest uncovered
    /// radius <c>max_y min_i |y - x_i|</c> over the quadrature points and the box corners.
    /// </summary>
    public static (double Cost, double UncoveredRadius) Coverage(ReadOnlySpan<double> points, TargetQuadrature target)
    {
        ArgumentNullException.ThrowIfNull(target);
        int d = target.Dimension;
        var x = points.ToArray();
        var q = target.Points;
        var w = target.Weights;
        double[] nearest;
        if (d == 2)
        {
            nearest = DistanceKernels.NearestSquared(x, q); // the same minima, from a cell grid instead of a scan
        }
        else
        {
            nearest = new double[w.Length];
            DistanceKernels.For(w.Length, (long)w.Length * x.Length, l => nearest[l] = NearestSquared(x, q.AsSpan(l * d, d), d));
        }

        double cost = 0, radius2 = 0;
        for (int l = 0; l < w.Length; l++)
        {
            cost += w[l] * nearest[l];
            radius2 = Math.Max(radius2, nearest[l]);
        }
        Span<double> corner = stackalloc double[d];
        for (int c = 0; c < 1 << d; c++)
        {
            for (int k = 0; k < d; k++) corner[k] = ((c >> k) & 1) == 0 ? target.Box.Min[k] : target.Box.Max[k];
            radius2 = Math.Max(radius2, NearestSquared(x, corner, d));
        }
        return (cost, Math.Sqrt(radius2));
    }

    private static double NearestSquared(double[] x, ReadOnlySpan<double> y, int d)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < x.Length; i += d)
        {
            double s = 0;
            for (int k = 0; k < d; k++)
            {
                double t = x[i + k] - y[k];
                s += t * t;
            }
            if (s < best) best = s;
        }
        return best;
    }

    /// <summary>Smallest distance between two of the points (plane sweep along the first axis, <see cref="PairScan"/>); +inf for fewer than two.</summary>
    public static double MinPairwiseDistance(ReadOnlySpan<double> points, int dimension) => new PairScan(points.Length / dimension).MinDistance(points, dimension);

    internal static double[] Masses(int n, ReadOnlySpan<double> masses)
    {
        if (masses.Length == n) return masses.ToArray();
        if (masses.Length != 0) throw new ArgumentException($"masses has length {masses.Length}, expected 0 or {n}", nameof(masses));
        var m = new double[n];
        double each = 1.0 / n;
        for (int i = 0; i < n; i++) m[i] = each; // a loop, not Array.Fill<double>: that one compiles at its first call (about 1 ms)
        return m;
    }
}
