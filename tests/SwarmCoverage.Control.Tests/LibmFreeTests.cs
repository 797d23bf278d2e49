using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>
/// Decentralized controllers on different machines must compute the same bits from the same poses. .NET's
/// transcendental functions (Math.Sin, Math.Exp, ...) call the platform's libm, whose results may differ in the last
/// bit between libm versions and CPU-specific code paths; the control code uses DetMath instead. This test reads the
/// assembly's metadata and fails if any System.Math transcendental is referenced again.
/// </summary>
public sealed class LibmFreeTests
{
    private static readonly HashSet<string> Transcendental = new(StringComparer.Ordinal)
    {
        "Sin", "Cos", "Tan", "SinCos", "Asin", "Acos", "Atan", "Atan2", "Sinh", "Cosh", "Tanh", "Asinh", "Acosh", "Atanh",
        "Exp", "Log", "Log2", "Log10", "Pow", "Cbrt", "ScaleB", "ILogB",
    };

    [Fact]
    public void The_control_assembly_calls_no_libm_transcendental()
    {
        var used = MathMethodsReferencedBy(typeof(SafetyFilter).Assembly.Location);
        Assert.Contains("Sqrt", used); // the reader sees System.Math references at all
        string found = string.Join(", ", used.Where(Transcendental.Contains).Order(StringComparer.Ordinal));
        Assert.True(found.Length == 0, $"SwarmCoverage.Control calls System.Math.{found}: use DetMath");
    }

    [Fact]
    public void The_check_finds_a_transcendental_where_there_is_one()
    {
        // This test assembly calls Math.Sin below, so the same reader must report it.
        Assert.True(Math.Sin(0.5) > 0);
        Assert.Contains("Sin", MathMethodsReferencedBy(typeof(LibmFreeTests).Assembly.Location));
    }

    private static HashSet<string> MathMethodsReferencedBy(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in md.MemberReferences)
        {
            var member = md.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference) continue;
            var type = md.GetTypeReference((TypeReferenceHandle)member.Parent);
            if (md.GetString(type.Namespace) == "System" && md.GetString(type.Name) == "Math") names.Add(md.GetString(member.Name));
        }

        return names;
    }
}
