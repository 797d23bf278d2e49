using System.Globalization;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Integration;
using SwarmCoverage.Core.Metrics;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Sampling;

/// <summary>Settings of deterministic sampling.</summary>
public sealed record SampleSettings
{
    public required int Count { get; init; }

    /// <summary>Mollifier width; null chooses <see cref="Sampler.AutomaticEpsilon"/>.</summary>
    public double? Epsilon { get; init; }

    public int Seed { get; init; } = 1;
    public double? GridSpacing { get; init; }
    public double Cutoff { get; init; } = 8.0;

    /// <summary>Stop when the energy falls by less than this fraction over a check interval.</summary>
    public double SteadyTolerance { get; init; } = 1e-7;

    public int MaxSteps { get; init; } = 50_000;

    /// <summary>How many iid draws the baseline median is taken over.</summary>
    public int BaselineDraws { get; init; } = 15;

    public int? MaxDegreeOfParallelism { get; init; }
}

/// <summary>What <see cref="Sampler.Sample"/> produced.</summary>
public sealed record SampleResult(
    double[] Positions,
    double Epsilon,
    double EnergyDistance,
    double IidMedianEnergyDistance,
    int Steps,
    bool Converged,
    double FinalChi2);

/// <summary>
/// Deterministic sampling of a target: N particles from seeded iid draws of rhobar, moved by the blob flow to its
/// steady state. The energy distance of the result is compared with that of N iid samples of rhobar.
/// </summary>
public static class Sampler
{
    /// <summary>
    /// eps = 0.75 x the mean spacing (|Omega| / N)^(1/d): the best of 0.5 to 2 for the energy distance of samples
    /// of a two-blob mixture at N = 200 and 1,000 (README, "Choosing eps").
    /// </summary>
    public const double AutomaticEpsilonFactor = 0.75;

    /// <summary>The documented automatic choice of eps from N and the box.</summary>
    public static double AutomaticEpsilon(Box box, int count)
    {
        ArgumentNullException.ThrowIfNull(box);
        if (count < 1) throw new InputException($"count must be >= 1 (got {count})");
        // Square root and cube root rather than Pow: IEEE square root is exact everywhere, so controllers on different
        // machines choose the same eps in 1-D and 2-D; Math.Cbrt is within an ulp of the true root.
        double perRobot = box.Volume / count;
        // The sampler's start spacing: `sample` results depend on this libm call (not on the controller's path).
        #pragma warning disable RS0030
        double spacing = box.Dimension switch { 1 => perRobot, 2 => Math.Sqrt(perRobot), _ => Math.Cbrt(perRobot) };
        #pragma warning restore RS0030
        return AutomaticEpsilonFactor * spacing;
    }

    /// <summary>N iid samples of rhobar as the grid defines it (a cell by its mass, then uniform inside the cell).</summary>
    public static double[] IidSamples(BlobField field, int count, Random rng)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(rng);
        var grid = field.Grid;
        int d = grid.Dimension;
        var cdf = new double[field.Rhobar.Length];
        double s = 0;
        for (int l = 0; l < cdf.Length; l++) { s += field.Rhobar[l]; cdf[l] = s; }
        var x = new double[count * d];
        Span<double> c = stackalloc double[d];
        for (int i = 0; i < count; i++)
        {
            double u = rng.NextDouble() * s;
            int l = Array.BinarySearch(cdf, u);
            if (l < 0) l = ~l;
            l = Math.Min(l, cdf.Length - 1);
            grid.BoxCellCentre(l, c);
            for (int k = 0; k < d; k++)
            {
                double h = grid.SpacingAlong(k);
                double v = c[k] + (rng.NextDouble() - 0.5) * h;
                x[i * d + k] = Math.Clamp(v, grid.Box.Min[k], grid.Box.Max[k]);
            }
        }
        return x;
    }

    public static SampleResult Sample(TargetDensity target, SampleSettings settings, IProgress<(int Step, double Energy)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Count < 1) throw new InputException($"-n must be >= 1 (got {settings.Count})");
        double eps = settings.Epsilon ?? AutomaticEpsilon(target.Domain, settings.Count);
        using var field = new BlobField(target, new BlobOptions
        {
            Epsilon = eps,
            GridSpacing = settings.GridSpacing,
            Cutoff = settings.Cutoff,
            MaxDegreeOfParallelism = settings.MaxDegreeOfParallelism,
        });
        var x = IidSamples(field, settings.Count, new Random(settings.Seed));
        var integrator = new FlowIntegrator(field, settings.Count, [], new FlowSettings { Scheme = FlowScheme.Euler, Safety = 0.5 });
        const int check = 25;
        double previous = double.PositiveInfinity;
        int steps = 0;
        bool converged = false;
        while (steps < settings.MaxSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (_, before) = integrator.EulerStep(x, double.PositiveInfinity);
            steps++;
            if (steps % check == 0)
            {
                progress?.Report((steps, before.Energy));
                if (previous - before.Energy <= settings.SteadyTolerance * before.Energy)
                {
                    converged = true;
                    break;
                }
                previous = before.Energy;
            }
        }
        var quad = new TargetQuadrature(field);
        double ed = CoverageMetrics.EnergyDistance(x, [], quad);
        double iid = IidMedian(field, quad, settings.Count, settings.Seed, settings.BaselineDraws);
        var end = field.Measure(x, []);
        return new SampleResult(x, eps, ed, iid, steps, converged, end.Chi2);
    }

    /// <summary>Median energy distance of <paramref name="draws"/> sets of N iid samples of rhobar (seeds derived from <paramref name="seed"/>).</summary>
    public static double IidMedian(BlobField field, TargetQuadrature quad, int count, int seed, int draws)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (draws < 1) throw new InputException($"baseline draws must be >= 1 (got {draws.ToString(CultureInfo.InvariantCulture)})");
        var values = new double[draws];
        for (int r = 0; r < draws; r++)
            values[r] = CoverageMetrics.EnergyDistance(IidSamples(field, count, new Random(unchecked(seed * 7919 + 104729 * (r + 1)))), [], quad);
        Array.Sort(values);
        return values[draws / 2];
    }
}
