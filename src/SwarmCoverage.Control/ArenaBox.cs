using System.Globalization;

namespace SwarmCoverage.Control;

/// <summary>An axis-aligned box in metres (2-D rectangle or 3-D box) that robots must stay inside.</summary>
public sealed class ArenaBox
{
    private readonly double[] _min;
    private readonly double[] _max;

    /// <summary>Creates a box from its lower and upper corners (metres); throws when they are not finite or not ordered.</summary>
    public ArenaBox(ReadOnlySpan<double> minM, ReadOnlySpan<double> maxM)
    {
        if (minM.Length != maxM.Length || minM.Length is < 2 or > 3)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"ArenaBox: corners have {minM.Length} and {maxM.Length} coordinates; allowed: both 2 or both 3."), nameof(minM));
        }

        for (int k = 0; k < minM.Length; k++)
        {
            if (!double.IsFinite(minM[k]) || !double.IsFinite(maxM[k]) || !(maxM[k] > minM[k]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"ArenaBox: axis {k} has min {minM[k]} m and max {maxM[k]} m; allowed: finite with max > min."), nameof(minM));
            }
        }

        _min = minM.ToArray();
        _max = maxM.ToArray();
    }

    /// <summary>2 or 3.</summary>
    public int Dimension => _min.Length;

    /// <summary>Lower bound of <paramref name="axis"/> in metres.</summary>
    public double MinM(int axis) => _min[axis];

    /// <summary>Upper bound of <paramref name="axis"/> in metres.</summary>
    public double MaxM(int axis) => _max[axis];

    /// <summary>A rectangle [xMin, xMax] x [yMin, yMax] in metres.</summary>
    public static ArenaBox Rectangle(double xMinM, double xMaxM, double yMinM, double yMaxM) =>
        new([xMinM, yMinM], [xMaxM, yMaxM]);

    /// <summary>A 3-D box in metres.</summary>
    public static ArenaBox Box(double xMinM, double xMaxM, double yMinM, double yMaxM, double zMinM, double zMaxM) =>
        new([xMinM, yMinM, zMinM], [xMaxM, yMaxM, zMaxM]);

    /// <summary>The Robotarium arena [-1.6, 1.6] x [-1, 1] m.</summary>
    public static ArenaBox Robotarium => Rectangle(-1.6, 1.6, -1.0, 1.0);

    /// <summary>Distance (metres) by which <paramref name="point"/> lies outside the box; 0 inside.</summary>
    public double DistanceOutsideM(ReadOnlySpan<double> point)
    {
        double sum = 0;
        for (int k = 0; k < _min.Length; k++)
        {
            double e = Math.Max(_min[k] - point[k], Math.Max(point[k] - _max[k], 0.0));
            sum += e * e;
        }

        return Math.Sqrt(sum);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var parts = new string[_min.Length];
        for (int k = 0; k < parts.Length; k++)
        {
            parts[k] = string.Create(CultureInfo.InvariantCulture, $"[{_min[k]}, {_max[k]}]");
        }

        return string.Join(" x ", parts) + " m";
    }
}
