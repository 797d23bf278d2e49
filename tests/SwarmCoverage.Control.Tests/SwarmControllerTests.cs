using Microsoft.Extensions.Time.Testing;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Control.Tests;

public class SwarmControllerTests
{
    private static readonly Box Arena = new([0.0, 0.0], [4.0, 3.0]);

    private static (RobotRegistry Registry, SwarmController Controller, FakeTimeProvider Clock) Build(SafetyFilterOptions? safety = null, double gain = 0.05)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var arena = ArenaBox.Rectangle(0, 4, 0, 3);
        var registry = new RobotRegistry(arena, new RobotRegistryOptions(), clock);
        var target = new GaussianMixtureDensity(Arena, [new GaussianComponent(1, [3.0, 2.0], [0.4, 0.4])]);
        var field = new BlobField(target, new BlobOptions { Epsilon = 0.3 });
        var pipeline = new CommandPipeline(new CommandPipelineOptions { Arena = arena, VelocityGain = gain, Safety = safety ?? new SafetyFilterOptions() });
        return (registry, new SwarmController(field, pipeline, 0.05), clock);
    }

    [Fact]
    public void Active_robots_follow_the_blob_field_and_stale_robots_get_zero()
    {
        // A gain small enough that no speed or acceleration limit acts (from rest the Burger may reach 0.05 m/s in one tick).
        const double gain = 1e-5;
        var (registry, controller, clock) = Build(new SafetyFilterOptions { Enabled = false }, gain);
        using var _ = controller;
        var model = RobotPresets.TurtleBot3Burger;
        string[] names = ["r0", "r1", "r2", "r3"];
        foreach (var n in names) registry.Join(n, model);
        registry.UpdatePose("r0", Pose.Planar(0.5, 0.5, 0));
        registry.UpdatePose("r1", Pose.Planar(0.9, 0.6, 1.0));
        registry.UpdatePose("r2", Pose.Planar(0.6, 1.0, -2.0));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        registry.UpdatePose("r3", Pose.Planar(2.0, 1.0, 0.3)); // fresh
        clock.Advance(TimeSpan.FromSeconds(0.45));               // r0..r2 now 0.55 s old: stale
        registry.UpdatePose("r1", Pose.Planar(0.9, 0.6, 1.0));  // r1 fresh again
        var snap = new SwarmSnapshot(2);
        registry.TakeSnapshot(snap);
        var all = new RobotCommand[4];
        var tick = controller.Step(snap, all);
        Assert.Equal(2, tick.Active);
        Assert.Equal(RobotCommand.Zero, all[0]);
        Assert.Equal(RobotCommand.Zero, all[2]);
        Assert.NotEqual(RobotCommand.Zero, all[1]);
        Assert.NotEqual(RobotCommand.Zero, all[3]);

        // The desired velocities are the blob field's at the controlled points of the active robots.
        var points = new double[4];
        model.ControlledPoint(Pose.Planar(0.9, 0.6, 1.0), points.AsSpan(0, 2));
        model.ControlledPoint(Pose.Planar(2.0, 1.0, 0.3), points.AsSpan(2, 2));
        using var field = new BlobField(controller.Field.Target, controller.Field.Options);
        var v = new double[4];
        field.Evaluate(points, [], v);
        Assert.Equal(v, controller.DesiredVelocities.ToArray());
        // Within every limit the near-identity map of gain * v gives the command (robot r3 is well inside the limits).
        var expected = model.ToCommand([gain * v[2], gain * v[3]], 0.3);
        Assert.True(Math.Abs(expected.Vx) < 0.05 && Math.Abs(expected.Vx) > 1e-4);
        Assert.Equal(expected.Vx, all[3].Vx, 12);
        Assert.Equal(expected.OmegaZ, all[3].OmegaZ, 12);
    }

    [Fact]
    public void The_step_is_a_pure_function_of_the_snapshot()
    {
        var runs = Enumerable.Range(0, 2).Select(_ =>
        {
            var (registry, controller, clock) = Build();
            using var __ = controller;
            var rng = new Random(3);
            for (int i = 0; i < 30; i++)
            {
                registry.Join($"robot_{i:D2}", RobotPresets.TurtleBot3Burger);
                registry.UpdatePose($"robot_{i:D2}", Pose.Planar(0.2 + 1.2 * rng.NextDouble(), 0.2 + 1.2 * rng.NextDouble(), 6 * rng.NextDouble()));
            }
            var snap = new SwarmSnapshot(2);
            registry.TakeSnapshot(snap);
            var all = new RobotCommand[30];
            controller.Step(snap, all);
            return all;
        }).ToArray();
        Assert.Equal(runs[0], runs[1]);
        Assert.All(runs[0], c => Assert.True(c.IsFinite));
    }

    [Fact]
    public void Building_the_filter_rows_beside_the_blob_field_gives_the_bits_of_one_thread()
    {
        // 60 burgers on a grid closer than the safety radius allows at full speed, towards a target in one corner, for 40
        // ticks of closed loop: the filter couples them and the commands feed back into the next tick.
        var model = RobotPresets.TurtleBot3Burger;
        string[] names = [.. Enumerable.Range(0, 60).Select(i => $"r{i}")];
        var runs = new List<long[]>();
        var ticks = new List<ControllerTick[]>();
        int helperItems = 0;
        foreach (bool overlap in new[] { false, true, true })
        {
            var (registry, plain, clock) = Build();
            plain.Dispose();
            var field = new BlobField(plain.Field.Target, plain.Field.Options);
            using var controller = new SwarmController(field, plain.Pipeline, 0.05) { Overlap = overlap, BackToBack = true, WaitForHelper = overlap };
            foreach (var n in names) registry.Join(n, model);
            var x = new double[60];
            var y = new double[60];
            var th = new double[60];
            var r = new Random(7);
            for (int i = 0; i < 60; i++)
            {
                x[i] = 0.5 + 0.3 * (i % 10);
                y[i] = 0.5 + 0.3 * (i / 10);
                th[i] = r.NextDouble() * 6 - 3;
            }

            var snap = new SwarmSnapshot(2);
            var all = new RobotCommand[60];
            var bits = new List<long>();
            var diags = new List<ControllerTick>();
            for (int t = 0; t < 40; t++)
            {
                for (int i = 0; i < 60; i++) registry.UpdatePose(names[i], Pose.Planar(x[i], y[i], th[i]));
                registry.TakeSnapshot(snap);
                diags.Add(controller.Step(snap, all));
                registry.RecordCommands(snap, all);
                for (int i = 0; i < 60; i++)
                {
                    bits.Add(BitConverter.DoubleToInt64Bits(all[i].Vx));
                    bits.Add(BitConverter.DoubleToInt64Bits(all[i].OmegaZ));
                    // The unicycle for one period (no physics needed: the next tick only has to see these commands).
                    x[i] += 0.05 * all[i].Vx * Math.Cos(th[i]);
                    y[i] += 0.05 * all[i].Vx * Math.Sin(th[i]);
                    th[i] += 0.05 * all[i].OmegaZ;
                }

                clock.Advance(TimeSpan.FromSeconds(0.05));
            }

            Assert.True(diags.Sum(d => d.Control.Safety.PairConstraints) > 100, "the filter hardly coupled the robots");
            if (overlap) helperItems += controller.HelperItems;
            runs.Add([.. bits]);
            ticks.Add([.. diags]);
        }

        Assert.True(helperItems >= 60, $"the second thread took part in {helperItems} of 80 ticks: the rows were not built beside the blob field");
        Assert.Equal(runs[0], runs[1]);
        Assert.Equal(runs[0], runs[2]);
        Assert.Equal(ticks[0], ticks[1]);
    }
}
