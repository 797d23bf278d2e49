using System.Globalization;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.DiagnosticMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;

namespace SwarmCoverage.Nodes;

/// <summary>
/// The node's <c>/diagnostics</c> (docs/inputs.md): what rqt_robot_monitor and Foxglove's diagnostics panel read. One
/// status per input (accepted, rejected, defects, the last reason: WARN while rejections arrive, ERROR after a defect)
/// and one for the control loop (latency p50/p99 and missed ticks over the last report, the emergency stop, observers'
/// drops; ERROR when the loop failed, with why).
/// </summary>
public static class NodeDiagnostics
{
    /// <summary>The topic.</summary>
    public const string Topic = "/diagnostics";

    /// <summary>Seconds of node time between two reports (rqt_robot_monitor's expectation of about 1 Hz).</summary>
    public const double PeriodS = 1.0;

    /// <summary>The status name of an input, as the monitors group it.</summary>
    public static string InputName(string node, string input) => $"{node}: input {input}";

    /// <summary>The status name of the control loop.</summary>
    public static string LoopName(string node) => $"{node}: control loop";

    /// <summary>The status of one input, given its counts now and at the previous report.</summary>
    public static DiagnosticStatus Input(string node, InputTallySnapshot now, InputTallySnapshot? before)
    {
        ArgumentNullException.ThrowIfNull(now);
        long newRejected = now.Rejected - (before?.Rejected ?? 0);
        long newDefects = now.Defects - (before?.Defects ?? 0);
        byte level = newDefects > 0 ? DiagnosticStatus.Error : newRejected > 0 ? DiagnosticStatus.Warn : DiagnosticStatus.Ok;
        string message = level == DiagnosticStatus.Ok
            ? Invariant($"{now.Accepted} accepted, {now.Rejected} rejected")
            : Invariant($"{newRejected} rejected since the last report ({now.Rejected} in all, {now.Defects} defects); the last: {now.LastReason}");
        return new DiagnosticStatus
        {
            Level = level,
            Name = InputName(node, now.Input),
            Message = message,
            HardwareId = node,
            Values =
            [
                new("accepted", Invariant($"{now.Accepted}")),
                new("rejected", Invariant($"{now.Rejected}")),
                new("defects", Invariant($"{now.Defects}")),
                new("last_reason", now.LastReason ?? ""),
            ],
        };
    }

    /// <summary>The control loop's status over one report's ticks; <paramref name="failure"/>: why it stopped, if it did.</summary>
    public static DiagnosticStatus Loop(string node, in LoopWindow w, string? failure)
    {
        byte level = failure is not null ? DiagnosticStatus.Error
            : w.EmergencyStop || w.MissedTicks > 0 || w.ObserverDrops > 0 || w.NonFiniteCommands > 0 ? DiagnosticStatus.Warn
            : DiagnosticStatus.Ok;
        string message = failure is not null ? $"the control loop failed: {failure}; every robot was commanded zero and the node exits"
            : w.EmergencyStop ? "emergency stop: every robot is commanded zero"
            : Invariant($"{w.Ticks} ticks, latency p50 {w.LatencyP50S * 1e3:F2} ms, p99 {w.LatencyP99S * 1e3:F2} ms, {w.MissedTicks} missed");
        return new DiagnosticStatus
        {
            Level = level,
            Name = LoopName(node),
            Message = message,
            HardwareId = node,
            Values =
            [
                new("tick", Invariant($"{w.LastTick}")),
                new("ticks", Invariant($"{w.Ticks}")),
                new("latency_p50_s", Invariant($"{w.LatencyP50S:G6}")),
                new("latency_p99_s", Invariant($"{w.LatencyP99S:G6}")),
                new("missed_ticks", Invariant($"{w.MissedTicks}")),
                new("missed_ticks_total", Invariant($"{w.MissedTicksTotal}")),
                new("active_robots", Invariant($"{w.ActiveRobots}")),
                new("stale_robots", Invariant($"{w.StaleRobots}")),
                new("emergency_stop", w.EmergencyStop ? "true" : "false"),
                new("non_finite_commands", Invariant($"{w.NonFiniteCommands}")),
                new("observer_dropped_ticks", Invariant($"{w.ObserverDrops}")),
                new("failure", failure ?? ""),
            ],
        };
    }

    /// <summary>One report: the node's own status first (the control loop, the simulation), then every input by name.</summary>
    public static DiagnosticArray Report(string node, Time stamp, in DiagnosticStatus first, IReadOnlyList<InputTallySnapshot> inputs,
        IReadOnlyDictionary<string, InputTallySnapshot>? before)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var statuses = new DiagnosticStatus[inputs.Count + 1];
        statuses[0] = first;
        for (int i = 0; i < inputs.Count; i++)
            statuses[i + 1] = Input(node, inputs[i], before is not null && before.TryGetValue(inputs[i].Input, out var b) ? b : null);
        return new DiagnosticArray { Header = new Header(stamp, ""), Status = statuses };
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The control loop over one diagnostics report.</summary>
public readonly record struct LoopWindow
{
    public ulong LastTick { get; init; }
    public long Ticks { get; init; }
    public double LatencyP50S { get; init; }
    public double LatencyP99S { get; init; }
    public long MissedTicks { get; init; }
    public long MissedTicksTotal { get; init; }
    public int ActiveRobots { get; init; }
    public int StaleRobots { get; init; }
    public bool EmergencyStop { get; init; }
    public long NonFiniteCommands { get; init; }
    public long ObserverDrops { get; init; }
}

/// <summary>
/// Publishes <see cref="NodeDiagnostics"/> every <see cref="NodeDiagnostics.PeriodS"/> of tick time: an observer, so it
/// never delays a tick. <see cref="ReportFailure"/> publishes at once, from the caller (the loop that failed).
/// </summary>
internal sealed class DiagnosticsPublisher(RosParticipant participant, ControlSession session, string node) : IControlObserver
{
    private readonly RosPublisher<DiagnosticArray> _pub = participant.CreatePublisher<DiagnosticArray>(NodeDiagnostics.Topic, RosQos.Default);
    private readonly Lock _gate = new();
    private readonly List<double> _latencies = new(64);
    private Dictionary<string, InputTallySnapshot> _before = new(StringComparer.Ordinal);
    private double _periodS;
    private long _frequency;
    private long _windowStartTs;
    private long _lastTs;
    private long _missed;
    private long _missedTotal;
    private LoopWindow _lastWindow;

    public void OnStarted(SessionDescription description)
    {
        _periodS = description.ControlPeriodS;
        _frequency = description.TimestampFrequency;
    }

    public void OnTick(TickRecord tick)
    {
        lock (_gate)
        {
            if (_lastTs != 0)
            {
                // Ticks the loop should have run between these two and did not (a late wake-up, an overloaded machine).
                double gap = (double)(tick.Timestamp - _lastTs) / _frequency / _periodS;
                long missed = (long)Math.Max(0, Math.Round(gap) - 1);
                _missed += missed;
                _missedTotal += missed;
            }
            else
            {
                _windowStartTs = tick.Timestamp;
            }

            _lastTs = tick.Timestamp;
            _latencies.Add(tick.Timing.LatencyS);
            _lastWindow = Window(tick);
            if ((double)(tick.Timestamp - _windowStartTs) / _frequency < NodeDiagnostics.PeriodS) return;
            Publish(Time.FromNanoseconds(tick.TimeUnixNs), null);
            _windowStartTs = tick.Timestamp;
            _latencies.Clear();
            _missed = 0;
        }
    }

    public void OnStopped()
    {
    }

    /// <summary>The loop failed: the report says why, now (the node exits next).</summary>
    public void ReportFailure(Exception error, long timeUnixNs)
    {
        lock (_gate) Publish(Time.FromNanoseconds(timeUnixNs), $"{error.GetType().Name}: {error.Message}");
    }

    private LoopWindow Window(TickRecord tick)
    {
        var s = tick.Status;
        return new LoopWindow
        {
            LastTick = tick.Tick,
            ActiveRobots = s.ActiveRobots,
            StaleRobots = s.StaleRobots,
            EmergencyStop = tick.EmergencyStop,
            NonFiniteCommands = s.NonFiniteCommands,
        };
    }

    private void Publish(Time stamp, string? failure)
    {
        var sorted = _latencies.ToArray();
        Array.Sort(sorted);
        long drops = 0;
        foreach (var (_, dropped, _) in session.ObserverHealth) drops += dropped;
        var window = _lastWindow with
        {
            Ticks = sorted.Length,
            LatencyP50S = Quantile(sorted, 0.50),
            LatencyP99S = Quantile(sorted, 0.99),
            MissedTicks = _missed,
            MissedTicksTotal = _missedTotal,
            ObserverDrops = drops,
        };
        var inputs = session.Inputs.Snapshot();
        _pub.Publish(NodeDiagnostics.Report(node, stamp, NodeDiagnostics.Loop(node, window, failure), inputs, _before));
        _before = inputs.ToDictionary(i => i.Input, StringComparer.Ordinal);
    }

    private static double Quantile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
