using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SwarmCoverage.Control.Session;

/// <summary>
/// What every input of a session took and refused (docs/inputs.md): per input (a topic, a Foxglove client's topic, the
/// parameters) the messages accepted, rejected with a reason and the defects (an exception a decoder let escape), and
/// the last reason. The diagnostics publish it; the log gets at most one line per input every
/// <see cref="LogInterval"/>, with the count since the line before. Safe from any thread.
/// </summary>
public sealed class InputLedger
{
    /// <summary>The least time between two log lines about the rejections of one input.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, InputTally> _tallies = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public InputLedger(TimeProvider time, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>The tally of <paramref name="input"/> (made on first use).</summary>
    public InputTally For(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _tallies.GetOrAdd(input, static (name, ledger) => new InputTally(name, ledger._time, ledger._log), this);
    }

    /// <summary>Every input seen so far, by name.</summary>
    public IReadOnlyList<InputTallySnapshot> Snapshot() =>
        [.. _tallies.Values.Select(t => t.Snapshot()).OrderBy(s => s.Input, StringComparer.Ordinal)];
}

/// <summary>One input's counts at one moment.</summary>
/// <param name="Input">The input's name (a topic).</param>
/// <param name="Accepted">Messages taken.</param>
/// <param name="Rejected">Messages refused, defects included.</param>
/// <param name="Defects">Messages on which a decoder threw instead of refusing: a bug, the message dropped.</param>
/// <param name="LastReason">Why the last refused message was refused; null when none was.</param>
public sealed record InputTallySnapshot(string Input, long Accepted, long Rejected, long Defects, string? LastReason);

/// <summary>The counts of one input; see <see cref="InputLedger"/>.</summary>
public sealed partial class InputTally
{
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private long _accepted;
    private long _rejected;
    private long _defects;
    private string? _lastReason;
    private long _lastLogTs;
    private long _rejectedAtLastLog;

    internal InputTally(string name, TimeProvider time, ILogger log)
    {
        Name = name;
        _time = time;
        _log = log;
    }

    /// <summary>The input's name.</summary>
    public string Name { get; }

    /// <summary>Counts <paramref name="count"/> accepted messages.</summary>
    public void Accept(long count = 1)
    {
        if (count != 0) Interlocked.Add(ref _accepted, count);
    }

    /// <summary>
    /// Counts <paramref name="count"/> refused messages, the last of them refused for <paramref name="reason"/>, and logs
    /// it (at most one line per <see cref="InputLedger.LogInterval"/>).
    /// </summary>
    public void Reject(string reason, long count = 1)
    {
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        long total, since;
        lock (_gate)
        {
            total = _rejected += count;
            _lastReason = reason;
            if (!Due(out since)) return;
        }

        LogRejected(_log, Name, since, total, reason);
    }

    /// <summary>
    /// Moves one message from accepted to refused: it passed its input's checks but was refused later, when it was
    /// prepared (a target that is zero everywhere on the grid), for <paramref name="reason"/>.
    /// </summary>
    public void Retract(string reason)
    {
        Interlocked.Decrement(ref _accepted);
        Reject(reason);
    }

    /// <summary>
    /// Counts a message on which a decoder threw: a defect of this program, not of the sender. The message is dropped and
    /// the exception logged with the input (rate-limited as rejections are).
    /// </summary>
    public void Defect(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        long total, since;
        lock (_gate)
        {
            total = ++_rejected;
            _defects++;
            _lastReason = $"defect: {error.GetType().Name}: {error.Message}";
            if (!Due(out since)) return;
        }

        LogDefect(_log, error, Name, since, total);
    }

    /// <summary>The counts now.</summary>
    public InputTallySnapshot Snapshot()
    {
        lock (_gate) return new(Name, Interlocked.Read(ref _accepted), _rejected, _defects, _lastReason);
    }

    private bool Due(out long since)
    {
        long now = _time.GetTimestamp();
        since = _rejected - _rejectedAtLastLog;
        if (_lastLogTs != 0 && _time.GetElapsedTime(_lastLogTs, now) < InputLedger.LogInterval) return false;
        _lastLogTs = now;
        _rejectedAtLastLog = _rejected;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Input}: {Count} message(s) rejected since the last line ({Total} in all); the last: {Reason}")]
    private static partial void LogRejected(ILogger logger, string input, long count, long total, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Input}: a decoder threw instead of refusing (a defect; the message was dropped). {Count} rejected since the last line ({Total} in all)")]
    private static partial void LogDefect(ILogger logger, Exception error, string input, long count, long total);
}
