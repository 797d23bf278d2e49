using SwarmCoverage.Core;
using SwarmCoverage.Core.IO;
using SwarmCoverage.Core.Sampling;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Core.Tests;

public class SamplingAndFilesTests
{
    [Fact]
    public void Blob_samples_beat_the_median_of_iid_samples_and_repeat_exactly()
    {
        var box = new Box([0.0, 0.0], [4.0, 3.0]);
        var target = new GaussianMixtureDensity(box, [new GaussianComponent(0.6, [1.0, 1.2], [0.5, 0.4]), new GaussianComponent(0.4, [3.0, 2.0], [0.3, 0.6])]);
        var settings = new SampleSettings { Count = 150, Seed = 3 };
        var a = Sampler.Sample(target, settings);
        var b = Sampler.Sample(target, settings);
        Assert.True(a.Converged);
        Assert.True(a.EnergyDistance < 0.6 * a.IidMedianEnergyDistance, $"blob {a.EnergyDistance} iid {a.IidMedianEnergyDistance}");
        Assert.Equal(a.Positions, b.Positions);
        var c = Sampler.Sample(target, settings with { Seed = 4 });
        Assert.NotEqual(a.Positions, c.Positions);
    }

    [Fact]
    public void Positions_round_trip_exactly_through_the_csv_writer_and_reader()
    {
        var box = Box.Unit(3);
        var rng = new Random(5);
        var x = Enumerable.Range(0, 300).Select(_ => rng.NextDouble()).ToArray();
        x[0] = 0; x[1] = 1; x[2] = 1e-300; x[3] = 0.1 + 0.2;
        var text = new StringWriter();
        PositionsFile.Write(text, PositionsFile.PositionHeader(3), x);
        var set = PositionsFile.Read(new StringReader(text.ToString()), "p.csv", box);
        Assert.Equal(x, set.Positions);
        Assert.Empty(set.Masses);
        Assert.StartsWith("x,y,z\n", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Masses_are_normalized()
    {
        var set = PositionsFile.Read(new StringReader("x,y,mass\n0.1,0.2,2\n0.3,0.4,6\n"), "p.csv", Box.Unit(2));
        Assert.Equal([0.25, 0.75], set.Masses);
    }

    [Theory]
    [InlineData("x\n0.5\n", "p.csv:1: header is 'x'")]
    [InlineData("x,y\n0.5,0.5\n0.1\n", "p.csv:3: 1 columns, expected 2")]
    [InlineData("x,y\n0.5,NaN\n", "p.csv:2: y = 'NaN' is not a finite number")]
    [InlineData("x,y\n0.5,abc\n", "p.csv:2: y = 'abc' is not a finite number")]
    [InlineData("x,y\n0.5,1.5\n", "p.csv:2: y = 1.5 is outside the box")]
    [InlineData("x,y,mass\n0.5,0.5,0\n", "p.csv:2: mass = 0 must be > 0")]
    [InlineData("x,y\n", "p.csv: no positions")]
    [InlineData("", "p.csv: empty file")]
    public void Bad_positions_name_the_line_and_column(string csv, string message)
    {
        var e = Assert.Throws<InputException>(() => PositionsFile.Read(new StringReader(csv), "p.csv", Box.Unit(2)));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Atomic_write_leaves_no_file_when_writing_fails()
    {
        string dir = Directory.CreateTempSubdirectory("sc-atomic-").FullName;
        try
        {
            string path = Path.Combine(dir, "out.csv");
            Assert.Throws<InvalidOperationException>(() => PositionsFile.WriteAtomically(path, w =>
            {
                w.Write("x\n0.1\n");
                throw new InvalidOperationException("disk full");
            }));
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
