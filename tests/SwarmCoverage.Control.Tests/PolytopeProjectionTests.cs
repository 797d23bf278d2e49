using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

public class PolytopeProjectionTests
{
    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(3, 4)]
    public void Projection_matches_brute_force_on_random_polytopes(int d, int seed)
    {
        var rng = new Random(seed);
        int exercisedVertices = 0;
        for (int trial = 0; trial < 150; trial++)
        {
            int rows = d == 2 ? 2 + rng.Next(8) : 3 + rng.Next(5);
            var normals = new double[rows * d];
            var lo = new double[rows];
            var hi = new double[rows];
            for (int k = 0; k < rows; k++)
            {
                for (int a = 0; a < d; a++)
                {
                    normals[k * d + a] = 2 * rng.NextDouble() - 1;
                }

                // Slabs around the origin (so the polytope is not empty); some one-sided.
                lo[k] = rng.NextDouble() < 0.3 ? double.NegativeInfinity : -0.1 - rng.NextDouble();
                hi[k] = rng.NextDouble() < 0.3 ? double.PositiveInfinity : 0.1 + rng.NextDouble();
            }

            var w = Enumerable.Range(0, d).Select(_ => 6 * rng.NextDouble() - 3).ToArray();
            var result = new double[d];
            Assert.True(PolytopeProjection.Project(d, rows, normals, lo, hi, w, result), $"trial {trial}: no projection found");

            var halfPlanes = new List<ReferenceQp.HalfPlane>();
            for (int k = 0; k < rows; k++)
            {
                var a = normals.AsSpan(k * d, d).ToArray();
                if (double.IsFinite(lo[k]))
                {
                    halfPlanes.Add(new ReferenceQp.HalfPlane(0, -1, a, lo[k]));
                }

                if (double.IsFinite(hi[k]))
                {
                    halfPlanes.Add(new ReferenceQp.HalfPlane(0, -1, a.Select(x => -x).ToArray(), -hi[k]));
                }
            }

            var reference = ReferenceQp.BruteForce(halfPlanes, w, 1, d)!;
            Assert.NotNull(reference);
            for (int a = 0; a < d; a++)
            {
                Assert.True(Math.Abs(result[a] - reference[a]) <= 1e-9, $"trial {trial}: {result[a]} vs {reference[a]}");
            }

            if (halfPlanes.Count(h => Math.Abs(ReferenceQp.Slack(h, reference, d)) < 1e-9) >= d)
            {
                exercisedVertices++;
            }
        }

        Assert.True(exercisedVertices >= 5, $"only {exercisedVertices} projections onto a vertex");
    }
}
