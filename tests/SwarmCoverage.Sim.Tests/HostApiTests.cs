using SwarmCoverage.Sim;
using static SwarmCoverage.Sim.Tests.TestSupport;

namespace SwarmCoverage.Sim.Tests;

public class OdometryScheduleTests
{
    [Fact]
    public void Odometry_is_due_at_multiples_of_the_period_with_gz_frame_ids()
    {
        var robots = new[]
        {
            Diff("a", Unlimited),
            Diff("b", Unlimited) with { OdomPublishFrequencyHz = 20 },
        };
        var sim = new Simulator(robots);
        var buffer = new OdometrySample[2];
        var stampsA = new List<long>();
        var stampsB = new List<long>();
        while (sim.Now <= SimTime.FromSeconds(1.0))
        {
            int n = sim.CollectDueOdometry(buffer);
            for (int k = 0; k < n; k++)
            {
                (buffer[k].Robot == 0 ? stampsA : stampsB).Add(buffer[k].Stamp.Nanoseconds);
                Assert.Equal(sim.Now, buffer[k].Stamp);
            }

            SimTime next = sim.NextOdometryDue;
            Assert.True(next > sim.Now);
            sim.StepTo(next);
        }

        Assert.Equal(Enumerable.Range(0, 51).Select(k => k * 20_000_000L), stampsA);
        Assert.Equal(Enumerable.Range(0, 21).Select(k => k * 50_000_000L), stampsB);
        Assert.Equal(72, sim.Counters.OdometrySamplesPublished);

        OdometrySample s = sim.SampleOdometry(1);
        Assert.Equal("b/odom", s.FrameId);
        Assert.Equal("b/base_link", s.ChildFrameId);
        Assert.Equal("/b/cmd_vel", sim.Robots[1].EffectiveTopics.CmdVel);
        Assert.Equal("/b/odom", sim.Robots[1].EffectiveTopics.Odometry);
    }

    [Fact]
    public void A_host_stepping_past_several_periods_gets_one_sample_like_gz_throttling()
    {
        var sim = new Simulator([Diff("a", Unlimited)]);
        var buffer = new OdometrySample[1];
        Assert.Equal(1, sim.CollectDueOdometry(buffer));
        sim.Step(0.05);
        Assert.Equal(1, sim.CollectDueOdometry(buffer));
        Assert.Equal(0, sim.CollectDueOdometry(buffer));
        Assert.Equal(SimTime.FromSeconds(0.07), sim.NextOdometryDue);
    }

    [Fact]
    public void Spawn_pose_odometry_starts_at_zero_and_world_odometry_at_the_spawn_pose()
    {
        var start = new RobotPose(1.0, 2.0, 0, Math.PI / 2);
        var sim = new Simulator([Diff("w", Unlimited, start), Diff("s", Unlimited, start, OdometryOrigin.SpawnPose)]);
        sim.SetCommands([0.1, 0.1], [0.0, 0.0]);
        sim.Step(1.0); // 0.1 m/s for 0.5 s (timeout), heading +y in the world
        OdometrySample world = sim.SampleOdometry(0);
        OdometrySample spawn = sim.SampleOdometry(1);
        Assert.Equal(1.0, world.Pose.XM, 1e-12);
        Assert.Equal(2.05, world.Pose.YM, 1e-12);
        Assert.Equal(Math.PI / 2, world.Pose.YawRad, 1e-12);
        Assert.Equal(0.05, spawn.Pose.XM, 1e-12); // forward in the spawn frame
        Assert.Equal(0.0, spawn.Pose.YM, 1e-12);
        Assert.Equal(0.0, spawn.Pose.YawRad, 1e-12);
        Assert.Equal(world.WorldPose, spawn.WorldPose);
    }

    [Fact]
    public void Paused_odometry_is_skipped_and_resumes_at_once()
    {
        var sim = new Simulator([Diff("a", Unlimited), Diff("b", Unlimited)]);
        var buffer = new OdometrySample[2];
        sim.SetOdometryPaused(1, true);
        Assert.Equal(1, sim.CollectDueOdometry(buffer));
        Assert.Equal(0, buffer[0].Robot);
        sim.Step(0.03);
        sim.SetOdometryPaused(1, false);
        Assert.Equal(2, sim.CollectDueOdometry(buffer));
        Assert.Equal(1, buffer[1].Robot);
        Assert.Equal(SimTime.FromSeconds(0.03), buffer[1].Stamp);
    }

    [Fact]
    public void Odometry_twist_is_the_body_velocity_and_the_quaternion_encodes_yaw()
    {
        var sim = new Simulator([RobotPresets.TurtleBot3Waffle.CreateRobot("w", new RobotPose(0, 0, 0, 1.0))]);
        sim.SetCommand(0, VelocityCommand.Unicycle(0.1, 0.5));
        sim.Step(0.2);
        OdometrySample s = sim.SampleOdometry(0);
        Assert.Equal(new BodyTwist(0.1, 0, 0, 0.5), s.Twist);
        (double qx, double qy, double qz, double qw) = s.Pose.Quaternion;
        Assert.Equal(0, qx);
        Assert.Equal(0, qy);
        Assert.Equal(1.1, s.Pose.YawRad, 1e-12); // 1.0 + 0.5 rad/s * 0.2 s
        Assert.Equal(Math.Sin(1.1), 2 * qz * qw, 1e-12);
        Assert.Equal(Math.Cos(1.1), (qw * qw) - (qz * qz), 1e-12);
    }
}

public class HolonomicTests
{
    private static HolonomicParameters Ground => RobotPresets.HolonomicGround.Holonomic!;

    [Fact]
    public void Ground_robot_moves_in_its_body_frame_and_ignores_z()
    {
        var sim = new Simulator([Holo("h", Ground with { MaxLinearAccelerationMps2 = double.PositiveInfinity, MaxAngularAccelerationRadps2 = double.PositiveInfinity },
            new RobotPose(0, 0, 0.05, Math.PI / 2))]);
        sim.SetCommand(0, new VelocityCommand(0.3, 0.1, 5.0, 0));
        sim.Step(0.4);
        RobotPose p = sim.GetTruePose(0);
        Assert.Equal(-0.1 * 0.4, p.XM, 1e-12); // body y points to world -x at yaw pi/2
        Assert.Equal(0.3 * 0.4, p.YM, 1e-12);
        Assert.Equal(0.05, p.ZM);
        double[] vx = new double[1], vy = new double[1], vz = new double[1], wz = new double[1];
        sim.GetTwists(vx, vy, vz, wz);
        Assert.Equal((0.3, 0.1, 0.0, 0.0), (vx[0], vy[0], vz[0], wz[0]));
    }

    [Fact]
    public void Speed_limit_scales_the_velocity_vector_keeping_its_direction()
    {
        var sim = new Simulator([Holo("h", Ground with { MaxLinearAccelerationMps2 = double.PositiveInfinity })]);
        sim.SetCommand(0, new VelocityCommand(3, 4, 0, 0)); // 5 m/s -> 0.5 m/s along (0.6, 0.8)
        sim.Step(0.1);
        BodyTwist t = sim.GetTwist(0);
        Assert.Equal(0.3, t.LinearXMps, 1e-12);
        Assert.Equal(0.4, t.LinearYMps, 1e-12);
    }

    [Fact]
    public void Acceleration_limit_bounds_the_change_of_the_velocity_vector()
    {
        var sim = new Simulator([Holo("h", Ground)]); // 1 m/s^2, 0.5 m/s
        double px = 0, py = 0;
        for (int ms = 0; ms < 800; ms++)
        {
            double angle = ms < 400 ? 0 : 2.0;
            sim.SetCommand(0, new VelocityCommand(0.5 * Math.Cos(angle), 0.5 * Math.Sin(angle), 0, 0));
            sim.Step(0.001);
            BodyTwist t = sim.GetTwist(0);
            double change = Math.Sqrt(((t.LinearXMps - px) * (t.LinearXMps - px)) + ((t.LinearYMps - py) * (t.LinearYMps - py)));
            Assert.True(change <= 0.001 + 1e-15, $"t = {ms} ms: |dv| = {change}");
            Assert.True(Math.Sqrt((t.LinearXMps * t.LinearXMps) + (t.LinearYMps * t.LinearYMps)) <= 0.5 + 1e-15);
            px = t.LinearXMps;
            py = t.LinearYMps;
        }

        Assert.True(sim.Counters.LimiterActiveTimeNs >= 500_000_000, $"limiter active {sim.Counters.LimiterActiveTimeNs} ns");
    }

    [Fact]
    public void Turning_holonomic_robot_matches_a_fine_Euler_reference()
    {
        HolonomicParameters p = Ground with
        {
            MaxLinearAccelerationMps2 = double.PositiveInfinity,
            MaxAngularAccelerationRadps2 = double.PositiveInfinity,
        };
        var sim = new Simulator([Holo("h", p)]);
        sim.SetCommand(0, new VelocityCommand(0.3, -0.2, 0, 1.5));
        sim.Step(0.4);
        double x = 0, y = 0, yaw = 0;
        const int n = 400_000;
        double h = 0.4 / n;
        for (int k = 0; k < n; k++)
        {
            x += h * ((0.3 * Math.Cos(yaw)) + (0.2 * Math.Sin(yaw)));
            y += h * ((0.3 * Math.Sin(yaw)) - (0.2 * Math.Cos(yaw)));
            yaw += h * 1.5;
        }

        RobotPose pose = sim.GetTruePose(0);
        Assert.Equal(x, pose.XM, 1e-6);
        Assert.Equal(y, pose.YM, 1e-6);
        Assert.Equal(yaw, pose.YawRad, 1e-9);
    }

    [Fact]
    public void Aerial_robot_climbs_and_the_arena_ceiling_stops_it()
    {
        HolonomicParameters p = RobotPresets.Quadrotor.Holonomic! with { MaxLinearAccelerationMps2 = double.PositiveInfinity };
        var arena = new Arena(-1, -1, 1, 1, 1.5);
        var sim = new Simulator([Holo("q", p, new RobotPose(0, 0, 1.0, 0))],
            new SimulationOptions { EnforceArena = true, PositionNoiseStdM = 0.01, Seed = 3 }, arena);
        sim.SetCommand(0, new VelocityCommand(0, 0, 0.5, 0));
        sim.Step(0.4);
        Assert.Equal(1.2, sim.GetTruePose(0).ZM, 1e-12);
        Assert.NotEqual(1.2, sim.GetMeasuredPose(0).ZM); // aerial robots get z noise
        sim.Step(0.1);
        sim.SetCommand(0, new VelocityCommand(0, 0, 1.0, 0)); // 1.25 m + 0.4 m would pass the 1.5 m ceiling
        sim.Step(0.4);
        Assert.Equal(1.5, sim.GetTruePose(0).ZM);
        Assert.True(sim.Counters.ArenaContacts > 0);
    }
}

public class BulkApiTests
{
    [Fact]
    public void Bulk_commands_and_poses_use_the_robot_index_order()
    {
        var robots = Enumerable.Range(0, 4).Select(i => Diff($"r{i}", Unlimited, new RobotPose(i, 0, 0, 0))).ToList();
        var sim = new Simulator(robots);
        sim.SetCommands([0.1, 0.2, 0.0, -0.1], [0, 0, 1.0, 0]);
        sim.Step(0.1);
        var x = new double[4];
        var y = new double[4];
        var z = new double[4];
        var yaw = new double[4];
        sim.GetTruePoses(x, y, z, yaw);
        Assert.Equal([0.01, 1.02, 2.0, 2.99], x.Select(v => Math.Round(v, 12)));
        Assert.Equal(0.1, yaw[2], 1e-15);
        var v = new double[4];
        var w = new double[4];
        sim.GetTwists(v, w);
        Assert.Equal([0.1, 0.2, 0.0, -0.1], v);
        Assert.Equal(3, sim.IndexOf("r3"));
        Assert.False(sim.TryGetIndex("nobody", out _));
        Assert.Contains("nobody", Assert.Throws<KeyNotFoundException>(() => sim.IndexOf("nobody")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Span_length_mismatch_names_the_argument_and_the_expected_length()
    {
        var sim = new Simulator([Diff("a", Unlimited), Diff("b", Unlimited)]);
        var e = Assert.Throws<ArgumentException>(() => sim.SetCommands(new double[2], new double[3]));
        Assert.Equal("angularZRadps", e.ParamName);
        Assert.Contains("RobotCount = 2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => sim.GetTruePoses(new double[2], new double[1], new double[2]));
        Assert.Throws<ArgumentException>(() => sim.CollectDueOdometry(new OdometrySample[1]));
    }

    [Fact]
    public void Commands_for_the_same_instant_collapse_to_the_last_one()
    {
        var sim = new Simulator([Diff("a", Unlimited)]);
        sim.SetCommand("a", VelocityCommand.Unicycle(1, 0));
        sim.SetCommand("a", VelocityCommand.Unicycle(0.1, 0));
        sim.Step(0.1);
        Assert.Equal(0.01, sim.GetTruePose(0).XM, 1e-15);
        Assert.Equal(1, sim.Counters.CommandsSuperseded);
    }

    [Fact]
    public void Long_latency_with_frequent_commands_grows_the_queue_without_losing_commands()
    {
        var sim = new Simulator([Diff("a", Unlimited), Diff("b", Unlimited)], new SimulationOptions { CommandLatencySeconds = 0.5 });
        double expected = 0;
        for (int ms = 0; ms < 1000; ms++)
        {
            double v = 0.001 * (ms % 7);
            sim.SetCommand(0, VelocityCommand.Unicycle(v, 0));
            if (ms < 500)
            {
                expected += v * 0.001; // commands from the first 0.5 s act during the second
            }

            sim.Step(0.001);
        }

        Assert.Equal(expected, sim.GetTruePose(0).XM, 1e-14);
        Assert.Equal(0.0, sim.GetTruePose(1).XM);
    }

    [Fact]
    public void Steps_advance_the_clock_and_refuse_to_go_back()
    {
        var sim = new Simulator([Diff("a", Unlimited)]);
        sim.Step(0.05);
        sim.StepNanoseconds(1);
        Assert.Equal(50_000_001, sim.Now.Nanoseconds);
        Assert.Equal(0, sim.Now.RosSec);
        Assert.Equal(50_000_001u, sim.Now.RosNanosec);
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.StepTo(SimTime.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Step(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Step(double.NaN));
    }

    [Fact]
    public void Arena_enforcement_stops_a_robot_at_the_wall_and_counts_contacts()
    {
        var arena = new Arena(0, 0, 1, 1);
        var sim = new Simulator([Diff("a", Unlimited, new RobotPose(0.95, 0.5, 0, 0))], new SimulationOptions { EnforceArena = true }, arena);
        for (int tick = 0; tick < 10; tick++)
        {
            sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
            sim.Step(0.05);
        }

        Assert.Equal(1.0, sim.GetTruePose(0).XM);
        Assert.True(sim.Counters.ArenaContacts >= 5);
    }

    [Fact]
    public void Invalid_options_and_robots_are_refused_with_a_message_naming_them()
    {
        Assert.Contains("CommandTimeoutSeconds", Assert.Throws<ArgumentException>(
            () => new Simulator([Diff("a", Unlimited)], new SimulationOptions { CommandTimeoutSeconds = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("LimiterStepSeconds", Assert.Throws<ArgumentException>(
            () => new Simulator([Diff("a", Unlimited)], new SimulationOptions { LimiterStepSeconds = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("max_linear_acceleration", Assert.Throws<ArgumentException>(
            () => new Simulator([Diff("a", Unlimited with { MaxLinearAccelerationMps2 = -1 })])).Message, StringComparison.Ordinal);
        Assert.Contains("wheel_radius", Assert.Throws<ArgumentException>(
            () => new Simulator([Diff("a", Unlimited with { WheelRadiusM = 0 })])).Message, StringComparison.Ordinal);
        Assert.Contains("'bad-name'", Assert.Throws<ArgumentException>(
            () => new Simulator([Diff("bad-name", Unlimited)])).Message, StringComparison.Ordinal);
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(
            () => new Simulator([Diff("a", Unlimited), Diff("a", Unlimited)])).Message, StringComparison.Ordinal);
        Assert.Contains("EnforceArena", Assert.Throws<ArgumentException>(
            () => new Simulator([Diff("a", Unlimited)], new SimulationOptions { EnforceArena = true })).Message, StringComparison.Ordinal);
    }
}
