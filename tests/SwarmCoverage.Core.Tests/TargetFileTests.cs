using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Tests;

public sealed class TargetFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sc-target-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Mixture = """
        domain: { min: [0.0, 0.0], max: [4.0, 3.0] }      # metres
        density:
          type: gaussian_mixture
          floor: 1.0e-3
          components:
            - { weight: 0.6, mean: [1.0, 1.2], sigma: [0.5, 0.4] }
            - { weight: 0.4, mean: [3.0, 2.0], sigma: [0.3, 0.6] }
        """;

    [Fact]
    public void The_design_example_loads_and_evaluates_the_mixture_definition()
    {
        var t = Assert.IsType<GaussianMixtureDensity>(TargetFile.Parse(Mixture, "t.yaml"));
        Assert.Equal(2, t.Dimension);
        Assert.Equal(1e-3, t.Floor);
        // g at a point, from the definition written out by hand
        double x = 1.3, y = 0.9;
        static double N(double v, double mu, double s) => Math.Exp(-(v - mu) * (v - mu) / (2 * s * s)) / (Math.Sqrt(2 * Math.PI) * s);
        double expected = 0.6 * N(x, 1.0, 0.5) * N(y, 1.2, 0.4) + 0.4 * N(x, 3.0, 0.3) * N(y, 2.0, 0.6);
        Assert.Equal(expected, t.Evaluate([x, y]), 1e-14);
    }

    [Fact]
    public void Json_with_the_same_keys_loads_to_the_same_target()
    {
        const string json = """
            {"domain": {"min": [0.0, 0.0], "max": [4.0, 3.0]},
             "density": {"type": "gaussian_mixture", "floor": 0.001,
               "components": [{"weight": 0.6, "mean": [1.0, 1.2], "sigma": [0.5, 0.4]},
                              {"weight": 0.4, "mean": [3.0, 2.0], "sigma": [0.3, 0.6]}]}}
            """;
        var a = TargetFile.Parse(Mixture, "a.yaml");
        var b = TargetFile.Parse(json, "b.json");
        foreach (var p in new[] { new[] { 0.1, 0.2 }, [2.0, 1.5], [3.9, 2.9] })
            Assert.Equal(a.Evaluate(p), b.Evaluate(p));
    }

    [Theory]
    [InlineData("domain: { min: [0, 0], max: [1, 1] }\ndensity: { type: uniform, colour: red }", "t.yaml:2", "unknown key 'colour'")]
    [InlineData("domain: { min: [0, 0], max: [1, 1] }\ndensity: { type: blobs }", "t.yaml:2", "density.type 'blobs' is unknown")]
    [InlineData("density: { type: uniform }", "t.yaml:1", "missing key 'domain'")]
    [InlineData("domain: { min: [0, 0], max: [1] }\ndensity: { type: uniform }", "t.yaml:1", "domain.min has 2 coordinates but domain.max has 1")]
    [InlineData("domain: { min: [0, 1], max: [1, 1] }\ndensity: { type: uniform }", "t.yaml:1", "axis 1 needs min < max")]
    [InlineData("domain: { min: [0, 0], max: [1, 1] }\ndensity: { type: uniform, floor: 0 }", "t.yaml:2", "density.floor must be > 0")]
    [InlineData("domain: { min: [0, 0], max: [1, 1] }\ndensity:\n  type: gaussian_mixture\n  components:\n    - { weight: 1, mean: [0.5, 0.5], sigma: [0.1] }", "t.yaml:5", "sigma has 1 coordinates")]
    [InlineData("domain: { min: [0, 0], max: [1, 1] }\ndensity:\n  type: gaussian_mixture\n  components:\n    - { weight: -1, mean: [0.5, 0.5], sigma: [0.1, 0.1] }", "t.yaml:5", "weight must be > 0")]
    [InlineData("domain: { min: [0, 0], max: [1, x] }\ndensity: { type: uniform }", "t.yaml:1", "'domain.max[1]' must be a finite number")]
    [InlineData("domain: { min: [0, 0], max: [1, 1] }\ndensity: { type: uniform\n", "t.yaml", "not valid YAML")]
    public void Bad_files_name_the_file_line_and_key(string text, string where, string what)
    {
        var e = Assert.Throws<InputException>(() => TargetFile.Parse(text, "t.yaml"));
        Assert.StartsWith(where, e.Message, StringComparison.Ordinal);
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pgm_rows_run_from_the_top_and_interpolate_bilinearly()
    {
        // 3 x 2 image: top row 0 0 90, bottom row 30 60 90 (P2, maxval 90).
        File.WriteAllText(Path.Combine(_dir, "map.pgm"), "P2\n# painted\n3 2\n90\n0 0 90\n30 60 90\n");
        File.WriteAllText(Path.Combine(_dir, "t.yaml"), "domain: { min: [0, 0], max: [3, 2] }\ndensity: { type: grid, file: map.pgm }\n");
        var t = Assert.IsType<RasterDensity>(TargetFile.Load(Path.Combine(_dir, "t.yaml")));
        // pixel centres: x = 0.5, 1.5, 2.5; y = 0.5 (bottom row), 1.5 (top row)
        Assert.Equal(30.0 / 90, t.Evaluate([0.5, 0.5]), 15);
        Assert.Equal(0.0, t.Evaluate([0.5, 1.5]), 15);
        Assert.Equal(0.5 * (30.0 + 60) / 90, t.Evaluate([1.0, 0.5]), 15);
        Assert.Equal(0.25 * (30.0 + 60 + 0 + 0) / 90, t.Evaluate([1.0, 1.0]), 15);
        Assert.Equal(1.0, t.Evaluate([2.9, 1.9]), 15); // clamped beyond the outermost centres
    }

    [Fact]
    public void Binary_pgm_and_csv_rasters_agree_and_invert_works()
    {
        byte[] header = "P5 2 2 255\n"u8.ToArray();
        File.WriteAllBytes(Path.Combine(_dir, "b.pgm"), [.. header, 10, 20, 30, 40]);
        File.WriteAllText(Path.Combine(_dir, "c.csv"), "10,20\n30,40\n");
        var box = "domain: { min: [0, 0], max: [2, 2] }\n";
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), box + "density: { type: grid, file: b.pgm }");
        File.WriteAllText(Path.Combine(_dir, "c.yaml"), box + "density: { type: grid, file: c.csv }");
        File.WriteAllText(Path.Combine(_dir, "i.yaml"), box + "density: { type: grid, file: c.csv, invert: true }");
        var b = TargetFile.Load(Path.Combine(_dir, "b.yaml"));
        var c = TargetFile.Load(Path.Combine(_dir, "c.yaml"));
        var i = TargetFile.Load(Path.Combine(_dir, "i.yaml"));
        foreach (var p in new[] { new[] { 0.5, 0.5 }, [1.5, 1.5], [1.0, 1.0], [0.7, 1.3] })
            Assert.Equal(b.Evaluate(p) * 255, c.Evaluate(p), 10);
        Assert.Equal(40 - 30.0, i.Evaluate([0.5, 0.5]), 12); // bottom-left pixel is 30 (second row), inverted against max 40
    }

    [Fact]
    public void Three_d_csv_blocks_are_z_layers_and_interpolate_trilinearly()
    {
        File.WriteAllText(Path.Combine(_dir, "v.csv"), "1,2\n3,4\n\n5,6\n7,8\n");
        File.WriteAllText(Path.Combine(_dir, "t.yaml"), "domain: { min: [0, 0, 0], max: [2, 2, 2] }\ndensity: { type: grid, file: v.csv }");
        var t = TargetFile.Load(Path.Combine(_dir, "t.yaml"));
        Assert.Equal(3.0, t.Evaluate([0.5, 0.5, 0.5]), 14); // z layer 0, bottom row (second line), first column
        Assert.Equal(2.0, t.Evaluate([1.5, 1.5, 0.5]), 14);
        Assert.Equal(8.0, t.Evaluate([1.5, 0.5, 1.5]), 14);
        Assert.Equal((1 + 2 + 3 + 4 + 5 + 6 + 7 + 8) / 8.0, t.Evaluate([1.0, 1.0, 1.0]), 14);
    }

    [Fact]
    public void A_raster_that_is_zero_everywhere_is_refused_by_name()
    {
        File.WriteAllText(Path.Combine(_dir, "z.csv"), "0,0\n0,0\n");
        File.WriteAllText(Path.Combine(_dir, "t.yaml"), "domain: { min: [0, 0], max: [2, 2] }\ndensity: { type: grid, file: z.csv }");
        var t = TargetFile.Load(Path.Combine(_dir, "t.yaml"));
        var e = Assert.Throws<InputException>(() => new BlobField(t, new BlobOptions { Epsilon = 0.1 }));
        Assert.Contains("zero everywhere", e.Message, StringComparison.Ordinal);
        Assert.Contains("t.yaml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_raster_values_name_line_and_column()
    {
        File.WriteAllText(Path.Combine(_dir, "bad.csv"), "1,2\n3,-4\n");
        File.WriteAllText(Path.Combine(_dir, "t.yaml"), "domain: { min: [0, 0], max: [2, 2] }\ndensity: { type: grid, file: bad.csv }");
        var e = Assert.Throws<InputException>(() => TargetFile.Load(Path.Combine(_dir, "t.yaml")));
        Assert.Contains("bad.csv:2: column 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Floor_and_normalization_follow_the_definition()
    {
        var box = new Box([0.0], [1.0]);
        // g = 1 on the left half, 0 on the right half (a 2-pixel raster, interpolated between centres).
        var t = new RasterDensity(box, [2], [1.0, 0.0], floor: 0.01);
        var grid = new BlobGrid(box, new BlobOptions { Epsilon = 0.1 }); // 20 cells of 0.05
        var rho = grid.DiscretizeTarget(t);
        var g = Enumerable.Range(0, 20).Select(l => t.Evaluate([0.025 + 0.05 * l])).ToArray();
        double gbar = g.Average();
        var floored = g.Select(v => Math.Max(v, 0.01 * gbar)).ToArray();
        double z = 0.05 * floored.Sum();
        for (int l = 0; l < 20; l++) Assert.Equal(floored[l] / z, rho[l], 14);
    }
}
