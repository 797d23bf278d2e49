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
    public int SafetyMaxSweeps { get; init; } = 100;
    public double PoseTimeoutS { get; init; } = 0.5;
    public double ArenaToleranceM { get; init; } = 0.25;
    public double MaxPlausibleSpeedMps { get; init; } = 2.0;

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
        MaxSweeps = SafetyMaxSweeps,
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
        double eps = p.Double("epsilon", 0, 0, 1e6);
        double spacing = p.Double("grid_spacing", 0, 0, 1e6);
        var s = new ControllerSettings
        {
            Target = target,
            Epsilon = eps > 0 ? eps : null,
            GridSpacingM = spacing > 0 ? spacing : null,
            Cutoff = p.Double("cutoff", 8.0, Core.Blob.BlobOptions.MinCutoff, Core.Blob.BlobOptions.MaxCutoff),
            Threads = p.Int("threads", 0, 0, 1024) is var t && t > 0 ? t : null,
            ControlRateHz = p.Double("control_rate_hz", 20.0, 0, 1000, minExclusive: true),
            VelocityGain = p.Double("velocity_gain", 0.02, 0, 1e6, minExclusive: true),
            Saturation = p.String("saturation", "per_robot", "per_robot", "common_scale") == "per_robot" ? SaturationMode.PerRobot : SaturationMode.CommonScale,
            ProjectionDistanceM = p.Double("robot.projection_distance_m", 0.05, 0, 1, minExclusive: true),
            SafetyEnabled = p.Bool("safety.enabled", true),
            SafetyRadiusM = p.Double("safety.radius_m", 0.22, 0, 100),
            WallMarginM = p.OptionalDouble("safety.wall_margin_m", 0, 100),
            PairBarrierGain = p.Double("safety.pair_gain", 100.0, 0, 1e9, minExclusive: true),
            WallBarrierGain = p.Double("safety.wall_gain", 40.0, 0, 1e9, minExclusive: true),
            SafetyMaxSweeps = p.Int("safety.max_sweeps", 100, 1, 100_000),
            PoseTimeoutS = p.Double("watchdog.pose_timeout_s", 0.5, 0, 3600, minExclusive: true),
            ArenaToleranceM = p.Double("watchdog.arena_tolerance_m", 0.25, 0, 100),
            MaxPlausibleSpeedMps = p.Double("watchdog.max_plausible_speed_mps", 2.0, 0, 1000, minExclusive: true),
        };
        if (s.Target.Dimension is not (2 or 3))
            throw new InputException($"{p.Source}: the target is {s.Target.Dimension}-D; robots need a 2-D (ground) or 3-D (aerial) target");
        return s;
    }

    public string Describe(int robots) => string.Create(CultureInfo.InvariantCulture,
        $"eps {EpsilonFor(robots):G3} m, control {ControlRateHz:G4} Hz, gain {VelocityGain:G3}, saturation {Saturation}, safety radius {SafetyRadiusM:G3} m{(SafetyEnabled ? "" : " (filter OFF)")}");
}
