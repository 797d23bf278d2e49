using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>A fact skipped, with the reason, when the tools that build the C graph peer are missing.</summary>
public sealed class RequiresGraphPeerFactAttribute : FactAttribute
{
    public RequiresGraphPeerFactAttribute()
    {
        if (GraphPeer.Missing is { } missing)
        {
            Skip = missing;
        }
    }
}

/// <summary>As <see cref="RequiresGraphPeerFactAttribute"/>, for theories.</summary>
public sealed class RequiresGraphPeerTheoryAttribute : TheoryAttribute
{
    public RequiresGraphPeerTheoryAttribute()
    {
        if (GraphPeer.Missing is { } missing)
        {
            Skip = missing;
        }
    }
}

/// <summary>What one run of the peer printed, and how it ended.</summary>
/// <param name="ExitCode">0: done / condition holds / reply; 1: timeout (the output says what was seen).</param>
/// <param name="Lines">Every stdout line, parsed (one JSON object each).</param>
/// <param name="Errors">stderr: the peer's progress log.</param>
public sealed record GraphPeerResult(int ExitCode, JsonElement[] Lines, string Errors)
{
    /// <summary>The last line (graph: the graph; call: the reply or the error).</summary>
    public JsonElement Last => Lines.Length > 0 ? Lines[^1] : throw new InvalidOperationException($"the peer printed nothing\n{Errors}");
}

/// <summary>
/// The C peer of Assets/graph_peer: an independent ROS 2 graph observer and parameter-service client written only
/// from the upstream interface definitions (src/SwarmCoverage.Ros2/Interfaces) and the code Cyclone's idlc generates
/// from rosidl's IDL, never from the project's serializer. Built once per test run and Gid layout: <c>rosidl
/// translate</c> → include guards and no <c>@verbatim</c> (as IdlcOpsTests' IdlToolchain does for idlc 0.10) →
/// generated wrapper IDL with rmw_cyclonedds's request header (<c>uint64 guid, int64 seq</c>) before each .srv half →
/// <c>idlc -t</c> → gcc <c>-lddsc</c>. Runs inside the <see cref="NetworkSandbox"/> with the loopback-only Cyclone
/// configuration and the given ROS_DOMAIN_ID.
/// </summary>
public sealed class GraphPeer
{
    /// <summary>The service wrappers the peer calls: (package, .srv name).</summary>
    private static readonly (string Package, string Service)[] Services =
    [
        ("rcl_interfaces", "GetParameters"), ("rcl_interfaces", "SetParameters"), ("rcl_interfaces", "SetParametersAtomically"),
        ("rcl_interfaces", "ListParameters"), ("rcl_interfaces", "DescribeParameters"), ("rcl_interfaces", "GetParameterTypes"),
        ("std_srvs", "SetBool"), ("std_srvs", "Trigger"),
    ];

    private static readonly Lazy<GraphPeer> Jazzy = new(() => new GraphPeer("jazzy"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<GraphPeer> Humble = new(() => new GraphPeer("humble"), LazyThreadSafetyMode.ExecutionAndPublication);

    private GraphPeer(string layout)
    {
        Layout = layout;
        string work = Directory.CreateTempSubdirectory($"swarm-graph-peer-{layout}-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        Executable = Build(work, layout == "humble");
    }

    /// <summary>Null when rosidl, idlc, gcc and the Cyclone headers are installed, else why the tests are skipped.</summary>
    public static string? Missing { get; } =
        Tools.Find("rosidl") is null ? "rosidl not installed (apt-get install python3-rosidl rosidl-tools python3-catkin-pkg python3-empy)"
        : Tools.Find("idlc") is null ? "idlc not installed (apt-get install cyclonedds-tools cyclonedds-dev)"
        : Tools.Find("gcc") is null ? "gcc not installed"
        : !File.Exists("/usr/include/dds/dds.h") ? "Cyclone DDS headers not installed (apt-get install cyclonedds-dev)"
        : null;

    /// <summary><c>jazzy</c> (Gid of 16 bytes, Iron and later) or <c>humble</c> (24 bytes).</summary>
    public string Layout { get; }

    public string Executable { get; }

    /// <summary>Default timeout of <see cref="Run"/> beyond the peer's own.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The peer for a distribution's Gid layout: <c>humble</c> (24 bytes), or <c>jazzy</c> (16 bytes; <c>iron</c>,
    /// <c>kilted</c> and <c>rolling</c> share it). Built on first use, once per test run; thread safe.
    /// </summary>
    public static GraphPeer For(string distro) => distro.ToUpperInvariant() switch
    {
        "HUMBLE" => Humble.Value,
        "JAZZY" or "IRON" or "KILTED" or "ROLLING" => Jazzy.Value,
        _ => throw new ArgumentException($"unknown ROS 2 distribution '{distro}' (humble or jazzy)", nameof(distro)),
    };

    /// <summary>
    /// Runs one command to its end (<paramref name="timeout"/> is a safety net above the command's own) and returns
    /// its JSON lines. Exit codes 0 and 1 (condition not met, no reply) return normally: see <see cref="Execute"/> to
    /// tell them apart. Throws with stderr when it crashes or prints something that is not JSON.
    /// </summary>
    public JsonElement[] Run(uint domain, TimeSpan timeout, params string[] args) => Execute(domain, timeout, args).Lines;

    /// <summary>As <see cref="Run"/>, with the exit code and the log.</summary>
    public GraphPeerResult Execute(uint domain, TimeSpan timeout, params string[] args)
    {
        using GraphPeerProcess p = Start(domain, args);
        int code = p.WaitForExit(timeout);
        if (code is not 0 and not 1)
        {
            throw new InvalidOperationException($"{p.Description} exited with {code}\nstdout:\n{string.Join('\n', p.RawLines)}\nstderr:\n{p.Errors}");
        }

        return new GraphPeerResult(code, [.. p.Lines], p.Errors);
    }

    /// <summary>Starts a command (typically <c>events</c>) that runs while the test does other things.</summary>
    public GraphPeerProcess Start(uint domain, params string[] args)
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["ROS_DOMAIN_ID"] = domain.ToString(CultureInfo.InvariantCulture);
        psi.Environment["CYCLONEDDS_URI"] = RosParticipantOptions.LoopbackOnlyConfig;
        return new GraphPeerProcess(NetworkSandbox.Instance.StartProcess(psi), $"graph_peer({Layout}) {string.Join(' ', args)}");
    }

    private static string Build(string work, bool humble)
    {
        string idlRoot = Path.Combine(work, "idl");
        string interfaces = Tools.Interfaces;
        string humbleDir = Path.Combine(Tools.Assets, "humble", "rmw_dds_common");
        var packages = new List<(string Package, List<string> Files)>
        {
            ("builtin_interfaces", Files(Path.Combine(interfaces, "builtin_interfaces"), "msg")),
            ("rcl_interfaces", [.. Files(Path.Combine(interfaces, "rcl_interfaces"), "msg"), .. Files(Path.Combine(interfaces, "rcl_interfaces"), "srv")]),
            ("std_srvs", Files(Path.Combine(interfaces, "std_srvs"), "srv")),
            ("rmw_dds_common", Files(Path.Combine(interfaces, "rmw_dds_common"), "msg")),
        };
        if (humble)
        {
            // Humble's Gid (char[24] data) in place of Iron's and later (char[16] data); the other two are unchanged.
            List<string> rmw = packages[^1].Files;
            _ = rmw.RemoveAll(f => f.EndsWith(":msg/Gid.msg", StringComparison.Ordinal));
            rmw.Add($"{humbleDir}:msg/Gid.msg");
        }

        Parallel.ForEach(packages, p =>
        {
            var args = new List<string> { "translate", "--to", "idl", "-o", Path.Combine(idlRoot, p.Package), p.Package };
            args.AddRange(p.Files);
            try
            {
                _ = Tools.Run("rosidl", args);
            }
            catch (InvalidOperationException e) when (e.Message.Contains("No module named", StringComparison.Ordinal) ||
                                                      e.Message.Contains("No translate extensions", StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    "rosidl is installed but cannot translate .msg files: its msg2idl extension needs python3-catkin-pkg and python3-empy", e);
            }
        });

        string[] idls = Directory.GetFiles(idlRoot, "*.idl", SearchOption.AllDirectories);
        foreach (string idl in idls)
        {
            IdlFiles.PrepareForIdlc(idl, Path.GetRelativePath(idlRoot, idl));
        }

        string wrappers = Path.Combine(idlRoot, "ros_wrappers.idl");
        File.WriteAllText(wrappers, WrapperIdl());

        string gen = Path.Combine(work, "gen");
        Parallel.ForEach([.. idls, wrappers], new ParallelOptions { MaxDegreeOfParallelism = 2 }, idl =>
        {
            string outDir = Path.Combine(gen, Path.GetDirectoryName(Path.GetRelativePath(idlRoot, idl))!);
            Directory.CreateDirectory(outDir);
            _ = Tools.Run("idlc", ["-t", "-f", "case-sensitive", "-I", idlRoot, "-o", outDir, idl]);
        });

        string source = Path.Combine(work, "graph_peer.c");
        File.Copy(Path.Combine(Tools.Assets, "graph_peer", "graph_peer.c"), source);
        string exe = Path.Combine(work, "graph_peer");
        var gcc = new List<string> { "-std=gnu11", "-O1", "-Wall", "-Werror", "-I", gen, "-o", exe, source };
        gcc.AddRange(Directory.GetFiles(gen, "*.c", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        gcc.Add("-lddsc");
        _ = Tools.Run("gcc", gcc, work);
        return exe;
    }

    private static List<string> Files(string packageDir, string kind) =>
        [.. Directory.GetFiles(Path.Combine(packageDir, kind), $"*.{kind}").Order(StringComparer.Ordinal).Select(f => $"{packageDir}:{kind}/{Path.GetFileName(f)}")];

    /// <summary>
    /// rmw_cyclonedds_cpp's service payload: the request header, then the .srv half as a nested struct, which in XCDR1
    /// starts at offset 16 with the struct's own alignment, as rmw writes it. Named as ROS names the DDS types.
    /// </summary>
    private static string WrapperIdl()
    {
        var sb = new StringBuilder();
        foreach ((string package, string service) in Services)
        {
            sb.Append(CultureInfo.InvariantCulture, $"#include \"{package}/srv/{service}.idl\"\n");
        }

        sb.Append("#include \"rcl_interfaces/msg/ParameterEvent.idl\"\n#include \"rmw_dds_common/msg/ParticipantEntitiesInfo.idl\"\n");
        foreach ((string package, string service) in Services)
        {
            sb.Append(CultureInfo.InvariantCulture, $"module {package} {{ module srv {{ module dds_ {{\n");
            foreach (string half in (string[])["Request", "Response"])
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"  struct {service}_{half}_ {{ unsigned long long guid; long long seq; ::{package}::srv::{service}_{half} body; }};\n");
            }

            sb.Append("}; }; };\n");
        }

        return sb.ToString();
    }

}

/// <summary>
/// A running graph peer whose stdout lines are parsed as they come (for <c>events</c> while the test changes
/// parameters). Disposing kills it, by its id, if it still runs.
/// </summary>
public sealed class GraphPeerProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> raw = [];
    private readonly List<JsonElement> lines = [];
    private readonly StringBuilder errors = new();
    private readonly Lock gate = new();

    internal GraphPeerProcess(Process process, string description)
    {
        this.process = process;
        Description = description;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (gate)
            {
                raw.Add(e.Data);
                try
                {
                    using var doc = JsonDocument.Parse(e.Data);
                    lines.Add(doc.RootElement.Clone());
                }
                catch (JsonException ex)
                {
                    errors.Append(CultureInfo.InvariantCulture, $"[harness] stdout line is not JSON ({ex.Message}): {e.Data}\n");
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    errors.Append(e.Data).Append('\n');
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Description { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>The JSON lines so far.</summary>
    public IReadOnlyList<JsonElement> Lines
    {
        get
        {
            lock (gate)
            {
                return [.. lines];
            }
        }
    }

    /// <summary>The parameter events so far (the lines with a <c>node</c> member).</summary>
    public IReadOnlyList<JsonElement> Events => [.. Lines.Where(l => l.TryGetProperty("node", out _))];

    public IReadOnlyList<string> RawLines
    {
        get
        {
            lock (gate)
            {
                return [.. raw];
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (gate)
            {
                return errors.ToString();
            }
        }
    }

    /// <summary>Waits for a line satisfying <paramref name="predicate"/>; throws with the output on timeout or exit.</summary>
    public JsonElement WaitFor(Func<JsonElement, bool> predicate, TimeSpan timeout, string what = "a matching line")
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            foreach (JsonElement l in Lines)
            {
                if (predicate(l))
                {
                    return l;
                }
            }

            if (process.HasExited)
            {
                process.WaitForExit(); // drain the asynchronous readers, then look once more
                foreach (JsonElement l in Lines)
                {
                    if (predicate(l))
                    {
                        return l;
                    }
                }
            }

            if (process.HasExited || Stopwatch.GetElapsedTime(start) > timeout)
            {
                throw new TimeoutException($"{Description}: no {what} within {timeout.TotalSeconds:F0} s (exited: {process.HasExited})\n{Describe()}");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary><c>events</c>: waits until its reader has matched at least <paramref name="publishers"/> parameter-event writers.</summary>
    public void WaitForMatched(TimeSpan timeout, int publishers = 1) =>
        WaitFor(l => l.TryGetProperty("matched", out JsonElement m) && m.GetInt32() >= publishers, timeout, $"match with {publishers} /parameter_events writer(s)");

    /// <summary>Waits until <paramref name="count"/> parameter events have arrived and returns them.</summary>
    public IReadOnlyList<JsonElement> WaitForEvents(int count, TimeSpan timeout)
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            bool exited = process.HasExited;
            if (exited)
            {
                process.WaitForExit(); // drain the asynchronous readers
            }

            IReadOnlyList<JsonElement> events = Events;
            if (events.Count >= count)
            {
                return events;
            }

            if (exited || Stopwatch.GetElapsedTime(start) > timeout)
            {
                throw new TimeoutException($"{Description}: {events.Count} of {count} parameter event(s) within {timeout.TotalSeconds:F0} s (exited: {exited})\n{Describe()}");
            }

            Thread.Sleep(20);
        }
    }

    /// <summary>Waits for exit and returns the exit code; throws with the output on timeout (and kills it).</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            string state = Describe();
            Kill();
            throw new TimeoutException($"{Description}: still running after {timeout.TotalSeconds:F0} s\n{state}");
        }

        process.WaitForExit(); // drain the asynchronous readers
        return process.ExitCode;
    }

    public string Describe() => $"--- {Description} ---\nstdout:\n{string.Join('\n', RawLines)}\nstderr:\n{Errors}";

    public void Dispose()
    {
        Kill();
        process.Dispose();
    }

    private void Kill()
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
    }
}
