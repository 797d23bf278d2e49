using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SwarmCoverage.Ros2.Tests.Infrastructure;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>
/// msgs/ is a ROS 2 interface package a ROS host builds, and every .msg in it has a C# mirror; libddsc is found or
/// its absence is explained.
/// </summary>
public sealed partial class PackagingTests
{
    private static readonly string Msgs = Path.Combine(Tools.RepositoryRoot, "msgs");

    [Fact]
    public void Package_xml_is_a_format_3_rosidl_interface_package()
    {
        XDocument doc = XDocument.Load(Path.Combine(Msgs, "package.xml"));
        XElement package = doc.Root!;
        Assert.Equal("package", package.Name.LocalName);
        Assert.Equal("3", package.Attribute("format")?.Value);
        Assert.Equal("swarm_coverage_msgs", package.Element("name")?.Value);
        Assert.Contains("rosidl_interface_packages", package.Elements("member_of_group").Select(e => e.Value));
        Assert.Contains("rosidl_default_generators", package.Elements("buildtool_depend").Select(e => e.Value));
        Assert.Contains("ament_cmake", package.Elements("buildtool_depend").Select(e => e.Value));
        Assert.Contains("rosidl_default_runtime", package.Elements("exec_depend").Select(e => e.Value));
        Assert.Equal("ament_cmake", package.Element("export")?.Element("build_type")?.Value);

        // Every package a .msg refers to is a dependency of the package and of rosidl_generate_interfaces.
        string cmake = File.ReadAllText(Path.Combine(Msgs, "CMakeLists.txt"));
        string dependencies = DependenciesClause().Match(cmake).Groups[1].Value;
        foreach (string used in ReferencedPackages())
        {
            Assert.Contains(used, package.Elements("depend").Select(e => e.Value));
            Assert.Contains(used, dependencies.Split((char[])[' ', '\n', '\t', ')'], StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"find_package({used} REQUIRED)", cmake, StringComparison.Ordinal);
        }
    }

    [RequiresCatkinPkgFact]
    public void Catkin_pkg_parses_the_manifest_as_ros_tools_do()
    {
        string output = Tools.Run(Tools.RosPython, ["-c",
            "import sys; from catkin_pkg.package import parse_package; p = parse_package(sys.argv[1]); p.validate(); " +
            "print(p.package_format, p.name, ' '.join(g.name for g in p.member_of_groups))", Msgs]);
        Assert.Equal("3 swarm_coverage_msgs rosidl_interface_packages", output.Trim());
    }

    [Fact]
    public void CMakeLists_generates_exactly_the_msg_files_and_each_has_a_CSharp_mirror()
    {
        string cmake = File.ReadAllText(Path.Combine(Msgs, "CMakeLists.txt"));
        Assert.Contains("rosidl_generate_interfaces(${PROJECT_NAME}", cmake, StringComparison.Ordinal);
        string[] listed = [.. MsgEntry().Matches(cmake).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)];
        string[] files = [.. Directory.GetFiles(Path.Combine(Msgs, "msg"), "*.msg").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];
        Assert.Equal(files, listed);

        var mirrored = typeof(RosParticipant).Assembly.GetTypes()
            .Select(t => !t.ContainsGenericParameters && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRosMessage<>))
                ? (RosMessageType?)t.GetProperty("MessageType", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)
                : null)
            .Where(t => t is not null && t.RosTypeName.StartsWith("swarm_coverage_msgs/", StringComparison.Ordinal))
            .Select(t => t!.RosTypeName["swarm_coverage_msgs/msg/".Length..])
            .Order(StringComparer.Ordinal);
        Assert.Equal(files, mirrored);
        Assert.All(files, f => Assert.Contains(MessageCases.All, c => c.Type.RosTypeName == $"swarm_coverage_msgs/msg/{f}"));
    }

    [Fact]
    public void A_library_path_override_that_does_not_load_is_named()
    {
        using PeerProcess peer = Dds.StartProgram(Dds.DotnetHost(), [PeerDll, "load"], new Dictionary<string, string>
        {
            ["SWARM_COVERAGE_LIBDDSC"] = "/nonexistent/libddsc.so.0",
        });
        Assert.Equal(5, peer.WaitForExit(TimeSpan.FromSeconds(60)));
        string message = string.Join('\n', peer.Lines);
        Assert.Contains("SWARM_COVERAGE_LIBDDSC='/nonexistent/libddsc.so.0'", message, StringComparison.Ordinal);
    }

    [RequiresRootFact]
    public void A_missing_libddsc_is_reported_with_the_names_tried_and_the_package_to_install()
    {
        // Hide the real library (every soname is a link to it) behind /dev/null in a private mount namespace.
        string loaded = LoadedLibraryPath();
        string real = new FileInfo(loaded).ResolveLinkTarget(true)?.FullName ?? loaded;
        Assert.True(File.Exists(real), real);
        using PeerProcess peer = Dds.StartProgram("unshare", ["-m", "sh", "-c", $"mount --bind /dev/null '{real}' && exec '{Dds.DotnetHost()}' '{PeerDll}' load"]);
        Assert.Equal(5, peer.WaitForExit(TimeSpan.FromSeconds(60)));
        string message = string.Join('\n', peer.Lines);
        Assert.Contains("libddsc.so.0debian, libddsc.so.0, libddsc.so", message, StringComparison.Ordinal);
        Assert.Contains("apt-get install libddsc0debian", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Libddsc_is_found_under_its_debian_soname()
    {
        using PeerProcess peer = Dds.StartProgram(Dds.DotnetHost(), [PeerDll, "load"]);
        Assert.Equal(0, peer.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal("loaded libddsc.so.0debian", peer.Lines.Single());
    }

    private static string PeerDll => Path.Combine(AppContext.BaseDirectory, "SwarmCoverage.Ros2.TestPeer.dll");

    private static IEnumerable<string> ReferencedPackages() =>
        Directory.GetFiles(Path.Combine(Msgs, "msg"), "*.msg")
            .SelectMany(File.ReadAllLines)
            .Select(l => l.Split('#')[0].Trim())
            .Where(l => l.Length > 0)
            .Select(l => l.Split(' ')[0])
            .Where(t => t.Contains('/', StringComparison.Ordinal))
            .Select(t => t.Split('/')[0])
            .Distinct(StringComparer.Ordinal);

    /// <summary>The file this process mapped for libddsc (from /proc/self/maps).</summary>
    private static string LoadedLibraryPath()
    {
        LibddscResolver.EnsureLoaded();
        return File.ReadLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && Path.GetFileName(f[5]).StartsWith("libddsc.so", StringComparison.Ordinal))
            .Select(f => f[5])
            .First();
    }

    [GeneratedRegex(@"DEPENDENCIES([^)]*)\)")]
    private static partial Regex DependenciesClause();

    [GeneratedRegex(@"""msg/(\w+)\.msg""")]
    private static partial Regex MsgEntry();
}
