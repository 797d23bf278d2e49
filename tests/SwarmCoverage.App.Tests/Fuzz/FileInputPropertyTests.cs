using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace SwarmCoverage.App.Tests.Fuzz;

/// <summary>
/// Mutated files through the command line, as a user would hand them over (docs/inputs.md): params YAML with an SDF
/// world, target files with their PGM and CSV rasters, positions CSV, recordings. Each run either succeeds or ends
/// with exit 2 and an error that names the file, with no stack trace and nothing written.
/// </summary>
public sealed class FileInputPropertyTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Text(byte[] b) => Encoding.UTF8.GetString(b);

    /// <summary>One run: the exit code must be one <paramref name="allowed"/>, and an exit 2 must be a clean error about one of <paramref name="files"/>.</summary>
    private static void Check(string what, int seed, (int Code, string Out, string Err) run, int[] allowed, string[] files, string? output = null)
    {
        var (code, _, err) = run;
        Assert.True(allowed.Contains(code), $"{what} (seed {seed}): exit {code}\n{err}");
        if (code != 2) return;
        Assert.False(string.IsNullOrWhiteSpace(err), $"{what} (seed {seed}): exit 2 without a message");
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", err, StringComparison.Ordinal);
        Assert.True(files.Any(f => err.Contains(f, StringComparison.Ordinal)), $"{what} (seed {seed}): the error names none of {string.Join(", ", files)}:\n{err}");
        if (output is not null) Assert.False(Directory.Exists(output) || File.Exists(output), $"{what} (seed {seed}): exit 2 but {output} was written");
    }

    [Fact]
    public void The_unmutated_seeds_run_cleanly()
    {
        // The properties below would prove little if their files were refused before being read.
        var corpus = FuzzCorpusTests.Corpus();
        File.WriteAllBytes(_dir["t.yaml"], corpus["target-file"].Single(b => Text(b).Contains("gaussian_mixture", StringComparison.Ordinal) && Text(b).Contains("4.0, 3.0", StringComparison.Ordinal)));
        File.WriteAllBytes(_dir["p.csv"], corpus["positions-csv"][^1]);
        var run = Cli.Run("velocities", "--target", _dir["t.yaml"], "-e", "0.3", "-p", _dir["p.csv"]);
        Assert.True(run.Code == 0, run.Err);
        File.WriteAllBytes(_dir["p.yaml"], corpus["params-yaml"].Single(b => Text(b).Contains("duration_s", StringComparison.Ordinal)));
        run = Cli.Run("simulate", "--params", _dir["p.yaml"], "-o", _dir["out"]);
        Assert.True(run.Code == 0, run.Err);
        File.WriteAllBytes(_dir["run.mcap"], corpus["mcap"][0]);
        run = Cli.Run("replay", _dir["run.mcap"]);
        Assert.True(run.Code == 0, run.Err);
    }

    [Property(MaxTest = 40, Replay = "(20261207,31)")]
    public Property A_mutated_target_raster_or_positions_file_is_used_or_named_in_an_exit_2()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            // The target file names r.pgm or r.csv (its grid seed), so the rasters are read through it.
            string target = Text(DecoderPropertyTests.Input("target-file", seed));
            if (rng.Next(2) == 0) target = target.Replace("r.pgm", "r.csv", StringComparison.Ordinal);
            File.WriteAllText(_dir["t.json"], target);
            File.WriteAllBytes(_dir["r.pgm"], DecoderPropertyTests.Input("raster-pgm", seed + 1));
            File.WriteAllBytes(_dir["r.csv"], DecoderPropertyTests.Input("raster-csv", seed + 2));
            File.WriteAllBytes(_dir["two_blobs.yaml"], DecoderPropertyTests.Input("target-file", seed + 3));
            File.WriteAllBytes(_dir["p.csv"], DecoderPropertyTests.Input("positions-csv", seed + 4));
            string cwd = Environment.CurrentDirectory;
            Environment.CurrentDirectory = _dir.Path;
            try
            {
                Check("velocities", seed, Cli.Run("velocities", "--target", "t.json", "-e", "0.3", "-p", "p.csv"), [0, 2], ["t.json", "r.pgm", "r.csv", "p.csv", "two_blobs.yaml"]);
                Check("flow", seed, Cli.Run("flow", "--target", "t.json", "-e", "0.3", "-p", "p.csv", "--duration", "0.01", "-o", "flow.csv"), [0, 2], ["t.json", "r.pgm", "r.csv", "p.csv", "two_blobs.yaml"], _dir["flow.csv"]);
            }
            finally
            {
                Environment.CurrentDirectory = cwd;
                if (File.Exists(_dir["flow.csv"])) File.Delete(_dir["flow.csv"]);
            }
        });
    }

    [Property(MaxTest = 25, Replay = "(20261207,33)")]
    public Property A_mutated_params_file_or_world_is_simulated_or_named_in_an_exit_2()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            string yaml = Text(DecoderPropertyTests.Input("params-yaml", seed));
            bool world = rng.Next(2) == 0;
            if (world) // the tiny seed with its robots from a mutated SDF world instead
                yaml = yaml.Replace("    sim:\n", "    sim:\n      world: w.sdf\n", StringComparison.Ordinal);
            File.WriteAllText(_dir["p.yaml"], yaml);
            File.WriteAllBytes(_dir["w.sdf"], DecoderPropertyTests.Input("sdf-world", seed + 1));
            File.WriteAllText(_dir["two_blobs.yaml"], "domain: {min: [0, 0], max: [4, 3]}\ndensity: {type: uniform}\n");
            string outDir = _dir["out"];
            try
            {
                Check("simulate", seed, Cli.Run("simulate", "--params", _dir["p.yaml"], "-o", outDir), [0, 2], ["p.yaml", "w.sdf", "two_blobs.yaml"], outDir);
            }
            finally
            {
                if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
            }
        });
    }

    [Property(MaxTest = 60, Replay = "(20261207,35)")]
    public Property A_mutated_recording_is_replayed_or_named_in_an_exit_2()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            File.WriteAllBytes(_dir["run.mcap"], DecoderPropertyTests.Input("mcap", seed));
            Check("replay", seed, Cli.Run("replay", _dir["run.mcap"]), [0, 1, 2], ["run.mcap"]);
        });
    }
}
