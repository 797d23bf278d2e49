using System.Runtime.CompilerServices;

namespace SwarmCoverage.Control;

/// <summary>Per-call counters of the safety filter.</summary>
public readonly record struct SafetyFilterDiagnostics
{
    /// <summary>Robots the filter worked on.</summary>
    public int Robots { get; init; }

    /// <summary>Robot-robot constraints (pairs closer than the neighbour radius).</summary>
    public int PairConstraints { get; init; }

    /// <summary>Robot-obstacle constraints (stale robots held as fixed obstacles).</summary>
    public int ObstacleConstraints { get; init; }

    /// <summary>Neighbour radius used this tick (m): a pair farther apart has a constraint that every actuator-feasible command satisfies (so it is omitted without changing the QP) and cannot collide within one period.</summary>
    public double NeighbourRadiusM { get; init; }

    /// <summary>Connected groups of robots (coupled by pair constraints) solved separately.</summary>
    public int Components { get; init; }

    /// <summary>Robots whose velocity the filter changed by more than 1e-6 m/s (not counting those zeroed).</summary>
    public int Interventions { get; init; }

    /// <summary>Groups for which no command satisfying every constraint was found; their robots were commanded zero.</summary>
    public int InfeasibleComponents { get; init; }

    /// <summary>Robots commanded zero because their group was infeasible.</summary>
    public int ZeroedRobots { get; init; }

    /// <summary>Robots whose acceleration limits were dropped because no safe command respected them (safety first).</summary>
    public int AccelerationLimitOverrides { get; init; }

    /// <summary>
    /// Groups whose solve did not converge within <see cref="SafetyFilterOptions.MaxSweeps"/>: their iterate was scaled towards
    /// zero by the largest factor in [0, 1] that satisfies every constraint (safe; close to, but not exactly, the minimal change).
    /// </summary>
    public int NonConvergedComponents { get; init; }

    /// <summary>Total sweeps over all groups.</summary>
    public int Sweeps { get; init; }

    /// <summary>Largest number of sweeps one group needed.</summary>
    public int MaxComponentSweeps { get; init; }

    /// <summary>Smallest distance (m) between two robots' controlled points among pairs within the neighbour radius; +infinity when there is none.</summary>
    public double MinPairDistanceM { get; init; }

    /// <summary>Smallest distance (m) from a robot's controlled point to an obstacle within the neighbour radius; +infinity when there is none.</summary>
    public double MinObstacleDistanceM { get; init; }

    /// <summary>Smallest clearance (m) from a controlled point to the arena walls (negative when outside).</summary>
    public double MinWallClearanceM { get; init; }
}

/// <summary>
/// Barrier-certificate safety filter on single-integrator velocities of controlled points:
/// <c>min sum_i |u_i - u_nom_i|^2</c> subject to, for every pair closer than the neighbour radius, every obstacle near a robot,
/// every wall, and every actuator slab of every robot (see the README section "Safety filter"):
/// <list type="bullet">
/// <item>pairs: e_ij . (u_i - u_j) &gt;= -min(gamma h^3 / (2 s), kappa g / T) with s = |x_i - x_j|, e_ij = (x_i - x_j)/s,
/// h = s^2 - r_m^2, g = s - r_m, r_m = r + hold-error margins; when g &lt; 0, &gt;= min(-g / T, recovery speed);</item>
/// <item>walls: the same form on the clearance to each face, with the wall gain;</item>
/// <item>actuators: the slabs of <see cref="ActuatorRows"/> (speed, wheel speed and, when feasible, acceleration).</item>
/// </list>
/// The QP is solved per connected group by Hildreth's dual coordinate ascent on tightened constraints, then every original
/// constraint is checked; a group without a verified solution is commanded zero. Not thread-safe; reuse one instance per
/// control loop (buffers grow to the largest swarm seen and are then reused without allocation).
/// </summary>
public sealed class SafetyFilter
{
    private const byte KindActuator = 0;
    private const byte KindWall = 1;
    private const byte KindPair = 2;
    private const byte KindObstacle = 3;

    private readonly ArenaBox _arena;
    private readonly SafetyFilterOptions _o;
    private readonly int _dim;

    // Per-robot buffers.
    private double[] _uMax = [];
    private double[] _hold = [];
    private int[] _parent = [];
    private int[] _comp = [];
    private int[] _robotOrder = [];
    private int[] _compRobotStart = [];
    private int[] _robotRowStart = [];
    private int[] _robotRowCount = [];
    private double[] _y = [];

    // Constraint rows (structure of arrays).
    private int _rowCount;
    private int[] _rowI = [];
    private int[] _rowJ = [];
    private byte[] _rowKind = [];
    private double[] _rowN = [];
    private double[] _lo = [];
    private double[] _hi = [];
    private double[] _loOrig = [];
    private double[] _hiOrig = [];
    private double[] _speedBound = [];
    private double[] _nrm2 = [];
    private double[] _mu = [];
    private int[] _rowOrder = [];
    private int[] _compRowStart = [];
    private int[] _couplingOrder = [];
    private int[] _compCouplingStart = [];

    // Cell list.
    private int[] _cellStart = [];
    private int[] _cellItems = [];
    private int[] _itemCell = [];

    // Scratch for one robot's actuator rows.
    private readonly double[] _aN = new double[ActuatorRows.MaxRows * 3];
    private readonly double[] _aSpeed = new double[ActuatorRows.MaxRows];
    private readonly double[] _aCenter = new double[ActuatorRows.MaxRows];
    private readonly double[] _aHalf = new double[ActuatorRows.MaxRows];

    /// <summary>Creates a filter for one arena; validates the options.</summary>
    public SafetyFilter(ArenaBox arena, SafetyFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(arena);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.ValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        _arena = arena;
        _o = options;
        _dim = arena.Dimension;
    }

    /// <summary>The arena.</summary>
    public ArenaBox Arena => _arena;

    /// <summary>The options.</summary>
    public SafetyFilterOptions Options => _o;

    /// <summary>
    /// Filters nominal point velocities. All spans are interleaved per robot (<c>n * dim</c> values, dim = arena dimension).
    /// </summary>
    /// <param name="points">Controlled points (m), finite.</param>
    /// <param name="models">Robot models (n), each of the arena's dimension and valid.</param>
    /// <param name="headingsRad">Headings (n; used by differential-drive robots).</param>
    /// <param name="previousVelocities">The previous command of each robot as a point velocity at its current heading (m/s).</param>
    /// <param name="nominal">Nominal point velocities (m/s), already inside the actuator limits where possible.</param>
    /// <param name="obstaclePoints">Fixed obstacles (m*dim values): e.g. robots whose pose is stale and which are commanded zero.</param>
    /// <param name="periodS">Control period T (s) over which each command is held.</param>
    /// <param name="velocities">Output: filtered point velocities (m/s); zero for robots of infeasible groups.</param>
    public SafetyFilterDiagnostics Filter(ReadOnlySpan<double> points, ReadOnlySpan<RobotModel> models, ReadOnlySpan<double> headingsRad,
        ReadOnlySpan<double> previousVelocities, ReadOnlySpan<double> nominal, ReadOnlySpan<double> obstaclePoints, double periodS,
        Span<double> velocities)
    {
        int d = _dim;
        int n = models.Length;
        if (points.Length != n * d || headingsRad.Length != n || previousVelocities.Length != n * d || nominal.Length != n * d
            || velocities.Length != n * d || obstaclePoints.Length % d != 0)
        {
            throw new ArgumentException($"SafetyFilter.Filter: span lengths do not match {n} robots in {d} dimensions " +
                $"(points {points.Length}, headings {headingsRad.Length}, previous {previousVelocities.Length}, nominal {nominal.Length}, " +
                $"output {velocities.Length}, obstacles {obstaclePoints.Length}).");
        }

        if (!(periodS > 0) || !double.IsFinite(periodS))
        {
            throw new ArgumentOutOfRangeException(nameof(periodS), periodS, "The control period must be finite and > 0 s.");
        }

        int m = obstaclePoints.Length / d;
        EnsureRobotCapacity(n, m);
        nominal.CopyTo(velocities);
        if (n == 0)
        {
            return new SafetyFilterDiagnostics { MinPairDistanceM = double.PositiveInfinity, MinObstacleDistanceM = double.PositiveInfinity, MinWallClearanceM = double.PositiveInfinity };
        }

        double maxU = 0, maxHold = 0;
        for (int i = 0; i < n; i++)
        {
            var model = models[i];
            _uMax[i] = model.MaxPointSpeedMps;
            _hold[i] = model.HoldErrorBoundM(periodS);
            maxU = Math.Max(maxU, _uMax[i]);
            maxHold = Math.Max(maxHold, _hold[i]);
        }

        double r = _o.SafetyRadiusM;
        double neighbourRadius = NeighbourRadius(r + 2 * maxHold, 2 * maxU, periodS, _o.PairBarrierGain, _o.DiscreteDecayFraction);
        double tighten = _o.ConstraintTighteningMps;

        // 1. Actuator and wall rows per robot.
        _rowCount = 0;
        double minWall = double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            var model = models[i];
            _robotRowStart[i] = _rowCount;
            int rows = ActuatorRows.Fill(model, d, headingsRad[i], previousVelocities.Slice(i * d, d), periodS, _aN, _aSpeed, _aCenter, _aHalf);
            for (int k = 0; k < rows; k++)
            {
                double lo = Math.Max(-_aSpeed[k], _aCenter[k] - _aHalf[k]);
                double hi = Math.Min(_aSpeed[k], _aCenter[k] + _aHalf[k]);
                int row = AddRow(i, -1, KindActuator, _aN.AsSpan(k * d, d), lo, hi, 1.0, tighten);
                _speedBound[row] = _aSpeed[k];
            }

            double vRec = RecoverySpeed(_hold[i], periodS);
            for (int axis = 0; axis < d; axis++)
            {
                double x = points[i * d + axis];
                double lowClear = x - (_arena.MinM(axis) + _o.WallMarginM);
                double highClear = (_arena.MaxM(axis) - _o.WallMarginM) - x;
                minWall = Math.Min(minWall, Math.Min(lowClear, highClear));
                AddWallRow(i, axis, +1.0, lowClear - _hold[i], periodS, vRec, _uMax[i], tighten);
                AddWallRow(i, axis, -1.0, highClear - _hold[i], periodS, vRec, _uMax[i], tighten);
            }

            _robotRowCount[i] = _rowCount - _robotRowStart[i];
        }

        // 2. Pair and obstacle rows from a cell list; union-find joins robots coupled by pair rows.
        for (int i = 0; i < n; i++)
        {
            _parent[i] = i;
        }

        BuildCells(points, obstaclePoints, n, m, neighbourRadius, out var grid);
        double minPair = double.PositiveInfinity, minObstacle = double.PositiveInfinity;
        int pairRows = 0, obstacleRows = 0;
        Span<double> e = stackalloc double[3];
        Span<int> cellIdx = stackalloc int[3];
        double nr2 = neighbourRadius * neighbourRadius;
        for (int i = 0; i < n; i++)
        {
            grid.CellOf(points.Slice(i * d, d), cellIdx);
            int zLo = d == 3 ? Math.Max(cellIdx[2] - 1, 0) : 0;
            int zHi = d == 3 ? Math.Min(cellIdx[2] + 1, grid.Nz - 1) : 0;
            for (int cz = zLo; cz <= zHi; cz++)
            {
                for (int cy = Math.Max(cellIdx[1] - 1, 0); cy <= Math.Min(cellIdx[1] + 1, grid.Ny - 1); cy++)
                {
                    for (int cx = Math.Max(cellIdx[0] - 1, 0); cx <= Math.Min(cellIdx[0] + 1, grid.Nx - 1); cx++)
                    {
                        int cell = (cz * grid.Ny + cy) * grid.Nx + cx;
                        for (int p = _cellStart[cell]; p < _cellStart[cell + 1]; p++)
                        {
                            int j = _cellItems[p];
                            if (j < n && j <= i)
                            {
                                continue;
                            }

                            var pj = j < n ? points.Slice(j * d, d) : obstaclePoints.Slice((j - n) * d, d);
                            double s2 = 0;
                            for (int k = 0; k < d; k++)
                            {
                                e[k] = points[i * d + k] - pj[k];
                                s2 += e[k] * e[k];
                            }

                            if (s2 >= nr2)
                            {
                                continue;
                            }

                            double s = Math.Sqrt(s2);
                            if (s > 0)
                            {
                                for (int k = 0; k < d; k++)
                                {
                                    e[k] /= s;
                                }
                            }
                            else
                            {
                                // Coincident points: any separating direction will do; pick one deterministically.
                                e.Clear();
                                e[0] = 1;
                            }

                            if (j < n)
                            {
                                double margin = r + _hold[i] + _hold[j];
                                double bound = BarrierBound(s, margin, _o.PairBarrierGain, periodS, RecoverySpeed(_hold[i] + _hold[j], periodS));
                                AddRow(i, j, KindPair, e[..d], bound, double.PositiveInfinity, 2.0, tighten);
                                minPair = Math.Min(minPair, s);
                                pairRows++;
                                Union(i, j);
                            }
                            else
                            {
                                double margin = r + _hold[i];
                                double bound = BarrierBound(s, margin, _o.PairBarrierGain, periodS, RecoverySpeed(_hold[i], periodS));
                                AddRow(i, -1, KindObstacle, e[..d], bound, double.PositiveInfinity, 1.0, tighten);
                                minObstacle = Math.Min(minObstacle, s);
                                obstacleRows++;
                            }
                        }
                    }
                }
            }
        }

        // 3. Components, numbered in order of their smallest robot index; robots and rows grouped by component.
        int components = GroupByComponent(n);

        // 4. Solve each component; verify; fall back to no acceleration limits, then to zero.
        int sweepsTotal = 0, maxSweeps = 0, infeasible = 0, zeroed = 0, overrides = 0, nonConverged = 0;
        for (int c = 0; c < components; c++)
        {
            int rowStart = _compRowStart[c], rowEnd = _compRowStart[c + 1];
            var status = SolveComponent(rowStart, rowEnd, c, nominal, velocities, out int sweeps);
            sweepsTotal += sweeps;
            maxSweeps = Math.Max(maxSweeps, sweeps);
            if (status == SolveStatus.Failed && DropAccelerationRows(rowStart, rowEnd, tighten))
            {
                status = SolveComponent(rowStart, rowEnd, c, nominal, velocities, out sweeps);
                sweepsTotal += sweeps;
                maxSweeps = Math.Max(maxSweeps, sweeps);
                if (status != SolveStatus.Failed)
                {
                    overrides += _compRobotStart[c + 1] - _compRobotStart[c];
                }
            }

            if (status == SolveStatus.Failed)
            {
                infeasible++;
                for (int p = _compRobotStart[c]; p < _compRobotStart[c + 1]; p++)
                {
                    velocities.Slice(_robotOrder[p] * d, d).Clear();
                    zeroed++;
                }
            }
            else if (status == SolveStatus.FeasibleNotConverged)
            {
                nonConverged++;
            }
        }

        int interventions = 0;
        for (int i = 0; i < n; i++)
        {
            double dev = 0;
            bool isZero = true;
            for (int k = 0; k < d; k++)
            {
                double v = velocities[i * d + k];
                dev = Math.Max(dev, Math.Abs(v - nominal[i * d + k]));
                isZero &= v == 0;
            }

            if (dev > 1e-6 && !(isZero && IsZeroedComponent(i)))
            {
                interventions++;
            }
        }

        return new SafetyFilterDiagnostics
        {
            Robots = n,
            PairConstraints = pairRows,
            ObstacleConstraints = obstacleRows,
            NeighbourRadiusM = neighbourRadius,
            Components = components,
            Interventions = interventions,
            InfeasibleComponents = infeasible,
            ZeroedRobots = zeroed,
            AccelerationLimitOverrides = overrides,
            NonConvergedComponents = nonConverged,
            Sweeps = sweepsTotal,
            MaxComponentSweeps = maxSweeps,
            MinPairDistanceM = minPair,
            MinObstacleDistanceM = minObstacle,
            MinWallClearanceM = minWall,
        };
    }

    /// <summary>
    /// The distance beyond which a pair constraint is implied by the actuator rows, so omitting it does not change the QP:
    /// the smallest s with min(gamma h^3 / (2 s), kappa (s - rm) / T) &gt;= relMax (h = s^2 - rm^2), where relMax bounds
    /// |e . (u_i - u_j)| for any actuator-feasible velocities. It also exceeds rm + T relMax, so such pairs cannot collide in one period.
    /// </summary>
    internal static double NeighbourRadius(double marginM, double relativeSpeedMps, double periodS, double gain, double kappa)
    {
        double sLinear = marginM + relativeSpeedMps * periodS / kappa;
        double lo = marginM, hi = Math.Max(2 * marginM, sLinear);
        while (CubicBound(hi) < relativeSpeedMps)
        {
            hi *= 2;
        }

        for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (CubicBound(mid) >= relativeSpeedMps)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return Math.Max(hi, sLinear) * (1 + 1e-9) + 1e-12;

        double CubicBound(double s)
        {
            double h = s * s - marginM * marginM;
            return gain * h * h * h / (2 * s);
        }
    }

    private bool IsZeroedComponent(int robot) => _comp[robot] < 0;

    private enum SolveStatus
    {
        Converged,
        FeasibleNotConverged,
        Failed,
    }

    /// <summary>
    /// Hildreth's method (dual coordinate ascent) on one component: u = u_nom - sum_k mu_k a_k, each step maximises the dual
    /// exactly in one multiplier (projection of the current u onto the row's slab, weighted by |a_k|^2). Then every row is
    /// checked against its untightened bounds; NaN fails the check.
    /// </summary>
    private SolveStatus SolveComponent(int rowStart, int rowEnd, int comp, ReadOnlySpan<double> nominal, Span<double> u, out int sweeps)
    {
        int d = _dim;
        for (int p = _compRobotStart[comp]; p < _compRobotStart[comp + 1]; p++)
        {
            int i = _robotOrder[p];
            nominal.Slice(i * d, d).CopyTo(u.Slice(i * d, d));
        }

        for (int p = rowStart; p < rowEnd; p++)
        {
            _mu[_rowOrder[p]] = 0;
        }

        for (int p = _compRobotStart[comp]; p < _compRobotStart[comp + 1]; p++)
        {
            _y.AsSpan(_robotOrder[p] * d, d).Clear();
        }

        int cStart = _compCouplingStart[comp], cEnd = _compCouplingStart[comp + 1];
        double tol = _o.ConvergenceToleranceMps;
        bool converged = false;
        sweeps = 0;
        while (sweeps < _o.MaxSweeps)
        {
            sweeps++;
            double maxStep = ProjectRobots(comp, u);
            if (double.IsNaN(maxStep))
            {
                break;
            }

            if (cEnd > cStart)
            {
                maxStep = Math.Max(maxStep, d == 2 ? Sweep2(cStart, cEnd, u) : SweepN(cStart, cEnd, u));
            }
            else
            {
                // No coupling rows: the exact projection of each robot is the solution.
                converged = true;
                break;
            }

            if (!(maxStep > tol))
            {
                converged = !double.IsNaN(maxStep);
                break;
            }
        }

        if (converged && Verify(rowStart, rowEnd, u))
        {
            MarkComponent(comp, comp);
            return SolveStatus.Converged;
        }

        // Not converged (or not verified): the largest alpha in [0, 1] with alpha * u inside every original constraint. The
        // feasible set is convex, so when it contains u = 0 the segment [0, alpha u] lies in it.
        double alpha = 1.0;
        for (int p = rowStart; p < rowEnd; p++)
        {
            int row = _rowOrder[p];
            double lo = _loOrig[row], hi = _hiOrig[row];
            double t = RowValue(row, u);
            if (!(lo <= 0 && hi >= 0) || !double.IsFinite(t))
            {
                if (!(t >= lo && t <= hi))
                {
                    MarkComponent(comp, -1);
                    return SolveStatus.Failed;
                }

                continue;
            }

            if (t < lo)
            {
                alpha = Math.Min(alpha, lo / t);
            }
            else if (t > hi)
            {
                alpha = Math.Min(alpha, hi / t);
            }
        }

        for (int attempt = 0; attempt < 4; attempt++)
        {
            ScaleComponent(comp, alpha, u);
            if (Verify(rowStart, rowEnd, u))
            {
                MarkComponent(comp, comp);
                return SolveStatus.FeasibleNotConverged;
            }

            // Rounding put a row a hair outside: back off a little more (u is already scaled by alpha).
            alpha = 1 - 1e-9 * Math.Pow(100, attempt);
        }

        MarkComponent(comp, -1);
        return SolveStatus.Failed;
    }

    /// <summary>
    /// Exact block step for each robot of the component: with w_i = u_i + y_i (u_i without its own constraints' correction),
    /// u_i becomes the projection of w_i onto the robot's polytope (actuator slabs and walls) and y_i = w_i - u_i. Returns the
    /// largest change of any u_i (NaN when a projection failed).
    /// </summary>
    private double ProjectRobots(int comp, Span<double> u)
    {
        int d = _dim;
        Span<double> w = stackalloc double[3];
        Span<double> proj = stackalloc double[3];
        double maxStep = 0;
        for (int p = _compRobotStart[comp]; p < _compRobotStart[comp + 1]; p++)
        {
            int i = _robotOrder[p];
            var ui = u.Slice(i * d, d);
            var yi = _y.AsSpan(i * d, d);
            for (int a = 0; a < d; a++)
            {
                w[a] = ui[a] + yi[a];
            }

            int r0 = _robotRowStart[i], rc = _robotRowCount[i];
            if (!PolytopeProjection.Project(d, rc, _rowN.AsSpan(r0 * d, rc * d), _lo.AsSpan(r0, rc), _hi.AsSpan(r0, rc), w[..d], proj))
            {
                return double.NaN;
            }

            double step = 0;
            for (int a = 0; a < d; a++)
            {
                double diff = proj[a] - ui[a];
                step += diff * diff;
                ui[a] = proj[a];
                yi[a] = w[a] - proj[a];
            }

            maxStep = Math.Max(maxStep, Math.Sqrt(step));
        }

        return maxStep;
    }

    private bool Verify(int rowStart, int rowEnd, ReadOnlySpan<double> u)
    {
        for (int p = rowStart; p < rowEnd; p++)
        {
            int row = _rowOrder[p];
            double t = RowValue(row, u);
            if (!(t >= _loOrig[row] && t <= _hiOrig[row]))
            {
                return false;
            }
        }

        return true;
    }

    private void ScaleComponent(int comp, double alpha, Span<double> u)
    {
        int d = _dim;
        for (int q = _compRobotStart[comp]; q < _compRobotStart[comp + 1]; q++)
        {
            var ui = u.Slice(_robotOrder[q] * d, d);
            for (int k = 0; k < d; k++)
            {
                ui[k] *= alpha;
            }
        }
    }

    private void MarkComponent(int comp, int value)
    {
        for (int q = _compRobotStart[comp]; q < _compRobotStart[comp + 1]; q++)
        {
            _comp[_robotOrder[q]] = value;
        }
    }

    private double Sweep2(int rowStart, int rowEnd, Span<double> u)
    {
        double maxStep = 0;
        var rowOrder = _couplingOrder;
        var rowI = _rowI;
        var rowJ = _rowJ;
        var rowN = _rowN;
        var lo = _lo;
        var hi = _hi;
        var nrm2 = _nrm2;
        var mu = _mu;
        double omega = _o.OverRelaxation;
        for (int p = rowStart; p < rowEnd; p++)
        {
            int row = rowOrder[p];
            int i = rowI[row] * 2, j = rowJ[row];
            double n0 = rowN[2 * row], n1 = rowN[2 * row + 1];
            double t = n0 * u[i] + n1 * u[i + 1];
            if (j >= 0)
            {
                j *= 2;
                t -= n0 * u[j] + n1 * u[j + 1];
            }

            double w = nrm2[row];
            double muOld = mu[row];
            double t0 = t + muOld * w;
            double muNew = t0 > hi[row] ? (t0 - hi[row]) / w : t0 < lo[row] ? (t0 - lo[row]) / w : 0.0;
            // Projected over-relaxation: go past the exact coordinate maximiser, but never across zero (the sign of a
            // multiplier says which side of the slab is active).
            double relaxed = muOld + omega * (muNew - muOld);
            muNew = muNew > 0 ? Math.Max(relaxed, 0.0) : muNew < 0 ? Math.Min(relaxed, 0.0) : (muOld > 0 ? Math.Max(relaxed, 0.0) : Math.Min(relaxed, 0.0));
            double delta = muNew - muOld;
            if (delta == 0)
            {
                continue;
            }

            mu[row] = muNew;
            u[i] -= delta * n0;
            u[i + 1] -= delta * n1;
            if (j >= 0)
            {
                u[j] += delta * n0;
                u[j + 1] += delta * n1;
            }

            double step = Math.Abs(delta) * Math.Sqrt(w);
            if (!(step <= maxStep))
            {
                if (double.IsNaN(step))
                {
                    return double.NaN;
                }

                maxStep = step;
            }
        }

        return maxStep;
    }

    private double SweepN(int rowStart, int rowEnd, Span<double> u)
    {
        int d = _dim;
        double maxStep = 0;
        double omega = _o.OverRelaxation;
        for (int p = rowStart; p < rowEnd; p++)
        {
            int row = _couplingOrder[p];
            double t = RowValue(row, u);
            double w = _nrm2[row];
            double muOld = _mu[row];
            double t0 = t + muOld * w;
            double muNew = t0 > _hi[row] ? (t0 - _hi[row]) / w : t0 < _lo[row] ? (t0 - _lo[row]) / w : 0.0;
            double relaxed = muOld + omega * (muNew - muOld);
            muNew = muNew > 0 ? Math.Max(relaxed, 0.0) : muNew < 0 ? Math.Min(relaxed, 0.0) : (muOld > 0 ? Math.Max(relaxed, 0.0) : Math.Min(relaxed, 0.0));
            double delta = muNew - muOld;
            if (delta == 0)
            {
                continue;
            }

            _mu[row] = muNew;
            int i = _rowI[row] * d, j = _rowJ[row];
            for (int k = 0; k < d; k++)
            {
                double a = delta * _rowN[row * d + k];
                u[i + k] -= a;
                if (j >= 0)
                {
                    u[j * d + k] += a;
                }
            }

            double step = Math.Abs(delta) * Math.Sqrt(w);
            if (double.IsNaN(step))
            {
                return double.NaN;
            }

            maxStep = Math.Max(maxStep, step);
        }

        return maxStep;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double RowValue(int row, ReadOnlySpan<double> u)
    {
        int d = _dim;
        int i = _rowI[row] * d, j = _rowJ[row];
        double t = 0;
        for (int k = 0; k < d; k++)
        {
            double v = u[i + k];
            if (j >= 0)
            {
                v -= u[j * d + k];
            }

            t += _rowN[row * d + k] * v;
        }

        return t;
    }

    /// <summary>Replaces each actuator row's bounds by its speed bounds alone; false when there was nothing to drop.</summary>
    private bool DropAccelerationRows(int rowStart, int rowEnd, double tighten)
    {
        bool changed = false;
        for (int p = rowStart; p < rowEnd; p++)
        {
            int row = _rowOrder[p];
            if (_rowKind[row] != KindActuator)
            {
                continue;
            }

            double b = _speedBound[row];
            if (_loOrig[row] != -b || _hiOrig[row] != b)
            {
                changed = true;
                SetBounds(row, -b, b, tighten);
            }
        }

        return changed;
    }

    /// <summary>
    /// Lower bound on e . (u_i - u_j) (or the wall-normal velocity): -min(gamma h^3 / (2 s), kappa g / T) when the clearance
    /// g = s - margin is &gt;= 0 (h = s^2 - margin^2); min(-g / T, recovery) when g &lt; 0.
    /// </summary>
    private double BarrierBound(double s, double margin, double gain, double periodS, double recoverySpeed)
    {
        double g = s - margin;
        if (g < 0)
        {
            return Math.Min(-g / periodS, recoverySpeed);
        }

        double h = g * (s + margin);
        double cubic = s > 0 ? gain * h * h * h / (2 * s) : 0.0;
        return -Math.Min(cubic, _o.DiscreteDecayFraction * g / periodS);
    }

    private void AddWallRow(int i, int axis, double sign, double clearance, double periodS, double recoverySpeed, double uMax, double tighten)
    {
        if (clearance >= 0 && Math.Min(_o.WallBarrierGain * clearance * clearance * clearance, _o.DiscreteDecayFraction * clearance / periodS) >= uMax)
        {
            // Implied by the actuator rows (|u| <= uMax): omitting it does not change the QP.
            return;
        }

        double bound;
        if (clearance < 0)
        {
            bound = Math.Min(-clearance / periodS, recoverySpeed);
        }
        else
        {
            double cubic = _o.WallBarrierGain * clearance * clearance * clearance;
            bound = -Math.Min(cubic, _o.DiscreteDecayFraction * clearance / periodS);
        }

        Span<double> normal = stackalloc double[3];
        normal.Clear();
        normal[axis] = sign;
        AddRow(i, -1, KindWall, normal[.._dim], bound, double.PositiveInfinity, 1.0, tighten);
    }

    /// <summary>Recovery speed, raised so that it outruns the hold-error margin of one period (see README).</summary>
    private double RecoverySpeed(double holdMarginM, double periodS) =>
        Math.Max(_o.RecoverySpeedMps, 1.000001 * holdMarginM / periodS);

    private int AddRow(int i, int j, byte kind, ReadOnlySpan<double> normal, double lo, double hi, double nrm2, double tighten)
    {
        int row = _rowCount;
        if (row == _rowI.Length)
        {
            GrowRows(Math.Max(64, 2 * row));
        }

        _rowCount++;
        _rowI[row] = i;
        _rowJ[row] = j;
        _rowKind[row] = kind;
        double norm2 = 0;
        for (int k = 0; k < _dim; k++)
        {
            _rowN[row * _dim + k] = normal[k];
            norm2 += normal[k] * normal[k];
        }

        _speedBound[row] = double.PositiveInfinity;
        _nrm2[row] = nrm2 * norm2;
        SetBounds(row, lo, hi, tighten);
        return row;
    }

    private void SetBounds(int row, double lo, double hi, double tighten)
    {
        _loOrig[row] = lo;
        _hiOrig[row] = hi;
        // Tighten in units of displacement of u (a row with |a| = sqrt(nrm2) moves its value sqrt(nrm2) times faster).
        // Where u = 0 satisfies the row, tighten by at most half the room zero has, so zero stays strictly feasible.
        double t = tighten * Math.Sqrt(_nrm2[row]);
        double tl = lo + (lo <= 0 ? Math.Min(t, -0.5 * lo) : t);
        double th = hi - (hi >= 0 ? Math.Min(t, 0.5 * hi) : t);
        if (tl > th)
        {
            tl = th = 0.5 * (lo + hi);
        }

        _lo[row] = tl;
        _hi[row] = th;
    }

    private void BuildCells(ReadOnlySpan<double> points, ReadOnlySpan<double> obstacles, int n, int m, double cellSize, out Grid grid)
    {
        int d = _dim;
        // Grid over the arena grown by one cell; points outside are clamped into the border cells, which keeps every pair
        // closer than the cell size in adjacent cells.
        Span<double> origin = stackalloc double[3];
        Span<int> counts = stackalloc int[3];
        counts.Fill(1);
        long maxCells = Math.Max(4096L, 4L * (n + m));
        double size = cellSize;
        for (int attempt = 0; attempt < 64; attempt++)
        {
            long total = 1;
            for (int k = 0; k < d; k++)
            {
                origin[k] = _arena.MinM(k) - size;
                double extent = _arena.MaxM(k) - _arena.MinM(k) + 2 * size;
                counts[k] = (int)Math.Clamp(Math.Ceiling(extent / size), 1, 1 << 20);
                total *= counts[k];
            }

            if (total <= maxCells)
            {
                break;
            }

            size *= 1.5;
        }

        grid = new Grid(origin[0], origin[1], d == 3 ? origin[2] : 0, 1.0 / size, counts[0], counts[1], d == 3 ? counts[2] : 1);
        int cells = grid.Nx * grid.Ny * grid.Nz;
        if (_cellStart.Length < cells + 1)
        {
            _cellStart = new int[cells + 1];
        }

        Array.Clear(_cellStart, 0, cells + 1);
        Span<int> idx = stackalloc int[3];
        int items = n + m;
        for (int q = 0; q < items; q++)
        {
            var p = q < n ? points.Slice(q * d, d) : obstacles.Slice((q - n) * d, d);
            grid.CellOf(p, idx);
            int cell = (idx[2] * grid.Ny + idx[1]) * grid.Nx + idx[0];
            _itemCell[q] = cell;
            _cellStart[cell + 1]++;
        }

        for (int c = 0; c < cells; c++)
        {
            _cellStart[c + 1] += _cellStart[c];
        }

        // Stable counting sort: items keep their index order inside a cell (determinism).
        for (int q = 0; q < items; q++)
        {
            int cell = _itemCell[q];
            _cellItems[_cellStart[cell]++] = q;
        }

        for (int c = cells; c > 0; c--)
        {
            _cellStart[c] = _cellStart[c - 1];
        }

        _cellStart[0] = 0;
    }

    private int Find(int i)
    {
        while (_parent[i] != i)
        {
            _parent[i] = _parent[_parent[i]];
            i = _parent[i];
        }

        return i;
    }

    private void Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb)
        {
            return;
        }

        // The smaller index becomes the root, so component numbering does not depend on the order of unions.
        if (ra < rb)
        {
            _parent[rb] = ra;
        }
        else
        {
            _parent[ra] = rb;
        }
    }

    private int GroupByComponent(int n)
    {
        int components = 0;
        for (int i = 0; i < n; i++)
        {
            int root = Find(i);
            _comp[i] = root == i ? components++ : _comp[root];
        }

        if (_compRobotStart.Length < components + 1)
        {
            _compRobotStart = new int[Math.Max(components + 1, 2 * _compRobotStart.Length)];
            _compRowStart = new int[_compRobotStart.Length];
        }

        Array.Clear(_compRobotStart, 0, components + 1);
        Array.Clear(_compRowStart, 0, components + 1);
        for (int i = 0; i < n; i++)
        {
            _compRobotStart[_comp[i] + 1]++;
        }

        for (int r = 0; r < _rowCount; r++)
        {
            _compRowStart[_comp[_rowI[r]] + 1]++;
        }

        for (int c = 0; c < components; c++)
        {
            _compRobotStart[c + 1] += _compRobotStart[c];
            _compRowStart[c + 1] += _compRowStart[c];
        }

        if (_rowOrder.Length < _rowCount)
        {
            _rowOrder = new int[_rowI.Length];
        }

        if (_couplingOrder.Length < _rowCount)
        {
            _couplingOrder = new int[_rowI.Length];
        }

        if (_compCouplingStart.Length < components + 1)
        {
            _compCouplingStart = new int[_compRobotStart.Length];
        }

        Array.Clear(_compCouplingStart, 0, components + 1);
        for (int r = 0; r < _rowCount; r++)
        {
            if (_rowKind[r] >= KindPair)
            {
                _compCouplingStart[_comp[_rowI[r]] + 1]++;
            }
        }

        for (int c = 0; c < components; c++)
        {
            _compCouplingStart[c + 1] += _compCouplingStart[c];
        }

        for (int r = 0; r < _rowCount; r++)
        {
            if (_rowKind[r] >= KindPair)
            {
                _couplingOrder[_compCouplingStart[_comp[_rowI[r]]]++] = r;
            }
        }

        for (int c = components; c > 0; c--)
        {
            _compCouplingStart[c] = _compCouplingStart[c - 1];
        }

        _compCouplingStart[0] = 0;

        // Place robots and rows (stable) using the start arrays as cursors, then restore the starts.
        for (int i = 0; i < n; i++)
        {
            _robotOrder[_compRobotStart[_comp[i]]++] = i;
        }

        for (int r = 0; r < _rowCount; r++)
        {
            _rowOrder[_compRowStart[_comp[_rowI[r]]]++] = r;
        }

        for (int c = components; c > 0; c--)
        {
            _compRobotStart[c] = _compRobotStart[c - 1];
            _compRowStart[c] = _compRowStart[c - 1];
        }

        _compRobotStart[0] = 0;
        _compRowStart[0] = 0;
        return components;
    }

    private void EnsureRobotCapacity(int n, int m)
    {
        if (_uMax.Length < n)
        {
            int cap = Math.Max(n, 2 * _uMax.Length);
            _uMax = new double[cap];
            _hold = new double[cap];
            _parent = new int[cap];
            _comp = new int[cap];
            _robotOrder = new int[cap];
            _robotRowStart = new int[cap];
            _robotRowCount = new int[cap];
            _y = new double[cap * _dim];
        }

        if (_itemCell.Length < n + m)
        {
            int cap = Math.Max(n + m, 2 * _itemCell.Length);
            _itemCell = new int[cap];
            _cellItems = new int[cap];
        }

        if (_rowI.Length < 16 * n)
        {
            GrowRows(Math.Max(16 * n, 2 * _rowI.Length));
        }
    }

    private void GrowRows(int capacity)
    {
        Array.Resize(ref _rowI, capacity);
        Array.Resize(ref _rowJ, capacity);
        Array.Resize(ref _rowKind, capacity);
        Array.Resize(ref _rowN, capacity * _dim);
        Array.Resize(ref _lo, capacity);
        Array.Resize(ref _hi, capacity);
        Array.Resize(ref _loOrig, capacity);
        Array.Resize(ref _hiOrig, capacity);
        Array.Resize(ref _speedBound, capacity);
        Array.Resize(ref _nrm2, capacity);
        Array.Resize(ref _mu, capacity);
        Array.Resize(ref _rowOrder, capacity);
    }

    private readonly record struct Grid(double X0, double Y0, double Z0, double InvSize, int Nx, int Ny, int Nz)
    {
        public void CellOf(ReadOnlySpan<double> p, Span<int> idx)
        {
            idx[0] = Clamp((p[0] - X0) * InvSize, Nx);
            idx[1] = Clamp((p[1] - Y0) * InvSize, Ny);
            idx[2] = p.Length == 3 ? Clamp((p[2] - Z0) * InvSize, Nz) : 0;
        }

        private static int Clamp(double x, int count)
        {
            double f = Math.Floor(x);
            return f < 0 ? 0 : f >= count ? count - 1 : (int)f;
        }
    }
}
