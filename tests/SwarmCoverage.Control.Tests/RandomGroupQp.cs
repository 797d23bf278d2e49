using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>
/// A seeded random QP of the safety filter's shape for one coupled group (docs/safety-filter.md, "The QP"), to call
/// <see cref="GroupQpSolver"/> alone (its tests, and SolverBenchmarks, which links this file). Robots on a jittered lattice
/// 0.16 m apart; each has a previous command p (|p| &lt;= 0.12 m/s) and the witness b = p / 2; its own rows are the eight
/// slabs of a 16-gon speed limit (0.3 m/s) intersected with a 16-gon acceleration reach around p (0.075 m/s), plus a wall
/// row for about a third of the robots; every pair closer than 0.25 m has a coupling row along the centre line and the two
/// own shares, each bound below its value at b by a random margin (at least twice the tightening, as a relaxed row).
/// The nominal drives everyone to the centre at up to 0.35 m/s, so coupling rows bind. b meets every row: the QP is
/// feasible, like the filter's.
/// </summary>
internal sealed class RandomGroupQp
{
    private RandomGroupQp(int robots, int dimension, RowSet rows, double[] nominal, double[] witness, double[] start)
    {
        RobotCount = robots;
        Dimension = dimension;
        Rows = rows;
        Nominal = nominal;
        Witness = witness;
        Start = start;
        Robots = Enumerable.Range(0, robots).ToArray();
        Couplings = Enumerable.Range(0, rows.CouplingCount).ToArray();
    }

    public int RobotCount { get; }

    public int Dimension { get; }

    /// <summary>The rows, grouped by robot.</summary>
    public RowSet Rows { get; }

    /// <summary>Every robot, the group.</summary>
    public int[] Robots { get; }

    /// <summary>Every coupling row.</summary>
    public int[] Couplings { get; }

    public double[] Nominal { get; }

    /// <summary>The braking commands: a point that meets every original row.</summary>
    public double[] Witness { get; }

    /// <summary>The previous commands, where the Newton steps start.</summary>
    public double[] Start { get; }

    /// <summary>Builds the QP of <paramref name="robots"/> robots in 2-D or 3-D, rows tightened by <paramref name="tighten"/> m/s.</summary>
    public static RandomGroupQp Create(int robots, int seed, double tighten, int dimension = 2, double nominalSpeed = 0.35)
    {
        int d = dimension, n = robots;
        var rng = new Random(seed);
        int side = d == 3 ? (int)Math.Ceiling(Math.Cbrt(n)) : (int)Math.Ceiling(Math.Sqrt(n));
        var x = new double[n * d];
        var prev = new double[n * d];
        var brake = new double[n * d];
        var nominal = new double[n * d];
        var centre = new double[d];
        for (int i = 0; i < n; i++)
        {
            int a = i % side, b = i / side % side, c = i / (side * side);
            x[i * d] = 0.16 * a + 0.01 * (rng.NextDouble() - 0.5);
            x[i * d + 1] = 0.16 * b + 0.01 * (rng.NextDouble() - 0.5);
            if (d == 3)
            {
                x[i * d + 2] = 0.16 * c + 0.01 * (rng.NextDouble() - 0.5);
            }

            var dir = RandomUnit(rng, d);
            double speed = 0.12 * rng.NextDouble();
            for (int k = 0; k < d; k++)
            {
                prev[i * d + k] = speed * dir[k];
                brake[i * d + k] = 0.5 * prev[i * d + k];
                centre[k] += x[i * d + k] / n;
            }
        }

        var rows = new RowSet(d);
        double inr = Math.Cos(Math.PI / 16);
        var normal = new double[d];
        for (int i = 0; i < n; i++)
        {
            var p = prev.AsSpan(i * d, d);
            var bi = brake.AsSpan(i * d, d);
            for (int k = 0; k < 8; k++)
            {
                Array.Clear(normal);
                normal[0] = Math.Cos(k * Math.PI / 8);
                normal[1] = Math.Sin(k * Math.PI / 8);
                double s = 0.3 * inr, h = 0.075 * inr, cv = Dot(normal, p);
                rows.AddOwn(i, normal, Math.Max(-s, cv - h), Math.Min(s, cv + h), Dot(normal, bi), tighten);
            }

            if (d == 3)
            {
                Array.Clear(normal);
                normal[2] = 1;
                rows.AddOwn(i, normal, Math.Max(-0.2, p[2] - 0.075), Math.Min(0.2, p[2] + 0.075), bi[2], tighten);
            }

            if (rng.Next(3) == 0)
            {
                Array.Clear(normal);
                normal[rng.Next(d)] = rng.Next(2) == 0 ? 1 : -1;
                double wb = Dot(normal, bi);
                rows.AddOwn(i, normal, wb - Margin(rng, tighten, 0.1), double.PositiveInfinity, wb, tighten);
            }
        }

        var e = new double[d];
        var minus = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double s2 = 0;
                for (int k = 0; k < d; k++)
                {
                    e[k] = x[i * d + k] - x[j * d + k];
                    s2 += e[k] * e[k];
                }

                if (s2 >= 0.25 * 0.25)
                {
                    continue;
                }

                double len = Math.Sqrt(s2), wi = 0, wj = 0;
                for (int k = 0; k < d; k++)
                {
                    e[k] /= len;
                    minus[k] = -e[k];
                    wi += e[k] * brake[i * d + k];
                    wj += e[k] * brake[j * d + k];
                }

                rows.AddCoupling(i, j, e, wi - wj - Margin(rng, tighten * Math.Sqrt(2), 0.06), wi - wj, tighten);
                rows.AddOwn(i, e, wi - Margin(rng, tighten, 0.15), double.PositiveInfinity, wi, tighten);
                rows.AddOwn(j, minus, -wj - Margin(rng, tighten, 0.15), double.PositiveInfinity, -wj, tighten);
            }
        }

        rows.GroupByRobot(n);
        for (int i = 0; i < n; i++)
        {
            double len = 0;
            for (int k = 0; k < d; k++)
            {
                len += (centre[k] - x[i * d + k]) * (centre[k] - x[i * d + k]);
            }

            len = Math.Max(Math.Sqrt(len), 1e-9);
            double speed = nominalSpeed * (0.5 + 0.5 * rng.NextDouble());
            for (int k = 0; k < d; k++)
            {
                nominal[i * d + k] = speed * (centre[k] - x[i * d + k]) / len + 0.05 * (rng.NextDouble() - 0.5);
            }
        }

        return new RandomGroupQp(n, d, rows, nominal, brake, prev);
    }

    /// <summary>Solves it with <paramref name="solver"/> into <paramref name="u"/> (n * d values).</summary>
    public GroupSolveStatus Solve(GroupQpSolver solver, double[] u, out int outer, out int newton, double[]? start = null) =>
        solver.Solve(Rows.View, Robots, Couplings, Nominal, Witness, start ?? Start, u, out outer, out newton);

    // At least twice the tightening (as the filter's relaxed rows), up to max.
    private static double Margin(Random rng, double tighten, double max) => 2 * tighten + (max - 2 * tighten) * rng.NextDouble();

    private static double[] RandomUnit(Random rng, int d)
    {
        var v = new double[d];
        double len;
        do
        {
            len = 0;
            for (int k = 0; k < d; k++)
            {
                v[k] = 2 * rng.NextDouble() - 1;
                len += v[k] * v[k];
            }
        }
        while (len < 1e-6 || len > 1);

        for (int k = 0; k < d; k++)
        {
            v[k] /= Math.Sqrt(len);
        }

        return v;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++)
        {
            s += a[k] * b[k];
        }

        return s;
    }
}
