using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>The storage of the QP's rows and the grouping of robots and rows (docs/safety-filter.md, "Parts").</summary>
public sealed class RowSetTests
{
    [Fact]
    public void Own_rows_keep_their_bounds_and_are_tightened_by_at_most_half_the_witness_room()
    {
        var rows = new RowSet(2);
        const double t = 1e-3;
        double[] a = [3, 4]; // |a| = 5: tightening 5e-3 in row units
        rows.AddOwn(0, a, -1, 1, 0, t);                          // room 1 on both sides: full tightening
        rows.AddOwn(0, a, -1, double.PositiveInfinity, -0.996, t); // room 0.004 below: half of it; hi stays infinite
        rows.AddOwn(0, a, double.NegativeInfinity, 2, 2, t);     // witness on the bound: no tightening
        rows.GroupByRobot(1);
        var v = rows.View;
        Assert.Equal(3, v.OwnCount);
        Assert.Equal([-1, -1, double.NegativeInfinity], v.OwnLoOriginal.ToArray());
        Assert.Equal([1, double.PositiveInfinity, 2], v.OwnHiOriginal.ToArray());
        Assert.Equal(-1 + 5e-3, v.OwnLo[0], 1e-15);
        Assert.Equal(1 - 5e-3, v.OwnHi[0], 1e-15);
        Assert.Equal(-1 + 0.002, v.OwnLo[1], 1e-15);
        Assert.Equal(double.PositiveInfinity, v.OwnHi[1]);
        Assert.Equal(double.NegativeInfinity, v.OwnLo[2]);
        Assert.Equal(2.0, v.OwnHi[2]);
        Assert.Equal([3.0, 4, 3, 4, 3, 4], v.OwnNormals.ToArray());
    }

    [Fact]
    public void Appending_a_row_set_gives_the_rows_of_one_set_that_had_them_all_added_in_order()
    {
        var rng = new Random(20261208);
        var all = new RowSet(2);
        var first = new RowSet(2);
        var second = new RowSet(2);
        for (int r = 0; r < 300; r++)
        {
            var target = r < 170 ? first : second;
            double[] a = [rng.NextDouble() - 0.5, rng.NextDouble() - 0.5];
            int i = rng.Next(7), j = rng.Next(7);
            double lo = -rng.NextDouble(), w = rng.NextDouble();
            if (r % 3 == 0)
            {
                all.AddCoupling(i, j, a, lo, w, 1e-4);
                target.AddCoupling(i, j, a, lo, w, 1e-4);
            }
            else
            {
                all.AddOwn(i, a, lo, 1 + w, w, 1e-4);
                target.AddOwn(i, a, lo, 1 + w, w, 1e-4);
            }
        }

        first.Append(second);
        all.GroupByRobot(7);
        first.GroupByRobot(7);
        var x = all.View;
        var y = first.View;
        Assert.Equal(x.OwnStart.ToArray(), y.OwnStart.ToArray());
        Assert.Equal(x.OwnRobot.ToArray(), y.OwnRobot.ToArray());
        Assert.Equal(x.OwnNormals.ToArray(), y.OwnNormals.ToArray());
        Assert.Equal(x.OwnLo.ToArray(), y.OwnLo.ToArray());
        Assert.Equal(x.OwnHi.ToArray(), y.OwnHi.ToArray());
        Assert.Equal(x.OwnLoOriginal.ToArray(), y.OwnLoOriginal.ToArray());
        Assert.Equal(x.OwnHiOriginal.ToArray(), y.OwnHiOriginal.ToArray());
        Assert.Equal(x.CouplingFirst.ToArray(), y.CouplingFirst.ToArray());
        Assert.Equal(x.CouplingSecond.ToArray(), y.CouplingSecond.ToArray());
        Assert.Equal(x.CouplingNormals.ToArray(), y.CouplingNormals.ToArray());
        Assert.Equal(x.CouplingLo.ToArray(), y.CouplingLo.ToArray());
        Assert.Equal(x.CouplingLoOriginal.ToArray(), y.CouplingLoOriginal.ToArray());
        Assert.Equal(100, y.CouplingCount);
    }

    [Fact]
    public void Coupling_rows_keep_their_robots_and_are_tightened_by_sqrt_two_t()
    {
        var rows = new RowSet(3);
        rows.AddCoupling(4, 1, [0, 0.6, 0.8], -0.5, 0.5, 1e-4);
        rows.AddCoupling(2, 3, [1, 0, 0], 0.1, 0.1 + 1e-5, 1e-4);
        rows.GroupByRobot(5);
        var v = rows.View;
        Assert.Equal(2, v.CouplingCount);
        Assert.Equal([4, 2], v.CouplingFirst.ToArray());
        Assert.Equal([1, 3], v.CouplingSecond.ToArray());
        Assert.Equal([0, 0.6, 0.8, 1, 0, 0], v.CouplingNormals.ToArray());
        Assert.Equal([-0.5, 0.1], v.CouplingLoOriginal.ToArray());
        Assert.Equal(-0.5 + 1e-4 * Math.Sqrt(2), v.CouplingLo[0], 1e-15);
        Assert.Equal(0.1 + 0.5e-5, v.CouplingLo[1], 1e-15);
    }

    [Fact]
    public void Grouping_by_robot_is_a_stable_sort_that_carries_every_field()
    {
        var rng = new Random(4);
        const int robots = 12, count = 200;
        var rows = new RowSet(2);
        var added = new List<(int Robot, double Nx, double Lo, double Hi)>();
        for (int q = 0; q < count; q++)
        {
            int i = rng.Next(robots);
            double nx = rng.NextDouble(), lo = -rng.NextDouble(), hi = rng.NextDouble();
            rows.AddOwn(i, [nx, q], lo, hi, 0, 0);
            added.Add((i, nx, lo, hi));
        }

        rows.GroupByRobot(robots);
        var v = rows.View;
        Assert.Equal(robots + 1, v.OwnStart.Length);
        Assert.Equal(0, v.OwnStart[0]);
        Assert.Equal(count, v.OwnStart[robots]);
        for (int i = 0; i < robots; i++)
        {
            var expected = added.Select((r, q) => (r, q)).Where(x => x.r.Robot == i).ToList();
            Assert.Equal(expected.Count, v.OwnStart[i + 1] - v.OwnStart[i]);
            for (int k = 0; k < expected.Count; k++)
            {
                int row = v.OwnStart[i] + k;
                var (r, q) = expected[k];
                Assert.Equal(i, v.OwnRobot[row]);
                Assert.Equal(q, v.OwnNormals[2 * row + 1]); // insertion order kept within a robot
                Assert.Equal(r.Nx, v.OwnNormals[2 * row]);
                Assert.Equal(r.Lo, v.OwnLoOriginal[row]);
                Assert.Equal(r.Hi, v.OwnHiOriginal[row]);
            }
        }
    }

    [Fact]
    public void Refilling_allocates_nothing_once_the_buffers_fit()
    {
        var rows = new RowSet(2);
        var sets = new DisjointSet();
        var groups = new CoupledGroups();
        var normal = new double[2];
        void Fill(int robots)
        {
            rows.Clear();
            rows.Reserve(24 * robots, 4 * robots);
            for (int i = 0; i < robots; i++)
            {
                normal[0] = 1;
                normal[1] = i;
                for (int k = 0; k < 30; k++) // more than the reserve: the set grows by doubling the first time
                {
                    rows.AddOwn(i, normal, -1, 1, 0, 1e-5);
                }

                if (i % 2 == 1)
                {
                    rows.AddCoupling(i - 1, i, normal, -1, 0, 1e-5);
                }
            }

            rows.GroupByRobot(robots);
            sets.Reset(robots);
            for (int i = 1; i < robots; i += 2)
            {
                sets.Union(i - 1, i);
            }

            groups.Build(sets, rows.CouplingFirst);
        }

        Fill(300);
        Fill(100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Fill(300);
        Fill(200);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(200 * 30, rows.OwnCount);
        Assert.Equal(100, groups.Count);
    }

    [Fact]
    public void Groups_list_their_robots_and_coupling_rows_in_order()
    {
        // Robots 0..7; unions 6-1, 1-3, 4-7; coupling rows inside those sets.
        var sets = new DisjointSet();
        sets.Reset(8);
        sets.Union(6, 1);
        sets.Union(1, 3);
        sets.Union(4, 7);
        var groups = new CoupledGroups();
        int count = groups.Build(sets, [3, 7, 1, 6, 4]);
        Assert.Equal(5, count); // {0}, {1, 3, 6}, {2}, {4, 7}, {5}
        Assert.Equal([0], groups.Robots(0).ToArray());
        Assert.Equal([1, 3, 6], groups.Robots(1).ToArray());
        Assert.Equal([2], groups.Robots(2).ToArray());
        Assert.Equal([4, 7], groups.Robots(3).ToArray());
        Assert.Equal([5], groups.Robots(4).ToArray());
        Assert.Equal([0, 2, 3], groups.Couplings(1).ToArray());
        Assert.Equal([1, 4], groups.Couplings(3).ToArray());
        Assert.Equal(0, groups.Couplings(0).Length);
    }
}
