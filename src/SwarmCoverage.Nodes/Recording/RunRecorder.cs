using System.Buffers;
using Microsoft.Extensions.Logging;
using SwarmCoverage.Control;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core.Targets;
using SwarmCoverage.Mcap;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RclInterfaces;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;

namespace SwarmCoverage.Nodes.Recording;

/// <summary>
/// Records a run as MCAP (profile ros2, schemas ros2msg, messages CDR: the bytes a DDS reader would get), as an
/// observer of the control session (docs/recording.md): per tick, what it took (TickInput), each robot's pose and
/// command, the status; and every change (parameter events, target map, emergency stop) at the tick that applied it.
/// Offline (simulate) it is attached lossless and the run waits for it; live it has a bounded queue of its own and what
/// it had to drop is counted by the session. <see cref="IControlObserver.OnStopped"/> finishes the file (summary and
/// footer); a killed process leaves every finished chunk readable.
/// </summary>
public sealed partial class RunRecorder : IControlObserver
{
    private readonly string _path;
    private readonly RecordingTopics _topics;
    private readonly McapWriterOptions _options;
    private readonly ILogger? _log;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 12);
    private readonly Dictionary<string, ushort> _schemas = new(StringComparer.Ordinal);
    private McapWriter? _writer;
    private ushort _tickChannel, _statusChannel, _mapChannel, _eventsChannel, _estopChannel, _targetChannel;
    private ushort[] _poseChannels = [], _commandChannels = [];
    private string[] _names = [];
    private bool[] _commanded = [];
    private TickInput _input;

    /// <param name="path">The .mcap file (written in place; a partial file after a kill keeps its finished chunks).</param>
    /// <param name="topics">The topics of the node the run stands for.</param>
    public RunRecorder(string path, RecordingTopics topics, McapWriterOptions? options = null, ILogger? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(topics);
        _path = path;
        _topics = topics;
        _options = (options ?? new McapWriterOptions()) with { Profile = "ros2", Library = "swarm-coverage" };
        _log = log;
    }

    /// <summary>The file written.</summary>
    public string Path => _path;

    /// <summary>Messages written so far.</summary>
    public ulong Messages => _writer?.MessageCount ?? 0;

    /// <summary>Bytes written so far.</summary>
    public long Bytes => _writer?.Position ?? 0;

    public void OnStarted(SessionDescription session)
    {
        ArgumentNullException.ThrowIfNull(session);
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var w = _writer = McapWriter.Create(_path, _options);
        _names = [.. session.RobotNames];
        int n = _names.Length;
        _commanded = [.. Enumerable.Range(0, n).Select(i => session.OwnRobot < 0 || i == session.OwnRobot)];
        _tickChannel = Channel(w, RecordingTopics.TickTopic, TickInput.MessageType);
        _statusChannel = Channel(w, _topics.StatusTopic, Status.MessageType);
        _mapChannel = Channel(w, _topics.TargetMapTopic, OccupancyGrid.MessageType);
        _eventsChannel = Channel(w, RecordingTopics.ParameterEventsTopic, ParameterEvent.MessageType);
        _estopChannel = Channel(w, _topics.EmergencyStopTopic, Bool.MessageType);
        _targetChannel = Channel(w, _topics.TargetTopic, Target.MessageType);
        _poseChannels = [.. _names.Select(r => Channel(w, _topics.PoseTopicOf(r), _topics.PoseMessage))];
        _commandChannels = [.. _names.Select(r => Channel(w, _topics.CommandTopicOf(r), _topics.CommandMessage))];
        w.AddMetadata(RecordingTopics.SessionMetadata, SessionMetadata.Write(session, _topics));

        _input = SessionMessages.NewTickInput(n);
        var stamp = Time.FromNanoseconds(session.TimeUnixNs);
        ulong t = (ulong)Math.Max(0, session.TimeUnixNs);
        Write(_mapChannel, 0, t, TargetMessages.ToOccupancyGrid(session.TargetMap, stamp, _topics.FrameId));
        Write(_eventsChannel, 0, t, SessionMessages.ParametersDeclared(session, RecordingTopics.NodeName));
        LogStarted(_log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, _path, n);
    }

    public void OnTick(TickRecord tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        if (_writer is null) return;
        uint seq = unchecked((uint)tick.Tick);
        ulong t = (ulong)Math.Max(0, tick.TimeUnixNs);
        var stamp = Time.FromNanoseconds(tick.TimeUnixNs);
        WriteChanges(tick, seq, t, stamp);

        var poses = tick.Poses;
        var taken = tick.PoseTaken;
        SessionMessages.Fill(ref _input, tick, stamp, _topics.FrameId);
        Write(_tickChannel, seq, t, _input);
        for (int i = 0; i < _names.Length; i++)
        {
            if (!taken[i]) continue;
            if (_topics.PoseSource == PoseSource.Odometry) Write(_poseChannels[i], seq, t, SessionMessages.Odometry(poses[i], stamp, _topics.FrameId, _names[i]));
            else Write(_poseChannels[i], seq, t, new PoseStamped(new Header(stamp, _topics.FrameId), SessionMessages.Pose(poses[i])));
        }

        var wire = tick.Wire;
        for (int i = 0; i < _names.Length; i++)
        {
            if (!_commanded[i]) continue;
            var twist = SessionMessages.Twist(wire[i]);
            if (_topics.CommandType == CommandMessageType.Twist) Write(_commandChannels[i], seq, t, twist);
            else Write(_commandChannels[i], seq, t, new TwistStamped(new Header(stamp, _names[i]), twist));
        }

        Write(_statusChannel, seq, t, SessionMessages.Status(tick.Status, stamp, _topics.FrameId));
    }

    public void OnStopped()
    {
        if (_writer is null) return;
        _writer.Dispose(); // summary, footer
        LogFinished(_log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, _path, _writer.MessageCount, _writer.Position);
        _writer = null;
    }

    private void WriteChanges(TickRecord tick, uint seq, ulong t, Time stamp)
    {
        foreach (var change in tick.Changes)
        {
            switch (change)
            {
                case TargetChange target:
                    Write(_mapChannel, seq, t, TargetMessages.ToOccupancyGrid(target.Map, stamp, _topics.FrameId));
                    // The target itself, as its topic carries it: a replay requests it again at the same tick.
                    if (target.Target is UniformDensity or GaussianMixtureDensity or RasterDensity)
                        Write(_targetChannel, seq, t, TargetMessages.ToTarget(target.Target, stamp, _topics.FrameId));
                    break;
                case EmergencyStopChange e:
                    Write(_estopChannel, seq, t, new Bool(e.Stopped));
                    break;
            }
        }

        if (SessionMessages.ParametersChanged(tick.Changes, stamp, RecordingTopics.NodeName) is { } changed)
            Write(_eventsChannel, seq, t, changed);
    }

    private ushort Channel(McapWriter w, string topic, RosMessageType type)
    {
        if (!_schemas.TryGetValue(type.RosTypeName, out ushort schema))
            _schemas[type.RosTypeName] = schema = w.AddSchema(type.RosTypeName, RosMessageType.DefinitionEncoding, System.Text.Encoding.UTF8.GetBytes(type.Definition));
        return w.AddChannel(schema, topic, RosMessageType.MessageEncoding);
    }

    private void Write<T>(ushort channel, uint sequence, ulong logTime, in T message)
        where T : struct, IRosMessage<T>
    {
        _buffer.ResetWrittenCount();
        T.MessageType.Serialize(in message, _buffer);
        _writer!.AddMessage(channel, sequence, logTime, logTime, _buffer.WrittenSpan);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording to {Path} ({Robots} robots)")]
    private static partial void LogStarted(ILogger logger, string path, int robots);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording {Path} finished: {Messages} messages, {Bytes} bytes")]
    private static partial void LogFinished(ILogger logger, string path, ulong messages, long bytes);
}
