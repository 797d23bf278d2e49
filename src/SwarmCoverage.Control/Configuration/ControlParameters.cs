using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;
using static SwarmCoverage.Control.Parameters.ParameterDescriptor;

namespace SwarmCoverage.Control.Configuration;

/// <summary>
/// The controller's parameters (the control session's part of the one parameter table): those marked
/// <see cref="ParameterDescriptor.RunTime"/> may change while it runs, through any live face, and are applied at a tick
/// boundary; the others need a restart (docs/parameters.md).
/// </summary>
public static class ControlParameters
{
    public static readonly ParameterDescriptor TargetFile = FilePath("target.file", "A target file (YAML/JSON), relative to the params file; or the target inline (target.domain_min ...)", runTime: true);
    public static readonly ParameterDescriptor TargetDomainMin = Doubles("target.domain_min", "m", "Lower corner of the box, which is also the arena");
    public static readonly ParameterDescriptor TargetDomainMax = Doubles("target.domain_max", "m", "Upper corner of the box, which is also the arena");
    public static readonly ParameterDescriptor TargetType = Text("target.type", "gaussian_mixture", "Kind of inline target", runTime: true, "uniform", "gaussian_mixture");
    public static readonly ParameterDescriptor TargetFloor = Double("target.floor", TargetDensity.DefaultFloor, TargetDensity.MinFloor, 1, "", "rhobar >= floor x its mean", runTime: true);
    public static readonly ParameterDescriptor TargetWeights = Doubles("target.weights", "", "Mixture component weights", runTime: true);
    public static readonly ParameterDescriptor TargetMeans = Doubles("target.means", "m", "Mixture component means, d numbers per component", runTime: true);
    public static readonly ParameterDescriptor TargetSigmas = Doubles("target.sigmas", "m", "Mixture component standard deviations, d numbers per component", runTime: true);

    public static readonly ParameterDescriptor Epsilon = Double("epsilon", 0, 0, 1e6, "m", "Mollifier width eps; 0: 0.75 x the mean robot spacing (|arena| / N)^(1/d)", runTime: true);
    public static readonly ParameterDescriptor GridSpacing = Double("grid_spacing", 0, 0, 1e6, "m", "Largest grid cell; 0: eps / 2", runTime: true);
    public static readonly ParameterDescriptor Cutoff = Double("cutoff", 8.0, BlobOptions.MinCutoff, BlobOptions.MaxCutoff, "eps", "Kernel reach in units of eps");
    public static readonly ParameterDescriptor Threads = Integer("threads", 0, 0, 1024, "", "Threads of the blob field; 0: all (results do not depend on it)");
    public static readonly ParameterDescriptor ControlRateHz = Double("control_rate_hz", 20.0, 0, 1000, "Hz", "Control rate", minExclusive: true);
    public static readonly ParameterDescriptor VelocityGain = Double("velocity_gain", 0.02, 0, 1e6, "m/s", "Metres per second per unit of blob velocity (the flow's time scale)", minExclusive: true, runTime: true);
    public static readonly ParameterDescriptor Saturation = Text("saturation", "per_robot", "per_robot, or common_scale: one scale for the whole swarm, which keeps the flow's direction field", runTime: true, "per_robot", "common_scale");
    public static readonly ParameterDescriptor ProjectionDistance = Double("robot.projection_distance_m", 0.05, 0, 1, "m", "l: the controlled point of a differential-drive robot is l ahead of its axle", minExclusive: true);

    public static readonly ParameterDescriptor SafetyEnabled = Boolean("safety.enabled", true, "The barrier-certificate safety filter");
    public static readonly ParameterDescriptor SafetyRadius = Double("safety.radius_m", 0.22, 0, 100, "m", "Smallest distance between robot centres (the filter keeps controlled points r + 2l apart)", runTime: true);
    public static readonly ParameterDescriptor WallMargin = new()
    {
        Name = "safety.wall_margin_m",
        Type = ParameterType.Double,
        Minimum = 0,
        Maximum = 100,
        Unit = "m",
        Description = "Smallest distance from a robot centre to a wall",
        DefaultMeaning = "body radius",
    };

    public static readonly ParameterDescriptor PairGain = Double("safety.pair_gain", 100.0, 0, 1e9, "", "Barrier gain gamma of robot pairs (Robotarium's 100 is conservative: raise for tighter packing)", minExclusive: true, runTime: true);
    public static readonly ParameterDescriptor WallGain = Double("safety.wall_gain", 40.0, 0, 1e9, "", "Barrier gain gamma of the walls", minExclusive: true, runTime: true);
    public static readonly ParameterDescriptor MaxNewtonSteps = Integer("safety.max_newton_steps", 100, 1, SafetyFilterOptions.MaxNewtonStepsLimit, "", "Newton steps the safety filter's solver may take per coupled group and tick before that group falls back to braking");

    /// <summary>The former name of <see cref="MaxNewtonSteps"/>, still accepted with a warning.</summary>
    public static readonly ParameterDescriptor MaxSweepsObsolete = MaxNewtonSteps with
    {
        Name = "safety.max_sweeps",
        Description = "Former name of safety.max_newton_steps (accepted with a warning)",
        Default = null,
    };

    public static readonly ParameterDescriptor PoseTimeout = Double("watchdog.pose_timeout_s", 0.5, 0, 3600, "s", "A robot whose pose is older is commanded zero and left out of the density", minExclusive: true, runTime: true);
    public static readonly ParameterDescriptor ArenaTolerance = Double("watchdog.arena_tolerance_m", 0.25, 0, 100, "m", "Poses farther outside the arena are rejected");
    public static readonly ParameterDescriptor MaxPlausibleSpeed = Double("watchdog.max_plausible_speed_mps", 2.0, 0, 1000, "m/s", "Poses that jump faster are rejected", minExclusive: true);

    public static readonly ParameterDescriptor MaxGridCells = Integer("inputs.max_grid_cells", InputLimits.DefaultMaxGridCells, 1, (int)Core.Blob.BlobGrid.MaxCells, "cells", "Largest raster target or painted grid accepted from a message; larger ones are refused before anything is allocated");
    public static readonly ParameterDescriptor MaxComponents = Integer("inputs.max_components", InputLimits.DefaultMaxComponents, 1, 1 << 20, "", "Largest number of mixture components accepted from a message");

    public static readonly ParameterDescriptor EnergyDistancePeriod = Double("status.energy_distance_period_s", 1.0, 0, 3600, "s", "Seconds between two energy-distance evaluations for the status; 0: never (large swarms)", runTime: true);
    public static readonly ParameterDescriptor LogPeriod = Double("status.log_period_s", 10.0, 0, 1e6, "s", "Seconds between summary log lines", minExclusive: true, runTime: true);

    /// <summary>Every controller parameter, in README order.</summary>
    public static IReadOnlyList<ParameterDescriptor> All { get; } =
    [
        TargetFile, TargetDomainMin, TargetDomainMax, TargetType, TargetFloor, TargetWeights, TargetMeans, TargetSigmas,
        Epsilon, GridSpacing, Cutoff, Threads, ControlRateHz, VelocityGain, Saturation, ProjectionDistance,
        SafetyEnabled, SafetyRadius, WallMargin, PairGain, WallGain, MaxNewtonSteps, MaxSweepsObsolete,
        PoseTimeout, ArenaTolerance, MaxPlausibleSpeed, MaxGridCells, MaxComponents, EnergyDistancePeriod, LogPeriod,
    ];
}
