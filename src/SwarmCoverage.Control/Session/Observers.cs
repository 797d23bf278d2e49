using Microsoft.Extensions.Logging;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Control.Session;

/// <summary>
/// Watches a control session: recorders, live servers, status publishers. Every call runs on the observer's own thread, in
/// order (<see cref="OnStarted"/> first, then each tick); an observer that throws is counted and logged, one that is slow
/// loses ticks (counted and logged), and neither can slow or break a tick (docs/control-session.md). A
/// <see cref="ObserverOptions.Lossless"/> observer of an offline run is waited for instead.
/// </summary>
public interface IControlObserver
{
    /// <summary>The session as it starts (or as it is when the observer attaches).</summary>
    void OnStarted(SessionDescription session);

    /// <summary>One tick; <paramref name="tick"/> is valid only during the call (its buffers are reused).</summary>
    void OnTick(TickRecord tick);

    /// <summary>The session stopped; nothing follows.</summary>
    void OnStopped();
}

/// <summary>How an observer is attached.</summary>
public sealed record ObserverOptions
{
    /// <summary>For the log.</summary>
    public string Name { get; init; } = "observer";

    /// <summary>Ticks that may wait for the observer; beyond them ticks are dropped (counted), unless lossless.</summary>
    public int Capacity { get; init; } = 64;

    /// <summary>The tick waits rather than drop (offline runs only: simulate, replay, so a recording is complete).</summary>
    public bool Lossless { get; init; }
}

/// <summary>What an observer learns when it starts: the robots, the parameters with their values, the target.</summary>
public sealed record SessionDescription
{
    public required IReadOnlyList<string> RobotNames { get; init; }
    public required IReadOnlyList<RobotModel> Models { get; init; }

    /// <summary>The robot a decentralized instance commands, or -1.</summary>
    public required int OwnRobot { get; init; }
    public required double ControlPeriodS { get; init; }

    /// <summary>The largest robot body radius the pipeline was built for, m.</summary>
    public required double BodyRadiusM { get; init; }

    /// <summary>The frequency of <see cref="TickRecord.Timestamp"/> (the session clock's).</summary>
    public required long TimestampFrequency { get; init; }
    public required ParameterTable Table { get; init; }

    /// <summary>Every parameter's value in force (parameters without one are absent).</summary>
    public required IReadOnlyList<(ParameterDescriptor Descriptor, ParameterValue Value)> Parameters { get; init; }
    public required TargetDensity Target { get; init; }
    public required TargetMap TargetMap { get; init; }
    public required string TargetOrigin { get; init; }
    public required bool EmergencyStop { get; init; }
    public required double EpsilonM { get; init; }

    /// <summary>When the description was made, nanoseconds since the Unix epoch on the session clock.</summary>
    public required long TimeUnixNs { get; init; }
}

/// <summary>
/// One tick as the session ran it, every robot in the session's order: the pose the step saw and its age, whether it was
/// taken this tick, the command (world frame and as sent), the figures of the status, and what changed at its boundary.
/// Pooled: valid only during <see cref="IControlObserver.OnTick"/>.
/// </summary>
public sealed class TickRecord
{
    private int _references;

    internal TickRecord(int robots)
    {
        StatusArray = new RobotStatus[robots];
        PoseArray = new Pose[robots];
        AgeArray = new double[robots];
        TakenArray = new bool[robots];
        WorldArray = new RobotCommand[robots];
        WireArray = new RobotCommand[robots];
    }

    public ulong Tick { get; internal set; }

    /// <summary>The session clock's timestamp of the tick (every pose taken in it is stamped with it).</summary>
    public long Timestamp { get; internal set; }

    /// <summary>The tick's time, nanoseconds since the Unix epoch on the session clock.</summary>
    public long TimeUnixNs { get; internal set; }

    /// <summary>Units of <see cref="Timestamp"/> per second (the session clock's).</summary>
    public long TimestampFrequency { get; internal set; }
    public bool EmergencyStop { get; internal set; }
    public ControllerTick Step { get; internal set; }
    public SessionStatus Status { get; internal set; }
    public TickTiming Timing { get; internal set; }

    /// <summary>Changes applied at this tick's start (usually none).</summary>
    public IReadOnlyList<SessionChange> Changes { get; internal set; } = [];

    public ReadOnlySpan<RobotStatus> Statuses => StatusArray;

    /// <summary>Each robot's newest accepted pose (default while it awaits a first one).</summary>
    public ReadOnlySpan<Pose> Poses => PoseArray;

    /// <summary>Age of that pose at the tick (s); +infinity without one.</summary>
    public ReadOnlySpan<double> PoseAgesS => AgeArray;

    /// <summary>True when the pose was offered and accepted in this tick.</summary>
    public ReadOnlySpan<bool> PoseTaken => TakenArray;
    public ReadOnlySpan<RobotCommand> World => WorldArray;
    public ReadOnlySpan<RobotCommand> Wire => WireArray;

    internal RobotStatus[] StatusArray { get; }
    internal Pose[] PoseArray { get; }
    internal double[] AgeArray { get; }
    internal bool[] TakenArray { get; }
    internal RobotCommand[] WorldArray { get; }
    internal RobotCommand[] WireArray { get; }

    internal void SetReferences(int n) => Volatile.Write(ref _references, n);

    internal bool Release() => Interlocked.Decrement(ref _references) == 0;
}

/// <summary>
/// The observers of one session: each has a bounded queue and a thread of its own; tick records are pooled (no allocation
/// per tick once warm) and shared by every observer of a tick, returned to the pool when the last one is done.
/// </summary>
internal sealed partial class ObserverHub : IDisposable
{
    private readonly int _robots;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly Stack<TickRecord> _pool = new();
    private int _created;

    /// <summary>Records made when an observer attaches, at most.</summary>
    public const int PreallocatedRecords = 1024;
    private readonly Lock _poolGate = new();
    private readonly Lock _slotsGate = new();
    private Slot[] _slots = [];

    public ObserverHub(int robots, ILogger log, TimeProvider time)
    {
        _robots = robots;
        _log = log;
        _time = time;
    }

    public int Count => Volatile.Read(ref _slots).Length;

    public IDisposable Attach(IControlObserver observer, ObserverOptions options, SessionDescription description)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        var slot = new Slot(this, observer, options, description);
        // Enough records for this observer's whole queue, the tick being filled and one being read, made now rather than
        // on a tick: a tick allocates nothing (up to PreallocatedRecords; a deeper queue grows on demand).
        lock (_poolGate)
        {
            int wanted = Math.Min(options.Capacity + 2, PreallocatedRecords);
            for (; _created < wanted; _created++) _pool.Push(new TickRecord(_robots));
        }

        lock (_slotsGate) _slots = [.. _slots, slot];
        slot.Start();
        return slot;
    }

    /// <summary>Observers attached: their dropped ticks and failures.</summary>
    public IReadOnlyList<(string Name, long Dropped, long Failures)> Health() =>
        [.. Volatile.Read(ref _slots).Select(s => (s.Options.Name, s.Dropped, s.Failures))];

    /// <summary>Ticks dropped by every observer so far (no allocation: read every tick for the status).</summary>
    public long TotalDropped()
    {
        long total = 0;
        foreach (var s in Volatile.Read(ref _slots)) total += s.Dropped;
        return total;
    }

    public TickRecord Rent()
    {
        lock (_poolGate)
        {
            if (_pool.Count > 0) return _pool.Pop();
            _created++;
        }

        return new TickRecord(_robots);
    }

    private void Return(TickRecord r)
    {
        lock (_poolGate) _pool.Push(r);
    }

    /// <summary>Hands a filled record to every observer (the tick thread; never blocks unless a lossless observer is full).</summary>
    public void Publish(TickRecord record)
    {
        var slots = Volatile.Read(ref _slots);
        if (slots.Length == 0)
        {
            Return(record);
            return;
        }

        record.SetReferences(slots.Length + 1); // +1: this method's own, released below
        foreach (var s in slots)
        {
            if (!s.Enqueue(record)) Done(record);
        }

        Done(record);
    }

    private void Done(TickRecord r)
    {
        if (r.Release()) Return(r);
    }

    private void Detach(Slot slot)
    {
        lock (_slotsGate) _slots = [.. _slots.Where(s => s != slot)];
    }

    public void Dispose()
    {
        Slot[] slots;
        lock (_slotsGate)
        {
            slots = _slots;
            _slots = [];
        }

        foreach (var s in slots) s.Complete();
        foreach (var s in slots) s.Join();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Observer {Name} is slow: {Dropped} ticks dropped in the last {Seconds:F0} s ({Total} in all); the control loop did not wait for it")]
    private static partial void LogDropped(ILogger logger, string name, long dropped, double seconds, long total);

    [LoggerMessage(Level = LogLevel.Error, Message = "Observer {Name} failed ({Failures} failures so far); the control loop goes on")]
    private static partial void LogFailed(ILogger logger, Exception e, string name, long failures);

    private sealed class Slot : IDisposable
    {
        private readonly ObserverHub _hub;
        private readonly IControlObserver _observer;
        private readonly SessionDescription _description;
        private readonly Queue<TickRecord> _queue;
        private readonly object _gate = new();
        private readonly Thread _thread;
        private bool _completed;
        private long _dropped;
        private long _failures;
        private long _droppedAtLastLog;
        private long _lastDropLog;
        private long _lastFailureLog;

        public Slot(ObserverHub hub, IControlObserver observer, ObserverOptions options, SessionDescription description)
        {
            _hub = hub;
            _observer = observer;
            Options = options;
            _description = description;
            _queue = new Queue<TickRecord>(options.Capacity);
            _thread = new Thread(Run) { IsBackground = true, Name = "observer " + options.Name };
        }

        public ObserverOptions Options { get; }

        public long Dropped => Interlocked.Read(ref _dropped);

        public long Failures => Interlocked.Read(ref _failures);

        public void Start() => _thread.Start();

        public bool Enqueue(TickRecord r)
        {
            lock (_gate)
            {
                if (_completed) return false;
                while (_queue.Count >= Options.Capacity)
                {
                    if (!Options.Lossless)
                    {
                        long total = Interlocked.Increment(ref _dropped);
                        MaybeLogDrops(total);
                        return false;
                    }

                    Monitor.Wait(_gate); // an offline run waits for its lossless observer
                    if (_completed) return false;
                }

                _queue.Enqueue(r);
                Monitor.PulseAll(_gate);
                return true;
            }
        }

        private void MaybeLogDrops(long total)
        {
            long now = _hub._time.GetTimestamp();
            if (_lastDropLog != 0 && _hub._time.GetElapsedTime(_lastDropLog, now) < TimeSpan.FromSeconds(5)) return;
            double seconds = _lastDropLog == 0 ? 0 : _hub._time.GetElapsedTime(_lastDropLog, now).TotalSeconds;
            _lastDropLog = now;
            LogDropped(_hub._log, Options.Name, total - _droppedAtLastLog, seconds, total);
            _droppedAtLastLog = total;
        }

        private void Run()
        {
            Guard(() => _observer.OnStarted(_description));
            while (true)
            {
                TickRecord r;
                lock (_gate)
                {
                    while (_queue.Count == 0 && !_completed) Monitor.Wait(_gate);
                    if (_queue.Count == 0) break;
                    r = _queue.Dequeue();
                    Monitor.PulseAll(_gate);
                }

                var record = r;
                Guard(() => _observer.OnTick(record));
                _hub.Done(r);
            }

            Guard(_observer.OnStopped);
        }

        private void Guard(Action call)
        {
            try
            {
                call();
            }
#pragma warning disable CA1031 // an observer's failure must never reach the control loop: it is counted and logged
            catch (Exception e)
#pragma warning restore CA1031
            {
                long n = Interlocked.Increment(ref _failures);
                long now = _hub._time.GetTimestamp();
                if (_lastFailureLog == 0 || _hub._time.GetElapsedTime(_lastFailureLog, now) >= TimeSpan.FromSeconds(5))
                {
                    _lastFailureLog = now;
                    LogFailed(_hub._log, e, Options.Name, n);
                }
            }
        }

        /// <summary>No more ticks: the thread drains what is queued, then calls OnStopped.</summary>
        public void Complete()
        {
            lock (_gate)
            {
                _completed = true;
                Monitor.PulseAll(_gate);
            }
        }

        public void Join()
        {
            if (!Options.Lossless && !_thread.Join(TimeSpan.FromSeconds(10))) return; // a hung live observer is left behind (background thread)
            if (Options.Lossless) _thread.Join();
        }

        public void Dispose()
        {
            _hub.Detach(this);
            Complete();
            Join();
        }
    }
}
