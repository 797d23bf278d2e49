using SwarmCoverage.Sim;
using static SwarmCoverage.Sim.Tests.TestSupport;

namespace SwarmCoverage.Sim.Tests;

public class LatencyTests
{
    [Fact]
    public void A_command_takes_effect_exactly_after_the_latency()
    {
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandLatencySeconds = 0.1 });
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
        for (int ms = 1; ms <= 100; ms++)
        {
            sim.Step(0.001);
            Assert.Equal(0.0, sim.GetTruePose(0).XM);
        }

        sim.Step(0.001);
        Assert.Equal(0.2 * 0.001, sim.GetTruePose(0).XM, 1e-15);
    }

    [Fact]
    public void Latency_that_is_not_a_multiple_of_the_step_is_still_exact()
    {
        // Command at t = 0 with 12.3 ms latency, one 50 ms step: the robot drives for 37.7 ms.
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandLatencySeconds = 0.0123 });
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
        sim.Step(0.05);
        Assert.Equal(0.2 * (0.05 - 0.0123), sim.GetTruePose(0).XM, 1e-15);
    }

    [Fact]
    public void Commands_queue_behind_the_latency_and_each_acts_for_its_own_slot()
    {
        // 120 ms latency, commands every 50 ms: v = 0.1, 0.2, 0.3 sent at 0, 50, 100 ms act on
        // [120, 170), [170, 220), [220, ...).
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandLatencySeconds = 0.12 });
        double[] speeds = [0.1, 0.2, 0.3, 0.3, 0.3];
        foreach (double v in speeds)
        {
            sim.SetCommand(0, VelocityCommand.Unicycle(v, 0));
            sim.Step(0.05);
        }

        // Now t = 250 ms: 50 ms at 0.1, 50 ms at 0.2, 30 ms at 0.3.
        Assert.Equal((0.1 * 0.05) + (0.2 * 0.05) + (0.3 * 0.03), sim.GetTruePose(0).XM, 1e-15);
    }

    [Fact]
    public void A_command_received_during_the_last_step_keeps_its_own_arrival_time()
    {
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandLatencySeconds = 0.02 });
        sim.Step(0.05);
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0), SimTime.FromSeconds(0.04)); // acts from 0.06 s
        sim.Step(0.05);
        Assert.Equal(0.2 * 0.04, sim.GetTruePose(0).XM, 1e-15);
    }

    [Fact]
    public void A_command_received_ahead_of_the_simulation_clock_waits_for_its_arrival_time()
    {
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandLatencySeconds = 0.02 });
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0), SimTime.FromSeconds(0.03)); // Now = 0; acts from 0.05 s
        sim.Step(0.05);
        Assert.Equal(0.0, sim.GetTruePose(0).XM);
        sim.Step(0.05);
        Assert.Equal(0.2 * 0.05, sim.GetTruePose(0).XM, 1e-15);
    }

    [Fact]
    public void A_command_queued_ahead_restarts_a_timed_out_robot_at_its_arrival_and_times_out_from_there()
    {
        // Timeout 0.1 s: the command at 0 drives until 0.1; the one queued for 0.3 (while the clock is at 0) drives from
        // 0.3 until its own timeout at 0.4.
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandTimeoutSeconds = 0.1 });
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0), SimTime.FromSeconds(0.3));
        sim.Step(0.2);
        Assert.True(sim.IsCommandTimedOut(0));
        Assert.Equal(0.2 * 0.1, sim.GetTruePose(0).XM, 1e-15);
        sim.Step(0.15);
        Assert.False(sim.IsCommandTimedOut(0));
        sim.Step(0.15);
        Assert.True(sim.IsCommandTimedOut(0));
        Assert.Equal((0.2 * 0.1) + (0.2 * 0.1), sim.GetTruePose(0).XM, 1e-15);
        Assert.Equal(2, sim.Counters.CommandTimeouts);
    }

    [Fact]
    public void A_command_received_at_the_end_of_time_is_queued_not_wrapped_around()
    {
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandLatencySeconds = 0.02 });
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0), new SimTime(long.MaxValue - 1));
        sim.Step(1);
        Assert.Equal(0.0, sim.GetTruePose(0).XM);
    }

    [Fact]
    public void Queueing_commands_at_their_arrival_moves_robots_as_stepping_to_each_arrival()
    {
        // The simulator node's two ways of taking commands that arrive between odometry steps: step every robot to each
        // arrival and hand the command over "now" (O(robots) per command), or queue it at its arrival instant and step
        // once. Without a limiter both integrate the same exact arcs.
        const int robots = 20;
        var specs = Enumerable.Range(0, robots).Select(i => Diff($"r{i}", Unlimited, new RobotPose(i, 0, 0, 0.3 * i))).ToList();
        var options = new SimulationOptions { CommandLatencySeconds = 0.004 };
        var stepping = new Simulator(specs, options);
        var queueing = new Simulator(specs, options);
        foreach (var tick in RandomArrivals(robots, ticks: 40, seed: 7))
        {
            foreach (var a in tick.Arrivals)
            {
                stepping.StepTo(new SimTime(a.AtNs));
                stepping.SetCommand(a.Robot, a.Command);
                queueing.SetCommand(a.Robot, a.Command, new SimTime(a.AtNs));
            }

            stepping.StepTo(new SimTime(tick.EndNs));
            queueing.StepTo(new SimTime(tick.EndNs));
        }

        Assert.Equal(stepping.Now, queueing.Now);
        double moved = 0;
        for (int i = 0; i < robots; i++)
        {
            RobotPose a = stepping.GetTruePose(i), b = queueing.GetTruePose(i);
            moved += Math.Abs(a.XM - i) + Math.Abs(a.YM);
            Assert.Equal(a.XM, b.XM, 1e-12);
            Assert.Equal(a.YM, b.YM, 1e-12);
            Assert.Equal(a.YawRad, b.YawRad, 1e-12);
        }

        Assert.True(moved > 1, $"the robots hardly moved ({moved} m in all): the comparison would prove nothing");
    }

    [Fact]
    public void A_queued_robot_ramps_on_its_own_limiter_grid_whatever_the_others_receive()
    {
        // Burgers ramp under their acceleration limit in 1 ms sub-steps that start at each of their own command
        // activations and at each host step. Queued at their arrival instants, the other robots' commands do not cut
        // robot 0's sub-steps: its path is the same bits with or without them (stepping every robot to every arrival
        // re-anchored every robot's sub-steps at every arrival, a 1e-5 m effect of one robot's traffic on another).
        const int robots = 20;
        var specs = Enumerable.Range(0, robots).Select(i => RobotPresets.TurtleBot3Burger.CreateRobot($"r{i}", new RobotPose(i, 0, 0, 0.3 * i))).ToList();
        var crowd = new Simulator(specs);
        var alone = new Simulator(specs);
        foreach (var tick in RandomArrivals(robots, ticks: 40, seed: 11))
        {
            foreach (var a in tick.Arrivals)
            {
                crowd.SetCommand(a.Robot, a.Command, new SimTime(a.AtNs));
                if (a.Robot == 0) alone.SetCommand(0, a.Command, new SimTime(a.AtNs));
            }

            crowd.StepTo(new SimTime(tick.EndNs));
            alone.StepTo(new SimTime(tick.EndNs));
            RobotPose c = crowd.GetTruePose(0), s = alone.GetTruePose(0);
            Assert.Equal(Bits(s.XM), Bits(c.XM));
            Assert.Equal(Bits(s.YM), Bits(c.YM));
            Assert.Equal(Bits(s.YawRad), Bits(c.YawRad));
        }

        Assert.True(alone.Counters.LimiterActiveTimeNs > 100_000_000, $"robot 0's limiter acted {alone.Counters.LimiterActiveTimeNs} ns: sub-steps were hardly exercised");
    }

    private static IEnumerable<(long EndNs, List<(int Robot, long AtNs, VelocityCommand Command)> Arrivals)> RandomArrivals(int robots, int ticks, int seed)
    {
        var random = new Random(seed);
        long periodNs = SimTime.FromSeconds(0.05).Nanoseconds;
        for (int tick = 1; tick <= ticks; tick++)
        {
            long endNs = tick * periodNs;
            var arrivals = Enumerable.Range(0, 3 * robots)
                .Select(_ => (Robot: random.Next(robots), AtNs: endNs - periodNs + random.NextInt64(1, periodNs),
                    Command: VelocityCommand.Unicycle((0.3 * random.NextDouble()) - 0.05, (3 * random.NextDouble()) - 1.5)))
                .OrderBy(a => a.AtNs)
                .ToList();
            yield return (endNs, arrivals);
        }
    }
}

public class TimeoutTests
{
    [Fact]
    public void A_robot_whose_commands_stop_arriving_stops_after_the_timeout()
    {
        var sim = new Simulator([Diff("r", Unlimited)]); // default 0.5 s, like diff_drive_controller
        Assert.Equal(0.5, sim.Options.CommandTimeoutSeconds);
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
        sim.Step(2.0);
        Assert.Equal(0.2 * 0.5, sim.GetTruePose(0).XM, 1e-15);
        Assert.Equal(0.0, sim.GetTwist(0).LinearXMps);
        Assert.True(sim.IsCommandTimedOut(0));
        Assert.Equal(1, sim.Counters.CommandTimeouts);
    }

    [Fact]
    public void Commands_arriving_in_time_keep_the_robot_moving()
    {
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandTimeoutSeconds = 0.1 });
        for (int tick = 0; tick < 40; tick++)
        {
            sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
            sim.Step(0.05);
        }

        Assert.Equal(0.2 * 2.0, sim.GetTruePose(0).XM, 1e-14);
        Assert.False(sim.IsCommandTimedOut(0));
        Assert.Equal(0, sim.Counters.CommandTimeouts);
    }

    [Fact]
    public void The_timeout_counts_from_when_the_command_took_effect()
    {
        // With 0.3 s latency the robot starts at 0.3 s and stops at 0.8 s.
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandLatencySeconds = 0.3 });
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
        Assert.True(double.IsNaN(sim.LastCommandSeconds(0)));
        sim.Step(0.2);
        Assert.True(double.IsNaN(sim.LastCommandSeconds(0))); // queued, not yet in effect
        sim.Step(1.8);
        Assert.Equal(0.2 * 0.5, sim.GetTruePose(0).XM, 1e-15);
        Assert.Equal(0.3, sim.LastCommandSeconds(0)); // where the timeout (0.5 s) ran from: stopped at 0.8 s
        Assert.True(sim.IsCommandTimedOut(0));
    }

    [Fact]
    public void After_a_timeout_the_robot_brakes_within_its_deceleration_limit()
    {
        DiffDriveParameters p = Unlimited with { MinLinearAccelerationMps2 = -1, MaxLinearAccelerationMps2 = 1 };
        var sim = new Simulator([Diff("r", p)], new SimulationOptions { CommandTimeoutSeconds = 0.5 });
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
        sim.Step(0.5);
        Assert.Equal(0.2, sim.GetTwist(0).LinearXMps, 1e-12);
        sim.Step(0.1);
        Assert.Equal(0.1, sim.GetTwist(0).LinearXMps, 1e-12);
        sim.Step(0.2);
        Assert.Equal(0.0, sim.GetTwist(0).LinearXMps);
    }

    [Fact]
    public void An_infinite_timeout_never_stops_the_robot()
    {
        var sim = new Simulator([Diff("r", Unlimited)], new SimulationOptions { CommandTimeoutSeconds = double.PositiveInfinity });
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
        sim.Step(100);
        Assert.Equal(20.0, sim.GetTruePose(0).XM, 1e-12);
    }

    [Fact]
    public void Non_finite_commands_are_dropped_counted_and_do_not_refresh_the_timeout()
    {
        var sim = new Simulator([Diff("r", Unlimited)]);
        sim.SetCommand(0, VelocityCommand.Unicycle(0.2, 0));
        for (int tick = 0; tick < 20; tick++)
        {
            sim.SetCommand(0, VelocityCommand.Unicycle(double.NaN, 0));
            sim.SetCommand(0, VelocityCommand.Unicycle(0.1, double.PositiveInfinity));
            sim.Step(0.05);
        }

        Assert.Equal(0.2 * 0.5, sim.GetTruePose(0).XM, 1e-15);
        Assert.Equal(40, sim.Counters.CommandsRejectedNonFinite);
        Assert.Equal(41, sim.Counters.CommandsReceived);
    }
}

public class NoiseTests
{
    private static Simulator Still(int robots, ulong seed, double sigmaM = 0.01, double sigmaYaw = 0.02) =>
        new([.. Enumerable.Range(0, robots).Select(i => Diff($"r{i}", Unlimited, new RobotPose(i, -i, 0, 0.1 * i)))],
            new SimulationOptions { PositionNoiseStdM = sigmaM, YawNoiseStdRad = sigmaYaw, Seed = seed });

    [Fact]
    public void Pose_noise_is_zero_mean_Gaussian_with_the_configured_deviation()
    {
        const int robots = 50, samples = 400;
        Simulator sim = Still(robots, seed: 42);
        var ex = new List<double>();
        var ey = new List<double>();
        var eyaw = new List<double>();
        var x = new double[robots];
        var y = new double[robots];
        var yaw = new double[robots];
        for (int k = 0; k < samples; k++)
        {
            sim.Step(0.02);
            sim.GetMeasuredPoses(x, y, yaw);
            for (int i = 0; i < robots; i++)
            {
                RobotPose truth = sim.GetTruePose(i);
                ex.Add(x[i] - truth.XM);
                ey.Add(y[i] - truth.YM);
                eyaw.Add(Kinematics.WrapAngle(yaw[i] - truth.YawRad));
            }
        }

        int n = ex.Count;
        foreach ((List<double> e, double sigma) in new[] { (ex, 0.01), (ey, 0.01), (eyaw, 0.02) })
        {
            double mean = e.Average();
            double std = Math.Sqrt(e.Sum(d => (d - mean) * (d - mean)) / (n - 1));
            Assert.True(Math.Abs(mean) < 4 * sigma / Math.Sqrt(n), $"mean {mean} for sigma {sigma}");
            Assert.True(Math.Abs(std / sigma - 1) < 0.02, $"std {std} for sigma {sigma}"); // 4.5 standard errors at n = 20000
            double within1 = e.Count(d => Math.Abs(d) < sigma) / (double)n;
            double within2 = e.Count(d => Math.Abs(d) < 2 * sigma) / (double)n;
            Assert.Equal(0.6827, within1, 0.015);
            Assert.Equal(0.9545, within2, 0.008);
        }

        double correlation = ex.Zip(ey, (a, b) => a * b).Sum() / (n * 0.01 * 0.01);
        Assert.True(Math.Abs(correlation) < 0.03, $"x/y noise correlation {correlation}");
    }

    [Fact]
    public void Same_seed_gives_the_same_bits_and_another_seed_other_noise()
    {
        Simulator a = Still(5, seed: 1), b = Still(5, seed: 1), c = Still(5, seed: 2);
        for (int k = 0; k < 10; k++)
        {
            a.Step(0.02);
            b.Step(0.02);
            c.Step(0.02);
            for (int i = 0; i < 5; i++)
            {
                RobotPose pa = a.GetMeasuredPose(i), pb = b.GetMeasuredPose(i), pc = c.GetMeasuredPose(i);
                Assert.Equal(Bits(pa.XM), Bits(pb.XM));
                Assert.Equal(Bits(pa.YM), Bits(pb.YM));
                Assert.Equal(Bits(pa.YawRad), Bits(pb.YawRad));
                Assert.NotEqual(pa.XM, pc.XM);
                Assert.NotEqual(pa.YawRad, pc.YawRad);
                Assert.Equal(a.GetTruePose(i), c.GetTruePose(i)); // noise never touches the truth
            }
        }
    }

    [Fact]
    public void Noise_at_an_instant_does_not_depend_on_how_often_poses_are_read()
    {
        Simulator a = Still(3, seed: 9), b = Still(3, seed: 9);
        for (int k = 0; k < 10; k++)
        {
            a.Step(0.01);
            _ = a.GetMeasuredPose(1);
            _ = a.GetMeasuredPose(1);
        }

        b.Step(0.1);
        Assert.Equal(b.GetMeasuredPose(1), a.GetMeasuredPose(1));
        Assert.Equal(a.GetMeasuredPose(2), a.GetMeasuredPose(2));
    }

    [Fact]
    public void Without_noise_the_measurement_is_the_truth()
    {
        Simulator sim = Still(2, seed: 5, sigmaM: 0, sigmaYaw: 0);
        sim.Step(0.1);
        Assert.Equal(sim.GetTruePose(1), sim.GetMeasuredPose(1));
    }
}

public class DeterminismTests
{
    private static (Simulator Sim, double[] X, double[] Y, double[] Yaw) Run(ulong seed)
    {
        var robots = Enumerable.Range(0, 30)
            .Select(i => RobotPresets.GritsBot.CreateRobot($"g{i}", new RobotPose(0.1 * i, 0.05 * i, 0, i)))
            .ToList();
        var sim = new Simulator(robots, new SimulationOptions
        {
            CommandLatencySeconds = 0.033,
            PositionNoiseStdM = 0.005,
            YawNoiseStdRad = 0.01,
            Seed = seed,
        });
        var random = new Random(11);
        var v = new double[30];
        var w = new double[30];
        var x = new double[30];
        var y = new double[30];
        var yaw = new double[30];
        for (int tick = 0; tick < 200; tick++)
        {
            sim.GetMeasuredPoses(x, y, yaw);
            for (int i = 0; i < 30; i++)
            {
                v[i] = (0.3 * Math.Sin(x[i] + tick)) + (0.01 * random.NextDouble());
                w[i] = 4 * Math.Cos(y[i] - yaw[i]);
            }

            sim.SetCommands(v, w);
            sim.Step(0.05);
        }

        return (sim, x, y, yaw);
    }

    [Fact]
    public void Same_seed_and_calls_repeat_bit_for_bit_including_closed_loop_feedback_through_noise()
    {
        var a = Run(77);
        var b = Run(77);
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(Bits(a.X[i]), Bits(b.X[i]));
            Assert.Equal(Bits(a.Yaw[i]), Bits(b.Yaw[i]));
            RobotPose pa = a.Sim.GetTruePose(i), pb = b.Sim.GetTruePose(i);
            Assert.Equal(Bits(pa.XM), Bits(pb.XM));
            Assert.Equal(Bits(pa.YM), Bits(pb.YM));
            Assert.Equal(Bits(pa.YawRad), Bits(pb.YawRad));
        }

        Assert.Equal(a.Sim.Counters, b.Sim.Counters);
    }

    [Fact]
    public void A_different_seed_changes_the_noisy_closed_loop()
    {
        var a = Run(77);
        var c = Run(78);
        Assert.NotEqual(a.Sim.GetTruePose(3), c.Sim.GetTruePose(3));
    }
}
