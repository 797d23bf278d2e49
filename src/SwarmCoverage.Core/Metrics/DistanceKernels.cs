using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SwarmCoverage.Core.Blob;

namespace SwarmCoverage.Core.Metrics;

/// <summary>
/// The metrics' distance sums in 2-D (docs/method.md section 7, "Precision"; the README's "Speed and memory" has their
/// cost): sums of weighted distances in eight single-precision lanes, the same on every vector width (lane
/// <c>(j - j0) mod 8</c>; each block of <see cref="Block"/> points summed in its lanes, the weights' high and low parts
/// apart, then widened and added to eight double totals, high part first; the totals summed
/// <c>((t0 + t1) + (t2 + t3)) + ((t4 + t5) + (t6 + t7))</c>), and an exact nearest-point search on a uniform cell grid.
/// </summary>
internal static unsafe class DistanceKernels
{
    /// <summary>The widest accelerated lane implementation on this machine.</summary>
    public static KernelPath Best => Vector256.IsHardwareAccelerated ? KernelPath.Vector256 : Vector128.IsHardwareAccelerated ? KernelPath.Vector128 : KernelPath.Scalar;

    /// <summary>Points summed in single precision before their sum is added to the double totals.</summary>
    public const int Block = 256;

    /// <summary>
    /// Entries past the last point that <see cref="Row"/> reads (a row's last step of 8 may run past it): the caller's
    /// arrays hold this many more, with weight zero and a finite position, so they add exactly zero.
    /// </summary>
    public const int Padding = 7;

    /// <summary>
    /// <c>sum_{j0 &lt;= j &lt; n} (b_j + l_j) |(px, py) - (yx_j, yy_j)|</c>, the distances and each block's sums in
    /// single precision, the blocks summed in double. A weight comes as two floats, <c>b_j</c> its single-precision
    /// rounding and <c>l_j</c> the rest: equal weights (N robots of mass 1 / N) would otherwise all round the same
    /// way, and the sum would carry that rounding (up to 6e-8 relative) whole. <paramref name="yx"/>,
    /// <paramref name="yy"/>, <paramref name="b"/> and <paramref name="l"/> hold <see cref="Padding"/> entries of
    /// weight zero after the n-th.
    /// </summary>
    public static double Row(KernelPath path, float px, float py, float* yx, float* yy, float* b, float* l, int j0, int n) => path switch
    {
        KernelPath.Vector256 => Row<SingleLanes256>(px, py, yx, yy, b, l, j0, n),
        KernelPath.Vector128 => Row<SingleLanes128x2>(px, py, yx, yy, b, l, j0, n),
        _ => Row<SingleLanesScalar>(px, py, yx, yy, b, l, j0, n),
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Row<TL>(float px, float py, float* yx, float* yy, float* b, float* l, int j0, int n)
        where TL : struct, ISingleLanes8<TL>
    {
        TL ax = TL.Broadcast(px), ay = TL.Broadcast(py);
        double* totals = stackalloc double[8];
        for (int k = 0; k < 8; k++) totals[k] = 0;
        for (int j = j0; j < n;)
        {
            int end = Math.Min(j + Block, n);
            TL acc = TL.Zero, low = TL.Zero;
            for (; j < end; j += 8)
            {
                TL dx = TL.Sub(ax, TL.Load(yx + j));
                TL dy = TL.Sub(ay, TL.Load(yy + j));
                TL r = TL.Sqrt(TL.Fma(dx, dx, TL.Mul(dy, dy)));
                acc = TL.Fma(TL.Load(b + j), r, acc);
                low = TL.Fma(TL.Load(l + j), r, low);
            }

            acc.AddWidenedTo(totals);
            low.AddWidenedTo(totals);
        }

        return ((totals[0] + totals[1]) + (totals[2] + totals[3])) + ((totals[4] + totals[5]) + (totals[6] + totals[7]));
    }

    /// <summary>
    /// For each of the 2-D <paramref name="queries"/>, the squared distance to the nearest of <paramref name="points"/>
    /// (both interleaved): exactly what a scan of every point gives (the same arithmetic, and a minimum does not
    /// depend on the order), from a grid of about one point per cell searched ring by ring.
    /// </summary>
    public static double[] NearestSquared(double[] points, double[] queries)
    {
        int n = points.Length / 2, m = queries.Length / 2;
        var result = new double[m];
        if (n == 0)
        {
            Array.Fill(result, double.PositiveInfinity);
            return result;
        }

        double x0 = double.PositiveInfinity, y0 = double.PositiveInfinity, x1 = double.NegativeInfinity, y1 = double.NegativeInfinity;
        // Over the points only: a query outside starts from the nearest cell on the grid's edge, and the ring bound
        // below ignores the sides of a block that lie on the grid's edge (no point lies beyond them). So a swarm that
        // fills part of the target's box still has about one point a cell, and a query far from it searches few rings.
        ExtendBox(points, ref x0, ref y0, ref x1, ref y1);

        int side = Math.Max(1, (int)Math.Sqrt(n));
        // Points on a line (or on one spot): the flat axis takes the other's cell width (any positive width is exact).
        double cw = x1 > x0 ? (x1 - x0) / side : 0, ch = y1 > y0 ? (y1 - y0) / side : 0;
        if (cw == 0) cw = ch > 0 ? ch : 1;
        if (ch == 0) ch = cw;
        var start = new int[side * side + 1];
        var cellOf = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = Cell(points[2 * i], x0, cw, side) + (side * Cell(points[2 * i + 1], y0, ch, side));
            cellOf[i] = c;
            start[c + 1]++;
        }

        for (int c = 0; c < side * side; c++) start[c + 1] += start[c];
        // The points' coordinates in cell order: a cell's points, and a row's run of cells, are contiguous.
        var sx = new double[n];
        var sy = new double[n];
        var fill = (int[])start.Clone();
        for (int i = 0; i < n; i++)
        {
            int k = fill[cellOf[i]]++;
            sx[k] = points[2 * i];
            sy[k] = points[2 * i + 1];
        }

        // About nine points a query (one a cell, the 3 x 3 cells around it).
        For(m, 9L * m, l =>
        {
            double qx = queries[2 * l], qy = queries[2 * l + 1];
            int ci = Cell(qx, x0, cw, side), cj = Cell(qy, y0, ch, side);
            double best = double.PositiveInfinity;
            for (int r = 0; r < side; r++)
            {
                // The ring's cells only: its top and bottom rows whole, the columns ci - r and ci + r between them.
                for (int j = Math.Max(0, cj - r); j <= Math.Min(side - 1, cj + r); j++)
                {
                    if (j == cj - r || j == cj + r)
                    {
                        best = Scan(start, sx, sy, Math.Max(0, ci - r) + (side * j), Math.Min(side - 1, ci + r) + (side * j), qx, qy, best);
                    }
                    else
                    {
                        if (ci - r >= 0) best = Scan(start, sx, sy, ci - r + (side * j), ci - r + (side * j), qx, qy, best);
                        if (ci + r <= side - 1) best = Scan(start, sx, sy, ci + r + (side * j), ci + r + (side * j), qx, qy, best);
                    }
                }

                // Every point not yet seen lies in a cell outside the block (ci +- r, cj +- r), beyond one of its sides
                // that is not on the grid's edge: at least this far away (infinitely once the block covers the grid).
                const double none = double.PositiveInfinity;
                double gap = Math.Min(
                    Math.Min(ci - r > 0 ? qx - (x0 + ((ci - r) * cw)) : none, ci + r < side - 1 ? (x0 + ((ci + r + 1) * cw)) - qx : none),
                    Math.Min(cj - r > 0 ? qy - (y0 + ((cj - r) * ch)) : none, cj + r < side - 1 ? (y0 + ((cj + r + 1) * ch)) - qy : none));
                if (gap > 0 && best <= gap * gap) break;
            }

            result[l] = best;
        });
        return result;
    }

    /// <summary>Widens the box [x0, x1] x [y0, y1] to hold every point of <paramref name="interleaved"/> (x, y pairs).</summary>
    public static void ExtendBox(ReadOnlySpan<double> interleaved, ref double x0, ref double y0, ref double x1, ref double y1)
    {
        for (int i = 0; i + 1 < interleaved.Length; i += 2)
        {
            x0 = Math.Min(x0, interleaved[i]);
            x1 = Math.Max(x1, interleaved[i]);
            y0 = Math.Min(y0, interleaved[i + 1]);
            y1 = Math.Max(y1, interleaved[i + 1]);
        }
    }

    /// <summary>The smaller of <paramref name="best"/> and the squared distances to the points of cells c0 to c1 (one row).</summary>
    private static double Scan(int[] start, double[] sx, double[] sy, int c0, int c1, double qx, double qy, double best)
    {
        for (int k = start[c0]; k < start[c1 + 1]; k++)
        {
            double s = 0;
            double t = sx[k] - qx;
            s += t * t;
            t = sy[k] - qy;
            s += t * t;
            if (s < best) best = s;
        }

        return best;
    }

    /// <summary>Pair distances below which a loop runs on the calling thread: waking the thread pool costs more.</summary>
    internal const long SerialWork = 1L << 17;

    /// <summary>
    /// <paramref name="body"/>(0 .. count - 1) on the thread pool, or in order on the calling thread when
    /// <paramref name="work"/> (distances computed) is below <see cref="SerialWork"/>. Each item writes its own result, so
    /// the bits are the same either way.
    /// </summary>
    public static void For(int count, long work, Action<int> body)
    {
        if (work < SerialWork)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }

        System.Threading.Tasks.Parallel.For(0, count, body);
    }

    private static int Cell(double v, double origin, double width, int side) =>
        Math.Clamp((int)Math.Floor((v - origin) / width), 0, side - 1);
}
