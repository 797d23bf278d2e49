using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace SwarmCoverage.Foxglove.Tests.Infrastructure;

/// <summary>Where the repository's files are, found from the test binaries.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    public static string JsDirectory => Path.Combine(Root, "tests", "js");

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "SwarmCoverage.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"no SwarmCoverage.sln above {AppContext.BaseDirectory}");
    }
}

/// <summary>
/// A node driver from tests/js (foxglove-client.mjs, foxglove-raw.mjs): the independent protocol endpoint. The test
/// writes JSON commands to its stdin and reads the JSON events it writes to stdout. Fails loudly, with the
/// process's output, when node or tests/js/node_modules is missing, on timeout, or when the process dies.
/// Disposing kills the process (by its id) if it still runs.
/// </summary>
internal sealed class NodeScript : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<JsonElement> _events = [];
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _description;
    private int _consumed;

    private NodeScript(Process process, string description)
    {
        _process = process;
        _description = description;
        process.OutputDataReceived += (_, e) => OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_gate)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>node tests/js/<paramref name="script"/> <paramref name="url"/></c> with extra environment.</summary>
    public static NodeScript Start(string script, string url, IReadOnlyDictionary<string, string>? environment = null)
    {
        string dir = Repo.JsDirectory;
        foreach (string package in new[] { "@foxglove/ws-protocol", "ws" })
        {
            if (!Directory.Exists(Path.Combine(dir, "node_modules", package)))
            {
                Assert.Fail($"tests/js/node_modules/{package} is missing: run `cd tests/js && npm ci` (CI does) before the Foxglove tests");
            }
        }

        ProcessStartInfo psi = new("node")
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(dir, script));
        psi.ArgumentList.Add(url);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node (Node.js 20) is not on PATH: {e.Message}");
            throw;
        }

        return new NodeScript(process, $"node {script} {url}");
    }

    /// <summary>Writes one command line.</summary>
    public void Send(object command)
    {
        string line = JsonSerializer.Serialize(command);
        try
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
        catch (IOException e)
        {
            Assert.Fail($"cannot write to the node driver ({e.Message})\n{Describe()}");
        }
    }

    /// <summary>The next event named <paramref name="name"/> after the ones already taken by this method.</summary>
    public async Task<JsonElement> NextAsync(string name, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? DefaultTimeout;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            lock (_gate)
            {
                for (int i = _consumed; i < _events.Count; i++)
                {
                    if (_events[i].GetProperty("event").GetString() == name)
                    {
                        _consumed = i + 1;
                        return _events[i];
                    }
                }
            }

            if (Stopwatch.GetElapsedTime(start) > limit)
            {
                Assert.Fail($"no '{name}' event within {limit.TotalSeconds:F0} s\n{Describe()}");
            }

            if (_process.HasExited)
            {
                // Let the output readers finish before the last look.
                _process.WaitForExit();
                await Task.Delay(50);
                lock (_gate)
                {
                    if (!_events.Skip(_consumed).Any(e => e.GetProperty("event").GetString() == name))
                    {
                        Assert.Fail($"the node driver exited (code {_process.ExitCode}) without a '{name}' event\n{Describe()}");
                    }
                }

                continue;
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Every event named <paramref name="name"/> so far.</summary>
    public IReadOnlyList<JsonElement> All(string name)
    {
        lock (_gate)
        {
            return [.. _events.Where(e => e.GetProperty("event").GetString() == name)];
        }
    }

    /// <summary>Waits until some event satisfies <paramref name="match"/> (from the start, not consuming).</summary>
    public async Task<JsonElement> WaitForAsync(string name, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? DefaultTimeout;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            bool exited = _process.HasExited;
            if (exited)
            {
                _process.WaitForExit(); // let the output readers deliver every line before the last look
            }

            JsonElement? hit = All(name).Cast<JsonElement?>().FirstOrDefault(e => match(e!.Value));
            if (hit is { } found)
            {
                return found;
            }

            if (Stopwatch.GetElapsedTime(start) > limit || exited)
            {
                Assert.Fail($"no matching '{name}' event within {limit.TotalSeconds:F0} s (exited: {_process.HasExited})\n{Describe()}");
            }

            await Task.Delay(5);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using CancellationTokenSource cts = new(timeout ?? DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the node driver did not exit\n{Describe()}");
        }

        // Without a timeout this also waits for the output readers to reach the end of stdout and stderr.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public string Describe()
    {
        lock (_gate)
        {
            return $"--- {_description} ---\nstdout:\n{_stdout}\nstderr:\n{_stderr}";
        }
    }

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

    private void OnStdout(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _stdout.AppendLine(line.Length > 2000 ? line[..2000] + "..." : line);
            try
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("event", out _))
                {
                    _events.Add(doc.RootElement.Clone());
                }
            }
            catch (JsonException)
            {
            }
        }
    }
}
