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
/// The threads are created by the constructor, so they inherit the creating thread's scheduling policy (a control loop
/// under SCHED_FIFO gets real-time workers). One loop at a time; <see cref="Run"/> is serialized.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim _start = new(0);
    // Released once per loop by the last helper to finish. Not a ManualResetEventSlim: that one allocates its lock object
    // the first time a Wait has to block, which can be in the middle of a control loop that must not allocate.
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
        for (int i = 0; i < _threads.Length; i++)
        {
            int id = i + 1;
            _threads[i] = new Thread(() => Loop(id)) { IsBackground = true, Name = $"{name}-{id}" };
            _threads[i].Start();
        }
    }

    /// <summary>Workers including the calling thread.</summary>
    public int Workers => _threads.Length + 1;

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
            _start.Release(helpers);
            Drain(0);
            _done.Wait();
            _work = null;
            if (_error is { } e) ExceptionDispatchInfo.Capture(e).Throw();
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
        while (true)
        {
            _start.Wait();
            if (_stopping) return;
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
            _start.Release(_threads.Length);
        }
        foreach (var t in _threads) t.Join();
        _start.Dispose();
        _done.Dispose();
    }
}
