using System.Globalization;

namespace SwarmCoverage.Control;

/// <summary>Parameters of the barrier-certificate safety filter. Defaults follow Robotarium where it has one.</summary>
public sealed record SafetyFilterOptions
{
    /// <summary>When false the filter is bypassed (simulation studies only; nothing is then guaranteed).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Smallest allowed distance r (m) between two controlled points (Robotarium: 0.12 to 0.15 m). Must be &gt; 0.</summary>
    public double SafetyRadiusM { get; init; } = 0.15;

    /// <summary>Smallest allowed distance (m) from a controlled point to each arena wall. Default 0.075 m (half the safety radius, as Robotarium). Must be &gt;= 0.</summary>
    public double WallMarginM { get; init; } = 0.075;

    /// <summary>gamma of the pairwise law dh/dt &gt;= -gamma h^3 with h = |x_i - x_j|^2 - r^2, in 1/(m^4 s). Robotarium: 100.</summary>
    public double PairBarrierGain { get; init; } = 100.0;

    /// <summary>gamma of the wall law dg/dt &gt;= -gamma g^3 with g the clearance to the wall, in 1/(m^2 s). Robotarium: 0.4 * 100 = 40.</summary>
    public double WallBarrierGain { get; init; } = 40.0;

    /// <summary>
    /// kappa in (0, 1]: an upper bound on the fraction of the remaining clearance one control period may use, i.e. a floor
    /// T / kappa on every robot's braking horizon. The filter derives the horizon from each robot's speed and acceleration
    /// limits (see <see cref="SafetyFilter.BrakingHorizonS"/>), so callers need not pass a_max T / v_max here; this only
    /// matters for robots without an acceleration limit (default 0.5: at most half the clearance per period).
    /// </summary>
    public double DiscreteDecayFraction { get; init; } = 0.5;

    /// <summary>Speed (m/s) at which robots already too close (or too near a wall) are required to separate. Raised automatically to what the hold-error margin needs.</summary>
    public double RecoverySpeedMps { get; init; } = 0.05;

    /// <summary>
    /// Convergence tolerance (m/s): a group's solve is done when every tightened row holds to this and the gradient of the
    /// Lagrangian vanishes to it (docs/safety-filter.md, "The solver"). Must be &gt; 0 and below the tightening.
    /// </summary>
    public double ConvergenceToleranceMps { get; init; } = 1e-7;

    /// <summary>
    /// Every constraint is tightened by this much (m/s) while solving, so an approximately converged solution satisfies the
    /// untightened constraints exactly (1e-5 m/s over a 0.05 s period is 0.5 micrometre). Must exceed the tolerance.
    /// </summary>
    public double ConstraintTighteningMps { get; init; } = 1e-5;

    /// <summary>The largest allowed <see cref="MaxNewtonSteps"/> (the smallest is 1): the one range of the step budget.</summary>
    public const int MaxNewtonStepsLimit = 1_000_000;

    /// <summary>
    /// The step budget of one coupled group: the number of semismooth Newton steps (each a sparse factorisation and an exact
    /// line search) after which the group counts as not converged and gets the safe fallback. Each exact polish of an active
    /// set counts as a step too; the polish after the last multiplier update may take the count one past the budget. A group
    /// of more than 100 robots gets max(8, MaxNewtonSteps x 100 / its size) (its factors fill in). In
    /// [1, <see cref="MaxNewtonStepsLimit"/>]; see docs/safety-filter.md, "The solver".
    /// </summary>
    public int MaxNewtonSteps { get; init; } = 100;

    /// <summary>
    /// The former name of <see cref="MaxNewtonSteps"/> (from the coordinate-ascent solver it replaced, whose budget counted
    /// sweeps; the <c>safety.max_sweeps</c> parameter). Reads and sets <see cref="MaxNewtonSteps"/>; kept only until its
    /// callers use the new name.
    /// </summary>
    public int MaxSweeps
    {
        get => MaxNewtonSteps;
        init => MaxNewtonSteps = value;
    }

    /// <summary>
    /// Work budget of one connected group, in multiply-adds of its sparse factorisations per robot of the group. Small groups
    /// never reach it; a crowd of hundreds of robots in contact (whose factors fill in) stops there with the safe fallback,
    /// so a tick's time stays about linear in the number of robots. Must be &gt; 0.
    /// </summary>
    public double WorkBudgetPerRobot { get; init; } = 50_000;

    /// <summary>Every problem as a message naming the parameter, its value and the allowed range; empty when valid.</summary>
    public IReadOnlyList<string> ValidationErrors()
    {
        var e = new List<string>();
        Check(e, nameof(SafetyRadiusM), SafetyRadiusM, double.IsFinite(SafetyRadiusM) && SafetyRadiusM > 0, "finite and > 0");
        Check(e, nameof(WallMarginM), WallMarginM, double.IsFinite(WallMarginM) && WallMarginM >= 0, "finite and >= 0");
        Check(e, nameof(PairBarrierGain), PairBarrierGain, double.IsFinite(PairBarrierGain) && PairBarrierGain > 0, "finite and > 0");
        Check(e, nameof(WallBarrierGain), WallBarrierGain, double.IsFinite(WallBarrierGain) && WallBarrierGain > 0, "finite and > 0");
        Check(e, nameof(DiscreteDecayFraction), DiscreteDecayFraction, DiscreteDecayFraction > 0 && DiscreteDecayFraction <= 1, "(0, 1]");
        Check(e, nameof(RecoverySpeedMps), RecoverySpeedMps, double.IsFinite(RecoverySpeedMps) && RecoverySpeedMps > 0, "finite and > 0");
        Check(e, nameof(ConvergenceToleranceMps), ConvergenceToleranceMps, double.IsFinite(ConvergenceToleranceMps) && ConvergenceToleranceMps > 0, "finite and > 0");
        Check(e, nameof(ConstraintTighteningMps), ConstraintTighteningMps,
            double.IsFinite(ConstraintTighteningMps) && ConstraintTighteningMps > ConvergenceToleranceMps && ConstraintTighteningMps < 1e-2,
            string.Create(CultureInfo.InvariantCulture, $"({ConvergenceToleranceMps} = ConvergenceToleranceMps, 0.01)"));
        Check(e, nameof(MaxNewtonSteps), MaxNewtonSteps, MaxNewtonSteps is >= 1 and <= MaxNewtonStepsLimit,
            string.Create(CultureInfo.InvariantCulture, $"[1, {MaxNewtonStepsLimit}]"));
        Check(e, nameof(WorkBudgetPerRobot), WorkBudgetPerRobot, WorkBudgetPerRobot > 0, "> 0");
        return e;
    }

    internal static void Check(List<string> errors, string name, double value, bool ok, string range, string section = nameof(SafetyFilterOptions))
    {
        if (!ok)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{section}.{name} = {value} is out of range; allowed: {range}."));
        }
    }
}

/// <summary>Parameters of the command pipeline (gain, saturation, safety).</summary>
public sealed record CommandPipelineOptions
{
    /// <summary>The box the controlled points must stay in (its dimension must match the robot models').</summary>
    public required ArenaBox Arena { get; init; }

    /// <summary>
    /// Time scale k: the nominal point velocity is u = k * (blob velocity). The blob velocity is in arena length per unit of
    /// flow time; k is flow time per second (1/s), so u is in m/s. Must be finite and &gt; 0.
    /// </summary>
    public double VelocityGain { get; init; } = 1.0;

    /// <summary>How nominal velocities above the robots' limits are saturated.</summary>
    public SaturationMode Saturation { get; init; } = SaturationMode.PerRobot;

    /// <summary>The safety filter.</summary>
    public SafetyFilterOptions Safety { get; init; } = new();

    /// <summary>Every problem as a message naming the parameter, its value and the allowed range; empty when valid.</summary>
    public IReadOnlyList<string> ValidationErrors()
    {
        var e = new List<string>();
        if (Arena is null)
        {
            e.Add("CommandPipelineOptions.Arena is missing; allowed: a 2-D or 3-D ArenaBox.");
        }

        SafetyFilterOptions.Check(e, nameof(VelocityGain), VelocityGain, double.IsFinite(VelocityGain) && VelocityGain > 0, "finite and > 0", nameof(CommandPipelineOptions));
        if (!Enum.IsDefined(Saturation))
        {
            e.Add(string.Create(CultureInfo.InvariantCulture, $"CommandPipelineOptions.Saturation = {(int)Saturation}; allowed: PerRobot, CommonScale."));
        }

        if (Safety is null)
        {
            e.Add("CommandPipelineOptions.Safety is missing.");
        }
        else
        {
            e.AddRange(Safety.ValidationErrors());
        }

        return e;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when invalid.</summary>
    public void Validate()
    {
        var errors = ValidationErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }
}
