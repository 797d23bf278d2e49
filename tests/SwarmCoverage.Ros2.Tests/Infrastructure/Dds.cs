using System.Diagnostics;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>Participants and peer processes for tests, all inside the <see cref="NetworkSandbox"/>.</summary>
internal static class Dds
{
    /// <summary>docs/ros2-wire.md's loopback-only configuration (ROS 2's localhost-only mode).</summary>
    public const string CycloneConfig = RosParticipantOptions.LoopbackOnlyConfig;

    public static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(20);

    private static int nextDomain;

    public static NetworkSandbox Sandbox => NetworkSandbox.Instance;

    /// <summary>
    /// A domain id no other test uses. In the private namespace nothing else is on the wire; on the host's loopback
    /// the process id spreads concurrent runs apart.
    /// </summary>
    public static uint NewDomainId()
    {
        int n = Interlocked.Increment(ref nextDomain);
        int baseId = Sandbox.IsPrivate ? 0 : 100 + (Environment.ProcessId % 10 * 12);
        int id = baseId + n;
        if (id > 232)
        {
            throw new InvalidOperationException("out of test domain ids");
        }

        return (uint)id;
    }

    /// <summary>A participant created on the sandbox thread, with the loopback configuration.</summary>
    public static RosParticipant Participant(uint domainId, string nodeName = "test_node", string @namespace = "/") =>
        Sandbox.Run(() => new RosParticipant(new RosParticipantOptions
        {
            DomainId = domainId,
            NodeName = nodeName,
            Namespace = @namespace,
            CycloneDdsConfig = CycloneConfig,
        }));

    /// <summary>Starts the test peer (a separate .NET process) inside the sandbox with the loopback configuration.</summary>
    public static PeerProcess StartPeer(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "SwarmCoverage.Ros2.TestPeer.dll");
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CYCLONEDDS_URI"] = CycloneConfig;
        return new PeerProcess(Sandbox.StartProcess(psi), $"TestPeer {string.Join(' ', args)}");
    }

    /// <summary>Starts any program inside the sandbox with the loopback configuration.</summary>
    public static PeerProcess StartProgram(string fileName, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CYCLONEDDS_URI"] = CycloneConfig;
        if (environment is not null)
        {
            foreach ((string k, string v) in environment)
            {
                psi.Environment[k] = v;
            }
        }

        return new PeerProcess(Sandbox.StartProcess(psi), $"{fileName} {string.Join(' ', args)}");
    }

    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}

/// <summary>A started process whose output lines are collected; killed (by its id) on dispose if still running.</summary>
internal sealed class PeerProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly List<string> errors = [];
    private readonly object gate = new();

    public PeerProcess(Process process, string description)
    {
        this.process = process;
        Description = description;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    lines.Add(e.Data);
                    Monitor.PulseAll(gate);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    errors.Add(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Description { get; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (gate)
            {
                return string.Join('\n', errors);
            }
        }
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/>; fails the test with the output on timeout or early exit.</summary>
    public string WaitForLine(string prefix, TimeSpan timeout)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            bool exited = process.HasExited;
            if (exited)
            {
                // The asynchronous readers may still hold lines the process wrote before it exited (a loaded machine
                // delivers them seconds late): the no-argument wait returns once both streams reached their end.
                // It takes the handlers' lock, so it runs outside it.
                process.WaitForExit();
            }

            lock (gate)
            {
                string? hit = lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (hit is not null)
                {
                    return hit;
                }

                if (exited || Stopwatch.GetElapsedTime(start) > timeout)
                {
                    throw new TimeoutException(
                        $"{Description}: no line starting with '{prefix}' within {timeout}; exited={exited}" +
                        (exited ? $" (code {process.ExitCode})" : "") + "\n" +
                        $"stdout:\n{string.Join('\n', lines)}\nstderr:\n{string.Join('\n', errors)}");
                }

                Monitor.Wait(gate, 100);
            }
        }
    }

    /// <summary>Waits for exit and returns the exit code; fails with the output on timeout.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            throw new TimeoutException($"{Description}: still running after {timeout}\nstdout:\n{string.Join('\n', Lines)}\nstderr:\n{Errors}");
        }

        process.WaitForExit(); // drain the asynchronous output readers
        return process.ExitCode;
    }

    /// <summary>Closes the process's stdin (peers that wait for it then exit).</summary>
    public void CloseInput() => process.StandardInput.Close();

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        process.Dispose();
    }
}
