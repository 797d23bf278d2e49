using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Integration;

namespace SwarmCoverage.Core.Tests;

public class IntegrationTests
{
    [Fact]
    public void Euler_with_the_adaptive_bound_never_increases_the_energy()
    {
        var box = TestData.Box2;
        using var field = new BlobField(TestData.Mixture2(box), new BlobOptions { Epsilon = 0.06 });
        var x = TestData.Positions(box, 60, seed: 31);
        int n = x.Length / 2;
        var integrator = new FlowIntegrator(field, n, [], new FlowSettings { Scheme = FlowScheme.Euler, Safety = 0.9 });
        double previous = double.PositiveInfinity, first = 0;
        for (int step = 0; step < 300; step++)
        {
            var (dt, before) = integrator.EulerStep(x, double.PositiveInfinity);
            Assert.True(dt > 0);
            if (step == 0) first = before.Energy;
            Assert.True(before.Energy <= previous, $"step {step}: energy rose from {previous:R} to {before.Energy:R}");
            previous = before.Energy;
            Assert.True(box.Contains(x));
        }
        Assert.True(previous < 0.5 * first, $"energy only fell from {first} to {previous}");
    }

    [Fact]
    public void Dormand_prince_converges_with_its_tolerance_and_keeps_particles_inside()
    {
        var box = TestData.Box2;
        using var field = new BlobField(TestData.Mixture2(box), new BlobOptions { Epsilon = 0.06 });
        // Interior starts only: a particle exactly on a corner or wall sits at an unstable equilibrium
        // (zero velocity by symmetry), where rounding decides the way out and trajectories separate.
        var start = TestData.Positions(box, 40, seed: 17, walls: false);
        int n = start.Length / 2;
        double[] Run(double tol)
        {
            var x = (double[])start.Clone();
            var stats = new FlowIntegrator(field, n, [], new FlowSettings { Tolerance = tol }).Integrate(x, 0.002);
            Assert.True(stats.Steps > 0);
            for (int i = 0; i < n; i++) Assert.True(box.Contains(x.AsSpan(2 * i, 2)));
            return x;
        }
        var coarse = Run(1e-4);
        var fine = Run(1e-7);
        var finest = Run(1e-10);
        double Err(double[] a) => a.Zip(finest, (p, q) => Math.Abs(p - q)).Max();
        double moved = start.Zip(finest, (p, q) => Math.Abs(p - q)).Max();
        Assert.True(moved > 10 * 0.06 * 1e-4, $"the particles hardly moved ({moved})");
        Assert.True(Err(fine) < Err(coarse), $"fine {Err(fine)} coarse {Err(coarse)}");
        Assert.True(Err(fine) < 1e-4 * 0.06, $"tolerance 1e-7 eps gave an error of {Err(fine)}");
    }

    [Fact]
    public void Dormand_prince_and_small_euler_steps_agree()
    {
        var box = new Box([0.0], [1.0]);
        using var field = new BlobField(new Targets.GaussianMixtureDensity(box, [new Targets.GaussianComponent(1, [0.3], [0.15])]), new BlobOptions { Epsilon = 0.03 });
        var start = Enumerable.Range(0, 30).Select(i => 0.2 + 0.6 * i / 29.0).ToArray();
        var dp = (double[])start.Clone();
        new FlowIntegrator(field, 30, [], new FlowSettings { Tolerance = 1e-10 }).Integrate(dp, 0.0005);
        var eu = (double[])start.Clone();
        var euler = new FlowIntegrator(field, 30, [], new FlowSettings { Scheme = FlowScheme.Euler, Safety = 0.01 });
        euler.Integrate(eu, 0.0005);
        double diff = dp.Zip(eu, (a, b) => Math.Abs(a - b)).Max();
        double moved = dp.Zip(start, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(diff < 0.02 * moved, $"Euler (1% of the bound) and DP5 differ by {diff}, motion {moved}");
    }
}
