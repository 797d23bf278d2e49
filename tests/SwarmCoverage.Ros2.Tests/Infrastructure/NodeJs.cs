using System.Diagnostics;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>
/// Runs the independent reference implementations of tests/js (Foxglove's ROS 2 libraries) with Node.js. Missing
/// node or missing tests/js/node_modules fail the test with what to do: these checks are never skipped.
/// </summary>
internal static class NodeJs
{
    public static string Directory => Path.Combine(Tools.RepositoryRoot, "tests", "js");

    /// <summary>Runs <c>node tests/js/<paramref name="script"/></c> with <paramref name="stdin"/>; returns stdout, throws with stderr on failure or timeout.</summary>
    public static string Run(string script, string stdin, TimeSpan timeout)
    {
        string node = Tools.Find("node")
            ?? throw new InvalidOperationException("node (Node.js 20) is not on PATH; the reference checks in tests/js need it (Debian: apt-get install nodejs npm)");
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "@foxglove")))
        {
            throw new InvalidOperationException($"{Path.Combine(Directory, "node_modules")} is missing: run 'cd tests/js && npm ci' (.ci/run does)");
        }

        var psi = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        psi.ArgumentList.Add(Path.Combine(Directory, script));
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {node}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"node {script} did not finish within {timeout}\nstderr:\n{stderr.Result}");
        }

        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {p.ExitCode}\nstderr:\n{stderr.Result}");
        }

        return stdout.Result;
    }
}
