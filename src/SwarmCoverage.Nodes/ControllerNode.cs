using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SwarmCoverage.Control;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Metrics;
using SwarmCoverage.Core.Parallel;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using Pose = SwarmCoverage.Control.Pose;
using RosPose = SwarmCoverage.Ros2.Messages.GeometryMsgs.Pose;
using RosTarget = SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs.Target;

namespace SwarmCoverage.Nodes;

/// <summary>Where the time of one control tick went (seconds).</summary>
/// <param name="TakeS">Taking every robot's newest pose from DDS.</param>
/// <param name="StepS">Snapshot and controller step (blob field, pipeline, safety filter).</param>
/// <param name="PublishS">Publishing the commands.</param>
public readonly record struct TickTiming(double TakeS, double StepS, double PublishS)
{
    /// <summary>From the last pose taken to the last command published: the control-loop latency.</summary>
    public double LatencyS => StepS + PublishS;
}

/// <summary>
/// The ROS 2 controller node's work, one <see cref="Tick"/> per control period: take every robot's newest pose
/// (odometry or motion-capture pose), run the controller step (registry snapshot, blob field, command pipeline with
/// the safety filter), publish every robot's command (zero for stale robots, robots without a pose, and everyone
/// during an emergency stop; a non-finite command is never published), then the status. Poses are taken at the tick
/// and stamped with the tick's time, so the tick is a pure function of the poses it took: N decentralized instances
/// (<see cref="ControllerNodeSettings.OwnRobot"/>) that take the same poses at the same tick command exactly what one
/// centralized instance commands. <see cref="Tick"/> and <see cref="Shutdown"/> are called by one thread;
/// <see cref="RequestTarget"/> may be called from any.
/// </summary>
public sealed class ControllerNode : IDisposable
{
    private readonly ControllerNodeSettings _s;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly RosParticipant _participant;
    private readonly string[] _names;
    private readonly RobotModel[] _models;
    private readonly Dictionary<string, int> _indexOf;
    private readonly int _own;
    private readonly RosSubscription<Odometry>[]? _odomSubs;
    private readonly RosSubscription<PoseStamped>[]? _poseSubs;
    private readonly RosPublisher<Twist>?[]? _twistPubs;
    private readonly RosPublisher<TwistStamped>?[]? _stampedPubs;
    private readonly string[] _commandFrames;
    private readonly RosPublisher<Status>? _statusPub;
    private readonly RosPublisher<OccupancyGrid>? _mapPub;
    private readonly RosSubscription<Bool> _estopSub;
    private readonly RosSubscription<RosTarget> _targetSub;
    private readonly RosSubscription<OccupancyGrid> _gridSub;
    private readonly RobotRegistry _registry;
    private readonly SwarmSnapshot _snapshot;
    private readonly CommandPipeline _pipeline;
    private readonly BlobOptions _fieldOptions;
    private readonly RobotCommand[] _commands;
    private readonly int[] _robotOfSnapshot;
    private readonly RobotStatus[] _lastStatus;
    private readonly bool[] _everSeen;
    private readonly long[] _lastRejectionLog;
    private readonly double[] _yaw;
    private readonly double[] _centres;
    private readonly int[] _order;
    private readonly double[] _keys;
    private readonly Lock _pendingGate = new();
    private SwarmController _controller;
    private TargetQuadrature _quadrature;
    private (SwarmController Controller, TargetQuadrature Quadrature, string Source, long Sequence)? _pending;
    private long _requested;
    private long _applied;
    private bool _estop;
    private ulong _tick;
    private double _lastLatencyS = double.NaN;
    private double _energyDistanceM = double.NaN;
    private Task? _energyTask;
    private double[] _energyPoints = [];
    private long _nextEnergyTs;
    private long _nextLogTs;
    private long _ticksAtLastLog;
    private bool _allSeenLogged;
    private long _nonFiniteCommands;
    private long _rejectedPoses;
    private readonly CommandPublishing _publishing;
    private WorkerPool? _publishPool;
    private int _disposed;

    /// <summary>Creates the controller (checking every parameter) and every DDS entity.</summary>
    /// <exception cref="InputException">When a parameter is out of range; the message names it.</exception>
    public ControllerNode(ControllerNodeSettings settings, TimeProvider time, ILogger<ControllerNode> logger, RosParticipantOptions? participant = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _s = settings;
        _time = time;
        _log = logger;
        var c = settings.Controller;
        _names = [.. settings.Robots.Names];
        _models = [.. settings.Robots.Models];
        int n = _names.Length;
        _indexOf = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++) _indexOf[_names[i]] = i;
        _own = settings.OwnRobot is { } own ? _indexOf[own] : -1;
        PublishThreads = settings.PublishThreads > 0 ? settings.PublishThreads : AutomaticPublishThreads(_own >= 0 ? 1 : n, Environment.ProcessorCount);
        _publishing = new CommandPublishing(this);

        // The control core, built exactly as `simulate` builds it.
        try
        {
            var arena = c.ArenaBox();
            _registry = new RobotRegistry(arena, c.RegistryOptions(), time);
            for (int i = 0; i < n; i++) _registry.Join(_names[i], _models[i]);
            _pipeline = new CommandPipeline(c.PipelineOptions(_models, settings.Robots.BodyRadiusM));
            _fieldOptions = c.FieldOptions(n);
        }
        catch (ArgumentException e)
        {
            throw new InputException($"{settings.SourceFile ?? "parameters"}: {e.Message}", e);
        }

        var field = new BlobField(c.Target, _fieldOptions);
        _controller = new SwarmController(field, _pipeline, c.ControlPeriodS);
        // Compile the safety filter's solver now: the first coupled group of the run would otherwise pay it in its tick.
        var warm = _pipeline.WarmUp(_models, c.ControlPeriodS);
        _log.LogDebug("Safety filter warmed up ({NewtonSteps} Newton steps on a synthetic crowd)", warm.Safety.NewtonSteps);
        _quadrature = new TargetQuadrature(field);
        _snapshot = new SwarmSnapshot(c.Target.Dimension);
        _commands = new RobotCommand[n];
        _robotOfSnapshot = new int[n];
        _lastStatus = new RobotStatus[n];
        _everSeen = new bool[n];
        _lastRejectionLog = new long[n];
        _yaw = new double[n];
        _centres = new double[n * c.Target.Dimension];
        _order = new int[n];
        _keys = new double[n];
        _commandFrames = [.. _names.Select(name => name + "/base_link")];
        var (ratio, suggested) = field.Resolution;
        if (ratio > BlobField.ResolutionRatioLimit)
            _log.LogWarning("The grid (spacing {SpacingM:G3} m) does not resolve the target: rhobar differs by up to {Ratio:G3}x between neighbouring cells; grid_spacing {Suggested:G3} would resolve it",
                field.Grid.SpacingAlong(0), ratio, suggested);

        _participant = new RosParticipant((participant ?? new RosParticipantOptions()) with { NodeName = settings.WireNodeName });
        try
        {
            if (settings.PoseSource == PoseSource.Odometry)
                _odomSubs = [.. _names.Select(r => _participant.CreateSubscription<Odometry>(ControllerNodeSettings.Topic(settings.OdometryTopic, r), RosQos.SensorData))];
            else
                _poseSubs = [.. _names.Select(r => _participant.CreateSubscription<PoseStamped>(ControllerNodeSettings.Topic(settings.PoseTopic, r), RosQos.SensorData))];
            if (settings.CommandType == CommandMessageType.Twist)
                _twistPubs = [.. _names.Select((r, i) => Commands(i) ? _participant.CreatePublisher<Twist>(ControllerNodeSettings.Topic(settings.CommandTopic, r), RosQos.Default) : null)];
            else
                _stampedPubs = [.. _names.Select((r, i) => Commands(i) ? _participant.CreatePublisher<TwistStamped>(ControllerNodeSettings.Topic(settings.CommandTopic, r), RosQos.Default) : null)];
            if (_own < 0)
            {
                _statusPub = _participant.CreatePublisher<Status>(settings.StatusTopic, RosQos.Default);
                _mapPub = _participant.CreatePublisher<OccupancyGrid>(settings.TargetMapTopic, RosQos.Latched);
            }

            _estopSub = _participant.CreateSubscription<Bool>(settings.EmergencyStopTopic, RosQos.Default);
            _targetSub = _participant.CreateSubscription<RosTarget>(settings.TargetTopic, RosQos.Default);
            _gridSub = _participant.CreateSubscription<OccupancyGrid>(settings.TargetGridTopic, RosQos.Default);
        }
        catch
        {
            _participant.Dispose();
            _controller.Dispose();
            throw;
        }

        _log.LogInformation(
            "Controller {Node}: {Robots} ({Mode}), poses from {PoseTopic} ({PoseType}), commands on {CommandTopic} ({CommandType}), {Time}; {Controller}",
            settings.WireNodeName, settings.Robots.Description,
            _own < 0 ? "centralized" : $"decentralized: commands only {settings.OwnRobot}",
            settings.PoseSource == PoseSource.Odometry ? settings.OdometryTopic : settings.PoseTopic,
            settings.PoseSource == PoseSource.Odometry ? "nav_msgs/msg/Odometry" : "geometry_msgs/msg/PoseStamped",
            settings.CommandTopic, settings.CommandType == CommandMessageType.Twist ? "geometry_msgs/msg/Twist" : "geometry_msgs/msg/TwistStamped",
            settings.UseSimTime ? "ROS time from /clock" : "wall-clock time", c.Describe(n));
        PublishTargetMap();
    }

    /// <summary>The DDS participant (the clock subscription shares it).</summary>
    public RosParticipant Participant => _participant;

    /// <summary>The settings in effect.</summary>
    public ControllerNodeSettings Settings => _s;

    /// <summary>Control-loop latency (last pose taken to last command published) of every tick.</summary>
    public LatencyRecorder Latency { get; } = new();

    /// <summary>Time taken by the pose intake of every tick.</summary>
    public LatencyRecorder TakeTime { get; } = new();

    /// <summary>Time of the controller step of every tick.</summary>
    public LatencyRecorder StepTime { get; } = new();

    /// <summary>Time taken publishing the commands of every tick.</summary>
    public LatencyRecorder PublishTime { get; } = new();

    /// <summary>Robots with a fresh pose at the last tick.</summary>
    public int ActiveRobots => _snapshot.ActiveCount;

    /// <summary>Threads that publish the commands of a tick (<see cref="ControllerNodeSettings.PublishThreads"/>, resolved).</summary>
    public int PublishThreads { get; }

    /// <summary>Robots from which the automatic <c>publish_threads</c> uses two threads.</summary>
    public const int ParallelPublishRobots = 64;

    /// <summary>
    /// The automatic number of publishing threads: each command is one <c>dds_write</c> and one datagram (about 9 us each
    /// on the development VM), so a swarm of <see cref="ParallelPublishRobots"/> or more publishes from two threads when
    /// there are two processors; smaller swarms publish from the control loop alone. Measured with <c>bench ros</c> at
    /// 50 Hz under SCHED_FIFO: two threads take the p99 latency from 1.33 to 0.81 ms for 64 robots, and for 100 robots
    /// from 1.58-2.34 ms to 1.19-2.11 ms (4 runs each).
    /// </summary>
    public static int AutomaticPublishThreads(int commandedRobots, int processors) =>
        commandedRobots >= ParallelPublishRobots ? Math.Clamp(processors, 1, 2) : 1;

    /// <summary>Ticks run.</summary>
    public ulong Ticks => _tick;

    /// <summary>Target changes applied since the start.</summary>
    public long TargetChanges => Interlocked.Read(ref _applied);

    /// <summary>The target in effect.</summary>
    public TargetDensity Target => _controller.Field.Target;

    /// <summary>True while the emergency stop is set.</summary>
    public bool EmergencyStopped => _estop;

    private bool Commands(int robot) => _own < 0 || robot == _own;

    /// <summary>One control tick; returns where its time went.</summary>
    public TickTiming Tick()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        long t0 = Stopwatch.GetTimestamp();
        ApplyPendingTarget();
        ReadControlTopics();
        ReadPoses();
        long t1 = Stopwatch.GetTimestamp();
        _registry.TakeSnapshot(_snapshot);
        if (_tick == 0) MapSnapshot();
        var step = _controller.Step(_snapshot, _commands);
        if (_estop) Array.Clear(_commands);
        _registry.RecordCommands(_snapshot, _commands);
        long t2 = Stopwatch.GetTimestamp();
        var stamp = Now();
        PublishCommands(stamp);
        long t3 = Stopwatch.GetTimestamp();

        var timing = new TickTiming(Seconds(t0, t1), Seconds(t1, t2), Seconds(t2, t3));
        Latency.Record(timing.LatencyS);
        TakeTime.Record(timing.TakeS);
        StepTime.Record(timing.StepS);
        PublishTime.Record(timing.PublishS);
        TrackStatuses();
        if (_statusPub is not null) PublishStatus(stamp, step);
        _lastLatencyS = timing.LatencyS;
        _tick++;
        MaybeLog(step);
        return timing;
    }

    /// <summary>
    /// Publishes zero to every robot this instance commands, then waits (up to <paramref name="ackTimeout"/> in all)
    /// until every matched subscription acknowledged it. Returns the number of robots whose zero was acknowledged.
    /// </summary>
    public int Shutdown(TimeSpan ackTimeout)
    {
        if (_disposed != 0) return 0;
        var stamp = Now();
        int sent = 0;
        for (int i = 0; i < _names.Length; i++)
        {
            if (!Commands(i)) continue;
            Publish(i, default, stamp);
            sent++;
        }

        long start = Stopwatch.GetTimestamp();
        int acked = 0, unmatched = 0;
        for (int i = 0; i < _names.Length; i++)
        {
            if (!Commands(i)) continue;
            RosPublisher pub = (RosPublisher?)_twistPubs?[i] ?? _stampedPubs![i]!;
            if (pub.MatchedSubscriptionCount == 0)
            {
                unmatched++;
                continue;
            }

            var left = ackTimeout - Stopwatch.GetElapsedTime(start);
            if (pub.WaitForAcknowledgments(left > TimeSpan.Zero ? left : TimeSpan.Zero)) acked++;
        }

        _log.LogInformation("Shutdown: published zero to {Sent} robots; {Acked} of {Matched} with a subscriber acknowledged it within {TimeoutS} s. {Ticks} ticks, loop latency {Latency}; {Totals}",
            sent, acked, sent - unmatched, ackTimeout.TotalSeconds, _tick, Latency.Summarize(), _pipeline.Totals);
        return acked;
    }

    /// <summary>
    /// Replaces the target from now on (the robots keep their arena): the blob field is built on the thread pool and
    /// swapped in at the start of a tick. A newer request supersedes an older one still being built.
    /// </summary>
    public void RequestTarget(TargetDensity target, string source)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.Domain.Equals(_s.Controller.Arena))
        {
            _log.LogWarning("Target from {Source} ignored: its box {Box} differs from the arena {Arena}; restart the controller to change the arena", source, target.Domain, _s.Controller.Arena);
            return;
        }

        long seq = Interlocked.Increment(ref _requested);
        _ = Task.Run(() =>
        {
            try
            {
                var field = new BlobField(target, _fieldOptions);
                var controller = new SwarmController(field, _pipeline, _s.Controller.ControlPeriodS);
                var quad = new TargetQuadrature(field);
                lock (_pendingGate)
                {
                    if (seq < Interlocked.Read(ref _requested) || (_pending is { } p && p.Sequence > seq))
                    {
                        controller.Dispose();
                        return;
                    }

                    _pending?.Controller.Dispose();
                    _pending = (controller, quad, source, seq);
                }
            }
            catch (InputException e)
            {
                _log.LogWarning("Target from {Source} ignored, the current target stays: {Reason}", source, e.Message);
            }
#pragma warning disable CA1031 // a failed build must not take the node down: the old target stays, and the reason is logged
            catch (Exception e)
#pragma warning restore CA1031
            {
                _log.LogError(e, "Target from {Source} could not be built; the current target stays", source);
            }
        });
    }

    private void ApplyPendingTarget()
    {
        (SwarmController Controller, TargetQuadrature Quadrature, string Source, long Sequence)? next;
        lock (_pendingGate)
        {
            next = _pending;
            _pending = null;
        }

        if (next is not { } p) return;
        var old = _controller;
        _controller = p.Controller;
        _quadrature = p.Quadrature;
        old.Dispose();
        Interlocked.Increment(ref _applied);
        var t = _controller.Field.Target;
        _log.LogInformation("Target changed from {Source}: now {Kind} ({TargetSource}) over {Box}", p.Source, t.Kind, t.Source, t.Domain);
        PublishTargetMap();
    }

    private void ReadControlTopics()
    {
        var b = default(Bool);
        while (_estopSub.TryTake(ref b))
        {
            if (b.Data != _estop)
            {
                if (b.Data) _log.LogWarning("EMERGENCY STOP set on {Topic}: every robot is commanded zero until it is released", _s.EmergencyStopTopic);
                else _log.LogWarning("Emergency stop released on {Topic}: control resumes", _s.EmergencyStopTopic);
            }

            _estop = b.Data;
        }

        var arena = _s.Controller.Arena;
        var target = new RosTarget();
        if (_targetSub.TryTakeLatest(ref target))
        {
            string source = "topic " + _s.TargetTopic;
            try
            {
                RequestTarget(TargetMessages.FromTarget(target, arena, source), source);
            }
            catch (InputException e)
            {
                _log.LogWarning("Target from {Source} ignored, the current target stays: {Reason}", source, e.Message);
            }
        }

        var grid = default(OccupancyGrid);
        if (_gridSub.TryTakeLatest(ref grid))
        {
            string source = "topic " + _s.TargetGridTopic;
            try
            {
                RequestTarget(TargetMessages.FromOccupancyGrid(grid, arena, _controller.Field.Target.Floor, source), source);
            }
            catch (InputException e)
            {
                _log.LogWarning("Target from {Source} ignored, the current target stays: {Reason}", source, e.Message);
            }
        }
    }

    private void ReadPoses()
    {
        for (int i = 0; i < _names.Length; i++)
        {
            Pose pose;
            if (_odomSubs is not null)
            {
                var o = default(Odometry);
                if (!_odomSubs[i].TryTakeLatest(ref o)) continue;
                pose = ToPose(o.Pose.Pose);
            }
            else
            {
                var p = default(PoseStamped);
                if (!_poseSubs![i].TryTakeLatest(ref p)) continue;
                pose = ToPose(p.Pose);
            }

            var result = _registry.UpdatePose(_names[i], pose);
            if (!result.Accepted)
            {
                _rejectedPoses++;
                long now = _time.GetTimestamp();
                if (_lastRejectionLog[i] == 0 || _time.GetElapsedTime(_lastRejectionLog[i], now) > TimeSpan.FromSeconds(5))
                {
                    _lastRejectionLog[i] = now;
                    _log.LogWarning("{Reason} ({Rejected} poses rejected so far)", result.Describe(_names[i]), _rejectedPoses);
                }
            }
        }
    }

    /// <summary>The pose with its yaw from <see cref="DetMath.Atan2"/>: libm-free, so controllers on different machines agree bit for bit.</summary>
    private static Pose ToPose(in RosPose p)
    {
        var q = p.Orientation;
        double yaw = DetMath.Atan2(2.0 * ((q.W * q.Z) + (q.X * q.Y)), (q.W * q.W) + (q.X * q.X) - (q.Y * q.Y) - (q.Z * q.Z));
        return new(p.Position.X, p.Position.Y, p.Position.Z, yaw);
    }

    private void MapSnapshot()
    {
        var names = _snapshot.Names;
        for (int r = 0; r < names.Length; r++) _robotOfSnapshot[r] = _indexOf[names[r]];
    }

    private void PublishCommands(Time stamp)
    {
        var active = _snapshot.ActiveIndices;
        var poses = _snapshot.Poses;
        for (int k = 0; k < active.Length; k++) _yaw[active[k]] = poses[k].YawRad;
        int n = _commands.Length;
        if (PublishThreads == 1 || _own >= 0 || n < 2)
        {
            PublishRange(stamp, 0, n);
            return;
        }

        // Several threads, each robot's writer used by one of them: every command is final before the first is sent, so
        // the order in which they go out changes nothing they say. The pool is made here, on the control loop's thread,
        // so its threads inherit the loop's scheduling (SCHED_FIFO under realtime_priority).
        _publishPool ??= new WorkerPool(PublishThreads, "publish");
        _publishing.Stamp = stamp;
        _publishPool.Run(_publishing, CommandPublishing.Blocks(PublishThreads, n));
    }

    /// <summary>The commands of one tick as blocks of robots for the publishing threads.</summary>
    private sealed class CommandPublishing(ControllerNode node) : IParallelWork
    {
        public Time Stamp;

        public static int Blocks(int threads, int robots) => Math.Min(robots, 4 * threads);

        public void Execute(int item, int worker)
        {
            int n = node._commands.Length, blocks = Blocks(node.PublishThreads, n);
            node.PublishRange(Stamp, (int)((long)item * n / blocks), (int)((long)(item + 1) * n / blocks));
        }
    }

    private void PublishRange(Time stamp, int from, int to)
    {
        for (int r = from; r < to; r++)
        {
            int i = _robotOfSnapshot[r];
            if (!Commands(i)) continue;
            var cmd = _commands[r];
            if (!cmd.IsFinite)
            {
                long count = Interlocked.Increment(ref _nonFiniteCommands);
                _log.LogError("Non-finite command {Command} for {Robot} replaced by zero ({Count} so far): a bug to report", cmd, _names[i], count);
                cmd = RobotCommand.Zero;
            }

            Twist twist;
            if (_models[i].Kind == RobotKind.DifferentialDrive)
            {
                twist = Twist.Planar(cmd.Vx, cmd.OmegaZ);
            }
            else
            {
                var body = cmd.WorldToBody(_yaw[r]);
                twist = new Twist(new Vector3(body.Vx, body.Vy, body.Vz), new Vector3(0, 0, body.OmegaZ));
            }

            Publish(i, twist, stamp);
        }
    }

    private void Publish(int robot, in Twist twist, Time stamp)
    {
        if (_twistPubs is not null) _twistPubs[robot]!.Publish(twist);
        else _stampedPubs![robot]!.Publish(new TwistStamped(new Header(stamp, _commandFrames[robot]), twist));
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
            if (now == RobotStatus.Active && !_everSeen[i])
            {
                _everSeen[i] = true;
            }
            else if (now == RobotStatus.Stale && before == RobotStatus.Active)
            {
                _log.LogWarning("{Robot} is stale: its last pose is {AgeS:F2} s old (timeout {TimeoutS} s); commanded zero and left out of the density",
                    _names[i], ages[r], _s.Controller.PoseTimeoutS);
            }
            else if (now == RobotStatus.Active && before == RobotStatus.Stale)
            {
                _log.LogInformation("{Robot} rejoined: its poses are fresh again", _names[i]);
            }

            allSeen &= _everSeen[i];
            _lastStatus[r] = now;
        }

        if (allSeen && !_allSeenLogged)
        {
            _allSeenLogged = true;
            _log.LogInformation("All {Count} robots report poses (tick {Tick})", statuses.Length, _tick);
        }
    }

    private void PublishStatus(Time stamp, in ControllerTick step)
    {
        int stale = 0;
        foreach (var st in _snapshot.Statuses) stale += st == RobotStatus.Stale ? 1 : 0;
        int d = _snapshot.Dimension;
        int n = _snapshot.ActiveCount;
        var poses = _snapshot.Poses;
        for (int k = 0; k < n; k++)
        {
            _centres[k * d] = poses[k].X;
            _centres[k * d + 1] = poses[k].Y;
            if (d == 3) _centres[k * d + 2] = poses[k].Z;
        }

        MaybeEnergyDistance();
        _statusPub!.Publish(new Status
        {
            Header = new Header(stamp, _s.FrameId),
            Tick = _tick,
            ActiveRobots = (uint)step.Active,
            StaleRobots = (uint)stale,
            EpsilonM = _controller.Field.Epsilon,
            EnergyEps = n > 0 ? step.Blob.Energy : double.NaN,
            Chi2Eps = n > 0 ? step.Blob.Chi2 : double.NaN,
            EnergyDistanceM = _energyDistanceM,
            MinPairwiseDistanceM = MinPairDistance(_centres.AsSpan(0, n * d), d),
            ClippedShare = step.Control.Robots > 0 ? (double)step.Control.ClippedCommands / step.Control.Robots : 0,
            ControlLatencyS = _lastLatencyS,
        });
    }

    private void MaybeEnergyDistance()
    {
        if (_s.EnergyDistancePeriodS <= 0 || _snapshot.ActiveCount == 0) return;
        long now = _time.GetTimestamp();
        if (now < _nextEnergyTs || _energyTask is { IsCompleted: false }) return;
        _nextEnergyTs = now + (long)(_s.EnergyDistancePeriodS * _time.TimestampFrequency);
        var points = _controller.LastPositions;
        if (_energyPoints.Length != points.Length) _energyPoints = new double[points.Length];
        points.CopyTo(_energyPoints);
        _energyTask = StartEnergyDistance(_energyPoints, _quadrature);
    }

    // A method of its own: a lambda in MaybeEnergyDistance would allocate its closure on every call, even when it returns early.
    private Task StartEnergyDistance(double[] points, TargetQuadrature quad) =>
        Task.Run(() => Volatile.Write(ref _energyDistanceM, CoverageMetrics.EnergyDistance(points, [], quad)));

    /// <summary>Smallest distance between two of the points (plane sweep along x, reusing buffers); +inf for fewer than two.</summary>
    private double MinPairDistance(ReadOnlySpan<double> points, int d)
    {
        int n = points.Length / d;
        if (n < 2) return double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            _order[i] = i;
            _keys[i] = points[i * d];
        }

        Array.Sort(_keys, _order, 0, n);
        double best = double.PositiveInfinity, best2 = double.PositiveInfinity;
        for (int a = 0; a < n; a++)
        {
            for (int b = a + 1; b < n && _keys[b] - _keys[a] < best; b++)
            {
                int i = _order[a], j = _order[b];
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    double t = points[i * d + k] - points[j * d + k];
                    s += t * t;
                }

                if (s < best2)
                {
                    best2 = s;
                    best = Math.Sqrt(s);
                }
            }
        }

        return best;
    }

    private void MaybeLog(in ControllerTick step)
    {
        long now = _time.GetTimestamp();
        if (_nextLogTs == 0)
        {
            _nextLogTs = now + (long)(_s.LogPeriodS * _time.TimestampFrequency);
            return;
        }

        if (now < _nextLogTs) return;
        _nextLogTs = now + (long)(_s.LogPeriodS * _time.TimestampFrequency);
        long ticks = (long)_tick - _ticksAtLastLog;
        _ticksAtLastLog = (long)_tick;
        int awaiting = 0;
        foreach (var st in _snapshot.Statuses) awaiting += st == RobotStatus.AwaitingPose ? 1 : 0;
        _log.LogInformation(
            "Tick {Tick}: {Active} active, {Awaiting} awaiting a first pose, chi2_eps {Chi2:G4}, energy distance {EnergyDistance:G4} m, loop latency {Latency}{Stop}",
            _tick, step.Active, awaiting, step.Blob.Chi2, _energyDistanceM, Latency.Summarize(ticks), _estop ? " [EMERGENCY STOP]" : "");
    }

    private Time Now() => Time.FromNanoseconds((_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100);

    private static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;

    private void PublishTargetMap()
    {
        if (_mapPub is null) return;
        _mapPub.Publish(TargetMessages.ToOccupancyGrid(_controller.Field, Now(), _s.FrameId));
    }

    /// <summary>Deletes every DDS entity and the blob field.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _energyTask?.Wait(TimeSpan.FromSeconds(5));
        _publishPool?.Dispose();
        _participant.Dispose();
        _controller.Dispose();
        lock (_pendingGate)
        {
            _pending?.Controller.Dispose();
            _pending = null;
        }
    }
}
