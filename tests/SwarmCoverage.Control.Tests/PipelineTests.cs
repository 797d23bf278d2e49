using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

public class PipelineTests
{
    private const double Period = 0.05;
    private static readonly ArenaBox Arena = ArenaBox.Rectangle(-5, 5, -5, 5);

    private static RobotModel Holo(double vmax = 0.5) => new() { Name = "holo", Kind = RobotKind.Holonomic2D, MaxLinearSpeedMps = vmax };

    private static CommandPipeline Pipe(SaturationMode mode = SaturationMode.PerRobot, bool safety = true, double gain = 1.0) =>
        new(new CommandPipelineOptions { Arena = Arena, Saturation = mode, VelocityGain = gain, Safety = new SafetyFilterOptions { Enabled = safety } });

    private static ControlStepDiagnostics Step(CommandPipeline p, double[] pts, RobotModel[] models, double[] des, RobotCommand[] cmds,
        RobotCommand[]? prev = null, double[]? head = null) =>
        p.Step(new ControlStepInput
        {
            ControlledPoints = pts,
            HeadingsRad = head ?? new double[models.Length],
            Models = models,
            DesiredVelocities = des,
            PreviousCommands = prev ?? new RobotCommand[models.Length],
            ControlPeriodS = Period,
        }, cmds);

    [Fact]
    public void A_null_model_or_one_of_the_wrong_dimension_is_refused_by_index_also_after_a_run_of_one_shared_model()
    {
        // The check asks its set of validated models once per run of equal models: a different model after the run
        // must still be checked, and named.
        var holo = Holo();
        var air = new RobotModel { Name = "air", Kind = RobotKind.Aerial3D, MaxLinearSpeedMps = 0.5, MaxVerticalSpeedMps = 0.3 };
        double[] pts = [0, 0, 1, 1, 2, 2, 3, 3];
        var des = new double[8];
        var cmds = new RobotCommand[4];
        var pipe = Pipe();
        var nullModel = Assert.Throws<ArgumentException>(() => Step(pipe, pts, [holo, holo, holo, null!], des, cmds));
        Assert.Contains("Models[3] is null", nullModel.Message, StringComparison.Ordinal);
        var firstNull = Assert.Throws<ArgumentException>(() => Step(pipe, pts, [null!, holo, holo, holo], des, cmds));
        Assert.Contains("Models[0] is null", firstNull.Message, StringComparison.Ordinal);
        var wrong = Assert.Throws<ArgumentException>(() => Step(pipe, pts, [holo, holo, air, holo], des, cmds));
        Assert.Contains("Models[2] 'air' is Aerial3D (3-D) but the arena is 2-D", wrong.Message, StringComparison.Ordinal);
        // After those refusals the shared model still steps.
        Assert.Equal(4, Step(pipe, pts, [holo, holo, holo, holo], des, cmds).Robots);
    }

    [Fact]
    public void A_step_split_in_prepare_and_finish_refuses_a_finish_without_its_prepare_and_spans_of_the_wrong_length()
    {
        var pipe = Pipe();
        var cmds = new RobotCommand[2];
        var input = new ControlStepInput
        {
            ControlledPoints = [0, 0, 1, 1],
            HeadingsRad = new double[2],
            Models = [Holo(), Holo()],
            DesiredVelocities = [0.1, 0, 0, 0.1],
            PreviousCommands = new RobotCommand[2],
            ControlPeriodS = Period,
        };
        Assert.Contains("no prepared step", FinishRefused(pipe, input, cmds), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => pipe.PrepareSafety());
        pipe.Prepare(input, cmds);
        pipe.PrepareSafety();
        var diag = pipe.Finish(input, cmds);
        Assert.Equal(2, diag.Robots);
        Assert.Contains("no prepared step", FinishRefused(pipe, input, cmds), StringComparison.Ordinal);

        // The filter's own halves: a finish with no prepared call, and output spans that do not match the prepared robots.
        var filter = new SafetyFilter(Arena, new SafetyFilterOptions());
        var none = Assert.Throws<InvalidOperationException>(() => filter.Finish(new double[4], new double[4]));
        Assert.Contains("no prepared call", none.Message, StringComparison.Ordinal);
        filter.Prepare([0, 0, 1, 1], [Holo(), Holo()], [0, 0], [1, 1], new double[4], [], Period);
        var wrong = Assert.Throws<ArgumentException>(() => filter.Finish(new double[3], new double[4]));
        Assert.Contains("nominal 3 and output 4 values for 2 prepared robots", wrong.Message, StringComparison.Ordinal);
        var cosines = Assert.Throws<ArgumentException>(() => filter.Prepare([0, 0, 1, 1], [Holo(), Holo()], [0, 0], [1], new double[4], [], Period));
        Assert.Contains("2 heading sines but 1 cosines", cosines.Message, StringComparison.Ordinal);

        // A ref struct cannot be captured by Assert.Throws' lambda.
        static string FinishRefused(CommandPipeline pipe, in ControlStepInput input, RobotCommand[] cmds)
        {
            try
            {
                pipe.Finish(input, cmds);
            }
            catch (InvalidOperationException e)
            {
                return e.Message;
            }

            return "Finish was not refused";
        }
    }

    [Fact]
    public void Gain_turns_blob_velocity_into_metres_per_second()
    {
        var cmds = new RobotCommand[1];
        var diag = Step(Pipe(gain: 0.25), [0, 0], [Holo()], [0.4, -0.2], cmds);
        Assert.Equal(0.1, cmds[0].Vx, 1e-12);
        Assert.Equal(-0.05, cmds[0].Vy, 1e-12);
        Assert.Equal(0, diag.ClippedCommands);
        Assert.Equal(0, diag.SafetyInterventions);
    }

    [Fact]
    public void Per_robot_saturation_clips_only_the_fast_robot_and_keeps_its_direction()
    {
        var cmds = new RobotCommand[2];
        var diag = Step(Pipe(SaturationMode.PerRobot), [-2, 0, 2, 0], [Holo(), Holo()], [3.0, 4.0, 0.1, 0.0], cmds);
        Assert.Equal(1, diag.ClippedCommands);
        double speed = Math.Sqrt(cmds[0].Vx * cmds[0].Vx + cmds[0].Vy * cmds[0].Vy);
        // The direction (3, 4) / 5 has its speed limit on the inscribed 16-gon between 0.5 cos(pi/16) and 0.5.
        Assert.InRange(speed, 0.5 * Math.Cos(Math.PI / 16) - 1e-4, 0.5);
        Assert.Equal(4.0 / 3.0, cmds[0].Vy / cmds[0].Vx, 1e-9);
        Assert.Equal(0.1, cmds[1].Vx, 1e-12);
        Assert.Equal(1.0, diag.CommonScale);
    }

    [Fact]
    public void Common_scale_slows_everyone_by_the_same_factor()
    {
        var cmds = new RobotCommand[3];
        var gr = RobotPresets.RobotariumGritsbot with { MaxLinearAccelerationMps2 = double.PositiveInfinity };
        // Robot 0 wants 2x its forward limit; the others are slow: all are scaled by ~0.5 (minus the solver's 1e-5 m/s margin).
        var diag = Step(Pipe(SaturationMode.CommonScale), [-2, 0, 0, 2, 2, 0], [gr, gr, gr], [0.4, 0, 0.05, 0.0, 0.0, -0.1], cmds,
            head: [0, 0, 0]);
        Assert.Equal(1, diag.ClippedCommands);
        Assert.InRange(diag.CommonScale, 0.4999, 0.5);
        Assert.Equal(0.4 * diag.CommonScale, cmds[0].Vx, 1e-12);
        Assert.Equal(0.05 * diag.CommonScale, cmds[1].Vx, 1e-12);
        Assert.Equal(-0.1 * diag.CommonScale / gr.ProjectionDistanceM, cmds[2].OmegaZ, 1e-10);
    }

    [Fact]
    public void Unicycle_commands_respect_every_limit_in_wheel_space_and_keep_curvature_when_clipped()
    {
        var gr = RobotPresets.RobotariumGritsbot;
        var cmds = new RobotCommand[1];
        var rng = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            double th = rng.NextDouble() * 6.28, ux = 2 * rng.NextDouble() - 1, uy = 2 * rng.NextDouble() - 1;
            Step(Pipe(), [0, 0], [gr], [ux, uy], cmds, head: [th]);
            var (v0, w0) = NearIdentity.ToUnicycle(ux, uy, th, gr.ProjectionDistanceM);
            var c = cmds[0];
            var (r, l) = WheelSpace.ToWheelSpeeds(c.Vx, c.OmegaZ, gr.WheelRadiusM, gr.WheelSeparationM);
            Assert.True(Math.Abs(c.Vx) <= gr.MaxLinearSpeedMps && Math.Abs(c.OmegaZ) <= gr.MaxAngularSpeedRadps);
            Assert.True(Math.Abs(r) <= gr.MaxWheelSpeedRadps && Math.Abs(l) <= gr.MaxWheelSpeedRadps, $"wheels {r} {l}");
            Assert.True(Math.Abs(c.Vx * w0 - c.OmegaZ * v0) <= 1e-9 * (1 + Math.Abs(v0 * w0)), "curvature changed");
        }
    }

    [Fact]
    public void Acceleration_limits_hold_over_a_sequence()
    {
        var burger = RobotPresets.TurtleBot3Burger with { MaxAngularAccelerationRadps2 = 5.0 };
        var pipe = Pipe();
        var prev = new RobotCommand[1];
        var cmds = new RobotCommand[1];
        double pose = 0;
        var targets = new[] { (1.0, 0.0), (-1.0, 0.3), (0.0, -1.0), (0.5, 0.5) };
        int limited = 0;
        for (int t = 0; t < 80; t++)
        {
            var (ux, uy) = targets[t / 20];
            var diag = Step(pipe, [0, 0], [burger], [ux, uy], cmds, prev, [pose]);
            limited += diag.AccelerationLimitedCommands;
            Assert.True(Math.Abs(cmds[0].Vx - prev[0].Vx) <= 1.0 * Period + 1e-12, $"tick {t}: dv {cmds[0].Vx - prev[0].Vx}");
            Assert.True(Math.Abs(cmds[0].OmegaZ - prev[0].OmegaZ) <= 5.0 * Period + 1e-12, $"tick {t}: dw {cmds[0].OmegaZ - prev[0].OmegaZ}");
            Assert.True(Math.Abs(cmds[0].Vx) <= 0.22 && Math.Abs(cmds[0].OmegaZ) <= 2.84);
            prev[0] = cmds[0];
            pose += cmds[0].OmegaZ * Period;
        }

        Assert.True(limited > 10, $"only {limited} limited ticks: the test would not notice missing limits");
        // From rest at full forward demand, v reaches the 0.22 m/s limit after ceil(0.22 / 0.05) = 5 ticks.
        var p2 = Pipe();
        var pv = new RobotCommand[1];
        for (int t = 0; t < 5; t++)
        {
            Step(p2, [0, 0], [burger], [1, 0], cmds, pv, [0]);
            pv[0] = cmds[0];
        }

        Assert.Equal(0.22, cmds[0].Vx, 1e-4);
    }

    [Fact]
    public void Clipped_share_is_accumulated()
    {
        var pipe = Pipe();
        var cmds = new RobotCommand[2];
        for (int t = 0; t < 4; t++)
        {
            Step(pipe, [-2, 0, 2, 0], [Holo(), Holo()], [t % 2 == 0 ? 5.0 : 0.1, 0, 0.1, 0], cmds);
        }

        Assert.Equal(4, pipe.Totals.Ticks);
        Assert.Equal(8, pipe.Totals.Commands);
        Assert.Equal(2, pipe.Totals.ClippedCommands);
        Assert.Equal(0.25, pipe.Totals.ClippedShare);
        Assert.Contains("clipped 2 (25.00 %)", pipe.Totals.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_inputs_give_zero_commands_and_are_counted()
    {
        var cmds = new RobotCommand[4];
        var gr = RobotPresets.RobotariumGritsbot;
        var diag = Step(Pipe(), [0, 0, 1, 1, double.NaN, 2, -1, -1], [Holo(), Holo(), Holo(), gr],
            [double.PositiveInfinity, 0, 0.1, 0.1, 0.1, 0.1, 0.1, 0], cmds, head: [0, 0, 0, double.NaN]);
        Assert.Equal(3, diag.NonFiniteInputs);
        Assert.Equal(RobotCommand.Zero, cmds[0]);
        Assert.Equal(0.1, cmds[1].Vx, 1e-9);
        Assert.Equal(RobotCommand.Zero, cmds[2]);
        Assert.Equal(RobotCommand.Zero, cmds[3]);
    }

    [Property(MaxTest = 200, Replay = "(42,4243)")]
    public Property No_input_ever_produces_a_non_finite_command()
    {
        var special = Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308, -1e308, 0.0, 1e-300);
        var normal = Gen.Choose(-3000, 3000).Select(i => i / 1000.0);
        var value = Gen.Frequency((1, special), (4, normal));
        return Prop.ForAll(Arb.From(Gen.ArrayOf(value, 20)), xs =>
        {
            var models = new[] { Holo(), RobotPresets.RobotariumGritsbot, RobotPresets.TurtleBot3Burger, Holo() };
            var pts = xs[..8];
            var des = xs[8..16];
            var head = xs[16..20];
            var prev = new[] { new RobotCommand(xs[0], xs[1], 0, 0), default, new RobotCommand(0.1, 0, 0, xs[3]), default };
            var cmds = new RobotCommand[4];
            Step(Pipe(), pts, models, des, cmds, prev, head);
            return cmds.All(c => c.IsFinite);
        });
    }

    [Fact]
    public void Same_inputs_give_the_same_bits_and_the_step_keeps_no_hidden_state()
    {
        static ulong[] Run(CommandPipeline pipe, int repeat)
        {
            int n = 60;
            var pts = TestSupport.PoissonPoints(n, 2, ArenaBox.Rectangle(-1.6, 1.6, -1, 1), 0.1, 0.16, 21);
            var rng = new Random(8);
            var models = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? RobotPresets.RobotariumGritsbot : RobotPresets.TurtleBot3Burger).ToArray();
            var des = Enumerable.Range(0, 2 * n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
            var head = Enumerable.Range(0, n).Select(_ => 6 * rng.NextDouble() - 3).ToArray();
            var prev = Enumerable.Range(0, n).Select(_ => new RobotCommand(0.1 * rng.NextDouble(), 0, 0, rng.NextDouble() - 0.5)).ToArray();
            var cmds = new RobotCommand[n];
            for (int r = 0; r < repeat; r++)
            {
                pipe.Step(new ControlStepInput { ControlledPoints = pts, HeadingsRad = head, Models = models, DesiredVelocities = des, PreviousCommands = prev, ControlPeriodS = Period }, cmds);
            }

            return cmds.SelectMany(c => new[] { c.Vx, c.Vy, c.Vz, c.OmegaZ }).Select(BitConverter.DoubleToUInt64Bits).ToArray();
        }

        var options = new CommandPipelineOptions { Arena = ArenaBox.Rectangle(-1.6, 1.6, -1, 1) };
        var a = Run(new CommandPipeline(options), 1);
        var b = Run(new CommandPipeline(options), 1);
        var c = Run(new CommandPipeline(options), 5); // the same pipeline after other ticks
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.Contains(a, x => x != 0);
    }

    [Fact]
    public void A_tick_allocates_nothing_once_buffers_exist()
    {
        int n = 200;
        var arena = ArenaBox.Rectangle(-3, 3, -3, 3);
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena });
        var pts = TestSupport.PoissonPoints(n, 2, arena, 0.1, 0.2, 4);
        var models = Enumerable.Repeat(RobotPresets.RobotariumGritsbot, n).ToArray();
        var des = pts.Select(x => -x).ToArray();
        var head = new double[n];
        var prev = new RobotCommand[n];
        var cmds = new RobotCommand[n];
        double[] obstacles = [0.05, 0.05];
        void Tick() => pipe.Step(new ControlStepInput
        {
            ControlledPoints = pts, HeadingsRad = head, Models = models, DesiredVelocities = des, PreviousCommands = prev,
            ObstaclePoints = obstacles, ControlPeriodS = Period,
        }, cmds);
        Tick();
        Tick();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 10; t++)
        {
            Tick();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Invalid_options_and_inputs_are_reported_with_name_value_and_range()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CommandPipeline(new CommandPipelineOptions
        {
            Arena = Arena,
            VelocityGain = -1,
            Safety = new SafetyFilterOptions { SafetyRadiusM = 0, DiscreteDecayFraction = 1.5, WorkBudgetPerRobot = 0 },
        }));
        Assert.Contains("CommandPipelineOptions.VelocityGain = -1 is out of range; allowed: finite and > 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SafetyFilterOptions.SafetyRadiusM = 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SafetyFilterOptions.DiscreteDecayFraction = 1.5 is out of range; allowed: (0, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SafetyFilterOptions.WorkBudgetPerRobot = 0", ex.Message, StringComparison.Ordinal);

        var cmds = new RobotCommand[1];
        var bad = Assert.Throws<ArgumentException>(() => Step(Pipe(), [0, 0, 0], [Holo()], [0, 0], cmds));
        Assert.Contains("ControlledPoints 2", bad.Message, StringComparison.Ordinal);
        var air = new RobotModel { Name = "cf", Kind = RobotKind.Aerial3D, MaxLinearSpeedMps = 1, MaxVerticalSpeedMps = 1 };
        var dim = Assert.Throws<ArgumentException>(() => Step(Pipe(), [0, 0], [air], [0, 0], cmds));
        Assert.Contains("'cf' is Aerial3D (3-D) but the arena is 2-D", dim.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pipe().Step(new ControlStepInput
        {
            ControlledPoints = [0, 0], HeadingsRad = [0], Models = [Holo()], DesiredVelocities = [0, 0], PreviousCommands = new RobotCommand[1], ControlPeriodS = 0,
        }, cmds));
    }
}
