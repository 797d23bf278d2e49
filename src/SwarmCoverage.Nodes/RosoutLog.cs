using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using RosLog = SwarmCoverage.Ros2.Messages.RclInterfaces.Log;

namespace SwarmCoverage.Nodes;

/// <summary>One line of the node's log as <c>/rosout</c> carries it.</summary>
/// <param name="UnixNs">When it was logged, nanoseconds since the Unix epoch.</param>
/// <param name="Level">An <c>rcl_interfaces/msg/Log</c> level (10 DEBUG .. 50 FATAL).</param>
/// <param name="Name">The logger's name: the node's, as rclcpp names it (no leading slash).</param>
/// <param name="Message">The rendered message (with the exception's, when there is one).</param>
/// <param name="Function">Where it was logged (the logging category).</param>
public readonly record struct RosoutRecord(long UnixNs, byte Level, string Name, string Message, string Function)
{
    /// <summary>The record as <c>rcl_interfaces/msg/Log</c>.</summary>
    public RosLog ToMessage() => new() { Stamp = Time.FromNanoseconds(UnixNs), Level = Level, Name = Name, Msg = Message, File = "", Function = Function, Line = 0 };
}

/// <summary>
/// The node's log, fanned out to the faces that publish it as <c>/rosout</c> (the DDS topic, the Foxglove channel): each
/// subscriber has a bounded queue that drops its oldest lines when it falls behind, so logging never waits for a
/// network. It is a logging provider too (for runs without the host's Serilog, as <c>simulate --live</c>).
/// </summary>
public sealed class RosoutLog : ILoggerProvider
{
    /// <summary>Lines a subscriber may be behind before its oldest are dropped (rcl's /rosout depth).</summary>
    public const int DefaultCapacity = 1000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private Channel<RosoutRecord>[] _subscribers = [];

    /// <summary>A log named <paramref name="name"/> (the node's name without its leading slash).</summary>
    public RosoutLog(string name, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name.TrimStart('/');
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The logger name every record carries.</summary>
    public string Name { get; }

    /// <summary>The least level posted by the provider's loggers.</summary>
    public LogLevel MinimumLevel { get; init; } = LogLevel.Information;

    /// <summary>Hands a line to every subscriber; never blocks.</summary>
    public void Post(in RosoutRecord record)
    {
        foreach (var s in Volatile.Read(ref _subscribers)) s.Writer.TryWrite(record);
    }

    /// <summary>A line logged now at <paramref name="level"/>.</summary>
    public void Post(LogLevel level, string category, string message) =>
        Post(new RosoutRecord((_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100, LevelOf(level), Name, message, category));

    /// <summary>A new subscriber's queue; <see cref="Unsubscribe"/> ends it.</summary>
    public ChannelReader<RosoutRecord> Subscribe(int capacity = DefaultCapacity)
    {
        var c = Channel.CreateBounded<RosoutRecord>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate) _subscribers = [.. _subscribers, c];
        return c.Reader;
    }

    /// <summary>Ends a subscriber's queue.</summary>
    public void Unsubscribe(ChannelReader<RosoutRecord> reader)
    {
        lock (_gate)
        {
            var c = _subscribers.FirstOrDefault(s => ReferenceEquals(s.Reader, reader));
            if (c is null) return;
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, c))];
            c.Writer.TryComplete();
        }
    }

    /// <summary>The rcl level of a .NET level.</summary>
    public static byte LevelOf(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => RosLog.Debug,
        LogLevel.Information => RosLog.Info,
        LogLevel.Warning => RosLog.Warn,
        LogLevel.Error => RosLog.Error,
        _ => RosLog.Fatal,
    };

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var s in _subscribers) s.Writer.TryComplete();
            _subscribers = [];
        }
    }

    private sealed class Logger(RosoutLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= log.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!IsEnabled(logLevel)) return;
            string message = formatter(state, exception);
            if (exception is not null) message += $" ({exception.GetType().Name}: {exception.Message})";
            log.Post(logLevel, category, message);
        }
    }
}

/// <summary>Publishes a <see cref="RosoutLog"/> on the DDS <c>/rosout</c> from a thread of its own.</summary>
internal sealed class RosoutPublisher : IDisposable
{
    /// <summary>The topic.</summary>
    public const string Topic = "/rosout";

    private readonly RosoutLog _log;
    private readonly ChannelReader<RosoutRecord> _reader;
    private readonly RosPublisher<RosLog> _pub;
    private readonly Task _pump;

    public RosoutPublisher(RosParticipant participant, RosoutLog log)
    {
        _log = log;
        // rcl's /rosout QoS: reliable, transient local, keep last 1000 (a late subscriber gets the recent lines).
        _pub = participant.CreatePublisher<RosLog>(Topic, new RosQos(RosReliability.Reliable, RosDurability.TransientLocal, RosHistory.KeepLast, RosoutLog.DefaultCapacity));
        _reader = log.Subscribe();
        _pump = Task.Factory.StartNew(Pump, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Pump()
    {
        try
        {
            while (_reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                while (_reader.TryRead(out var r)) _pub.Publish(r.ToMessage());
        }
        catch (DdsException)
        {
            // The participant went away under us (shutdown): the log has nowhere to go.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _log.Unsubscribe(_reader);
        _pump.Wait(TimeSpan.FromSeconds(2));
    }
}
