using System.Globalization;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.IO;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.App.Tests;

public sealed class CoreVerbTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Target = """
        domain: { min: [0.0, 0.0], max: [4.0, 3.0] }
        density:
          type: gaussian_mixture
          components:
            - { weight: 0.6, mean: [1.0, 1.2], sigma: [0.5, 0.4] }
            - { weight: 0.4, mean: [3.0, 2.0], sigma: [0.3, 0.6] }
        """;

    private string Positions(int n, int seed)
    {
        var rng = new Random(seed);
        var lines = Enumerable.Range(0, n).Select(_ => string.Create(CultureInfo.InvariantCulture, $"{4 * rng.NextDouble():R},{3 * rng.NextDouble():R}"));
        return _dir.File($"p{seed}.csv", "x,y\n" + string.Join("\n", lines) + "\n");
    }

    [Fact]
    public void Velocities_prints_one_row_per_position_that_round_trips_to_the_field_values()
    {
        string t = _dir.File("t.yaml", Target), p = Positions(25, 1);
        var (code, output, _) = Cli.Run("velocities", "--target", t, "--epsilon", "0.3", "--positions", p);
        Assert.Equal(0, code);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("vx,vy", lines[0]);
        Assert.Equal(26, lines.Length);
        var set = PositionsFile.Read(p, new Box([0.0, 0.0], [4.0, 3.0]));
        using var field = new BlobField(TargetFile.Load(t), new BlobOptions { Epsilon = 0.3 });
        var v = new double[set.Positions.Length];
        field.Evaluate(set.Positions, [], v);
        var printed = lines.Skip(1).SelectMany(l => l.Split(',')).Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(v, printed); // bit-exact round trip
    }

    [Fact]
    public void Velocities_honours_grid_spacing_and_cutoff_options()
    {
        string t = _dir.File("t.yaml", Target), p = Positions(5, 2);
        var a = Cli.Run("velocities", "--target", t, "-e", "0.3", "-p", p);
        var b = Cli.Run("velocities", "--target", t, "-e", "0.3", "-p", p, "--grid-spacing", "0.05", "--cutoff", "6");
        Assert.Equal(0, a.Code);
        Assert.Equal(0, b.Code);
        Assert.NotEqual(a.Out, b.Out);
    }

    [Fact]
    public void Flow_writes_the_output_file_and_lowers_chi2()
    {
        string t = _dir.File("t.yaml", Target), p = Positions(40, 3);
        var (code, _, err) = Cli.Run("flow", "--target", t, "-e", "0.3", "-p", p, "--duration", "0.05", "--output", _dir["out.csv"]);
        Assert.Equal(0, code);
        Assert.Contains("chi2_eps", err, StringComparison.Ordinal);
        var box = new Box([0.0, 0.0], [4.0, 3.0]);
        var start = PositionsFile.Read(p, box);
        var end = PositionsFile.Read(_dir["out.csv"], box);
        Assert.Equal(start.Count, end.Count);
        using var field = new BlobField(TargetFile.Load(t), new BlobOptions { Epsilon = 0.3 });
        Assert.True(field.Measure(end.Positions, []).Chi2 < field.Measure(start.Positions, []).Chi2);
    }

    [Fact]
    public void Sample_reports_its_energy_distance_against_the_iid_baseline()
    {
        string t = _dir.File("t.yaml", Target);
        var (code, output, err) = Cli.Run("sample", "--target", t, "-n", "60", "--seed", "2");
        Assert.Equal(0, code);
        Assert.Contains("energy distance: blob samples", err, StringComparison.Ordinal);
        Assert.Contains("iid samples (median of 15)", err, StringComparison.Ordinal);
        Assert.Equal(61, output.TrimEnd('\n').Split('\n').Length);
        Assert.Equal(output, Cli.Run("sample", "--target", t, "-n", "60", "--seed", "2").Out); // deterministic
    }

    [Fact]
    public void Verify_barenblatt_in_1d_passes_and_prints_the_table()
    {
        var (code, output, _) = Cli.Run("verify", "barenblatt", "--dim", "1");
        Assert.Equal(0, code);
        Assert.Contains("observed order", output, StringComparison.Ordinal);
        Assert.Equal(3, output.Split('\n').Count(l => l.TrimStart().StartsWith("0.0", StringComparison.Ordinal)));
    }

    [Fact]
    public void Verify_fails_with_exit_one_when_the_order_is_too_low()
    {
        // Two spacings so close that the edge-of-support noise dominates: the check must be able to fail.
        var (code, _, err) = Cli.Run("verify", "barenblatt", "--dim", "1", "--h", "0.03", "0.025");
        Assert.Equal(1, code);
        Assert.Contains("FAIL: 1-D order", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_ends_with_the_median_line()
    {
        var (code, output, _) = Cli.Run("bench", "--n", "2000", "--epsilon", "0.05", "--repeats", "3");
        Assert.Equal(0, code);
        var last = output.TrimEnd('\n').Split('\n')[^1];
        Assert.StartsWith("median_ms=", last, StringComparison.Ordinal);
        Assert.True(double.Parse(last["median_ms=".Length..], CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void Bench_cpu_times_chunks_on_every_processor_and_ends_with_the_ratio_line()
    {
        var (code, output, _) = Cli.Run("bench", "cpu", "--chunk-ms", "0.2", "--duration", "0.3");
        Assert.Equal(0, code);
        var lines = output.TrimEnd('\n').Split('\n');
        var rows = lines.Where(l => l.StartsWith("  processor ", StringComparison.Ordinal) || l.StartsWith("  thread ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Environment.ProcessorCount, rows.Count); // .NET counts the processors this process may use
        if (OperatingSystem.IsLinux())
        {
            // Each thread pinned to its own processor of the allowed set: the rows name distinct processors.
            var cpus = rows.Select(r => int.Parse(r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1].TrimEnd(':'), CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(cpus.Count, cpus.Distinct().Count());
            Assert.All(rows, r => Assert.StartsWith("  processor ", r, StringComparison.Ordinal));
        }

        foreach (string row in rows)
        {
            int chunks = int.Parse(row[(row.IndexOf(": ", StringComparison.Ordinal) + 2)..].Split(' ')[0], CultureInfo.InvariantCulture);
            Assert.True(chunks >= 100, row); // 0.3 s of ~0.2 ms chunks, even on a slow machine
        }

        Assert.StartsWith("p99_over_p50=", lines[^1], StringComparison.Ordinal);
        double ratio = double.Parse(lines[^1]["p99_over_p50=".Length..], CultureInfo.InvariantCulture);
        Assert.True(ratio is >= 1 and < 1000, lines[^1]);
    }

    [Theory]
    [InlineData("--chunk-ms", "0", "--chunk-ms 0: allowed 0.01..1000")]
    [InlineData("--duration", "-1", "--duration -1: allowed (0, 86400] seconds")]
    [InlineData("--threads", "100000", "--threads 100000: allowed 0..")]
    public void Bench_cpu_names_a_bad_option(string option, string value, string message)
    {
        var (code, _, err) = Cli.Run("bench", "cpu", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--foxglove-clients", "65", "--foxglove-clients and --foxglove-stalled: allowed 0..64")]
    [InlineData("--foxglove-stalled", "-1", "--foxglove-clients and --foxglove-stalled: allowed 0..64")]
    [InlineData("--robots", "0", "--robots 0: allowed 1..100000")]
    public void Bench_ros_names_a_bad_option(string option, string value, string message)
    {
        var (code, _, err) = Cli.Run("bench", "ros", option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("velocities")]
    [InlineData("flow")]
    [InlineData("sample")]
    [InlineData("verify")]
    [InlineData("bench")]
    public void Every_verb_has_help(string verb)
    {
        var (code, output, _) = Cli.Run(verb, "--help");
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[], string> BadInputs => new()
    {
        { "missing target", ["velocities", "--target", "nope.yaml", "-e", "0.3", "-p", "p.csv"], "nope.yaml: target file not found" },
        { "unknown key", ["velocities", "--target", "bad.yaml", "-e", "0.3", "-p", "p.csv"], "bad.yaml:2: unknown key 'colour'" },
        { "column count", ["velocities", "--target", "t.yaml", "-e", "0.3", "-p", "cols.csv"], "cols.csv:3: 1 columns, expected 2" },
        { "NaN", ["velocities", "--target", "t.yaml", "-e", "0.3", "-p", "nan.csv"], "nan.csv:2: y = 'NaN' is not a finite number" },
        { "outside", ["velocities", "--target", "t.yaml", "-e", "0.3", "-p", "out.csv"], "out.csv:2: x = 4.5 is outside the box" },
        { "eps <= 0", ["velocities", "--target", "t.yaml", "-e", "0", "-p", "p.csv"], "epsilon must be a finite number > 0 (got 0)" },
        { "zero target", ["velocities", "--target", "zero.yaml", "-e", "0.3", "-p", "p.csv"], "zero.yaml: the target density is zero everywhere" },
        { "bad option", ["velocities", "--target", "t.yaml", "-e", "zero", "-p", "p.csv"], "error:" },
        { "flow NaN duration", ["flow", "--target", "t.yaml", "-e", "0.3", "-p", "p.csv", "--duration", "-1", "-o", "never.csv"], "--duration must be a finite number >= 0" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_ends_with_one_line_and_exit_code_two_and_writes_nothing(string why, string[] args, string message)
    {
        _dir.File("t.yaml", Target);
        _dir.File("bad.yaml", "domain: { min: [0, 0], max: [4, 3] }\ndensity: { type: uniform, colour: red }\n");
        _dir.File("zero.csv", "0,0\n0,0\n");
        _dir.File("zero.yaml", "domain: { min: [0, 0], max: [4, 3] }\ndensity: { type: grid, file: zero.csv }\n");
        _dir.File("p.csv", "x,y\n1,1\n2,2\n");
        _dir.File("cols.csv", "x,y\n1,1\n2\n");
        _dir.File("nan.csv", "x,y\n1,NaN\n");
        _dir.File("out.csv", "x,y\n4.5,1\n");
        string cwd = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _dir.Path;
        try
        {
            var (code, output, err) = Cli.Run(args);
            Assert.True(code == 2, $"{why}: exit {code}, stderr {err}");
            Assert.Equal("", output);
            Assert.Contains(message, err, StringComparison.Ordinal);
            if (!why.StartsWith("bad option", StringComparison.Ordinal))
                Assert.Single(err.TrimEnd('\n').Split('\n'));
            Assert.False(File.Exists(_dir["never.csv"]));
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
    }
}
