using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Tests;

/// <summary>The same positions give the same bits whatever the thread count and the vector width.</summary>
public class DeterminismTests
{
    private static double[] Run(TargetDensity target, double eps, double[] x, double[]? m, int? threads, KernelPath path)
    {
        using var field = new BlobField(target, new BlobOptions { Epsilon = eps, MaxDegreeOfParallelism = threads }, path);
        var v = new double[x.Length];
        var e = field.Evaluate(x, m ?? [], v);
        return [.. v, e.Energy, e.Chi2, e.MaxRatio];
    }

    public static TheoryData<int> Dimensions => new() { 1, 2, 3 };

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void Scalar_Vector128_and_Vector256_paths_give_identical_bits(int d)
    {
        var box = d switch { 1 => new Box([0.0], [1.0]), 2 => new Box([0.0, 0.0], [1.0, 0.8]), _ => Box.Unit(3) };
        var target = new GaussianMixtureDensity(box, [new GaussianComponent(1, Enumerable.Repeat(0.4, d).ToArray(), Enumerable.Repeat(0.2, d).ToArray())]);
        double eps = d == 3 ? 0.05 : 0.02;
        var x = TestData.Positions(box, d == 3 ? 40 : 400, seed: 21);
        var m = TestData.Masses(x.Length / d, seed: 2);
        var scalar = Run(target, eps, x, m, 1, KernelPath.Scalar);
        var v128 = Run(target, eps, x, m, 1, KernelPath.Vector128);
        var v256 = Run(target, eps, x, m, 1, KernelPath.Vector256);
        Assert.Equal(scalar, v128);
        Assert.Equal(scalar, v256);
        Assert.Contains(scalar, v => v != 0);
    }

    [Fact]
    public void Thread_count_does_not_change_a_single_bit()
    {
        // Large enough that the deposit uses several chunks and the gather runs in parallel.
        var box = Box.Unit(2);
        var target = new UniformDensity(box);
        var x = TestData.Positions(box, 30_000, seed: 8);
        var one = Run(target, 0.01, x, null, 1, KernelPath.Auto);
        foreach (int threads in new[] { 2, 3, 7 })
            Assert.Equal(one, Run(target, 0.01, x, null, threads, KernelPath.Auto));
    }
}
