using System.Buffers;
using SwarmCoverage.Control;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Foxglove;
using SwarmCoverage.Nodes.Recording;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using SwarmCoverage.Ros2.Messages.VisualizationMsgs;
using FoxValue = SwarmCoverage.Foxglove.ParameterValue;
using FoxSetResult = SwarmCoverage.Foxglove.ParameterSetResult;
using Value = SwarmCoverage.Control.Parameters.ParameterValue;
using RosPose = SwarmCoverage.Ros2.Messages.GeometryMsgs.Pose;

namespace SwarmCoverage.Nodes.Live;

/// <summary>
/// The control session as a Foxglove WebSocket server (docs/foxglove.md): an observer that publishes what each tick
/// took and commanded (CDR, the bytes a DDS reader gets, with ros2msg schemas), the status, the target map and the
/// swarm as markers; client publishes (target, painted grid, emergency stop, clicked point) go through
/// <see cref="ControlInputs"/>; the parameters are a view of the session's parameter table, set all or none at a
/// tick boundary. It runs on its own observer thread: a slow client never reaches the tick.
/// </summary>
public sealed class FoxgloveBridge : IControlObserver, IClientPublishHandler, IParameterProvider
{
    /// <summary>How foxglove_bridge names a ROS 2 node's parameter: <c>/node.dotted.name</c>.</summary>
    public const string ParameterPrefix = "/swarm_coverage.";

    /// <summary>The swarm as markers (a disc per robot, its heading, its safety radius).</summary>
    public const string RobotsTopic = "/swarm_coverage/robots";

    /// <summary>The 3D panel's publish tool.</summary>
    public const string ClickedPointTopic = "/clicked_point";

    private readonly ControlSession _session;
    private readonly RecordingTopics _topics;
    private readonly Box _arena;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 12);
    private readonly Lock _gate = new();
    private FoxgloveServer? _server;
    private uint _status, _map, _robots, _tickInput;
    private uint[] _poses = [], _commands = [];
    private string[] _names = [];
    private TargetMap? _lastMap;
    private long _lastMapNs;
    private double _safetyRadius;
    private TickInput _input;
    private readonly System.Threading.Channels.ChannelReader<RosoutRecord>? _log;
    private uint _rosout;

    /// <param name="session">The session served.</param>
    /// <param name="topics">Its topics' names and types.</param>
    /// <param name="rosout">The node's log: the <c>/rosout</c> channel (null: no such channel).</param>
    public FoxgloveBridge(ControlSession session, RecordingTopics topics, RosoutLog? rosout = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(topics);
        _session = session;
        _topics = topics;
        _arena = session.Settings.Arena;
        _log = rosout?.Subscribe();
    }

    /// <summary>The topics a client may publish, with their types: the DDS twins of the node's inputs.</summary>
    public IReadOnlyList<(string Topic, RosMessageType Type)> Inputs => [
        (_topics.TargetTopic, Target.MessageType),
        (_topics.TargetGridTopic, OccupancyGrid.MessageType),
        (_topics.EmergencyStopTopic, Bool.MessageType),
        (ClickedPointTopic, PointStamped.MessageType),
    ];

    public event EventHandler<ParametersChangedEventArgs>? ParametersChanged;

    /// <summary>Send the tick's time as Time messages (the clock is simulated: /clock or the in-process simulation).</summary>
    public bool BroadcastsTime { get; set; }

    /// <summary>Starts serving on <paramref name="server"/> (which this bridge was given as handler and provider).</summary>
    public void Attach(FoxgloveServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        _names = [.. _session.RobotNames];
        _tickInput = Add(server, RecordingTopics.TickTopic, TickInput.MessageType);
        _status = Add(server, _topics.StatusTopic, Status.MessageType);
        _map = Add(server, _topics.TargetMapTopic, OccupancyGrid.MessageType);
        _robots = Add(server, RobotsTopic, MarkerArray.MessageType);
        if (_log is not null) _rosout = Add(server, RosoutPublisher.Topic, Ros2.Messages.RclInterfaces.Log.MessageType);
        _poses = [.. _names.Select(r => Add(server, _topics.PoseTopicOf(r), _topics.PoseMessage))];
        _commands = [.. _names.Select(r => Add(server, _topics.CommandTopicOf(r), _topics.CommandMessage))];
        // The inputs are advertised too, so that the app knows their schemas before it publishes.
        foreach (var (topic, type) in Inputs) Add(server, topic, type);
        _safetyRadius = _session.Settings.SafetyRadiusM;
    }

    private static uint Add(FoxgloveServer server, string topic, RosMessageType type) =>
        server.AddChannel(new ChannelInfo(topic, RosMessageType.MessageEncoding, type.RosTypeName, type.Definition, RosMessageType.DefinitionEncoding));

    public void OnStarted(SessionDescription session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _lastMap = session.TargetMap;
    }

    public void OnTick(TickRecord tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        var server = _server;
        if (server is null) return;
        ulong t = (ulong)Math.Max(0, tick.TimeUnixNs);
        var stamp = Time.FromNanoseconds(tick.TimeUnixNs);
        if (BroadcastsTime) server.BroadcastTime(t);
        List<FoxgloveParameter>? changed = null;
        foreach (var change in tick.Changes)
        {
            if (change is ParameterChange p) (changed ??= []).Add(new FoxgloveParameter(ParameterPrefix + p.Name, ToFoxglove(p.After)));
            else if (change is TargetChange target)
            {
                _lastMap = target.Map;
                _lastMapNs = 0; // now
            }
        }

        if (changed is not null)
        {
            _safetyRadius = _session.Settings.SafetyRadiusM;
            ParametersChanged?.Invoke(this, new ParametersChangedEventArgs(changed));
        }

        // The map is latched on DDS; here a client that subscribes later gets it within a second.
        if (_lastMap is { } map && server.HasSubscribers(_map) && (_lastMapNs == 0 || tick.TimeUnixNs - _lastMapNs > 1_000_000_000L))
        {
            _lastMapNs = tick.TimeUnixNs;
            Publish(_map, t, TargetMessages.ToOccupancyGrid(map, stamp, _topics.FrameId));
        }

        if (server.HasSubscribers(_status)) Publish(_status, t, SessionMessages.Status(tick.Status, stamp, _topics.FrameId));

        var poses = tick.Poses;
        var wire = tick.Wire;
        for (int i = 0; i < _names.Length; i++)
        {
            if (tick.PoseTaken[i] && server.HasSubscribers(_poses[i]))
            {
                if (_topics.PoseSource == PoseSource.Odometry) Publish(_poses[i], t, SessionMessages.Odometry(poses[i], stamp, _topics.FrameId, _names[i]));
                else Publish(_poses[i], t, new PoseStamped(new Header(stamp, _topics.FrameId), SessionMessages.Pose(poses[i])));
            }

            if (server.HasSubscribers(_commands[i]))
            {
                var twist = SessionMessages.Twist(wire[i]);
                if (_topics.CommandType == CommandMessageType.Twist) Publish(_commands[i], t, twist);
                else Publish(_commands[i], t, new TwistStamped(new Header(stamp, _names[i]), twist));
            }
        }

        if (server.HasSubscribers(_robots) && tick.Tick % 2 == 0) Publish(_robots, t, Markers(tick, stamp));
        if (server.HasSubscribers(_tickInput)) PublishTickInput(tick, t, stamp);
        // The log's lines since the last tick (its queue drops the oldest when no tick drains it for long).
        if (_log is not null)
            while (_log.TryRead(out var line))
                if (server.HasSubscribers(_rosout)) Publish(_rosout, (ulong)Math.Max(0, line.UnixNs), line.ToMessage());
    }

    public void OnStopped()
    {
    }

    private void PublishTickInput(TickRecord tick, ulong t, Time stamp)
    {
        if (_input.Status?.Length != _names.Length) _input = SessionMessages.NewTickInput(_names.Length);
        SessionMessages.Fill(ref _input, tick, stamp, _topics.FrameId);
        Publish(_tickInput, t, _input);
    }

    /// <summary>A disc per robot (grey when stale or awaiting a pose), an arrow for its heading, a ring at the safety radius.</summary>
    private MarkerArray Markers(TickRecord tick, Time stamp)
    {
        int n = _names.Length;
        var markers = new Marker[3 * n];
        var header = new Header(stamp, _topics.FrameId);
        for (int i = 0; i < n; i++)
        {
            var p = tick.Poses[i];
            bool active = tick.Statuses[i] == RobotStatus.Active;
            var color = tick.EmergencyStop ? new ColorRGBA(0.9f, 0.1f, 0.1f, 1f) : active ? new ColorRGBA(0.1f, 0.5f, 0.95f, 1f) : new ColorRGBA(0.55f, 0.55f, 0.55f, 0.8f);
            var pose = SessionMessages.Pose(p);
            markers[3 * i] = new Marker { Header = header, Ns = "robots", Id = i, Type = Marker.Cylinder, Action = Marker.Add, Pose = pose, Scale = new Vector3(0.1, 0.1, 0.05), Color = color };
            markers[3 * i + 1] = new Marker { Header = header, Ns = "headings", Id = i, Type = Marker.Arrow, Action = Marker.Add, Pose = pose, Scale = new Vector3(0.12, 0.02, 0.02), Color = color };
            var ring = new Point[33];
            for (int k = 0; k <= 32; k++)
            {
                double a = 2 * Math.PI * k / 32;
                ring[k] = new Point(p.X + 0.5 * _safetyRadius * Math.Cos(a), p.Y + 0.5 * _safetyRadius * Math.Sin(a), p.Z);
            }

            markers[3 * i + 2] = new Marker
            {
                Header = header, Ns = "safety", Id = i, Type = Marker.LineStrip, Action = Marker.Add, Pose = new RosPose(default, new Quaternion(0, 0, 0, 1)),
                Scale = new Vector3(0.005, 0, 0), Color = color with { A = 0.5f }, Points = ring,
            };
        }

        return new MarkerArray { Markers = markers };
    }

    private void Publish<T>(uint channel, ulong logTime, in T message)
        where T : struct, IRosMessage<T>
    {
        _buffer.ResetWrittenCount();
        T.MessageType.Serialize(in message, _buffer);
        _server!.Publish(channel, logTime, _buffer.WrittenSpan);
    }

    // ---- Client publish: the same door as the DDS topics. ----

    public ClientPublishResult OnClientAdvertise(ClientChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        foreach (var (topic, type) in Inputs)
        {
            if (topic != channel.Topic) continue;
            if (channel.Encoding != RosMessageType.MessageEncoding) return ClientPublishResult.Rejected($"{channel.Topic}: encoding '{channel.Encoding}'; this server takes cdr");
            if (channel.SchemaName != type.RosTypeName) return ClientPublishResult.Rejected($"{channel.Topic}: schema '{channel.SchemaName}'; the topic's type is {type.RosTypeName}");
            return ClientPublishResult.Accepted;
        }

        return ClientPublishResult.Rejected($"{channel.Topic}: not a topic this controller takes (it takes {string.Join(", ", Inputs.Select(i => i.Topic))})");
    }

    public ClientPublishResult OnClientMessage(string topic, string schemaName, string encoding, ReadOnlySpan<byte> payload)
    {
        // The one door (ControlInputs): a payload that does not decode is refused and counted like a bad value; a decoder
        // that throws is a defect, counted and logged, and the connection goes on.
        string origin = "foxglove " + topic;
        var tally = _session.Inputs.For(origin);
        string? refused;
        try
        {
            if (topic == _topics.EmergencyStopTopic)
            {
                if ((refused = Decode(payload, out Bool b)) is null) ControlInputs.EmergencyStop(_session, b.Data, origin);
                else tally.Reject(refused);
            }
            else if (topic == _topics.TargetTopic)
            {
                refused = Decode(payload, out Target t) is { } bad ? Refuse(tally, bad) : ControlInputs.Target(_session, t, _arena, origin);
            }
            else if (topic == _topics.TargetGridTopic)
            {
                refused = Decode(payload, out OccupancyGrid g) is { } bad ? Refuse(tally, bad) : ControlInputs.Grid(_session, g, _arena, origin);
            }
            else if (topic == ClickedPointTopic)
            {
                refused = Decode(payload, out PointStamped p) is { } bad ? Refuse(tally, bad) : ControlInputs.ClickedPoint(_session, p, origin);
            }
            else
            {
                refused = "not a topic this controller takes";
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            tally.Defect(e);
            refused = $"the message could not be read ({e.GetType().Name}); it was dropped";
        }

        return refused is null ? ClientPublishResult.Accepted : ClientPublishResult.Rejected($"{topic}: {refused}");
    }

    private static string Refuse(InputTally tally, string reason)
    {
        tally.Reject(reason);
        return reason;
    }

    private static string? Decode<T>(ReadOnlySpan<byte> payload, out T value)
        where T : struct, IRosMessage<T>
    {
        var r = T.MessageType.Decode(payload, out value);
        return r.Rejection == CdrRejection.None ? null : $"the payload is not a valid {T.MessageType.RosTypeName}: {r.Reason}";
    }

    // ---- Parameters: a view of the session's table. ----

    public IReadOnlyList<FoxgloveParameter> GetAll() =>
        [.. _session.Table.All.Select(d => new FoxgloveParameter(ParameterPrefix + d.Name, ToFoxglove(_session.Value(d.Name)))).Where(p => p.Value is not null)];

    public IReadOnlyList<FoxgloveParameter> Get(IReadOnlyCollection<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var wanted = new HashSet<string>(names, StringComparer.Ordinal);
        return [.. GetAll().Where(p => wanted.Contains(p.Name))];
    }

    public FoxSetResult Set(IReadOnlyList<FoxgloveParameter> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var errors = new List<ParameterError>();
        var mine = new List<(string Name, Value Value)>();
        lock (_gate)
        {
            foreach (var c in changes)
            {
                if (!c.Name.StartsWith(ParameterPrefix, StringComparison.Ordinal) || _session.Table.Find(c.Name[ParameterPrefix.Length..]) is not { } d)
                {
                    errors.Add(new ParameterError(c.Name, $"unknown parameter '{c.Name}' (parameters are named {ParameterPrefix}<name>)"));
                    continue;
                }

                if (c.Value is null)
                {
                    errors.Add(new ParameterError(c.Name, $"parameter '{d.Name}' cannot be unset"));
                    continue;
                }

                if (FromFoxglove(c.Value, d.Type) is { } v) mine.Add((d.Name, v));
                else errors.Add(new ParameterError(c.Name, $"parameter '{d.Name}' is a {d.Type}, not a {c.Value.Kind}"));
            }

            if (errors.Count == 0)
            {
                var result = _session.SetParameters(mine, "foxglove client");
                errors.AddRange(result.Refusals.Select(r => new ParameterError(ParameterPrefix + r.Name, r.Reason)));
            }

            var names = changes.Select(c => c.Name).ToList();
            return new FoxSetResult(errors, Get(names));
        }
    }

    public static FoxValue? ToFoxglove(Value? v) => v?.Type switch
    {
        null => null,
        ParameterType.Bool => FoxValue.Bool(v.AsBool),
        ParameterType.Integer => FoxValue.Integer(v.AsInteger),
        ParameterType.Double => FoxValue.Float64(v.AsDouble),
        ParameterType.String => FoxValue.String(v.AsString),
        ParameterType.DoubleArray => FoxValue.Float64Array(v.AsDoubles),
        ParameterType.StringArray => FoxValue.StringArray(v.AsStrings),
        _ => null,
    };

    public static Value? FromFoxglove(FoxValue v, ParameterType type)
    {
        ArgumentNullException.ThrowIfNull(v);
        switch (type)
        {
            case ParameterType.Bool when v.Kind == ParameterKind.Bool: return Value.Of(v.AsBool());
            case ParameterType.Integer when v.Kind == ParameterKind.Integer: return Value.Of(v.AsInteger());
            case ParameterType.Integer when v.TryGetNumber(out double x) && x == Math.Round(x) && Math.Abs(x) < 9e15: return Value.Of((long)x);
            case ParameterType.Double when v.TryGetNumber(out double x): return Value.Of(x);
            case ParameterType.String when v.Kind == ParameterKind.String: return Value.Of(v.AsString());
            case ParameterType.DoubleArray when v.TryGetNumbers(out var xs): return Value.Of(xs.AsSpan());
            case ParameterType.StringArray when v.Kind == ParameterKind.StringArray: return Value.Of([.. v.AsStringArray()]);
            default: return null;
        }
    }
}
