using SwarmCoverage.Sim.Sdf;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Core;
using SwarmCoverage.Sim;

namespace SwarmCoverage.Nodes;

/// <summary>Where the simulated robots start when the world is generated.</summary>
public enum StartFormation
{
    /// <summary>A square block in the arena's (min x, min y) corner, every robot facing +x.</summary>
    Corner,

    /// <summary>A square block in the middle of the arena, every robot facing +x.</summary>
    Centre,
}

/// <summary>The in-process simulation of <c>simulate</c> (parameters under <c>sim.</c> and <c>output.</c>).</summary>
public sealed record SimulationSettings
{
    /// <summary>An SDF world with the robots; null generates one from the preset.</summary>
    public string? WorldFile { get; init; }

    public string RobotPreset { get; init; } = "turtlebot3_burger";
    public int Robots { get; init; } = 40;
    public StartFormation Start { get; init; } = StartFormation.Corner;

    /// <summary>Distance between neighbouring robots of the start block; null: safety radius + 2 l + 0.03 m.</summary>
    public double? StartSpacingM { get; init; }

    public double DurationS { get; init; } = 120;
    public ulong Seed { get; init; } = 1;
    public double CommandLatencyS { get; init; }
    public double PositionNoiseM { get; init; }
    public double YawNoiseRad { get; init; }
    public double CommandTimeoutS { get; init; } = 0.5;
    public double LimiterStepS { get; init; } = 0.001;
    public double MetricsPeriodS { get; init; } = 0.5;
    public bool WriteTrajectories { get; init; } = true;

    /// <summary>Record the run as run.mcap (<c>output.record</c>).</summary>
    public bool Record { get; init; } = true;

    public SimulationOptions SimulatorOptions() => new()
    {
        Seed = Seed,
        CommandLatencySeconds = CommandLatencyS,
        PositionNoiseStdM = PositionNoiseM,
        YawNoiseStdRad = YawNoiseRad,
        CommandTimeoutSeconds = CommandTimeoutS,
        LimiterStepSeconds = LimiterStepS,
    };

    public static SimulationSettings Read(RosParamsFile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var s = new SimulationSettings
        {
            WorldFile = p.Path(NodeParameters.SimWorld),
            RobotPreset = p.String(NodeParameters.SimRobotModel),
            Robots = p.Int(NodeParameters.SimRobots),
            Start = p.String(NodeParameters.SimStart) == "corner" ? StartFormation.Corner : StartFormation.Centre,
            StartSpacingM = p.OptionalDouble(NodeParameters.SimStartSpacing),
            DurationS = p.Double(NodeParameters.SimDuration),
            Seed = (ulong)p.Int(NodeParameters.SimSeed),
            CommandLatencyS = p.Double(NodeParameters.SimLatency),
            PositionNoiseM = p.Double(NodeParameters.SimPositionNoise),
            YawNoiseRad = p.Double(NodeParameters.SimYawNoise),
            CommandTimeoutS = p.Double(NodeParameters.SimCommandTimeout),
            LimiterStepS = p.Double(NodeParameters.SimLimiterStep),
            MetricsPeriodS = p.Double(NodeParameters.MetricsPeriod),
            WriteTrajectories = p.Bool(NodeParameters.WriteTrajectories),
            Record = p.Bool(NodeParameters.WriteRecording),
        };
        if (s.WorldFile is { } w && !File.Exists(w))
            throw new InputException($"{p.Source}: parameter 'sim.world' names {w}, which does not exist");
        return s;
    }
}

/// <summary>A whole scenario: controller and simulation.</summary>
public sealed record Scenario(string Source, ControllerSettings Controller, SimulationSettings Simulation)
{
    /// <summary>The parameters as read (run-time changes of a live simulation are read again on top of them).</summary>
    public RosParamsFile Parameters { get; init; } = RosParamsFile.Empty();

    /// <summary>The Foxglove server of <c>simulate --live</c> (<c>foxglove.*</c>).</summary>
    public Live.FoxgloveSettings Foxglove { get; init; } = new();

    public const string NodeName = "swarm_coverage";

    /// <summary>Name of the embedded default scenario (the same file as launch/simulate_default.yaml).</summary>
    public const string DefaultResource = "SwarmCoverage.Nodes.simulate_default.yaml";

    public static Scenario Load(RosParamsFile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var controller = ControllerSettings.Read(p);
        var sim = SimulationSettings.Read(p);
        // A params file written for the ROS 2 nodes (robots.*, topics.*, use_sim_time, ...) runs here too: those
        // parameters are checked as the controller node checks them, then left unused.
        if (p.Names.Any(Nodes.ControllerNodeSettings.IsNodeParameter))
            _ = Nodes.ControllerNodeSettings.Read(p, null);
        // The Foxglove server and the console of simulate --live (foxglove.*), checked whether or not the run is live.
        var foxglove = Live.FoxgloveSettings.Read(p, decentralized: false);
        _ = NodeParameters.DistroOf(p); // ros.distro: one params file serves the nodes and simulate; checked, unused in-process
        p.ThrowOnUnknown();
        if (controller.Target.Dimension != 2)
            throw new InputException($"{p.Source}: simulate runs ground robots on a 2-D target; this target is {controller.Target.Dimension}-D");
        return new Scenario(p.Source, controller, sim) { Parameters = p, Foxglove = foxglove };
    }

    public static Scenario LoadFile(string path) => Load(RosParamsFile.Load(path, NodeName));

    public static Scenario Default()
    {
        using var stream = typeof(Scenario).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"embedded resource {DefaultResource} is missing");
        using var reader = new StreamReader(stream);
        return Load(RosParamsFile.Parse(reader.ReadToEnd(), "embedded default scenario (launch/simulate_default.yaml)", NodeName));
    }
}

/// <summary>The world of a scenario: its SDF world file, or robots generated in a block over the arena.</summary>
public static class ScenarioWorld
{
    public static World BuildWorld(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var s = scenario.Simulation;
        var box = scenario.Controller.Arena;
        if (s.WorldFile is { } file)
        {
            try
            {
                return SdfWorldReader.Load(file);
            }
            catch (SdfFormatException e)
            {
                throw new InputException(e.Message, e);
            }
        }
        var preset = Sim.RobotPresets.Get(s.RobotPreset);
        if (preset.Kind == DriveKind.Holonomic3D)
            throw new InputException($"{scenario.Source}: sim.robot_model {preset.Name} is aerial; simulate runs ground robots");
        double l = preset.Kind == DriveKind.DifferentialDrive ? scenario.Controller.ProjectionDistanceM : 0;
        double body = 0.5 * preset.CollisionDiameterM;
        double spacing = s.StartSpacingM ?? scenario.Controller.SafetyRadiusM + 2 * l + 0.03;
        int columns = (int)Math.Ceiling(Math.Sqrt(s.Robots));
        int rows = (s.Robots + columns - 1) / columns;
        double inset = Math.Max(0.5 * spacing, (scenario.Controller.WallMarginM ?? body) + l + 0.03);
        double width = (columns - 1) * spacing, depth = (rows - 1) * spacing;
        double x0 = s.Start == StartFormation.Corner ? box.Min[0] + inset : box.Min[0] + 0.5 * (box.Length(0) - width);
        double y0 = s.Start == StartFormation.Corner ? box.Min[1] + inset : box.Min[1] + 0.5 * (box.Length(1) - depth);
        if (x0 + width > box.Max[0] - inset + 1e-9 || y0 + depth > box.Max[1] - inset + 1e-9)
            throw new InputException($"{scenario.Source}: {s.Robots} robots at {spacing:G3} m spacing ({columns} x {rows}) do not fit in the arena {box}; lower sim.robots or sim.start_spacing_m");
        var robots = new List<RobotSpec>();
        for (int i = 0; i < s.Robots; i++)
            robots.Add(preset.CreateRobot($"robot_{i:D2}", new RobotPose(x0 + (i % columns) * spacing, y0 + (i / columns) * spacing, 0, 0)));
        return new World
        {
            Name = "swarm_coverage_" + preset.Name,
            Arena = new Arena(box.Min[0], box.Min[1], box.Max[0], box.Max[1]),
            Robots = robots,
        };
    }
}
