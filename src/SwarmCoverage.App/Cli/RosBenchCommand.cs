using SwarmCoverage.Control;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SwarmCoverage.Nodes;
using SwarmCoverage.Core;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Security;

namespace SwarmCoverage.App.Cli;

/// <summary>
/// <c>bench ros</c>: the control-loop latency of the real controller node over real DDS. The bundled simulator runs as
/// a separate process (this program's <c>sim</c> verb) with N TurtleBot3 Burgers publishing odometry at the control
/// rate and taking commands; the controller node runs here on the wall clock at the control rate. Per tick it reports
/// the latency from the last pose taken to the last command published (the node's own measurement, the one in its
/// status), and where the time went. Under <c>ROS_SECURITY_ENABLE=true</c> both run secured as the nodes do
/// (enclaves /swarm_coverage and /swarm_coverage_sim of <c>ROS_SECURITY_KEYSTORE</c>), to measure what SROS2 costs.
/// </summary>
internal static class RosBenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var robots = new Option<int>("--robots") { Description = "Number of robots.", DefaultValueFactory = _ => 100 };
        var rate = new Option<double>("--rate-hz") { Description = "Control rate (the robots publish odometry at the same rate).", DefaultValueFactory = _ => 50.0 };
        var duration = new Option<double>("--duration") { Description = "Measured seconds (after the warm-up).", DefaultValueFactory = _ => 20.0 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds run before measuring (JIT, discovery, the swarm spreading).", DefaultValueFactory = _ => 5.0 };
        var loopback = new Option<bool>("--loopback") { Description = "Use a loopback-only Cyclone DDS configuration for both processes (ignore CYCLONEDDS_URI)." };
        var domain = new Option<uint>("--domain") { Description = "ROS domain id of the run.", DefaultValueFactory = _ => 42 };
        var threads = new Option<int>("--threads") { Description = "Threads of the blob field (the node's `threads` parameter; 0: all processors).", DefaultValueFactory = _ => 0 };
        var spacing = new Option<double>("--spacing")
        {
            Description = "Start grid spacing in metres (robots parked in the arena's middle): 0 packs them at 0.35 m, where the safety filter works on a crowd in contact; a wider spacing (e.g. 0.7) measures a swarm that is spread out, as in operation.",
        };
        var publishThreads = new Option<int>("--publish-threads") { Description = "Threads that publish the commands (the node's `publish_threads` parameter; 0: automatic)." };
        var every = new Option<double>("--report-every") { Description = "Print the latency of each window of this many measured seconds while measuring (progress, and how the tail moves over a long run); 0: only the summary.", DefaultValueFactory = _ => 30.0 };
        var priority = new Option<int>("--realtime-priority") { Description = "Run the control loop under SCHED_FIFO at this priority (1..99; needs CAP_SYS_NICE), as the node's realtime_priority does; 0: normal." };
        var clients = new Option<int>("--foxglove-clients") { Description = "Foxglove WebSocket clients subscribed to every channel and reading (the server is on as in the node; 0: no client)." };
        var stalled = new Option<int>("--foxglove-stalled") { Description = "Foxglove clients subscribed to every channel that stop reading once subscribed (their queues fill and drop)." };
        var record = new Option<FileInfo?>("--record") { Description = "Record the run to this .mcap file, as controller --record does (the live recorder: its own thread, never waited for)." };
        var cmd = new Command("ros",
            "Control-loop latency of the controller node over real DDS against the simulator node in a separate process: " +
            "p50/p99 of the time from the last pose of a tick to the last command published. The last line is p99_ms=<number>.");
        foreach (var o in new Option[] { robots, rate, duration, warmup, spacing, loopback, domain, threads, publishThreads, priority, every, clients, stalled, record }) cmd.Options.Add(o);
        cmd.SetAction((p, ct) =>
        {
            int n = p.GetValue(robots);
            double hz = p.GetValue(rate), seconds = p.GetValue(duration), warm = p.GetValue(warmup);
            if (n is < 1 or > 100_000) throw new InputException($"--robots {n}: allowed 1..100000");
            if (!(hz > 0) || hz > 1000) throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--rate-hz {hz}: allowed (0, 1000]"));
            if (!(seconds > 0) || !(warm >= 0)) throw new InputException("--duration must be > 0 and --warmup >= 0 seconds");
            double window = p.GetValue(every);
            if (!(window >= 0)) throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--report-every {window}: must be >= 0 seconds"));
            int rt = p.GetValue(priority);
            if (rt is < 0 or > 99) throw new InputException($"--realtime-priority {rt}: allowed 0..99");
            int th = p.GetValue(threads);
            if (th is < 0 or > 1024) throw new InputException($"--threads {th}: allowed 0..1024");
            int pt = p.GetValue(publishThreads);
            if (pt is < 0 or > 64) throw new InputException($"--publish-threads {pt}: allowed 0..64");
            double space = p.GetValue(spacing);
            if (!(space >= 0) || space > 10) throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--spacing {space}: allowed 0 (packed) or up to 10 m"));
            if (space is > 0 and < 0.35) throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--spacing {space}: Burgers need at least 0.35 m (r + 2l + 0.03); 0 packs them at that spacing"));
            int fc = p.GetValue(clients), fs = p.GetValue(stalled);
            if (fc is < 0 or > 64 || fs is < 0 or > 64) throw new InputException("--foxglove-clients and --foxglove-stalled: allowed 0..64");
            var extras = new Extras(fc, fs, p.GetValue(record)?.FullName);
            return Task.FromResult(Run(n, hz, seconds, warm, window, th, pt, space, p.GetValue(loopback), p.GetValue(domain), rt, extras, stdout, stderr, ct));
        });
        return cmd;
    }

    /// <summary>A params file for N Burgers starting in the middle of an arena sized for them, with a two-blob target.</summary>
    public static string Params(int robots, double rateHz, int threads = 0, double spacingM = 0)
    {
        // Room for the start grid (a packed Burger grid is 0.35 m; twice its extent leaves the swarm room to spread).
        double side = Math.Max(4, Math.Ceiling(Math.Max(2 * Math.Sqrt(robots) * 0.35, Math.Ceiling(Math.Sqrt(robots)) * spacingM * 1.05) + 1));
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return $"""
            swarm_coverage:
              ros__parameters:
                use_sim_time: false
                target:
                  domain_min: [0.0, 0.0]
                  domain_max: [{F(side)}, {F(side)}]
                  type: gaussian_mixture
                  weights: [0.5, 0.5]
                  means: [{F(side * 0.3)}, {F(side * 0.4)}, {F(side * 0.7)}, {F(side * 0.6)}]
                  sigmas: [{F(side * 0.15)}, {F(side * 0.15)}, {F(side * 0.15)}, {F(side * 0.15)}]
                control_rate_hz: {F(rateHz)}
                threads: {threads}
                velocity_gain: 0.2
                watchdog:
                  pose_timeout_s: {F(Math.Max(0.5, 5 / rateHz))}
                status:
                  energy_distance_period_s: 0.0
                  log_period_s: 1000000.0
                robots:
                  prefix: robot_
                  count: {robots}
                  index_digits: 2
                  model: turtlebot3_burger
                sim:
                  robot_model: turtlebot3_burger
                  robots: {robots}
                  start: centre
            {(spacingM > 0 ? $"      start_spacing_m: {F(spacingM)}" : "")}
            """;
    }

    /// <summary>What runs beside the loop: Foxglove clients that read, clients that stalled, a live recording.</summary>
    private sealed record Extras(int FoxgloveClients, int FoxgloveStalled, string? RecordPath);

    private static int Run(int n, double hz, double seconds, double warm, double window, int threads, int publishThreads, double spacingM, bool loopback, uint domain, int realtimePriority, Extras extras, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        string dir = Directory.CreateTempSubdirectory("swarm-coverage-bench-").FullName;
        Process? sim = null;
        try
        {
            string file = Path.Combine(dir, "bench.yaml");
            File.WriteAllText(file, Params(n, hz, threads, spacingM)); // robot_00 ... robot_99, robot_100 ...: the names the simulator gives
            var settings = ControllerNodeSettings.Load(file, null) with { WatchParamsFile = false, PublishThreads = publishThreads, RecordPath = extras.RecordPath };
            int foxglovePort = FoxgloveLoad.FreePort(); // the server is on, as in the node, clients or not
            settings = settings with { Foxglove = settings.Foxglove with { Port = foxglovePort } };

            string self = Environment.ProcessPath ?? "dotnet";
            var psi = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(RosBenchCommand).Assembly.Location);
            foreach (var a in new[] { "sim", "--params", file, "--speed", "1", "--clock-rate-hz", "1", "--odom-rate-hz", hz.ToString("R", CultureInfo.InvariantCulture) })
                psi.ArgumentList.Add(a);
            psi.Environment["ROS_DOMAIN_ID"] = domain.ToString(CultureInfo.InvariantCulture);
            if (loopback) psi.Environment["CYCLONEDDS_URI"] = RosParticipantOptions.LoopbackOnlyConfig;
            sim = Process.Start(psi) ?? throw new InvalidOperationException("could not start the simulator process");
            sim.OutputDataReceived += (_, _) => { };
            sim.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.WriteLine("sim: " + e.Data); };
            sim.BeginOutputReadLine();
            sim.BeginErrorReadLine();

            var participant = new RosParticipantOptions { DomainId = domain, CycloneDdsConfig = loopback ? RosParticipantOptions.LoopbackOnlyConfig : null };
            // The simulator process inherits ROS_SECURITY_* and resolves its own enclave, as `sim` does.
            RosSecurityOutcome security;
            try
            {
                security = RosSecurity.Resolve(NodeEnclaves.Controller, domain, TimeProvider.System);
            }
            catch (RosSecurityException e)
            {
                throw new InputException(e.Message, e);
            }

            stdout.WriteLine($"bench ros: {security.Message}");
            using var node = new ControllerNode(settings, TimeProvider.System, NullLogger<ControllerNode>.Instance, participant, security);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"bench ros: {n} TurtleBot3 Burgers at {hz:G4} Hz ({(spacingM > 0 ? $"start grid {spacingM:G3} m" : "packed start")}), simulator in process {sim.Id}, DDS domain {domain}{(loopback ? " (loopback only)" : "")}, {node.PublishThreads} publishing thread(s){(realtimePriority > 0 ? $", control loop SCHED_FIFO {realtimePriority}" : "")}; waiting for every robot's odometry"));

            using var load = new FoxgloveLoad(foxglovePort, extras.FoxgloveClients, extras.FoxgloveStalled, stderr);
            stdout.WriteLine($"bench ros: Foxglove server on port {foxglovePort}: {extras.FoxgloveClients} reading client(s), {extras.FoxgloveStalled} stalled client(s)");
            if (extras.RecordPath is not null) stdout.WriteLine($"bench ros: recording to {extras.RecordPath}");
            if (realtimePriority > 0 && !RealtimeThread.TrySetFifo(realtimePriority, out int errno))
                throw new InputException($"--realtime-priority {realtimePriority}: SCHED_FIFO refused (errno {errno}); run as root or with CAP_SYS_NICE");
            using var timer = new BlockingPeriodicTimer(TimeSpan.FromSeconds(1 / hz), TimeProvider.System); // as the node's loop waits
            long start = Stopwatch.GetTimestamp();
            ulong measuredFrom = 0;
            bool measuring = false;
            (int Gen0, int Gen1, int Gen2, TimeSpan Pause) gcBefore = default;
            long overruns = 0;
            double period = 1 / hz;
            double nextReport = window > 0 ? window : double.PositiveInfinity;
            ulong windowFrom = 0;
            while (timer.WaitForNextTick(ct))
            {
                if (sim.HasExited) throw new InvalidOperationException($"the simulator process exited with code {sim.ExitCode}");
                var t = node.Tick();
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (!measuring)
                {
                    if (elapsed >= warm && node.ActiveRobots == n)
                    {
                        measuring = true;
                        measuredFrom = node.Ticks;
                        gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
                        start = Stopwatch.GetTimestamp();
                        windowFrom = measuredFrom;
                    }
                    else if (elapsed > warm + 60)
                    {
                        throw new InvalidOperationException($"only {node.ActiveRobots} of {n} robots report odometry after {elapsed:F0} s");
                    }

                    continue;
                }

                if (t.TakeS + t.LatencyS > period) overruns++;
                if (elapsed >= nextReport)
                {
                    // Between ticks, on the loop's thread; the summary's small array is the only allocation.
                    long w = (long)(node.Ticks - windowFrom);
                    LatencySummary step = node.StepTime.Summarize(w), publish = node.PublishTime.Summarize(w);
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  [{nextReport - window:G4}-{nextReport:G4} s] last pose -> last command published: {node.Latency.Summarize(w)}; step p50/p99 {step.P50S * 1e3:F2}/{step.P99S * 1e3:F2} ms, publish p50/p99 {publish.P50S * 1e3:F2}/{publish.P99S * 1e3:F2} ms"));
                    windowFrom = node.Ticks;
                    nextReport += window;
                }

                if (elapsed >= seconds) break;
            }

            long ticks = (long)(node.Ticks - measuredFrom);
            var latency = node.Latency.Summarize(ticks);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ticks} ticks measured over {seconds:G4} s; {overruns} ticks longer than the period ({period * 1e3:G4} ms)"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  garbage collections in this process while measuring: {GC.CollectionCount(0) - gcBefore.Gen0} gen0, {GC.CollectionCount(1) - gcBefore.Gen1} gen1, {GC.CollectionCount(2) - gcBefore.Gen2} gen2, paused {(GC.GetTotalPauseDuration() - gcBefore.Pause).TotalMilliseconds:F1} ms in all"));
            stdout.WriteLine($"  take every pose:                    {node.TakeTime.Summarize(ticks)}");
            stdout.WriteLine($"  controller step:                    {node.StepTime.Summarize(ticks)}");
            stdout.WriteLine($"  publish every command:              {node.PublishTime.Summarize(ticks)}");
            stdout.WriteLine($"  last pose -> last command published: {latency}");
            stdout.WriteLine($"  Foxglove: {load.Report()}");
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p50_ms={latency.P50S * 1e3:F3}"));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p99_ms={latency.P99S * 1e3:F3}"));
            return CommandLine.Ok;
        }
        finally
        {
            if (sim is { HasExited: false })
            {
                sim.Kill();
                sim.WaitForExit(5000);
            }

            sim?.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }
}
