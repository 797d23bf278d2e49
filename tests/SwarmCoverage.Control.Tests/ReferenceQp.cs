using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>
/// The safety QP rebuilt from its written definition (README "Safety filter"), without the neighbour radius, cell list,
/// tightening, omitted rows or components of the implementation, and solved by methods that share nothing with the
/// filter's (augmented Lagrangian with semismooth Newton).
/// Constraint form: a . (u_I - u_J) &gt;= B (J = -1: a . u_I &gt;= B).
/// </summary>
internal static class ReferenceQp
{
    public sealed record HalfPlane(int I, int J, double[] A, double B);

    /// <summary>
    /// The QP of the README section "Safety filter", row by row, for every pair, wall and actuator limit (no neighbour
    /// radius, no omission of implied rows, no tightening: the original constraints). Obstacles are not used by the tests.
    /// </summary>
    public static List<HalfPlane> Build(double[] points, RobotModel[] models, double[] headings, double[] prevU, double period,
        ArenaBox arena, SafetyFilterOptions o)
    {
        int n = models.Length, d = arena.Dimension;
        double t = o.ConstraintTighteningMps;
        var rows = new List<HalfPlane>();
        var hold = new double[n];
        var tau = new double[n];
        var brake = new double[n][];
        for (int i = 0; i < n; i++)
        {
            var m = models[i];
            double uMax = m.Kind == RobotKind.DifferentialDrive
                ? Math.Sqrt(m.MaxLinearSpeedMps * m.MaxLinearSpeedMps + Math.Pow(m.ProjectionDistanceM * m.MaxAngularSpeedRadps, 2))
                : m.Kind == RobotKind.Aerial3D ? Math.Sqrt(m.MaxLinearSpeedMps * m.MaxLinearSpeedMps + m.MaxVerticalSpeedMps * m.MaxVerticalSpeedMps)
                : m.MaxLinearSpeedMps;
            hold[i] = m.Kind == RobotKind.DifferentialDrive ? m.MaxAngularSpeedRadps * uMax * period * period / 2 : 0;
            tau[i] = Horizon(m, period, o);
            brake[i] = Brake(m, headings[i], prevU.AsSpan(i * d, d).ToArray(), period, t, d);
        }

        // Recovery pushes (robots inside a margin move away with the acceleration braking left unused).
        Recovery(points, models, headings, prevU, period, arena, o, hold, brake, d);

        for (int i = 0; i < n; i++)
        {
            var m = models[i];
            var b = brake[i];
            foreach (var (a, lo, hi) in Slabs(m, headings[i], prevU.AsSpan(i * d, d).ToArray(), period, d))
            {
                double wb = Dot(a, b);
                double l = lo, h = hi;
                if (!(wb >= l && wb <= h))
                {
                    l = Math.Min(l, wb - 2 * t);
                    h = Math.Max(h, wb + 2 * t);
                }

                if (double.IsFinite(l))
                {
                    rows.Add(new HalfPlane(i, -1, a, l));
                }

                if (double.IsFinite(h))
                {
                    rows.Add(new HalfPlane(i, -1, a.Select(x => -x).ToArray(), -h));
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
                rows.Add(new HalfPlane(i, -1, up, Wall(x - (arena.MinM(k) + o.WallMarginM) - hold[i], tau[i], o, period, vRec, Dot(up, b), 2 * t)));
                rows.Add(new HalfPlane(i, -1, down, Wall((arena.MaxM(k) - o.WallMarginM) - x - hold[i], tau[i], o, period, vRec, Dot(down, b), 2 * t)));
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double tp = Math.Max(tau[i], tau[j]);
                var xi = points.AsSpan(i * d, d).ToArray();
                var xj = points.AsSpan(j * d, d).ToArray();
                var e = Direction(xi, brake[i].Select(v => tp * v).ToArray(), xj, brake[j].Select(v => tp * v).ToArray());
                double se = 0;
                for (int k = 0; k < d; k++)
                {
                    se += e[k] * (xi[k] - xj[k]);
                }

                double rm = o.SafetyRadiusM + hold[i] + hold[j];
                double g = se - rm;
                double vRec = Math.Max(o.RecoverySpeedMps, 1.000001 * (hold[i] + hold[j]) / period);
                double bound = g >= 0
                    ? Math.Max(-g / tp, -o.PairBarrierGain * Math.Pow(se * se - rm * rm, 3) / (2 * se))
                    : Math.Min(-g / period, vRec);
                double wv = Dot(e, brake[i]) - Dot(e, brake[j]);
                rows.Add(new HalfPlane(i, j, e, Relax(bound, wv, 2 * t * Math.Sqrt(2))));
                if (g >= 0)
                {
                    var minus = e.Select(x => -x).ToArray();
                    rows.Add(new HalfPlane(i, -1, e, Relax(-g / tp, Dot(e, brake[i]), 2 * t)));
                    rows.Add(new HalfPlane(j, -1, minus, Relax(-g / tp, Dot(minus, brake[j]), 2 * t)));
                }
            }
        }

        return rows;
    }

    /// <summary>The README's braking horizon: max(T / kappa, T vmax / (a_eff T - 2 t sqrt 2)) and the like for omega and vz.</summary>
    public static double Horizon(RobotModel m, double period, SafetyFilterOptions o)
    {
        double t = o.ConstraintTighteningMps;
        double h = period / o.DiscreteDecayFraction;
        double inr = Math.Cos(Math.PI / 16);
        static double H(double v, double a, double T, double slack) => double.IsPositiveInfinity(a) ? T : T * v / (a * T - slack);
        return m.Kind switch
        {
            RobotKind.DifferentialDrive => Math.Max(h, Math.Max(H(m.MaxLinearSpeedMps, m.MaxLinearAccelerationMps2, period, 2 * t * Math.Sqrt(2)),
                H(m.MaxAngularSpeedRadps, m.MaxAngularAccelerationRadps2, period, 2 * t * Math.Sqrt(2) / m.ProjectionDistanceM))),
            RobotKind.Aerial3D => Math.Max(h, Math.Max(H(m.MaxLinearSpeedMps, inr * m.MaxLinearAccelerationMps2, period, 2 * t),
                H(m.MaxVerticalSpeedMps, m.MaxLinearAccelerationMps2, period, 2 * t))),
            _ => Math.Max(h, H(m.MaxLinearSpeedMps, inr * m.MaxLinearAccelerationMps2, period, 2 * t)),
        };
    }

    /// <summary>The braking command: the previous command scaled down as far as the acceleration limits allow in one period.</summary>
    public static double[] Brake(RobotModel m, double th, double[] p, double period, double t, int d)
    {
        double slack = 2 * t;
        double sigma;
        if (m.Kind == RobotKind.DifferentialDrive)
        {
            double l = m.ProjectionDistanceM;
            double v = Math.Cos(th) * p[0] + Math.Sin(th) * p[1];
            double w = (-Math.Sin(th) * p[0] + Math.Cos(th) * p[1]) / l;
            sigma = Math.Min(Allowed(m.MaxLinearAccelerationMps2 * period - slack * Math.Sqrt(2), v),
                Allowed(m.MaxAngularAccelerationRadps2 * period - slack * Math.Sqrt(2) / l, w));
        }
        else
        {
            double hz = Math.Sqrt(p[0] * p[0] + p[1] * p[1]);
            sigma = Allowed(Math.Cos(Math.PI / 16) * m.MaxLinearAccelerationMps2 * period - slack, hz);
            if (d == 3)
            {
                sigma = Math.Min(sigma, Allowed(m.MaxLinearAccelerationMps2 * period - slack, p[2]));
            }
        }

        sigma = Math.Min(1, sigma);
        return p.Select(x => (1 - sigma) * x).ToArray();

        static double Allowed(double change, double value) =>
            double.IsPositiveInfinity(change) || Math.Abs(value) == 0 ? 1 : Math.Max(0, change) / Math.Abs(value);
    }

    /// <summary>
    /// Recovery pushes: a robot inside the margin of another robot or of a wall adds to its braking command
    /// min(spare, umax) / k times the sum of the k unit directions away, spare being the acceleration budget braking left
    /// unused, scaled by the largest f in [0, 1] that keeps it within the speed limits with room 2t.
    /// </summary>
    private static void Recovery(double[] points, RobotModel[] models, double[] headings, double[] prevU, double period, ArenaBox arena,
        SafetyFilterOptions o, double[] hold, double[][] brake, int d)
    {
        int n = models.Length;
        double t = o.ConstraintTighteningMps;
        var dirs = new double[n][];
        var count = new int[n];
        for (int i = 0; i < n; i++)
        {
            dirs[i] = new double[d];
            for (int j = 0; j < n; j++)
            {
                if (j == i)
                {
                    continue;
                }

                var diff = Enumerable.Range(0, d).Select(k => points[i * d + k] - points[j * d + k]).ToArray();
                double s = Math.Sqrt(Dot(diff, diff));
                if (s < o.SafetyRadiusM + hold[i] + hold[j])
                {
                    for (int k = 0; k < d; k++)
                    {
                        dirs[i][k] += s > 0 ? diff[k] / s : (k == 0 ? (i < j ? 1 : -1) : 0);
                    }

                    count[i]++;
                }
            }

            for (int k = 0; k < d; k++)
            {
                double x = points[i * d + k];
                if (x - (arena.MinM(k) + o.WallMarginM) - hold[i] < 0)
                {
                    dirs[i][k] += 1;
                    count[i]++;
                }

                if ((arena.MaxM(k) - o.WallMarginM) - x - hold[i] < 0)
                {
                    dirs[i][k] -= 1;
                    count[i]++;
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            if (count[i] == 0)
            {
                continue;
            }

            var m = models[i];
            var p = prevU.AsSpan(i * d, d).ToArray();
            double spare = Spare(m, headings[i], p, period, t, d);
            double uMax = m.Kind == RobotKind.DifferentialDrive
                ? Math.Sqrt(m.MaxLinearSpeedMps * m.MaxLinearSpeedMps + Math.Pow(m.ProjectionDistanceM * m.MaxAngularSpeedRadps, 2))
                : m.Kind == RobotKind.Aerial3D ? Math.Sqrt(m.MaxLinearSpeedMps * m.MaxLinearSpeedMps + m.MaxVerticalSpeedMps * m.MaxVerticalSpeedMps)
                : m.MaxLinearSpeedMps;
            var push = dirs[i].Select(v => Math.Min(spare, uMax) / count[i] * v).ToArray();
            double f = 1;
            foreach (var (a, speed) in SpeedSlabs(m, headings[i], d))
            {
                double limit = speed - 2 * t * Math.Sqrt(Dot(a, a));
                double tb = Dot(a, brake[i]), tp = Dot(a, push);
                if (tb + f * tp > limit)
                {
                    f = Math.Max(0, (limit - tb) / tp);
                }
                else if (tb + f * tp < -limit)
                {
                    f = Math.Max(0, (-limit - tb) / tp);
                }
            }

            for (int k = 0; k < d; k++)
            {
                brake[i][k] += f * push[k];
            }
        }
    }

    private static double Spare(RobotModel m, double th, double[] p, double period, double t, int d)
    {
        double slack = 2 * t;
        if (m.Kind == RobotKind.DifferentialDrive)
        {
            double l = m.ProjectionDistanceM;
            double v = Math.Abs(Math.Cos(th) * p[0] + Math.Sin(th) * p[1]);
            double w = Math.Abs((-Math.Sin(th) * p[0] + Math.Cos(th) * p[1]) / l);
            double dv = m.MaxLinearAccelerationMps2 * period - slack * Math.Sqrt(2);
            double dw = m.MaxAngularAccelerationRadps2 * period - slack * Math.Sqrt(2) / l;
            double sigma = Math.Min(1, Math.Min(double.IsPositiveInfinity(dv) || v == 0 ? 1 : dv / v, double.IsPositiveInfinity(dw) || w == 0 ? 1 : dw / w));
            return Math.Max(0, Math.Min(dv - sigma * v, l * (dw - sigma * w)));
        }

        double h = Math.Sqrt(p[0] * p[0] + p[1] * p[1]);
        double dh = Math.Cos(Math.PI / 16) * m.MaxLinearAccelerationMps2 * period - slack;
        double z = d == 3 ? Math.Abs(p[2]) : 0;
        double dz = m.MaxLinearAccelerationMps2 * period - slack;
        double sg = Math.Min(1, Math.Min(double.IsPositiveInfinity(dh) || h == 0 ? 1 : dh / h, d == 3 && !double.IsPositiveInfinity(dz) && z > 0 ? dz / z : 1));
        double spare = dh - sg * h;
        if (d == 3)
        {
            spare = Math.Min(spare, dz - sg * z);
        }

        return Math.Max(0, spare);
    }

    private static IEnumerable<(double[] A, double Speed)> SpeedSlabs(RobotModel m, double th, int d)
    {
        foreach (var (a, lo, hi) in Slabs(m with { MaxLinearAccelerationMps2 = double.PositiveInfinity, MaxAngularAccelerationRadps2 = double.PositiveInfinity }, th, new double[d], 1, d))
        {
            yield return (a, hi);
            _ = lo;
        }
    }

    private static double Wall(double g, double tau, SafetyFilterOptions o, double period, double vRec, double witness, double room)
    {
        double bound = g >= 0 ? Math.Max(-g / tau, -o.WallBarrierGain * g * g * g) : Math.Min(-g / period, vRec);
        return Relax(bound, witness, room);
    }

    /// <summary>A bound above the braking command's value is relaxed to that value less the room.</summary>
    private static double Relax(double bound, double witness, double room) => bound > witness ? witness - room : bound;

    /// <summary>
    /// Unit vector from segment y + [0,1] dy to segment x + [0,1] dx along their closest points: the minimum of
    /// |x + s dx - y - t dy| over the square [0,1]^2, searched on its interior critical point and its four edges.
    /// </summary>
    public static double[] Direction(double[] x, double[] dx, double[] y, double[] dy)
    {
        int d = x.Length;
        double best = double.PositiveInfinity, bs = 0, bt = 0;
        void Try(double s, double t)
        {
            double q = 0;
            for (int k = 0; k < d; k++)
            {
                q += Math.Pow(x[k] + s * dx[k] - y[k] - t * dy[k], 2);
            }

            if (q < best - 1e-18)
            {
                best = q;
                bs = s;
                bt = t;
            }
        }

        double a = Dot(dx, dx), b = Dot(dx, dy), c = Dot(dy, dy);
        var r = Enumerable.Range(0, d).Select(k => x[k] - y[k]).ToArray();
        double e = Dot(dx, r), f = Dot(dy, r);
        double det = a * c - b * b;
        if (det > 1e-24 * Math.Max(1e-300, a * c))
        {
            double s = (b * f - c * e) / det, t = (a * f - b * e) / det;
            if (s >= 0 && s <= 1 && t >= 0 && t <= 1)
            {
                Try(s, t);
            }
        }

        // Edges: s fixed at 0 or 1 (t free), t fixed at 0 or 1 (s free).
        foreach (double s in new[] { 0.0, 1.0 })
        {
            Try(s, c > 0 ? Math.Clamp((f + s * b) / c, 0, 1) : 0);
        }

        foreach (double t in new[] { 0.0, 1.0 })
        {
            Try(a > 0 ? Math.Clamp((t * b - e) / a, 0, 1) : 0, t);
        }

        var v = Enumerable.Range(0, d).Select(k => x[k] + bs * dx[k] - y[k] - bt * dy[k]).ToArray();
        double len = Math.Sqrt(Dot(v, v));
        if (!(len > 1e-12))
        {
            v = r;
            len = Math.Sqrt(Dot(v, v));
        }

        if (!(len > 1e-12))
        {
            v = new double[d];
            v[0] = 1;
            return v;
        }

        return v.Select(q => q / len).ToArray();
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++)
        {
            s += a[k] * b[k];
        }

        return s;
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

    /// <summary>
    /// The optimum of min |u - nominal|^2 s.t. rows by a dense primal active-set method (Nocedal and Wright, "Numerical
    /// Optimization", algorithm 16.3) from a feasible start: each iteration solves the equality-constrained step on the
    /// working set by Gaussian elimination on A_W A_W^T, steps to the first blocking row (added to the working set) or, at a
    /// stationary point, drops the row with the most negative multiplier. Exact up to rounding, finite for non-degenerate
    /// problems; polynomial per iteration, so it serves groups far beyond what <see cref="BruteForce"/> can enumerate.
    /// Returns the optimum and its multipliers (one per row, zero off the working set); throws when it does not finish.
    /// </summary>
    public static (double[] U, double[] Multipliers) ActiveSet(List<HalfPlane> rows, double[] nominal, double[] feasibleStart, int n, int d)
    {
        int vars = n * d;
        var full = rows.Select(r => FullRow(r, n, d)).ToArray();
        var u = (double[])feasibleStart.Clone();
        for (int r = 0; r < rows.Count; r++)
        {
            if (Value(full[r], u) < rows[r].B - 1e-12)
            {
                throw new ArgumentException($"the start violates row {r} by {rows[r].B - Value(full[r], u)}", nameof(feasibleStart));
            }
        }

        var work = new List<int>();
        var inWork = new bool[rows.Count];
        for (int iter = 0; iter < 100 * (rows.Count + vars); iter++)
        {
            var g = new double[vars];
            for (int k = 0; k < vars; k++)
            {
                g[k] = u[k] - nominal[k];
            }

            // Step p = -g + A_W^T lambda with A_W p = 0, i.e. (A_W A_W^T) lambda = A_W g.
            int w = work.Count;
            var lambda = new double[w];
            if (w > 0)
            {
                var gram = new double[w, w];
                var rhs = new double[w];
                for (int a = 0; a < w; a++)
                {
                    for (int b = 0; b < w; b++)
                    {
                        gram[a, b] = Value(full[work[a]], full[work[b]]);
                    }

                    rhs[a] = Value(full[work[a]], g);
                }

                lambda = GaussSolve(gram, rhs) ?? throw new InvalidOperationException("dependent working set");
            }

            var p = new double[vars];
            double stepNorm = 0;
            for (int k = 0; k < vars; k++)
            {
                p[k] = -g[k];
                for (int a = 0; a < w; a++)
                {
                    p[k] += lambda[a] * full[work[a]][k];
                }

                stepNorm = Math.Max(stepNorm, Math.Abs(p[k]));
            }

            if (stepNorm <= 1e-13)
            {
                // Stationary on the working set: g = A_W^T lambda; optimal when every multiplier is >= 0.
                int drop = -1;
                for (int a = 0; a < w; a++)
                {
                    if (lambda[a] < -1e-13 && (drop < 0 || lambda[a] < lambda[drop]))
                    {
                        drop = a;
                    }
                }

                if (drop < 0)
                {
                    var multipliers = new double[rows.Count];
                    for (int a = 0; a < w; a++)
                    {
                        multipliers[work[a]] = lambda[a];
                    }

                    return (u, multipliers);
                }

                inWork[work[drop]] = false;
                work.RemoveAt(drop);
                continue;
            }

            double alpha = 1;
            int blocking = -1;
            for (int r = 0; r < rows.Count; r++)
            {
                if (inWork[r])
                {
                    continue;
                }

                double ap = Value(full[r], p);
                if (ap < -1e-15)
                {
                    double ar = Math.Max(0, (rows[r].B - Value(full[r], u)) / ap);
                    if (ar < alpha)
                    {
                        alpha = ar;
                        blocking = r;
                    }
                }
            }

            for (int k = 0; k < vars; k++)
            {
                u[k] += alpha * p[k];
            }

            if (blocking >= 0)
            {
                inWork[blocking] = true;
                work.Add(blocking);
            }
        }

        throw new InvalidOperationException("the active-set method did not finish (cycling?)");

        static double Value(double[] a, double[] x)
        {
            double s = 0;
            for (int k = 0; k < a.Length; k++)
            {
                s += a[k] * x[k];
            }

            return s;
        }
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
