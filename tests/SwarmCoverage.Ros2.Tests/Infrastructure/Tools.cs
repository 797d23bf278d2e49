using System.Diagnostics;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>External programs the tests drive, and where the repository is.</summary>
internal static class Tools
{
    /// <summary>The repository root (the folder holding SwarmCoverage.sln), found upwards from the test binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Assets => Path.Combine(AppContext.BaseDirectory, "Assets");

    /// <summary>The upstream .msg files the library embeds, one folder per package (src/SwarmCoverage.Ros2/Interfaces).</summary>
    public static string Interfaces => Path.Combine(RepositoryRoot, "src", "SwarmCoverage.Ros2", "Interfaces");

    /// <summary>
    /// The Python that ROS's tools run on: the interpreter of the <c>rosidl</c> script (Debian's /usr/bin/python3,
    /// which sees python3-catkin-pkg), not necessarily the first python3 on PATH.
    /// </summary>
    public static string RosPython { get; } = FindRosPython();

    /// <summary>Full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? Find(string program)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs a program to completion; throws with its output when it fails.</summary>
    public static string Run(string program, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            p.Kill();
            throw new TimeoutException($"{program} {string.Join(' ', psi.ArgumentList)} did not finish");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', psi.ArgumentList)} exited with {p.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        }

        return stdout.Result;
    }

    private static string FindRosPython()
    {
        string? rosidl = Find("rosidl");
        if (rosidl is not null)
        {
            string first = File.ReadLines(rosidl).FirstOrDefault() ?? string.Empty;
            if (first.StartsWith("#!", StringComparison.Ordinal) && File.Exists(first[2..].Trim()))
            {
                return first[2..].Trim();
            }
        }

        return Find("python3") ?? "python3";
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "SwarmCoverage.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"no SwarmCoverage.sln above {AppContext.BaseDirectory}");
    }
}
