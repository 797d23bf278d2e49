using Microsoft.Extensions.Time.Testing;
using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

public class RegistryTests
{
    private static readonly ArenaBox Arena = ArenaBox.Robotarium;

    private static (RobotRegistry Registry, FakeTimeProvider Time) Make(RobotRegistryOptions? options = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (new RobotRegistry(Arena, options ?? new RobotRegistryOptions(), time), time);
    }

    [Fact]
    public void Robots_are_listed_in_ordinal_name_order_whatever_the_join_order()
    {
        var (reg, _) = Make();
        foreach (var name in new[] { "tb3_2", "Tb3_10", "tb3_10", "a", "tb3_1" })
        {
            Assert.True(reg.Join(name, RobotPresets.TurtleBot3Burger));
        }

        Assert.False(reg.Join("a", RobotPresets.TurtleBot3Waffle));
        var snap = new SwarmSnapshot(2);
        reg.TakeSnapshot(snap);
        Assert.Equal(["Tb3_10", "a", "tb3_1", "tb3_10", "tb3_2"], snap.Names.ToArray());
        Assert.All(snap.Statuses.ToArray(), s => Assert.Equal(RobotStatus.AwaitingPose, s));
        Assert.Equal(0, snap.ActiveCount);
    }

    [Fact]
    public void Stale_pose_makes_a_robot_zero_commanded_an_obstacle_and_it_returns_when_fresh()
    {
        var (reg, time) = Make();
        reg.Join("r1", RobotPresets.RobotariumGritsbot);
        reg.Join("r2", RobotPresets.RobotariumGritsbot);
        Assert.True(reg.UpdatePose("r1", Pose.Planar(0, 0, 0)).Accepted);
        Assert.True(reg.UpdatePose("r2", Pose.Planar(0.5, 0, Math.PI / 2)).Accepted);
        var snap = new SwarmSnapshot(2);
        reg.TakeSnapshot(snap);
        Assert.Equal(2, snap.ActiveCount);
        // Controlled point of r2 is l = 0.05 m ahead along +y.
        Assert.Equal([0.05, 0.0, 0.5, 0.05], snap.ControlledPoints.ToArray().Select(x => Math.Round(x, 12)).ToArray());

        time.Advance(TimeSpan.FromSeconds(0.3));
        reg.UpdatePose("r1", Pose.Planar(0.01, 0, 0));
        time.Advance(TimeSpan.FromSeconds(0.3)); // r2's pose is now 0.6 s old, r1's 0.3 s
        reg.TakeSnapshot(snap);
        Assert.Equal(RobotStatus.Active, snap.Statuses[0]);
        Assert.Equal(RobotStatus.Stale, snap.Statuses[1]);
        Assert.Equal(1, snap.ActiveCount);
        Assert.Equal(1, snap.ObstacleCount);
        Assert.Equal(0.05, snap.ObstaclePoints[1], 12);
        Assert.Equal(0.6, snap.PoseAgesS[1], 9);
        var all = new RobotCommand[2];
        snap.ExpandCommands([new RobotCommand(0.1, 0, 0, 0.2)], all);
        Assert.Equal(new RobotCommand(0.1, 0, 0, 0.2), all[0]);
        Assert.Equal(RobotCommand.Zero, all[1]);
        reg.RecordCommands(snap, all);

        reg.UpdatePose("r2", Pose.Planar(0.5, 0, Math.PI / 2));
        reg.TakeSnapshot(snap);
        Assert.Equal(2, snap.ActiveCount);
        Assert.Equal(new RobotCommand(0.1, 0, 0, 0.2), snap.PreviousCommands[0]);
        Assert.Equal(RobotCommand.Zero, snap.PreviousCommands[1]);
    }

    [Fact]
    public void Timeout_boundary_is_exact()
    {
        var (reg, time) = Make(new RobotRegistryOptions { PoseTimeoutS = 0.5 });
        reg.Join("r", RobotPresets.RobotariumGritsbot);
        reg.UpdatePose("r", Pose.Planar(0, 0, 0));
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(RobotStatus.Active, reg.StatusOf("r"));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RobotStatus.Stale, reg.StatusOf("r"));
        Assert.Null(reg.StatusOf("nobody"));
    }

    [Fact]
    public void Robots_join_and_leave_while_running()
    {
        var (reg, time) = Make();
        var snap = new SwarmSnapshot(2);
        reg.Join("b", RobotPresets.RobotariumGritsbot);
        reg.UpdatePose("b", Pose.Planar(0.2, 0.2, 0));
        reg.TakeSnapshot(snap);
        Assert.Equal(["b"], snap.Names.ToArray());
        reg.Join("a", RobotPresets.RobotariumGritsbot);
        reg.UpdatePose("a", Pose.Planar(-0.2, 0.2, 0));
        reg.Join("c", RobotPresets.TurtleBot3Waffle);
        time.Advance(TimeSpan.FromMilliseconds(50));
        reg.TakeSnapshot(snap);
        Assert.Equal(["a", "b", "c"], snap.Names.ToArray());
        Assert.Equal([0, 1], snap.ActiveIndices.ToArray());
        Assert.True(reg.Leave("a"));
        Assert.False(reg.Leave("a"));
        Assert.Equal(PoseRejection.UnknownRobot, reg.UpdatePose("a", Pose.Planar(0, 0, 0)).Rejection);
        reg.TakeSnapshot(snap);
        Assert.Equal(["b", "c"], snap.Names.ToArray());
        Assert.Equal(1, snap.ActiveCount);
        Assert.Equal(1, reg.RejectedPoses(PoseRejection.UnknownRobot));
    }

    [Fact]
    public void Bad_poses_are_rejected_with_a_reason()
    {
        var (reg, time) = Make(new RobotRegistryOptions { ArenaToleranceM = 0.2, MaxPlausibleSpeedMps = 2.0, PoseJumpToleranceM = 0.05 });
        reg.Join("r", RobotPresets.RobotariumGritsbot);
        var nan = reg.UpdatePose("r", Pose.Planar(double.NaN, 0, 0));
        Assert.Equal(PoseRejection.NonFinite, nan.Rejection);
        Assert.Equal(PoseRejection.NonFinite, reg.UpdatePose("r", Pose.Planar(0, 0, double.PositiveInfinity)).Rejection);
        var outside = reg.UpdatePose("r", Pose.Planar(1.9, 0, 0));
        Assert.Equal(PoseRejection.OutsideArena, outside.Rejection);
        Assert.Contains("0.3 m outside the arena, allowed at most 0.2 m", outside.Describe("r"), StringComparison.Ordinal);
        Assert.True(reg.UpdatePose("r", Pose.Planar(1.75, 0, 0)).Accepted); // 0.15 m outside: within tolerance
        time.Advance(TimeSpan.FromMilliseconds(100));
        // 0.1 s at 2 m/s + 0.05 m allows 0.25 m; 0.5 m is a jump.
        var jump = reg.UpdatePose("r", Pose.Planar(1.25, 0, 0));
        Assert.Equal(PoseRejection.ImplausibleJump, jump.Rejection);
        Assert.Contains("jumped 0.5 m", jump.Describe("r"), StringComparison.Ordinal);
        Assert.True(reg.UpdatePose("r", Pose.Planar(1.55, 0, 0)).Accepted);
        // After a long silence the same displacement is plausible again.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(reg.UpdatePose("r", Pose.Planar(1.0, 0, 0)).Accepted);
        Assert.Equal(2, reg.RejectedPoses(PoseRejection.NonFinite));
        Assert.Equal(1, reg.RejectedPoses(PoseRejection.OutsideArena));
        Assert.Equal(1, reg.RejectedPoses(PoseRejection.ImplausibleJump));
        Assert.Equal(3, reg.RejectedPoses(PoseRejection.None));
    }

    [Fact]
    public void Registry_and_pipeline_make_one_controller_step()
    {
        var (reg, time) = Make();
        var options = new CommandPipelineOptions { Arena = Arena };
        var pipe = new CommandPipeline(options);
        for (int i = 0; i < 5; i++)
        {
            reg.Join($"gb{i}", RobotPresets.RobotariumGritsbot);
            reg.UpdatePose($"gb{i}", Pose.Planar(-1 + 0.4 * i, 0, 0));
        }

        time.Advance(TimeSpan.FromSeconds(0.1));
        reg.UpdatePose("gb0", Pose.Planar(-1, 0, 0));
        var snap = new SwarmSnapshot(2);
        time.Advance(TimeSpan.FromSeconds(0.45)); // gb1..gb4 now 0.55 s old: stale
        for (int i = 1; i < 3; i++)
        {
            reg.UpdatePose($"gb{i}", Pose.Planar(-1 + 0.4 * i, 0, 0));
        }

        reg.TakeSnapshot(snap);
        Assert.Equal(3, snap.ActiveCount);
        Assert.Equal(2, snap.ObstacleCount);
        var desired = new double[2 * snap.ActiveCount];
        desired.AsSpan().Fill(0.1);
        var active = new RobotCommand[snap.ActiveCount];
        var diag = pipe.Step(snap.ToInput(desired, 0.05), active);
        var all = new RobotCommand[snap.RobotCount];
        snap.ExpandCommands(active, all);
        reg.RecordCommands(snap, all);
        Assert.Equal(3, diag.Robots);
        Assert.Equal(RobotCommand.Zero, all[3]);
        Assert.Equal(RobotCommand.Zero, all[4]);
        Assert.True(all[0].Vx > 0);
    }

    [Fact]
    public void Invalid_registry_options_and_joins_name_the_problem()
    {
        var ex = Assert.Throws<ArgumentException>(() => Make(new RobotRegistryOptions { PoseTimeoutS = 0, ArenaToleranceM = -1 }));
        Assert.Contains("RobotRegistryOptions.PoseTimeoutS = 0 is out of range; allowed: finite and > 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RobotRegistryOptions.ArenaToleranceM = -1", ex.Message, StringComparison.Ordinal);
        var (reg, _) = Make();
        Assert.Throws<ArgumentException>(() => reg.Join(" ", RobotPresets.RobotariumGritsbot));
        var air = new RobotModel { Name = "cf", Kind = RobotKind.Aerial3D, MaxLinearSpeedMps = 1, MaxVerticalSpeedMps = 1 };
        var dim = Assert.Throws<ArgumentException>(() => reg.Join("cf1", air));
        Assert.Contains("3-D model", dim.Message, StringComparison.Ordinal);
    }
}
