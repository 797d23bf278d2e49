using System.Runtime.Intrinsics;
using SwarmCoverage.Core;

namespace SwarmCoverage.Core.Tests;

public class DetMathTests
{
    private static double Ulps(double a, double b)
    {
        if (a == b) return 0;
        double scale = Math.Max(Math.Abs(b), double.Epsilon);
        return Math.Abs(a - b) / (Math.BitIncrement(scale) - scale);
    }

    [Fact]
    public void Exp_agrees_with_the_platform_to_a_few_ulps_over_its_range()
    {
        var rng = new Random(1);
        for (int i = 0; i < 200_000; i++)
        {
            double x = (rng.NextDouble() - 0.5) * 1400;
            Assert.True(Ulps(DetMath.Exp(x), Math.Exp(x)) <= 2, $"exp({x:R}) = {DetMath.Exp(x):R}, libm {Math.Exp(x):R}");
        }
        Assert.Equal(1.0, DetMath.Exp(0));
        Assert.Equal(0.0, DetMath.Exp(-800));
        Assert.Equal(double.PositiveInfinity, DetMath.Exp(800));
    }

    [Fact]
    public void Exp4_gives_each_lane_the_bits_of_Exp_in_range_at_its_edges_and_beyond()
    {
        // In range (the vector path), around its edges at -708 and 709, and outside it, NaN and the infinities
        // (the scalar path), mixed within one vector so that one lane out of range sends all four the scalar way.
        double[] edges =
        [
            -708, 709, Math.BitDecrement(-708), Math.BitIncrement(709), -707.9999, 708.9999, -745.1, -745.3, 709.8, 0, -0.0,
            double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-300, -1e-300, 0.5 * Math.Log(2), -0.5 * Math.Log(2),
        ];
        var rng = new Random(4);
        for (int i = 0; i < 100_000; i++)
        {
            double Pick() => rng.Next(8) == 0 ? edges[rng.Next(edges.Length)] : (rng.NextDouble() - 0.5) * (i % 2 == 0 ? 64 : 1500);
            var x = Vector256.Create(Pick(), Pick(), Pick(), Pick());
            var e = DetMath.Exp4(x);
            for (int l = 0; l < 4; l++)
            {
                double want = DetMath.Exp(x.GetElement(l));
                Assert.True(BitConverter.DoubleToInt64Bits(want) == BitConverter.DoubleToInt64Bits(e.GetElement(l)),
                    $"lane {l} of exp4({x}): {e.GetElement(l):R}, Exp gives {want:R}");
            }
        }
    }

    [Fact]
    public void SinCos_agrees_with_the_platform_to_a_few_ulps()
    {
        var rng = new Random(2);
        for (int i = 0; i < 200_000; i++)
        {
            double x = i < 100_000 ? (rng.NextDouble() - 0.5) * 20 : (rng.NextDouble() - 0.5) * 2e5;
            var (s, c) = DetMath.SinCos(x);
            // absolute error near the zeros of sin and cos, relative elsewhere
            Assert.True(Math.Abs(s - Math.Sin(x)) <= 4e-16 || Ulps(s, Math.Sin(x)) <= 2, $"sin({x:R}) = {s:R}, libm {Math.Sin(x):R}");
            Assert.True(Math.Abs(c - Math.Cos(x)) <= 4e-16 || Ulps(c, Math.Cos(x)) <= 2, $"cos({x:R}) = {c:R}, libm {Math.Cos(x):R}");
        }
    }

    [Fact]
    public void Atan2_agrees_with_the_platform_including_special_cases()
    {
        var rng = new Random(3);
        for (int i = 0; i < 200_000; i++)
        {
            double y = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-5, 6));
            double x = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-5, 6));
            Assert.True(Ulps(DetMath.Atan2(y, x), Math.Atan2(y, x)) <= 4, $"atan2({y:R}, {x:R}) = {DetMath.Atan2(y, x):R}, libm {Math.Atan2(y, x):R}");
        }
        double[] special = [0.0, -0.0, 1.0, -1.0, double.PositiveInfinity, double.NegativeInfinity];
        foreach (var y in special)
            foreach (var x in special)
            {
                bool exactCase = y == 0 || x == 0 || double.IsInfinity(x) || double.IsInfinity(y); // signed zeros and infinities
                if (exactCase) Assert.Equal(Math.Atan2(y, x), DetMath.Atan2(y, x));
                else Assert.True(Ulps(DetMath.Atan2(y, x), Math.Atan2(y, x)) <= 4);
            }
        Assert.True(double.IsNaN(DetMath.Atan2(double.NaN, 1)));
    }
}
