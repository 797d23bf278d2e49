using System.Globalization;
using SwarmCoverage.Core.Blob;

namespace SwarmCoverage.Core.Integration;

/// <summary>Time-stepping scheme for the particle flow.</summary>
public enum FlowScheme
{
    /// <summary>Explicit Euler with the adaptive stability bound (docs/method.md section 5), times a safety factor.</summary>
    Euler,

    /// <summary>Dormand-Prince 5(4) with error control (for accuracy studies and the flow verb).</summary>
    DormandPrince,
}

/// <summary>Settings of <see cref="FlowIntegrator"/>.</summary>
public sealed record FlowSettings
{
    public FlowScheme Scheme { get; init; } = FlowScheme.DormandPrince;

    /// <summary>Euler: the step is this fraction of the stability bound 2 e eps^2 / max W (in (0, 1]).</summary>
    public double Safety { get; init; } = 0.5;

    /// <summary>Dormand-Prince: local error per step, in units of eps (absolute position error / eps).</summary>
    public double Tolerance { get; init; } = 1e-6;

    public void Validate()
    {
        if (!(Safety > 0 && Safety <= 1))
            throw new InputException($"safety must be in (0, 1] (got {Safety.ToString("R", CultureInfo.InvariantCulture)}): the step is that fraction of the stability bound");
        if (!(Tolerance > 0 && Tolerance < 1))
            throw new InputException($"tolerance must be in (0, 1) (got {Tolerance.ToString("R", CultureInfo.InvariantCulture)}), in units of eps");
    }
}

/// <summary>Counts of one integration.</summary>
public sealed record FlowStatistics(int Steps, int Rejected, int Evaluations, double FinalEnergy, double FinalChi2);

/// <summary>
/// Evolves particles by the blob flow <c>dx_i/dt = v_i</c>. Positions that a step carries across a wall are
/// reflected back inside (the mirror-image walls of section 3); stage positions too, which is consistent
/// because the image system is symmetric under the reflection.
/// </summary>
public sealed class FlowIntegrator
{
    // Dormand-Prince 5(4) tableau.
    private static readonly double[][] A =
    [
        [],
        [1.0 / 5],
        [3.0 / 40, 9.0 / 40],
        [44.0 / 45, -56.0 / 15, 32.0 / 9],
        [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
        [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
        [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
    ];

    private static readonly double[] ErrorWeights =
        [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40];

    private readonly BlobField _field;
    private readonly double[] _masses;
    private readonly FlowSettings _settings;
    private readonly double[][] _k;
    private readonly double[] _stage;
    private readonly double[] _next;
    private double _lastDt;

    public FlowIntegrator(BlobField field, int particles, ReadOnlySpan<double> masses, FlowSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        _settings = settings ?? new FlowSettings();
        _settings.Validate();
        if (masses.Length != 0 && masses.Length != particles)
            throw new ArgumentException($"masses has length {masses.Length}, expected 0 or {particles}", nameof(masses));
        _field = field;
        _masses = masses.ToArray();
        int len = particles * field.Dimension;
        _k = new double[7][];
        for (int s = 0; s < 7; s++) _k[s] = new double[len];
        _stage = new double[len];
        _next = new double[len];
        Length = len;
    }

    public int Length { get; }

    /// <summary>Evaluates the field at x into v and returns the evaluation.</summary>
    public BlobEvaluation Velocities(ReadOnlySpan<double> x, Span<double> v) => _field.Evaluate(x, _masses, v);

    /// <summary>One explicit Euler step of at most <paramref name="maxDt"/>; returns the step taken and the energy before it.</summary>
    public (double Dt, BlobEvaluation Before) EulerStep(Span<double> x, double maxDt)
    {
        CheckLength(x);
        var ev = _field.Evaluate(x, _masses, _k[0]);
        double dt = Math.Min(maxDt, _settings.Safety * ev.StableTimeStep(_field.Epsilon));
        Axpy(x, dt, _k[0], x);
        Reflect(x);
        return (dt, ev);
    }

    /// <summary>Integrates over <paramref name="duration"/>; reports progress as the fraction of time done.</summary>
    public FlowStatistics Integrate(Span<double> x, double duration, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        CheckLength(x);
        if (!(duration >= 0) || !double.IsFinite(duration))
            throw new InputException($"duration must be a finite number >= 0 (got {duration.ToString("R", CultureInfo.InvariantCulture)})");
        return _settings.Scheme == FlowScheme.Euler
            ? IntegrateEuler(x, duration, progress, cancellationToken)
            : IntegrateDormandPrince(x, duration, progress, cancellationToken);
    }

    private FlowStatistics IntegrateEuler(Span<double> x, double duration, IProgress<double>? progress, CancellationToken ct)
    {
        double t = 0;
        int steps = 0;
        while (t < duration)
        {
            ct.ThrowIfCancellationRequested();
            var (dt, _) = EulerStep(x, duration - t);
            t = duration - t <= dt ? duration : t + dt;
            steps++;
            if ((steps & 63) == 0) progress?.Report(t / duration);
        }
        var end = _field.Measure(x, _masses);
        progress?.Report(1);
        return new FlowStatistics(steps, 0, steps + 1, end.Energy, end.Chi2);
    }

    private FlowStatistics IntegrateDormandPrince(Span<double> x, double duration, IProgress<double>? progress, CancellationToken ct)
    {
        double atol = _settings.Tolerance * _field.Epsilon;
        var ev = _field.Evaluate(x, _masses, _k[0]);
        int evals = 1, steps = 0, rejected = 0;
        double stable = ev.StableTimeStep(_field.Epsilon);
        double dt = _lastDt > 0 ? Math.Min(_lastDt, stable) : 0.5 * stable;
        double t = 0;
        while (t < duration)
        {
            ct.ThrowIfCancellationRequested();
            // DP5 is stable up to about 1.65 times the Euler bound on the negative real axis.
            dt = Math.Min(dt, 1.5 * stable);
            bool last = duration - t <= dt;
            if (last) dt = duration - t;
            for (int s = 1; s < 7; s++)
            {
                x.CopyTo(_stage);
                for (int j = 0; j < s; j++)
                    if (A[s][j] != 0) Axpy(_stage, dt * A[s][j], _k[j], _stage);
                Reflect(_stage);
                var e = _field.Evaluate(_stage, _masses, _k[s]);
                evals++;
                if (s == 6) { stable = e.StableTimeStep(_field.Epsilon); _stage.CopyTo(_next, 0); }
            }
            // Error estimate: dt * sum_j e_j k_j, max norm over all coordinates.
            double err = 0;
            for (int i = 0; i < Length; i++)
            {
                double s = 0;
                for (int j = 0; j < 7; j++) s += ErrorWeights[j] * _k[j][i];
                err = Math.Max(err, Math.Abs(dt * s));
            }
            double ratio = err / atol;
            if (ratio <= 1)
            {
                _next.CopyTo(x);
                (_k[0], _k[6]) = (_k[6], _k[0]); // first same as last
                t = last ? duration : t + dt;
                steps++;
                if ((steps & 15) == 0) progress?.Report(t / duration);
                _lastDt = dt;
            }
            else
            {
                rejected++;
            }
            // The adaptive step's growth factor: `flow` results depend on this libm call (not on the controller's path).
            #pragma warning disable RS0030
            double factor = ratio == 0 ? 5 : Math.Clamp(0.9 * Math.Pow(ratio, -0.2), 0.2, 5);
            #pragma warning restore RS0030
            if (ratio > 1) factor = Math.Min(factor, 1);
            dt *= factor;
        }
        var end = _field.Measure(x, _masses);
        progress?.Report(1);
        return new FlowStatistics(steps, rejected, evals + 1, end.Energy, end.Chi2);
    }

    private void Reflect(Span<double> x)
    {
        var box = _field.Domain;
        int d = box.Dimension;
        for (int i = 0; i < x.Length; i++)
        {
            int k = i % d;
            double v = x[i];
            if (v < box.Min[k] || v > box.Max[k]) x[i] = box.Fold(k, v);
        }
    }

    private static void Axpy(ReadOnlySpan<double> y, double a, ReadOnlySpan<double> x, Span<double> result)
    {
        for (int i = 0; i < result.Length; i++) result[i] = y[i] + a * x[i];
    }

    private void CheckLength(ReadOnlySpan<double> x)
    {
        if (x.Length != Length) throw new ArgumentException($"positions has length {x.Length}, expected {Length}", nameof(x));
    }
}
