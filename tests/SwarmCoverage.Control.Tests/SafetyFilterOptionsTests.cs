using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>The step budget's name, its former name and its one allowed range.</summary>
public sealed class SafetyFilterOptionsTests
{
    [Fact]
    public void The_former_name_reads_and_sets_the_Newton_step_budget()
    {
        var o = new SafetyFilterOptions { MaxSweeps = 7 };
        Assert.Equal(7, o.MaxNewtonSteps);
        Assert.Equal(7, o.MaxSweeps);
        Assert.Equal(new SafetyFilterOptions { MaxNewtonSteps = 7 }, o);
        Assert.Equal(100, new SafetyFilterOptions().MaxNewtonSteps);
    }

    [Fact]
    public void The_step_budget_is_valid_from_one_to_the_limit()
    {
        Assert.Empty(new SafetyFilterOptions { MaxNewtonSteps = 1 }.ValidationErrors());
        Assert.Empty(new SafetyFilterOptions { MaxNewtonSteps = SafetyFilterOptions.MaxNewtonStepsLimit }.ValidationErrors());
        Assert.Equal(
            "SafetyFilterOptions.MaxNewtonSteps = 1000001 is out of range; allowed: [1, 1000000].",
            Assert.Single(new SafetyFilterOptions { MaxNewtonSteps = SafetyFilterOptions.MaxNewtonStepsLimit + 1 }.ValidationErrors()));
        Assert.Single(new SafetyFilterOptions { MaxNewtonSteps = 0 }.ValidationErrors());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void The_budget_counts_Newton_steps(int budget)
    {
        // 64 GRITSbots in contact, driving at 0.1 m/s in random directions, pushed to the centre: one group that needs more
        // steps than the budget gives.
        var arena = ArenaBox.Rectangle(-2, 2, -2, 2);
        var model = RobotPresets.RobotariumGritsbot;
        const int n = 64;
        var rng = new Random(3);
        var pts = new double[2 * n];
        var head = new double[n];
        var prev = new double[2 * n];
        var nominal = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            pts[2 * i] = -0.6 + 0.162 * (i % 8);
            pts[2 * i + 1] = -0.6 + 0.162 * (i / 8);
            head[i] = (2 * rng.NextDouble() - 1) * Math.PI;
            (prev[2 * i], prev[2 * i + 1]) = NearIdentity.ToSingleIntegrator(0.1, 0, head[i], model.ProjectionDistanceM);
            nominal[2 * i] = -pts[2 * i] + 0.02 * (2 * rng.NextDouble() - 1);
            nominal[2 * i + 1] = -pts[2 * i + 1] + 0.02 * (2 * rng.NextDouble() - 1);
        }

        var u = new double[2 * n];
        var models = Enumerable.Repeat(model, n).ToArray();
        var diag = new SafetyFilter(arena, new SafetyFilterOptions { MaxNewtonSteps = budget }).Filter(pts, models, head, prev, nominal, [], 0.05, u);
        Assert.True(diag.NonConvergedComponents >= 1, diag.ToString());
        Assert.InRange(diag.MaxComponentNewtonSteps, budget, budget + 1);

        // With the default budget the same group converges.
        var full = new SafetyFilter(arena, new SafetyFilterOptions()).Filter(pts, models, head, prev, nominal, [], 0.05, u);
        Assert.True(full.NonConvergedComponents == 0 && full.MaxComponentNewtonSteps > budget + 1, full.ToString());
    }
}
