using SwarmCoverage.Nodes;
using SwarmCoverage.Control;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using RosTarget = SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs.Target;

namespace SwarmCoverage.App.Tests.Nodes;

public sealed class RosClockTimeProviderTests
{
    [Fact]
    public void Time_is_what_clock_said_and_never_goes_back()
    {
        var clock = new RosClockTimeProvider();
        Assert.Equal(0, clock.GetTimestamp());
        Assert.False(clock.Started);
        Assert.True(clock.Advance(1_500_000_000));
        Assert.Equal(1_500_000_000, clock.GetTimestamp());
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(1.5), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(0.5), clock.GetElapsedTime(1_000_000_000));
        Assert.False(clock.Advance(1_000_000_000));
        Assert.Equal(1_500_000_000, clock.GetTimestamp());
    }

    [Fact]
    public void A_periodic_timer_fires_once_per_period_of_simulated_time_and_once_for_a_jump()
    {
        var clock = new RosClockTimeProvider();
        int fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50));
        clock.Advance(49_999_999);
        Assert.Equal(0, fired);
        clock.Advance(50_000_000);
        Assert.Equal(1, fired);
        clock.Advance(60_000_000);
        Assert.Equal(1, fired);
        clock.Advance(100_000_000);
        Assert.Equal(2, fired);
        clock.Advance(1_000_000_000); // a jump over 18 periods fires once, as a system timer would
        Assert.Equal(3, fired);
        clock.Advance(1_049_000_000);
        Assert.Equal(3, fired);
        clock.Advance(1_050_000_000); // due times stay on the period's grid
        Assert.Equal(4, fired);
        timer.Dispose();
        clock.Advance(2_000_000_000);
        Assert.Equal(4, fired);
    }

    [Fact]
    public void One_shot_changed_and_disabled_timers_behave_as_system_timers_do()
    {
        var clock = new RosClockTimeProvider();
        int once = 0, changed = 0;
        using var a = clock.CreateTimer(_ => once++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var b = clock.CreateTimer(_ => changed++, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        clock.Advance(5_000_000_000);
        Assert.Equal(1, once);
        Assert.Equal(0, changed);
        Assert.True(b.Change(TimeSpan.FromSeconds(2), TimeSpan.Zero));
        clock.Advance(6_999_999_999);
        Assert.Equal(0, changed);
        clock.Advance(7_000_000_000);
        clock.Advance(9_000_000_000);
        Assert.Equal(1, changed);
        Assert.Equal(1, once);
    }

    [Fact]
    public async Task A_PeriodicTimer_on_the_clock_ticks_when_clock_advances()
    {
        var clock = new RosClockTimeProvider();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50), clock);
        var tick = timer.WaitForNextTickAsync().AsTask();
        await Task.Delay(50);
        Assert.False(tick.IsCompleted); // the wall clock moved, ROS time did not
        clock.Advance(50_000_000);
        Assert.True(await tick.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void The_registry_watchdog_runs_on_the_clock()
    {
        var clock = new RosClockTimeProvider();
        var registry = new RobotRegistry(ArenaBox.Rectangle(0, 2, 0, 2), new RobotRegistryOptions { PoseTimeoutS = 0.5 }, clock);
        registry.Join("a", RobotPresets.TurtleBot3Burger);
        clock.Advance(1_000_000_000);
        Assert.True(registry.UpdatePose("a", Control.Pose.Planar(1, 1, 0)).Accepted);
        clock.Advance(1_500_000_000);
        Assert.Equal(RobotStatus.Active, registry.StatusOf("a"));
        clock.Advance(1_500_000_001);
        Assert.Equal(RobotStatus.Stale, registry.StatusOf("a"));
    }
}

public sealed class TargetMessagesTests
{
    private static readonly Box Arena = new([0.0, 0.0], [2.0, 1.5]);

    private static RosTarget Mixture(double x0 = 0, double x1 = 2) => new()
    {
        Dimension = 2,
        Kind = RosTarget.KindGaussianMixture,
        BoxMin = new Point(x0, 0, 0),
        BoxMax = new Point(x1, 1.5, 0),
        Floor = 0.01,
        Components = [new(2.0, new Point(0.5, 0.7, 0), new Vector3(0.3, 0.2, 0)), new(1.0, new Point(1.5, 0.4, 0), new Vector3(0.25, 0.35, 0))],
    };

    [Fact]
    public void A_Gaussian_mixture_message_gives_the_density_the_target_file_would()
    {
        var fromMsg = TargetMessages.FromTarget(Mixture(), Arena, "test");
        var direct = new GaussianMixtureDensity(Arena, [new(2.0, [0.5, 0.7], [0.3, 0.2]), new(1.0, [1.5, 0.4], [0.25, 0.35])], 0.01);
        Assert.Equal(0.01, fromMsg.Floor);
        Assert.Same(Arena, fromMsg.Domain);
        var rng = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            double[] p = [2 * rng.NextDouble(), 1.5 * rng.NextDouble()];
            Assert.Equal(direct.Evaluate(p), fromMsg.Evaluate(p));
        }
    }

    [Fact]
    public void A_message_and_its_target_round_trip()
    {
        var density = TargetMessages.FromTarget(Mixture(), Arena, "test");
        var msg = TargetMessages.ToTarget(density, Time.FromSeconds(3), "map");
        var back = TargetMessages.FromTarget(msg, Arena, "again");
        Assert.Equal("map", msg.Header.FrameId);
        Assert.Equal(density.Evaluate([0.7, 0.9]), back.Evaluate([0.7, 0.9]));
        var raster = new RasterDensity(Arena, [4, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        var rasterBack = TargetMessages.FromTarget(TargetMessages.ToTarget(raster, default, "map"), Arena, "raster");
        Assert.Equal(raster.Values.ToArray(), ((RasterDensity)rasterBack).Values.ToArray());
        Assert.IsType<UniformDensity>(TargetMessages.FromTarget(TargetMessages.ToTarget(new UniformDensity(Arena), default, "map"), Arena, "u"));
    }

    [Fact]
    public void Messages_that_do_not_fit_the_arena_or_are_malformed_are_refused_with_the_field_named()
    {
        var e = Assert.Throws<InputException>(() => TargetMessages.FromTarget(Mixture(x1: 2.5), Arena, "topic /t"));
        Assert.Contains("differs from the arena", e.Message, StringComparison.Ordinal);
        var bad = Mixture();
        bad.Components![1].Sigma.Y = 0;
        Assert.Contains("components[1].sigma is 0 on axis 1", Assert.Throws<InputException>(() => TargetMessages.FromTarget(bad, Arena, "t")).Message, StringComparison.Ordinal);
        var kind = Mixture();
        kind.Kind = 7;
        Assert.Contains("kind is 7", Assert.Throws<InputException>(() => TargetMessages.FromTarget(kind, Arena, "t")).Message, StringComparison.Ordinal);
        var dim = Mixture();
        dim.Dimension = 3;
        Assert.Contains("dimension is 3", Assert.Throws<InputException>(() => TargetMessages.FromTarget(dim, Arena, "t")).Message, StringComparison.Ordinal);
        var grid = new RosTarget { Dimension = 2, Kind = RosTarget.KindGrid, BoxMax = new Point(2, 1.5, 0), RasterValues = [1, 2, 3] };
        grid.RasterSize[0] = 2;
        grid.RasterSize[1] = 2;
        Assert.Contains("raster_values has 3 values; raster_size 2 x 2 needs 4", Assert.Throws<InputException>(() => TargetMessages.FromTarget(grid, Arena, "t")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_that_would_overflow_or_underflow_are_refused_where_they_enter_naming_them()
    {
        // Each of these was a NaN velocity field before (found by fuzzing, docs/fuzzing.md).
        var floor = Mixture();
        floor.Floor = 1.65e-312;
        Assert.Contains("floor must be a finite number >= 1E-12", Assert.Throws<InputException>(() => TargetMessages.FromTarget(floor, Arena, "t")).Message, StringComparison.Ordinal);
        var tiny = Mixture();
        tiny.Components![0].Sigma.X = 1e-160;
        Assert.Contains("component 0 sigma[0] = 1E-160 is too small", Assert.Throws<InputException>(() => TargetMessages.FromTarget(tiny, Arena, "t")).Message, StringComparison.Ordinal);
        var huge = Mixture();
        huge.Components![1].Sigma.Y = 1e160;
        Assert.Contains("component 1 sigma[1] = 1E+160 is too large", Assert.Throws<InputException>(() => TargetMessages.FromTarget(huge, Arena, "t")).Message, StringComparison.Ordinal);
        var weights = Mixture();
        weights.Components![0].Weight = 5e307; // each peak finite (about 1.3e308 and 9e307), their sum not
        weights.Components![1].Weight = 5e307;
        Assert.Contains("peak densities sum beyond the largest number", Assert.Throws<InputException>(() => TargetMessages.FromTarget(weights, Arena, "t")).Message, StringComparison.Ordinal);

        // Values a raster may hold, but whose sum over the grid is not a number: refused when the field is built.
        var raster = TargetMessages.FromTarget(Raster([1e306, 1.3e306, 1.2e306, 6]), Arena, "t");
        var e = Assert.Throws<InputException>(() => new BlobField(raster, new BlobOptions { Epsilon = 0.3, GridSpacing = 0.1 }));
        Assert.Contains("sums beyond the largest number", e.Message, StringComparison.Ordinal);
    }

    private static RosTarget Raster(double[] values)
    {
        var grid = new RosTarget { Dimension = 2, Kind = RosTarget.KindGrid, BoxMax = new Point(2, 1.5, 0), Floor = 0.01, RasterValues = values };
        grid.RasterSize[0] = 2;
        grid.RasterSize[1] = 2;
        grid.RasterSize[2] = 1;
        return grid;
    }

    [Theory]
    [InlineData(4_294_967_295u, 1u)]
    [InlineData(65_536u, 65_536u)]
    [InlineData(0u, 3u)]
    public void A_raster_size_a_peer_made_up_is_refused_with_a_reason_not_an_overflow(uint nx, uint ny)
    {
        var grid = new RosTarget { Header = default, Dimension = 2, Kind = RosTarget.KindGrid, BoxMin = new Point(0, 0, 0), BoxMax = new Point(2, 1.5, 0), RasterValues = [1, 2, 3, 4] };
        grid.RasterSize[0] = nx;
        grid.RasterSize[1] = ny;
        grid.RasterSize[2] = 1;
        var e = Assert.Throws<InputException>(() => TargetMessages.FromTarget(grid, Arena, "t"));
        Assert.Contains("raster_size", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_published_map_shows_rhobar_and_a_painted_copy_of_it_reads_back_as_the_same_target()
    {
        var target = TargetMessages.FromTarget(Mixture(), Arena, "test");
        using var field = new BlobField(target, new BlobOptions { Epsilon = 0.2, GridSpacing = 0.05 });
        var map = TargetMessages.ToOccupancyGrid(TargetMap.Of(field), Time.FromSeconds(1), "world");
        Assert.Equal(40u, map.Info.Width);
        Assert.Equal(30u, map.Info.Height);
        Assert.Equal(0.05f, map.Info.Resolution);
        Assert.Equal(100, map.Data!.Max());
        // Cell (i, j) of the map (x fastest) is rhobar's cell (i, j) (last axis fastest), scaled so the peak is 100.
        var rho = field.Rhobar;
        double peak = rho.ToArray().Max();
        for (int j = 0; j < 30; j++)
            for (int i = 0; i < 40; i++)
                Assert.Equal(Math.Round(100 * rho[i * 30 + j] / peak), map.Data![j * 40 + i]);

        var painted = TargetMessages.FromOccupancyGrid(map, Arena, 0.01, "grid");
        using var again = new BlobField(painted, new BlobOptions { Epsilon = 0.2, GridSpacing = 0.05 });
        var r2 = again.Rhobar;
        double maxRelative = 0;
        for (int l = 0; l < rho.Length; l++) maxRelative = Math.Max(maxRelative, Math.Abs(r2[l] - rho[l]) / rho.ToArray().Max());
        Assert.True(maxRelative < 0.02, $"painted copy differs by {maxRelative:P2} of the peak");
    }

    [Fact]
    public void A_painted_grid_must_cover_the_arena_and_hold_occupancy_values()
    {
        var g = new OccupancyGrid
        {
            Info = new MapMetaData { Resolution = 0.5f, Width = 4, Height = 3, Origin = new Ros2.Messages.GeometryMsgs.Pose(new Point(0, 0, 0), new Quaternion(0, 0, 0, 1)) },
            Data = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, -1],
        };
        var d = (RasterDensity)TargetMessages.FromOccupancyGrid(g, Arena, 0.01, "grid");
        Assert.Equal([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 0], d.Values.ToArray());
        var shifted = g with { Info = g.Info with { Origin = new Ros2.Messages.GeometryMsgs.Pose(new Point(1, 0, 0), new Quaternion(0, 0, 0, 1)) } };
        Assert.Contains("must cover the arena", Assert.Throws<InputException>(() => TargetMessages.FromOccupancyGrid(shifted, Arena, 0.01, "grid")).Message, StringComparison.Ordinal);
        var bad = g with { Data = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 101, 0] };
        Assert.Contains("data[10] is 101", Assert.Throws<InputException>(() => TargetMessages.FromOccupancyGrid(bad, Arena, 0.01, "grid")).Message, StringComparison.Ordinal);
        var rotated = g with { Info = g.Info with { Origin = new Ros2.Messages.GeometryMsgs.Pose(new Point(0, 0, 0), Quaternion.FromYaw(0.3)) } };
        Assert.Contains("rotated", Assert.Throws<InputException>(() => TargetMessages.FromOccupancyGrid(rotated, Arena, 0.01, "grid")).Message, StringComparison.Ordinal);
        // Nothing painted (zeros and unknowns only): refused at the door, so that the sender hears why at once.
        var empty = g with { Data = [0, 0, -1, 0, 0, 0, 0, 0, -1, 0, 0, 0] };
        Assert.Contains("grid: every cell is 0 or -1 (unknown)", Assert.Throws<InputException>(() => TargetMessages.FromOccupancyGrid(empty, Arena, 0.01, "grid")).Message, StringComparison.Ordinal);
        Assert.Single(((RasterDensity)TargetMessages.FromOccupancyGrid(empty with { Data = [0, 0, -1, 0, 0, 0, 0, 0, -1, 0, 1, 0] }, Arena, 0.01, "grid")).Values.ToArray(), v => v > 0);
    }

    [Fact]
    public void The_input_limits_refuse_a_mixture_or_grid_larger_than_they_allow_naming_the_parameter()
    {
        var limits = new Control.Configuration.InputLimits { MaxComponents = 1, MaxGridCells = 11 };
        var e = Assert.Throws<InputException>(() => TargetMessages.FromTarget(Mixture(), Arena, "topic /t", limits));
        Assert.Contains("2 components, more than inputs.max_components (1)", e.Message, StringComparison.Ordinal);
        var g = new OccupancyGrid
        {
            Info = new MapMetaData { Resolution = 0.5f, Width = 4, Height = 3, Origin = new Ros2.Messages.GeometryMsgs.Pose(new Point(0, 0, 0), new Quaternion(0, 0, 0, 1)) },
            Data = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, -1],
        };
        e = Assert.Throws<InputException>(() => TargetMessages.FromOccupancyGrid(g, Arena, 0.01, "grid", limits));
        Assert.Contains("4 x 3 = 12 cells, more than inputs.max_grid_cells (11)", e.Message, StringComparison.Ordinal);
        // A grid that claims 2^32 x 2^32 cells with no data is refused on its size, before anything is allocated.
        var huge = g with { Info = g.Info with { Width = uint.MaxValue, Height = uint.MaxValue }, Data = [] };
        Assert.Contains("more than inputs.max_grid_cells", Assert.Throws<InputException>(() => TargetMessages.FromOccupancyGrid(huge, Arena, 0.01, "grid")).Message, StringComparison.Ordinal);
        Assert.IsType<RasterDensity>(TargetMessages.FromOccupancyGrid(g, Arena, 0.01, "grid", limits with { MaxGridCells = 12 }));
    }

    [Fact]
    public void Diagnostics_warn_while_an_input_is_refused_and_turn_to_error_on_a_defect()
    {
        var before = new Control.Session.InputTallySnapshot("topic /swarm_coverage/target", 3, 1, 0, "old");
        var ok = NodeDiagnostics.Input("swarm_coverage", before, before);
        Assert.Equal(Ros2.Messages.DiagnosticMsgs.DiagnosticStatus.Ok, ok.Level);
        Assert.Equal("swarm_coverage: input topic /swarm_coverage/target", ok.Name);
        var now = before with { Rejected = 4, LastReason = "raster_size[0] is 4294967295" };
        var warn = NodeDiagnostics.Input("swarm_coverage", now, before);
        Assert.Equal(Ros2.Messages.DiagnosticMsgs.DiagnosticStatus.Warn, warn.Level);
        Assert.Contains("3 rejected since the last report (4 in all, 0 defects); the last: raster_size[0] is 4294967295", warn.Message, StringComparison.Ordinal);
        Assert.Contains(warn.Values!, v => v.Key == "rejected" && v.Value == "4");
        var defect = NodeDiagnostics.Input("swarm_coverage", now with { Rejected = 5, Defects = 1 }, now);
        Assert.Equal(Ros2.Messages.DiagnosticMsgs.DiagnosticStatus.Error, defect.Level);
        var failed = NodeDiagnostics.Loop("swarm_coverage", new LoopWindow { Ticks = 20 }, "InvalidOperationException: boom");
        Assert.Equal(Ros2.Messages.DiagnosticMsgs.DiagnosticStatus.Error, failed.Level);
        Assert.Contains("the control loop failed: InvalidOperationException: boom", failed.Message, StringComparison.Ordinal);
        var stopped = NodeDiagnostics.Loop("swarm_coverage", new LoopWindow { Ticks = 20, EmergencyStop = true }, null);
        Assert.Equal(Ros2.Messages.DiagnosticMsgs.DiagnosticStatus.Warn, stopped.Level);
    }
}
