namespace SwarmCoverage.Control.Tests;

public sealed class WarmUpTests
{
    private const double Period = 0.05;

    public static TheoryData<string, double, double, double> Fleets => new()
    {
        { "turtlebot3_burger", 4, 3, 0.22 },
        { "turtlebot3_waffle", 4, 3, 0.33 },
        { "robotarium_gritsbot", 3.2, 2, 0.12 },
    };

    [Theory]
    [MemberData(nameof(Fleets))]
    public void Warming_up_runs_the_safety_filter_solver_on_a_coupled_crowd(string preset, double width, double height, double radius)
    {
        var model = RobotPresets.ByName[preset];
        var pipe = new CommandPipeline(new CommandPipelineOptions
        {
            Arena = ArenaBox.Rectangle(0, width, 0, height),
            Safety = new SafetyFilterOptions { SafetyRadiusM = radius },
        });
        var d = pipe.WarmUp([model, model], Period);
        Assert.Equal(9, d.Robots);
        Assert.True(d.Safety.PairConstraints > 0, $"no pair rows: {d.Safety}");
        Assert.True(d.Safety.NewtonSteps > 0, $"the solver took no Newton step, so its code was not compiled: {d.Safety}");
        Assert.Equal(0, pipe.Totals.Ticks);
    }

    [Fact]
    public void Warming_up_leaves_the_pipeline_exactly_as_it_was()
    {
        var options = new CommandPipelineOptions { Arena = ArenaBox.Rectangle(0, 2, 0, 1.5), Safety = new SafetyFilterOptions { SafetyRadiusM = 0.2 } };
        var model = RobotPresets.TurtleBot3Burger;
        var warmed = new CommandPipeline(options);
        var cold = new CommandPipeline(options);
        Assert.True(warmed.WarmUp([model], Period).Safety.NewtonSteps > 0);

        // The same crowded ticks through both: bit-identical commands and counters.
        const int n = 6;
        var points = new double[2 * n];
        var head = new double[n];
        var desired = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            points[2 * i] = 0.7 + 0.21 * (i % 3);
            points[2 * i + 1] = 0.55 + 0.21 * (i / 3);
            head[i] = 0.4 * i - 1;
            desired[2 * i] = 1 - points[2 * i];
            desired[2 * i + 1] = 0.75 - points[2 * i + 1];
        }

        var models = Enumerable.Repeat(model, n).ToArray();
        var prevA = new RobotCommand[n];
        var prevB = new RobotCommand[n];
        var a = new RobotCommand[n];
        var b = new RobotCommand[n];
        for (int t = 0; t < 20; t++)
        {
            var da = warmed.Step(Input(prevA), a);
            var db = cold.Step(Input(prevB), b);
            Assert.Equal(db, da);
            Assert.Equal(b, a);
            a.CopyTo(prevA, 0);
            b.CopyTo(prevB, 0);
        }

        Assert.Equal(cold.Totals.ToString(), warmed.Totals.ToString());
        Assert.True(cold.Totals.SafetyInterventions > 0, "the comparison ticks never needed the filter");

        ControlStepInput Input(RobotCommand[] prev) => new()
        {
            ControlledPoints = points,
            HeadingsRad = head,
            Models = models,
            DesiredVelocities = desired,
            PreviousCommands = prev,
            ControlPeriodS = Period,
        };
    }

    [Fact]
    public void Warming_up_compiles_every_method_of_the_control_library_once_per_process()
    {
        int first = JitWarmUp.PrepareOnce();
        int again = JitWarmUp.PrepareOnce();
        int methods = typeof(CommandPipeline).Assembly.GetTypes().Where(t => !t.ContainsGenericParameters)
            .Sum(t => t.GetMethods(System.Reflection.BindingFlags.DeclaredOnly | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static
                | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic).Count(m => !m.IsAbstract && !m.ContainsGenericParameters));
        Assert.True(first >= methods, $"prepared {first} methods, the control library has {methods} non-generic methods with bodies or more");
        Assert.Equal(first, again);
    }

    [Fact]
    public void An_arena_too_small_for_the_crowd_warms_nothing_up()
    {
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = ArenaBox.Rectangle(0, 0.3, 0, 0.3), Safety = new SafetyFilterOptions { SafetyRadiusM = 0.2 } });
        Assert.Equal(default, pipe.WarmUp([RobotPresets.TurtleBot3Burger], Period));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipe.WarmUp([RobotPresets.TurtleBot3Burger], 0));
    }
}
