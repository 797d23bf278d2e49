using System.Diagnostics;
using System.Globalization;

namespace SwarmCoverage.App.Tests;

/// <summary>
/// Separate processes of the real program give byte-identical velocities whatever the processor count the runtime
/// sees and whatever vector instructions it may use (decentralized controllers on different machines must agree).
/// </summary>
public sealed class ProcessDeterminismTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Program() => Path.Combine(AppContext.BaseDirectory, "swarm-coverage.dll");

    private static (int Code, string Out, string Err) Run(IDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Program());
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd(), e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o, e);
    }

    [Fact]
    public void Velocities_are_identical_across_processor_counts_and_vector_widths()
    {
        // enough particles that the deposit uses several chunks and the gather runs on all workers
        var rng = new Random(9);
        var rows = Enumerable.Range(0, 12_000).Select(_ => string.Create(CultureInfo.InvariantCulture, $"{rng.NextDouble():R},{rng.NextDouble():R}"));
        string positions = _dir.File("p.csv", "x,y\n" + string.Join("\n", rows) + "\n");
        string target = _dir.File("t.yaml", "domain: { min: [0, 0], max: [1, 1] }\ndensity:\n  type: gaussian_mixture\n  components:\n    - { weight: 1, mean: [0.4, 0.6], sigma: [0.2, 0.15] }\n");
        string[] args = ["velocities", "--target", target, "--epsilon", "0.02", "--positions", positions];
        var configurations = new Dictionary<string, string>[]
        {
            new() { ["DOTNET_PROCESSOR_COUNT"] = "1" },
            new() { ["DOTNET_PROCESSOR_COUNT"] = "2" },
            new() { ["DOTNET_PROCESSOR_COUNT"] = "5" },
            new() { ["DOTNET_EnableAVX"] = "0" },                  // no Vector256: the two-Vector128 path
            new() { ["DOTNET_EnableHWIntrinsic"] = "0" },          // no SIMD at all
        };
        string? reference = null;
        foreach (var env in configurations)
        {
            var (code, output, err) = Run(env, args);
            Assert.True(code == 0, err);
            Assert.Equal(12_001, output.TrimEnd('\n').Split('\n').Length);
            reference ??= output;
            Assert.True(reference == output, $"output differs under {string.Join(",", env.Select(kv => kv.Key + "=" + kv.Value))}");
        }
    }
}
