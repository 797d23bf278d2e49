using System.Runtime.ExceptionServices;

namespace SwarmCoverage.Core.Parallel;

/// <summary>The items of a parallel loop run by <see cref="WorkerPool"/>.</summary>
public interface IParallelWork
{
    /// <summary>Runs one item; <paramref name="worker"/> (0 = the calling thread) indexes per-thread scratch buffers.</summary>
    void Execute(int item, int worker);
}

/// <summary>
/// A small pool of dedicated threads for parallel loops on a control path (the blob field's deposit and gather, the
/// controller node's command publishing): no allocation per loop (unlike Parallel.For), low start latency, and a stable
/// worker index for scratch buffers. Items are claimed dynamically, so callers must make each item's result independent
/// of which worker runs it (the blob field does: fixed particle chunks with their own grids, reduced in a fixed order).
/// A helper that has not started by the time the caller has run out of items is called off rather than waited for: a
/// thread woken on an idle virtual CPU can take a scheduler tick (10 ms here) to run, and the loop must not pay for a
/// helper that would find nothing left to do.
/// The threads are created by the constructor, so they inherit the creating thread's scheduling policy (a control loop
/// under SCHED_FIFO gets real-time workers). One loop at a time; <see cref="Run"/> is serialized.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    // A helper's state for the current loop. The caller sets Requested and wakes it; the helper takes the loop by moving
    // Requested -> Running, or the caller calls it off by moving Requested -> Idle. Whoever wins, the other side knows.
    private const int Idle = 0;
    private const int Requested = 1;
    private const int Running = 2;

    // WakeAhead: the helper is awake (or waking) and polls for a loop until its deadline instead of sleeping. A loop
    // requested meanwhile moves Warming -> Requested without another wake-up; a deadline that passes moves it back to Idle.
    private const int Warming = 3;


    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _wake;
    private readonly int[] _state;
    private readonly long[] _warmUntil;
    // Released once per loop by the helper that finishes last, if the caller has to wait at all. Not a
    // ManualResetEventSlim: that one allocates its lock object the first time a Wait has to block, which can be in the
    // middle of a control loop that must not allocate.
    private readonly SemaphoreSlim _done = new(0);
    private readonly Lock _runLock = new();
    private IParallelWork? _work;
    private int _count;
    private int _next;
    private int _pending;
    private Exception? _error;
    private volatile bool _stopping;

    /// <summary>Starts <paramref name="workers"/> - 1 threads named <paramref name="name"/>-1, -2, ... (the caller is worker 0).</summary>
    public WorkerPool(int workers, string name = "blob-worker")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (workers < 1) throw new ArgumentOutOfRangeException(nameof(workers), workers, "at least one worker");
        _threads = new Thread[workers - 1];
        _wake = new SemaphoreSlim[workers - 1];
        _state = new int[workers - 1];
        _warmUntil = new long[workers - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int id = i + 1;
            _wake[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(() => Loop(id)) { IsBackground = true, Name = $"{name}-{id}" };
            _threads[i].Start();
        }
    }

    /// <summary>Workers including the calling thread.</summary>
    public int Workers => _threads.Length + 1;

    /// <summary>How long a helper woken by <see cref="WakeAhead"/> polls for a loop before it sleeps again (1 ms; tests set more).</summary>
    internal TimeSpan WarmFor { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>For tests: called by a helper after it wakes and before it tries to take the loop (its worker index).</summary>
    internal Action<int>? HelperWoke { get; set; }

    /// <summary>Runs items 0..count-1 and returns when all are done; rethrows the first exception.</summary>
    public void Run(IParallelWork work, int count)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (count <= 0) return;
        if (_threads.Length == 0 || count == 1)
        {
            for (int i = 0; i < count; i++) work.Execute(i, 0);
            return;
        }
        lock (_runLock)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _work = work;
            _count = count;
            _next = -1;
            _error = null;
            int helpers = Math.Min(_threads.Length, count - 1);
            _pending = helpers;
            for (int h = 0; h < helpers; h++)
            {
                // A helper woken ahead is already awake: it sees the request without another wake-up.
                if (Interlocked.Exchange(ref _state[h], Requested) != Warming) _wake[h].Release();
            }

            Drain(0);

            // Every item is claimed. Call off the helpers that have not started; wait only for those that have.
            bool allDone = false;
            for (int h = 0; h < helpers; h++)
            {
                if (Interlocked.CompareExchange(ref _state[h], Idle, Requested) == Requested && Interlocked.Decrement(ref _pending) == 0)
                    allDone = true;
            }

            if (!allDone) _done.Wait();
            _work = null;
            if (_error is { } e) ExceptionDispatchInfo.Capture(e).Throw();
        }
    }

    /// <summary>
    /// Wakes the helpers now for a loop that is about to come (the rest of this thread's work first): a helper woken from
    /// sleep can take longer to run than a loop of a hundred microseconds lasts (on the development VM about 0.1 to 0.2 ms),
    /// and a helper that starts late is called off, so the loop runs on one thread. A helper woken ahead polls for up to
    /// 1 ms, then sleeps again. Changes nothing but who runs which item.
    /// </summary>
    public void WakeAhead()
    {
        lock (_runLock)
        {
            if (_stopping) return;
            long until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(WarmFor.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            for (int h = 0; h < _threads.Length; h++)
            {
                Volatile.Write(ref _warmUntil[h], until);
                int s = Volatile.Read(ref _state[h]);
                if (s != Warming && s != Requested && Interlocked.CompareExchange(ref _state[h], Warming, s) == s) _wake[h].Release();
            }
        }
    }

    private void Drain(int worker)
    {
        var work = _work!;
        int i;
        while ((i = Interlocked.Increment(ref _next)) < _count)
        {
            try
            {
                work.Execute(i, worker);
            }
#pragma warning disable CA1031 // the first failure is rethrown on the calling thread
            catch (Exception e)
#pragma warning restore CA1031
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }
        }
    }

    private void Loop(int worker)
    {
        int h = worker - 1;
        while (true)
        {
            // A wake-up whose loop was called off (or already taken) leaves the state as something other than Requested:
            // the helper goes back to sleep without touching the loop's fields.
            _wake[h].Wait();
            if (_stopping) return;
            HelperWoke?.Invoke(worker);
            if (Volatile.Read(ref _state[h]) == Warming)
            {
                var spin = default(SpinWait);
                while (Volatile.Read(ref _state[h]) == Warming && !_stopping
                    && System.Diagnostics.Stopwatch.GetTimestamp() < Volatile.Read(ref _warmUntil[h]))
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }

                // Nobody asked before the deadline: back to sleep (unless a loop was requested just now).
                if (Interlocked.CompareExchange(ref _state[h], Idle, Warming) == Warming) continue;
            }

            if (Interlocked.CompareExchange(ref _state[h], Running, Requested) != Requested) continue;
            Drain(worker);
            if (Interlocked.Decrement(ref _pending) == 0) _done.Release();
        }
    }

    /// <summary>Stops and joins the threads.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        lock (_runLock)
        {
            _stopping = true;
            foreach (var w in _wake) w.Release();
        }
        foreach (var t in _threads) t.Join();
        foreach (var w in _wake) w.Dispose();
        _done.Dispose();
    }
}
