using SwarmCoverage.Fuzz;

namespace SwarmCoverage.App.Tests.Fuzz;

/// <summary>
/// The fuzzing corpus and findings as regression tests (docs/fuzzing.md): every seed in
/// tests/SwarmCoverage.Fuzz/corpus is taken (a seed that is refused teaches the fuzzer nothing), and every input in
/// crashes/ (what AFL++ found, and the inputs of bugs found otherwise) is now taken or refused without an exception.
/// </summary>
public sealed class FuzzCorpusTests
{
    private static string FuzzDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SwarmCoverage.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("SwarmCoverage.sln not found above the test binaries"), "tests", "SwarmCoverage.Fuzz");
    }

    /// <summary>The seeds of each target.</summary>
    internal static Dictionary<string, byte[][]> Corpus() =>
        FuzzTargets.All.Keys.ToDictionary(t => t, t => Directory.GetFiles(Path.Combine(FuzzDirectory(), "corpus", t)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray());

    public static TheoryData<string, string> Files(string kind)
    {
        var data = new TheoryData<string, string>();
        string root = Path.Combine(FuzzDirectory(), kind);
        if (!Directory.Exists(root)) return data;
        foreach (string dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
            foreach (string file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                data.Add(Path.GetFileName(dir), Path.GetFileName(file));
        return data;
    }

    [Fact]
    public void Every_target_has_seeds_and_every_corpus_directory_a_target()
    {
        foreach (string t in FuzzTargets.All.Keys)
            Assert.True(Directory.GetFiles(Path.Combine(FuzzDirectory(), "corpus", t)).Length > 0, $"{t}: no seeds");
        foreach (string kind in new[] { "corpus", "crashes" })
        {
            string root = Path.Combine(FuzzDirectory(), kind);
            if (!Directory.Exists(root)) continue;
            foreach (string dir in Directory.GetDirectories(root))
                Assert.True(FuzzTargets.All.ContainsKey(Path.GetFileName(dir)), $"{kind}/{Path.GetFileName(dir)} is no target");
        }
    }

    [Theory]
    [MemberData(nameof(Files), "corpus")]
    public void A_seed_is_taken(string target, string file)
    {
        Assert.True(FuzzTargets.All[target](File.ReadAllBytes(Path.Combine(FuzzDirectory(), "corpus", target, file))), FuzzTargets.LastRefusal);
    }

    [Theory]
    [MemberData(nameof(Files), "crashes")]
    public void A_finding_is_now_taken_or_refused(string target, string file)
    {
        byte[] input = File.ReadAllBytes(Path.Combine(FuzzDirectory(), "crashes", target, file));
        bool taken = FuzzTargets.All[target](input);
        if (!taken) Assert.False(string.IsNullOrWhiteSpace(FuzzTargets.LastRefusal), "refused without a reason");
    }
}
