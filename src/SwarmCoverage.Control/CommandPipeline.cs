using System.Globalization;
using SwarmCoverage.Core;

namespace SwarmCoverage.Control;

/// <summary>The inputs of one control tick for the active robots (n robots, d = arena dimension).</summary>
public readonly ref struct ControlStepInput
{
    /// <summary>Controlled points in metres, n * d values interleaved (x0, y0[, z0], x1, ...); see <see cref="RobotModel.ControlledPoint"/>.</summary>
    public required ReadOnlySpan<double> ControlledPoints { get; init; }

    /// <summary>Headings in radians (n values; read for differential-drive robots only).</summary>
    public required ReadOnlySpan<double> HeadingsRad { get; init; }

    /// <summary>Robot model of each robot (n).</summary>
    public required ReadOnlySpan<RobotModel> Models { get; init; }

    /// <summary>Desired single-integrator velocities of the controlled points from the blob field, n * d values, in blob units (multiplied by the gain).</summary>
    public required ReadOnlySpan<double> DesiredVelocities { get; init; }

    /// <summary>The command each robot received at the previous tick (n; zero for a robot that just joined or was stale).</summary>
    public required ReadOnlySpan<RobotCommand> PreviousCommands { get; init; }

    /// <summary>Fixed obstacles (m * d values, metres): robots that are present but not controlled (stale poses), to be avoided.</summary>
    public ReadOnlySpan<double> ObstaclePoints { get; init; }

    /// <summary>Control period T in seconds (each command is held for T; acceleration limits and the safety margins use it).</summary>
    public required double ControlPeriodS { get; init; }
}

/// <summary>Per-tick diagnostics of <see cref="CommandPipeline.Step"/>.</summary>
public readonly record struct ControlStepDiagnostics
{
    /// <summary>Robots commanded this tick.</summary>
    public int Robots { get; init; }

    /// <summary>Robots whose nominal command exceeded a speed, angular-speed or wheel-speed limit and was scaled down.</summary>
    public int ClippedCommands { get; init; }

    /// <summary>The common scale applied in <see cref="SaturationMode.CommonScale"/> (1 when nothing needed slowing; 1 in per-robot mode).</summary>
    public double CommonScale { get; init; }

    /// <summary>Robots whose command was limited by an acceleration limit (against the previous command).</summary>
    public int AccelerationLimitedCommands { get; init; }

    /// <summary>Robots with a non-finite desired velocity (treated as zero), previous command (treated as zero), point or heading (commanded zero, left out of the filter).</summary>
    public int NonFiniteInputs { get; init; }

    /// <summary>Non-finite commands replaced by zero by the final guard (should stay 0: any count here is a bug to report).</summary>
    public int NonFiniteCommandsReplaced { get; init; }

    /// <summary>Details of the safety filter (all zero when it is disabled).</summary>
    public SafetyFilterDiagnostics Safety { get; init; }

    /// <summary>Robots whose command the safety filter changed.</summary>
    public int SafetyInterventions => Safety.Interventions;

    /// <summary>Groups of robots for which the solver produced no verified command (their robots were commanded their braking command).</summary>
    public int InfeasibleComponents => Safety.InfeasibleComponents;

    /// <summary>Smallest distance (m) between controlled points of robots within the neighbour radius (+infinity when none).</summary>
    public double MinPairDistanceM => Safety.MinPairDistanceM;
}

/// <summary>Cumulative counters over the life of a pipeline (Robotarium reports the share of clipped commands at the end of a run).</summary>
public sealed class CommandTotals
{
    /// <summary>Ticks run.</summary>
    public long Ticks { get; internal set; }

    /// <summary>Robot commands produced (robots x ticks).</summary>
    public long Commands { get; internal set; }

    /// <summary>Commands scaled down by saturation.</summary>
    public long ClippedCommands { get; internal set; }

    /// <summary>Commands limited by acceleration limits.</summary>
    public long AccelerationLimitedCommands { get; internal set; }

    /// <summary>Commands changed by the safety filter.</summary>
    public long SafetyInterventions { get; internal set; }

    /// <summary>Commands replaced by the robot's braking command because the solver produced no verified command (a numerical failure; should stay 0).</summary>
    public long BrakedBySafety { get; internal set; }

    /// <summary>Connected groups (summed over ticks) whose solve did not converge and got the safe, within-limits point closest to the iterate.</summary>
    public long NonConvergedComponents { get; internal set; }

    /// <summary>Braking-envelope or recovery constraints relaxed to what maximal braking gives (summed over ticks).</summary>
    public long BrakingRelaxations { get; internal set; }

    /// <summary>Relaxed constraints where even maximal braking does not keep the clearance over the next period (summed over ticks).</summary>
    public long UnsafeRelaxations { get; internal set; }

    /// <summary>Robot inputs that were not finite.</summary>
    public long NonFiniteInputs { get; internal set; }

    /// <summary>Non-finite commands replaced by zero.</summary>
    public long NonFiniteCommandsReplaced { get; internal set; }

    /// <summary>Smallest pair distance (m) seen in any tick.</summary>
    public double MinPairDistanceM { get; internal set; } = double.PositiveInfinity;

    /// <summary>Share of commands that were clipped, in [0, 1] (0 before the first command).</summary>
    public double ClippedShare => Commands == 0 ? 0 : (double)ClippedCommands / Commands;

    /// <summary>Takes over another pipeline's counts: a pipeline rebuilt for new parameters continues its predecessor's totals.</summary>
    internal void ContinueFrom(CommandTotals other)
    {
        Ticks = other.Ticks;
        Commands = other.Commands;
        ClippedCommands = other.ClippedCommands;
        AccelerationLimitedCommands = other.AccelerationLimitedCommands;
        SafetyInterventions = other.SafetyInterventions;
        BrakedBySafety = other.BrakedBySafety;
        NonConvergedComponents = other.NonConvergedComponents;
        BrakingRelaxations = other.BrakingRelaxations;
        UnsafeRelaxations = other.UnsafeRelaxations;
        NonFiniteInputs = other.NonFiniteInputs;
        NonFiniteCommandsReplaced = other.NonFiniteCommandsReplaced;
        MinPairDistanceM = other.MinPairDistanceM;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Ticks} ticks, {Commands} commands, clipped {ClippedCommands} ({100 * ClippedShare:F2} %), acceleration-limited {AccelerationLimitedCommands}, " +
        $"safety interventions {SafetyInterventions}, braked by safety {BrakedBySafety}, non-converged groups {NonConvergedComponents}, " +
        $"braking relaxations {BrakingRelaxations} (unsafe {UnsafeRelaxations}), " +
        $"non-finite inputs {NonFiniteInputs}, non-finite commands replaced {NonFiniteCommandsReplaced}, min pair distance {MinPairDistanceM} m");
}

/// <summary>
/// Turns desired single-integrator velocities into robot commands:
/// <c>gain -&gt; saturation (per robot or common scale) -&gt; acceleration limit -&gt; safety filter (which also enforces every actuator
/// limit) -&gt; near-identity map to (v, omega) -&gt; finite guard</c>. Nothing changes a command after the safety filter except the
/// exact linear map to (v, omega) and the final guard, so the filter's guarantee holds for the emitted commands.
/// Deterministic (same inputs, same bits), single-threaded, allocation-free per tick once its buffers fit the swarm.
/// Not thread-safe: one instance per control loop.
/// </summary>
public sealed class CommandPipeline
{
    private readonly CommandPipelineOptions _options;
    private readonly SafetyFilter _filter;
    private readonly int _dim;
    private readonly HashSet<RobotModel> _validated = new(ReferenceEqualityComparer.Instance);

    private double[] _points = [];
    private double[] _sinH = [];   // RobotModel.HeadingSinCos of each robot's heading, once per robot and tick
    private double[] _cosH = [];
    private double[] _prevU = [];
    private double[] _nominal = [];
    private double[] _filtered = [];
    private double[] _scale = [];
    private RobotModel[] _models = [];
    private int[] _map = [];
    private double[] _velocities = [];
    private int _lastCount;

    private readonly double[] _aN = new double[ActuatorRows.MaxRows * 3];
    private readonly double[] _aSpeed = new double[ActuatorRows.MaxRows];
    private readonly double[] _aCenter = new double[ActuatorRows.MaxRows];
    private readonly double[] _aHalf = new double[ActuatorRows.MaxRows];

    /// <summary>Creates a pipeline; throws <see cref="ArgumentException"/> naming every invalid parameter.</summary>
    public CommandPipeline(CommandPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _dim = options.Arena.Dimension;
        _filter = new SafetyFilter(options.Arena, options.Safety);
    }

    /// <summary>The options.</summary>
    public CommandPipelineOptions Options => _options;

    /// <summary>Counters accumulated over every tick.</summary>
    public CommandTotals Totals { get; } = new();

    /// <summary>The point velocities (m/s, world frame, n * d values) behind the last tick's commands, e.g. for an ideal single-integrator simulation.</summary>
    public ReadOnlySpan<double> LastPointVelocities => _velocities.AsSpan(0, _lastCount * _dim);

    /// <summary>
    /// Compiles every path of a tick before a control loop starts: every method of the control library is compiled once
    /// per process, then a throwaway pipeline with these options steps a small synthetic crowd of each given model,
    /// robots standing just beyond the safety radius and all heading for the middle, so the safety filter couples them
    /// and runs its Newton steps, line search, polish and factorisation. Without it
    /// the first coupled group of a run pays the just-in-time compilation of the solver in its tick (about 20 ms on the
    /// development VM). This pipeline's buffers and totals are not touched. Returns the diagnostics of the synthetic
    /// ticks (summed safety-filter Newton steps in <see cref="SafetyFilterDiagnostics.NewtonSteps"/>); all zero when
    /// the arena is too small to hold the crowd.
    /// </summary>
    public ControlStepDiagnostics WarmUp(IEnumerable<RobotModel> models, double controlPeriodS)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (!(controlPeriodS > 0) || !double.IsFinite(controlPeriodS))
            throw new ArgumentOutOfRangeException(nameof(controlPeriodS), controlPeriodS, "The control period must be finite and > 0 s.");
        JitWarmUp.PrepareOnce();
        var scratch = new CommandPipeline(_options);
        int d = _dim;
        double spacing = 1.05 * _options.Safety.SafetyRadiusM;
        double room = double.PositiveInfinity;
        for (int axis = 0; axis < Math.Min(d, 2); axis++)
            room = Math.Min(room, (_options.Arena.MaxM(axis) - _options.Arena.MinM(axis)) / 2 - _options.Safety.WallMarginM - spacing);
        int side = room >= spacing ? 3 : room >= spacing / 2 ? 2 : 0;
        int newton = 0, outer = 0, pairs = 0;
        ControlStepDiagnostics last = default;
        foreach (var model in models.Distinct())
        {
            if (side == 0 || model.Dimension != d) continue;
            int n = side * side;
            var points = new double[n * d];
            var headings = new double[n];
            var desired = new double[n * d];
            var robotModels = new RobotModel[n];
            var previous = new RobotCommand[n];
            var commands = new RobotCommand[n];
            for (int i = 0; i < n; i++)
            {
                double ox = (i % side - (side - 1) / 2.0) * spacing, oy = (i / side - (side - 1) / 2.0) * spacing;
                for (int axis = 0; axis < d; axis++) points[i * d + axis] = (_options.Arena.MinM(axis) + _options.Arena.MaxM(axis)) / 2;
                points[i * d] += ox;
                points[i * d + 1] += oy;
                double norm = Math.Sqrt(ox * ox + oy * oy);
                double ux = norm > 0 ? -ox / norm : 1, uy = norm > 0 ? -oy / norm : 0;
                headings[i] = DetMath.Atan2(uy, ux);
                desired[i * d] = 2 * model.MaxPointSpeedMps * ux / _options.VelocityGain;
                desired[i * d + 1] = 2 * model.MaxPointSpeedMps * uy / _options.VelocityGain;
                robotModels[i] = model;
            }

            for (int tick = 0; tick < 3; tick++)
            {
                last = scratch.Step(new ControlStepInput
                {
                    ControlledPoints = points,
                    HeadingsRad = headings,
                    Models = robotModels,
                    DesiredVelocities = desired,
                    PreviousCommands = previous,
                    ControlPeriodS = controlPeriodS,
                }, commands);
                commands.CopyTo(previous, 0);
                newton += last.Safety.NewtonSteps;
                outer += last.Safety.OuterIterations;
                pairs += last.Safety.PairConstraints;
            }
        }

        return last with { Safety = last.Safety with { NewtonSteps = newton, OuterIterations = outer, PairConstraints = pairs } };
    }

    /// <summary>
    /// One tick. Writes one command per robot into <paramref name="commands"/> (same order as the inputs) and returns the
    /// tick's diagnostics. Throws <see cref="ArgumentException"/> when span lengths disagree, a model is invalid or of the wrong
    /// dimension, or the period is not finite and positive (programming errors); bad numbers in the data are counted, never thrown.
    /// </summary>
    public ControlStepDiagnostics Step(in ControlStepInput input, Span<RobotCommand> commands)
    {
        Prepare(input, commands);
        PrepareSafety();
        return Finish(input, commands);
    }

    // Between Prepare and Finish: the robots that enter the filter, the inputs found not finite so far, the obstacles.
    private int _preparedM = -1;
    private int _preparedNonFinite;
    private double _preparedPeriodS;
    private double[] _obstacles = [];
    private int _obstacleValues;

    /// <summary>
    /// The part of <see cref="Step"/> that does not read the desired velocities: checks the input, validates each robot's
    /// data, and takes its heading's sine and cosine, its controlled point and its previous command as a point velocity.
    /// Then <see cref="PrepareSafety"/> (which may run on another thread, while the blob field computes the desired
    /// velocities) and <see cref="Finish"/>. Together they are <see cref="Step"/>, the same operations in the same order
    /// for each robot.
    /// </summary>
    internal void Prepare(in ControlStepInput input, Span<RobotCommand> commands)
    {
        int d = _dim;
        int n = input.Models.Length;
        _preparedM = -1;
        CheckInput(input, commands, n, d);
        EnsureCapacity(n);

        int nonFiniteInputs = 0;
        int m = 0; // robots that enter the filter

        // 1a. Validate data; heading, point and previous command per robot.
        for (int i = 0; i < n; i++)
        {
            var model = input.Models[i];
            var p = input.ControlledPoints.Slice(i * d, d);
            double heading = input.HeadingsRad[i];
            bool ok = AllFinite(p) && (model.Kind != RobotKind.DifferentialDrive || double.IsFinite(heading));
            if (!ok)
            {
                nonFiniteInputs++;
                continue;
            }

            int k = m++;
            _map[k] = i;
            _models[k] = model;
            // The heading's sine and cosine once per robot and tick, for the near-identity map both ways and the actuator rows.
            (_sinH[k], _cosH[k]) = model.HeadingSinCos(heading);
            p.CopyTo(_points.AsSpan(k * d, d));
            var prevU = _prevU.AsSpan(k * d, d);
            var prev = input.PreviousCommands[i];
            if (prev.IsFinite)
            {
                model.ToSingleIntegrator(prev, _sinH[k], _cosH[k], prevU);
            }
            else
            {
                prevU.Clear();
                nonFiniteInputs++;
            }
        }

        Buffers.CopyInto(ref _obstacles, input.ObstaclePoints);
        _obstacleValues = input.ObstaclePoints.Length;
        _preparedPeriodS = input.ControlPeriodS;
        _preparedNonFinite = nonFiniteInputs;
        _preparedM = m;
    }

    /// <summary>
    /// Steps 1 to 5 of the safety filter on the robots <see cref="Prepare"/> took (nothing when the filter is off): it
    /// reads only what Prepare stored, so it may run on another thread than Prepare and <see cref="Finish"/>.
    /// </summary>
    internal void PrepareSafety()
    {
        int m = _preparedM, d = _dim;
        if (m < 0)
        {
            throw new InvalidOperationException("CommandPipeline.PrepareSafety: no prepared step.");
        }

        if (_options.Safety.Enabled)
        {
            _filter.Prepare(_points.AsSpan(0, m * d), _models.AsSpan(0, m), _sinH.AsSpan(0, m), _cosH.AsSpan(0, m),
                _prevU.AsSpan(0, m * d), _obstacles.AsSpan(0, _obstacleValues), _preparedPeriodS);
        }
    }

    /// <summary>Completes the step <see cref="Prepare"/> began, with the desired velocities of the same input.</summary>
    internal ControlStepDiagnostics Finish(in ControlStepInput input, Span<RobotCommand> commands)
    {
        int d = _dim;
        int n = input.Models.Length;
        int m = _preparedM;
        if (m < 0)
        {
            throw new InvalidOperationException("CommandPipeline.Finish: no prepared step.");
        }

        _preparedM = -1;
        CheckInput(input, commands, n, d);
        double period = input.ControlPeriodS;
        double gain = _options.VelocityGain;
        int nonFiniteInputs = _preparedNonFinite;
        Span<double> target = stackalloc double[3];

        // 1b. Nominal u = gain * desired, speed gauge per robot.
        for (int k = 0; k < m; k++)
        {
            int i = _map[k];
            var model = _models[k];
            var prevU = _prevU.AsSpan(k * d, d);
            var desired = input.DesiredVelocities.Slice(i * d, d);
            var nominal = _nominal.AsSpan(k * d, d);
            if (AllFinite(desired))
            {
                for (int a = 0; a < d; a++)
                {
                    nominal[a] = gain * desired[a];
                }

                if (!AllFinite(nominal))
                {
                    nominal.Clear();
                    nonFiniteInputs++;
                }
            }
            else
            {
                nominal.Clear();
                nonFiniteInputs++;
            }

            int rows = FillTightened(model, _sinH[k], _cosH[k], prevU, period);
            _scale[k] = ActuatorRows.SpeedScale(rows, d, _aN, _aSpeed, nominal);
        }

        // 2. Saturation: each robot by its own factor, or all by the smallest.
        int clipped = 0;
        double common = 1.0;
        for (int k = 0; k < m; k++)
        {
            if (_scale[k] < 1.0)
            {
                clipped++;
                common = Math.Min(common, _scale[k]);
            }
        }

        bool perRobot = _options.Saturation == SaturationMode.PerRobot;
        int accelLimited = 0;
        for (int k = 0; k < m; k++)
        {
            double f = perRobot ? _scale[k] : common;
            var nominal = _nominal.AsSpan(k * d, d);
            for (int a = 0; a < d; a++)
            {
                nominal[a] *= f;
            }

            // 3. Acceleration: step from the previous command towards the saturated nominal as far as every acceleration
            //    limit allows. A convex combination of two commands inside the speed limits stays inside them.
            var model = _models[k];
            var prevU = _prevU.AsSpan(k * d, d);
            int rows = FillTightened(model, _sinH[k], _cosH[k], prevU, period);
            double t = ActuatorRows.AccelerationFraction(rows, d, _aN, _aCenter, _aHalf, nominal);
            if (t < 1.0)
            {
                accelLimited++;
                for (int a = 0; a < d; a++)
                {
                    target[a] = prevU[a] + t * (nominal[a] - prevU[a]);
                }

                target[..d].CopyTo(nominal);
            }
        }

        // 4. Safety filter on the robots with valid data (it also holds every actuator limit), prepared by PrepareSafety.
        var filtered = _filtered.AsSpan(0, m * d);
        SafetyFilterDiagnostics safety;
        if (_options.Safety.Enabled)
        {
            safety = _filter.Finish(_nominal.AsSpan(0, m * d), filtered);
        }
        else
        {
            _nominal.AsSpan(0, m * d).CopyTo(filtered);
            safety = new SafetyFilterDiagnostics
            {
                Robots = m,
                MinPairDistanceM = double.PositiveInfinity,
                MinObstacleDistanceM = double.PositiveInfinity,
                MinWallClearanceM = double.PositiveInfinity,
            };
        }

        // 5. Commands, with the final guard.
        int replaced = 0;
        var velocities = _velocities.AsSpan(0, n * d);
        velocities.Clear();
        for (int i = 0; i < n; i++)
        {
            commands[i] = RobotCommand.Zero;
        }

        for (int k = 0; k < m; k++)
        {
            int i = _map[k];
            var u = filtered.Slice(k * d, d);
            var cmd = _models[k].ToCommand(u, _sinH[k], _cosH[k]);
            if (!cmd.IsFinite || !AllFinite(u))
            {
                replaced++;
                continue;
            }

            commands[i] = cmd;
            u.CopyTo(velocities.Slice(i * d, d));
        }

        _lastCount = n;
        var diag = new ControlStepDiagnostics
        {
            Robots = n,
            ClippedCommands = clipped,
            CommonScale = perRobot ? 1.0 : common,
            AccelerationLimitedCommands = accelLimited,
            NonFiniteInputs = nonFiniteInputs,
            NonFiniteCommandsReplaced = replaced,
            Safety = safety,
        };

        var tot = Totals;
        tot.Ticks++;
        tot.Commands += n;
        tot.ClippedCommands += clipped;
        tot.AccelerationLimitedCommands += accelLimited;
        tot.SafetyInterventions += safety.Interventions;
        tot.BrakedBySafety += safety.BrakingFallbackRobots;
        tot.NonConvergedComponents += safety.NonConvergedComponents;
        tot.BrakingRelaxations += safety.BrakingRelaxations;
        tot.UnsafeRelaxations += safety.UnsafeRelaxations;
        tot.NonFiniteInputs += nonFiniteInputs;
        tot.NonFiniteCommandsReplaced += replaced;
        tot.MinPairDistanceM = Math.Min(tot.MinPairDistanceM, safety.MinPairDistanceM);
        return diag;
    }

    /// <summary>
    /// The actuator rows with every bound reduced by the safety filter's constraint tightening, so a nominal saturated here
    /// is not moved again by the filter (commands end at most ConstraintTighteningMps inside a limit).
    /// </summary>
    private int FillTightened(RobotModel model, double sinHeading, double cosHeading, ReadOnlySpan<double> prevU, double period)
    {
        int d = _dim;
        int rows = ActuatorRows.Fill(model, d, sinHeading, cosHeading, prevU, period, _aN, _aSpeed, _aCenter, _aHalf);
        double tighten = _options.Safety.Enabled ? _options.Safety.ConstraintTighteningMps : 0.0;
        for (int r = 0; r < rows; r++)
        {
            double norm = Math.Sqrt(SmallVector.Dot(_aN.AsSpan(r * d, d), _aN.AsSpan(r * d, d)));
            _aSpeed[r] = Math.Max(_aSpeed[r] - 2 * tighten * norm, 0.5 * _aSpeed[r]);
            _aHalf[r] = Math.Max(_aHalf[r] - 2 * tighten * norm, 0.5 * _aHalf[r]);
        }

        return rows;
    }

    private void CheckInput(in ControlStepInput input, Span<RobotCommand> commands, int n, int d)
    {
        if (input.ControlledPoints.Length != n * d || input.HeadingsRad.Length != n || input.DesiredVelocities.Length != n * d
            || input.PreviousCommands.Length != n || commands.Length != n || input.ObstaclePoints.Length % d != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"CommandPipeline.Step: for {n} robots in {d} dimensions expected ControlledPoints {n * d}, HeadingsRad {n}, " +
                $"DesiredVelocities {n * d}, PreviousCommands {n}, commands {n}, ObstaclePoints a multiple of {d}; got " +
                $"{input.ControlledPoints.Length}, {input.HeadingsRad.Length}, {input.DesiredVelocities.Length}, " +
                $"{input.PreviousCommands.Length}, {commands.Length}, {input.ObstaclePoints.Length}."), nameof(input));
        }

        if (!double.IsFinite(input.ControlPeriodS) || !(input.ControlPeriodS > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(input), input.ControlPeriodS, "ControlStepInput.ControlPeriodS must be finite and > 0 s.");
        }

        // A swarm shares a few model objects, most often one: the previous robot's model is checked first, so the set is
        // asked once per run of equal models (twice a tick per robot before: in Prepare and in Finish).
        RobotModel? previous = null;
        for (int i = 0; i < n; i++)
        {
            var model = input.Models[i];
            if (model is not null && ReferenceEquals(model, previous))
            {
                continue;
            }

            previous = model;
            if (model is null || _validated.Contains(model))
            {
                if (model is null)
                {
                    throw new ArgumentException($"CommandPipeline.Step: Models[{i}] is null.", nameof(input));
                }

                continue;
            }

            model.Validate();
            if (model.Dimension != d)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"CommandPipeline.Step: Models[{i}] '{model.Name}' is {model.Kind} ({model.Dimension}-D) but the arena is {d}-D."), nameof(input));
            }

            _validated.Add(model);
        }
    }

    private void EnsureCapacity(int n)
    {
        if (_map.Length >= n)
        {
            return;
        }

        int cap = Math.Max(n, 2 * _map.Length);
        int d = _dim;
        _points = new double[cap * d];
        _sinH = new double[cap];
        _cosH = new double[cap];
        _prevU = new double[cap * d];
        _nominal = new double[cap * d];
        _filtered = new double[cap * d];
        _velocities = new double[cap * d];
        _scale = new double[cap];
        _models = new RobotModel[cap];
        _map = new int[cap];
    }

    private static bool AllFinite(ReadOnlySpan<double> v)
    {
        foreach (double x in v)
        {
            if (!double.IsFinite(x))
            {
                return false;
            }
        }

        return true;
    }
}
