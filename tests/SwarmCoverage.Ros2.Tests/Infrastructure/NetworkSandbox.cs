using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>
/// A private network namespace holding only loopback, entered by one dedicated thread of the test process
/// (<c>unshare(CLONE_NEWNET)</c> acts on the calling thread). Cyclone DDS domains created on that thread open
/// their sockets inside it, and processes started from it are born inside it, so in-process participants and
/// peer processes talk over a loopback that nothing else on the machine shares, and no discovery traffic
/// leaves the machine. Needs CAP_SYS_ADMIN (root); otherwise <see cref="IsPrivate"/> is false and everything
/// runs on the host's loopback, restricted to <c>lo</c> by the Cyclone configuration.
/// </summary>
internal sealed partial class NetworkSandbox
{
    private const int CloneNewNet = 0x40000000;

    private static readonly Lazy<NetworkSandbox> Shared = new(() => new NetworkSandbox(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly BlockingCollection<Action> work = [];

    private NetworkSandbox()
    {
        var ready = new TaskCompletionSource<(bool, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Loop(ready)) { IsBackground = true, Name = "dds-netns" };
        thread.Start();
        (IsPrivate, Description) = ready.Task.GetAwaiter().GetResult();
    }

    public static NetworkSandbox Instance => Shared.Value;

    /// <summary>True when the thread is in its own network namespace with only <c>lo</c> up.</summary>
    public bool IsPrivate { get; }

    public string Description { get; }

    /// <summary>Runs <paramref name="action"/> on the sandbox thread and returns its result (exceptions propagate).</summary>
    public T Run<T>(Func<T> action)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Add(() =>
        {
            try
            {
                done.SetResult(action());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }

    /// <summary>Starts a process inside the namespace.</summary>
    public Process StartProcess(ProcessStartInfo startInfo) =>
        Run(() => Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {startInfo.FileName}"));

    [LibraryImport("libc", SetLastError = true)]
    private static partial int unshare(int flags);

    private void Loop(TaskCompletionSource<(bool, string)> ready)
    {
        (bool, string) state;
        if (unshare(CloneNewNet) == 0)
        {
            using Process ip = Process.Start(new ProcessStartInfo("ip", "link set lo up") { RedirectStandardError = true })!;
            string error = ip.StandardError.ReadToEnd();
            ip.WaitForExit();
            state = ip.ExitCode == 0
                ? (true, "private network namespace with only loopback (unshare CLONE_NEWNET)")
                : throw new InvalidOperationException($"'ip link set lo up' failed in the new namespace: {error}");
        }
        else
        {
            state = (false, $"host network namespace, loopback only by configuration (unshare failed with errno {Marshal.GetLastPInvokeError()}; run as root for isolation)");
        }

        ready.SetResult(state);
        foreach (Action a in work.GetConsumingEnumerable())
        {
            a();
        }
    }
}
