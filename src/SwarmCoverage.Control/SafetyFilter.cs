using SwarmCoverage.Core;
using SwarmCoverage.Core.Parallel;
using static SwarmCoverage.Control.SmallVector;

namespace SwarmCoverage.Control;

/// <summary>Per-call counters of the safety filter.</summary>
public readonly record struct SafetyFilterDiagnostics
{
    /// <summary>Robots the filter worked on.</summary>
    public int Robots { get; init; }

    /// <summary>Robot-robot coupling constraints in the QP (pairs whose constraint the actuator limits do not already imply).</summary>
    public int PairConstraints { get; init; }

    /// <summary>Robot-obstacle constraints in the QP (stale robots held as fixed obstacles).</summary>
    public int ObstacleConstraints { get; init; }

    /// <summary>Search radius used this tick (m): a pair farther apart has only constraints that every command within the actuator limits satisfies.</summary>
    public double NeighbourRadiusM { get; init; }

    /// <summary>Largest braking horizon tau (s) of this tick: a robot at full speed stops within tau times its speed (see README).</summary>
    public double MaxBrakingHorizonS { get; init; }

    /// <summary>Connected groups of robots (coupled by pair constraints) solved separately.</summary>
    public int Components { get; init; }

    /// <summary>Robots whose velocity the filter changed by more than 1e-6 m/s.</summary>
    public int Interventions { get; init; }

    /// <summary>
    /// Groups for which the solver produced no verified command (a numerical failure: the QP always has the braking command as
    /// a feasible point); their robots were commanded their braking command, which respects every actuator limit.
    /// </summary>
    public int InfeasibleComponents { get; init; }

    /// <summary>Robots commanded their braking command because their group had no verified solution.</summary>
    public int BrakingFallbackRobots { get; init; }

    /// <summary>
    /// Groups whose solve did not converge within the iteration budget: each robot's command was moved from the iterate
    /// towards its braking command as far as needed for every constraint to hold (safe, within all limits; close to, but
    /// not exactly, the minimal change).
    /// </summary>
    public int NonConvergedComponents { get; init; }

    /// <summary>Augmented Lagrangian (multiplier) updates over all groups.</summary>
    public int OuterIterations { get; init; }

    /// <summary>Semismooth Newton steps (each a sparse factorisation and an exact line search) over all groups.</summary>
    public int NewtonSteps { get; init; }

    /// <summary>Largest number of Newton steps one group needed.</summary>
    public int MaxComponentNewtonSteps { get; init; }

    /// <summary>
    /// Braking-envelope and recovery constraints whose bound asked for more than maximal braking gives and was relaxed to what
    /// maximal braking gives (the QP stays feasible with every actuator limit). Zero in every state the filter itself produced
    /// for holonomic and aerial robots; see README for differential drive.
    /// </summary>
    public int BrakingRelaxations { get; init; }

    /// <summary>Barrier-rate (gamma h^3) constraints relaxed to what maximal braking gives (the rate law decays faster than a robot can brake).</summary>
    public int RateRelaxations { get; init; }

    /// <summary>Relaxed constraints for which even maximal braking does not keep the clearance over the next period (contact may follow).</summary>
    public int UnsafeRelaxations { get; init; }

    /// <summary>Robots whose previous command was outside their speed limits (the acceleration limits were widened to reach the limits again).</summary>
    public int InconsistentPreviousCommands { get; init; }

    /// <summary>Smallest distance (m) between two robots' controlled points among pairs within the neighbour radius; +infinity when there is none.</summary>
    public double MinPairDistanceM { get; init; }

    /// <summary>Smallest distance (m) from a robot's controlled point to an obstacle within the neighbour radius; +infinity when there is none.</summary>
    public double MinObstacleDistanceM { get; init; }

    /// <summary>Smallest clearance (m) from a controlled point to the arena walls (negative when outside).</summary>
    public double MinWallClearanceM { get; init; }
}

/// <summary>
/// Barrier-certificate safety filter on single-integrator velocities of controlled points:
/// <c>min sum_i |u_i - u_nom_i|^2</c> subject to every actuator limit of every robot (speed, angular speed, wheel speeds,
/// acceleration) and, for every pair, obstacle and wall, a braking-envelope constraint and the barrier-rate law, each relaxed
/// to what maximal braking gives when it asks for more (see the README section "Safety filter"). The braking command of every
/// robot is a feasible point by construction, so the QP is always feasible and no limit is ever dropped. Solved per connected
/// group by the proximal augmented Lagrangian method with semismooth Newton steps (sparse block Cholesky, exact line
/// search) and an exact polish on the active set; every original constraint is checked afterwards. This class computes
/// the braking commands, the recovery pushes and the rows; it composes a <see cref="NeighbourGrid"/> (which pairs to look
/// at), a <see cref="RowSet"/> (the rows), a <see cref="DisjointSet"/> and <see cref="CoupledGroups"/> (which robots are
/// solved together) and a <see cref="GroupQpSolver"/> (one group's QP); see docs/safety-filter.md, "Parts". Not
/// thread-safe; reuse one instance per control loop (buffers grow to the largest swarm seen and are then reused without
/// allocation).
/// </summary>
public sealed class SafetyFilter : IParallelWork
{
    private readonly ArenaBox _arena;
    private readonly SafetyFilterOptions _o;
    private readonly int _dim;

    // Per-robot buffers.
    private double[] _uMax = [];
    private double[] _hold = [];
    private double[] _tau = [];
    private double[] _brake = [];
    private double[] _spare = [];
    private double[] _push = [];
    private int[] _pushCount = [];
    private double[] _prev = [];
    private double[] _reach = []; // per robot: 6 values (see FillReach)
    private RobotKind[] _kinds = [];
    private double[] _sin = [];                // RobotModel.HeadingSinCos of each robot's heading, this tick
    private double[] _cos = [];

    // The parts (docs/safety-filter.md, "Parts"): neighbour search, rows, groups and the solver of one group.
    private readonly NeighbourGrid _grid;
    private readonly RowSet _rows;
    private readonly DisjointSet _sets = new();
    private readonly CoupledGroups _groups = new();
    private GroupQpSolver[] _solvers;  // one per worker of the shared pool once it is used (docs/safety-filter.md, "Groups in parallel")
    private readonly int _workers;

    // One pool of group solvers for every filter of the process: a filter has no owner that disposes it, and a control loop
    // runs one filter at a time. Its threads inherit the scheduling policy of the thread that first filters in parallel.
    private static readonly Lazy<WorkerPool> SharedPool =
        new(() => new WorkerPool(Math.Clamp(Environment.ProcessorCount, 1, MaxWorkers), "filter-worker"), LazyThreadSafetyMode.ExecutionAndPublication);

    private const int MaxWorkers = 4;

    /// <summary>Coupling rows below which the groups are solved on the calling thread: waking a helper would cost more.</summary>
    internal const int ParallelCouplingRows = 4;

    /// <summary>
    /// Robots from which the groups are solved in parallel, with the pool's helpers woken at the start of the call (a helper
    /// woken only when the groups are ready starts too late to take part, and below this the solves last less than that).
    /// </summary>
    internal const int ParallelRobots = 200;

    // The groups' results, per group, and the inputs the workers read (copies: spans cannot cross threads).
    private GroupSolveStatus[] _status = [];
    private int[] _outer = [];
    private int[] _newton = [];
    private double[] _nominal = [];
    private double[] _solved = [];
    private int _parallelLength;

    // Scratch for one robot's actuator rows.
    private readonly double[] _aN = new double[ActuatorRows.MaxRows * 3];
    private readonly double[] _aSpeed = new double[ActuatorRows.MaxRows];
    private readonly double[] _aCenter = new double[ActuatorRows.MaxRows];
    private readonly double[] _aHalf = new double[ActuatorRows.MaxRows];

    // Where rows of robots, pairs, obstacles and walls go, with the relaxation counters: part 0 is this filter's own row
    // set; from ParallelRobots robots the pairs are listed in PairParts parts on the pool, each into its own row set, and
    // the parts' rows are then appended in part order: the order of one thread (docs/safety-filter.md, "Pairs in parallel").
    private readonly RowPart[] _parts;
    private const int PairParts = 4;

    // What the pool's items read (spans cannot cross threads): the stage, the points, the pairs' parameters.
    private ParallelStage _stage;
    private double[] _points = [];
    private double[] _obstacles = [];
    private int _robotsN;
    private double _periodS, _tighten, _nr2;

    /// <summary>
    /// Creates a filter for one arena that solves its groups on the calling thread (<paramref name="workers"/> 1) or on the
    /// process's shared pool (more; null: one thread per processor, at most 4); validates the options.
    /// </summary>
    internal SafetyFilter(ArenaBox arena, SafetyFilterOptions options, int? workers)
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
        _grid = new NeighbourGrid(arena);
        _rows = new RowSet(_dim);
        _workers = Math.Clamp(workers ?? Environment.ProcessorCount, 1, MaxWorkers);
        _solvers = [new GroupQpSolver(_dim, options)];
        _parts = new RowPart[PairParts];
        _parts[0] = new RowPart(_rows);
        for (int k = 1; k < PairParts; k++)
        {
            _parts[k] = new RowPart(new RowSet(_dim));
        }
    }

    /// <summary>Creates a filter for one arena; validates the options.</summary>
    public SafetyFilter(ArenaBox arena, SafetyFilterOptions options)
        : this(arena, options, null)
    {
    }

    /// <summary>For tests: calls whose groups were solved on the pool.</summary>
    internal int ParallelCalls { get; private set; }

    /// <summary>1: the groups are solved on the calling thread; more: by the process's shared pool of up to 4 threads. The results do not depend on it.</summary>
    public int Workers => _workers;

    /// <summary>The arena.</summary>
    public ArenaBox Arena => _arena;

    /// <summary>The options.</summary>
    public SafetyFilterOptions Options => _o;

    /// <summary>
    /// The braking horizon tau (s) of a robot: holding any command u within the limits for one period and then braking
    /// maximally keeps the controlled point on the segment x + [0, tau] u (see README). tau = max(T / DiscreteDecayFraction,
    /// T vmax / (a T - 2 tightening)) for the linear deceleration a along the motion (a cos(pi/16) for the 16-gon of a
    /// holonomic robot), and likewise for the vertical speed of aerial robots and omega of differential drive.
    /// </summary>
    public static double BrakingHorizonS(RobotModel model, double periodS, SafetyFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        double tau = periodS / options.DiscreteDecayFraction;
        double slack = 2 * options.ConstraintTighteningMps;
        switch (model.Kind)
        {
            case RobotKind.DifferentialDrive:
                tau = Math.Max(tau, Horizon(model.MaxLinearSpeedMps, model.MaxLinearAccelerationMps2, periodS, slack * Math.Sqrt(2)));
                tau = Math.Max(tau, Horizon(model.MaxAngularSpeedRadps, model.MaxAngularAccelerationRadps2, periodS,
                    slack * Math.Sqrt(2) / model.ProjectionDistanceM));
                break;
            case RobotKind.Aerial3D:
                tau = Math.Max(tau, Horizon(model.MaxLinearSpeedMps, ActuatorRows.PolygonInradius * model.MaxLinearAccelerationMps2, periodS, slack));
                tau = Math.Max(tau, Horizon(model.MaxVerticalSpeedMps, model.MaxLinearAccelerationMps2, periodS, slack));
                break;
            default:
                tau = Math.Max(tau, Horizon(model.MaxLinearSpeedMps, ActuatorRows.PolygonInradius * model.MaxLinearAccelerationMps2, periodS, slack));
                break;
        }

        return tau;

        static double Horizon(double speed, double accel, double t, double slack)
        {
            if (double.IsPositiveInfinity(accel))
            {
                return t;
            }

            double step = accel * t - slack;
            return step > 0 ? t * speed / step : double.PositiveInfinity;
        }
    }

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
    /// <param name="velocities">Output: filtered point velocities (m/s), within every actuator limit.</param>
    public SafetyFilterDiagnostics Filter(ReadOnlySpan<double> points, ReadOnlySpan<RobotModel> models, ReadOnlySpan<double> headingsRad,
        ReadOnlySpan<double> previousVelocities, ReadOnlySpan<double> nominal, ReadOnlySpan<double> obstaclePoints, double periodS,
        Span<double> velocities)
    {
        int n = models.Length;
        CheckLengths(points, n, headingsRad.Length, previousVelocities.Length, nominal.Length, obstaclePoints.Length, velocities.Length);
        EnsureRobotCapacity(n);
        for (int i = 0; i < n; i++)
        {
            (_sin[i], _cos[i]) = models[i].HeadingSinCos(headingsRad[i]);
        }

        return Run(points, models, previousVelocities, nominal, obstaclePoints, periodS, velocities);
    }

    /// <summary>
    /// As <see cref="Filter(ReadOnlySpan{double}, ReadOnlySpan{RobotModel}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double, Span{double})"/>
    /// with each heading given as its <see cref="RobotModel.HeadingSinCos"/> (the pipeline computes them once per tick).
    /// </summary>
    public SafetyFilterDiagnostics Filter(ReadOnlySpan<double> points, ReadOnlySpan<RobotModel> models, ReadOnlySpan<double> headingSin,
        ReadOnlySpan<double> headingCos, ReadOnlySpan<double> previousVelocities, ReadOnlySpan<double> nominal, ReadOnlySpan<double> obstaclePoints,
        double periodS, Span<double> velocities)
    {
        CheckLengths(points, models.Length, headingSin.Length, previousVelocities.Length, nominal.Length, obstaclePoints.Length, velocities.Length);
        Prepare(points, models, headingSin, headingCos, previousVelocities, obstaclePoints, periodS);
        return Finish(nominal, velocities);
    }

    private void CheckLengths(ReadOnlySpan<double> points, int n, int headings, int previous, int nominal, int obstacles, int output)
    {
        int d = _dim;
        if (points.Length != n * d || headings != n || previous != n * d || nominal != n * d || output != n * d || obstacles % d != 0)
        {
            throw new ArgumentException($"SafetyFilter.Filter: span lengths do not match {n} robots in {d} dimensions " +
                $"(points {points.Length}, headings {headings}, previous {previous}, nominal {nominal}, " +
                $"output {output}, obstacles {obstacles}).");
        }
    }

    // The filter proper; _sin and _cos hold each robot's heading sine and cosine.
    private SafetyFilterDiagnostics Run(ReadOnlySpan<double> points, ReadOnlySpan<RobotModel> models, ReadOnlySpan<double> previousVelocities,
        ReadOnlySpan<double> nominal, ReadOnlySpan<double> obstaclePoints, double periodS, Span<double> velocities)
    {
        Prepare(points, models, previousVelocities, obstaclePoints, periodS);
        return Finish(nominal, velocities);
    }

    /// <summary>
    /// Everything of a filter call that does not read the nominal (steps 1 to 5: braking commands, neighbours, rows, groups),
    /// for <see cref="CommandPipeline"/> to run while the blob field computes the nominal; <see cref="Finish"/> completes
    /// the call. The same operations as <c>Filter</c>, in the same order. <paramref name="headingSin"/> and
    /// <paramref name="headingCos"/>: as for <c>Filter</c>.
    /// </summary>
    internal void Prepare(ReadOnlySpan<double> points, ReadOnlySpan<RobotModel> models, ReadOnlySpan<double> headingSin,
        ReadOnlySpan<double> headingCos, ReadOnlySpan<double> previousVelocities, ReadOnlySpan<double> obstaclePoints, double periodS)
    {
        int n = models.Length;
        if (headingCos.Length != headingSin.Length)
        {
            throw new ArgumentException($"SafetyFilter.Prepare: {headingSin.Length} heading sines but {headingCos.Length} cosines.");
        }

        CheckLengths(points, n, headingSin.Length, previousVelocities.Length, n * _dim, obstaclePoints.Length, n * _dim);
        EnsureRobotCapacity(n);
        headingSin.CopyTo(_sin);
        headingCos.CopyTo(_cos);
        Prepare(points, models, previousVelocities, obstaclePoints, periodS);
    }

    // The prepared call: its robots, groups and the diagnostics of steps 1 to 5.
    private int _preparedRobots = -1;
    private int _preparedComponents;
    private SafetyFilterDiagnostics _prepared;

    private void Prepare(ReadOnlySpan<double> points, ReadOnlySpan<RobotModel> models, ReadOnlySpan<double> previousVelocities,
        ReadOnlySpan<double> obstaclePoints, double periodS)
    {
        int d = _dim;
        int n = models.Length;
        _preparedRobots = -1;

        if (!(periodS > 0) || !double.IsFinite(periodS))
        {
            throw new ArgumentOutOfRangeException(nameof(periodS), periodS, "The control period must be finite and > 0 s.");
        }

        if (n == 0)
        {
            _preparedRobots = 0;
            _preparedComponents = 0;
            _prepared = new SafetyFilterDiagnostics { MinPairDistanceM = double.PositiveInfinity, MinObstacleDistanceM = double.PositiveInfinity, MinWallClearanceM = double.PositiveInfinity };
            return;
        }

        var main = _parts[0];
        main.Reset(0, n);
        double tighten = _o.ConstraintTighteningMps;
        double maxU = 0, maxHold = 0, maxTau = 0, maxSegment = 0;
        int inconsistent = 0;
        _rows.Clear();
        double minWall = double.PositiveInfinity;
        Span<double> normal = stackalloc double[3];

        if (InParallel(n))
        {
            SharedPool.Value.WakeAhead(); // the helpers are awake by the time the pairs are listed and the groups solved
        }

        // 1. Per robot: braking command (the witness), its unused acceleration budget, reach box.
        for (int i = 0; i < n; i++)
        {
            var model = models[i];
            _kinds[i] = model.Kind;
            _uMax[i] = model.MaxPointSpeedMps;
            _hold[i] = model.HoldErrorBoundM(periodS);
            _tau[i] = BrakingHorizonS(model, periodS, _o);
            var prev = previousVelocities.Slice(i * d, d);
            prev.CopyTo(_prev.AsSpan(i * d, d));
            var b = _brake.AsSpan(i * d, d);
            int rows = ActuatorRows.Fill(model, d, _sin[i], _cos[i], prev, periodS, _aN, _aSpeed, _aCenter, _aHalf);
            bool consistent = BrakingCommand(model, d, _sin[i], _cos[i], prev, periodS, tighten, rows, b, out _spare[i]);
            if (!consistent)
            {
                inconsistent++;
            }

            FillReach(model, d, _sin[i], _cos[i], prev, periodS, consistent, _reach.AsSpan(i * 6, 6));
            maxU = Math.Max(maxU, _uMax[i]);
            maxHold = Math.Max(maxHold, _hold[i]);
            maxTau = Math.Max(maxTau, _tau[i]);
            maxSegment = Math.Max(maxSegment, _tau[i] * (Norm(b) + Math.Min(_spare[i], _uMax[i])));
        }

        double r = _o.SafetyRadiusM;
        double marginMax = r + 2 * maxHold;
        double neighbourRadius = Math.Max(marginMax + maxTau * 2 * maxU, NeighbourRadius(marginMax, 2 * maxU, _o.PairBarrierGain))
            + 2 * maxSegment;
        _grid.Build(points, obstaclePoints, neighbourRadius);
        _grid.ListCandidates(n); // scanned twice below: by the recovery pushes and by the pairs

        // 2. Recovery: a robot already inside the radius of a robot, an obstacle or a wall margin spends the acceleration
        //    budget braking left unused on moving away, so that the relaxed constraints below still ask it to separate.
        RecoveryPushes(points, models, obstaclePoints, n, periodS, tighten);

        // 3. Per robot: actuator and wall rows (tightened relative to the final witness).
        for (int i = 0; i < n; i++)
        {
            var model = models[i];
            var b = _brake.AsSpan(i * d, d);
            var prev = previousVelocities.Slice(i * d, d);
            int rows = ActuatorRows.Fill(model, d, _sin[i], _cos[i], prev, periodS, _aN, _aSpeed, _aCenter, _aHalf);
            for (int k = 0; k < rows; k++)
            {
                double lo = Math.Max(-_aSpeed[k], _aCenter[k] - _aHalf[k]);
                double hi = Math.Min(_aSpeed[k], _aCenter[k] + _aHalf[k]);
                var nk = _aN.AsSpan(k * d, d);
                double wb = Dot(nk, b);
                if (!(wb >= lo && wb <= hi))
                {
                    // Only after an inconsistent previous command (outside the speed limits): reach the limits again.
                    lo = Math.Min(lo, wb - 2 * tighten);
                    hi = Math.Max(hi, wb + 2 * tighten);
                }

                _rows.AddOwn(i, nk, lo, hi, wb, tighten);
            }

            double vRec = RecoverySpeed(_hold[i], periodS);
            for (int axis = 0; axis < d; axis++)
            {
                double x = points[i * d + axis];
                double lowClear = x - (_arena.MinM(axis) + _o.WallMarginM);
                double highClear = (_arena.MaxM(axis) - _o.WallMarginM) - x;
                minWall = Math.Min(minWall, Math.Min(lowClear, highClear));
                for (int sgn = -1; sgn <= 1; sgn += 2)
                {
                    normal.Clear();
                    normal[axis] = -sgn;
                    double g = (sgn < 0 ? lowClear : highClear) - _hold[i];
                    double bound = g >= 0
                        ? Math.Max(-g / _tau[i], -_o.WallBarrierGain * g * g * g)
                        : Math.Min(-g / periodS, vRec);
                    AddBarrierOwnRow(main, i, normal[..d], bound, g, periodS, g < 0 || _o.WallBarrierGain * g * g * g >= g / _tau[i], tighten);
                }
            }
        }

        // 4. Pairs and obstacles from the cell list (in parts on the pool from ParallelRobots robots, appended in part order);
        //    then union-find joins the robots of every coupling row.
        double nr2 = neighbourRadius * neighbourRadius;
        if (InParallel(n))
        {
            SplitPairs(n);
            _robotsN = n;
            _periodS = periodS;
            _tighten = tighten;
            _nr2 = nr2;
            Buffers.CopyInto(ref _points, points);
            Buffers.CopyInto(ref _obstacles, obstaclePoints);
            _stage = ParallelStage.Pairs;
            SharedPool.Value.Run(this, PairParts);
            for (int k = 1; k < PairParts; k++)
            {
                _rows.Append(_parts[k].Rows);
                main.Add(_parts[k]);
            }
        }
        else
        {
            Pairs(main, points, obstaclePoints, 0, n, periodS, tighten, nr2);
        }

        _sets.Reset(n);
        var first = _rows.CouplingFirst;
        var second = _rows.CouplingSecond;
        for (int row = 0; row < first.Length; row++)
        {
            _sets.Union(first[row], second[row]);
        }

        double minPair = main.MinPair, minObstacle = main.MinObstacle;
        int obstacleRows = main.ObstacleRows;

        // 5. Rows grouped by robot; components (numbered by smallest robot index) with their robots and coupling rows.
        _rows.GroupByRobot(n);
        int components = _groups.Build(_sets, _rows.CouplingFirst);
        _preparedRobots = n;
        _preparedComponents = components;
        _prepared = new SafetyFilterDiagnostics
        {
            Robots = n,
            PairConstraints = _rows.CouplingCount,
            ObstacleConstraints = obstacleRows,
            NeighbourRadiusM = neighbourRadius,
            MaxBrakingHorizonS = maxTau,
            Components = components,
            BrakingRelaxations = main.Braking,
            RateRelaxations = main.Rate,
            UnsafeRelaxations = main.Unsafe,
            InconsistentPreviousCommands = inconsistent,
            MinPairDistanceM = minPair,
            MinObstacleDistanceM = minObstacle,
            MinWallClearanceM = minWall,
        };
    }

    /// <summary>
    /// Completes the call <see cref="Prepare(ReadOnlySpan{double}, ReadOnlySpan{RobotModel}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, double)"/>
    /// began: solves the groups for <paramref name="nominal"/> into <paramref name="velocities"/> (both n * dim values).
    /// </summary>
    internal SafetyFilterDiagnostics Finish(ReadOnlySpan<double> nominal, Span<double> velocities)
    {
        int d = _dim;
        int n = _preparedRobots;
        if (n < 0)
        {
            throw new InvalidOperationException("SafetyFilter.Finish: no prepared call (Prepare failed or Finish was already called).");
        }

        if (nominal.Length != n * d || velocities.Length != n * d)
        {
            throw new ArgumentException($"SafetyFilter.Finish: nominal {nominal.Length} and output {velocities.Length} values for {n} prepared robots in {d} dimensions.");
        }

        _preparedRobots = -1;
        nominal.CopyTo(velocities);
        if (n == 0)
        {
            return _prepared;
        }

        int components = _preparedComponents;

        // 6. Solve each component (in parallel when there is enough to do: each group's solution depends on its rows alone);
        //    verify; fall back to the segment from the braking command, then to the braking command.
        SolveGroups(nominal, velocities, n, components);

        // 6b. In group order: the counts, and the braking command for a group without a verified solution.
        int outerTotal = 0, newtonTotal = 0, maxNewton = 0, infeasible = 0, braked = 0, nonConverged = 0;
        for (int c = 0; c < components; c++)
        {
            outerTotal += _outer[c];
            newtonTotal += _newton[c];
            maxNewton = Math.Max(maxNewton, _newton[c]);
            if (_status[c] == GroupSolveStatus.Failed)
            {
                infeasible++;
                foreach (int i in _groups.Robots(c))
                {
                    _brake.AsSpan(i * d, d).CopyTo(velocities.Slice(i * d, d));
                    braked++;
                }
            }
            else if (_status[c] == GroupSolveStatus.FeasibleNotConverged)
            {
                nonConverged++;
            }
        }

        int interventions = 0;
        for (int i = 0; i < n; i++)
        {
            double dev = 0;
            for (int k = 0; k < d; k++)
            {
                dev = Math.Max(dev, Math.Abs(velocities[i * d + k] - nominal[i * d + k]));
            }

            if (dev > 1e-6)
            {
                interventions++;
            }
        }

        return _prepared with
        {
            Interventions = interventions,
            InfeasibleComponents = infeasible,
            BrakingFallbackRobots = braked,
            NonConvergedComponents = nonConverged,
            OuterIterations = outerTotal,
            NewtonSteps = newtonTotal,
            MaxComponentNewtonSteps = maxNewton,
        };
    }

    /// <summary>
    /// Solves every group into <paramref name="velocities"/> (which holds the nominal) and records each group's status and
    /// iteration counts. With enough coupling rows and more than one worker, the groups are claimed by the pool's threads
    /// one at a time: each group's solution is a function of its own rows, robots and inputs alone, written only to its
    /// own robots, so the bits do not depend on which thread solved it, nor on how many there are.
    /// </summary>
    private void SolveGroups(ReadOnlySpan<double> nominal, Span<double> velocities, int n, int components)
    {
        int d = _dim;
        if (_status.Length < components)
        {
            int cap = Math.Max(components, 2 * _status.Length);
            _status = new GroupSolveStatus[cap];
            _outer = new int[cap];
            _newton = new int[cap];
        }

        if (!InParallel(n) || components < 2 || _rows.CouplingCount < ParallelCouplingRows)
        {
            _solvers[0].Reserve(n, _rows.OwnCapacity, _rows.CouplingCapacity);
            for (int c = 0; c < components; c++)
            {
                SolveGroup(c, _solvers[0], nominal, velocities);
            }

            return;
        }

        var pool = SharedPool.Value;
        if (_solvers.Length < pool.Workers)
        {
            var solvers = new GroupQpSolver[pool.Workers];
            _solvers.CopyTo(solvers, 0);
            for (int w = _solvers.Length; w < solvers.Length; w++)
            {
                solvers[w] = new GroupQpSolver(_dim, _o);
            }

            _solvers = solvers;
        }

        foreach (var solver in _solvers)
        {
            solver.Reserve(n, _rows.OwnCapacity, _rows.CouplingCapacity);
        }

        Buffers.CopyInto(ref _nominal, nominal);
        Buffers.CopyInto(ref _solved, velocities);
        _parallelLength = n * d;
        _stage = ParallelStage.Solve;
        pool.Run(this, components);
        ParallelCalls++;
        _solved.AsSpan(0, n * d).CopyTo(velocities);
    }

    void IParallelWork.Execute(int item, int worker)
    {
        if (_stage == ParallelStage.Pairs)
        {
            var part = _parts[item];
            Pairs(part, _points.AsSpan(0, _robotsN * _dim), _obstacles, part.From, part.To, _periodS, _tighten, _nr2);
            return;
        }

        SolveGroup(item, _solvers[worker], _nominal.AsSpan(0, _parallelLength), _solved.AsSpan(0, _parallelLength));
    }

    private enum ParallelStage
    {
        Solve,
        Pairs,
    }

    /// <summary>
    /// Robots from..to - 1 against their listed candidates: the pair and obstacle rows into <paramref name="part"/>, with
    /// its counters and smallest distances. A part reads the per-robot state of steps 1 to 3 and writes only itself.
    /// </summary>
    private void Pairs(RowPart part, ReadOnlySpan<double> points, ReadOnlySpan<double> obstaclePoints, int from, int to, double periodS,
        double tighten, double nr2)
    {
        int d = _dim;
        int n = points.Length / d;
        for (int i = from; i < to; i++)
        {
            foreach (int j in _grid.Listed(i))
            {
                var pj = j < n ? points.Slice(j * d, d) : obstaclePoints.Slice((j - n) * d, d);
                double s2 = 0;
                for (int k = 0; k < d; k++)
                {
                    double e = points[i * d + k] - pj[k];
                    s2 += e * e;
                }

                if (s2 >= nr2)
                {
                    continue;
                }

                if (j < n)
                {
                    part.MinPair = Math.Min(part.MinPair, Math.Sqrt(s2));
                    AddPair(part, points, i, j, periodS, tighten);
                }
                else
                {
                    part.MinObstacle = Math.Min(part.MinObstacle, Math.Sqrt(s2));
                    part.ObstacleRows += AddObstacle(part, points, i, pj, periodS, tighten);
                }
            }
        }
    }

    /// <summary>Whether a call for <paramref name="n"/> robots lists its pairs and solves its groups on the shared pool.</summary>
    private bool InParallel(int n) => _workers > 1 && n >= ParallelRobots;

    /// <summary>
    /// Splits robots 0..n - 1 into <see cref="PairParts"/> parts with about as many listed candidates each (part 0 keeps
    /// the rows and counters of steps 1 to 3).
    /// </summary>
    private void SplitPairs(int n)
    {
        int total = _grid.ListedBefore(n);
        int from = 0;
        for (int k = 0; k < PairParts; k++)
        {
            int to = n;
            if (k < PairParts - 1)
            {
                long share = (long)total * (k + 1) / PairParts;
                to = from;
                while (to < n && _grid.ListedBefore(to) < share)
                {
                    to++;
                }
            }

            if (k == 0)
            {
                _parts[0].From = from;
                _parts[0].To = to;
            }
            else
            {
                _parts[k].Rows.Clear();
                _parts[k].Reset(from, to);
            }

            from = to;
        }
    }

    /// <summary>A row set with the relaxation counters and smallest distances of the rows added to it, for robots From..To - 1.</summary>
    private sealed class RowPart(RowSet rows)
    {
        public RowSet Rows { get; } = rows;

        public int Braking { get; set; }

        public int Rate { get; set; }

        public int Unsafe { get; set; }

        public int ObstacleRows { get; set; }

        public double MinPair { get; set; }

        public double MinObstacle { get; set; }

        public int From { get; set; }

        public int To { get; set; }

        public void Reset(int from, int to)
        {
            Braking = Rate = Unsafe = ObstacleRows = 0;
            MinPair = MinObstacle = double.PositiveInfinity;
            From = from;
            To = to;
        }

        /// <summary>Adds another part's counters; the smallest distances are the smaller ones.</summary>
        public void Add(RowPart other)
        {
            Braking += other.Braking;
            Rate += other.Rate;
            Unsafe += other.Unsafe;
            ObstacleRows += other.ObstacleRows;
            MinPair = Math.Min(MinPair, other.MinPair);
            MinObstacle = Math.Min(MinObstacle, other.MinObstacle);
        }
    }

    private void SolveGroup(int c, GroupQpSolver solver, ReadOnlySpan<double> nominal, Span<double> u)
    {
        int n = u.Length / _dim;
        _status[c] = solver.Solve(_rows.View, _groups.Robots(c), _groups.Couplings(c), nominal, _brake.AsSpan(0, n * _dim), _prev.AsSpan(0, n * _dim), u,
            out _outer[c], out _newton[c]);
    }

    /// <summary>
    /// Adds to the braking command of every robot that is inside the margin of another robot, an obstacle or a wall the
    /// mean direction away from them, scaled to the acceleration budget braking left unused and kept inside the speed limits.
    /// Robots outside every margin keep the pure braking command (the invariant of the README needs that).
    /// </summary>
    private void RecoveryPushes(ReadOnlySpan<double> points, ReadOnlySpan<RobotModel> models,
        ReadOnlySpan<double> obstacles, int n, double periodS, double tighten)
    {
        int d = _dim;
        Array.Clear(_push, 0, n * d);
        Array.Clear(_pushCount, 0, n);
        double r = _o.SafetyRadiusM;
        Span<double> e = stackalloc double[3];
        bool any = false;
        for (int i = 0; i < n; i++)
        {
            // Walls.
            for (int axis = 0; axis < d; axis++)
            {
                double x = points[i * d + axis];
                if (x - (_arena.MinM(axis) + _o.WallMarginM) - _hold[i] < 0)
                {
                    _push[i * d + axis] += 1;
                    _pushCount[i]++;
                }

                if ((_arena.MaxM(axis) - _o.WallMarginM) - x - _hold[i] < 0)
                {
                    _push[i * d + axis] -= 1;
                    _pushCount[i]++;
                }
            }

            foreach (int j in _grid.Listed(i))
            {
                var pj = j < n ? points.Slice(j * d, d) : obstacles.Slice((j - n) * d, d);
                double margin = r + _hold[i] + (j < n ? _hold[j] : 0);
                double s2 = 0;
                for (int k = 0; k < d; k++)
                {
                    e[k] = points[i * d + k] - pj[k];
                    s2 += e[k] * e[k];
                }

                if (s2 >= margin * margin)
                {
                    continue;
                }

                double s = Math.Sqrt(s2);
                for (int k = 0; k < d; k++)
                {
                    e[k] = s > 0 ? e[k] / s : (k == 0 ? 1 : 0);
                    _push[i * d + k] += e[k];
                    if (j < n)
                    {
                        _push[j * d + k] -= e[k];
                    }
                }

                _pushCount[i]++;
                if (j < n)
                {
                    _pushCount[j]++;
                }
            }

            any |= _pushCount[i] > 0;
        }

        if (!any)
        {
            return;
        }

        Span<double> push = stackalloc double[3];
        for (int i = 0; i < n; i++)
        {
            if (_pushCount[i] == 0)
            {
                continue;
            }

            var model = models[i];
            var b = _brake.AsSpan(i * d, d);
            var prev = _prev.AsSpan(i * d, d);
            int rows = ActuatorRows.Fill(model, d, _sin[i], _cos[i], prev, periodS, _aN, _aSpeed, _aCenter, _aHalf);
            // |mean of unit vectors| <= 1, so the push stays within the unused budget.
            double scale = Math.Min(_spare[i], _uMax[i]) / _pushCount[i];
            for (int k = 0; k < d; k++)
            {
                push[k] = scale * _push[i * d + k];
            }

            // Largest f in [0, 1] keeping b + f push inside every speed slab with room for the tightening.
            double f = 1.0;
            for (int q = 0; q < rows; q++)
            {
                var nq = _aN.AsSpan(q * d, d);
                double norm = Math.Sqrt(Dot(nq, nq));
                double limit = _aSpeed[q] - 2 * tighten * norm;
                double tb = Dot(nq, b), tp = Dot(nq, push[..d]);
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
                b[k] += f * push[k];
            }
        }
    }

    /// <summary>
    /// The smallest distance s at which the barrier-rate law gamma h^3 / (2 s) (h = s^2 - margin^2) allows a closing speed of
    /// at least <paramref name="relativeSpeedMps"/>; beyond it the rate law is implied by the actuator limits.
    /// </summary>
    internal static double NeighbourRadius(double marginM, double relativeSpeedMps, double gain)
    {
        double lo = marginM, hi = 2 * marginM + 1e-9;
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

        return hi * (1 + 1e-9) + 1e-12;

        double CubicBound(double s)
        {
            double h = s * s - marginM * marginM;
            return gain * h * h * h / (2 * s);
        }
    }

    /// <summary>
    /// The braking command of one robot, the witness that keeps the QP feasible: the previous command scaled by (1 - sigma),
    /// sigma the largest factor in [0, 1] that every acceleration limit allows with a margin of twice the tightening (for a
    /// differential-drive robot v and omega scale together, so the curvature is kept). False when the previous command was
    /// outside the speed limits (the result is then also scaled into them).
    /// </summary>
    private bool BrakingCommand(RobotModel model, int d, double sinHeading, double cosHeading, ReadOnlySpan<double> prev, double periodS, double tighten,
        int rows, Span<double> b, out double spare)
    {
        double keep;
        double slack = 2 * tighten;
        double budget;
        switch (model.Kind)
        {
            case RobotKind.DifferentialDrive:
            {
                var (v, w) = NearIdentity.ToUnicycle(prev[0], prev[1], sinHeading, cosHeading, model.ProjectionDistanceM);
                double l = model.ProjectionDistanceM;
                // Slab normals have length 1 here; the pipeline and the filter tighten them by ConstraintTighteningMps.
                double dv = model.MaxLinearAccelerationMps2 * periodS - slack * Math.Sqrt(2);
                double dw = model.MaxAngularAccelerationRadps2 * periodS - slack * Math.Sqrt(2) / l;
                keep = 1 - Math.Min(1, Math.Min(Fraction(dv, Math.Abs(v)), Fraction(dw, Math.Abs(w))));
                // Left over along the heading and (scaled by l) in omega; the smaller bounds a push in any direction.
                budget = Math.Min(dv - (1 - keep) * Math.Abs(v), l * (dw - (1 - keep) * Math.Abs(w)));
                break;
            }

            case RobotKind.Aerial3D:
            {
                double h = Math.Sqrt(prev[0] * prev[0] + prev[1] * prev[1]);
                double dh = ActuatorRows.PolygonInradius * model.MaxLinearAccelerationMps2 * periodS - slack;
                double dz = model.MaxLinearAccelerationMps2 * periodS - slack;
                keep = 1 - Math.Min(1, Math.Min(Fraction(dh, h), Fraction(dz, Math.Abs(prev[2]))));
                budget = Math.Min(dh - (1 - keep) * h, dz - (1 - keep) * Math.Abs(prev[2]));
                break;
            }

            default:
            {
                double h = Math.Sqrt(prev[0] * prev[0] + prev[1] * prev[1]);
                double dh = ActuatorRows.PolygonInradius * model.MaxLinearAccelerationMps2 * periodS - slack;
                keep = 1 - Math.Min(1, Fraction(dh, h));
                budget = dh - (1 - keep) * h;
                break;
            }
        }

        // Unused acceleration budget (m/s), for recovery pushes; infinite budgets are capped by the speed limits later.
        spare = double.IsFinite(budget) ? Math.Max(0, budget) : double.PositiveInfinity;

        for (int k = 0; k < d; k++)
        {
            b[k] = keep * prev[k];
        }

        // Inside every speed slab with room for the tightening? (It is when the previous command respected the limits.)
        double f = 1.0;
        for (int k = 0; k < rows; k++)
        {
            double t = Math.Abs(Dot(_aN.AsSpan(k * d, d), b));
            double norm = Math.Sqrt(Dot(_aN.AsSpan(k * d, d), _aN.AsSpan(k * d, d)));
            double limit = _aSpeed[k] - slack * norm;
            if (t * f > limit)
            {
                f = Math.Max(0, limit) / t;
            }
        }

        if (f < 1.0)
        {
            for (int k = 0; k < d; k++)
            {
                b[k] *= f;
            }

            return false;
        }

        return true;

        // The fraction of a velocity component that one period's change may remove (1 when unlimited or already zero).
        static double Fraction(double allowed, double value) =>
            double.IsPositiveInfinity(allowed) || !(value > 0) ? 1.0 : Math.Max(0, allowed) / value;
    }

    /// <summary>
    /// A box that contains every command within the robot's actuator limits, for cheap tests of implied constraints. Layout:
    /// differential drive: (cos th, sin th, vLo, vHi, lwLo, lwHi); holonomic and aerial: (px, py, horizontal radius about p,
    /// horizontal speed limit, vzLo, vzHi).
    /// </summary>
    private void FillReach(RobotModel model, int d, double s, double c, ReadOnlySpan<double> prev, double periodS, bool consistent, Span<double> reach)
    {
        if (model.Kind == RobotKind.DifferentialDrive)
        {
            double l = model.ProjectionDistanceM;
            double v = c * prev[0] + s * prev[1];
            double lw = -s * prev[0] + c * prev[1];
            double dv = consistent ? model.MaxLinearAccelerationMps2 * periodS : double.PositiveInfinity;
            double dw = consistent ? l * model.MaxAngularAccelerationRadps2 * periodS : double.PositiveInfinity;
            double vmax = model.MaxLinearSpeedMps, wmax = l * model.MaxAngularSpeedRadps;
            reach[0] = c;
            reach[1] = s;
            reach[2] = Math.Max(-vmax, v - dv);
            reach[3] = Math.Min(vmax, v + dv);
            reach[4] = Math.Max(-wmax, lw - dw);
            reach[5] = Math.Min(wmax, lw + dw);
            return;
        }

        reach[0] = prev[0];
        reach[1] = prev[1];
        reach[2] = consistent ? model.MaxLinearAccelerationMps2 * periodS : double.PositiveInfinity;
        reach[3] = model.MaxLinearSpeedMps;
        if (d == 3)
        {
            double dz = consistent ? model.MaxLinearAccelerationMps2 * periodS : double.PositiveInfinity, vz = model.MaxVerticalSpeedMps;
            reach[4] = Math.Max(-vz, prev[2] - dz);
            reach[5] = Math.Min(vz, prev[2] + dz);
        }
    }

    /// <summary>A lower bound of a . u over every command u of robot i within its actuator limits.</summary>
    private double ReachMin(int i, RobotKind kind, ReadOnlySpan<double> a)
    {
        var q = _reach.AsSpan(i * 6, 6);
        if (kind == RobotKind.DifferentialDrive)
        {
            double an0 = q[0] * a[0] + q[1] * a[1];
            double an1 = -q[1] * a[0] + q[0] * a[1];
            return Math.Min(an0 * q[2], an0 * q[3]) + Math.Min(an1 * q[4], an1 * q[5]);
        }

        double ah = Math.Sqrt(a[0] * a[0] + a[1] * a[1]);
        double h = Math.Max(a[0] * q[0] + a[1] * q[1] - ah * q[2], -ah * q[3]);
        if (_dim == 3)
        {
            h += Math.Min(a[2] * q[4], a[2] * q[5]);
        }

        return h;
    }

    /// <summary>Pair rows: the braking envelope along the separating direction of the two braking segments, with the rate law.</summary>
    private void AddPair(RowPart part, ReadOnlySpan<double> points, int i, int j, double periodS, double tighten)
    {
        int d = _dim;
        double tau = Math.Max(_tau[i], _tau[j]);
        Span<double> e = stackalloc double[3];
        var xi = points.Slice(i * d, d);
        var xj = points.Slice(j * d, d);
        var bi = _brake.AsSpan(i * d, d);
        var bj = _brake.AsSpan(j * d, d);
        SeparatingDirection(d, xi, bi, tau, xj, bj, tau, e);
        double se = 0, wv = 0;
        for (int k = 0; k < d; k++)
        {
            se += e[k] * (xi[k] - xj[k]);
            wv += e[k] * (bi[k] - bj[k]);
        }

        double rm = _o.SafetyRadiusM + _hold[i] + _hold[j];
        double g = se - rm;
        double brakeBound, rateBound;
        if (g >= 0)
        {
            brakeBound = -g / tau;
            double h = g * (se + rm);
            rateBound = se > 0 ? -_o.PairBarrierGain * h * h * h / (2 * se) : 0.0;
        }
        else
        {
            brakeBound = Math.Min(-g / periodS, RecoverySpeed(_hold[i] + _hold[j], periodS));
            rateBound = double.NegativeInfinity;
        }

        double bound = Math.Max(brakeBound, rateBound);
        // Coupling row e . (u_i - u_j) >= bound. When it asks for more than the braking command gives, it is relaxed to that
        // value less twice the tightening (|row| = sqrt 2), so the braking command stays strictly feasible (counted).
        if (bound > wv)
        {
            CountRelaxation(part, brakeBound > wv, wv, g, periodS);
            bound = wv - 2 * tighten * Math.Sqrt(2);
        }

        Span<double> minusE = stackalloc double[3];
        for (int k = 0; k < d; k++)
        {
            minusE[k] = -e[k];
        }

        if (bound > ReachMin(i, _kinds[i], e[..d]) + ReachMin(j, _kinds[j], minusE[..d]))
        {
            part.Rows.AddCoupling(i, j, e[..d], bound, wv, tighten);
        }

        if (g >= 0)
        {
            // Each robot's own share of the envelope: e . u_i >= -g / tau and -e . u_j >= -g / tau.
            AddBarrierOwnRow(part, i, e[..d], -g / tau, g, periodS, true, tighten);
            AddBarrierOwnRow(part, j, minusE[..d], -g / tau, g, periodS, true, tighten);
        }
    }

    /// <summary>Obstacle rows (a fixed point): as a pair whose second robot stands still. Returns 1 when a row was added.</summary>
    private int AddObstacle(RowPart part, ReadOnlySpan<double> points, int i, ReadOnlySpan<double> o, double periodS, double tighten)
    {
        int d = _dim;
        Span<double> e = stackalloc double[3];
        Span<double> zero = stackalloc double[3];
        zero.Clear();
        var xi = points.Slice(i * d, d);
        var bi = _brake.AsSpan(i * d, d);
        SeparatingDirection(d, xi, bi, _tau[i], o, zero[..d], 0, e);
        double se = 0;
        for (int k = 0; k < d; k++)
        {
            se += e[k] * (xi[k] - o[k]);
        }

        double rm = _o.SafetyRadiusM + _hold[i];
        double g = se - rm;
        double bound;
        bool brakingBinds;
        if (g >= 0)
        {
            double h = g * (se + rm);
            double rate = se > 0 ? -_o.PairBarrierGain * h * h * h / (2 * se) : 0.0;
            bound = Math.Max(-g / _tau[i], rate);
            brakingBinds = -g / _tau[i] >= rate;
        }
        else
        {
            bound = Math.Min(-g / periodS, RecoverySpeed(_hold[i], periodS));
            brakingBinds = true;
        }

        return AddBarrierOwnRow(part, i, e[..d], bound, g, periodS, brakingBinds, tighten) ? 1 : 0;
    }

    /// <summary>
    /// A single-robot barrier row a . u_i &gt;= bound, relaxed to the braking command's value when it asks for more, omitted when
    /// the actuator limits imply it. <paramref name="brakingBinds"/>: the bound comes from the braking envelope or recovery
    /// (not the rate law). Returns true when a row was added.
    /// </summary>
    private bool AddBarrierOwnRow(RowPart part, int i, ReadOnlySpan<double> a, double bound, double g, double periodS, bool brakingBinds, double tighten)
    {
        var b = _brake.AsSpan(i * _dim, _dim);
        double wb = Dot(a, b);
        if (bound > wb)
        {
            CountRelaxation(part, brakingBinds, wb, g, periodS);
            bound = wb - 2 * tighten * Math.Sqrt(Dot(a, a));
        }

        if (bound <= ReachMin(i, _kinds[i], a))
        {
            return false;
        }

        part.Rows.AddOwn(i, a, bound, double.PositiveInfinity, wb, tighten);
        return true;
    }

    private static void CountRelaxation(RowPart part, bool braking, double relaxedBound, double g, double periodS)
    {
        if (braking)
        {
            part.Braking++;
        }
        else
        {
            part.Rate++;
        }

        // The relaxed bound lets the clearance shrink by up to -T * bound in the next period.
        if (g + periodS * relaxedBound < 0)
        {
            part.Unsafe++;
        }
    }

    /// <summary>
    /// Unit vector from the segment y + [0, tauJ] bJ to the segment x + [0, tauI] bI along their closest points (the braking
    /// paths of the two robots); the centre line when the segments touch, and the first axis when even the points coincide.
    /// </summary>
    internal static void SeparatingDirection(int d, ReadOnlySpan<double> x, ReadOnlySpan<double> bI, double tauI,
        ReadOnlySpan<double> y, ReadOnlySpan<double> bJ, double tauJ, Span<double> e)
    {
        Span<double> d1 = stackalloc double[3];
        Span<double> d2 = stackalloc double[3];
        Span<double> r = stackalloc double[3];
        double a = 0, ee = 0, f = 0, c = 0, bb = 0;
        for (int k = 0; k < d; k++)
        {
            d1[k] = tauI * bI[k];
            d2[k] = tauJ * bJ[k];
            r[k] = x[k] - y[k];
            a += d1[k] * d1[k];
            ee += d2[k] * d2[k];
            f += d2[k] * r[k];
            c += d1[k] * r[k];
            bb += d1[k] * d2[k];
        }

        // Closest points x + s d1 and y + t d2 with s, t in [0, 1] (Ericson, Real-Time Collision Detection, 5.1.9).
        double s, t;
        const double eps = 1e-24;
        if (a <= eps && ee <= eps)
        {
            s = t = 0;
        }
        else if (a <= eps)
        {
            s = 0;
            t = Math.Clamp(f / ee, 0, 1);
        }
        else if (ee <= eps)
        {
            t = 0;
            s = Math.Clamp(-c / a, 0, 1);
        }
        else
        {
            double denom = a * ee - bb * bb;
            s = denom > eps * a * ee ? Math.Clamp((bb * f - c * ee) / denom, 0, 1) : 0;
            t = (bb * s + f) / ee;
            if (t < 0)
            {
                t = 0;
                s = Math.Clamp(-c / a, 0, 1);
            }
            else if (t > 1)
            {
                t = 1;
                s = Math.Clamp((bb - c) / a, 0, 1);
            }
        }

        double len2 = 0;
        for (int k = 0; k < d; k++)
        {
            e[k] = r[k] + s * d1[k] - t * d2[k];
            len2 += e[k] * e[k];
        }

        if (!(len2 > 1e-24))
        {
            len2 = 0;
            for (int k = 0; k < d; k++)
            {
                e[k] = r[k];
                len2 += e[k] * e[k];
            }
        }

        if (!(len2 > 1e-24))
        {
            e[..d].Clear();
            e[0] = 1;
            return;
        }

        double inv = 1 / Math.Sqrt(len2);
        for (int k = 0; k < d; k++)
        {
            e[k] *= inv;
        }
    }

    /// <summary>Recovery speed, raised so that it outruns the hold-error margin of one period (see README).</summary>
    private double RecoverySpeed(double holdMarginM, double periodS) =>
        Math.Max(_o.RecoverySpeedMps, 1.000001 * holdMarginM / periodS);

    private void EnsureRobotCapacity(int n)
    {
        int d = _dim;
        if (_uMax.Length < n)
        {
            int cap = Math.Max(n, 2 * _uMax.Length);
            _uMax = new double[cap];
            _hold = new double[cap];
            _tau = new double[cap];
            _brake = new double[cap * d];
            _spare = new double[cap];
            _push = new double[cap * d];
            _pushCount = new int[cap];
            _prev = new double[cap * d];
            _reach = new double[cap * 6];
            _kinds = new RobotKind[cap];
            _sin = new double[cap];
            _cos = new double[cap];
        }

        // Room for 24 own rows and 4 coupling rows per robot before the row set has to grow.
        _rows.Reserve(24 * n, 4 * n);
    }
}
