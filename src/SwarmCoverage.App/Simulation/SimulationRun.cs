using SwarmCoverage.Nodes;
using System.Diagnostics;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Metrics;
using SwarmCoverage.Core.Sampling;
using SwarmCoverage.Sim;
using SwarmCoverage.Sim.Sdf;

namespace SwarmCoverage.App.Simulation;

/// <summary>One sample of the metrics over time (all on true robot centres).</summary>
public readonly record struct MetricsRow(
    double TimeS, double Energy, double Chi2, double EnergyDistance, double CoverageCostM2, double UncoveredRadiusM,
    double MinPairDistanceM, double ClippedShare, int ActiveRobots);

/// <summary>Everything a run recorded.</summary>
public sealed class RunRecord
{
    public required Scenario Scenario { get; init; }
    public required World World { get; init; }
    public required string[] Names { get; init; }
    public required double Epsilon { get; init; }
    public required BlobGridInfo Grid { get; init; }
    public required double[] Rhobar { get; init; }
    public required double ControlPeriodS { get; init; }
    public required int Ticks { get; init; }

    /// <summary>Per tick (Ticks + 1 samples, t = k T), per robot: x, y of the true pose.</summary>
    public required double[] X { get; init; }
    public required double[] Y { get; init; }

    /// <summary>Per tick, per robot: theta, commanded v and omega (empty when trajectories are not written).</summary>
    public required double[] Theta { get; init; }
    public required double[] V { get; init; }
    public required double[] Omega { get; init; }

    public required List<MetricsRow> Metrics { get; init; }
    public required double EnergyDistanceIidMedian { get; init; }
    public long Collisions { get; init; }
    public long BoundaryViolations { get; init; }
    public long CommandsAboveLimit { get; init; }
    public required CommandTotals Totals { get; init; }
    public required SimulatorCounters SimCounters { get; init; }
    public long RejectedPoses { get; init; }
    public double MinPairDistanceM { get; init; }
    public double LoopWallTimeS { get; init; }
    public double ControllerWallTimeS { get; init; }

    /// <summary>Wall time (s) spent in the simulator: setting commands, stepping, reading measured poses.</summary>
    public double SimulatorWallTimeS { get; init; }

    /// <summary>Wall time (s) spent computing the metrics rows (chi2, energy distance, coverage cost ...).</summary>
    public double MetricsWallTimeS { get; init; }
    public string? Warning { get; init; }

    public int RobotCount => Names.Length;
    public double DurationS => Ticks * ControlPeriodS;
}

/// <summary>Grid geometry kept for plotting.</summary>
public readonly record struct BlobGridInfo(int Nx, int Ny, double SpacingM);

/// <summary>
/// The in-process run behind <c>simulate</c>: the bundled simulator and the controller step in one loop at the control
/// rate. Each tick senses the simulator's (noisy) odometry, runs the controller step, checks every command against the
/// robot's actuator limits, sends the commands and advances the simulator by one period.
/// </summary>
public static class SimulationRun
{
    public static RunRecord Execute(Scenario scenario, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var c = scenario.Controller;
        var s = scenario.Simulation;
        var world = ScenarioWorld.BuildWorld(scenario);
        var sim = Simulator.FromWorld(world, s.SimulatorOptions());
        int n = sim.RobotCount;
        var names = sim.Robots.Select(r => r.Name).ToArray();
        var models = sim.Robots.Select(r => RobotModels.FromSpec(r, c.ProjectionDistanceM)).ToArray();
        if (models.Any(m => m.Dimension != 2))
            throw new InputException($"{scenario.Source}: simulate runs ground robots; the world has aerial robots");
        bool unicycle = models.All(m => m.Kind == RobotKind.DifferentialDrive);
        double body = sim.Robots.Max(RobotModels.BodyRadiusM);
        var clock = new SimulationClock();
        var box = c.Arena;
        var arena = c.ArenaBox();
        var registry = new RobotRegistry(arena, c.RegistryOptions(), clock);
        for (int i = 0; i < n; i++) registry.Join(names[i], models[i]);
        // Snapshots (and so the commands) list robots in the registry's order, not the simulator's (the registry sorts by
        // name, and robot_100 < robot_11): sim index -> snapshot index, read by name from the first snapshot.
        var simIndexOf = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++) simIndexOf[names[i]] = i;
        var snapshotIndex = new int[n];
        var field = new BlobField(c.Target, c.FieldOptions(n));
        var pipeline = new CommandPipeline(c.PipelineOptions(models, body));
        using var controller = new SwarmController(field, pipeline, c.ControlPeriodS);
        var quad = new TargetQuadrature(field);

        double period = c.ControlPeriodS;
        int ticks = (int)Math.Round(s.DurationS / period);
        int metricsEvery = Math.Max(1, (int)Math.Round(s.MetricsPeriodS / period));
        var x = new double[(ticks + 1) * n];
        var y = new double[(ticks + 1) * n];
        bool full = s.WriteTrajectories;
        var theta = full ? new double[(ticks + 1) * n] : [];
        var vs = full ? new double[(ticks + 1) * n] : [];
        var ws = full ? new double[(ticks + 1) * n] : [];
        var mx = new double[n];
        var my = new double[n];
        var myaw = new double[n];
        var tx = new double[n];
        var ty = new double[n];
        var tyaw = new double[n];
        var cmdV = new double[n];
        var cmdVy = new double[n];
        var cmdVz = new double[n];
        var cmdW = new double[n];
        var previous = new RobotCommand[n];
        var all = new RobotCommand[n];
        var snapshot = new SwarmSnapshot(2);
        var centres = new double[2 * n];
        var pairScratch = new PairCounter(n);
        var metrics = new List<MetricsRow>();
        long collisions = 0, boundary = 0, aboveLimit = 0, rejected = 0;
        double minPair = double.PositiveInfinity;
        long clippedAtLast = 0, commandsAtLast = 0;
        double controllerSeconds = 0, simulatorSeconds = 0, metricsSeconds = 0;
        var wall = Stopwatch.StartNew();

        for (int k = 0; ; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Truth for the record and the counts.
            sim.GetTruePoses(tx, ty, tyaw);
            for (int i = 0; i < n; i++)
            {
                x[k * n + i] = tx[i];
                y[k * n + i] = ty[i];
                if (full) theta[k * n + i] = tyaw[i];
                centres[2 * i] = tx[i];
                centres[2 * i + 1] = ty[i];
                if (!(tx[i] >= box.Min[0] && tx[i] <= box.Max[0] && ty[i] >= box.Min[1] && ty[i] <= box.Max[1])) boundary++;
            }
            int close = pairScratch.CountPairsCloserThan(tx, ty, c.SafetyRadiusM, out double tickMin);
            collisions += close;
            minPair = Math.Min(minPair, tickMin);
            if (k % metricsEvery == 0 || k == ticks)
            {
                var t = pipeline.Totals;
                double clipped = t.Commands == commandsAtLast ? 0 : (double)(t.ClippedCommands - clippedAtLast) / (t.Commands - commandsAtLast);
                clippedAtLast = t.ClippedCommands;
                commandsAtLast = t.Commands;
                long tm = Stopwatch.GetTimestamp();
                metrics.Add(Measure(k * period, centres, field, quad, tickMin, clipped, snapshot.ActiveCount == 0 && k == 0 ? n : snapshot.ActiveCount));
                metricsSeconds += Stopwatch.GetElapsedTime(tm).TotalSeconds;
                progress?.Report((double)k / ticks);
            }
            if (k == ticks) break;

            // Sense, decide, act.
            long t0 = Stopwatch.GetTimestamp();
            sim.GetMeasuredPoses(mx, my, myaw);
            long tSensed = Stopwatch.GetTimestamp();
            simulatorSeconds += Stopwatch.GetElapsedTime(t0, tSensed).TotalSeconds;
            clock.Set(sim.Now.Nanoseconds);
            for (int i = 0; i < n; i++)
                if (!registry.UpdatePose(names[i], Pose.Planar(mx[i], my[i], myaw[i])).Accepted) rejected++;
            registry.TakeSnapshot(snapshot);
            if (k == 0)
            {
                var order = snapshot.Names;
                for (int r = 0; r < order.Length; r++) snapshotIndex[simIndexOf[order[r]]] = r;
            }

            controller.Step(snapshot, all);
            registry.RecordCommands(snapshot, all);
            controllerSeconds += Stopwatch.GetElapsedTime(tSensed).TotalSeconds;
            for (int i = 0; i < n; i++)
            {
                var cmd = all[snapshotIndex[i]];
                if (AboveLimit(models[i], cmd, previous[i], period)) aboveLimit++;
                previous[i] = cmd;
                if (models[i].Kind == RobotKind.DifferentialDrive)
                {
                    cmdV[i] = cmd.Vx;
                    cmdVy[i] = 0;
                    cmdW[i] = cmd.OmegaZ;
                }
                else
                {
                    var inBody = cmd.WorldToBody(myaw[i]);
                    cmdV[i] = inBody.Vx;
                    cmdVy[i] = inBody.Vy;
                    cmdW[i] = 0;
                }
                if (full)
                {
                    vs[k * n + i] = cmdV[i];
                    ws[k * n + i] = cmdW[i];
                }
            }
            long ts = Stopwatch.GetTimestamp();
            if (unicycle) sim.SetCommands(cmdV, cmdW);
            else sim.SetCommands(cmdV, cmdVy, cmdVz, cmdW);
            sim.Step(period);
            simulatorSeconds += Stopwatch.GetElapsedTime(ts).TotalSeconds;
        }
        wall.Stop();
        progress?.Report(1);
        double iid = Sampler.IidMedian(field, quad, n, (int)Math.Min(int.MaxValue, (long)s.Seed), 15);
        var (ratio, suggested) = field.Resolution;
        string? warning = ratio > BlobField.ResolutionRatioLimit
            ? $"the grid (spacing {field.Grid.SpacingAlong(0):G3} m) does not resolve the target: rhobar differs by up to {ratio:G3}x between neighbouring cells; grid_spacing {suggested:G3} would resolve it"
            : null;
        return new RunRecord
        {
            Scenario = scenario,
            World = world,
            Names = names,
            Epsilon = field.Epsilon,
            Grid = new BlobGridInfo(field.Grid.CellsAlong(0), field.Grid.CellsAlong(1), field.Grid.SpacingAlong(0)),
            Rhobar = field.Rhobar.ToArray(),
            ControlPeriodS = period,
            Ticks = ticks,
            X = x,
            Y = y,
            Theta = theta,
            V = vs,
            Omega = ws,
            Metrics = metrics,
            EnergyDistanceIidMedian = iid,
            Collisions = collisions,
            BoundaryViolations = boundary,
            CommandsAboveLimit = aboveLimit,
            Totals = pipeline.Totals,
            SimCounters = sim.Counters,
            RejectedPoses = rejected,
            MinPairDistanceM = minPair,
            LoopWallTimeS = wall.Elapsed.TotalSeconds,
            ControllerWallTimeS = controllerSeconds,
            SimulatorWallTimeS = simulatorSeconds,
            MetricsWallTimeS = metricsSeconds,
            Warning = warning,
        };
    }

    private static MetricsRow Measure(double t, double[] centres, BlobField field, TargetQuadrature quad, double minPair, double clipped, int active)
    {
        var box = field.Domain;
        var clamped = new double[centres.Length];
        for (int i = 0; i < centres.Length; i++) clamped[i] = Math.Clamp(centres[i], box.Min[i % 2], box.Max[i % 2]);
        var blob = field.Measure(clamped, []);
        double ed = CoverageMetrics.EnergyDistance(clamped, [], quad);
        var (cost, radius) = CoverageMetrics.Coverage(clamped, quad);
        return new MetricsRow(t, blob.Energy, blob.Chi2, ed, cost, radius, minPair, clipped, active);
    }

    /// <summary>True when a command exceeds a speed, wheel-speed or acceleration limit of the model (1e-9 relative slack).</summary>
    public static bool AboveLimit(RobotModel m, in RobotCommand cmd, in RobotCommand previous, double periodS)
    {
        ArgumentNullException.ThrowIfNull(m);
        const double slack = 1 + 1e-9;
        if (!cmd.IsFinite) return true;
        if (m.Kind == RobotKind.DifferentialDrive)
        {
            if (Math.Abs(cmd.Vx) > m.MaxLinearSpeedMps * slack) return true;
            if (Math.Abs(cmd.OmegaZ) > m.MaxAngularSpeedRadps * slack) return true;
            if (double.IsFinite(m.MaxWheelSpeedRadps))
            {
                var (r, l) = WheelSpace.ToWheelSpeeds(cmd.Vx, cmd.OmegaZ, m.WheelRadiusM, m.WheelSeparationM);
                if (Math.Max(Math.Abs(r), Math.Abs(l)) > m.MaxWheelSpeedRadps * slack) return true;
            }
            if (Math.Abs(cmd.Vx - previous.Vx) > m.MaxLinearAccelerationMps2 * periodS * slack + 1e-12) return true;
            if (Math.Abs(cmd.OmegaZ - previous.OmegaZ) > m.MaxAngularAccelerationRadps2 * periodS * slack + 1e-12) return true;
            return false;
        }
        double speed = Math.Sqrt(cmd.Vx * cmd.Vx + cmd.Vy * cmd.Vy);
        if (speed > m.MaxLinearSpeedMps * slack) return true;
        double dv = Math.Sqrt((cmd.Vx - previous.Vx) * (cmd.Vx - previous.Vx) + (cmd.Vy - previous.Vy) * (cmd.Vy - previous.Vy));
        return dv > m.MaxLinearAccelerationMps2 * periodS * slack + 1e-12;
    }
}

/// <summary>Counts pairs of points closer than a radius (sort and sweep along x), reusing its buffers.</summary>
public sealed class PairCounter(int capacity)
{
    private readonly int[] _order = new int[capacity];
    private readonly double[] _keys = new double[capacity];

    public int CountPairsCloserThan(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double radius, out double minDistance)
    {
        int n = x.Length;
        for (int i = 0; i < n; i++) { _order[i] = i; _keys[i] = x[i]; }
        Array.Sort(_keys, _order, 0, n);
        int count = 0;
        double best2 = double.PositiveInfinity;
        double r2 = radius * radius;
        for (int a = 0; a < n; a++)
        {
            int i = _order[a];
            for (int b = a + 1; b < n; b++)
            {
                double dx = _keys[b] - _keys[a];
                if (dx * dx >= Math.Max(r2, best2)) break;
                int j = _order[b];
                double dy = y[j] - y[i];
                double d2 = dx * dx + dy * dy;
                if (d2 < r2) count++;
                if (d2 < best2) best2 = d2;
            }
        }
        minDistance = Math.Sqrt(best2);
        return count;
    }
}
