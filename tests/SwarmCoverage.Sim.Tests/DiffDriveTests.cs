using SwarmCoverage.Sim;
using static SwarmCoverage.Sim.Tests.TestSupport;

namespace SwarmCoverage.Sim.Tests;

public class DiffDriveTests
{
    private static DiffDriveParameters AllLimits => RobotPresets.TurtleBot3Burger.DiffDrive! with
    {
        MinAngularAccelerationRadps2 = -6,
        MaxAngularAccelerationRadps2 = 6,
        MaxWheelSpeedRadps = 6.0,
    };

    [Fact]
    public void Stepping_at_the_control_period_matches_gz_stepped_every_millisecond()
    {
        // Random commands held for 50 ms each: the simulator steps once per control tick (sub-stepping
        // only while the limiter ramps); the naive reference steps every 1 ms like Gazebo's physics.
        DiffDriveParameters p = AllLimits;
        var sim = new Simulator([Diff("r", p, new RobotPose(1, 2, 0, 0.3))], new SimulationOptions { LimiterStepSeconds = 0.001 });
        var gz = new NaiveGzDiffDrive(p, 1, 2, 0.3);
        var random = new Random(7);
        for (int tick = 0; tick < 200; tick++)
        {
            double v = (random.NextDouble() * 0.6) - 0.3;
            double w = (random.NextDouble() * 8) - 4;
            if (tick % 20 > 14)
            {
                v = 0.1; // hold a command so steady arcs are merged
                w = 0.5;
            }

            sim.SetCommand(0, VelocityCommand.Unicycle(v, w));
            sim.Step(0.05);
            for (int ms = 0; ms < 50; ms++)
            {
                gz.Step(v, w, 0.001);
            }

            RobotPose pose = sim.GetTruePose(0);
            Assert.Equal(gz.X, pose.XM, 1e-9);
            Assert.Equal(gz.Y, pose.YM, 1e-9);
            Assert.Equal(Kinematics.WrapAngle(gz.Yaw), pose.YawRad, 1e-9);
            Assert.Equal(gz.AppliedV, sim.GetTwist(0).LinearXMps, 1e-12);
            Assert.Equal(gz.AppliedW, sim.GetTwist(0).AngularZRadps, 1e-12);
        }

        Assert.True(sim.Counters.LimiterActiveShare is > 0.05 and < 1, $"limiter share {sim.Counters.LimiterActiveShare}");
        Assert.True(sim.Counters.WheelSaturatedShare > 0.05, $"wheel share {sim.Counters.WheelSaturatedShare}");
    }

    [Fact]
    public void One_control_period_step_agrees_with_fifty_millisecond_steps_to_rounding()
    {
        DiffDriveParameters p = AllLimits;
        var coarse = new Simulator([Diff("r", p)]);
        var fine = new Simulator([Diff("r", p)]);
        var random = new Random(19);
        for (int tick = 0; tick < 200; tick++)
        {
            var command = VelocityCommand.Unicycle((random.NextDouble() * 0.6) - 0.3, (random.NextDouble() * 8) - 4);
            coarse.SetCommand(0, command);
            fine.SetCommand(0, command);
            coarse.Step(0.05);
            for (int ms = 0; ms < 50; ms++)
            {
                fine.Step(0.001);
            }
        }

        Assert.Equal(fine.GetTruePose(0).XM, coarse.GetTruePose(0).XM, 1e-13);
        Assert.Equal(fine.GetTruePose(0).YM, coarse.GetTruePose(0).YM, 1e-13);
        Assert.Equal(fine.GetTruePose(0).YawRad, coarse.GetTruePose(0).YawRad, 1e-13);
        Assert.Equal(fine.Counters.LimiterActiveTimeNs, coarse.Counters.LimiterActiveTimeNs);
    }

    [Fact]
    public void Jerk_limited_robot_matches_gz_and_keeps_its_jerk_bound()
    {
        DiffDriveParameters p = Unlimited with
        {
            MinLinearAccelerationMps2 = -1,
            MaxLinearAccelerationMps2 = 1,
            MinLinearJerkMps3 = -20,
            MaxLinearJerkMps3 = 20,
            MinAngularJerkRadps3 = -100,
            MaxAngularJerkRadps3 = 100,
        };
        var sim = new Simulator([Diff("r", p)]);
        var gz = new NaiveGzDiffDrive(p, 0, 0, 0);
        double v1 = 0, v2 = 0;
        for (int ms = 0; ms < 1500; ms++)
        {
            double target = ms < 700 ? 0.3 : -0.1;
            double wt = ms < 400 ? 1.0 : 0.0;
            sim.SetCommand(0, VelocityCommand.Unicycle(target, wt));
            sim.Step(0.001);
            gz.Step(target, wt, 0.001);
            double v = sim.GetTwist(0).LinearXMps;
            double jerk = (v - (2 * v1) + v2) / (0.001 * 0.001);
            Assert.True(Math.Abs(jerk) <= 20 + 1e-6, $"t = {ms} ms: jerk {jerk} m/s^3");
            Assert.True(Math.Abs(v - v1) <= 0.001 + 1e-15, $"t = {ms} ms: acceleration {(v - v1) / 0.001} m/s^2");
            Assert.Equal(gz.AppliedV, v, 1e-12);
            Assert.Equal(gz.X, sim.GetTruePose(0).XM, 1e-10);
            v2 = v1;
            v1 = v;
        }
    }

    [Fact]
    public void Linear_acceleration_limit_holds_and_ramp_takes_v_over_a()
    {
        // TurtleBot3 Burger: 1 m/s^2, so 0 -> 0.22 m/s takes 0.22 s; sampled every millisecond.
        var sim = new Simulator([RobotPresets.TurtleBot3Burger.CreateRobot("tb3", default)]);
        double previous = 0;
        int reachedAtMs = -1;
        for (int ms = 1; ms <= 400; ms++)
        {
            sim.SetCommand(0, VelocityCommand.Unicycle(0.5, 0));
            sim.Step(0.001);
            double v = sim.GetTwist(0).LinearXMps;
            Assert.True(v - previous <= (1.0 * 0.001) + 1e-15, $"t = {ms} ms: dv = {v - previous}");
            if (reachedAtMs < 0 && v == 0.22)
            {
                reachedAtMs = ms;
            }

            previous = v;
        }

        Assert.Equal(220, reachedAtMs);

        // Distance of a discrete ramp: sum_{k=1..220} k mm/s * 1 ms, then 0.22 m/s for the remaining 180 ms.
        double expected = (0.001 * 0.001 * 220 * 221 / 2) + (0.22 * 0.180);
        Assert.Equal(expected, sim.GetTruePose(0).XM, 1e-12);
    }

    [Fact]
    public void Deceleration_uses_min_linear_acceleration()
    {
        DiffDriveParameters p = Unlimited with { MinLinearAccelerationMps2 = -0.5, MaxLinearAccelerationMps2 = 2 };
        var sim = new Simulator([Diff("r", p)]);
        sim.SetCommand(0, VelocityCommand.Unicycle(0.4, 0));
        sim.Step(0.5);
        Assert.Equal(0.4, sim.GetTwist(0).LinearXMps);
        sim.SetCommand(0, VelocityCommand.Unicycle(0, 0));
        sim.Step(0.4);
        Assert.Equal(0.2, sim.GetTwist(0).LinearXMps, 1e-12); // 0.5 m/s^2 for 0.4 s
        sim.SetCommand(0, VelocityCommand.Unicycle(0, 0));
        sim.Step(0.4);
        Assert.Equal(0.0, sim.GetTwist(0).LinearXMps);
    }

    [Fact]
    public void Velocity_limits_clamp_each_axis_like_gz()
    {
        var sim = new Simulator([RobotPresets.TurtleBot3Burger.CreateRobot("tb3", default)]);
        sim.SetCommand(0, VelocityCommand.Unicycle(-3, 10));
        sim.Step(0.4); // 0.22 m/s at 1 m/s^2 is reached after 0.22 s, before the 0.5 s timeout
        Assert.Equal(-0.22, sim.GetTwist(0).LinearXMps);
        Assert.Equal(2.84, sim.GetTwist(0).AngularZRadps);
    }

    [Fact]
    public void A_missing_minimum_leaves_reverse_unlimited_as_in_gz()
    {
        var sim = new Simulator([Diff("r", Unlimited with { MaxLinearVelocityMps = 0.2 })]);
        sim.SetCommand(0, VelocityCommand.Unicycle(-5, 0));
        sim.Step(0.1);
        Assert.Equal(-5, sim.GetTwist(0).LinearXMps);
    }

    [Fact]
    public void Wheel_speed_saturation_clips_each_wheel_on_its_own()
    {
        // GRITSbot: r = 0.016 m, s = 0.11 m, wheels clipped at 12.5 rad/s. Command (0.2 m/s, 3.64 rad/s):
        // right wheel (0.2 + 3.64 * 0.055) / 0.016 = 25.0125 -> 12.5; left (0.2 - 0.2002) / 0.016 = -0.0125.
        // Back in body space: v = 0.016 (12.5 - 0.0125) / 2 = 0.0999, w = 0.016 (12.5 + 0.0125) / 0.11 = 1.82.
        var sim = new Simulator([RobotPresets.GritsBot.CreateRobot("g", default)]);
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 3.64));
        sim.Step(0.05);
        BodyTwist twist = sim.GetTwist(0);
        Assert.Equal(0.0999, twist.LinearXMps, 1e-12);
        Assert.Equal(1.82, twist.AngularZRadps, 1e-12);
        Assert.Equal(sim.Counters.RobotTimeNs, sim.Counters.WheelSaturatedTimeNs);

        // Straight at full speed: both wheels at exactly 12.5 rad/s, not clipped.
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
        sim.Step(0.05);
        Assert.Equal(0.2, sim.GetTwist(0).LinearXMps);
        Assert.Equal(50_000_000, sim.Counters.WheelSaturatedTimeNs);
    }

    [Fact]
    public void Unlimited_robot_drives_the_exact_circle_in_one_step()
    {
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandTimeoutSeconds = double.PositiveInfinity });
        sim.SetCommand(0, VelocityCommand.Unicycle(0.1, 0.5)); // radius 0.2 m
        sim.Step(Math.PI / 0.5); // half a turn, rounded to the nanosecond (0.18 ns short: 1.8e-11 m at 0.1 m/s)
        RobotPose pose = sim.GetTruePose(0);
        Assert.Equal(0, pose.XM, 3e-11);
        Assert.Equal(0.4, pose.YM, 1e-12);
        Assert.Equal(0, Kinematics.WrapAngle(pose.YawRad - Math.PI), 1e-9); // +-pi, whichever side the rounding lands
    }

    [Fact]
    public void Control_period_step_equals_fine_Euler_reference_for_a_command_sequence()
    {
        var sim = new Simulator([Diff("r", Unlimited)]);
        double x = 0, y = 0, yaw = 0;
        var random = new Random(3);
        for (int tick = 0; tick < 40; tick++)
        {
            double v = (random.NextDouble() * 0.44) - 0.22;
            double w = (random.NextDouble() * 5.6) - 2.8;
            sim.SetCommand(0, VelocityCommand.Unicycle(v, w));
            sim.Step(0.05);
            const int n = 50_000;
            double h = 0.05 / n;
            for (int k = 0; k < n; k++)
            {
                x += h * v * Math.Cos(yaw);
                y += h * v * Math.Sin(yaw);
                yaw += h * w;
            }
        }

        RobotPose pose = sim.GetTruePose(0);
        Assert.Equal(x, pose.XM, 2e-6);
        Assert.Equal(y, pose.YM, 2e-6);
        Assert.Equal(Kinematics.WrapAngle(yaw), pose.YawRad, 1e-9);
    }
}
