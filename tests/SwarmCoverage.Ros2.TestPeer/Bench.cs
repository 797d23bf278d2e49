using System.Diagnostics;
using System.Globalization;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;

namespace SwarmCoverage.Ros2.TestPeer;

/// <summary>
/// Latency measurement of a controller tick over real DDS between two processes: one process plays the robots
/// (publishes /robot_i/odom, takes /robot_i/cmd_vel), the other the controller (takes the newest odometry of every
/// robot, then publishes every command). Reported: time to take all poses, time from the last pose taken to the
/// last command published, and both together, as percentiles over the ticks.
/// </summary>
internal static class Bench
{
    // BENCH_COMMAND_QOS=best-effort times best-effort commands (only for comparison: ROS drivers subscribe reliably).
    private static RosQos CommandQos => Environment.GetEnvironmentVariable("BENCH_COMMAND_QOS") == "best-effort" ? RosQos.SensorData : RosQos.Default;

    public static int Robots(uint domain, int robots, double rateHz, TimeSpan duration, RosQos? odomQos)
    {
        // odomQos null: the robots only subscribe to their commands (to time publishing alone).
        using RosParticipant participant = new(new RosParticipantOptions { DomainId = domain, NodeName = "bench_robots" });
        var odomPubs = new RosPublisher<Odometry>[robots];
        var cmdSubs = new RosSubscription<Twist>[robots];
        var odom = new Odometry[robots];
        for (int i = 0; i < robots; i++)
        {
            if (odomQos is not null)
            {
                odomPubs[i] = participant.CreatePublisher<Odometry>($"/robot_{i}/odom", odomQos);
            }

            cmdSubs[i] = participant.CreateSubscription<Twist>($"/robot_{i}/cmd_vel", CommandQos);
            odom[i] = SampleMessages.MakeOdometry($"robot_{i}", i * 0.01, 0.0, 0.0);
        }

        Console.WriteLine("READY");
        Console.Out.Flush();
        long commands = 0;
        var cmd = default(Twist);
        var ticker = new Ticker(rateHz);
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < duration)
        {
            ticker.WaitNext();
            for (int i = 0; i < robots && odomQos is not null; i++)
            {
                odom[i].Pose.Pose.Position.X += 1e-4;
                odomPubs[i].Publish(odom[i]);
            }

            for (int i = 0; i < robots; i++)
            {
                while (cmdSubs[i].TryTake(ref cmd))
                {
                    commands++;
                }
            }
        }

        Console.WriteLine($"robots: received {commands} commands");
        return 0;
    }

    public static int Controller(uint domain, int robots, double rateHz, TimeSpan duration, TimeSpan warmup, bool withOdometry, int publishThreads)
    {
        using RosParticipant participant = new(new RosParticipantOptions { DomainId = domain, NodeName = "bench_controller" });
        var odomSubs = new RosSubscription<Odometry>[robots];
        var cmdPubs = new RosPublisher<Twist>[robots];
        for (int i = 0; i < robots; i++)
        {
            odomSubs[i] = participant.CreateSubscription<Odometry>($"/robot_{i}/odom", RosQos.SensorData);
            cmdPubs[i] = participant.CreatePublisher<Twist>($"/robot_{i}/cmd_vel", CommandQos);
        }

        long discoveryStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < robots; i++)
        {
            if (!cmdPubs[i].WaitForSubscriptions(1, TimeSpan.FromSeconds(120)) || (withOdometry && !odomSubs[i].WaitForPublishers(1, TimeSpan.FromSeconds(120))))
            {
                Console.Error.WriteLine($"robot_{i} not matched");
                return 3;
            }
        }

        Console.WriteLine($"discovery of {robots} robots: {Stopwatch.GetElapsedTime(discoveryStart).TotalSeconds:F2} s");
        var odom = new Odometry[robots];
        var commands = new Twist[robots];
        var take = new List<double>();
        var publish = new List<double>();
        long fresh = 0;
        long ticks = 0;
        long allocatedBefore = 0;
        var ticker = new Ticker(rateHz);
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < warmup + duration)
        {
            ticker.WaitNext();
            long t0 = Stopwatch.GetTimestamp();
            int got = 0;
            for (int i = 0; i < robots; i++)
            {
                got += odomSubs[i].TryTakeLatest(ref odom[i]) ? 1 : 0;
            }

            long t1 = Stopwatch.GetTimestamp();
            for (int i = 0; i < robots; i++)
            {
                // Stand-in for the controller step: a command from the pose.
                commands[i] = Twist.Planar(0.1 * Math.Tanh(odom[i].Pose.Pose.Position.X), -0.2 * odom[i].Pose.Pose.Orientation.ToYawRad());
            }

            long t2 = Stopwatch.GetTimestamp();
            if (publishThreads <= 1)
            {
                for (int i = 0; i < robots; i++)
                {
                    cmdPubs[i].Publish(commands[i]);
                }
            }
            else
            {
                Parallel.For(0, publishThreads, new ParallelOptions { MaxDegreeOfParallelism = publishThreads }, part =>
                {
                    for (int i = part; i < robots; i += publishThreads)
                    {
                        cmdPubs[i].Publish(commands[i]);
                    }
                });
            }

            long t3 = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(start) >= warmup)
            {
                if (ticks == 0)
                {
                    allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                }

                ticks++;
                fresh += got;
                take.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                publish.Add(Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"controller: {robots} robots at {rateHz} Hz, {ticks} ticks, fresh poses per tick {(double)fresh / Math.Max(ticks, 1):F1}, " +
            $"allocated {allocated} B on the control thread over the measured ticks"));
        Report("take all odometry", take);
        Report("publish all commands (last pose -> all commands published, step excluded)", publish);
        Report("take + publish", [.. take.Zip(publish, (a, b) => a + b)]);
        return 0;
    }

    /// <summary>A fixed-rate tick that sleeps (no spinning, which would steal the CPU DDS needs) until the next deadline.</summary>
    private sealed class Ticker(double rateHz)
    {
        private readonly long period = (long)(Stopwatch.Frequency / rateHz);
        private long next = Stopwatch.GetTimestamp();

        public void WaitNext()
        {
            next += period;
            long now = Stopwatch.GetTimestamp();
            if (next < now)
            {
                next = now; // overrun: start the next tick at once, do not try to catch up
                return;
            }

            Thread.Sleep(TimeSpan.FromSeconds((double)(next - now) / Stopwatch.Frequency));
        }
    }

    private static void Report(string what, List<double> ms)
    {
        if (ms.Count == 0)
        {
            return;
        }

        double[] s = [.. ms.Order()];
        double P(double q) => s[Math.Min(s.Length - 1, (int)Math.Ceiling(q * s.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what}: p50 {P(0.50):F3} ms, p90 {P(0.90):F3} ms, p99 {P(0.99):F3} ms, max {s[^1]:F3} ms (n={s.Length})"));
    }
}

/// <summary>Publishing cost without the network: no reader at all, and a reader in this process (local delivery).</summary>
internal static class LocalBench
{
    public static int Run(uint domain, int robots)
    {
        using RosParticipant a = new(new RosParticipantOptions { DomainId = domain, NodeName = "bench_a" });
        using RosParticipant b = new(new RosParticipantOptions { DomainId = domain, NodeName = "bench_b" });
        var pubs = new RosPublisher<Twist>[robots];
        var odomPubs = new RosPublisher<Odometry>[robots];
        for (int i = 0; i < robots; i++)
        {
            pubs[i] = a.CreatePublisher<Twist>($"/robot_{i}/cmd_vel");
            odomPubs[i] = a.CreatePublisher<Odometry>($"/robot_{i}/odom");
        }

        Odometry odom = SampleMessages.MakeOdometry("robot_0", 1, 2, 3);
        Measure($"{robots} Twist, no reader", () => { for (int i = 0; i < robots; i++) { pubs[i].Publish(Twist.Planar(0.1, 0.2)); } });
        Measure($"{robots} Odometry, no reader", () => { for (int i = 0; i < robots; i++) { odomPubs[i].Publish(odom); } });
        var subs = new RosSubscription<Twist>[robots];
        var odomSubs = new RosSubscription<Odometry>[robots];
        for (int i = 0; i < robots; i++)
        {
            subs[i] = b.CreateSubscription<Twist>($"/robot_{i}/cmd_vel");
            odomSubs[i] = b.CreateSubscription<Odometry>($"/robot_{i}/odom", RosQos.SensorData);
        }

        Twist t = default;
        Odometry o = default;
        Measure($"{robots} Twist, reader in this process", () => { for (int i = 0; i < robots; i++) { pubs[i].Publish(Twist.Planar(0.1, 0.2)); } });
        Measure($"{robots} Twist TryTakeLatest", () => { for (int i = 0; i < robots; i++) { pubs[i].Publish(Twist.Planar(0.1, 0.2)); } }, () => { for (int i = 0; i < robots; i++) { subs[i].TryTakeLatest(ref t); } });
        Measure($"{robots} Odometry TryTakeLatest", () => { for (int i = 0; i < robots; i++) { odomPubs[i].Publish(odom); } }, () => { for (int i = 0; i < robots; i++) { odomSubs[i].TryTakeLatest(ref o); } });
        return 0;
    }

    private static void Measure(string what, Action action, Action? timed = null)
    {
        var ms = new List<double>();
        for (int rep = 0; rep < 60; rep++)
        {
            if (timed is null)
            {
                long t0 = Stopwatch.GetTimestamp();
                action();
                ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            else
            {
                action();
                long t0 = Stopwatch.GetTimestamp();
                timed();
                ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }

            Thread.Sleep(5);
        }

        double[] s = [.. ms.Skip(10).Order()];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: median {s[s.Length / 2]:F3} ms, max {s[^1]:F3} ms"));
    }
}
