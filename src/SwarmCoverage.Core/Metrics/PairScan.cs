namespace SwarmCoverage.Core.Metrics;

/// <summary>
/// Close pairs of points by a plane sweep along the first axis (sort by x, then compare only points closer in x than
/// what is still of interest), reusing its buffers: the one pair loop behind the status's minimum distance and the
/// collision counts of a simulation. O(N log N) for spread points. Called again for as many points, it starts from the
/// last call's order, which for points that moved a little is nearly sorted: an insertion sort then finishes in about
/// N steps (a full sort when it would take many more). The count and the minimum do not depend on the order.
/// </summary>
public sealed class PairScan
{
    private int[] _order;
    private double[] _keys;
    private int _lastCount = -1;

    /// <summary>Buffers for up to <paramref name="capacity"/> points (they grow when needed).</summary>
    public PairScan(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _order = new int[capacity];
        _keys = new double[capacity];
    }

    /// <summary>
    /// The number of pairs closer than <paramref name="radius"/> and the smallest distance between two of the points
    /// (+inf for fewer than two); <paramref name="points"/> holds <paramref name="dimension"/> coordinates per point.
    /// </summary>
    public int Scan(ReadOnlySpan<double> points, int dimension, double radius, out double minDistance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        int n = points.Length / dimension;
        if (_order.Length < n)
        {
            _order = new int[n];
            _keys = new double[n];
            _lastCount = -1;
        }

        if (n != _lastCount || !NearlySorted(points, dimension, n))
        {
            for (int i = 0; i < n; i++)
            {
                _order[i] = i;
                _keys[i] = points[i * dimension];
            }

            Array.Sort(_keys, _order, 0, n);
        }

        _lastCount = n;
        int count = 0;
        double best2 = double.PositiveInfinity;
        double r2 = radius * radius;
        for (int a = 0; a < n; a++)
        {
            int i = _order[a];
            for (int b = a + 1; b < n; b++)
            {
                double dx = _keys[b] - _keys[a];
                if (dx * dx >= Math.Max(r2, best2)) break;
                int j = _order[b];
                double d2 = dx * dx;
                for (int k = 1; k < dimension; k++)
                {
                    double t = points[j * dimension + k] - points[i * dimension + k];
                    d2 += t * t;
                }

                if (d2 < r2) count++;
                if (d2 < best2) best2 = d2;
            }
        }

        minDistance = Math.Sqrt(best2);
        return count;
    }

    /// <summary>
    /// Re-sorts the last order by the points' new first coordinates with an insertion sort, giving up (false) after 8 N
    /// moves; NaN keys (which a full sort puts first) also give up.
    /// </summary>
    private bool NearlySorted(ReadOnlySpan<double> points, int dimension, int n)
    {
        for (int a = 0; a < n; a++)
        {
            double key = points[_order[a] * dimension];
            if (double.IsNaN(key)) return false;
            _keys[a] = key;
        }

        long budget = 8L * n;
        for (int a = 1; a < n; a++)
        {
            double key = _keys[a];
            int item = _order[a];
            int b = a - 1;
            while (b >= 0 && _keys[b] > key)
            {
                if (--budget < 0) return false;
                _keys[b + 1] = _keys[b];
                _order[b + 1] = _order[b];
                b--;
            }

            _keys[b + 1] = key;
            _order[b + 1] = item;
        }

        return true;
    }

    /// <summary>The smallest distance between two of the points (+inf for fewer than two).</summary>
    public double MinDistance(ReadOnlySpan<double> points, int dimension)
    {
        Scan(points, dimension, 0, out double min);
        return min;
    }
}
