using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Core;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;

namespace SwarmCoverage.Nodes;

/// <summary>
/// The control loop: a <see cref="PeriodicTimer"/> at the control rate on the node's <see cref="TimeProvider"/>
/// (wall clock, or ROS time from <c>/clock</c>), one <see cref="ControllerNode.Tick"/> per period, on a dedicated
/// thread (with <c>realtime_priority</c> &gt; 0 under SCHED_FIFO, as ros2_control runs its loop). On stop (SIGINT,
/// SIGTERM) or failure it publishes zero to every robot and waits for the acknowledgments.
/// </summary>
public sealed partial class ControllerLoopService(ControllerNode node, TimeProvider time, NodeRun run, ILogger<ControllerLoopService> log) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Loop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Loop(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(node.Settings.Controller.ControlPeriodS);
        try
        {
            int priority = node.Settings.RealtimePriority;
            if (priority > 0)
            {
                if (RealtimeThread.TrySetFifo(priority, out int errno)) LogRealtime(log, priority);
                else LogNoRealtime(log, priority, errno);
            }

            using var timer = new BlockingPeriodicTimer(period, time);
            LogRunning(log, 1 / period.TotalSeconds, node.Settings.UseSimTime ? "ROS time (/clock)" : "the wall clock", node.PublishThreads);
            while (timer.WaitForNextTick(stoppingToken)) node.Tick();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // SIGINT / SIGTERM: the host is stopping.
        }
        catch (Exception e)
        {
            run.Fail(e);
            LogLoopFailed(log, e);
            node.ReportFailure(e);
            throw;
        }
        finally
        {
            node.Shutdown(TimeSpan.FromSeconds(node.Settings.ShutdownAckTimeoutS));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Control loop running at {RateHz:G4} Hz on {Clock}, publishing commands from {PublishThreads} thread(s)")]
    private static partial void LogRunning(ILogger logger, double rateHz, string clock, int publishThreads);

    [LoggerMessage(Level = LogLevel.Information, Message = "Control loop thread runs under SCHED_FIFO priority {Priority}")]
    private static partial void LogRealtime(ILogger logger, int priority);

    [LoggerMessage(Level = LogLevel.Warning, Message = "realtime_priority {Priority}: SCHED_FIFO refused (errno {Errno}; needs CAP_SYS_NICE or root); the loop runs at normal priority")]
    private static partial void LogNoRealtime(ILogger logger, int priority, int errno);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The control loop failed; every robot is commanded zero")]
    private static partial void LogLoopFailed(ILogger logger, Exception e);
}

/// <summary>Real-time scheduling of the calling thread (Linux <c>sched_setscheduler</c>).</summary>
public static partial class RealtimeThread
{
    private const int SchedFifo = 1;

    /// <summary>Puts the calling thread under SCHED_FIFO at <paramref name="priority"/> (1..99); false (with errno) when refused.</summary>
    public static bool TrySetFifo(int priority, out int errno)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(priority, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priority, 99);
        errno = 0;
        if (!OperatingSystem.IsLinux())
        {
            errno = -1;
            return false;
        }

        int p = priority;
        if (sched_setscheduler(0, SchedFifo, ref p) == 0) return true;
        errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return false;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setscheduler(int pid, int policy, ref int param);
}

/// <summary>Drives the <see cref="RosClockTimeProvider"/> from <c>/clock</c> (only under <c>use_sim_time</c>), on its own thread.</summary>
public sealed partial class ClockService(ControllerNode node, RosClockTimeProvider clock, NodeRun run, ILogger<ClockService> log) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Loop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Loop(CancellationToken stoppingToken)
    {
        try
        {
            using var sub = node.Participant.CreateSubscription<Clock>(NodeTopics.Clock, RosQos.Clock);
            LogWaiting(log);
            long backwards = 0;
            var msg = default(Clock);
            string origin = "topic " + NodeTopics.Clock;
            var tally = node.Session.Inputs.For(origin);
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!sub.WaitForData(TimeSpan.FromMilliseconds(250), stoppingToken)) continue;
                if (!ControlInputs.Receive(node.Session, origin, sub, ref msg, latest: true)) continue;
                if (ClockStampRejection(msg) is { } refused)
                {
                    tally.Reject($"{origin}: {refused}");
                    continue;
                }

                tally.Accept();
                long ns = msg.Time.ToNanoseconds();
                bool first = !clock.Started;
                if (!clock.Advance(ns))
                {
                    if (backwards++ % 100 == 0) LogBackwards(log, ns * 1e-9, clock.NowNanoseconds * 1e-9, backwards);
                }
                else if (first && ns > 0)
                {
                    LogStarted(log, ns * 1e-9);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            run.Fail(e);
            throw;
        }
    }

    /// <summary>Why a /clock stamp cannot be ROS time (null when it can): the one place a message's own stamp is checked.</summary>
    public static string? ClockStampRejection(in Clock msg) =>
        msg.Time.Sec < 0 ? $"the stamp's sec is {msg.Time.Sec}; ROS time is not negative"
        : msg.Time.Nanosec >= 1_000_000_000u ? $"the stamp's nanosec is {msg.Time.Nanosec}; it must be below 1,000,000,000"
        : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "use_sim_time: waiting for /clock; the control loop runs on ROS time")]
    private static partial void LogWaiting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "ROS time starts at {TimeS:F3} s")]
    private static partial void LogStarted(ILogger logger, double timeS);

    [LoggerMessage(Level = LogLevel.Warning, Message = "/clock went back to {TimeS:F3} s from {NowS:F3} s; ignored ({Count} so far). Restart the controller after restarting the simulation")]
    private static partial void LogBackwards(ILogger logger, double timeS, double nowS, long count);
}

/// <summary>
/// Reloads the target when the params file (or the target file it names) is edited, without a restart: the new file is
/// read strictly; a bad edit is logged and ignored (the old target stays); changed parameters are logged, and those
/// other than the target are reported as needing a restart.
/// </summary>
public sealed partial class ParamsFileWatcher(ControllerNode node, ILogger<ParamsFileWatcher> log) : IHostedService, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _reloadGate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private ITimer? _debounce;
    private IReadOnlyDictionary<string, string> _values = new Dictionary<string, string>();
    private string _targetFileText = "";

    /// <summary>Wall-clock delay after the last change before the file is read (editors write in several steps).</summary>
    public static TimeSpan Debounce { get; } = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        string? path = node.Settings.SourceFile;
        if (path is null || !node.Settings.WatchParamsFile) return Task.CompletedTask;
        (_values, _targetFileText) = Snapshot(path);
        Watch(path);
        _watched.Add(Path.GetFullPath(path));
        if (TargetFile(_values, path) is { } target && _watched.Add(Path.GetFullPath(target))) Watch(target);
        LogWatching(log, path);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var w in _watchers) w.Dispose();
            _watchers.Clear();
            _debounce?.Dispose();
            _debounce = null;
        }
    }

    private void Watch(string file)
    {
        string full = Path.GetFullPath(file);
        var w = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        w.Changed += (_, _) => Poke();
        w.Created += (_, _) => Poke();
        w.Renamed += (_, _) => Poke();
        w.EnableRaisingEvents = true;
        lock (_gate) _watchers.Add(w);
    }

    private void Poke()
    {
        lock (_gate)
        {
            _debounce ??= TimeProvider.System.CreateTimer(_ =>
            {
                lock (_reloadGate) Reload();
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _debounce.Change(Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private static (IReadOnlyDictionary<string, string> Values, string TargetText) Snapshot(string path)
    {
        var values = RosParamsFile.Load(path, ControllerNodeSettings.NodeName).RawValues();
        string? target = TargetFile(values, path);
        return (values, target is not null && File.Exists(target) ? File.ReadAllText(target) : "");
    }

    private static string? TargetFile(IReadOnlyDictionary<string, string> values, string paramsPath) =>
        values.TryGetValue("target.file", out var f) && f.Length > 0
            ? Path.IsPathRooted(f) ? f : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(paramsPath))!, f)
            : null;

    private void Reload()
    {
        string path = node.Settings.SourceFile!;
        try
        {
            var (values, targetText) = Snapshot(path);
            var changed = values.Keys.Union(_values.Keys)
                .Where(k => !_values.TryGetValue(k, out var a) || !values.TryGetValue(k, out var b) || a != b)
                .Order(StringComparer.Ordinal).ToList();
            bool targetFileChanged = targetText != _targetFileText;
            if (changed.Count == 0 && !targetFileChanged) return;
            // The edited file is checked whole, as at start: a bad edit changes nothing.
            var fresh = RosParamsFile.Load(path, ControllerNodeSettings.NodeName);
            _ = ControllerNodeSettings.Read(fresh, node.Settings.OwnRobot);
            var table = node.Session.Table;
            var live = new List<(string, ParameterValue)>();
            foreach (var k in changed)
            {
                string before = _values.GetValueOrDefault(k, "(unset)"), after = values.GetValueOrDefault(k, "(unset)");
                var d = table.Find(k);
                if (d is { RunTime: true } && fresh.Value(d) is { } v) live.Add((k, v));
                else LogNeedsRestart(log, k, before, after);
            }

            _values = values;
            _targetFileText = targetText;
            if (TargetFile(values, path) is { } target && _watched.Add(Path.GetFullPath(target))) Watch(target);
            string origin = "params file " + path;
            if (live.Count > 0)
            {
                var result = node.Session.SetParameters(live, origin);
                foreach (var (name, reason) in result.Refusals) LogBadEdit(log, path, $"{name}: {reason}");
            }
            else if (targetFileChanged)
            {
                LogTargetFileChanged(log, TargetFile(values, path) ?? "");
                var result = node.Session.ReloadTarget(origin);
                foreach (var (_, reason) in result.Refusals) LogBadEdit(log, path, reason);
            }
        }
        catch (InputException e)
        {
            LogBadEdit(log, path, e.Message);
        }
        catch (IOException e)
        {
            LogBadEdit(log, path, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watching {Path}: an edited target or run-time parameter is taken without a restart")]
    private static partial void LogWatching(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Params file: {Name} changed from {Before} to {After}; it takes effect after a restart (it cannot change while running)")]
    private static partial void LogNeedsRestart(ILogger logger, string name, string before, string after);

    [LoggerMessage(Level = LogLevel.Information, Message = "Target file {Path} changed; reloading the target")]
    private static partial void LogTargetFileChanged(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Edit of {Path} ignored, what is in force stays: {Reason}")]
    private static partial void LogBadEdit(ILogger logger, string path, string reason);
}

/// <summary>
/// A <see cref="PeriodicTimer"/> waited for on the calling thread (a control loop's, perhaps under SCHED_FIFO) without
/// allocating: the timer's continuation only releases a semaphore the thread blocks on. (<c>AsTask()</c> on the
/// timer's ValueTask would allocate a Task per tick, and a long run would collect garbage in the loop's process; a
/// ManualResetEventSlim allocates its lock object the first time a wait blocks.)
/// </summary>
internal sealed class BlockingPeriodicTimer : IDisposable
{
    private readonly PeriodicTimer _timer;
    private readonly SemaphoreSlim _tick = new(0);
    private readonly Action _signal;

    public BlockingPeriodicTimer(TimeSpan period, TimeProvider time)
    {
        _timer = new PeriodicTimer(period, time);
        _signal = () => _tick.Release();
    }

    /// <summary>Blocks until the next tick: true, or false once the timer is disposed; throws when cancelled.</summary>
    public bool WaitForNextTick(CancellationToken cancellationToken)
    {
        var next = _timer.WaitForNextTickAsync(cancellationToken);
        if (!next.IsCompleted)
        {
            next.GetAwaiter().UnsafeOnCompleted(_signal); // exactly one release per wait
            _tick.Wait(CancellationToken.None);
        }

        return next.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _timer.Dispose();
        _tick.Dispose();
    }
}
