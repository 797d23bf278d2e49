using System.Globalization;

namespace SwarmCoverage.Control;

/// <summary>Percentiles of a latency over the most recent samples (a fixed ring buffer; recording allocates nothing).</summary>
public sealed class LatencyRecorder(int capacity = 1 << 16)
{
    private readonly double[] _ring = new double[capacity];
    private readonly Lock _gate = new();
    private long _count;

    /// <summary>Samples recorded since the start (the ring keeps the last <c>capacity</c>).</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Records one sample (seconds).</summary>
    public void Record(double seconds)
    {
        lock (_gate)
        {
            _ring[_count++ % _ring.Length] = seconds;
        }
    }

    /// <summary>Percentiles of the last <paramref name="last"/> samples (at most the ring's capacity); allocates.</summary>
    public LatencySummary Summarize(long last = long.MaxValue)
    {
        double[] s;
        lock (_gate)
        {
            int n = (int)Math.Min(Math.Min(last, _count), _ring.Length);
            s = new double[n];
            for (int i = 0; i < n; i++) s[i] = _ring[(_count - n + i) % _ring.Length];
        }
        Array.Sort(s);
        return new LatencySummary(s.Length, NearestRank(s, 0.5), NearestRank(s, 0.9), NearestRank(s, 0.99), s.Length == 0 ? double.NaN : s[^1]);
    }

    /// <summary>The nearest-rank <paramref name="q"/>-quantile of ascending <paramref name="sorted"/> values; NaN when there are none.</summary>
    public static double NearestRank(ReadOnlySpan<double> sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1))];
}

/// <summary>Latency percentiles in seconds (nearest-rank).</summary>
public readonly record struct LatencySummary(int Samples, double P50S, double P90S, double P99S, double MaxS)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {P50S * 1e3:F3} ms, p90 {P90S * 1e3:F3} ms, p99 {P99S * 1e3:F3} ms, max {MaxS * 1e3:F3} ms (n={Samples})");
}
