using Microsoft.Extensions.Logging;
using SwarmCoverage.Control;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Security;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using RosTarget = SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs.Target;

namespace SwarmCoverage.Nodes;

/// <summary>
/// The ROS 2 controller node: an adapter around the <see cref="ControlSession"/> (docs/control-session.md). DDS readers of
/// every robot's odometry (or pose) are its pose source, DDS writers of every robot's <c>cmd_vel</c> its command sink, and a
/// status publisher observes it; the emergency stop and live targets come in on their topics. Poses are taken at the tick
/// and stamped with the tick's time, so N decentralized instances (<see cref="ControllerNodeSettings.OwnRobot"/>) that take
/// the same poses at the same tick command exactly what one centralized instance commands. <see cref="Tick"/> and
/// <see cref="Shutdown"/> are called by one thread; <see cref="RequestTarget"/> may be called from any.
/// </summary>
public sealed partial class ControllerNode : IDisposable
{
    /// <summary>Robots from which the automatic <c>publish_threads</c> uses two threads.</summary>
    public const int ParallelPublishRobots = 64;

    private readonly ILogger _log;
    private readonly RosParticipant _participant;
    private readonly DdsCommandSink _sink;
    private readonly ControlSession _session;
    private readonly RosSubscription<Bool> _estopSub;
    private readonly RosSubscription<RosTarget> _targetSub;
    private readonly RosSubscription<OccupancyGrid> _gridSub;
    private readonly IDisposable? _statusObserver;
    private readonly DiagnosticsPublisher _diagnostics;
    private readonly IDisposable _diagnosticsObserver;
    private readonly IDisposable _parameterEventsObserver;
    private readonly RosoutPublisher _rosout;
    private readonly RosoutLog? _ownLog;
    private readonly string _estopOrigin;
    private readonly string _targetOrigin;
    private readonly string _gridOrigin;
    private readonly IDisposable? _recorder;
    private readonly Live.LiveFoxglove? _foxglove;
    private readonly RosParameterServices? _services;
    private int _disposed;

    /// <summary>Creates the session (checking every parameter) and every DDS entity.</summary>
    /// <param name="settings">The node's parameters.</param>
    /// <param name="time">The node's clock (wall clock, or ROS time from /clock).</param>
    /// <param name="logger">The node's log.</param>
    /// <param name="participant">DDS participant options (domain, Cyclone configuration); the node name is the node's.</param>
    /// <param name="security">
    /// SROS2 as <see cref="RosSecurity.Resolve"/> decided it: its files and enclave go into the participant, and its
    /// message is the one start-up line about security. Null: as <paramref name="participant"/> says, nothing logged.
    /// </param>
    /// <exception cref="InputException">When a parameter is out of range; the message names it.</exception>
    /// <exception cref="RosSecurityException">When Cyclone refuses the enclave's files; the message names the file.</exception>
    /// <param name="rosout">The node's log, published on <c>/rosout</c> (and the Foxglove channel of that name); null: not published.</param>
    public ControllerNode(ControllerNodeSettings settings, TimeProvider time, ILogger<ControllerNode> logger, RosParticipantOptions? participant = null, RosSecurityOutcome? security = null, RosoutLog? rosout = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        Settings = settings;
        _log = logger;
        _estopOrigin = "topic " + settings.EmergencyStopTopic;
        _targetOrigin = "topic " + settings.TargetTopic;
        _gridOrigin = "topic " + settings.TargetGridTopic;
        int n = settings.Robots.Names.Count;
        int own = settings.OwnRobot is { } o ? settings.Robots.Names.ToList().IndexOf(o) : -1;
        int threads = settings.PublishThreads > 0 ? settings.PublishThreads : AutomaticPublishThreads(own >= 0 ? 1 : n, Environment.ProcessorCount);
        NodeEnclaves.Log(_log, security);
        var options = (participant ?? new RosParticipantOptions()) with { NodeName = settings.WireNodeName, Namespace = settings.Namespace, Graph = settings.Distro };
        _participant = new RosParticipant(security is null ? options : security.Apply(options));
        try
        {
            var poses = new DdsPoseSource(_participant, settings);
            _sink = new DdsCommandSink(_participant, settings, own, threads);
            _session = new ControlSession(new ControlSessionOptions
            {
                Settings = settings.Controller,
                Parameters = settings.Parameters,
                Table = NodeParameters.Table,
                RobotNames = settings.Robots.Names,
                Models = settings.Robots.Models,
                BodyRadiusM = settings.Robots.BodyRadiusM,
                OwnRobot = settings.OwnRobot,
                ComputeStatus = own < 0,
                ParametersReadOnly = own >= 0,
                TargetOrigin = settings.SourceFile ?? "parameters",
                PoseInput = "topic " + (settings.PoseSource == PoseSource.Odometry ? settings.OdometryTopic : settings.PoseTopic),
            }, poses, _sink, time, logger);
            _estopSub = _participant.CreateSubscription<Bool>(settings.EmergencyStopTopic, RosQos.Default);
            _targetSub = _participant.CreateSubscription<RosTarget>(settings.TargetTopic, RosQos.Default);
            _gridSub = _participant.CreateSubscription<OccupancyGrid>(settings.TargetGridTopic, RosQos.Default);
            // /rosout always exists (it is in the node's topics and permissions); without the host's log it stays quiet.
            _rosout = new RosoutPublisher(_participant, rosout ?? (_ownLog = new RosoutLog(settings.WireNodeName)));
            _diagnostics = new DiagnosticsPublisher(_participant, _session, settings.WireNodeName);
            _diagnosticsObserver = _session.Attach(_diagnostics, new ObserverOptions { Name = "diagnostics", Capacity = 64 });
            _parameterEventsObserver = _session.Attach(new RosParameterEventsPublisher(_participant, settings.FullNodeName), new ObserverOptions { Name = "parameter_events", Capacity = 64 });
            _services = new RosParameterServices(_participant, _session, (service, e) => LogServiceFailed(_log, service, e.Message));
            if (own < 0) _statusObserver = _session.Attach(new RosStatusPublisher(_participant, settings), new ObserverOptions { Name = "status", Capacity = 8 });
            if (settings.Foxglove.Port > 0)
                _foxglove = Live.LiveFoxglove.StartAsync(_session, Recording.RecordingTopics.Of(settings), settings.Foxglove, settings.UseSimTime, rosout: rosout).GetAwaiter().GetResult();
            // Live, the recorder never holds a tick back: a queue of its own, drops counted by the session; a clean stop drains it.
            if (settings.RecordPath is { } record)
                _recorder = _session.Attach(new Recording.RunRecorder(record, Recording.RecordingTopics.Of(settings), log: logger), new ObserverOptions { Name = "recorder", Capacity = 1024 });
        }
        catch
        {
            _foxglove?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _services?.Dispose();
            _rosout?.Dispose(); // null when the participant failed before it
            _session?.Dispose();
            _sink?.Dispose();
            _participant.Dispose();
            throw;
        }

        LogStarted(_log, settings.WireNodeName, settings.Robots.Description,
            own < 0 ? "centralized" : $"decentralized: commands only {settings.OwnRobot}",
            settings.PoseSource == PoseSource.Odometry ? settings.OdometryTopic : settings.PoseTopic,
            settings.PoseSource == PoseSource.Odometry ? "nav_msgs/msg/Odometry" : "geometry_msgs/msg/PoseStamped",
            settings.CommandTopic, settings.CommandType == CommandMessageType.Twist ? "geometry_msgs/msg/Twist" : "geometry_msgs/msg/TwistStamped",
            settings.UseSimTime ? "ROS time from /clock" : "wall-clock time", settings.Controller.Describe(n));
        if (_participant.GraphRefusal is { } outside) LogOutsideGraph(_log, outside);
        if (_foxglove is not null) LogServing(_log, _foxglove.ConsoleUrl, _foxglove.Server.Url);
    }

    /// <summary>The control session this node is a face of.</summary>
    public ControlSession Session => _session;

    /// <summary>The DDS participant (the clock subscription shares it).</summary>
    public RosParticipant Participant => _participant;

    /// <summary>The settings in effect at the start.</summary>
    public ControllerNodeSettings Settings { get; }

    /// <summary>Control-loop latency (last pose taken to last command published) of every tick.</summary>
    public LatencyRecorder Latency => _session.Latency;

    /// <summary>Time taken by the pose intake of every tick.</summary>
    public LatencyRecorder TakeTime => _session.TakeTime;

    /// <summary>Time of the controller step of every tick.</summary>
    public LatencyRecorder StepTime => _session.StepTime;

    /// <summary>Time taken publishing the commands of every tick.</summary>
    public LatencyRecorder PublishTime => _session.PublishTime;

    /// <summary>Robots with a fresh pose at the last tick.</summary>
    public int ActiveRobots => _session.ActiveRobots;

    /// <summary>Threads that publish the commands of a tick (<see cref="ControllerNodeSettings.PublishThreads"/>, resolved).</summary>
    public int PublishThreads => _sink.Threads;

    /// <summary>Ticks run.</summary>
    public ulong Ticks => _session.Ticks;

    /// <summary>Target and parameter changes applied since the start.</summary>
    public long TargetChanges => _session.AppliedChanges;

    /// <summary>The target in effect.</summary>
    public TargetDensity Target => _session.Target;

    /// <summary>True while the emergency stop is set.</summary>
    public bool EmergencyStopped => _session.EmergencyStopped;

    /// <summary>
    /// The automatic number of publishing threads: each command is one <c>dds_write</c> and one datagram (about 9 us each
    /// on the development VM), so a swarm of <see cref="ParallelPublishRobots"/> or more publishes from two threads when
    /// there are two processors; smaller swarms publish from the control loop alone. Measured with <c>bench ros</c> at
    /// 50 Hz under SCHED_FIFO: two threads take the p99 latency from 1.33 to 0.81 ms for 64 robots, and for 100 robots
    /// from 1.58-2.34 ms to 1.19-2.11 ms (4 runs each).
    /// </summary>
    public static int AutomaticPublishThreads(int commandedRobots, int processors) =>
        commandedRobots >= ParallelPublishRobots ? Math.Clamp(processors, 1, 2) : 1;

    /// <summary>One control tick (the emergency stop and targets that arrived first); returns where its time went.</summary>
    public TickTiming Tick()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ReadControlTopics();
        return _session.Tick();
    }

    /// <summary>
    /// Publishes zero to every robot this instance commands, then waits (up to <paramref name="ackTimeout"/> in all)
    /// until every matched subscription acknowledged it. Returns the number of robots whose zero was acknowledged.
    /// </summary>
    public int Shutdown(TimeSpan ackTimeout)
    {
        if (_disposed != 0) return 0;
        _session.SendZero();
        int sent = _session.OwnRobot < 0 ? _session.RobotNames.Count : 1;
        int acked = _sink.WaitForAcknowledgments(ackTimeout, out int unmatched);
        LogShutdown(_log, sent, acked, sent - unmatched, ackTimeout.TotalSeconds, _session.Ticks, _session.Latency.Summarize().ToString(), _session.Totals.ToString());
        return acked;
    }

    /// <summary>The control loop failed: <c>/diagnostics</c> says why, at once (the node then commands zero and exits).</summary>
    public void ReportFailure(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            _diagnostics.ReportFailure(error, _session.NowUnixNs());
        }
        catch (DdsException)
        {
            // The report is best effort: the zero commands and the exit code matter more.
        }
    }

    /// <summary>Replaces the target from now on (the robots keep their arena); see <see cref="ControlSession.RequestTarget"/>.</summary>
    public void RequestTarget(TargetDensity target, string source)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (_session.RequestTarget(target, source) is { } refused) LogTargetIgnored(_log, source, refused);
    }

    // Every control topic through the one door (ControlInputs): refusals and decoder defects are counted per topic and
    // logged at most once per topic every few seconds by the session's input ledger; nothing here throws into the loop.
    private void ReadControlTopics()
    {
        // No closure, no string built: a tick allocates nothing (ControllerNodeInProcessTests).
        var b = default(Bool);
        bool any = false, stop = false;
        while (ControlInputs.Receive(_session, _estopOrigin, _estopSub, ref b, latest: false))
        {
            any = true;
            stop = b.Data;
        }

        if (any) ControlInputs.EmergencyStop(_session, stop, _estopOrigin);
        var arena = Settings.Controller.Arena;
        var target = new RosTarget();
        if (ControlInputs.Receive(_session, _targetOrigin, _targetSub, ref target, latest: true)) ControlInputs.Target(_session, target, arena, _targetOrigin);
        var grid = default(OccupancyGrid);
        if (ControlInputs.Receive(_session, _gridOrigin, _gridSub, ref grid, latest: true)) ControlInputs.Grid(_session, grid, arena, _gridOrigin);
    }

    /// <summary>Stops the session (its preparer and observers) and deletes every DDS entity.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _statusObserver?.Dispose();
        _diagnosticsObserver.Dispose();
        _parameterEventsObserver.Dispose();
        _foxglove?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _services?.Dispose();
        _session.Dispose(); // drains the observers: the recording gets its last ticks, summary and footer
        _recorder?.Dispose();
        _rosout.Dispose();
        _ownLog?.Dispose();
        _sink.Dispose();
        _participant.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller {Node}: {Robots} ({Mode}), poses from {PoseTopic} ({PoseType}), commands on {CommandTopic} ({CommandType}), {Time}; {Controller}")]
    private static partial void LogStarted(ILogger logger, string node, string robots, string mode, string poseTopic, string poseType, string commandTopic, string commandType, string time, string controller);

    [LoggerMessage(Level = LogLevel.Information, Message = "Operator console on {ConsoleUrl} (a browser); Foxglove server on {WebSocketUrl}")]
    private static partial void LogServing(ILogger logger, Uri consoleUrl, Uri webSocketUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}")]
    private static partial void LogOutsideGraph(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A request to {Service} got no reply: {Reason}")]
    private static partial void LogServiceFailed(ILogger logger, string service, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Target from {Source} ignored, the current target stays: {Reason}")]
    private static partial void LogTargetIgnored(ILogger logger, string source, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutdown: published zero to {Sent} robots; {Acked} of {Matched} with a subscriber acknowledged it within {TimeoutS} s. {Ticks} ticks, loop latency {Latency}; {Totals}")]
    private static partial void LogShutdown(ILogger logger, int sent, int acked, int matched, double timeoutS, ulong ticks, string latency, string totals);
}
