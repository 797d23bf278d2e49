using SwarmCoverage.Core.Blob;

namespace SwarmCoverage.Core.Metrics;

/// <summary>
/// A quadrature of rhobar for the metrics of docs/method.md section 7: the box cells of the blob grid,
/// merged into blocks of whole cells when there are more than <see cref="MaxPoints"/> (each block carries
/// its cells' mass, placed at their mass-weighted centroid). The self term <c>E|Y - Y'|</c> of the energy
/// distance is computed once here.
/// </summary>
public sealed class TargetQuadrature
{
    public const int MaxPoints = 4096;

    public TargetQuadrature(BlobField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        var grid = field.Grid;
        int d = grid.Dimension;
        Dimension = d;
        Box = grid.Box;
        var n = new int[d];
        var f = new int[d];
        var nc = new int[d];
        // An integer point count (guarded by +1e-9), the same on every libm that rounds Pow to within an ulp.
        #pragma warning disable RS0030
        int perAxis = (int)Math.Floor(Math.Pow(MaxPoints, 1.0 / d) + 1e-9);
        #pragma warning restore RS0030
        int total = 1;
        for (int k = 0; k < d; k++)
        {
            n[k] = grid.CellsAlong(k);
            f[k] = Math.Max(1, (int)Math.Ceiling((double)n[k] / perAxis));
            nc[k] = (n[k] + f[k] - 1) / f[k];
            total *= nc[k];
        }
        var mass = new double[total];
        var centroid = new double[total * d];
        var rhobar = field.Rhobar;
        double cv = grid.CellVolume;
        Span<double> y = stackalloc double[d];
        Span<int> idx = stackalloc int[3];
        for (int l = 0; l < rhobar.Length; l++)
        {
            grid.BoxCellCentre(l, y);
            int rem = l, coarse = 0, mul = 1;
            for (int k = d - 1; k >= 0; k--) { idx[k] = rem % n[k]; rem /= n[k]; }
            for (int k = d - 1; k >= 0; k--) { coarse += idx[k] / f[k] * mul; mul *= nc[k]; }
            double w = rhobar[l] * cv;
            mass[coarse] += w;
            for (int k = 0; k < d; k++) centroid[coarse * d + k] += w * y[k];
        }
        double sum = 0;
        foreach (var w in mass) sum += w;
        for (int c = 0; c < total; c++)
        {
            for (int k = 0; k < d; k++) centroid[c * d + k] /= mass[c];
            mass[c] /= sum;
        }
        Points = centroid;
        Weights = mass;
        SelfTerm = CoverageMetrics.MeanDistance(Points, Weights, Points, Weights, d, symmetric: true);
    }

    public int Dimension { get; }
    public Box Box { get; }

    /// <summary>Quadrature points, interleaved M x d.</summary>
    public double[] Points { get; }

    /// <summary>Weights summing to one.</summary>
    public double[] Weights { get; }

    /// <summary><c>E|Y - Y'|</c> for Y, Y' independent with the quadrature's law.</summary>
    public double SelfTerm { get; }

    public int Count => Weights.Length;
}
