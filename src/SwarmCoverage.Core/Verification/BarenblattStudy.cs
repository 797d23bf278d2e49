// The exact Barenblatt solution and the fit of its convergence order are references the discrete results are
// compared with, not results that must be bit-identical across machines: libm is fine here.
#pragma warning disable RS0030
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Integration;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Verification;

/// <summary>One row of the convergence table.</summary>
public sealed record BarenblattRow(double H, double Epsilon, int Particles, double Error, double? Order, int Steps, double Seconds);

/// <summary>Settings of the porous-medium convergence study (docs/method.md section 6).</summary>
public sealed record BarenblattSettings
{
    public required int Dimension { get; init; }
    public required double[] Spacings { get; init; }
    public double StartTime { get; init; } = 0.125;
    public double EndTime { get; init; } = 1.125;

    /// <summary>eps = h^EpsilonExponent.</summary>
    public double EpsilonExponent { get; init; } = 0.99;

    /// <summary>Half side of the box [-L, L]^d; null picks one that holds the support at the end plus the kernel reach.</summary>
    public double? HalfSide { get; init; }

    /// <summary>Dormand-Prince tolerance in units of eps; small enough that the time error is negligible.</summary>
    public double Tolerance { get; init; } = 1e-8;

    public int? MaxDegreeOfParallelism { get; init; }

    public static double[] DefaultSpacings(int d) => d == 1 ? [0.04, 0.02, 0.01] : [0.08, 0.04, 0.02];
}

/// <summary>
/// Uniform target on a box far larger than the support, lattice start with exact cell masses at t0, flow for
/// the time that lands on the Barenblatt profile at t1 (flow time (t1 - t0) / |Omega|, since rhobar = 1/|Omega|),
/// mass-matched l2 error, observed orders between successive h.
/// </summary>
public static class BarenblattStudy
{
    public static IReadOnlyList<BarenblattRow> Run(BarenblattSettings settings, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int d = settings.Dimension;
        if (d is not (1 or 2)) throw new InputException($"dim must be 1 or 2 (got {d})");
        var rows = new List<BarenblattRow>();
        foreach (double h in settings.Spacings)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            double eps = Math.Pow(h, settings.EpsilonExponent);
            double half = settings.HalfSide ?? Math.Ceiling((Barenblatt.SupportRadius(settings.EndTime, d) + 9 * eps) * 4) / 4;
            var lo = Enumerable.Repeat(-half, d).ToArray();
            var hi = Enumerable.Repeat(half, d).ToArray();
            var box = new Box(lo, hi);
            var (x0, m) = Barenblatt.Lattice(h, settings.StartTime, d);
            var x = (double[])x0.Clone();
            using var field = new BlobField(new UniformDensity(box), new BlobOptions { Epsilon = eps, MaxDegreeOfParallelism = settings.MaxDegreeOfParallelism });
            var integrator = new FlowIntegrator(field, m.Length, m, new FlowSettings { Scheme = FlowScheme.DormandPrince, Tolerance = settings.Tolerance });
            double flowTime = (settings.EndTime - settings.StartTime) / box.Volume;
            var stats = integrator.Integrate(x, flowTime, null, cancellationToken);
            double err = Barenblatt.MassMatchedError(x0, x, m, settings.EndTime, d);
            double? order = rows.Count == 0 ? null : Math.Log(rows[^1].Error / err) / Math.Log(rows[^1].H / h);
            var row = new BarenblattRow(h, eps, m.Length, err, order, stats.Steps, sw.Elapsed.TotalSeconds);
            rows.Add(row);
            log?.Invoke($"h={h} eps={eps:G4} N={m.Length} error={err:E3} steps={stats.Steps} ({sw.Elapsed.TotalSeconds:F1} s)");
        }
        return rows;
    }

    /// <summary>
    /// Observed order of the whole study: the least-squares slope of log(error) against log(h). Pairwise orders
    /// are noisy because the error depends on where the edge of the support falls within the lattice.
    /// </summary>
    public static double FittedOrder(IReadOnlyList<BarenblattRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < 2) return double.NaN;
        double mx = rows.Average(r => Math.Log(r.H)), my = rows.Average(r => Math.Log(r.Error));
        double sxy = rows.Sum(r => (Math.Log(r.H) - mx) * (Math.Log(r.Error) - my));
        double sxx = rows.Sum(r => (Math.Log(r.H) - mx) * (Math.Log(r.H) - mx));
        return sxy / sxx;
    }
}
