using System.Globalization;

namespace SwarmCoverage.Core.Blob;

/// <summary>Parameters of the discrete blob method (docs/method.md section 4).</summary>
public sealed record BlobOptions
{
    /// <summary>Largest allowed cut-off in units of eps: beyond it the weight recurrence's dynamic range grows needlessly.</summary>
    public const double MaxCutoff = 15.0;

    /// <summary>Smallest allowed cut-off in units of eps (the truncated Gaussian mass beyond 2 eps is already 5 %).</summary>
    public const double MinCutoff = 2.0;

    /// <summary>Mollifier standard deviation eps (same unit as the box), &gt; 0.</summary>
    public required double Epsilon { get; init; }

    /// <summary>Largest grid cell size delta_max; null means eps/2 (spectrally accurate for resolved targets).</summary>
    public double? GridSpacing { get; init; }

    /// <summary>Cut-off radius r_c in units of eps (default 8: the Gaussian beyond is below 1e-14 of its peak).</summary>
    public double Cutoff { get; init; } = 8.0;

    /// <summary>Threads to use; null means all processors. Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    public double EffectiveGridSpacing => GridSpacing ?? Epsilon / 2;

    /// <summary>Throws <see cref="InputException"/> naming the parameter, its value and the allowed range.</summary>
    public void Validate()
    {
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon))
            throw new InputException($"epsilon must be a finite number > 0 (got {F(Epsilon)})");
        if (GridSpacing is { } h && (!(h > 0) || !double.IsFinite(h)))
            throw new InputException($"grid-spacing must be a finite number > 0 (got {F(h)})");
        if (GridSpacing is { } h2 && h2 > 2 * Epsilon)
            throw new InputException($"grid-spacing {F(h2)} exceeds 2 eps = {F(2 * Epsilon)}: the midpoint rule fails completely there (eps/2 is the default, eps the coarsest sensible)");
        if (!(Cutoff >= MinCutoff && Cutoff <= MaxCutoff))
            throw new InputException($"cutoff must be between {MinCutoff} and {MaxCutoff} (units of eps), got {F(Cutoff)}");
        if (MaxDegreeOfParallelism is { } p && p < 1)
            throw new InputException($"max degree of parallelism must be >= 1 (got {p})");
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
