using System.Globalization;
using SwarmCoverage.Control;
using SwarmCoverage.Core;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Sampling;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Control.Configuration;

/// <summary>
/// The controller's parameters, shared by <c>simulate</c> and the ROS 2 controller node. The arena is the target's box.
/// </summary>
public sealed record ControllerSettings
{
    public required TargetDensity Target { get; init; }

    /// <summary>Mollifier width in metres; null chooses 0.75 x the mean spacing of the robots.</summary>
    public double? Epsilon { get; init; }

    public double? GridSpacingM { get; init; }
    public double Cutoff { get; init; } = 8.0;
    public int? Threads { get; init; }
    public double ControlRateHz { get; init; } = 20.0;

    /// <summary>m/s per unit of blob velocity (the flow's time scale).</summary>
    public double VelocityGain { get; init; } = 0.02;

    public SaturationMode Saturation { get; init; } = SaturationMode.PerRobot;

    /// <summary>Distance l ahead of the axle of the controlled point of differential-drive robots.</summary>
    public double ProjectionDistanceM { get; init; } = 0.05;

    public bool SafetyEnabled { get; init; } = true;

    /// <summary>Smallest allowed distance between robot centres (what counts as a collision).</summary>
    public double SafetyRadiusM { get; init; } = 0.22;

    /// <summary>Smallest allowed distance from a robot centre to the arena's walls; null: the robot's body radius.</summary>
    public double? WallMarginM { get; init; }

    public double PairBarrierGain { get; init; } = 100.0;
    public double WallBarrierGain { get; init; } = 40.0;
    /// <summary>Newton steps the safety filter's solver may take per group and tick (<c>safety.max_newton_steps</c>).</summary>
    public int SafetyMaxNewtonSteps { get; init; } = 100;
    public double PoseTimeoutS { get; init; } = 0.5;
    public double ArenaToleranceM { get; init; } = 0.25;
    public double MaxPlausibleSpeedMps { get; init; } = 2.0;

    /// <summary>The largest targets accepted from messages (<c>inputs.*</c>).</summary>
    public InputLimits Inputs { get; init; } = InputLimits.Default;

    /// <summary>Seconds between two energy-distance evaluations for the status (0: never; it costs O(N x quadrature)).</summary>
    public double EnergyDistancePeriodS { get; init; } = 1.0;

    /// <summary>Seconds between two summary lines in the log.</summary>
    public double LogPeriodS { get; init; } = 10.0;

    public Box Arena => Target.Domain;
    public double ControlPeriodS => 1.0 / ControlRateHz;

    /// <summary>eps for N robots: the parameter, or 0.75 x (|arena| / N)^(1/d).</summary>
    public double EpsilonFor(int robots) => Epsilon ?? Sampler.AutomaticEpsilon(Arena, Math.Max(1, robots));

    public BlobOptions FieldOptions(int robots)
    {
        var o = new BlobOptions { Epsilon = EpsilonFor(robots), GridSpacing = GridSpacingM, Cutoff = Cutoff, MaxDegreeOfParallelism = Threads };
        o.Validate();
        return o;
    }

    public ArenaBox ArenaBox() => new(Arena.Min, Arena.Max);

    /// <summary>
    /// The safety filter works on controlled points, which may be up to l from the robot centre. To keep centres
    /// <see cref="SafetyRadiusM"/> apart it uses r + 2 l between controlled points, and keeps controlled points
    /// (wall margin + l) from the walls.
    /// </summary>
    public SafetyFilterOptions SafetyFor(double maxProjectionM, double bodyRadiusM) => new()
    {
        Enabled = SafetyEnabled,
        SafetyRadiusM = SafetyRadiusM + 2 * maxProjectionM,
        WallMarginM = (WallMarginM ?? bodyRadiusM) + maxProjectionM,
        PairBarrierGain = PairBarrierGain,
        WallBarrierGain = WallBarrierGain,
        MaxSweeps = SafetyMaxNewtonSteps,
    };

    /// <summary>
    /// The command pipeline for a swarm of these models with this largest body radius; <c>simulate</c> and the controller
    /// node both build theirs here so the two cannot drift apart. The safety filter derives each robot's braking horizon
    /// from its acceleration limits itself.
    /// </summary>
    public CommandPipelineOptions PipelineOptions(IReadOnlyCollection<RobotModel> models, double bodyRadiusM)
    {
        ArgumentNullException.ThrowIfNull(models);
        double maxL = models.Count == 0 ? 0 : models.Max(m => m.Kind == RobotKind.DifferentialDrive ? m.ProjectionDistanceM : 0);
        return new CommandPipelineOptions
        {
            Arena = ArenaBox(),
            VelocityGain = VelocityGain,
            Saturation = Saturation,
            Safety = SafetyFor(maxL, bodyRadiusM),
        };
    }

    public RobotRegistryOptions RegistryOptions() => new()
    {
        PoseTimeoutS = PoseTimeoutS,
        ArenaToleranceM = ArenaToleranceM,
        MaxPlausibleSpeedMps = MaxPlausibleSpeedMps,
    };

    /// <summary>Reads every controller parameter; unknown ones are refused later by <see cref="RosParamsFile.ThrowOnUnknown"/>.</summary>
    public static ControllerSettings Read(RosParamsFile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var target = TargetParams.Read(p);
        double eps = p.Double(ControlParameters.Epsilon);
        double spacing = p.Double(ControlParameters.GridSpacing);
        var s = new ControllerSettings
        {
            Target = target,
            Epsilon = eps > 0 ? eps : null,
            GridSpacingM = spacing > 0 ? spacing : null,
            Cutoff = p.Double(ControlParameters.Cutoff),
            Threads = p.Int(ControlParameters.Threads) is var t && t > 0 ? t : null,
            ControlRateHz = p.Double(ControlParameters.ControlRateHz),
            VelocityGain = p.Double(ControlParameters.VelocityGain),
            Saturation = p.String(ControlParameters.Saturation) == "per_robot" ? SaturationMode.PerRobot : SaturationMode.CommonScale,
            ProjectionDistanceM = p.Double(ControlParameters.ProjectionDistance),
            SafetyEnabled = p.Bool(ControlParameters.SafetyEnabled),
            SafetyRadiusM = p.Double(ControlParameters.SafetyRadius),
            WallMarginM = p.OptionalDouble(ControlParameters.WallMargin),
            PairBarrierGain = p.Double(ControlParameters.PairGain),
            WallBarrierGain = p.Double(ControlParameters.WallGain),
            SafetyMaxNewtonSteps = ReadNewtonSteps(p),
            PoseTimeoutS = p.Double(ControlParameters.PoseTimeout),
            ArenaToleranceM = p.Double(ControlParameters.ArenaTolerance),
            MaxPlausibleSpeedMps = p.Double(ControlParameters.MaxPlausibleSpeed),
            Inputs = new InputLimits { MaxGridCells = p.Int(ControlParameters.MaxGridCells), MaxComponents = p.Int(ControlParameters.MaxComponents) },
            EnergyDistancePeriodS = p.Double(ControlParameters.EnergyDistancePeriod),
            LogPeriodS = p.Double(ControlParameters.LogPeriod),
        };
        if (s.Target.Dimension is not (2 or 3))
            throw new InputException($"{p.Source}: the target is {s.Target.Dimension}-D; robots need a 2-D (ground) or 3-D (aerial) target");
        return s;
    }

    /// <summary><c>safety.max_newton_steps</c>, or its former name <c>safety.max_sweeps</c> with a warning (not both).</summary>
    private static int ReadNewtonSteps(RosParamsFile p)
    {
        var old = ControlParameters.MaxSweepsObsolete;
        if (!p.Has(old.Name)) return p.Int(ControlParameters.MaxNewtonSteps);
        if (p.Has(ControlParameters.MaxNewtonSteps.Name))
            throw new InputException($"{p.Source}: parameters '{old.Name}' and '{ControlParameters.MaxNewtonSteps.Name}' are both set; '{old.Name}' is the former name, keep only '{ControlParameters.MaxNewtonSteps.Name}'");
        _ = p.Int(ControlParameters.MaxNewtonSteps); // marks the new name as known
        int v = p.Int(old.Name, 0, old.IntegerMinimum, old.IntegerMaximum);
        p.Warn(old.Name, $"is the former name of '{ControlParameters.MaxNewtonSteps.Name}' (it counts the solver's Newton steps); rename it");
        return v;
    }

    public string Describe(int robots) => string.Create(CultureInfo.InvariantCulture,
        $"eps {EpsilonFor(robots):G3} m, control {ControlRateHz:G4} Hz, gain {VelocityGain:G3}, saturation {Saturation}, safety radius {SafetyRadiusM:G3} m{(SafetyEnabled ? "" : " (filter OFF)")}");
}
