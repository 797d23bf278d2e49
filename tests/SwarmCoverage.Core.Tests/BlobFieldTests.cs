using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Tests;

public class BlobFieldTests
{
    public static TheoryData<int> Dimensions => new() { 1, 2, 3 };

    private static (TargetDensity Target, double Eps) Case(int d) => d switch
    {
        1 => (new GaussianMixtureDensity(new Box([-0.5], [1.5]),
                [new GaussianComponent(0.7, [0.2], [0.15]), new GaussianComponent(0.3, [1.1], [0.3])]), 0.03),
        2 => (TestData.Mixture2(TestData.Box2), 0.04),
        _ => (new GaussianMixtureDensity(new Box([0.0, 0.0, 0.0], [1.0, 1.1, 1.0]),
                [new GaussianComponent(1.0, [0.3, 0.5, 0.6], [0.2, 0.3, 0.25])]), 0.06),
    };

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void Velocities_and_energy_agree_with_the_naive_dense_definition(int d)
    {
        var (target, eps) = Case(d);
        var x = TestData.Positions(target.Domain, d == 3 ? 4 : 20, seed: 11 + d);
        int n = x.Length / d;
        var m = TestData.Masses(n, seed: 5);
        using var field = new BlobField(target, new BlobOptions { Epsilon = eps });
        var v = new double[x.Length];
        var ev = field.Evaluate(x, m, v);

        var naive = new NaiveBlob(target, eps);
        var xs = TestData.Split(x, d);
        var vn = naive.Velocities(xs, m).SelectMany(r => r).ToArray();
        double scale = TestData.MaxNorm(vn);
        Assert.True(scale > 0);
        for (int i = 0; i < v.Length; i++)
            Assert.True(Math.Abs(v[i] - vn[i]) <= 1e-12 * scale, $"component {i}: fast {v[i]:R} naive {vn[i]:R} (scale {scale:R})");
        double en = naive.Energy(xs, m);
        Assert.True(Math.Abs(ev.Energy - en) <= 1e-11 * en, $"energy fast {ev.Energy:R} naive {en:R}");
        // rhobar on the grid is normalized exactly as defined
        double z = 0;
        foreach (var r in field.Rhobar) z += r;
        Assert.Equal(1.0, z * field.Grid.CellVolume, 12);
        for (int l = 0; l < naive.Rhobar.Count; l++)
            Assert.Equal(naive.Rhobar[l], field.Rhobar[l], 1e-12 * naive.Rhobar[l]);
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void Velocity_is_minus_the_energy_gradient_over_the_mass(int d)
    {
        var (target, eps) = Case(d);
        var x = TestData.Positions(target.Domain, 3, seed: 3 + d);
        int n = x.Length / d;
        var m = TestData.Masses(n, seed: 9);
        using var field = new BlobField(target, new BlobOptions { Epsilon = eps });
        var v = new double[x.Length];
        field.Evaluate(x, m, v);
        double scale = TestData.MaxNorm(v);
        double h = 1e-3 * eps; // 4th-order stencils: truncation ~(h/eps)^4, roundoff ~ulp(E)/h
        var xp = (double[])x.Clone();
        for (int c = 0; c < x.Length; c++)
        {
            int i = c / d, k = c % d;
            // Points on a wall: a centred difference needs room on both sides; use a one-sided
            // fourth-order stencil pointing inside.
            double lo = target.Domain.Min[k], hi = target.Domain.Max[k];
            double E(double dx)
            {
                xp[c] = x[c] + dx;
                var e = field.Measure(xp, m).Energy;
                xp[c] = x[c];
                return e;
            }
            double grad;
            if (x[c] - 2 * h >= lo && x[c] + 2 * h <= hi)
                grad = (-E(2 * h) + 8 * E(h) - 8 * E(-h) + E(-2 * h)) / (12 * h);
            else
            {
                double s = x[c] - 2 * h < lo ? 1 : -1;
                // f'(0) ~ (-25 f0 + 48 f1 - 36 f2 + 16 f3 - 3 f4) / (12 h)
                grad = s * (-25 * E(0) + 48 * E(s * h) - 36 * E(2 * s * h) + 16 * E(3 * s * h) - 3 * E(4 * s * h)) / (12 * h);
            }
            double fromGrad = -grad / m[i];
            Assert.True(Math.Abs(fromGrad - v[c]) <= 1e-9 * scale, $"particle {i} axis {k}: v {v[c]:R}, -dE/dx/m {fromGrad:R} (scale {scale:R})");
        }
    }
}

public class BlobFieldAddIntoTests
{
    [Fact]
    public void The_chunk_and_wall_sums_add_element_by_element_every_length_and_offset()
    {
        // The deposit chunks' reduction and the walls' fold add rows with BlobField.AddInto: four lanes, then the tail.
        var rng = new Random(3);
        for (int len = 0; len <= 19; len++)
        {
            for (int offset = 0; offset < 3; offset++)
            {
                var target = Enumerable.Range(0, len + offset).Select(_ => rng.NextDouble() * 1e3 - 500).ToArray();
                var source = Enumerable.Range(0, len + offset).Select(_ => rng.NextDouble() * 1e-3).ToArray();
                var expected = (double[])target.Clone();
                for (int i = offset; i < len + offset; i++) expected[i] = target[i] + source[i];
                BlobField.AddInto(target.AsSpan(offset, len), source.AsSpan(offset, len));
                for (int i = 0; i < target.Length; i++)
                    Assert.Equal(BitConverter.DoubleToInt64Bits(expected[i]), BitConverter.DoubleToInt64Bits(target[i]));
            }
        }
    }
}
