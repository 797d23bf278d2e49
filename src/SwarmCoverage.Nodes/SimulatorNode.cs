using SwarmCoverage.Sim;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.DiagnosticMsgs;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;

namespace SwarmCoverage.Nodes;

/// <summary>What the simulator node has done so far.</summary>
/// <param name="SimulatedS">Simulated time, s.</param>
/// <param name="WallS">Wall-clock time since the loop started, s.</param>
/// <param name="CommandsTaken">cmd_vel messages taken from DDS and handed to the simulator.</param>
/// <param name="OdometryPublished">Odometry messages published.</param>
/// <param name="ClockPublished"><c>/clock</c> messages published.</param>
/// <param name="Simulator">The simulator's own counters (timeouts, rejected commands, saturation).</param>
public readonly record struct SimulatorNodeProgress(
    double SimulatedS, double WallS, long CommandsTaken, long OdometryPublished, long ClockPublished, SimulatorCounters Simulator)
{
    /// <summary>Simulated seconds per wall second so far.</summary>
    public double RealTimeFactor => WallS > 0 ? SimulatedS / WallS : 0;
}

/// <summary>
/// The bundled simulator as a ROS 2 node with the Gazebo topic interface (docs/robots-and-sim.md): per robot it takes
/// <c>cmd_vel</c> (Twist or TwistStamped) and publishes <c>odom</c> (nav_msgs/Odometry, frames <c>&lt;name&gt;/odom</c>
/// and <c>&lt;name&gt;/base_link</c>) at each robot's odometry rate, optionally a world-frame
/// <c>PoseStamped</c>, and publishes <c>/clock</c>. Time is the simulator's: it advances event by event (odometry due,
/// clock due), paced against the wall clock at <see cref="SimulatorNodeOptions.Speed"/> times real time, or as
/// fast as possible. A command is applied at the simulated instant it was taken from DDS, so latency, the command
/// timeout (robots stop when commands stop arriving) and the limiter act in simulated time exactly as in
/// <c>simulate</c>. One thread runs <see cref="Run"/>; the simulator is touched by no other.
/// </summary>
public sealed class SimulatorNode : IDisposable
{
    private readonly Simulator _sim;
    private readonly SimulatorNodeOptions _options;
    private readonly ILogger _log;
    private readonly RosParticipant _participant;
    private readonly RosWaitSet _waitSet;
    private readonly RosSubscription<Twist>[]? _twistSubs;
    private readonly RosSubscription<TwistStamped>[]? _stampedSubs;
    private readonly Dictionary<RosSubscription, int> _robotOf = new(ReferenceEqualityComparer.Instance);
    private readonly RosPublisher<Odometry>[] _odomPubs;
    private readonly RosPublisher<PoseStamped>[]? _posePubs;
    private readonly RosPublisher<Clock> _clockPub;
    private readonly RosPublisher<DiagnosticArray> _diagnosticsPub;
    private readonly InputLedger _inputs;
    private readonly InputTally _commandTally;
    private Dictionary<string, InputTallySnapshot> _inputsBefore = new(StringComparer.Ordinal);
    private readonly OdometrySample[] _samples;
    private readonly bool[] _hadCommand;
    private readonly bool[] _timedOut;
    private readonly List<RosSubscription> _ready = [];
    private readonly long _clockPeriodNs;
    private long _commandsTaken;
    private long _odometryPublished;
    private long _clockPublished;
    private long _wallStartTicks;
    private bool _disposed;

    /// <summary>Creates the DDS entities for every robot of <paramref name="simulator"/>.</summary>
    /// <exception cref="ArgumentException">When an option is invalid (the message names it).</exception>
    public SimulatorNode(Simulator simulator, SimulatorNodeOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var errors = options.ValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(options));
        }

        _sim = simulator;
        _options = options;
        _log = logger;
        _clockPeriodNs = Math.Max(1, (long)Math.Round(1e9 / options.ClockRateHz));
        int n = simulator.RobotCount;
        _samples = new OdometrySample[n];
        _hadCommand = new bool[n];
        _timedOut = new bool[n];
        _inputs = new InputLedger(TimeProvider.System, logger);
        _commandTally = _inputs.For(CommandInput);
        NodeEnclaves.Log(_log, options.Security);
        // In the ROS 2 graph as /swarm_coverage_sim (ros_discovery_info), in jazzy's layout unless the options say otherwise.
        var participant = options.Participant with { Graph = options.Participant.Graph ?? RosDistro.Jazzy };
        _participant = new RosParticipant(options.Security is { } security ? security.Apply(participant) : participant);
        try
        {
            _waitSet = new RosWaitSet(_participant);
            _odomPubs = new RosPublisher<Odometry>[n];
            if (options.CommandType == CommandMessageType.Twist)
            {
                _twistSubs = new RosSubscription<Twist>[n];
            }
            else
            {
                _stampedSubs = new RosSubscription<TwistStamped>[n];
            }

            if (options.PublishPose)
            {
                _posePubs = new RosPublisher<PoseStamped>[n];
            }

            for (int i = 0; i < n; i++)
            {
                RobotSpec robot = simulator.Robots[i];
                RobotTopics topics = robot.EffectiveTopics;
                RosSubscription sub = _twistSubs is not null
                    ? _twistSubs[i] = _participant.CreateSubscription<Twist>(topics.CmdVel, RosQos.Default)
                    : _stampedSubs![i] = _participant.CreateSubscription<TwistStamped>(topics.CmdVel, RosQos.Default);
                _robotOf[sub] = i;
                _waitSet.Attach(sub);
                _odomPubs[i] = _participant.CreatePublisher<Odometry>(topics.Odometry, RosQos.Default);
                if (_posePubs is not null)
                {
                    _posePubs[i] = _participant.CreatePublisher<PoseStamped>(PoseTopic(robot.Name), RosQos.Default);
                }
            }

            _clockPub = _participant.CreatePublisher<Clock>(options.ClockTopic, RosQos.Default);
            _diagnosticsPub = _participant.CreatePublisher<DiagnosticArray>(NodeDiagnostics.Topic, RosQos.Default);
        }
        catch
        {
            _participant.Dispose();
            throw;
        }
    }

    /// <summary>The simulator being run.</summary>
    public Simulator Simulator => _sim;

    /// <summary>The DDS participant (for tests and tools).</summary>
    public RosParticipant Participant => _participant;

    /// <summary>
    /// Every topic the simulator node creates for <paramref name="robots"/> with <paramref name="options"/>, and so
    /// exactly what its SROS2 permissions allow (<c>security create-permissions --sim</c>): it subscribes to each
    /// robot's <c>cmd_vel</c> and publishes its odometry (and, with <see cref="SimulatorNodeOptions.PublishPose"/>,
    /// its pose) and <c>/clock</c>.
    /// </summary>
    public static NodeTopics Topics(IReadOnlyList<RobotSpec> robots, SimulatorNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(robots);
        ArgumentNullException.ThrowIfNull(options);
        var publish = new List<string> { options.ClockTopic, NodeDiagnostics.Topic };
        var subscribe = new List<string>();
        foreach (RobotSpec robot in robots)
        {
            RobotTopics topics = robot.EffectiveTopics;
            subscribe.Add(topics.CmdVel);
            publish.Add(topics.Odometry);
            if (options.PublishPose) publish.Add(options.PoseTopicOf(robot.Name));
        }

        return NodeTopics.Of(options.Participant.NodeName, publish, subscribe);
    }

    /// <summary>The input under which every robot's <c>cmd_vel</c> is counted on <c>/diagnostics</c>.</summary>
    public const string CommandInput = "topic /<robot>/cmd_vel";

    /// <summary>What the simulator's inputs took and refused.</summary>
    public InputLedger Inputs => _inputs;

    /// <summary>The pose topic of <paramref name="robot"/>.</summary>
    public string PoseTopic(string robot) => _options.PoseTopicOf(robot);

    /// <summary>Progress so far (safe to read only from the thread that runs <see cref="Run"/>, or after it returned).</summary>
    public SimulatorNodeProgress Progress => new(
        _sim.Now.Seconds, _wallStartTicks == 0 ? 0 : Stopwatch.GetElapsedTime(_wallStartTicks).TotalSeconds,
        _commandsTaken, _odometryPublished, _clockPublished, _sim.Counters);

    /// <summary>
    /// Runs the simulation until <paramref name="cancellationToken"/> is cancelled or <see cref="SimulatorNodeOptions.DurationS"/>
    /// has been simulated. Returns normally in both cases.
    /// </summary>
    public void Run(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long startNs = _sim.Now.Nanoseconds;
        long endNs = _options.DurationS is { } d ? checked(startNs + SimTime.FromSeconds(d).Nanoseconds) : long.MaxValue;
        long statusPeriodNs = SimTime.FromSeconds(_options.StatusPeriodS).Nanoseconds;
        long nextStatusNs = startNs + statusPeriodNs;
        long nextClockNs = startNs;
        long diagnosticsPeriodNs = SimTime.FromSeconds(NodeDiagnostics.PeriodS).Nanoseconds;
        long nextDiagnosticsNs = startNs + diagnosticsPeriodNs;
        bool paced = !_options.AsFastAsPossible;
        double speed = _options.Speed;
        _wallStartTicks = Stopwatch.GetTimestamp();
        long baseWall = _wallStartTicks;
        long baseSim = startNs;
        _log.LogInformation(
            "Simulating {Robots} robots ({Speed}), /clock at {ClockRateHz} Hz, commands as {CommandType}{Pose}",
            _sim.RobotCount, paced ? $"{speed:G4} x real time" : "as fast as possible", _options.ClockRateHz, _options.CommandType,
            _posePubs is null ? "" : ", poses on " + PoseTopic("<robot>"));

        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                long next = Math.Min(Math.Min(_sim.NextOdometryDue.Nanoseconds, nextClockNs), endNs);
                if (paced)
                {
                    // Sleep until the wall instant of `next`, applying each command at the simulated instant it arrived.
                    long deadline = baseWall + (long)((next - baseSim) / speed * Stopwatch.Frequency / 1e9);
                    long behind = Stopwatch.GetTimestamp() - deadline;
                    if (behind > Stopwatch.Frequency)
                    {
                        // More than a wall second late (an overloaded machine): restart the pacing here instead of racing to catch up.
                        baseWall = Stopwatch.GetTimestamp();
                        baseSim = _sim.Now.Nanoseconds;
                        deadline = baseWall + (long)((next - baseSim) / speed * Stopwatch.Frequency / 1e9);
                    }

                    while (true)
                    {
                        long remaining = deadline - Stopwatch.GetTimestamp();
                        if (remaining <= 0)
                        {
                            break;
                        }

                        if (_waitSet.Wait(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency), _ready, cancellationToken))
                        {
                            // Queued at the simulated instant of arrival and applied there by the next StepTo: stepping every
                            // robot to each arrival instead would cost O(robots) per command, O(robots^2) per control tick.
                            long arrivedNs = baseSim + (long)((Stopwatch.GetTimestamp() - baseWall) * 1e9 / Stopwatch.Frequency * speed);
                            TakeCommands(new SimTime(Math.Clamp(arrivedNs, _sim.Now.Nanoseconds, next)));
                        }
                    }
                }
                else if (_waitSet.Wait(TimeSpan.Zero, _ready, cancellationToken))
                {
                    TakeCommands(_sim.Now);
                }

                _sim.StepTo(new SimTime(next));
                if (next >= nextClockNs)
                {
                    _clockPub.Publish(new Clock(Time.FromNanoseconds(next)));
                    _clockPublished++;
                    nextClockNs += _clockPeriodNs;
                    WatchTimeouts();
                }

                PublishOdometry();
                if (next >= nextDiagnosticsNs)
                {
                    nextDiagnosticsNs += diagnosticsPeriodNs;
                    PublishDiagnostics(Time.FromNanoseconds(next));
                }

                if (next >= nextStatusNs)
                {
                    nextStatusNs += statusPeriodNs;
                    LogProgress();
                }

                if (next >= endNs)
                {
                    _log.LogInformation("Simulated the requested {DurationS} s", _options.DurationS);
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown requested while waiting for commands.
        }

        LogProgress();
    }

    // The one door for commands (docs/inputs.md): a take that throws is a defect, counted and dropped; a non-finite
    // command is refused here (and would be by the simulator too), counted per topic on /diagnostics.
    private void TakeCommands(SimTime arrived)
    {
        foreach (RosSubscription s in _ready)
        {
            int i = _robotOf[s];
            VelocityCommand cmd;
            try
            {
                if (!TryTakeCommand(i, out cmd)) continue;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _commandTally.Defect(e);
                continue;
            }

            _commandsTaken++;
            if (cmd.IsFinite)
            {
                _commandTally.Accept();
            }
            else
            {
                _commandTally.Reject(string.Create(CultureInfo.InvariantCulture,
                    $"{_sim.Robots[i].EffectiveTopics.CmdVel}: non-finite command ({cmd.LinearXMps}, {cmd.LinearYMps}, {cmd.LinearZMps}, {cmd.AngularZRadps}); the robot keeps its last command"));
            }

            _sim.SetCommand(i, cmd, arrived);
        }
    }

    private bool TryTakeCommand(int i, out VelocityCommand cmd)
    {
        cmd = default;
        if (_twistSubs is not null)
        {
            Twist t = default;
            if (!_twistSubs[i].TryTakeLatest(ref t)) return false;
            cmd = new VelocityCommand(t.Linear.X, t.Linear.Y, t.Linear.Z, t.Angular.Z);
            return true;
        }

        TwistStamped ts = default;
        if (!_stampedSubs![i].TryTakeLatest(ref ts)) return false;
        cmd = new VelocityCommand(ts.Twist.Linear.X, ts.Twist.Linear.Y, ts.Twist.Linear.Z, ts.Twist.Angular.Z);
        return true;
    }

    private void PublishDiagnostics(Time stamp)
    {
        string node = _options.Participant.NodeName;
        var inputs = _inputs.Snapshot();
        var c = _sim.Counters;
        var simulation = new DiagnosticStatus
        {
            Level = DiagnosticStatus.Ok,
            Name = node + ": simulation",
            Message = string.Create(CultureInfo.InvariantCulture, $"t = {_sim.Now.Seconds:F2} s, {_sim.RobotCount} robots, {c.CommandTimeouts} command timeouts"),
            HardwareId = node,
            Values =
            [
                new("time_s", _sim.Now.Seconds.ToString("G9", CultureInfo.InvariantCulture)),
                new("robots", _sim.RobotCount.ToString(CultureInfo.InvariantCulture)),
                new("command_timeouts", c.CommandTimeouts.ToString(CultureInfo.InvariantCulture)),
                new("commands_rejected_non_finite", c.CommandsRejectedNonFinite.ToString(CultureInfo.InvariantCulture)),
            ],
        };
        _diagnosticsPub.Publish(NodeDiagnostics.Report(node, stamp, simulation, inputs, _inputsBefore));
        _inputsBefore = inputs.ToDictionary(x => x.Input, StringComparer.Ordinal);
    }

    private void PublishOdometry()
    {
        int count = _sim.CollectDueOdometry(_samples);
        for (int k = 0; k < count; k++)
        {
            ref readonly OdometrySample s = ref _samples[k];
            var stamp = new Time(s.Stamp.RosSec, s.Stamp.RosNanosec);
            var (qx, qy, qz, qw) = s.Pose.Quaternion;
            var odom = new Odometry
            {
                Header = new Header(stamp, s.FrameId),
                ChildFrameId = s.ChildFrameId,
            };
            odom.Pose.Pose = new Pose(new Point(s.Pose.XM, s.Pose.YM, s.Pose.ZM), new Quaternion(qx, qy, qz, qw));
            odom.Twist.Twist = new Twist(
                new Vector3(s.Twist.LinearXMps, s.Twist.LinearYMps, s.Twist.LinearZMps),
                new Vector3(0, 0, s.Twist.AngularZRadps));
            _odomPubs[s.Robot].Publish(odom);
            if (_posePubs is not null)
            {
                var (wx, wy, wz, ww) = s.WorldPose.Quaternion;
                _posePubs[s.Robot].Publish(new PoseStamped(
                    new Header(stamp, _options.PoseFrameId),
                    new Pose(new Point(s.WorldPose.XM, s.WorldPose.YM, s.WorldPose.ZM), new Quaternion(wx, wy, wz, ww))));
            }
        }

        _odometryPublished += count;
    }

    private void WatchTimeouts()
    {
        for (int i = 0; i < _timedOut.Length; i++)
        {
            // A robot counts as driven once a command has taken effect (a command just taken is still queued).
            bool timedOut = _sim.IsCommandTimedOut(i);
            _hadCommand[i] |= !timedOut;
            bool now = _hadCommand[i] && timedOut;
            if (now != _timedOut[i])
            {
                _timedOut[i] = now;
                if (now)
                {
                    _log.LogWarning("{Robot}: no command for {TimeoutS} s (simulated) since its last took effect at t = {LastCommandS} s; stopping it, as diff_drive_controller's cmd_vel_timeout does",
                        _sim.Robots[i].Name, _sim.Options.CommandTimeoutSeconds, _sim.LastCommandSeconds(i).ToString("F3", CultureInfo.InvariantCulture));
                }
                else
                {
                    _log.LogInformation("{Robot}: commands arrive again", _sim.Robots[i].Name);
                }
            }
        }
    }

    private void LogProgress()
    {
        SimulatorNodeProgress p = Progress;
        _log.LogInformation(
            "t = {SimulatedS:F2} s simulated in {WallS:F2} s ({RealTimeFactor:F2} x real time): {Commands} commands taken, {Odometry} odometry and {Clock} clock messages published, {Timeouts} command timeouts, {Rejected} non-finite commands dropped",
            p.SimulatedS, p.WallS, p.RealTimeFactor, p.CommandsTaken, p.OdometryPublished, p.ClockPublished,
            p.Simulator.CommandTimeouts, p.Simulator.CommandsRejectedNonFinite);
    }

    /// <summary>Deletes every DDS entity.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _waitSet.Dispose();
        _participant.Dispose();
    }
}
