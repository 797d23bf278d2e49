namespace SwarmCoverage.Core.Targets;

/// <summary>
/// An unnormalized target density <c>g &gt;= 0</c> on a box (docs/method.md section 2). The density the
/// method uses is floored and normalized on the computation grid (see <see cref="Blob.BlobGrid"/>);
/// implementations only evaluate g.
/// </summary>
public abstract class TargetDensity
{
    /// <summary>Default floor of section 2: <c>rhobar = max(g, floor * mean g) / Z</c>.</summary>
    public const double DefaultFloor = 1e-3;

    /// <summary>
    /// The smallest floor accepted. Far below it the push out of empty regions is beyond any robot's speed anyway, and a
    /// subnormal floor (found by fuzzing: 1.65e-312) makes <c>floor * mean g</c> underflow and the velocity NaN.
    /// </summary>
    public const double MinFloor = 1e-12;

    protected TargetDensity(Box domain, double floor, string source)
    {
        ArgumentNullException.ThrowIfNull(domain);
        if (!(floor >= MinFloor) || !double.IsFinite(floor))
            throw new InputException($"{source}: floor must be a finite number >= {MinFloor:G} (got {floor}); it keeps U/rhobar bounded");
        Domain = domain;
        Floor = floor;
        Source = source;
    }

    public Box Domain { get; }
    public int Dimension => Domain.Dimension;

    /// <summary>The floor as a fraction of the mean of g over the box.</summary>
    public double Floor { get; }

    /// <summary>Where this target came from (a file name, a topic), for messages.</summary>
    public string Source { get; }

    /// <summary>Short kind name as in the target file: uniform, gaussian_mixture, grid.</summary>
    public abstract string Kind { get; }

    /// <summary>g at a point of the box (any point is accepted; points outside are not used by the method).</summary>
    public abstract double Evaluate(ReadOnlySpan<double> point);
}

/// <summary><c>g = 1</c> on the box.</summary>
public sealed class UniformDensity : TargetDensity
{
    public UniformDensity(Box domain, double floor = DefaultFloor, string source = "uniform target")
        : base(domain, floor, source) { }

    public override string Kind => "uniform";

    public override double Evaluate(ReadOnlySpan<double> point) => 1.0;
}

/// <summary>One axis-aligned Gaussian: weight, mean and per-axis standard deviation.</summary>
public sealed record GaussianComponent(double Weight, double[] Mean, double[] Sigma);

/// <summary><c>g(y) = sum_c w_c prod_k N(y_k; mu_ck, sigma_ck)</c> (each component a normalized Gaussian).</summary>
public sealed class GaussianMixtureDensity : TargetDensity
{
    private readonly double[] _weights;     // w_c / ((2 pi)^(d/2) prod sigma)
    private readonly double[] _means;       // c*d + k
    private readonly double[] _invTwoVar;   // 1 / (2 sigma^2)

    public GaussianMixtureDensity(Box domain, IReadOnlyList<GaussianComponent> components, double floor = DefaultFloor,
        string source = "gaussian_mixture target")
        : base(domain, floor, source)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (components.Count == 0)
            throw new InputException($"{source}: gaussian_mixture needs at least one component");
        int d = domain.Dimension;
        _weights = new double[components.Count];
        _means = new double[components.Count * d];
        _invTwoVar = new double[components.Count * d];
        for (int c = 0; c < components.Count; c++)
        {
            var comp = components[c];
            if (comp.Mean.Length != d || comp.Sigma.Length != d)
                throw new InputException($"{source}: component {c} needs mean and sigma with {d} coordinates (the box dimension), got {comp.Mean.Length} and {comp.Sigma.Length}");
            if (!(comp.Weight > 0) || !double.IsFinite(comp.Weight))
                throw new InputException($"{source}: component {c} weight must be a finite number > 0 (got {comp.Weight})");
            double norm = comp.Weight;
            for (int k = 0; k < d; k++)
            {
                double s = comp.Sigma[k];
                if (!(s > 0) || !double.IsFinite(s))
                    throw new InputException($"{source}: component {c} sigma[{k}] must be a finite number > 0 (got {s})");
                if (!double.IsFinite(comp.Mean[k]))
                    throw new InputException($"{source}: component {c} mean[{k}] must be finite (got {comp.Mean[k]})");
                norm /= Math.Sqrt(2 * Math.PI) * s;
                double invTwoVar = 1.0 / (2 * s * s);
                // 1/(2 sigma^2) must be a positive finite number: infinite (sigma below ~1e-154) it turns a zero offset
                // into 0 x inf = NaN, zero (sigma above ~1e154) it turns a far one into inf x 0.
                if (!(invTwoVar > 0) || !double.IsFinite(invTwoVar))
                    throw new InputException($"{source}: component {c} sigma[{k}] = {s} is too {(invTwoVar > 0 ? "small" : "large")} to represent; use a sigma of the arena's scale");
                _means[c * d + k] = comp.Mean[k];
                _invTwoVar[c * d + k] = invTwoVar;
            }
            if (!double.IsFinite(norm))
                throw new InputException($"{source}: component {c}: weight {comp.Weight} over its sigmas' product gives a peak density too large to represent");
            _weights[c] = norm;
        }
        double peak = 0;
        foreach (double w in _weights) peak += w;
        if (!double.IsFinite(peak))
            throw new InputException($"{source}: the components' peak densities sum beyond the largest number; scale the weights down");
        Components = components.ToArray();
    }

    public IReadOnlyList<GaussianComponent> Components { get; }

    public override string Kind => "gaussian_mixture";

    public override double Evaluate(ReadOnlySpan<double> point)
    {
        int d = Dimension;
        double g = 0;
        for (int c = 0; c < _weights.Length; c++)
        {
            double q = 0;
            for (int k = 0; k < d; k++)
            {
                double t = point[k] - _means[c * d + k];
                q += t * t * _invTwoVar[c * d + k];
            }
            g += _weights[c] * DetMath.Exp(-q);
        }
        return g;
    }
}

/// <summary>
/// A raster of non-negative values stretched over the box, interpolated bilinearly (trilinearly in
/// 3-D) between pixel centres and held constant beyond the outermost centres.
/// Layout: <c>Values[((iz * ny) + iy) * nx + ix]</c>, ix along the first axis from min to max, iy along
/// the second axis from min to max, iz along the third. (Image files list rows from the top, i.e.
/// from the largest y; the loaders flip them.)
/// </summary>
public sealed class RasterDensity : TargetDensity
{
    private readonly double[] _values;
    private readonly int[] _size;

    public RasterDensity(Box domain, ReadOnlySpan<int> size, double[] values, double floor = DefaultFloor,
        string source = "grid target")
        : base(domain, floor, source)
    {
        ArgumentNullException.ThrowIfNull(values);
        int d = domain.Dimension;
        if (size.Length != d)
            throw new InputException($"{source}: raster has {size.Length} axes but the box has {d}");
        long count = 1;
        for (int k = 0; k < d; k++)
        {
            if (size[k] < 1) throw new InputException($"{source}: raster axis {k} has no samples");
            count *= size[k];
        }
        if (count != values.Length)
            throw new InputException($"{source}: raster of size {string.Join(" x ", size.ToArray())} needs {count} values, got {values.Length}");
        for (int i = 0; i < values.Length; i++)
            if (!(values[i] >= 0) || !double.IsFinite(values[i]))
                throw new InputException($"{source}: raster value {i} is {values[i]}; values must be finite and >= 0");
        _values = values;
        _size = size.ToArray();
    }

    public override string Kind => "grid";
    public ReadOnlySpan<int> Size => _size;
    public ReadOnlySpan<double> Values => _values;

    public override double Evaluate(ReadOnlySpan<double> point)
    {
        int d = Dimension;
        Span<int> i0 = stackalloc int[3];
        Span<int> i1 = stackalloc int[3];
        Span<double> f = stackalloc double[3];
        for (int k = 0; k < d; k++)
        {
            int n = _size[k];
            // Pixel centre j sits at min + (j + 0.5) L / n.
            double u = (point[k] - Domain.Min[k]) / Domain.Length(k) * n - 0.5;
            if (n == 1 || u <= 0) { i0[k] = 0; i1[k] = 0; f[k] = 0; }
            else if (u >= n - 1) { i0[k] = n - 1; i1[k] = n - 1; f[k] = 0; }
            else
            {
                int j = (int)Math.Floor(u);
                i0[k] = j; i1[k] = j + 1; f[k] = u - j;
            }
        }
        return d switch
        {
            1 => Lerp(At(i0[0], 0, 0), At(i1[0], 0, 0), f[0]),
            2 => Lerp(Lerp(At(i0[0], i0[1], 0), At(i1[0], i0[1], 0), f[0]),
                      Lerp(At(i0[0], i1[1], 0), At(i1[0], i1[1], 0), f[0]), f[1]),
            _ => Lerp(
                    Lerp(Lerp(At(i0[0], i0[1], i0[2]), At(i1[0], i0[1], i0[2]), f[0]),
                         Lerp(At(i0[0], i1[1], i0[2]), At(i1[0], i1[1], i0[2]), f[0]), f[1]),
                    Lerp(Lerp(At(i0[0], i0[1], i1[2]), At(i1[0], i0[1], i1[2]), f[0]),
                         Lerp(At(i0[0], i1[1], i1[2]), At(i1[0], i1[1], i1[2]), f[0]), f[1]), f[2]),
        };
    }

    private double At(int ix, int iy, int iz)
    {
        int nx = _size[0];
        int ny = _size.Length > 1 ? _size[1] : 1;
        return _values[(iz * ny + iy) * nx + ix];
    }

    private static double Lerp(double a, double b, double t) => t == 0 ? a : a + (b - a) * t;
}
