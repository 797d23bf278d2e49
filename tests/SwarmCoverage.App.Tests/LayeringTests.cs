using System.Xml.Linq;

namespace SwarmCoverage.App.Tests;

/// <summary>
/// References point down only (docs/control-session.md): Core &lt;- Control &lt;- Nodes and App; the simulator core and
/// the ROS 2 wire know nothing of the controller or of each other. Read from the project files themselves, so a new
/// reference that breaks the layering fails here, not in review.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>Every project under src and the projects it may reference; a project missing here fails the test.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["SwarmCoverage.Core"] = [],
        ["SwarmCoverage.Sim"] = [],
        ["SwarmCoverage.Ros2"] = [],
        ["SwarmCoverage.Mcap"] = [],
        ["SwarmCoverage.Foxglove"] = [],
        ["SwarmCoverage.Control"] = ["SwarmCoverage.Core"],
        ["SwarmCoverage.Nodes"] = ["SwarmCoverage.Core", "SwarmCoverage.Control", "SwarmCoverage.Ros2", "SwarmCoverage.Sim", "SwarmCoverage.Mcap", "SwarmCoverage.Foxglove"],
        ["SwarmCoverage.App"] = ["SwarmCoverage.Core", "SwarmCoverage.Control", "SwarmCoverage.Ros2", "SwarmCoverage.Nodes", "SwarmCoverage.Sim", "SwarmCoverage.Mcap", "SwarmCoverage.Foxglove"],
    };

    private static string SourceRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SwarmCoverage.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return dir.FullName;
    }

    /// <summary>Every shipped project (src, sim), not the tests.</summary>
    private static string[] Projects() => [.. new[] { "src", "sim" }
        .Select(d => Path.Combine(SourceRoot(), d))
        .Where(Directory.Exists)
        .SelectMany(d => Directory.GetFiles(d, "*.csproj", SearchOption.AllDirectories))
        .Where(p => !p.Contains("/obj/", StringComparison.Ordinal) && !p.Contains("/bin/", StringComparison.Ordinal))];

    [Fact]
    public void Every_project_references_only_the_layers_below_it()
    {
        var projects = Projects();
        Assert.Contains(projects, p => p.EndsWith("SwarmCoverage.Control.csproj", StringComparison.Ordinal));
        foreach (var project in projects)
        {
            string name = Path.GetFileNameWithoutExtension(project);
            Assert.True(Allowed.TryGetValue(name, out var allowed), $"{name} is not in the layering table of this test: add it with the layers it may use");
            var references = XDocument.Load(project).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToList();
            foreach (var r in references)
                Assert.True(allowed.Contains(r), $"{name} references {r}; it may reference only {(allowed.Length == 0 ? "no project" : string.Join(", ", allowed))}");
        }
    }

    [Fact]
    public void The_simulator_core_and_the_control_core_use_no_wire()
    {
        // Beyond project references: no package that carries a transport either.
        foreach (var name in new[] { "SwarmCoverage.Sim", "SwarmCoverage.Core", "SwarmCoverage.Control" })
        {
            string project = Projects().Single(p => Path.GetFileNameWithoutExtension(p) == name);
            var doc = XDocument.Load(project);
            Assert.DoesNotContain(doc.Descendants("FrameworkReference"), f => f.Attribute("Include")?.Value == "Microsoft.AspNetCore.App");
            foreach (var source in Directory.GetFiles(Path.GetDirectoryName(project)!, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)))
            {
                string text = File.ReadAllText(source);
                Assert.False(text.Contains("System.Net.Sockets", StringComparison.Ordinal) || text.Contains("DllImport(\"ddsc", StringComparison.Ordinal),
                    $"{source} uses a transport");
            }
        }
    }
}

/// <summary>docs/parameters.md shows the parameter table as the program has it.</summary>
public sealed class ParameterDocsTests
{
    [Fact]
    public void The_documented_parameter_table_is_the_one_the_program_checks()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SwarmCoverage.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        string doc = File.ReadAllText(Path.Combine(dir.FullName, "docs", "parameters.md"));
        var (code, table, err) = Cli.Run("parameters");
        Assert.True(code == 0, err);
        Assert.Contains("| `safety.max_newton_steps` | Integer |", table, StringComparison.Ordinal);
        Assert.True(doc.EndsWith(table, StringComparison.Ordinal), "docs/parameters.md's table differs from `swarm-coverage parameters`: regenerate it");
    }
}
