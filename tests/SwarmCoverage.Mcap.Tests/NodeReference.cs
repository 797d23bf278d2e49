using System.Diagnostics;
using System.Text.Json;

namespace SwarmCoverage.Mcap.Tests;

/// <summary>
/// Runs the Node.js scripts in tests/js that drive Foxglove's @mcap/core, the independent implementation the
/// writer and reader are checked against (docs/mcap.md, "How it is tested"). Fails loudly, never skips: when
/// node or tests/js/node_modules is missing (CI runs <c>npm ci</c> in tests/js), when a script exits non-zero
/// (with its stderr), or when it runs past its timeout.
/// </summary>
internal static class NodeReference
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>tests/js, found upwards from the test binaries.</summary>
    public static string ScriptsDirectory { get; } = FindScripts();

    /// <summary>Runs <c>node SCRIPT ARGS</c> in tests/js and parses what it prints as JSON.</summary>
    public static JsonElement RunJson(string script, params string[] args)
    {
        string stdout = Run(script, args);
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"node {script} printed no JSON ({e.Message}):\n{stdout[..Math.Min(stdout.Length, 2000)]}", e);
        }
    }

    public static string Run(string script, params string[] args)
    {
        string node = FindNode();
        if (!File.Exists(Path.Combine(ScriptsDirectory, "node_modules", "@mcap", "core", "package.json")))
            throw new InvalidOperationException($"{ScriptsDirectory}/node_modules is missing: run `cd tests/js && npm ci` (CI does) before these tests");
        var psi = new ProcessStartInfo(node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ScriptsDirectory,
        };
        psi.ArgumentList.Add(script);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {node}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} {string.Join(' ', args)} did not finish in {Timeout.TotalSeconds} s\n{stderr.Result}");
        }
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"node {script} {string.Join(' ', args)} exited with {p.ExitCode}:\n{stderr.Result}");
        return stdout.Result;
    }

    private static string FindNode()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "node");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("node is not on PATH: the MCAP tests check against @mcap/core and need Node.js 20 (then `cd tests/js && npm ci`)");
    }

    private static string FindScripts()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "js");
            if (File.Exists(Path.Combine(candidate, "package.json")) && File.Exists(Path.Combine(dir.FullName, "SwarmCoverage.sln"))) return candidate;
        }
        throw new InvalidOperationException($"tests/js not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A temporary directory for one test's files, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "swarm-mcap-tests", Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
