using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SwarmCoverage.Ros2.Tests.Infrastructure;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>A fact that is skipped, with the reason, when the ROS / Cyclone interface tools are missing.</summary>
public sealed class RequiresIdlToolsFactAttribute : FactAttribute
{
    public RequiresIdlToolsFactAttribute()
    {
        if (IdlToolchain.Missing is { } missing)
        {
            Skip = missing;
        }
    }
}

/// <summary>As <see cref="RequiresIdlToolsFactAttribute"/>, for theories.</summary>
public sealed class RequiresIdlToolsTheoryAttribute : TheoryAttribute
{
    public RequiresIdlToolsTheoryAttribute()
    {
        if (IdlToolchain.Missing is { } missing)
        {
            Skip = missing;
        }
    }
}

/// <summary>
/// What Cyclone's own IDL compiler makes of the ROS message definitions: <c>rosidl translate --to idl</c> turns each
/// .msg into the IDL that ROS builds use, <c>idlc -t</c> (no type information, as ROS descriptors have none) emits the
/// topic descriptors in C, and gcc compiles them with a small driver that prints size, alignment, flags and ops.
/// </summary>
public sealed class IdlToolchain : IDisposable
{
    // The upstream packages whose .msg (and .srv) files the library has (verbatim, src/SwarmCoverage.Ros2/Interfaces).
    private static readonly string[] StandardPackages =
    [
        "builtin_interfaces", "std_msgs", "geometry_msgs", "nav_msgs", "rosgraph_msgs", "sensor_msgs", "visualization_msgs", "rcl_interfaces", "diagnostic_msgs",
        "rmw_dds_common", "std_srvs",
    ];

    private readonly string work = Directory.CreateTempSubdirectory("swarm-idlc-").FullName;

    public IdlToolchain()
    {
        if (Missing is not null)
        {
            Descriptors = new Dictionary<string, IdlcDescriptor>();
            return;
        }

        try
        {
            Descriptors = Generate();
        }
        catch
        {
            Directory.Delete(work, recursive: true);
            throw;
        }
    }

    private Dictionary<string, IdlcDescriptor> Generate()
    {
        string idlRoot = Path.Combine(work, "idl");
        var packages = StandardPackages.Select(p => (Name: p, Dir: Path.Combine(Tools.Interfaces, p)))
            .Append((Name: "swarm_coverage_msgs", Dir: Path.Combine(Tools.RepositoryRoot, "msgs")));
        Parallel.ForEach(packages, p => Translate(p.Name, p.Dir, idlRoot));

        string[] idls = Directory.GetFiles(idlRoot, "*.idl", SearchOption.AllDirectories);
        foreach (string idl in idls)
        {
            IdlFiles.PrepareForIdlc(idl, Path.GetRelativePath(idlRoot, idl));
        }

        // Kind: "msg" or "srv" (the folder rosidl translate writes to); a .srv gives one IDL with Name_Request and Name_Response.
        var types = idls.Select(idl => (
            Package: Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(idl))!),
            Kind: Path.GetFileName(Path.GetDirectoryName(idl))!,
            Name: Path.GetFileNameWithoutExtension(idl),
            Idl: idl)).ToList();
        Parallel.ForEach(types, t =>
        {
            string outDir = Path.Combine(work, "gen", t.Package, t.Kind);
            Directory.CreateDirectory(outDir);

            // -f case-sensitive: IDL identifiers are case-insensitive, and rosgraph_msgs/Clock has a member 'clock'.
            Tools.Run("idlc", ["-t", "-f", "case-sensitive", "-I", idlRoot, "-o", outDir, t.Idl]);
        });

        return CompileAndDump(types);
    }

    /// <summary>Null when everything is installed, else why the tests are skipped.</summary>
    public static string? Missing { get; } =
        Tools.Find("rosidl") is null ? "rosidl not installed (apt-get install python3-rosidl rosidl-tools python3-catkin-pkg python3-empy)"
        : Tools.Find("idlc") is null ? "idlc not installed (apt-get install cyclonedds-tools cyclonedds-dev)"
        : Tools.Find("gcc") is null ? "gcc not installed"
        : null;

    /// <summary>Descriptors by IDL scoped name, e.g. <c>nav_msgs::msg::Odometry</c>.</summary>
    public IReadOnlyDictionary<string, IdlcDescriptor> Descriptors { get; }

    public void Dispose() => Directory.Delete(work, recursive: true);

    private static void Translate(string package, string packageDir, string idlRoot)
    {
        // rosidl translate takes pkgdir:msg/X.msg and pkgdir:srv/X.srv alike (std_srvs has no msg folder).
        string[] files = [.. new[] { "msg", "srv" }
            .Where(kind => Directory.Exists(Path.Combine(packageDir, kind)))
            .SelectMany(kind => Directory.GetFiles(Path.Combine(packageDir, kind), "*." + kind).Order(StringComparer.Ordinal)
                .Select(f => $"{packageDir}:{kind}/{Path.GetFileName(f)}"))];
        var args = new List<string> { "translate", "--to", "idl", "-o", Path.Combine(idlRoot, package), package };
        args.AddRange(files);
        try
        {
            _ = Tools.Run("rosidl", args);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("No module named", StringComparison.Ordinal) ||
                                                  e.Message.Contains("No translate extensions", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                "rosidl is installed but cannot translate .msg files: its msg2idl extension needs python3-catkin-pkg and python3-empy " +
                "(apt-get install python3-catkin-pkg python3-empy)", e);
        }
    }


    private Dictionary<string, IdlcDescriptor> CompileAndDump(List<(string Package, string Kind, string Name, string Idl)> types)
    {
        var driver = new StringBuilder("#include <stdio.h>\n");
        foreach ((string package, string kind, string name, _) in types)
        {
            driver.Append(CultureInfo.InvariantCulture, $"#include \"{package}/{kind}/{name}.h\"\n");
        }

        // Exported by libddsc 0.10.2 (declared in dds/ddsi/ddsi_cdrstream.h).
        driver.Append("extern uint32_t dds_stream_countops(const uint32_t *ops, uint32_t nkeys, const dds_key_descriptor_t *keys);\n");
        driver.Append("static void dump(const dds_topic_descriptor_t *d) {\n")
              // m_nops counts instructions; Cyclone's own dds_stream_countops gives the length of the array in words.
              .Append("  uint32_t words = dds_stream_countops(d->m_ops, d->m_nkeys, d->m_keys);\n")
              .Append("  printf(\"%s %u %u %u %u\", d->m_typename, d->m_size, d->m_align, d->m_flagset, d->m_nops);\n")
              .Append("  for (uint32_t i = 0; i < words; i++) printf(\" %u\", d->m_ops[i]);\n")
              .Append("  printf(\"\\n\");\n}\nint main(void) {\n");
        foreach ((string package, string kind, string name, _) in types)
        {
            string[] structs = kind == "srv" ? [$"{name}_Request", $"{name}_Response"] : [name];
            foreach (string s in structs)
            {
                driver.Append(CultureInfo.InvariantCulture, $"  dump(&{package}_{kind}_{s}_desc);\n");
            }
        }

        driver.Append("  return 0;\n}\n");
        string driverPath = Path.Combine(work, "driver.c");
        File.WriteAllText(driverPath, driver.ToString());

        string exe = Path.Combine(work, "dump");
        var args = new List<string> { "-std=gnu11", "-I", Path.Combine(work, "gen"), "-o", exe, driverPath };
        args.AddRange(Directory.GetFiles(Path.Combine(work, "gen"), "*.c", SearchOption.AllDirectories));
        args.Add("-lddsc");
        _ = Tools.Run("gcc", args);

        var result = new Dictionary<string, IdlcDescriptor>(StringComparer.Ordinal);
        foreach (string line in Tools.Run(exe, []).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ');
            uint[] numbers = [.. f.Skip(1).Select(s => uint.Parse(s, CultureInfo.InvariantCulture))];
            var d = new IdlcDescriptor(f[0], numbers[0], numbers[1], numbers[2], numbers[3], numbers[4..]);
            result[d.TypeName] = d;
        }

        return result;
    }
}

/// <summary>A descriptor as idlc generated it.</summary>
/// <param name="TypeName">IDL scoped name.</param>
/// <param name="Size">m_size.</param>
/// <param name="Align">m_align.</param>
/// <param name="FlagSet">m_flagset.</param>
/// <param name="InstructionCount">m_nops: instructions, not words.</param>
/// <param name="Ops">m_ops, all words.</param>
public sealed record IdlcDescriptor(string TypeName, uint Size, uint Align, uint FlagSet, uint InstructionCount, uint[] Ops);

/// <summary>The runtime-built descriptor of every message equals idlc's for the same ROS IDL.</summary>
public sealed class IdlcOpsTests(IdlToolchain idlc) : IClassFixture<IdlToolchain>
{
    // Bounded upstream, unbounded in our schemas: the same CDR, but idlc's descriptors differ from ours by design —
    // string<=256 gives bounded-string ops (DDS_OP_VAL_BST, the string inline as char[257] in the C struct) and
    // FloatingPointRange[<=1] / IntegerRange[<=1] bounded-sequence ops (DDS_OP_VAL_BSQ). Their wire format is checked
    // instead by the golden CDR, Foxglove and graph message tests, and against a C peer.
    private static readonly string[] BoundedUpstream =
    [
        "parameter_descriptor", "describe_parameters_response", // FloatingPointRange[<=1], IntegerRange[<=1]
        "node_entities_info", "participant_entities_info", // string<=256 node_namespace, node_name
    ];

    public static TheoryData<string> CaseNames => [.. MessageCases.Everything.Select(c => c.Name).Except(BoundedUpstream)];

    [RequiresIdlToolsFact]
    public void Idlc_compiled_every_message_the_library_has()
    {
        foreach (MessageCase c in MessageCases.Everything)
        {
            Assert.Contains(c.Type.Schema.IdlName, idlc.Descriptors.Keys);
        }
    }

    [RequiresIdlToolsTheory]
    [MemberData(nameof(CaseNames))]
    public void Runtime_descriptor_equals_idlc(string name)
    {
        RosMessageType type = MessageCases.Everything.Single(c => c.Name == name).Type;
        IdlcDescriptor expected = idlc.Descriptors[type.Schema.IdlName];

        Assert.Equal(FormatOps(expected.Ops), FormatOps(type.Descriptor.Ops));
        Assert.Equal(expected.Size, (uint)type.NativeSampleSize);
        Assert.Equal(expected.Align, (uint)type.Schema.Alignment);
        Assert.Equal(expected.FlagSet, type.Descriptor.FlagSet);
        Assert.Equal(expected.InstructionCount, type.Descriptor.InstructionCount);

        // The DDS name is idlc's scoped name with the ROS dds_ module and trailing underscore.
        int last = expected.TypeName.LastIndexOf("::", StringComparison.Ordinal);
        Assert.Equal($"{expected.TypeName[..last]}::dds_::{expected.TypeName[(last + 2)..]}_", type.DdsTypeName);
    }

    private static string FormatOps(uint[] ops) => string.Join(' ', ops.Select(o => o.ToString("x8", CultureInfo.InvariantCulture)));
}
