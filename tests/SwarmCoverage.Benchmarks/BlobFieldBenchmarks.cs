using BenchmarkDotNet.Attributes;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Core.Tests;

namespace SwarmCoverage.Benchmarks;

/// <summary>
/// One full velocity evaluation against the naive dense definition (the baseline), 2-D unit square, uniform
/// target. Read by Ratio and Alloc Ratio. Run:
/// <c>dotnet run -c Release --project tests/SwarmCoverage.Benchmarks -- --filter '*BlobVersusNaive*'</c>
/// </summary>
[MemoryDiagnoser]
public class BlobVersusNaive
{
    private const double Eps = 0.05;
    private double[] _x = [];
    private double[][] _xs = [];
    private double[] _m = [];
    private double[] _v = [];
    private NaiveBlob _naive = null!;
    private BlobField _auto = null!, _scalar = null!, _single = null!;

    [Params(500)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var box = Box.Unit(2);
        var target = new UniformDensity(box);
        var rng = new Random(1);
        _x = Enumerable.Range(0, 2 * N).Select(_ => rng.NextDouble()).ToArray();
        _xs = Enumerable.Range(0, N).Select(i => new[] { _x[2 * i], _x[2 * i + 1] }).ToArray();
        _m = Enumerable.Repeat(1.0 / N, N).ToArray();
        _v = new double[2 * N];
        _naive = new NaiveBlob(target, Eps);
        _auto = new BlobField(target, new BlobOptions { Epsilon = Eps });
        _scalar = new BlobField(target, new BlobOptions { Epsilon = Eps, MaxDegreeOfParallelism = 1 }, KernelPath.Scalar);
        _single = new BlobField(target, new BlobOptions { Epsilon = Eps, MaxDegreeOfParallelism = 1 });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _auto.Dispose();
        _scalar.Dispose();
        _single.Dispose();
    }

    [Benchmark(Baseline = true, Description = "naive dense definition")]
    public double[][] Naive() => _naive.Velocities(_xs, _m);

    [Benchmark(Description = "blob field, scalar path, 1 thread")]
    public double Scalar() => _scalar.Evaluate(_x, [], _v).Energy;

    [Benchmark(Description = "blob field, SIMD, 1 thread")]
    public double SimdSingleThread() => _single.Evaluate(_x, [], _v).Energy;

    [Benchmark(Description = "blob field, SIMD, all cores")]
    public double Simd() => _auto.Evaluate(_x, [], _v).Energy;
}

/// <summary>
/// The speed targets: 2-D, eps = 0.01 on the unit square, default options, N from 10^4 to 10^6 (cost
/// linear in N). Run: <c>dotnet run -c Release --project tests/SwarmCoverage.Benchmarks -- --filter '*BlobScaling*'</c>
/// </summary>
[MemoryDiagnoser]
public class BlobScaling
{
    private double[] _x = [];
    private double[] _v = [];
    private BlobField _field = null!;

    [Params(10_000, 100_000, 1_000_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _x = Enumerable.Range(0, 2 * N).Select(_ => rng.NextDouble()).ToArray();
        _v = new double[2 * N];
        _field = new BlobField(new UniformDensity(Box.Unit(2)), new BlobOptions { Epsilon = 0.01 });
    }

    [GlobalCleanup]
    public void Cleanup() => _field.Dispose();

    [Benchmark]
    public double Evaluate() => _field.Evaluate(_x, [], _v).Energy;
}
