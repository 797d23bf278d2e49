using SwarmCoverage.Nodes;
using System.Text.Json.Nodes;
using SkiaSharp;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.App.Simulation;
using SwarmCoverage.Core;

namespace SwarmCoverage.App.Tests;

public sealed class SimulateTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A short version of the default scenario: 16 Burgers from a corner of a 3 x 2 m arena, 40 s.</summary>
    public const string Small = """
        swarm_coverage:
          ros__parameters:
            target:
              domain_min: [0.0, 0.0]
              domain_max: [3.0, 2.0]
              type: gaussian_mixture
              weights: [0.5, 0.5]
              means: [0.9, 1.1, 2.2, 0.9]
              sigmas: [0.45, 0.4, 0.4, 0.45]
            epsilon: 0.28
            grid_spacing: 0.09
            velocity_gain: 0.2
            safety:
              radius_m: 0.22
            sim:
              robots: 16
              duration_s: 40.0
              seed: 3
            output:
              metrics_period_s: 0.5
        """;

    [Fact]
    public void A_small_scenario_covers_its_target_safely_and_writes_every_file()
    {
        string p = _dir.File("small.yaml", Small);
        string outDir = _dir["run"];
        var (code, output, err) = Cli.Run("simulate", "--params", p, "--out", outDir);
        Assert.True(code == 0, err);
        Assert.Contains("collisions", output, StringComparison.Ordinal);

        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!;
        foreach (var key in new[] { "robots", "duration_s", "safety_radius_m", "arena", "collisions", "boundary_violations", "clipped_share", "chi2_initial", "chi2_final", "energy_distance_final", "energy_distance_iid_median", "wall_time_s" })
            Assert.NotNull(summary[key]);
        Assert.Equal(16, (int)summary["robots"]!);
        Assert.Equal(40.0, (double)summary["duration_s"]!, 9);
        Assert.Equal(0, (long)summary["collisions"]!);
        Assert.Equal(0, (long)summary["boundary_violations"]!);
        Assert.Equal(0, (long)summary["commands_above_limit"]!);
        double chi0 = (double)summary["chi2_initial"]!, chi1 = (double)summary["chi2_final"]!;
        Assert.True(chi0 >= 10 * chi1, $"chi2 {chi0} -> {chi1}");
        Assert.True((double)summary["energy_distance_final"]! < (double)summary["energy_distance_iid_median"]!);
        Assert.True((double)summary["min_pair_distance_m"]! >= 0.22);
        // The loop's wall time splits into its parts (each measured, none larger than the whole).
        double wall = (double)summary["wall_time_s"]!;
        double parts = 0;
        foreach (var part in new[] { "controller_time_s", "simulator_time_s", "metrics_time_s" })
        {
            double v = (double)summary[part]!;
            Assert.True(v > 0, $"{part} = {v}");
            parts += v;
        }
        Assert.True(parts <= wall, $"parts {parts} s > loop {wall} s");
        Assert.Equal(40.0 / wall, (double)summary["realtime_factor"]!, 9);

        // trajectories.csv: header, one row per robot per tick (t = 0 .. 40 s at 20 Hz)
        var lines = File.ReadAllLines(Path.Combine(outDir, "trajectories.csv"));
        Assert.Equal("t,robot,x,y,theta,v,omega", lines[0]);
        Assert.Equal(16 * 801 + 1, lines.Length);
        Assert.StartsWith("0,robot_00,", lines[1], StringComparison.Ordinal);

        // metrics.csv: a row every 0.5 s
        var metrics = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"));
        Assert.StartsWith("t,energy,chi2,energy_distance,", metrics[0], StringComparison.Ordinal);
        Assert.Equal(81 + 1, metrics.Length);

        // the figures decode and have the documented sizes
        using (var run = SKBitmap.Decode(Path.Combine(outDir, "run.png")))
        {
            Assert.NotNull(run);
            Assert.Equal((1200, 900), (run.Width, run.Height));
        }
        using (var m = SKBitmap.Decode(Path.Combine(outDir, "metrics.png")))
        {
            Assert.NotNull(m);
            Assert.Equal(1400, m.Width);
            Assert.Equal(3 * 300 + 50, m.Height);
            // every one of the six panels was drawn (not only the last one): each has non-white pixels
            for (int panel = 0; panel < 6; panel++)
            {
                int x0 = panel % 2 * 700, y0 = 50 + panel / 2 * 300;
                bool ink = false;
                for (int y = y0 + 20; y < y0 + 280 && !ink; y += 3)
                    for (int x = x0 + 20; x < x0 + 680 && !ink; x += 3)
                        ink = m.GetPixel(x, y) != SKColors.White;
                Assert.True(ink, $"panel {panel} is blank");
            }
        }
        // the world of the run is a valid SDF for Gazebo (when ign is installed)
        Assert.Contains("<world", File.ReadAllText(Path.Combine(outDir, "world.sdf")), StringComparison.Ordinal);
        // nothing partial is left behind
        Assert.Empty(Directory.GetDirectories(_dir.Path, ".run.partial-*"));
    }

    /// <summary>
    /// The embedded default run's trajectories.csv, byte for byte, as the run wrote it before its tick moved into the
    /// control session (SHA-256 recorded from commit b5a9ccf's <c>swarm-coverage simulate</c>). A change that alters it
    /// must say so and change this pin (docs/control-session.md).
    /// </summary>
    private const string DefaultTrajectoriesSha256 = "5878f8f537c3ceeb2d014a49c9f8bea4f78dd176ec7542022fad88753bc5eec0";

    /// <summary>
    /// The same run's metrics.csv, recorded from commit 47aff53 (the energy distance's sums in single precision,
    /// docs/method.md section 7, "Precision"): the same bits on every vector width (checked there with
    /// DOTNET_EnableAVX2=0, DOTNET_EnableAVX512F=0 and DOTNET_EnableHWIntrinsic=0). A change that alters a metric must
    /// say so and change this pin.
    /// </summary>
    private const string DefaultMetricsSha256 = "8c4a3c51bc36e3085e7bea26e54bf391ef813e2fac0113b6a306e27a42c152a4";

    [Fact]
    public void The_default_run_through_the_control_session_writes_the_same_trajectories_and_metrics_bit_for_bit()
    {
        string outDir = _dir["golden"];
        var (code, _, err) = Cli.Run("simulate", "--out", outDir);
        Assert.True(code == 0, err);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(outDir, "trajectories.csv"))));
        Assert.Equal(DefaultTrajectoriesSha256, sha);
        var metricsSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(outDir, "metrics.csv"))));
        Assert.Equal(DefaultMetricsSha256, metricsSha);
    }

    [Fact]
    public void An_observer_of_the_simulated_run_sees_every_tick_and_the_commands_the_simulator_got()
    {
        var scenario = Scenario.Load(RosParamsFile.Parse(Small.Replace("duration_s: 40.0", "duration_s: 2.0", StringComparison.Ordinal), "small", Scenario.NodeName));
        var seen = new TickCollector();
        var run = SimulationRun.Execute(scenario, observers: [(seen, new SwarmCoverage.Control.Session.ObserverOptions { Lossless = true })]);
        Assert.Equal(run.Ticks, seen.Ticks.Count);
        Assert.Equal(Enumerable.Range(0, run.Ticks).Select(k => (ulong)k), seen.Ticks);
        Assert.True(seen.Stopped);
        // The recorded forward speed of robot 0 at every tick is what the observer saw on the wire.
        int n = run.RobotCount;
        for (int k = 0; k < run.Ticks; k++) Assert.Equal(run.V[k * n], seen.V0[k]);
    }

    private sealed class TickCollector : SwarmCoverage.Control.Session.IControlObserver
    {
        public List<ulong> Ticks { get; } = [];

        public List<double> V0 { get; } = [];

        public bool Stopped { get; private set; }

        public void OnStarted(SwarmCoverage.Control.Session.SessionDescription session)
        {
        }

        public void OnTick(SwarmCoverage.Control.Session.TickRecord tick)
        {
            Ticks.Add(tick.Tick);
            V0.Add(tick.Wire[0].Vx);
        }

        public void OnStopped() => Stopped = true;
    }

    [Fact]
    public void Same_seed_gives_the_same_bits_and_noise_with_another_seed_does_not()
    {
        string noisy = Small.Replace("      seed: 3", "      seed: 3\n      position_noise_m: 0.01\n      command_latency_s: 0.03", StringComparison.Ordinal)
                            .Replace("duration_s: 40.0", "duration_s: 5.0", StringComparison.Ordinal);
        var a = SimulationRun.Execute(Scenario.Load(RosParamsFile.Parse(noisy, "a", Scenario.NodeName)));
        var b = SimulationRun.Execute(Scenario.Load(RosParamsFile.Parse(noisy, "b", Scenario.NodeName)));
        var c = SimulationRun.Execute(Scenario.Load(RosParamsFile.Parse(noisy.Replace("seed: 3", "seed: 4", StringComparison.Ordinal), "c", Scenario.NodeName)));
        Assert.Equal(a.X, b.X);
        Assert.Equal(a.Y, b.Y);
        Assert.Equal(a.V, b.V);
        Assert.Equal(a.Omega, b.Omega);
        Assert.NotEqual(a.X, c.X);
    }

    [Theory]
    [InlineData("    velocity_gian: 0.2\n", "unknown parameter 'velocity_gian'")]
    [InlineData("    control_rate_hz: -5\n", "parameter 'control_rate_hz' is -5; allowed range (0, 1000]")]
    [InlineData("    saturation: sometimes\n", "parameter 'saturation' is 'sometimes'; allowed: per_robot, common_scale")]
    [InlineData("    watchdog:\n      pose_timeout_s: abc\n", "parameter 'watchdog.pose_timeout_s' is 'abc'; it must be a finite number")]
    public void Bad_parameters_stop_the_run_with_a_message_naming_them(string extra, string message)
    {
        // insert the bad line at the top level of ros__parameters
        string text = Small.Replace("    epsilon: 0.28\n", "    epsilon: 0.28\n" + extra, StringComparison.Ordinal);
        Assert.NotEqual(Small, text);
        string p = _dir.File("bad.yaml", text);
        var (code, _, err) = Cli.Run("simulate", "--params", p, "--out", _dir["never"]);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
        Assert.Contains("bad.yaml:", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir["never"]));
    }

    [Fact]
    public void The_embedded_default_scenario_loads_and_is_the_shipped_file()
    {
        var embedded = Scenario.Default();
        var shipped = Scenario.LoadFile(Path.Combine(RepoRoot(), "launch", "simulate_default.yaml"));
        Assert.Equal(40, embedded.Simulation.Robots);
        Assert.Equal(120, embedded.Simulation.DurationS);
        Assert.Equal(shipped.Controller with { Target = embedded.Controller.Target }, embedded.Controller);
        Assert.Equal(shipped.Simulation, embedded.Simulation);
        Assert.Equal(new Box([0.0, 0.0], [4.0, 3.0]), embedded.Controller.Arena);
    }

    [Theory]
    [InlineData("turtlebot3_burger_40_corner.sdf")]
    [InlineData("turtlebot3_burger_40_corner_garden.sdf")]
    public void The_shipped_burger_world_runs_under_the_default_controller_without_a_braked_robot(string world)
    {
        string text = File.ReadAllText(Path.Combine(RepoRoot(), "launch", "simulate_default.yaml"))
            .Replace("      robot_model: turtlebot3_burger\n      robots: 40\n      start: corner\n", $"      world: {Path.Combine(RepoRoot(), "sim", "worlds", world)}\n", StringComparison.Ordinal)
            .Replace("duration_s: 120.0", "duration_s: 10.0", StringComparison.Ordinal);
        Assert.Contains("world: ", text, StringComparison.Ordinal);
        var run = SimulationRun.Execute(Scenario.Load(RosParamsFile.Parse(text, "shipped world", Scenario.NodeName)));
        Assert.Equal(40, run.RobotCount);
        Assert.StartsWith("tb3_", run.Names[0], StringComparison.Ordinal);
        Assert.Equal(0, run.Totals.BrakedBySafety);
        Assert.Equal(0, run.Collisions);
        Assert.True(run.Metrics[^1].Chi2 < run.Metrics[0].Chi2);
    }

    [Fact]
    public void Each_robot_gets_its_own_command_whatever_the_order_of_the_robots_in_the_world_file()
    {
        // The registry lists robots in ordinal order of their names; the simulator in the order of the world file. A run
        // whose world lists the robots in reverse order must move every named robot exactly as the run in file order
        // does (no noise, so each robot's motion depends only on its own commands). Mixing up the two orders would
        // hand robot tb3_39's command to tb3_00.
        string worldText = File.ReadAllText(Path.Combine(RepoRoot(), "sim", "worlds", "turtlebot3_burger_40_corner.sdf"));
        var robotModels = System.Text.RegularExpressions.Regex.Matches(worldText, @"    <model name=""tb3_\d+"">.*?\n    </model>\n", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.Equal(40, robotModels.Count);
        int first = robotModels[0].Index, end = robotModels[^1].Index + robotModels[^1].Length;
        string reversed = worldText[..first] + string.Concat(robotModels.Reverse().Select(m => m.Value)) + worldText[end..];
        string forwardWorld = _dir.File("forward.sdf", worldText), reverseWorld = _dir.File("reverse.sdf", reversed);

        RunRecord Run(string world) => SimulationRun.Execute(Scenario.Load(RosParamsFile.Parse(
            File.ReadAllText(Path.Combine(RepoRoot(), "launch", "simulate_default.yaml"))
                .Replace("      robot_model: turtlebot3_burger\n      robots: 40\n      start: corner\n", $"      world: {world}\n", StringComparison.Ordinal)
                .Replace("duration_s: 120.0", "duration_s: 6.0", StringComparison.Ordinal),
            "order test", Scenario.NodeName)));
        var forward = Run(forwardWorld);
        var backward = Run(reverseWorld);
        Assert.Equal("tb3_00", forward.Names[0]);
        Assert.Equal("tb3_39", backward.Names[0]);
        int n = 40, last = forward.Ticks * n;
        double moved = 0;
        for (int i = 0; i < n; i++)
        {
            int j = Array.IndexOf(backward.Names, forward.Names[i]);
            Assert.Equal(forward.X[last + i], backward.X[last + j]);
            Assert.Equal(forward.Y[last + i], backward.Y[last + j]);
            moved += Math.Abs(forward.X[last + i] - forward.X[i]) + Math.Abs(forward.Y[last + i] - forward.Y[i]);
        }
        Assert.True(moved > 40 * 0.1, $"the robots moved {moved} m in all; the comparison needs motion");
    }

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "SwarmCoverage.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
