using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

public class BlockCholeskyTests
{
    /// <summary>Random SPD block matrices on random graphs (the shape of the Newton systems): solve against dense Gauss.</summary>
    [Theory]
    [InlineData(2, 1, 1)]
    [InlineData(2, 12, 2)]
    [InlineData(2, 60, 3)]
    [InlineData(3, 25, 4)]
    public void Solves_like_dense_elimination(int b, int nodes, int seed)
    {
        var rng = new Random(seed);
        int size = nodes * b;
        var dense = new double[size, size];
        var chol = new BlockCholesky();
        chol.Reset(nodes, b);
        // H = I + sum over edges of s (e_u - e_v)(e_u - e_v)^T (x) n n^T + sum of per-node s a a^T: SPD like the filter's.
        var blk = new double[b * b];
        for (int k = 0; k < nodes; k++)
        {
            Array.Clear(blk);
            for (int r = 0; r < b; r++)
            {
                blk[r * b + r] = 1;
            }

            for (int rep = 0; rep < 2; rep++)
            {
                var a = RandomUnit(rng, b);
                double s = Math.Pow(10, 4 * rng.NextDouble());
                for (int r = 0; r < b; r++)
                {
                    for (int c = 0; c < b; c++)
                    {
                        blk[r * b + c] += s * a[r] * a[c];
                    }
                }
            }

            chol.AddDiagonal(k, blk);
            AddBlock(dense, k, k, blk, b);
        }

        var seen = new HashSet<(int, int)>();
        int edges = 0;
        for (int k = 1; k < nodes; k++)
        {
            // A connected random graph with a few extra chords.
            int[] partners = [rng.Next(k), rng.Next(Math.Max(1, k))];
            foreach (int l in partners.Distinct())
            {
                if (!seen.Add((Math.Min(k, l), Math.Max(k, l))))
                {
                    continue;
                }

                var n = RandomUnit(rng, b);
                double s = Math.Pow(10, 6 * rng.NextDouble());
                var outer = new double[b * b];
                for (int r = 0; r < b; r++)
                {
                    for (int c = 0; c < b; c++)
                    {
                        outer[r * b + c] = s * n[r] * n[c];
                    }
                }

                chol.AddDiagonal(k, outer);
                chol.AddDiagonal(l, outer);
                AddBlock(dense, k, k, outer, b);
                AddBlock(dense, l, l, outer, b);
                var minus = outer.Select(v => -v).ToArray();
                chol.AddEdge(k, l, minus);
                AddBlock(dense, k, l, minus, b);
                AddBlock(dense, l, k, minus, b); // symmetric: n n^T is symmetric
                edges++;
            }
        }

        Assert.True(chol.Factor());
        var rhs = Enumerable.Range(0, size).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var x = (double[])rhs.Clone();
        chol.Solve(x);
        var reference = ReferenceQp.GaussSolve(dense, rhs)!;
        Assert.NotNull(reference);
        double scale = reference.Max(Math.Abs);
        for (int q = 0; q < size; q++)
        {
            Assert.True(Math.Abs(x[q] - reference[q]) <= 1e-9 * (1 + scale), $"x[{q}] = {x[q]}, dense {reference[q]} ({edges} edges)");
        }

        // Residual of the original system.
        for (int r = 0; r < size; r++)
        {
            double s = 0;
            for (int c = 0; c < size; c++)
            {
                s += dense[r, c] * x[c];
            }

            Assert.True(Math.Abs(s - rhs[r]) <= 1e-7 * (1 + Math.Abs(rhs[r])), $"row {r}: residual {s - rhs[r]}");
        }
    }

    /// <summary>
    /// The ordering is kept for a matrix on the same graph as the last one ordered (the Newton steps of one group): every
    /// solve, on the same graph with new values, on another graph, and back, gives the bits of a fresh instance.
    /// </summary>
    [Fact]
    public void A_matrix_on_the_last_graph_gives_the_bits_of_a_fresh_factorisation_and_a_new_graph_is_ordered_anew()
    {
        const int nodes = 40, b = 2;
        var reused = new BlockCholesky();
        (int Graph, int Values)[] sequence = [(1, 1), (1, 2), (2, 3), (2, 4), (1, 5), (3, 6), (1, 7)];
        foreach (var (graph, values) in sequence)
        {
            var fresh = new BlockCholesky();
            Fill(reused, graph, values);
            Fill(fresh, graph, values);
            Assert.True(reused.Factor());
            Assert.True(fresh.Factor());
            var rhs = Enumerable.Range(0, nodes * b).Select(i => Math.Sin(i + values)).ToArray();
            var x = (double[])rhs.Clone();
            var y = (double[])rhs.Clone();
            reused.Solve(x);
            fresh.Solve(y);
            for (int q = 0; q < x.Length; q++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(x[q]) == BitConverter.DoubleToInt64Bits(y[q]),
                    $"graph {graph}, values {values}: x[{q}] = {x[q]:R} reused, {y[q]:R} fresh");
            }
        }

        // A random connected graph (edges chosen by graphSeed) with SPD values chosen by valueSeed.
        static void Fill(BlockCholesky chol, int graphSeed, int valueSeed)
        {
            var g = new Random(graphSeed);
            var v = new Random(valueSeed);
            chol.Reset(nodes, b);
            for (int k = 0; k < nodes; k++)
            {
                chol.AddDiagonal(k, [1 + v.NextDouble(), 0, 0, 1 + v.NextDouble()]);
            }

            var seen = new HashSet<(int, int)>();
            for (int k = 1; k < nodes; k++)
            {
                foreach (int l in new[] { g.Next(k), g.Next(k) }.Distinct())
                {
                    if (!seen.Add((l, k)))
                    {
                        continue;
                    }

                    double w = 10 * v.NextDouble(), c = v.NextDouble() - 0.5;
                    double[] outer = [w, w * c, w * c, w * c * c + 0.1];
                    chol.AddDiagonal(k, outer);
                    chol.AddDiagonal(l, outer);
                    chol.AddEdge(k, l, [.. outer.Select(z => -z)]);
                }
            }
        }
    }

    [Fact]
    public void A_matrix_that_is_not_positive_definite_is_refused()
    {
        var chol = new BlockCholesky();
        chol.Reset(2, 2);
        chol.AddDiagonal(0, [1, 0, 0, 1]);
        chol.AddDiagonal(1, [1, 0, 0, 1]);
        chol.AddEdge(0, 1, [-2, 0, 0, -2]); // [[I, -2I], [-2I, I]] has eigenvalue -1
        Assert.False(chol.Factor());
    }

    private static double[] RandomUnit(Random rng, int b)
    {
        var v = Enumerable.Range(0, b).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double len = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / len).ToArray();
    }

    private static void AddBlock(double[,] dense, int k, int l, double[] blk, int b)
    {
        for (int r = 0; r < b; r++)
        {
            for (int c = 0; c < b; c++)
            {
                dense[k * b + r, l * b + c] += blk[r * b + c];
            }
        }
    }
}
