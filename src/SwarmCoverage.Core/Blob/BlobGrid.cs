using System.Globalization;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Blob;

/// <summary>
/// The computation grid of docs/method.md section 4: cell-centred, aligned with the box faces, per axis
/// <c>n_k = ceil(L_k / delta_max)</c> cells of size <c>delta_k = L_k / n_k</c> inside the box, extended by
/// <c>P_k</c> whole cells beyond each face (as far as the kernel reaches). Reflection across a face maps cell
/// centres onto cell centres, so mirror images are exact.
/// <para>
/// Extended index j on axis k has its centre at <c>a_k + (j - P_k + 0.5) delta_k</c>. The extended grid is
/// stored with the last axis contiguous; the last axis carries extra zero cells (slack) so the vector loops
/// may run over whole 4-lane blocks.
/// </para>
/// </summary>
public sealed class BlobGrid
{
    /// <summary>Refuse grids larger than this many extended cells (8 bytes each, several copies).</summary>
    public const long MaxCells = 1L << 27;

    internal readonly int D;
    internal readonly int[] N;          // box cells per axis
    internal readonly double[] Delta;   // cell size per axis
    internal readonly int[] Pad;        // P_k
    internal readonly int[] Ext;        // n_k + 2 P_k (logical extended size)
    internal readonly int[] Stride;     // element stride of each axis in the extended array
    internal readonly int[] Taps;       // K_k: most cells within the cut-off along axis k
    internal readonly int LastTapsPadded; // K of the last axis rounded up to a multiple of 4
    internal readonly double[] Min;
    internal readonly double[] Max;

    public BlobGrid(Box box, BlobOptions options)
    {
        ArgumentNullException.ThrowIfNull(box);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Box = box;
        Epsilon = options.Epsilon;
        CutoffRadius = options.Cutoff * options.Epsilon;
        D = box.Dimension;
        N = new int[D]; Delta = new double[D]; Pad = new int[D]; Ext = new int[D]; Stride = new int[D]; Taps = new int[D];
        Min = box.Min.ToArray(); Max = box.Max.ToArray();
        double hmax = options.EffectiveGridSpacing;
        long boxCells = 1;
        for (int k = 0; k < D; k++)
        {
            double l = box.Length(k);
            double nk = Math.Ceiling(l / hmax);
            if (nk > int.MaxValue / 4)
                throw new InputException($"grid: {nk.ToString(CultureInfo.InvariantCulture)} cells along axis {k}; epsilon/grid-spacing is far too small for the box");
            N[k] = Math.Max(1, (int)nk);
            Delta[k] = l / N[k];
            double reach = CutoffRadius / Delta[k];
            Pad[k] = (int)Math.Ceiling(reach + 0.5) + 1;
            Ext[k] = N[k] + 2 * Pad[k];
            Taps[k] = (int)Math.Floor(2 * reach) + 1;
            boxCells *= N[k];
        }
        LastTapsPadded = (Taps[D - 1] + 3) & ~3;
        int lastAlloc = Ext[D - 1] + LastTapsPadded + 4;
        long total = lastAlloc;
        Stride[D - 1] = 1;
        for (int k = D - 2; k >= 0; k--)
        {
            Stride[k] = checked((int)total);
            total *= Ext[k];
        }
        if (total > MaxCells)
            throw new InputException(
                $"grid: {total.ToString(CultureInfo.InvariantCulture)} cells exceed the limit of {MaxCells.ToString(CultureInfo.InvariantCulture)}; eps {F(Epsilon)} with spacing {F(hmax)} is too fine for the box {box} (raise epsilon or grid-spacing)");
        ExtendedLength = (int)total;
        BoxCellCount = checked((int)boxCells);
        double cv = 1;
        for (int k = 0; k < D; k++) cv *= Delta[k];
        CellVolume = cv;
    }

    public Box Box { get; }
    public double Epsilon { get; }
    public double CutoffRadius { get; }
    public int Dimension => D;
    public double CellVolume { get; }

    /// <summary>Cells inside the box (the grid of rhobar, U, W and the energy).</summary>
    public int BoxCellCount { get; }

    /// <summary>Length of the extended array (with padding and slack).</summary>
    public int ExtendedLength { get; }

    public int CellsAlong(int axis) => N[axis];
    public double SpacingAlong(int axis) => Delta[axis];
    public int PaddingAlong(int axis) => Pad[axis];

    /// <summary>Centre of box cell i along an axis.</summary>
    public double CellCentre(int axis, int i) => Min[axis] + (i + 0.5) * Delta[axis];

    /// <summary>Writes the centre of box cell <paramref name="cell"/> (flat index, last axis fastest).</summary>
    public void BoxCellCentre(int cell, Span<double> centre)
    {
        for (int k = D - 1; k >= 0; k--)
        {
            int i = cell % N[k];
            cell /= N[k];
            centre[k] = CellCentre(k, i);
        }
    }

    /// <summary>Flat box index (last axis fastest) to extended index.</summary>
    internal int BoxToExtended(int cell)
    {
        int e = 0;
        for (int k = D - 1; k >= 0; k--)
        {
            int i = cell % N[k];
            cell /= N[k];
            e += (i + Pad[k]) * Stride[k];
        }
        return e;
    }

    /// <summary>Maps an extended index along an axis to the box index it mirrors (even reflection, periodic).</summary>
    internal int FoldIndex(int axis, int j)
    {
        int n = N[axis];
        int u = j - Pad[axis];
        int m = u % (2 * n);
        if (m < 0) m += 2 * n;
        return m < n ? m : 2 * n - 1 - m;
    }

    /// <summary>
    /// rhobar on the box cells, floored and normalized exactly as docs/method.md section 2:
    /// <c>gbar = mean g over box cells; rhobar_l = max(g_l, floor gbar) / Z; Z = cellvol sum max(g, floor gbar)</c>.
    /// </summary>
    public double[] DiscretizeTarget(TargetDensity target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.Domain.Equals(Box))
            throw new InputException($"{target.Source}: target domain {target.Domain} differs from the grid's box {Box}");
        var g = new double[BoxCellCount];
        Span<double> y = stackalloc double[D];
        double sum = 0;
        for (int l = 0; l < g.Length; l++)
        {
            BoxCellCentre(l, y);
            double v = target.Evaluate(y);
            if (!(v >= 0) || !double.IsFinite(v))
                throw new InputException($"{target.Source}: target density is {v} at ({string.Join(", ", y.ToArray().Select(F))}); it must be finite and >= 0");
            g[l] = v;
            sum += v;
        }
        if (!(sum > 0))
            throw new InputException($"{target.Source}: the target density is zero everywhere on the box {Box}; nothing to cover");
        // Only the shape of g matters (it is normalized), but its sum must be a number: values near the largest double
        // (found by fuzzing: raster values of 1e306, a weight of 1e308) overflow it to infinity, and the field to NaN.
        if (!double.IsFinite(sum))
            throw new InputException($"{target.Source}: the target density sums beyond the largest number over the grid's {g.Length} cells; scale its values down (only their ratios matter)");
        double gbar = sum / g.Length;
        double lo = target.Floor * gbar;
        double z = 0;
        for (int l = 0; l < g.Length; l++)
        {
            g[l] = Math.Max(g[l], lo);
            z += g[l];
        }
        z *= CellVolume;
        if (!(z > 0) || !double.IsFinite(z) || !double.IsNormal(1 / z))
            throw new InputException($"{target.Source}: the target density cannot be normalized on the box {Box} (its integral is {F(z)}); scale its values towards 1 (only their ratios matter)");
        for (int l = 0; l < g.Length; l++) g[l] /= z;
        return g;
    }

    /// <summary>
    /// How well the grid resolves rhobar: the largest ratio between neighbouring box cells, and the grid
    /// spacing that would bring it down to <paramref name="acceptableRatio"/> (log-linear estimate).
    /// </summary>
    public (double MaxNeighbourRatio, double SuggestedSpacing) Resolution(ReadOnlySpan<double> rhobar, double acceptableRatio = 2.0)
    {
        double worst = 1;
        Span<int> idx = stackalloc int[D];
        for (int l = 0; l < rhobar.Length; l++)
        {
            int rem = l;
            for (int k = D - 1; k >= 0; k--) { idx[k] = rem % N[k]; rem /= N[k]; }
            int step = 1;
            for (int k = D - 1; k >= 0; k--)
            {
                if (idx[k] + 1 < N[k])
                {
                    double a = rhobar[l], b = rhobar[l + step];
                    double r = a > b ? a / b : b / a;
                    if (r > worst) worst = r;
                }
                step *= N[k];
            }
        }
        double hmax = 0;
        for (int k = 0; k < D; k++) hmax = Math.Max(hmax, Delta[k]);
        // Only the suggestion in a warning message: never part of a result.
        #pragma warning disable RS0030
        double suggested = worst <= acceptableRatio ? hmax : hmax * Math.Log(acceptableRatio) / Math.Log(worst);
        #pragma warning restore RS0030
        return (worst, suggested);
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
