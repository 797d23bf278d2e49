using SwarmCoverage.Nodes;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SwarmCoverage.App.Reporting;
using SwarmCoverage.Sim.Sdf;
using Spectre.Console;

namespace SwarmCoverage.App.Simulation;

/// <summary>
/// Writes a run's folder: run.png, metrics.csv, metrics.png, trajectories.csv, summary.json and world.sdf. Everything
/// goes into a temporary folder first, which is renamed at the end, so a failed run leaves nothing half-written.
/// </summary>
public static class RunOutput
{
    public const string Figure = "run.png";
    public const string MetricsCsv = "metrics.csv";
    public const string MetricsFigure = "metrics.png";
    public const string Trajectories = "trajectories.csv";
    public const string Summary = "summary.json";
    public const string WorldFile = "world.sdf";
    public const string Recording = "run.mcap";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Refuses, before a run starts, a folder that holds something other than a previous run's output.</summary>
    public static void CheckFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string full = Path.GetFullPath(folder);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !File.Exists(Path.Combine(full, Summary)))
            throw new Core.InputException($"--out {folder}: the folder exists and is not a previous run's output; choose another");
    }

    /// <summary>Where a run records before its folder is written (moved in by <see cref="Write"/> with the rest).</summary>
    public static string PendingRecording(string folder)
    {
        string full = Path.GetFullPath(folder);
        string parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        return Path.Combine(parent, $".{Path.GetFileName(full)}.{Recording}.partial-{Environment.ProcessId}");
    }

    /// <summary>
    /// Writes every file of the run into a fresh folder next to <paramref name="folder"/> and moves it into place, so
    /// that a failure leaves no half-written folder; <paramref name="recording"/>, when given, is moved in as run.mcap.
    /// </summary>
    public static void Write(RunRecord run, string folder, string? recording = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(folder);
        string full = Path.GetFullPath(folder);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !File.Exists(Path.Combine(full, Summary)))
            throw new Core.InputException($"--out {folder}: the folder exists and is not a previous run's output; choose another");
        string parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        string tmp = Path.Combine(parent, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}");
        if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
        Directory.CreateDirectory(tmp);
        try
        {
            WriteFigure(run, Path.Combine(tmp, Figure));
            WriteMetrics(run, Path.Combine(tmp, MetricsCsv), Path.Combine(tmp, MetricsFigure));
            if (run.Theta.Length > 0) WriteTrajectories(run, Path.Combine(tmp, Trajectories));
            File.WriteAllText(Path.Combine(tmp, WorldFile), SdfWorldWriter.Write(run.World));
            File.WriteAllText(Path.Combine(tmp, Summary), SummaryJson(run).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            if (recording is not null) File.Move(recording, Path.Combine(tmp, Recording));
            if (Directory.Exists(full)) Directory.Delete(full, true);
            Directory.Move(tmp, full);
        }
        catch
        {
            try { Directory.Delete(tmp, true); } catch (IOException) { }
            throw;
        }
    }

    private static void WriteFigure(RunRecord run, string path)
    {
        int n = run.RobotCount, samples = run.Ticks + 1;
        int stride = Math.Max(1, samples / 600); // enough points for smooth lines, bounded file size
        var tx = new List<double[]>();
        var ty = new List<double[]>();
        for (int i = 0; i < n; i++)
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (int k = 0; k < samples; k += stride) { xs.Add(run.X[k * n + i]); ys.Add(run.Y[k * n + i]); }
            if ((samples - 1) % stride != 0) { xs.Add(run.X[(samples - 1) * n + i]); ys.Add(run.Y[(samples - 1) * n + i]); }
            tx.Add(xs.ToArray());
            ty.Add(ys.ToArray());
        }
        var m = run.Metrics;
        string title = string.Create(Inv,
            $"{n} robots, {run.DurationS:G4} s: chi2_eps {m[0].Chi2:G3} -> {m[^1].Chi2:G3}, energy distance {m[^1].EnergyDistance:G3} (iid median {run.EnergyDistanceIidMedian:G3})");
        var (raster, nx, ny) = FineTarget(run);
        Plots.Run(path, run.Scenario.Controller.Arena, raster, nx, ny, tx, ty, title, run.Scenario.Controller.SafetyRadiusM);
    }

    /// <summary>
    /// rhobar for the picture on a fine raster: the target evaluated at 4 mm-ish pixels, floored and normalized with the
    /// constants of the computation grid, so the colours are the density the controller uses.
    /// </summary>
    private static (double[] Raster, int Nx, int Ny) FineTarget(RunRecord run)
    {
        var target = run.Scenario.Controller.Target;
        var box = target.Domain;
        // floor level and normalization from the computation grid: rhobar_l = max(g_l, f) / Z
        var g = new double[run.Rhobar.Length];
        Span<double> p = stackalloc double[2];
        double hx = box.Length(0) / run.Grid.Nx, hy = box.Length(1) / run.Grid.Ny;
        for (int l = 0; l < g.Length; l++)
        {
            p[0] = box.Min[0] + (l / run.Grid.Ny + 0.5) * hx;
            p[1] = box.Min[1] + (l % run.Grid.Ny + 0.5) * hy;
            g[l] = target.Evaluate(p);
        }
        double floorLevel = target.Floor * g.Average();
        int peak = Array.IndexOf(run.Rhobar, run.Rhobar.Max());
        double z = Math.Max(g[peak], floorLevel) / run.Rhobar[peak];
        int nx = 400, ny = Math.Max(1, (int)Math.Round(400 * box.Length(1) / box.Length(0)));
        var raster = new double[nx * ny];
        for (int i = 0; i < nx; i++)
            for (int j = 0; j < ny; j++)
            {
                p[0] = box.Min[0] + (i + 0.5) * box.Length(0) / nx;
                p[1] = box.Min[1] + (j + 0.5) * box.Length(1) / ny;
                raster[i * ny + j] = Math.Max(target.Evaluate(p), floorLevel) / z;
            }
        return (raster, nx, ny);
    }

    private static void WriteMetrics(RunRecord run, string csvPath, string pngPath)
    {
        var sb = new StringBuilder("t,energy,chi2,energy_distance,coverage_cost_m2,uncovered_radius_m,min_pair_distance_m,clipped_share,active_robots\n");
        foreach (var r in run.Metrics)
            sb.Append(string.Create(Inv, $"{r.TimeS:R},{r.Energy:R},{r.Chi2:R},{r.EnergyDistance:R},{r.CoverageCostM2:R},{r.UncoveredRadiusM:R},{r.MinPairDistanceM:R},{r.ClippedShare:R},{r.ActiveRobots}\n"));
        File.WriteAllText(csvPath, sb.ToString());
        var t = run.Metrics.Select(r => r.TimeS).ToArray();
        Plots.Metrics(pngPath, t,
        [
            new Series("E_eps (blob energy)", "E_eps", run.Metrics.Select(r => r.Energy).ToArray(), LogScale: true),
            new Series("chi2_eps", "chi2_eps", run.Metrics.Select(r => r.Chi2).ToArray(), LogScale: true),
            new Series("energy distance (dashed: iid median)", "energy distance", run.Metrics.Select(r => r.EnergyDistance).ToArray(), LogScale: true, Limit: run.EnergyDistanceIidMedian),
            new Series("coverage cost H (Cortes)", "m^2", run.Metrics.Select(r => r.CoverageCostM2).ToArray()),
            new Series("minimum distance between robots (dashed: safety radius)", "m", run.Metrics.Select(r => r.MinPairDistanceM).ToArray(), Limit: run.Scenario.Controller.SafetyRadiusM),
            new Series("share of clipped commands", "share", run.Metrics.Select(r => r.ClippedShare).ToArray()),
        ], string.Create(Inv, $"SwarmCoverage metrics: {run.RobotCount} robots, eps {run.Epsilon:G3} m"));
    }

    private static void WriteTrajectories(RunRecord run, string path)
    {
        int n = run.RobotCount;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        w.Write("t,robot,x,y,theta,v,omega\n");
        Span<char> buf = stackalloc char[32];
        for (int k = 0; k <= run.Ticks; k++)
        {
            double t = k * run.ControlPeriodS;
            for (int i = 0; i < n; i++)
            {
                int j = k * n + i;
                Num(w, t, buf); w.Write(','); w.Write(run.Names[i]); w.Write(',');
                Num(w, run.X[j], buf); w.Write(','); Num(w, run.Y[j], buf); w.Write(','); Num(w, run.Theta[j], buf); w.Write(',');
                Num(w, run.V[j], buf); w.Write(','); Num(w, run.Omega[j], buf); w.Write('\n');
            }
        }
    }

    private static void Num(StreamWriter w, double v, Span<char> buf)
    {
        v.TryFormat(buf, out int len, "R", Inv);
        w.Write(buf[..len]);
    }

    public static JsonObject SummaryJson(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var c = run.Scenario.Controller;
        var m = run.Metrics;
        var t = run.Totals;
        return new JsonObject
        {
            ["robots"] = run.RobotCount,
            ["duration_s"] = run.DurationS,
            ["control_rate_hz"] = c.ControlRateHz,
            ["safety_radius_m"] = c.SafetyRadiusM,
            ["arena"] = new JsonObject { ["min"] = new JsonArray(c.Arena.Min[0], c.Arena.Min[1]), ["max"] = new JsonArray(c.Arena.Max[0], c.Arena.Max[1]) },
            ["epsilon_m"] = run.Epsilon,
            ["collisions"] = run.Collisions,
            ["boundary_violations"] = run.BoundaryViolations,
            ["commands_above_limit"] = run.CommandsAboveLimit,
            ["clipped_share"] = t.ClippedShare,
            ["safety_interventions"] = t.SafetyInterventions,
            ["braked_by_safety"] = t.BrakedBySafety,
            ["rejected_poses"] = run.RejectedPoses,
            ["command_timeouts"] = run.SimCounters.CommandTimeouts,
            ["min_pair_distance_m"] = run.MinPairDistanceM,
            ["chi2_initial"] = m[0].Chi2,
            ["chi2_final"] = m[^1].Chi2,
            ["energy_initial"] = m[0].Energy,
            ["energy_final"] = m[^1].Energy,
            ["energy_distance_initial"] = m[0].EnergyDistance,
            ["energy_distance_final"] = m[^1].EnergyDistance,
            ["energy_distance_iid_median"] = run.EnergyDistanceIidMedian,
            ["coverage_cost_final_m2"] = m[^1].CoverageCostM2,
            ["uncovered_radius_final_m"] = m[^1].UncoveredRadiusM,
            ["wall_time_s"] = run.LoopWallTimeS,
            ["controller_time_s"] = run.ControllerWallTimeS,
            ["simulator_time_s"] = run.SimulatorWallTimeS,
            ["metrics_time_s"] = run.MetricsWallTimeS,
            ["realtime_factor"] = run.DurationS / run.LoopWallTimeS,
            ["seed"] = run.Scenario.Simulation.Seed,
            ["scenario"] = run.Scenario.Source,
            ["warning"] = run.Warning,
        };
    }

    /// <summary>The summary as a table with Robotarium-style counts.</summary>
    public static void Table(RunRecord run, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(run);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        var m = run.Metrics;
        var c = run.Scenario.Controller;
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]SwarmCoverage run[/]: {run.RobotCount} robots, {run.DurationS.ToString("G4", Inv)} s simulated");
        table.AddColumn("quantity");
        table.AddColumn(new TableColumn("value").RightAligned());
        table.AddColumn("check");
        string Ok(bool ok) => ok ? "[green]ok[/]" : "[red]FAIL[/]";
        table.AddRow("chi2_eps start -> end", $"{m[0].Chi2.ToString("G3", Inv)} -> {m[^1].Chi2.ToString("G3", Inv)} ({(m[0].Chi2 / m[^1].Chi2).ToString("F1", Inv)}x)", Ok(m[0].Chi2 >= 10 * m[^1].Chi2) + " falls >= 10x");
        table.AddRow("energy distance end / iid median", $"{m[^1].EnergyDistance.ToString("G3", Inv)} / {run.EnergyDistanceIidMedian.ToString("G3", Inv)}", Ok(m[^1].EnergyDistance < run.EnergyDistanceIidMedian) + " beats iid");
        table.AddRow("collisions (pairs < safety radius, per tick)", run.Collisions.ToString(Inv), Ok(run.Collisions == 0));
        table.AddRow("boundary violations (robot-ticks)", run.BoundaryViolations.ToString(Inv), Ok(run.BoundaryViolations == 0));
        table.AddRow("commands above an actuator limit", run.CommandsAboveLimit.ToString(Inv), Ok(run.CommandsAboveLimit == 0));
        table.AddRow("min distance between robots", $"{run.MinPairDistanceM.ToString("F3", Inv)} m", $"safety radius {c.SafetyRadiusM.ToString("G3", Inv)} m");
        table.AddRow("clipped commands", $"{(100 * run.Totals.ClippedShare).ToString("F1", Inv)} %", "");
        table.AddRow("safety interventions / braked", $"{run.Totals.SafetyInterventions.ToString(Inv)} / {run.Totals.BrakedBySafety.ToString(Inv)}", "");
        table.AddRow("coverage cost H, uncovered radius", $"{m[^1].CoverageCostM2.ToString("G3", Inv)} m^2, {m[^1].UncoveredRadiusM.ToString("F2", Inv)} m", "");
        table.AddRow("wall time (loop) / real-time factor", $"{run.LoopWallTimeS.ToString("F2", Inv)} s / {(run.DurationS / run.LoopWallTimeS).ToString("F0", Inv)}x", "");
        table.AddRow("  of which controller / simulator / metrics", $"{run.ControllerWallTimeS.ToString("F2", Inv)} / {run.SimulatorWallTimeS.ToString("F2", Inv)} / {run.MetricsWallTimeS.ToString("F2", Inv)} s", "");
        console.Write(table);
        if (run.Warning is { } w) output.WriteLine("warning: " + w);
    }
}
