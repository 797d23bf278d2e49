using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Metrics;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Control.Session;

/// <summary>How a <see cref="ControlSession"/> runs.</summary>
public sealed record ControlSessionOptions
{
    /// <summary>The controller's parameters in force at the start.</summary>
    public required ControllerSettings Settings { get; init; }

    /// <summary>What <see cref="Settings"/> was read from: run-time parameter changes are read again on top of it.</summary>
    public required RosParamsFile Parameters { get; init; }

    /// <summary>The robots in the order of every port's indices (configuration order).</summary>
    public required IReadOnlyList<string> RobotNames { get; init; }

    /// <summary>The control model of each robot (same order).</summary>
    public required IReadOnlyList<RobotModel> Models { get; init; }

    /// <summary>Largest radius of a circle around a robot's centre that holds its chassis (default wall margin).</summary>
    public required double BodyRadiusM { get; init; }

    /// <summary>Every parameter the program knows (default: the controller's); parameters outside it are unknown.</summary>
    public ParameterTable? Table { get; init; }

    /// <summary>Decentralized mode: the one robot this instance commands (null: every robot).</summary>
    public string? OwnRobot { get; init; }

    /// <summary>Compute the status figures that cost more than counting (minimum distance every tick, energy distance periodically).</summary>
    public bool ComputeStatus { get; init; } = true;

    /// <summary>
    /// An offline run (simulate, replay): target and parameter changes are prepared on the tick thread at the next tick,
    /// so when they take effect depends on nothing but the ticks. Live runs prepare them on a worker and swap them in at
    /// the first tick boundary after they are ready, so a large target never stalls a tick.
    /// </summary>
    public bool Offline { get; init; }

    /// <summary>Refuse every run-time parameter change (decentralized instances: a change that reached one and not another would break their bit-identity).</summary>
    public bool ParametersReadOnly { get; init; }

    /// <summary>Compile the safety filter's solver before the first tick (live runs: the first coupled group would pay it).</summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>Where the initial target came from, for observers and the log.</summary>
    public string TargetOrigin { get; init; } = "parameters";

    /// <summary>The name under which the poses are counted in <see cref="ControlSession.Inputs"/> (a node: its topic pattern).</summary>
    public string PoseInput { get; init; } = "poses";
}

/// <summary>The outcome of <see cref="ControlSession.SetParameters"/>.</summary>
/// <param name="Accepted">True when every change passed and will apply at the next tick boundary; all or none.</param>
/// <param name="Refusals">Why each refused parameter was refused (the others of a refused request: not applied).</param>
/// <param name="Applied">Completes when the changes are in force (or at once when refused).</param>
public sealed record ParameterSetResult(bool Accepted, IReadOnlyList<(string Name, string Reason)> Refusals, Task Applied);

/// <summary>
/// The one place a control tick happens (docs/control-session.md): it owns the robot registry, the controller step
/// (blob field, command pipeline and safety filter), the target and parameter hot swap, the emergency stop, the
/// non-finite guard, the world-to-body mapping of commands and the status figures. Everything else is an adapter on its
/// ports: a pose source, a command sink, and observers. <see cref="Tick"/> is called by one thread; the requests
/// (<see cref="SetParameters"/>, <see cref="RequestTarget"/>, <see cref="SetEmergencyStop"/>) may come from any thread
/// and take effect at a tick boundary.
/// </summary>
public sealed partial class ControlSession : IDisposable
{
    private readonly ControlSessionOptions _o;
    private readonly IPoseSource _poses;
    private readonly ICommandSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ParameterTable _table;
    private readonly RobotModel[] _models;
    private readonly string[] _names;
    private readonly int _own;
    private readonly RobotRegistry _registry;
    private readonly SwarmSnapshot _snapshot;
    private readonly PoseIntake _intake;
    private readonly int[] _snapshotOf;
    private readonly int[] _robotOfSnapshot;
    private readonly RobotCommand[] _stepCommands;
    private readonly RobotCommand[] _world;
    private readonly RobotCommand[] _wire;
    private readonly bool[] _taken;
    private readonly RobotStatus[] _lastStatus;
    private readonly bool[] _everSeen;
    private readonly InputTally _poseTally;
    private readonly InputTally _parameterTally;
    private readonly double[] _centres;
    private readonly PairScan _pairs;
    private readonly ObserverHub _observers;
    private static readonly SessionChange[] NoChanges = [];
    private readonly Lock _requestGate = new();
    private readonly SemaphoreSlim _prepareSignal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task? _preparer;
    private Core _inForce;
    private Request _requested;
    private Core? _staged;
    private readonly List<(long Version, TaskCompletionSource Done)> _waiting = [];
    private volatile bool _estopRequested;
    private string _estopOrigin = "";
    private bool _estop;
    private ulong _tick;
    private double _energyDistanceM = double.NaN;
    private Task? _energyTask;
    private double[] _energyPoints = [];
    private long _nextEnergyTs;
    private long _nextLogTs;
    private ulong _ticksAtLastLog;
    private bool _allSeenLogged;
    private long _nonFinite;
    private long _lastNonFiniteLog;
    private SessionStatus _status;
    private int _disposed;

    /// <summary>Builds the session (checking every parameter) with its ports.</summary>
    /// <exception cref="InputException">When a parameter is out of range; the message names it.</exception>
    public ControlSession(ControlSessionOptions options, IPoseSource poses, ICommandSink commands, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(poses);
        ArgumentNullException.ThrowIfNull(commands);
        ArgumentNullException.ThrowIfNull(time);
        _o = options;
        _poses = poses;
        _sink = commands;
        _time = time;
        _log = logger ?? NullLogger.Instance;
        _table = options.Table ?? new ParameterTable(ControlParameters.All);
        _names = [.. options.RobotNames];
        _models = [.. options.Models];
        int n = _names.Length;
        if (n == 0) throw new InputException($"{options.Parameters.Source}: no robots");
        if (_models.Length != n) throw new ArgumentException($"{n} robot names but {_models.Length} models", nameof(options));
        _own = options.OwnRobot is { } own ? Array.IndexOf(_names, own) : -1;
        if (options.OwnRobot is not null && _own < 0) throw new InputException($"--robot {options.OwnRobot}: not one of the session's robots");
        var s = options.Settings;
        CommandPipeline pipeline;
        try
        {
            _registry = new RobotRegistry(s.ArenaBox(), s.RegistryOptions(), time);
            for (int i = 0; i < n; i++)
                if (!_registry.Join(_names[i], _models[i])) throw new InputException($"{options.Parameters.Source}: robot name '{_names[i]}' appears more than once");
            pipeline = new CommandPipeline(s.PipelineOptions(_models, options.BodyRadiusM));
        }
        catch (ArgumentException e)
        {
            throw new InputException($"{options.Parameters.Source}: {e.Message}", e);
        }

        var field = new BlobField(s.Target, s.FieldOptions(n));
        _inForce = new Core(s, options.Parameters, s.Target, options.TargetOrigin, field, new TargetQuadrature(field), pipeline, 0, options.Offline);
        _requested = new Request(s, options.Parameters, s.Target, options.TargetOrigin, 0, ParameterInput);
        if (options.WarmUp)
        {
            var warm = pipeline.WarmUp(_models, s.ControlPeriodS);
            LogWarmedUp(_log, warm.Safety.NewtonSteps);
        }

        _snapshot = new SwarmSnapshot(s.Target.Dimension);
        _intake = new PoseIntake(n);
        _snapshotOf = new int[n];
        _robotOfSnapshot = new int[n];
        _stepCommands = new RobotCommand[n];
        _world = new RobotCommand[n];
        _wire = new RobotCommand[n];
        _taken = new bool[n];
        _lastStatus = new RobotStatus[n];
        _everSeen = new bool[n];
        Inputs = new InputLedger(time, _log);
        _poseTally = Inputs.For(options.PoseInput);
        _parameterTally = Inputs.For(ParameterInput);
        _centres = new double[n * s.Target.Dimension];
        _pairs = new PairScan(n);
        // The registry lists robots in ordinal name order; the ports use the configuration's order.
        var sorted = Enumerable.Range(0, n).OrderBy(i => _names[i], StringComparer.Ordinal).ToArray();
        for (int r = 0; r < n; r++)
        {
            _robotOfSnapshot[r] = sorted[r];
            _snapshotOf[sorted[r]] = r;
        }

        _observers = new ObserverHub(n, _log, time);
        var (ratio, suggested) = field.Resolution;
        if (ratio > BlobField.ResolutionRatioLimit)
            LogUnresolved(_log, field.Grid.SpacingAlong(0), ratio, suggested);
        if (!options.Offline) _preparer = Task.Factory.StartNew(PrepareLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The input under which every run-time parameter change is counted, whatever carried it.</summary>
    public const string ParameterInput = "parameters";

    /// <summary>The robots, in the order of the ports' indices.</summary>
    public IReadOnlyList<string> RobotNames => _names;

    /// <summary>What every input took and refused (docs/inputs.md): the poses, the parameters, and whatever the adapters count.</summary>
    public InputLedger Inputs { get; }

    /// <summary>The robots' control models (same order).</summary>
    public IReadOnlyList<RobotModel> Models => _models;

    /// <summary>The robot a decentralized instance commands, or -1.</summary>
    public int OwnRobot => _own;

    /// <summary>Every parameter the program knows.</summary>
    public ParameterTable Table => _table;

    /// <summary>The controller's parameters in force.</summary>
    public ControllerSettings Settings => Volatile.Read(ref _inForce).Settings;

    /// <summary>The target in force.</summary>
    public TargetDensity Target => Volatile.Read(ref _inForce).Target;

    /// <summary>The blob field in force (its grid and rhobar, e.g. for the target map). Read it on the tick thread or in an observer's OnStarted/OnTick only.</summary>
    public BlobField Field => Volatile.Read(ref _inForce).Field;

    /// <summary>True while the emergency stop is set (in force).</summary>
    public bool EmergencyStopped => _estop;

    /// <summary>Ticks run.</summary>
    public ulong Ticks => _tick;

    /// <summary>The control period (s).</summary>
    public double ControlPeriodS => _o.Settings.ControlPeriodS;

    /// <summary>The pipeline's counters over the session (continued across parameter changes).</summary>
    public CommandTotals Totals => Volatile.Read(ref _inForce).Pipeline.Totals;

    /// <summary>The last tick's status figures.</summary>
    public SessionStatus Status => _status;

    /// <summary>Robots with a fresh pose at the last tick.</summary>
    public int ActiveRobots => _snapshot.ActiveCount;

    /// <summary>Poses rejected by the registry so far.</summary>
    public long RejectedPoses => _registry.RejectedPosesTotal;

    /// <summary>Poses rejected so far for <paramref name="reason"/>.</summary>
    public long RejectedPosesFor(PoseRejection reason) => _registry.RejectedPoses(reason);

    /// <summary>Target and parameter changes applied since the start.</summary>
    public long AppliedChanges { get; private set; }

    /// <summary>Control-loop latency (last pose taken to last command handed over) of every tick.</summary>
    public LatencyRecorder Latency { get; } = new();

    /// <summary>Time of the pose intake of every tick.</summary>
    public LatencyRecorder TakeTime { get; } = new();

    /// <summary>Time of the controller step of every tick.</summary>
    public LatencyRecorder StepTime { get; } = new();

    /// <summary>Time of the command sink of every tick.</summary>
    public LatencyRecorder PublishTime { get; } = new();

    /// <summary>Observers attached and how they fare.</summary>
    public IReadOnlyList<(string Name, long Dropped, long Failures)> ObserverHealth => _observers.Health();

    /// <summary>The session as an observer sees it when it starts.</summary>
    public SessionDescription Describe()
    {
        var core = Volatile.Read(ref _inForce);
        return new SessionDescription
        {
            RobotNames = _names,
            Models = _models,
            OwnRobot = _own,
            ControlPeriodS = core.Settings.ControlPeriodS,
            BodyRadiusM = _o.BodyRadiusM,
            TimestampFrequency = _time.TimestampFrequency,
            Table = _table,
            Parameters = [.. _table.All.Select(d => (d, core.Parameters.Value(d))).Where(p => p.Item2 is not null).Select(p => (p.d, p.Item2!))],
            Target = core.Target,
            TargetMap = TargetMap.Of(core.Field),
            TargetOrigin = core.TargetOrigin,
            EmergencyStop = _estop,
            EpsilonM = core.Field.Epsilon,
            TimeUnixNs = NowUnixNs(),
        };
    }

    /// <summary>Attaches an observer (see <see cref="IControlObserver"/>); dispose the result to detach it.</summary>
    public IDisposable Attach(IControlObserver observer, ObserverOptions? options = null)
    {
        options ??= new ObserverOptions();
        if (options.Lossless && !_o.Offline) throw new InvalidOperationException($"observer {options.Name}: only an offline run may wait for a lossless observer");
        return _observers.Attach(observer, options, Describe());
    }

    /// <summary>
    /// The value of a parameter as the latest accepted request left it (in force at the next tick boundary at the latest);
    /// null when it has none.
    /// </summary>
    public ParameterValue? Value(string name)
    {
        var d = _table.Find(name);
        if (d is null) return null;
        lock (_requestGate) return _requested.Parameters.Value(d);
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot change while running (a decentralized instance's parameters, or one that is not
    /// a run-time parameter), or null when it can; null for an unknown name too. What every face reports as read-only.
    /// </summary>
    public string? ReadOnlyReason(string name)
    {
        var d = _table.Find(name);
        if (d is null) return null;
        if (_o.ParametersReadOnly) return $"parameter '{name}' is read-only while running in a decentralized instance (--robot): a change that reached one instance and not another would break their bit-identity";
        if (!d.RunTime || !ControlParameters.All.Contains(d)) return $"parameter '{name}' cannot change while running; restart with it in the params file";
        return null;
    }

    /// <summary>
    /// Changes run-time parameters, all or none: each must be known, may change while running, and the whole set is read
    /// again exactly as the params file is (same ranges, same messages). Accepted changes take effect at a tick boundary.
    /// </summary>
    public ParameterSetResult SetParameters(IReadOnlyList<(string Name, ParameterValue Value)> changes, string origin)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        var result = SetParametersCore(changes, origin);
        if (result.Accepted) _parameterTally.Accept();
        else _parameterTally.Reject(string.Join("; ", result.Refusals.Select(r => r.Reason.StartsWith(origin + ": ", StringComparison.Ordinal) ? r.Reason : $"{origin}: {r.Reason}")));
        return result;
    }

    private ParameterSetResult SetParametersCore(IReadOnlyList<(string Name, ParameterValue Value)> changes, string origin)
    {
        var refusals = new List<(string, string)>();
        foreach (var (name, value) in changes)
        {
            var d = _table.Find(name);
            if (d is null) refusals.Add((name, $"unknown parameter '{name}'"));
            else if (ReadOnlyReason(name) is { } readOnly) refusals.Add((name, readOnly));
            else if (!Compatible(d.Type, value.Type)) refusals.Add((name, $"parameter '{name}' is a {d.Type}, not a {value.Type}"));
        }

        if (refusals.Count > 0) return Refused(changes, refusals);
        lock (_requestGate)
        {
            var overlay = _requested.Parameters.With(changes, origin);
            ControllerSettings settings;
            try
            {
                settings = ControllerSettings.Read(overlay);
                if (!settings.Arena.Equals(_requested.Settings.Arena)) throw new InputException($"{origin}: the arena cannot change while running");
                var errors = settings.PipelineOptions(_models, _o.BodyRadiusM).ValidationErrors();
                if (errors.Count > 0) throw new InputException($"{origin}: {string.Join("; ", errors)}");
            }
            catch (InputException e)
            {
                string culprit = NamedParameter(e.Message) ?? changes[0].Name;
                return Refused(changes, [(culprit, e.Message)]);
            }

            bool targetChanged = changes.Any(c => c.Name.StartsWith("target.", StringComparison.Ordinal));
            var target = targetChanged ? settings.Target : _requested.Target;
            string targetOrigin = targetChanged ? origin : _requested.TargetOrigin;
            _requested = new Request(settings, overlay, target, targetOrigin, _requested.Version + 1, ParameterInput);
            return new ParameterSetResult(true, [], Submit());
        }
    }

    /// <summary>Re-reads the target from the parameters (an edited target file) and makes it the target.</summary>
    public ParameterSetResult ReloadTarget(string origin)
    {
        ArgumentException.ThrowIfNullOrEmpty(origin);
        lock (_requestGate)
        {
            TargetDensity target;
            try
            {
                target = TargetParams.Read(_requested.Parameters);
            }
            catch (InputException e)
            {
                return new ParameterSetResult(false, [("target", e.Message)], Task.CompletedTask);
            }

            if (!target.Domain.Equals(_requested.Settings.Arena))
                return new ParameterSetResult(false, [("target", $"{origin}: its box {target.Domain} differs from the arena {_requested.Settings.Arena}; restart the controller to change the arena")], Task.CompletedTask);
            _requested = _requested with { Settings = _requested.Settings with { Target = target }, Target = target, TargetOrigin = origin, Version = _requested.Version + 1, Input = ParameterInput };
            return new ParameterSetResult(true, [], Submit());
        }
    }

    /// <summary>
    /// Makes <paramref name="target"/> the target from the next possible tick boundary (the robots keep their arena): the
    /// blob field is built off the tick thread (offline: at the next tick). A newer request supersedes one still being built.
    /// Returns null when accepted, else why not.
    /// </summary>
    public string? RequestTarget(TargetDensity target, string origin)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        lock (_requestGate)
        {
            if (!target.Domain.Equals(_requested.Settings.Arena))
                return $"its box {target.Domain} differs from the arena {_requested.Settings.Arena}; restart the controller to change the arena";
            _requested = _requested with { Target = target, TargetOrigin = origin, Version = _requested.Version + 1, Input = origin };
            _ = Submit();
            return null;
        }
    }

    /// <summary>Sets or releases the emergency stop from the next tick on: every robot is commanded zero while it is set.</summary>
    public void SetEmergencyStop(bool stop, string origin)
    {
        ArgumentException.ThrowIfNullOrEmpty(origin);
        lock (_requestGate)
        {
            _estopOrigin = origin;
            _estopRequested = stop;
        }
    }

    /// <summary>Hands zero commands for every robot this instance commands to the sink (shutdown).</summary>
    public void SendZero()
    {
        Array.Clear(_world);
        Array.Clear(_wire);
        _sink.Send(new CommandBatch(_tick, NowUnixNs(), _world, _wire, _own));
    }

    private static bool Compatible(ParameterType wanted, ParameterType given) =>
        wanted == given || (wanted == ParameterType.Double && given == ParameterType.Integer);

    private static ParameterSetResult Refused(IReadOnlyList<(string Name, ParameterValue Value)> changes, List<(string Name, string Reason)> refusals)
    {
        foreach (var (name, _) in changes)
            if (refusals.All(r => r.Name != name)) refusals.Add((name, $"parameter '{name}' not applied: another parameter of the same request was refused (a request applies all or none)"));
        return new ParameterSetResult(false, refusals, Task.CompletedTask);
    }

    private static string? NamedParameter(string message) => ParameterName().Match(message) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("parameter '([^']+)'")]
    private static partial Regex ParameterName();

    /// <summary>Wakes the preparer; the task completes when this request (or a newer one) is in force. Under the request lock.</summary>
    private Task Submit()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((_requested.Version, done));
        if (_preparer is not null) _prepareSignal.Release();
        return done.Task;
    }

    private void PrepareLoop()
    {
        while (true)
        {
            try
            {
                _prepareSignal.Wait(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Request req;
            Core @base;
            lock (_requestGate)
            {
                req = _requested;
                @base = _staged ?? _inForce;
            }

            if (req.Version <= @base.Version) continue;
            var built = TryPrepare(req, @base);
            lock (_requestGate) StageOrRevert(req, built);
        }
    }

    /// <summary>
    /// <see cref="Prepare"/> under the door's guarantee: a change that passed its input's checks but cannot be prepared
    /// (a target that is zero everywhere on the grid, a grid too fine) is refused with the reason and counted against
    /// its input; an exception of another kind is a defect of that input. Either way what is in force stays (null).
    /// </summary>
    private Core? TryPrepare(Request req, Core @base)
    {
        try
        {
            return Prepare(req, @base);
        }
        catch (InputException e)
        {
            Inputs.For(req.Input).Retract(e.Message);
            return null;
        }
#pragma warning disable CA1031 // a failed build must not take the node down: the target in force stays, and the reason is logged
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            LogPrepareFailed(_log, e, req.TargetOrigin);
            Inputs.For(req.Input).Defect(e);
            return null;
        }
    }

    /// <summary>
    /// Stages what <paramref name="req"/> built for the next tick boundary; a request that could not be prepared (null)
    /// gives way to what is staged or in force, unless a newer one came. Under the request lock.
    /// </summary>
    private void StageOrRevert(Request req, Core? built)
    {
        if (built is null)
        {
            var keep = _staged ?? _inForce;
            if (_requested.Version == req.Version) _requested = new Request(keep.Settings, keep.Parameters, keep.Target, keep.TargetOrigin, req.Version, req.Input);
            return;
        }

        var old = _staged;
        _staged = built;
        if (old is not null) Discard(old, built);
    }

    /// <summary>Builds what a request needs beside <paramref name="base"/>: a new field for another target or field parameters, a new pipeline for other pipeline parameters.</summary>
    private Core Prepare(Request req, Core @base)
    {
        var s = req.Settings;
        int n = _names.Length;
        bool sameField = ReferenceEquals(req.Target, @base.Target) && s.FieldOptions(n) == @base.Settings.FieldOptions(n);
        var field = sameField ? @base.Field : new BlobField(req.Target, s.FieldOptions(n));
        var quad = sameField ? @base.Quadrature : new TargetQuadrature(field);
        var options = s.PipelineOptions(_models, _o.BodyRadiusM) with { Arena = @base.Pipeline.Options.Arena };
        var pipeline = options == @base.Pipeline.Options ? @base.Pipeline : new CommandPipeline(options);
        return new Core(s, req.Parameters, req.Target, req.TargetOrigin, field, quad, pipeline, req.Version, _o.Offline);
    }

    /// <summary>Disposes what a superseded core owns that <paramref name="keep"/> and the core in force do not share. Under the request lock.</summary>
    private void Discard(Core old, Core keep)
    {
        if (!ReferenceEquals(old.Field, keep.Field) && !ReferenceEquals(old.Field, _inForce.Field)) old.Field.Dispose();
    }

    /// <summary>One control tick: changes at the boundary, poses, step, commands, status, observers.</summary>
    public TickTiming Tick()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long t0 = Stopwatch.GetTimestamp();
        var changes = ApplyChanges();
        var core = _inForce;
        core.Controller.WakeAhead(_names.Length); // its second thread is awake by the time the poses are in
        long now = _time.GetTimestamp();

        _intake.Clear();
        TakePoses();
        int accepted = 0, rejected = 0, lastRejected = -1;
        PoseUpdateResult lastRejection = default;
        for (int i = 0; i < _names.Length; i++)
        {
            _taken[i] = false;
            if (!_intake.TryGet(i, out var pose)) continue;
            var result = _registry.UpdatePose(_names[i], pose, now);
            if (result.Accepted)
            {
                _taken[i] = true;
                accepted++;
            }
            else
            {
                rejected++;
                (lastRejected, lastRejection) = (i, result);
            }
        }

        _poseTally.Accept(accepted);
        // A flood of bad poses costs one reason a tick (the last), not one per pose.
        if (rejected > 0) _poseTally.Reject(lastRejection.Describe(_names[lastRejected]), rejected);

        long t1 = Stopwatch.GetTimestamp();
        _registry.TakeSnapshot(_snapshot, now);
        var step = core.Controller.Step(_snapshot, _stepCommands);
        if (_estop) Array.Clear(_stepCommands);
        _registry.RecordCommands(_snapshot, _stepCommands);
        MapCommands();
        long t2 = Stopwatch.GetTimestamp();
        _sink.Send(new CommandBatch(_tick, NowUnixNs(), _world, _wire, _own));
        long t3 = Stopwatch.GetTimestamp();

        var timing = new TickTiming(Seconds(t0, t1), Seconds(t1, t2), Seconds(t2, t3));
        Latency.Record(timing.LatencyS);
        TakeTime.Record(timing.TakeS);
        StepTime.Record(timing.StepS);
        PublishTime.Record(timing.PublishS);
        TrackStatuses();
        _status = ComputeStatus(core, step, timing);
        if (_observers.Count > 0) PublishRecord(step, timing, now, changes);
        MaybeLog(step);
        _tick++;
        return timing;
    }

    private List<SessionChange>? ApplyChanges()
    {
        List<SessionChange>? changes = null;
        if (_estopRequested != _estop)
        {
            string origin;
            lock (_requestGate) origin = _estopOrigin;
            _estop = !_estop;
            if (_estop) LogEmergencyStop(_log, origin);
            else LogEmergencyRelease(_log, origin);
            (changes ??= []).Add(new EmergencyStopChange(_estop, origin));
        }

        Core? next;
        List<TaskCompletionSource>? done = null;
        lock (_requestGate)
        {
            if (_o.Offline && _requested.Version > (_staged ?? _inForce).Version)
            {
                var req = _requested;
                StageOrRevert(req, TryPrepare(req, _staged ?? _inForce)); // offline: deterministic, at this tick
            }

            next = _staged;
            _staged = null;
            if (next is not null)
            {
                // A loop, not RemoveAll with a lambda: its closure over `next` would be allocated on every tick.
                for (int k = _waiting.Count - 1; k >= 0; k--)
                {
                    if (_waiting[k].Version > next.Version) continue;
                    (done ??= []).Add(_waiting[k].Done);
                    _waiting.RemoveAt(k);
                }
            }
        }

        if (next is null) return changes;
        var old = _inForce;
        Volatile.Write(ref _inForce, next);
        if (!ReferenceEquals(next.Pipeline, old.Pipeline)) next.Pipeline.Totals.ContinueFrom(old.Pipeline.Totals);
        if (next.Settings.RegistryOptions() != old.Settings.RegistryOptions()) _registry.Reconfigure(next.Settings.RegistryOptions());
        foreach (var d in _table.All)
        {
            var before = old.Parameters.Value(d);
            var after = next.Parameters.Value(d);
            if (Equals(before, after)) continue;
            (changes ??= []).Add(new ParameterChange(d.Name, before, after, next.Parameters.OriginOf(d.Name)));
            LogParameterChanged(_log, d.Name, before?.ToYaml() ?? "(unset)", after?.ToYaml() ?? "(unset)", next.Parameters.OriginOf(d.Name));
        }

        if (!ReferenceEquals(next.Target, old.Target) || !ReferenceEquals(next.Field, old.Field))
        {
            (changes ??= []).Add(new TargetChange(next.Target, TargetMap.Of(next.Field), next.TargetOrigin));
            LogTargetChanged(_log, next.TargetOrigin, next.Target.Kind.ToString(), next.Target.Source, next.Target.Domain.ToString());
        }

        // The energy distance works on copies (its points, the quadrature), so the old field can go at once.
        if (!ReferenceEquals(next.Field, old.Field)) old.Field.Dispose();

        AppliedChanges++;
        if (done is not null)
            foreach (var t in done) t.TrySetResult();
        return changes;
    }

    /// <summary>Snapshot order to session order, the non-finite guard, and the command as a robot's cmd_vel carries it.</summary>
    private void MapCommands()
    {
        var poses = _snapshot.AllPoses;
        var statuses = _snapshot.Statuses;
        for (int r = 0; r < _stepCommands.Length; r++)
        {
            int i = _robotOfSnapshot[r];
            var cmd = _stepCommands[r];
            if (!cmd.IsFinite)
            {
                long count = ++_nonFinite;
                long now = _time.GetTimestamp();
                if (_lastNonFiniteLog == 0 || _time.GetElapsedTime(_lastNonFiniteLog, now) > TimeSpan.FromSeconds(5))
                {
                    _lastNonFiniteLog = now;
                    LogNonFinite(_log, cmd.ToString(), _names[i], count);
                }

                cmd = RobotCommand.Zero;
            }

            _world[i] = cmd;
            if (statuses[r] != RobotStatus.Active) _wire[i] = RobotCommand.Zero;
            else if (_models[i].Kind == RobotKind.DifferentialDrive) _wire[i] = new RobotCommand(cmd.Vx, 0, 0, cmd.OmegaZ);
            else _wire[i] = cmd.WorldToBody(poses[r].YawRad);
        }
    }

    private SessionStatus ComputeStatus(Core core, in ControllerTick step, in TickTiming timing)
    {
        int stale = 0, awaiting = 0;
        foreach (var st in _snapshot.Statuses)
        {
            stale += st == RobotStatus.Stale ? 1 : 0;
            awaiting += st == RobotStatus.AwaitingPose ? 1 : 0;
        }

        int n = _snapshot.ActiveCount, d = _snapshot.Dimension;
        double minDistance = double.NaN;
        if (_o.ComputeStatus)
        {
            var poses = _snapshot.Poses;
            for (int k = 0; k < n; k++)
            {
                _centres[k * d] = poses[k].X;
                _centres[k * d + 1] = poses[k].Y;
                if (d == 3) _centres[k * d + 2] = poses[k].Z;
            }

            minDistance = _pairs.MinDistance(_centres.AsSpan(0, n * d), d);
            MaybeEnergyDistance(core);
        }

        return new SessionStatus
        {
            Tick = _tick,
            ActiveRobots = step.Active,
            StaleRobots = stale,
            AwaitingRobots = awaiting,
            EpsilonM = core.Field.Epsilon,
            EnergyEps = n > 0 ? step.Blob.Energy : double.NaN,
            Chi2Eps = n > 0 ? step.Blob.Chi2 : double.NaN,
            EnergyDistanceM = Volatile.Read(ref _energyDistanceM),
            MinPairwiseDistanceM = minDistance,
            ClippedShare = step.Control.Robots > 0 ? (double)step.Control.ClippedCommands / step.Control.Robots : 0,
            ControlLatencyS = timing.LatencyS,
            EmergencyStop = _estop,
            RejectedPoses = _registry.RejectedPosesTotal,
            NonFiniteCommands = _nonFinite,
            ObserverDroppedTicks = _observers.TotalDropped(),
        };
    }

    private void MaybeEnergyDistance(Core core)
    {
        if (core.Settings.EnergyDistancePeriodS <= 0 || _snapshot.ActiveCount == 0) return;
        long now = _time.GetTimestamp();
        if (now < _nextEnergyTs || _energyTask is { IsCompleted: false }) return;
        _nextEnergyTs = now + (long)(core.Settings.EnergyDistancePeriodS * _time.TimestampFrequency);
        var points = core.Controller.LastPositions;
        if (_energyPoints.Length != points.Length) _energyPoints = new double[points.Length];
        points.CopyTo(_energyPoints);
        _energyTask = StartEnergyDistance(_energyPoints, core.Quadrature);
    }

    // A method of its own: a lambda in MaybeEnergyDistance would allocate its closure on every call, even when it returns early.
    private Task StartEnergyDistance(double[] points, TargetQuadrature quad) =>
        Task.Run(() => Volatile.Write(ref _energyDistanceM, CoverageMetrics.EnergyDistance(points, [], quad)));

    private void PublishRecord(in ControllerTick step, in TickTiming timing, long now, List<SessionChange>? changes)
    {
        var r = _observers.Rent();
        r.Tick = _tick;
        r.Timestamp = now;
        r.TimestampFrequency = _time.TimestampFrequency;
        r.TimeUnixNs = NowUnixNs();
        r.EmergencyStop = _estop;
        r.Step = step;
        r.Status = _status;
        r.Timing = timing;
        r.Changes = changes is null ? NoChanges : changes;
        var statuses = _snapshot.Statuses;
        var ages = _snapshot.PoseAgesS;
        var poses = _snapshot.AllPoses;
        for (int s = 0; s < statuses.Length; s++)
        {
            int i = _robotOfSnapshot[s];
            r.StatusArray[i] = statuses[s];
            r.AgeArray[i] = ages[s];
            r.PoseArray[i] = poses[s];
        }

        _taken.CopyTo(r.TakenArray, 0);
        _world.CopyTo(r.WorldArray, 0);
        _wire.CopyTo(r.WireArray, 0);
        _observers.Publish(r);
    }

    private void TrackStatuses()
    {
        var statuses = _snapshot.Statuses;
        var ages = _snapshot.PoseAgesS;
        bool allSeen = true;
        for (int r = 0; r < statuses.Length; r++)
        {
            int i = _robotOfSnapshot[r];
            var now = statuses[r];
            var before = _lastStatus[r];
            if (now == RobotStatus.Active && !_everSeen[i]) _everSeen[i] = true;
            else if (now == RobotStatus.Stale && before == RobotStatus.Active) LogStale(_log, _names[i], ages[r], _inForce.Settings.PoseTimeoutS);
            else if (now == RobotStatus.Active && before == RobotStatus.Stale) LogRejoined(_log, _names[i]);
            allSeen &= _everSeen[i];
            _lastStatus[r] = now;
        }

        if (allSeen && !_allSeenLogged)
        {
            _allSeenLogged = true;
            LogAllSeen(_log, statuses.Length, _tick);
        }
    }

    /// <summary>
    /// The pose source's intake. A source that throws (a decoder's defect) loses this tick's poses, counted as a defect of
    /// the pose input; the robots go stale by the watchdog as if nothing had arrived, and the loop goes on.
    /// </summary>
    private void TakePoses()
    {
        try
        {
            _poses.TakePoses(_intake);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _intake.Clear();
            _poseTally.Defect(e);
        }
    }

    private void MaybeLog(in ControllerTick step)
    {
        long now = _time.GetTimestamp();
        double period = _inForce.Settings.LogPeriodS;
        if (_nextLogTs == 0)
        {
            _nextLogTs = now + (long)(period * _time.TimestampFrequency);
            return;
        }

        if (now < _nextLogTs) return;
        _nextLogTs = now + (long)(period * _time.TimestampFrequency);
        long ticks = (long)(_tick - _ticksAtLastLog);
        _ticksAtLastLog = _tick;
        LogSummary(_log, _tick, step.Active, _status.AwaitingRobots, step.Blob.Chi2, _status.EnergyDistanceM, Latency.Summarize(ticks).ToString(), _estop ? " [EMERGENCY STOP]" : "");
    }

    /// <summary>Now on the session clock, nanoseconds since the Unix epoch (the stamps of its ticks).</summary>
    public long NowUnixNs() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;

    /// <summary>Stops the preparer (waiting for a build in progress), the energy distance and every observer (lossless ones drain first).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stopping.Cancel();
        _preparer?.Wait();
        _energyTask?.Wait(TimeSpan.FromSeconds(5));
        _observers.Dispose();
        lock (_requestGate)
        {
            if (_staged is not null) Discard(_staged, _inForce);
            _staged = null;
            foreach (var w in _waiting) w.Done.TrySetCanceled();
            _waiting.Clear();
        }

        _inForce.Field.Dispose();
        _prepareSignal.Dispose();
        _stopping.Dispose();
    }

    /// <summary>What a request asks to be in force: settings read from its parameters, and the target.</summary>
    /// <param name="Input">The input (tally) of the change that made this request: a failure to prepare it is counted there.</param>
    private sealed record Request(ControllerSettings Settings, RosParamsFile Parameters, TargetDensity Target, string TargetOrigin, long Version, string Input);

    /// <summary>Everything a tick uses that a change may replace.</summary>
    private sealed class Core
    {
        public Core(ControllerSettings settings, RosParamsFile parameters, TargetDensity target, string targetOrigin, BlobField field, TargetQuadrature quadrature, CommandPipeline pipeline, long version, bool offline)
        {
            Settings = settings;
            Parameters = parameters;
            Target = target;
            TargetOrigin = targetOrigin;
            Field = field;
            Quadrature = quadrature;
            Pipeline = pipeline;
            Version = version;
            // Offline, ticks follow one another at once: the controller's second thread stays awake between them.
            Controller = new SwarmController(field, pipeline, settings.ControlPeriodS) { BackToBack = offline };
        }

        public ControllerSettings Settings { get; }
        public RosParamsFile Parameters { get; }
        public TargetDensity Target { get; }
        public string TargetOrigin { get; }
        public BlobField Field { get; }
        public TargetQuadrature Quadrature { get; }
        public CommandPipeline Pipeline { get; }
        public SwarmController Controller { get; }
        public long Version { get; }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Safety filter warmed up ({NewtonSteps} Newton steps on a synthetic crowd)")]
    private static partial void LogWarmedUp(ILogger logger, int newtonSteps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The grid (spacing {SpacingM:G3} m) does not resolve the target: rhobar differs by up to {Ratio:G3}x between neighbouring cells; grid_spacing {Suggested:G3} would resolve it")]
    private static partial void LogUnresolved(ILogger logger, double spacingM, double ratio, double suggested);

    [LoggerMessage(Level = LogLevel.Warning, Message = "EMERGENCY STOP set ({Origin}): every robot is commanded zero until it is released")]
    private static partial void LogEmergencyStop(ILogger logger, string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Emergency stop released ({Origin}): control resumes")]
    private static partial void LogEmergencyRelease(ILogger logger, string origin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Parameter {Name} changed from {Before} to {After} ({Origin})")]
    private static partial void LogParameterChanged(ILogger logger, string name, string before, string after, string origin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Target changed from {Origin}: now {Kind} ({TargetSource}) over {Box}")]
    private static partial void LogTargetChanged(ILogger logger, string origin, string kind, string targetSource, string box);

    [LoggerMessage(Level = LogLevel.Error, Message = "A change from {Origin} could not be prepared; what is in force stays")]
    private static partial void LogPrepareFailed(ILogger logger, Exception e, string origin);

    [LoggerMessage(Level = LogLevel.Error, Message = "Non-finite command {Command} for {Robot} replaced by zero ({Count} so far): a bug to report")]
    private static partial void LogNonFinite(ILogger logger, string command, string robot, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Robot} is stale: its last pose is {AgeS:F2} s old (timeout {TimeoutS} s); commanded zero and left out of the density")]
    private static partial void LogStale(ILogger logger, string robot, double ageS, double timeoutS);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Robot} rejoined: its poses are fresh again")]
    private static partial void LogRejoined(ILogger logger, string robot);

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} robots report poses (tick {Tick})")]
    private static partial void LogAllSeen(ILogger logger, int count, ulong tick);


    [LoggerMessage(Level = LogLevel.Information, Message = "Tick {Tick}: {Active} active, {Awaiting} awaiting a first pose, chi2_eps {Chi2:G4}, energy distance {EnergyDistance:G4} m, loop latency {Latency}{Stop}")]
    private static partial void LogSummary(ILogger logger, ulong tick, int active, int awaiting, double chi2, double energyDistance, string latency, string stop);
}
