using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>
/// The safety QP rebuilt from its written definition (README "Safety filter"), without the neighbour radius, cell list,
/// tightening or components of the implementation, and solved by methods that share nothing with Hildreth's.
/// Constraint form: a . (u_I - u_J) &gt;= B (J = -1: a . u_I &gt;= B).
/// </summary>
internal static class ReferenceQp
{
    public sealed record HalfPlane(int I, int J, double[] A, double B);

    public static List<HalfPlane> Build(double[] points, RobotModel[] models, double[] headings, double[] prevU, double period,
        ArenaBox arena, SafetyFilterOptions o)
    {
        int n = models.Length, d = arena.Dimension;
        var rows = new List<HalfPlane>();
        var hold = new double[n];
        for (int i = 0; i < n; i++)
        {
            var m = models[i];
            double uMax = m.Kind == RobotKind.DifferentialDrive
                ? Math.Sqrt(m.MaxLinearSpeedMps * m.MaxLinearSpeedMps + Math.Pow(m.ProjectionDistanceM * m.MaxAngularSpeedRadps, 2))
                : m.MaxLinearSpeedMps;
            hold[i] = m.Kind == RobotKind.DifferentialDrive ? m.MaxAngularSpeedRadps * uMax * period * period / 2 : 0;
            foreach (var (a, lo, hi) in Slabs(m, headings[i], prevU.AsSpan(i * d, d).ToArray(), period, d))
            {
                if (double.IsFinite(lo))
                {
                    rows.Add(new HalfPlane(i, -1, a, lo));
                }

                if (double.IsFinite(hi))
                {
                    rows.Add(new HalfPlane(i, -1, a.Select(x => -x).ToArray(), -hi));
                }
            }

            double vRec = Math.Max(o.RecoverySpeedMps, 1.000001 * hold[i] / period);
            for (int k = 0; k < d; k++)
            {
                double x = points[i * d + k];
                var up = new double[d];
                up[k] = 1;
                var down = new double[d];
                down[k] = -1;
                rows.Add(new HalfPlane(i, -1, up, Barrier(x - (arena.MinM(k) + o.WallMarginM) - hold[i], null, o, period, vRec)));
                rows.Add(new HalfPlane(i, -1, down, Barrier((arena.MaxM(k) - o.WallMarginM) - x - hold[i], null, o, period, vRec)));
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                var e = new double[d];
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    e[k] = points[i * d + k] - points[j * d + k];
                    s += e[k] * e[k];
                }

                s = Math.Sqrt(s);
                for (int k = 0; k < d; k++)
                {
                    e[k] /= s;
                }

                double margin = o.SafetyRadiusM + hold[i] + hold[j];
                double vRec = Math.Max(o.RecoverySpeedMps, 1.000001 * (hold[i] + hold[j]) / period);
                rows.Add(new HalfPlane(i, j, e, Barrier(s - margin, (s, margin), o, period, vRec)));
            }
        }

        return rows;
    }

    /// <summary>Lower bound of the barrier rows: -min(gamma h^3/(2s) [pair] or gamma g^3 [wall], kappa g / T), or recovery when g &lt; 0.</summary>
    private static double Barrier(double g, (double S, double Margin)? pair, SafetyFilterOptions o, double period, double vRec)
    {
        if (g < 0)
        {
            return Math.Min(-g / period, vRec);
        }

        double cubic = pair is { } p
            ? o.PairBarrierGain * Math.Pow(p.S * p.S - p.Margin * p.Margin, 3) / (2 * p.S)
            : o.WallBarrierGain * g * g * g;
        return -Math.Min(cubic, o.DiscreteDecayFraction * g / period);
    }

    /// <summary>The actuator slabs lo &lt;= a . u &lt;= hi written from the model's limits (speed intersected with acceleration).</summary>
    public static IEnumerable<(double[] A, double Lo, double Hi)> Slabs(RobotModel m, double th, double[] prevU, double period, int d)
    {
        (double[] A, double Speed, double Accel)[] raw;
        if (m.Kind == RobotKind.DifferentialDrive)
        {
            double c = Math.Cos(th), s = Math.Sin(th), l = m.ProjectionDistanceM;
            var list = new List<(double[], double, double)>
            {
                ([c, s], m.MaxLinearSpeedMps, m.MaxLinearAccelerationMps2 * period),
                ([-s, c], l * m.MaxAngularSpeedRadps, l * m.MaxAngularAccelerationRadps2 * period),
            };
            if (double.IsFinite(m.MaxWheelSpeedRadps))
            {
                double k = m.WheelSeparationM / (2 * l);
                list.Add(([c - k * s, s + k * c], m.WheelRadiusM * m.MaxWheelSpeedRadps, double.PositiveInfinity));
                list.Add(([c + k * s, s - k * c], m.WheelRadiusM * m.MaxWheelSpeedRadps, double.PositiveInfinity));
            }

            raw = [.. list];
        }
        else
        {
            double inr = Math.Cos(Math.PI / 16);
            var list = new List<(double[], double, double)>();
            for (int k = 0; k < 8; k++)
            {
                var a = new double[d];
                a[0] = Math.Cos(k * Math.PI / 8);
                a[1] = Math.Sin(k * Math.PI / 8);
                list.Add((a, inr * m.MaxLinearSpeedMps, inr * m.MaxLinearAccelerationMps2 * period));
            }

            if (d == 3)
            {
                list.Add(([0, 0, 1], m.MaxVerticalSpeedMps, m.MaxLinearAccelerationMps2 * period));
            }

            raw = [.. list];
        }

        foreach (var (a, speed, accel) in raw)
        {
            double center = 0;
            for (int k = 0; k < a.Length; k++)
            {
                center += a[k] * prevU[k];
            }

            yield return (a, Math.Max(-speed, center - accel), Math.Min(speed, center + accel));
        }
    }

    /// <summary>Full row of a half-plane in the stacked variable u (n * d).</summary>
    public static double[] FullRow(HalfPlane h, int n, int d)
    {
        var row = new double[n * d];
        for (int k = 0; k < d; k++)
        {
            row[h.I * d + k] += h.A[k];
            if (h.J >= 0)
            {
                row[h.J * d + k] -= h.A[k];
            }
        }

        return row;
    }

    public static double Slack(HalfPlane h, double[] u, int d)
    {
        double t = 0;
        for (int k = 0; k < d; k++)
        {
            t += h.A[k] * (u[h.I * d + k] - (h.J >= 0 ? u[h.J * d + k] : 0));
        }

        return t - h.B;
    }

    /// <summary>
    /// Exact optimum of min |u - nominal|^2 s.t. rows, by enumerating every set of at most dim(u) active constraints, solving
    /// the equality-constrained problem, and keeping the candidate that is feasible with non-negative multipliers (KKT, which
    /// for a strictly convex QP identifies the unique optimum). Null when no candidate qualifies (infeasible problem).
    /// </summary>
    public static double[]? BruteForce(List<HalfPlane> rows, double[] nominal, int n, int d)
    {
        int vars = n * d;
        var full = rows.Select(r => FullRow(r, n, d)).ToArray();
        double[]? best = null;
        double bestObj = double.PositiveInfinity;
        var subset = new List<int>();

        void Visit(int start)
        {
            var cand = Solve(subset, full, rows, nominal, vars);
            if (cand is not null)
            {
                double obj = 0;
                for (int k = 0; k < vars; k++)
                {
                    obj += (cand[k] - nominal[k]) * (cand[k] - nominal[k]);
                }

                if (obj < bestObj)
                {
                    bestObj = obj;
                    best = cand;
                }
            }

            if (subset.Count == vars)
            {
                return;
            }

            for (int r = start; r < rows.Count; r++)
            {
                subset.Add(r);
                Visit(r + 1);
                subset.RemoveAt(subset.Count - 1);
            }
        }

        Visit(0);
        return best;
    }

    private static double[]? Solve(List<int> active, double[][] full, List<HalfPlane> rows, double[] nominal, int vars)
    {
        int m = active.Count;
        var u = (double[])nominal.Clone();
        if (m > 0)
        {
            // (A A^T) lambda = b - A nominal; u = nominal + A^T lambda.
            var g = new double[m, m];
            var rhs = new double[m];
            for (int a = 0; a < m; a++)
            {
                var ra = full[active[a]];
                for (int b = 0; b < m; b++)
                {
                    var rb = full[active[b]];
                    double s = 0;
                    for (int k = 0; k < vars; k++)
                    {
                        s += ra[k] * rb[k];
                    }

                    g[a, b] = s;
                }

                double t = 0;
                for (int k = 0; k < vars; k++)
                {
                    t += ra[k] * nominal[k];
                }

                rhs[a] = rows[active[a]].B - t;
            }

            var lambda = GaussSolve(g, rhs);
            if (lambda is null || lambda.Any(l => l < -1e-12))
            {
                return null;
            }

            for (int a = 0; a < m; a++)
            {
                var ra = full[active[a]];
                for (int k = 0; k < vars; k++)
                {
                    u[k] += lambda[a] * ra[k];
                }
            }
        }

        for (int r = 0; r < rows.Count; r++)
        {
            double t = 0;
            var fr = full[r];
            for (int k = 0; k < vars; k++)
            {
                t += fr[k] * u[k];
            }

            if (t < rows[r].B - 1e-10 * (1 + Math.Abs(rows[r].B)))
            {
                return null;
            }
        }

        return u;
    }

    /// <summary>Gaussian elimination with partial pivoting; null when (numerically) singular.</summary>
    public static double[]? GaussSolve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        double scale = 0;
        foreach (double v in a)
        {
            scale = Math.Max(scale, Math.Abs(v));
        }

        for (int c = 0; c < n; c++)
        {
            int piv = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[piv, c]))
                {
                    piv = r;
                }
            }

            if (Math.Abs(m[piv, c]) <= 1e-10 * Math.Max(scale, 1e-300))
            {
                return null;
            }

            if (piv != c)
            {
                for (int k = 0; k < n; k++)
                {
                    (m[c, k], m[piv, k]) = (m[piv, k], m[c, k]);
                }

                (x[c], x[piv]) = (x[piv], x[c]);
            }

            for (int r = c + 1; r < n; r++)
            {
                double f = m[r, c] / m[c, c];
                for (int k = c; k < n; k++)
                {
                    m[r, k] -= f * m[c, k];
                }

                x[r] -= f * x[c];
            }
        }

        for (int r = n - 1; r >= 0; r--)
        {
            double s = x[r];
            for (int k = r + 1; k < n; k++)
            {
                s -= m[r, k] * x[k];
            }

            x[r] = s / m[r, r];
        }

        return x;
    }

    /// <summary>
    /// KKT residual of a candidate u: primal infeasibility, and the stationarity residual |u - nominal - A_act^T lambda| of
    /// the best non-negative multipliers on the constraints with slack &lt;= activeTol (projected-gradient NNLS, many iterations).
    /// </summary>
    public static (double Infeasibility, double Stationarity, int Active) Kkt(List<HalfPlane> rows, double[] u, double[] nominal, int n, int d, double activeTol)
    {
        int vars = n * d;
        double infeasible = 0;
        var act = new List<double[]>();
        foreach (var r in rows)
        {
            double slack = Slack(r, u, d);
            infeasible = Math.Max(infeasible, -slack);
            if (slack <= activeTol)
            {
                act.Add(FullRow(r, n, d));
            }
        }

        var target = new double[vars];
        for (int k = 0; k < vars; k++)
        {
            target[k] = u[k] - nominal[k];
        }

        // NNLS by projected gradient with step 1/L (L = largest eigenvalue bound of A A^T: Gershgorin).
        int m = act.Count;
        var lambda = new double[m];
        var gram = new double[m, m];
        var atb = new double[m];
        double lip = 0;
        for (int a = 0; a < m; a++)
        {
            double row = 0;
            for (int b = 0; b < m; b++)
            {
                double s = 0;
                for (int k = 0; k < vars; k++)
                {
                    s += act[a][k] * act[b][k];
                }

                gram[a, b] = s;
                row += Math.Abs(s);
            }

            for (int k = 0; k < vars; k++)
            {
                atb[a] += act[a][k] * target[k];
            }

            lip = Math.Max(lip, row);
        }

        for (int it = 0; it < 20000 && m > 0; it++)
        {
            for (int a = 0; a < m; a++)
            {
                double grad = -atb[a];
                for (int b = 0; b < m; b++)
                {
                    grad += gram[a, b] * lambda[b];
                }

                lambda[a] = Math.Max(0, lambda[a] - grad / lip);
            }
        }

        double res = 0;
        for (int k = 0; k < vars; k++)
        {
            double r = target[k];
            for (int a = 0; a < m; a++)
            {
                r -= lambda[a] * act[a][k];
            }

            res = Math.Max(res, Math.Abs(r));
        }

        return (infeasible, res, m);
    }
}
