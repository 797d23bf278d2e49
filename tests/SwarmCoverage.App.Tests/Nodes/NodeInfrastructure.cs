using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Tests.Infrastructure;

namespace SwarmCoverage.App.Tests.Nodes;

/// <summary>The node tests run one at a time: each starts real processes that need the two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NodeProcesses
{
    public const string Name = "node processes";
}

/// <summary>Where the repository's files are, found from the test binaries.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "SwarmCoverage.sln"))) return d.FullName;
        throw new InvalidOperationException($"no SwarmCoverage.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>DDS for the node tests: domains, participants and processes, all inside the private network namespace.</summary>
internal static class NodeDds
{
    /// <summary>docs/ros2-wire.md's loopback-only configuration (ROS 2's localhost-only mode).</summary>
    public const string CycloneConfig = RosParticipantOptions.LoopbackOnlyConfig;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static int nextDomain;

    public static NetworkSandbox Sandbox => NetworkSandbox.Instance;

    /// <summary>A domain no other test uses (the private namespace holds nothing else; on the host, the process id spreads runs).</summary>
    public static uint NewDomainId()
    {
        int n = Interlocked.Increment(ref nextDomain);
        int id = (Sandbox.IsPrivate ? 50 : 150 + (Environment.ProcessId % 6 * 12)) + n;
        return id <= 232 ? (uint)id : throw new InvalidOperationException("out of test domain ids");
    }

    public static RosParticipant Participant(uint domain, string node = "test_driver") =>
        Sandbox.Run(() => new RosParticipant(new RosParticipantOptions { DomainId = domain, NodeName = node, CycloneDdsConfig = CycloneConfig }));

    /// <summary>Waits for <paramref name="condition"/>, polling; fails with <paramref name="what"/> (and the processes' output) on timeout.</summary>
    public static void Until(Func<bool> condition, string what, TimeSpan? timeout = null, params AppProcess[] processes)
    {
        var limit = timeout ?? Timeout;
        long start = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(start) > limit)
                Assert.Fail($"timed out after {limit.TotalSeconds:F0} s waiting for {what}\n" + string.Join("\n", processes.Select(p => p.Describe())));
            Thread.Sleep(5);
        }
    }
}

/// <summary>
/// A <c>swarm-coverage</c> process started inside the sandbox (loopback-only Cyclone configuration, its own
/// ROS_DOMAIN_ID), with its output collected. Disposing kills it, by its id, if it still runs.
/// </summary>
internal sealed partial class AppProcess : IDisposable
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    private AppProcess(Process process, string description)
    {
        _process = process;
        Description = description;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Description { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate) return [.. _lines];
        }
    }

    public static AppProcess Start(uint domain, params string[] args) => Start(domain, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Start(uint, string[])"/>, with <paramref name="environment"/> added (ROS_SECURITY_*, for example).</summary>
    public static AppProcess Start(uint domain, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "swarm-coverage.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CYCLONEDDS_URI"] = NodeDds.CycloneConfig;
        psi.Environment["ROS_DOMAIN_ID"] = domain.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        return new AppProcess(NodeDds.Sandbox.StartProcess(psi), "swarm-coverage " + string.Join(' ', args));
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_gate) _lines.Add(line);
    }

    public bool HasLine(string fragment) => Lines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Waits for an output line containing <paramref name="fragment"/>; fails with the output on timeout or exit.</summary>
    public string WaitForLine(string fragment, TimeSpan? timeout = null)
    {
        var limit = timeout ?? NodeDds.Timeout;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            // Once the process has exited, the no-argument wait lets the asynchronous readers deliver every line it
            // wrote (a loaded machine delivers them late), so the last look below sees the whole output.
            bool exited = _process.HasExited;
            if (exited) _process.WaitForExit();
            var hit = Lines.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (hit is not null) return hit;
            if (exited || Stopwatch.GetElapsedTime(start) > limit)
                Assert.Fail($"no line containing '{fragment}' within {limit.TotalSeconds:F0} s\n{Describe()}");
            Thread.Sleep(10);
        }
    }

    public int WaitForExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit(timeout ?? NodeDds.Timeout)) Assert.Fail($"still running\n{Describe()}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal to this process (by its id).</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
    }

    public string Describe() => $"--- {Description} (exited: {_process.HasExited}) ---\n{string.Join('\n', Lines)}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}

/// <summary>
/// Robots played by the test: each publishes its odometry (a fixed world-frame pose, or one the test sets) at a rate
/// on a background thread, which also takes every command sent to it. A robot's odometry can be paused.
/// </summary>
internal sealed class FakeRobots : IDisposable
{
    private readonly RosParticipant _participant;
    private readonly string[] _names;
    private readonly RosPublisher<Odometry>[] _odom;
    private readonly RosSubscription<Twist>[] _cmd;
    private readonly Control.Pose[] _poses;
    private readonly bool[] _paused;
    private readonly List<Twist>[] _received;
    private readonly Lock _gate = new();
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly double _rateHz;

    public FakeRobots(uint domain, IReadOnlyList<string> names, IReadOnlyList<Control.Pose> poses, double rateHz = 50)
    {
        _names = [.. names];
        _poses = [.. poses];
        _rateHz = rateHz;
        _paused = new bool[_names.Length];
        _received = [.. _names.Select(_ => new List<Twist>())];
        _participant = NodeDds.Participant(domain, "fake_robots");
        _odom = [.. _names.Select(n => _participant.CreatePublisher<Odometry>($"/{n}/odom", RosQos.SensorData))];
        _cmd = [.. _names.Select(n => _participant.CreateSubscription<Twist>($"/{n}/cmd_vel", new RosQos(RosReliability.Reliable, RosDurability.Volatile, RosHistory.KeepLast, 100)))];
        _thread = new Thread(Loop) { IsBackground = true, Name = "fake-robots" };
        _thread.Start();
    }

    public int IndexOf(string name) => Array.IndexOf(_names, name);

    public void SetPaused(string robot, bool paused)
    {
        lock (_gate) _paused[IndexOf(robot)] = paused;
    }

    /// <summary>Every command received by <paramref name="robot"/> so far, in order.</summary>
    public Twist[] Commands(string robot)
    {
        lock (_gate) return [.. _received[IndexOf(robot)]];
    }

    public int CommandCount(string robot)
    {
        lock (_gate) return _received[IndexOf(robot)].Count;
    }

    public bool AllCommandPublishersMatched => _cmd.All(s => s.MatchedPublisherCount > 0);

    private void Loop()
    {
        var period = TimeSpan.FromSeconds(1 / _rateHz);
        var twist = default(Twist);
        long next = Stopwatch.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            for (int i = 0; i < _names.Length; i++)
            {
                bool paused;
                Control.Pose p;
                lock (_gate)
                {
                    paused = _paused[i];
                    p = _poses[i];
                }

                if (!paused)
                {
                    var o = new Odometry { Header = new Header(default, _names[i] + "/odom"), ChildFrameId = _names[i] + "/base_link" };
                    o.Pose.Pose = new Ros2.Messages.GeometryMsgs.Pose(new Point(p.X, p.Y, p.Z), Quaternion.FromYaw(p.YawRad));
                    _odom[i].Publish(o);
                }

                while (_cmd[i].TryTake(ref twist))
                {
                    lock (_gate) _received[i].Add(twist);
                }
            }

            next += (long)(period.TotalSeconds * Stopwatch.Frequency);
            long wait = next - Stopwatch.GetTimestamp();
            if (wait > 0) Thread.Sleep(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            else next = Stopwatch.GetTimestamp();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _participant.Dispose();
        _stop.Dispose();
    }
}
