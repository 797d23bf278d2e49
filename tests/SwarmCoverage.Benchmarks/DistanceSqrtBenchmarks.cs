using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Metrics;

namespace SwarmCoverage.Benchmarks;

/// <summary>
/// The energy distance's floor (docs/speed.md, "Floors"): one weighted distance sum over 4,096 points. Baseline: the
/// double kernel the metrics used until 47aff53 (a correctly rounded double square root per pair). Against it: a
/// single-precision root refined by one Newton step in double (no faster on Zen 4), single precision throughout with
/// one float a weight, the metrics' kernel itself (<c>DistanceKernels.Row</c>: single precision, each weight in two
/// floats), and the same in 16 lanes. Read by Ratio.
/// Run: <c>dotnet run -c Release --project tests/SwarmCoverage.Benchmarks -- --filter '*DistanceSqrtBenchmarks*'</c>
/// </summary>
public unsafe class DistanceSqrtBenchmarks
{
    private const int Points = 4096;
    private readonly double[] _x = new double[Points];
    private readonly double[] _y = new double[Points];
    private readonly double[] _w = new double[Points];
    // With the padding DistanceKernels.Row may read past the last point (weight zero).
    private readonly float[] _xf = new float[Points + DistanceKernels.Padding];
    private readonly float[] _yf = new float[Points + DistanceKernels.Padding];
    private readonly float[] _wf = new float[Points + DistanceKernels.Padding];
    private readonly float[] _wl = new float[Points + DistanceKernels.Padding];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (int j = 0; j < Points; j++)
        {
            _x[j] = 70 * rng.NextDouble();
            _y[j] = 70 * rng.NextDouble();
            _w[j] = 1.0 / Points;
            _xf[j] = (float)(_x[j] - 35);
            _yf[j] = (float)(_y[j] - 35);
            _wf[j] = (float)_w[j];
            _wl[j] = (float)(_w[j] - _wf[j]);
        }
    }

    [Benchmark(Baseline = true, Description = "double square root (the metrics' kernel until 47aff53)")]
    public double DoubleSqrt()
    {
        fixed (double* x = _x, y = _y, w = _w)
        {
            var ax = Vector256.Create(35.0);
            var ay = Vector256.Create(20.0);
            var acc = Vector256<double>.Zero;
            for (int j = 0; j < Points; j += 4)
            {
                var dx = ax - Vector256.Load(x + j);
                var dy = ay - Vector256.Load(y + j);
                acc = Vector256.FusedMultiplyAdd(Vector256.Load(w + j), Vector256.Sqrt((dx * dx) + (dy * dy)), acc);
            }

            return Vector256.Sum(acc);
        }
    }

    [Benchmark(Description = "single square root and one Newton step in double, 8 pairs a step")]
    public double FloatSqrtNewton()
    {
        if (!Avx.IsSupported) return double.NaN;
        fixed (double* x = _x, y = _y, w = _w)
        {
            var ax = Vector256.Create(35.0);
            var ay = Vector256.Create(20.0);
            var half = Vector256.Create(0.5f);
            var acc = Vector256<double>.Zero;
            for (int j = 0; j < Points; j += 8)
            {
                var dx0 = ax - Vector256.Load(x + j);
                var dy0 = ay - Vector256.Load(y + j);
                var dx1 = ax - Vector256.Load(x + j + 4);
                var dy1 = ay - Vector256.Load(y + j + 4);
                var q0 = (dx0 * dx0) + (dy0 * dy0);
                var q1 = (dx1 * dx1) + (dy1 * dy1);
                var rf = Vector256.Sqrt(Vector256.Create(Avx.ConvertToVector128Single(q0), Avx.ConvertToVector128Single(q1)));
                var inv = half / rf;
                var r0 = Avx.ConvertToVector256Double(rf.GetLower());
                var r1 = Avx.ConvertToVector256Double(rf.GetUpper());
                var s0 = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(-r0, r0, q0), Avx.ConvertToVector256Double(inv.GetLower()), r0);
                var s1 = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(-r1, r1, q1), Avx.ConvertToVector256Double(inv.GetUpper()), r1);
                acc = Vector256.FusedMultiplyAdd(Vector256.Load(w + j), s0, acc);
                acc = Vector256.FusedMultiplyAdd(Vector256.Load(w + j + 4), s1, acc);
            }

            return Vector256.Sum(acc);
        }
    }

    [Benchmark(Description = "single precision throughout, 8 pairs a step, summed in double every 32 steps")]
    public double FloatSqrt()
    {
        fixed (float* x = _xf, y = _yf, w = _wf)
        {
            var ax = Vector256.Create(0f);
            var ay = Vector256.Create(-15f);
            var total = Vector256<double>.Zero;
            for (int j0 = 0; j0 < Points; j0 += 256)
            {
                var acc = Vector256<float>.Zero;
                for (int j = j0; j < j0 + 256; j += 8)
                {
                    var dx = ax - Vector256.Load(x + j);
                    var dy = ay - Vector256.Load(y + j);
                    acc = Vector256.FusedMultiplyAdd(Vector256.Load(w + j), Vector256.Sqrt(Vector256.FusedMultiplyAdd(dx, dx, dy * dy)), acc);
                }

                total += Avx.ConvertToVector256Double(acc.GetLower()) + Avx.ConvertToVector256Double(acc.GetUpper());
            }

            return Vector256.Sum(total);
        }
    }

    [Benchmark(Description = "the metrics' kernel: single precision, each weight in two floats (DistanceKernels.Row)")]
    public double FloatSqrtSplitWeights()
    {
        fixed (float* x = _xf, y = _yf, w = _wf, wl = _wl)
            return DistanceKernels.Row(KernelPath.Vector256, 0f, -15f, x, y, w, wl, 0, Points);
    }

    [Benchmark(Description = "single precision, split weights, 16 lanes (Vector512)")]
    public double FloatSqrt512()
    {
        if (!Vector512.IsHardwareAccelerated) return double.NaN;
        fixed (float* x = _xf, y = _yf, w = _wf, wl = _wl)
        {
            var ax = Vector512.Create(0f);
            var ay = Vector512.Create(-15f);
            var total = Vector512<double>.Zero;
            for (int j0 = 0; j0 < Points; j0 += 256)
            {
                var acc = Vector512<float>.Zero;
                var low = Vector512<float>.Zero;
                for (int j = j0; j < j0 + 256; j += 16)
                {
                    var dx = ax - Vector512.Load(x + j);
                    var dy = ay - Vector512.Load(y + j);
                    var r = Vector512.Sqrt(Vector512.FusedMultiplyAdd(dx, dx, dy * dy));
                    acc = Vector512.FusedMultiplyAdd(Vector512.Load(w + j), r, acc);
                    low = Vector512.FusedMultiplyAdd(Vector512.Load(wl + j), r, low);
                }

                total += Vector512.WidenLower(acc) + Vector512.WidenUpper(acc) + Vector512.WidenLower(low) + Vector512.WidenUpper(low);
            }

            return Vector512.Sum(total);
        }
    }
}
