using SwarmCoverage.Control;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Mcap;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using ParameterEvent = SwarmCoverage.Ros2.Messages.RclInterfaces.ParameterEvent;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;

namespace SwarmCoverage.Nodes.Recording;

/// <summary>How to replay.</summary>
public sealed record ReplayOptions
{
    /// <summary>Parameters to run with instead of the recorded ones (then mismatches are expected: what the controller would have done).</summary>
    public IReadOnlyList<(string Name, ParameterValue Value)> Overrides { get; init; } = [];

    /// <summary>Records the replayed run here (what the controller commanded in the replay).</summary>
    public string? OutPath { get; init; }

    /// <summary>Mismatches kept for the report.</summary>
    public int MaxMismatches { get; init; } = 10;
}

/// <summary>One recomputed command that differs from the recorded one.</summary>
public readonly record struct CommandMismatch(ulong Tick, string Robot, RobotCommand Recorded, RobotCommand Recomputed);

/// <summary>What a replay found.</summary>
public sealed record ReplayResult(long Ticks, long Compared, long Mismatches, IReadOnlyList<CommandMismatch> First, IReadOnlyList<string> Notes)
{
    /// <summary>Ticks absent between the first and the last recorded one (a live recorder drops whole ticks when it falls behind).</summary>
    public long MissingTicks { get; init; }
}

/// <summary>
/// Runs a recording's ticks again through the same control session as a live run (docs/recording.md): its pose source
/// offers what each recorded tick took, stamped on a clock set to the tick's recorded time; recorded parameter changes
/// and the emergency stop are applied before the tick that applied them; its command sink compares every recomputed
/// command with the recorded one, bit for bit.
/// </summary>
public static class Replay
{
    /// <exception cref="InputException">The file is not a readable recording of this program (the message says why).</exception>
    public static ReplayResult Run(string path, ReplayOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new ReplayOptions();
        McapReader reader;
        try
        {
            reader = McapReader.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or McapFormatException)
        {
            throw new InputException($"{path}: not a readable MCAP file: {e.Message}", e);
        }

        using (reader)
        {
            try
            {
                return Run(path, reader, options, progress, cancellationToken);
            }
            catch (McapFormatException e)
            {
                throw new InputException($"{path}: {e.Message}", e);
            }
            catch (InputException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
            {
                throw new InputException($"{path}: {e.Message}", e); // every error names the file
            }
        }
    }

    private static ReplayResult Run(string path, McapReader reader, ReplayOptions options, IProgress<double>? progress, CancellationToken ct)
    {
        var notes = new List<string>();
        // The session metadata comes before the first message; read until it is there.
        var pending = new Queue<McapMessage>();
        McapMetadata? meta = FindMetadata(reader);
        while (meta is null && reader.TryReadMessage(out var first))
        {
            pending.Enqueue(Copy(first));
            meta = FindMetadata(reader);
        }

        if (meta is null) throw new InputException($"{path}: no '{RecordingTopics.SessionMetadata}' metadata: not a recording of swarm-coverage");
        var m = meta.Values;
        SessionMetadata.CheckFormat(m);
        var names = SessionMetadata.Robots(m);
        var models = SessionMetadata.Models(m);
        var topics = SessionMetadata.Topics(m);
        if (models.Count != names.Count) throw new InputException($"{path}: {names.Count} robots but {models.Count} models in the metadata");
        if (names.Select(topics.CommandTopicOf).Distinct(StringComparer.Ordinal).Count() != names.Count) // found by fuzzing: a template without {robot}
            throw new InputException($"{path}: the metadata's command topic '{topics.CommandTopic}' gives two robots the same topic");
        string own = m.GetValueOrDefault("own_robot", "");
        if (own.Length > 0 && !names.Contains(own, StringComparer.Ordinal)) throw new InputException($"{path}: own_robot '{own}' is none of the recording's robots");
        long frequency = (long)SessionMetadata.Double(m, "clock_frequency", 1, 1e18);
        double body = SessionMetadata.Double(m, "body_radius_m", 0, 1e6);

        var recorded = RosParamsFile.Empty($"{path} (recorded parameters)").With(SessionMetadata.Parameters(m), "recording");
        var parameters = options.Overrides.Count == 0 ? recorded : recorded.With(options.Overrides, "--set");
        var settings = ControllerSettings.Read(parameters);
        var clock = new ReplayClock(frequency);
        var ports = new ReplayPorts(names.Count, options.MaxMismatches, names);
        using var session = Build(path, () => new ControlSession(
            new ControlSessionOptions
            {
                Settings = settings,
                Parameters = parameters,
                Table = NodeParameters.Table,
                RobotNames = names,
                Models = models,
                BodyRadiusM = body,
                OwnRobot = own.Length == 0 ? null : own,
                ComputeStatus = false,
                Offline = true,
                WarmUp = false,
                TargetOrigin = "recording",
            },
            ports, ports, clock));
        if (options.OutPath is not null)
            session.Attach(new RunRecorder(options.OutPath, topics), new ObserverOptions { Name = "recorder", Lossless = true, Capacity = 256 });

        var channels = new ChannelRoles(reader, topics, names);
        int mapsSeen = 0;
        TickData? current = null;
        long ticks = 0, missing = 0;
        ulong? lastTick = null;
        ulong total = reader.Statistics?.MessageCount ?? 0, seen = 0;

        void Finish(TickData t)
        {
            if (t.Input is not { } input) return;
            if (lastTick is { } last && input.Tick > last + 1)
            {
                // A live recorder that fell behind drops whole ticks (counted in the status' observer_dropped_ticks).
                missing += (long)(input.Tick - last - 1);
                notes.Add(input.Tick == last + 2
                    ? $"tick {last + 1} is not in the recording (dropped live by the recorder, see the status' observer_dropped_ticks); commands right after it may differ"
                    : $"ticks {last + 1}..{input.Tick - 1} are not in the recording (dropped live by the recorder, see the status' observer_dropped_ticks); commands right after them may differ");
            }

            lastTick = input.Tick;
            bool byParameters = t.Changes.Exists(c => c.Name.StartsWith("target.", StringComparison.Ordinal));
            if (t.Target is not null && !byParameters)
            {
                if (session.RequestTarget(t.Target, "recording") is { } refused) notes.Add($"tick {t.Sequence}: recorded target refused: {refused}");
            }
            else if (t.MapChanged && !byParameters && !t.Changes.Exists(c => c.Name is "epsilon" or "grid_spacing"))
                t.Unreplayable.Add((t.Sequence, "the target changed by a topic or a painted grid, which a recording does not carry; the replay keeps the target it had"));
            foreach (var (tick, reason) in t.Unreplayable) notes.Add($"tick {tick}: {reason}");
            if (t.Changes.Count > 0)
            {
                var r = session.SetParameters(t.Changes, "recording");
                foreach (var (name, reason) in r.Refusals) notes.Add($"tick {input.Tick}: recorded change of {name} refused: {reason}");
            }

            if (input.EmergencyStop != session.EmergencyStopped) session.SetEmergencyStop(input.EmergencyStop, "recording");
            clock.Set(input.ClockTimestamp, input.Header.Stamp.ToNanoseconds());
            ports.Load(input, t.Commands, t.HasCommand);
            session.Tick();
            ticks++;
        }

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            McapMessage msg;
            if (pending.Count > 0) msg = pending.Dequeue();
            else if (!reader.TryReadMessage(out msg)) break;
            seen++;
            if (total > 0 && seen % 4096 == 0) progress?.Report((double)seen / total);
            var role = channels.Of(msg.ChannelId);
            switch (role.Kind)
            {
                case Role.Tick:
                {
                    var input = Decode<TickInput>(path, msg);
                    if (input.Status?.Length != names.Count) throw new InputException($"{path}: tick {input.Tick} has {input.Status?.Length} robots, the recording {names.Count}");
                    if (current is not null && current.Input is not null) Finish(current);
                    var next = current is not null && current.Input is null && current.Sequence == msg.Sequence ? current : new TickData(names.Count, msg.Sequence);
                    next.Input = input;
                    current = next;
                    break;
                }

                case Role.Command:
                {
                    var data = For(ref current, msg.Sequence, names.Count, Finish);
                    var c = topics.CommandType == CommandMessageType.Twist
                        ? Decode<Twist>(path, msg)
                        : Decode<TwistStamped>(path, msg).Twist;
                    data.Commands[role.Robot] = new RobotCommand(c.Linear.X, c.Linear.Y, c.Linear.Z, c.Angular.Z);
                    data.HasCommand[role.Robot] = true;
                    break;
                }

                case Role.Events:
                {
                    var e = Decode<ParameterEvent>(path, msg);
                    if (e.ChangedParameters is not { Length: > 0 } changed) break; // the initial values (NewParameters) are in the metadata
                    var data = For(ref current, msg.Sequence, names.Count, Finish);
                    foreach (var p in changed)
                    {
                        if (RosParameterValues.FromRos(p.Value, out string? why) is { } v) data.Changes.Add((p.Name ?? "", v));
                        else data.Unreplayable.Add((msg.Sequence, $"parameter {p.Name}: {why}"));
                    }

                    break;
                }

                case Role.Target:
                {
                    var msgT = Decode<Target>(path, msg);
                    var data = For(ref current, msg.Sequence, names.Count, Finish);
                    try
                    {
                        data.Target = TargetMessages.FromTarget(msgT, settings.Arena, "recording");
                    }
                    catch (InputException e)
                    {
                        data.Unreplayable.Add((msg.Sequence, $"recorded target unreadable: {e.Message}"));
                    }

                    break;
                }

                case Role.Map:
                {
                    // The first map is the target at the start; a later one without a target.* parameter change came by a
                    // topic or a painted grid, which the recording does not carry as a target.
                    if (mapsSeen++ == 0) break;
                    var data = For(ref current, msg.Sequence, names.Count, Finish);
                    data.MapChanged = true;
                    break;
                }
            }
        }

        if (current?.Input is not null) Finish(current);
        if (reader.IsTruncated)
            notes.Add($"the file ends at byte {reader.TruncatedAt} without its summary (a recorder that was killed): replayed the {ticks} ticks of its complete chunks");
        progress?.Report(1);
        return new ReplayResult(ticks, ports.Compared, ports.Mismatches, ports.First, notes) { MissingTicks = missing };
    }

    /// <summary>The tick a change or command of sequence <paramref name="seq"/> belongs to (the ticks before it finished).</summary>
    private static TickData For(ref TickData? current, uint seq, int robots, Action<TickData> finish)
    {
        if (current is not null && current.Sequence == seq) return current;
        if (current?.Input is not null) finish(current);
        return current = new TickData(robots, seq);
    }

    private static T Decode<T>(string path, in McapMessage msg)
        where T : struct, IRosMessage<T>
    {
        var r = T.MessageType.Decode(msg.Data.Span, out T value);
        if (r.Rejection != CdrRejection.None)
            throw new InputException($"{path}: message {msg.Sequence} on {msg.Channel.Topic} does not decode as {T.MessageType.RosTypeName}: {r.Reason}");
        return value;
    }

    private static McapMetadata? FindMetadata(McapReader reader) => reader.Metadata.FirstOrDefault(x => x.Name == RecordingTopics.SessionMetadata);

    private static McapMessage Copy(in McapMessage m) => new(m.Channel, m.Sequence, m.LogTime, m.PublishTime, m.Data.ToArray());

    private enum Role
    {
        Other,
        Tick,
        Command,
        Events,
        Map,
        Target,
    }

    private readonly record struct ChannelRole(Role Kind, int Robot);

    /// <summary>The session the metadata describes; one this program cannot build (a model out of range) is an input error.</summary>
    private static ControlSession Build(string path, Func<ControlSession> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw new InputException($"{path}: the recording's metadata describes a session this program cannot build: {e.Message}", e);
        }
    }

    private sealed class ChannelRoles(McapReader reader, RecordingTopics topics, IReadOnlyList<string> names)
    {
        private readonly Dictionary<ushort, ChannelRole> _roles = [];
        private readonly Dictionary<string, int> _commandTopics = names.Select((n, i) => (topics.CommandTopicOf(n), i)).ToDictionary(x => x.Item1, x => x.i, StringComparer.Ordinal);

        public ChannelRole Of(ushort id)
        {
            if (_roles.TryGetValue(id, out var role)) return role;
            string topic = reader.Channels[id].Topic;
            role = topic == RecordingTopics.TickTopic ? new(Role.Tick, -1)
                : topic == RecordingTopics.ParameterEventsTopic ? new(Role.Events, -1)
                : topic == topics.TargetMapTopic ? new(Role.Map, -1)
                : topic == topics.TargetTopic ? new(Role.Target, -1)
                : _commandTopics.TryGetValue(topic, out int robot) ? new(Role.Command, robot)
                : new(Role.Other, -1);
            _roles[id] = role;
            return role;
        }
    }

    private sealed class TickData(int robots, uint sequence)
    {
        public uint Sequence { get; } = sequence;
        public TickInput? Input { get; set; }
        public RobotCommand[] Commands { get; } = new RobotCommand[robots];
        public bool[] HasCommand { get; } = new bool[robots];
        public List<(string Name, ParameterValue Value)> Changes { get; } = [];
        public List<(uint Tick, string Reason)> Unreplayable { get; } = [];

        public bool MapChanged { get; set; }

        public Core.Targets.TargetDensity? Target { get; set; }
    }

    /// <summary>The session's clock during a replay: each tick's recorded time.</summary>
    private sealed class ReplayClock(long frequency) : TimeProvider
    {
        private long _timestamp;
        private long _unixNs;

        public void Set(long timestamp, long unixNs)
        {
            _timestamp = timestamp;
            _unixNs = unixNs;
        }

        public override long TimestampFrequency => frequency;

        public override long GetTimestamp() => _timestamp;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(_unixNs / 100);
    }

    /// <summary>Offers a recorded tick's poses and compares the recomputed commands with the recorded ones.</summary>
    private sealed class ReplayPorts(int robots, int keep, IReadOnlyList<string> names) : IPoseSource, ICommandSink
    {
        private TickInput _input;
        private RobotCommand[] _recorded = new RobotCommand[robots];
        private bool[] _has = new bool[robots];

        public long Compared { get; private set; }

        public long Mismatches { get; private set; }

        public List<CommandMismatch> First { get; } = [];

        public void Load(TickInput input, RobotCommand[] recorded, bool[] has)
        {
            _input = input;
            _recorded = recorded;
            _has = has;
        }

        public void TakePoses(PoseIntake intake)
        {
            for (int i = 0; i < robots; i++)
                if (_input.Taken![i] != 0) intake.Offer(i, new Control.Pose(_input.X![i], _input.Y![i], _input.Z![i], _input.Yaw![i]));
        }

        public void Send(in CommandBatch batch)
        {
            for (int i = 0; i < robots; i++)
            {
                if (!_has[i] || !batch.Commands(i)) continue;
                Compared++;
                var a = _recorded[i];
                var b = batch.Wire[i];
                if (Same(a.Vx, b.Vx) && Same(a.Vy, b.Vy) && Same(a.Vz, b.Vz) && Same(a.OmegaZ, b.OmegaZ)) continue;
                Mismatches++;
                if (First.Count < keep) First.Add(new CommandMismatch(_input.Tick, names[i], a, b));
            }
        }

        private static bool Same(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
    }
}
