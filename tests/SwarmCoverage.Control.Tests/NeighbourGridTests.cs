using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>The safety filter's cell list against brute force on seeded random point sets (docs/safety-filter.md, "Parts").</summary>
public sealed class NeighbourGridTests
{
    private static readonly ArenaBox Plane = ArenaBox.Rectangle(-1, 2, 0, 1.5);
    private static readonly ArenaBox Space = ArenaBox.Box(-1, 1, -0.5, 0.5, 0, 1.2);

    public static TheoryData<int, int, int, int, double> Sets => new()
    {
        // dimension, seed, robots, obstacles, cell size (m)
        { 2, 1, 200, 0, 0.3 },
        { 2, 2, 150, 40, 0.17 },
        { 2, 3, 60, 5, 1.1 },
        { 2, 4, 300, 20, 0.05 },
        { 3, 5, 200, 10, 0.25 },
        { 3, 6, 80, 30, 0.6 },
    };

    [Theory]
    [MemberData(nameof(Sets))]
    public void Every_pair_closer_than_the_cell_size_is_a_candidate_exactly_once(int dim, int seed, int robots, int obstacles, double size)
    {
        var arena = dim == 3 ? Space : Plane;
        var rng = new Random(seed);
        var points = RandomPoints(rng, robots, arena, 0.4);
        var obs = RandomPoints(rng, obstacles, arena, 0.4);
        var grid = new NeighbourGrid(arena);
        grid.Build(points, obs, size);
        Assert.Equal(robots + obstacles, grid.Items);

        var found = new HashSet<(int, int)>();
        int close = 0;
        for (int i = 0; i < robots + obstacles; i++)
        {
            var candidates = grid.Candidates(i).ToArray();
            Assert.All(candidates, j => Assert.True(j > i, $"candidate {j} of item {i} is not of larger index"));
            Assert.Equal(candidates.Length, candidates.Distinct().Count());
            foreach (int j in candidates)
            {
                if (Distance(points, obs, dim, i, j) < size)
                {
                    found.Add((i, j));
                }
            }
        }

        for (int i = 0; i < robots + obstacles; i++)
        {
            for (int j = i + 1; j < robots + obstacles; j++)
            {
                if (Distance(points, obs, dim, i, j) < size)
                {
                    close++;
                    Assert.True(found.Contains((i, j)), $"items {i} and {j} are {Distance(points, obs, dim, i, j)} m apart (< {size}) but not candidates");
                }
            }
        }

        Assert.Equal(close, found.Count);
        Assert.True(close > 0, "the set has no close pair: the test would check nothing");
    }

    [Fact]
    public void A_cell_size_that_needs_too_many_cells_is_coarsened_and_still_finds_every_close_pair()
    {
        var rng = new Random(7);
        var points = RandomPoints(rng, 500, Plane, 0);
        var grid = new NeighbourGrid(Plane);
        grid.Build(points, [], 0.004);
        Assert.True(grid.CellSizeM > 0.004, $"cell size {grid.CellSizeM}: a 3 x 1.5 m arena in 4 mm cells is over 280,000 cells");
        int close = 0;
        for (int i = 0; i < 500; i++)
        {
            for (int j = i + 1; j < 500; j++)
            {
                if (Distance(points, [], 2, i, j) < 0.03)
                {
                    close++;
                    Assert.Contains(j, grid.Candidates(i).ToArray());
                }
            }
        }

        Assert.True(close > 0);
    }

    [Fact]
    public void Points_on_cell_boundaries_and_outside_the_arena_are_found()
    {
        // A lattice at exactly the cell size (every point on a boundary), its points 0.999 cell sizes apart along x, and points
        // far outside the arena clamped into the border cells.
        const double size = 0.25;
        var pts = new List<double>();
        for (int a = 0; a < 10; a++)
        {
            for (int b = 0; b < 5; b++)
            {
                pts.AddRange([-1 + a * size, b * size]);
                pts.AddRange([-1 + a * size + 0.999 * size, b * size]);
            }
        }

        pts.AddRange([-30, -30, -30.1, -30, 50, 0.7, 50, 0.75, 0.5, 90]);
        var points = pts.ToArray();
        var grid = new NeighbourGrid(Plane);
        grid.Build(points, [], size);
        int n = points.Length / 2, close = 0;
        for (int i = 0; i < n; i++)
        {
            var c = grid.Candidates(i).ToArray();
            for (int j = i + 1; j < n; j++)
            {
                if (Distance(points, [], 2, i, j) < size)
                {
                    close++;
                    Assert.Contains(j, c);
                }
            }
        }

        Assert.True(close >= 100, $"{close} close pairs");
    }

    [Fact]
    public void Candidates_come_in_the_same_order_from_a_reused_grid()
    {
        var rng = new Random(9);
        var big = RandomPoints(rng, 400, Plane, 0.1);
        var small = RandomPoints(rng, 120, Plane, 0.1);
        var obs = RandomPoints(rng, 7, Plane, 0.1);
        var fresh = new NeighbourGrid(Plane);
        fresh.Build(small, obs, 0.2);
        var reused = new NeighbourGrid(Plane);
        reused.Build(big, [], 0.05);
        reused.Build(small, obs, 0.2);
        for (int i = 0; i < 127; i++)
        {
            Assert.Equal(fresh.Candidates(i).ToArray(), reused.Candidates(i).ToArray());
        }

        Assert.Contains(Enumerable.Range(0, 127), i => fresh.Candidates(i).Length > 1);
    }

    [Fact]
    public void An_empty_set_and_a_single_point_have_no_candidates()
    {
        var grid = new NeighbourGrid(Plane);
        grid.Build([], [], 0.3);
        Assert.Equal(0, grid.Items);
        grid.Build([0.5, 0.5], [], 0.3);
        Assert.Equal(0, grid.Candidates(0).Length);
    }

    private static double[] RandomPoints(Random rng, int count, ArenaBox arena, double outside)
    {
        int d = arena.Dimension;
        var p = new double[count * d];
        for (int q = 0; q < count; q++)
        {
            for (int k = 0; k < d; k++)
            {
                double lo = arena.MinM(k) - outside, hi = arena.MaxM(k) + outside;
                p[q * d + k] = lo + (hi - lo) * rng.NextDouble();
            }
        }

        return p;
    }

    private static double Distance(double[] points, double[] obstacles, int d, int i, int j)
    {
        int n = points.Length / d;
        double s = 0;
        for (int k = 0; k < d; k++)
        {
            double a = i < n ? points[i * d + k] : obstacles[(i - n) * d + k];
            double b = j < n ? points[j * d + k] : obstacles[(j - n) * d + k];
            s += (a - b) * (a - b);
        }

        return Math.Sqrt(s);
    }
}
