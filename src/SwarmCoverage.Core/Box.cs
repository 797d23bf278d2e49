using System.Globalization;

namespace SwarmCoverage.Core;

/// <summary>An axis-aligned box <c>[a_1,b_1] x ... x [a_d,b_d]</c>, d = 1, 2 or 3 (metres for robots).</summary>
public sealed class Box : IEquatable<Box>
{
    private readonly double[] _min;
    private readonly double[] _max;

    public Box(ReadOnlySpan<double> min, ReadOnlySpan<double> max)
    {
        if (min.Length != max.Length)
            throw new InputException($"box: min has {min.Length} coordinates but max has {max.Length}");
        if (min.Length is < 1 or > 3)
            throw new InputException($"box: dimension {min.Length} is not supported (1, 2 or 3)");
        for (int k = 0; k < min.Length; k++)
        {
            if (!double.IsFinite(min[k]) || !double.IsFinite(max[k]))
                throw new InputException($"box: axis {k} bounds must be finite numbers (min {Fmt(min[k])}, max {Fmt(max[k])})");
            if (!(max[k] > min[k]))
                throw new InputException($"box: axis {k} needs min < max (min {Fmt(min[k])}, max {Fmt(max[k])})");
        }
        _min = min.ToArray();
        _max = max.ToArray();
    }

    /// <summary>The unit box [0,1]^d.</summary>
    public static Box Unit(int dimension)
    {
        Span<double> lo = stackalloc double[dimension];
        Span<double> hi = stackalloc double[dimension];
        hi.Fill(1.0);
        return new Box(lo, hi);
    }

    public int Dimension => _min.Length;
    public ReadOnlySpan<double> Min => _min;
    public ReadOnlySpan<double> Max => _max;
    public double Length(int axis) => _max[axis] - _min[axis];

    public double Volume
    {
        get
        {
            double v = 1;
            for (int k = 0; k < _min.Length; k++) v *= _max[k] - _min[k];
            return v;
        }
    }

    public bool Contains(ReadOnlySpan<double> point)
    {
        for (int k = 0; k < _min.Length; k++)
            if (!(point[k] >= _min[k] && point[k] <= _max[k])) return false;
        return true;
    }

    /// <summary>
    /// Folds a coordinate back into [a, b] by even reflection across the faces (the mirror-image walls of
    /// docs/method.md section 3, extended periodically so that any overshoot lands inside).
    /// </summary>
    public double Fold(int axis, double x)
    {
        double a = _min[axis], b = _max[axis];
        if (x >= a && x <= b) return x;
        double l = b - a;
        double u = (x - a) % (2 * l);
        if (u < 0) u += 2 * l;
        return u <= l ? a + u : a + (2 * l - u);
    }

    public bool Equals(Box? other) =>
        other is not null && _min.AsSpan().SequenceEqual(other._min) && _max.AsSpan().SequenceEqual(other._max);

    public override bool Equals(object? obj) => Equals(obj as Box);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in _min) h.Add(v);
        foreach (var v in _max) h.Add(v);
        return h.ToHashCode();
    }

    public override string ToString() =>
        "[" + string.Join(", ", _min.Select(Fmt)) + "] .. [" + string.Join(", ", _max.Select(Fmt)) + "]";

    private static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
