using SwarmCoverage.Nodes;
using System.Diagnostics;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Metrics;
using SwarmCoverage.Core.Sampling;
using SwarmCoverage.Sim;
using SwarmCoverage.Sim.Sdf;
using Microsoft.Extensions.Logging;

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
    public static RunRecord Execute(
        Scenario scenario, IProgress<double>? progress = null, CancellationToken cancellationToken = default,
        IReadOnlyList<(IControlObserver Observer, ObserverOptions? Options)>? observers = null, LiveOptions? live = null)
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
        double period = c.ControlPeriodS;
        int ticks = (int)Math.Round(s.DurationS / period);
        int metricsEvery = Math.Max(1, (int)Math.Round(s.MetricsPeriodS / period));
        var x = new double[(ticks + 1) * n];
        var y = new double[(ticks + 1) * n];
        bool full = s.WriteTrajectories;
        var theta = full ? new double[(ticks + 1) * n] : [];
        var vs = full ? new double[(ticks + 1) * n] : [];
        var ws = full ? new double[(ticks + 1) * n] : [];
        var tx = new double[n];
        var ty = new double[n];
        var tyaw = new double[n];
        var previous = new RobotCommand[n];
        var centres = new double[2 * n];
        var pairScratch = new PairScan(n);
        var metrics = new List<MetricsRow>();
        long collisions = 0, boundary = 0, aboveLimit = 0;
        double minPair = double.PositiveInfinity;
        long clippedAtLast = 0, commandsAtLast = 0;
        double metricsSeconds = 0, controllerSeconds = 0;

        // The same control session as the ROS 2 node, offline: its poses are the simulator's odometry, its commands
        // go back into the simulator, changes apply at the tick they were asked for (docs/control-session.md).
        var ports = new SimulatorPorts(sim, unicycle);
        // Live, the session's log goes to the Foxglove /rosout channel (a field team reads it there: rejections, changes).
        using var rosout = live is not null ? new RosoutLog(Scenario.NodeName) : null;
        using var logs = rosout is not null ? LoggerFactory.Create(b => b.AddProvider(rosout)) : null;
        using var session = new ControlSession(
            new ControlSessionOptions
            {
                Settings = c,
                Parameters = scenario.Parameters,
                Table = NodeParameters.Table,
                RobotNames = names,
                Models = models,
                BodyRadiusM = body,
                // Live, the status is computed for the Foxglove view and changes are prepared off the tick thread.
                ComputeStatus = live is not null,
                Offline = live is null,
                WarmUp = false,
            },
            ports, ports, clock, logs?.CreateLogger("swarm_coverage"));
        foreach (var observer in observers ?? []) session.Attach(observer.Observer, observer.Options);
        Nodes.Live.LiveFoxglove? foxglove = null;
        if (live is not null)
        {
            foxglove = Nodes.Live.LiveFoxglove.StartAsync(session, new Nodes.Recording.RecordingTopics(), live.Foxglove, simulatedClock: true, ct: cancellationToken, rosout: rosout).GetAwaiter().GetResult();
            live.OnServing?.Invoke(foxglove.Server.Url);
        }

        using var stopFoxglove = new Disposer(foxglove);
        var field = session.Field;
        var quad = new TargetQuadrature(field);
        var wall = Stopwatch.StartNew();

        for (int k = 0; ; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (live is not null && live.Stop.IsCancellationRequested && k < ticks) ticks = k; // Ctrl+C: this tick is the last
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
            int close = pairScratch.Scan(centres, 2, c.SafetyRadiusM, out double tickMin);
            collisions += close;
            minPair = Math.Min(minPair, tickMin);
            if (k % metricsEvery == 0 || k == ticks)
            {
                var t = session.Totals;
                double clipped = t.Commands == commandsAtLast ? 0 : (double)(t.ClippedCommands - clippedAtLast) / (t.Commands - commandsAtLast);
                clippedAtLast = t.ClippedCommands;
                commandsAtLast = t.Commands;
                long tm = Stopwatch.GetTimestamp();
                metrics.Add(Measure(k * period, centres, field, quad, tickMin, clipped, k == 0 ? n : session.ActiveRobots));
                metricsSeconds += Stopwatch.GetElapsedTime(tm).TotalSeconds;
                progress?.Report((double)k / ticks);
            }
            if (k == ticks) break;

            // Live: hold each tick until its time at the requested speed (the simulation itself stays deterministic).
            if (live is not null && live.Speed > 0)
            {
                double due = k * period / live.Speed;
                for (double ahead = due - wall.Elapsed.TotalSeconds; ahead > 0 && !live.Stop.IsCancellationRequested; ahead = due - wall.Elapsed.TotalSeconds)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Thread.Sleep(TimeSpan.FromSeconds(Math.Min(ahead, 0.05)));
                }
            }

            // Sense, decide, act: the session takes the odometry and hands the commands to the simulator.
            clock.Set(sim.Now.Nanoseconds);
            var timing = session.Tick();
            controllerSeconds += timing.StepS + timing.PublishS;
            for (int i = 0; i < n; i++)
            {
                var cmd = ports.World[i];
                if (AboveLimit(models[i], cmd, previous[i], period)) aboveLimit++;
                previous[i] = cmd;
                if (full)
                {
                    vs[k * n + i] = ports.V[i];
                    ws[k * n + i] = ports.Omega[i];
                }
            }
            long ts = Stopwatch.GetTimestamp();
            ports.Apply();
            sim.Step(period);
            ports.SimulatorSeconds += Stopwatch.GetElapsedTime(ts).TotalSeconds;
        }
        wall.Stop();
        if ((ticks + 1) * n < x.Length) // a live run stopped early: keep what was run
        {
            x = x[..((ticks + 1) * n)];
            y = y[..((ticks + 1) * n)];
            if (full)
            {
                theta = theta[..((ticks + 1) * n)];
                vs = vs[..((ticks + 1) * n)];
                ws = ws[..((ticks + 1) * n)];
            }
        }

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
            Totals = session.Totals,
            SimCounters = sim.Counters,
            RejectedPoses = session.RejectedPoses,
            MinPairDistanceM = minPair,
            LoopWallTimeS = wall.Elapsed.TotalSeconds,
            ControllerWallTimeS = controllerSeconds,
            SimulatorWallTimeS = ports.SimulatorSeconds,
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

/// <summary>
/// The simulator as the session's pose source and command sink: every tick offers each robot's measured odometry and
/// keeps the commands as the robots' <c>cmd_vel</c> would carry them, for <see cref="Apply"/> before the step.
/// </summary>
internal sealed class SimulatorPorts : IPoseSource, ICommandSink
{
    private readonly Simulator _sim;
    private readonly bool _unicycle;
    private readonly double[] _x, _y, _yaw, _vy, _vz;

    public SimulatorPorts(Simulator sim, bool unicycle)
    {
        _sim = sim;
        _unicycle = unicycle;
        int n = sim.RobotCount;
        _x = new double[n];
        _y = new double[n];
        _yaw = new double[n];
        _vy = new double[n];
        _vz = new double[n];
        V = new double[n];
        Omega = new double[n];
        World = new RobotCommand[n];
    }

    /// <summary>The last tick's world-frame commands (session order = simulator order).</summary>
    public RobotCommand[] World { get; }

    /// <summary>The last tick's body-frame forward speed and yaw rate as sent.</summary>
    public double[] V { get; }

    public double[] Omega { get; }

    /// <summary>Wall time in the simulator (reading odometry, setting commands, stepping).</summary>
    public double SimulatorSeconds { get; set; }

    public void TakePoses(PoseIntake intake)
    {
        long t0 = Stopwatch.GetTimestamp();
        _sim.GetMeasuredPoses(_x, _y, _yaw);
        for (int i = 0; i < _x.Length; i++) intake.Offer(i, Pose.Planar(_x[i], _y[i], _yaw[i]));
        SimulatorSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    public void Send(in CommandBatch batch)
    {
        batch.World.CopyTo(World);
        for (int i = 0; i < V.Length; i++)
        {
            var w = batch.Wire[i];
            V[i] = w.Vx;
            _vy[i] = w.Vy;
            _vz[i] = w.Vz;
            Omega[i] = w.OmegaZ;
        }
    }

    /// <summary>Hands the last commands to the simulator.</summary>
    public void Apply()
    {
        if (_unicycle) _sim.SetCommands(V, Omega);
        else _sim.SetCommands(V, _vy, _vz, Omega);
    }
}

/// <summary><c>simulate --live</c>: real time (or <see cref="Speed"/> times it) with the Foxglove server on.</summary>
public sealed record LiveOptions
{
    /// <summary>Real-time factor; 0: as fast as possible.</summary>
    public double Speed { get; init; } = 1;

    public required Nodes.Live.FoxgloveSettings Foxglove { get; init; }

    /// <summary>Called with the server's address once it listens.</summary>
    public Action<Uri>? OnServing { get; init; }

    /// <summary>Ends the run at the next tick, normally (Ctrl+C): its figures and recording are written for the time run.</summary>
    public CancellationToken Stop { get; init; }
}

/// <summary>Stops the Foxglove server when the run ends, however it ends.</summary>
internal sealed class Disposer(Nodes.Live.LiveFoxglove? foxglove) : IDisposable
{
    public void Dispose() => foxglove?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
