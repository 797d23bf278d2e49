using BenchmarkDotNet.Attributes;
using SwarmCoverage.Control;

namespace SwarmCoverage.Benchmarks;

/// <summary>
/// One control tick of the command pipeline (gain, saturation, acceleration limits, safety filter, near-identity map) for
/// Robotarium GRITSbots at 20 Hz. Scenarios: "spread" (robots at least 0.25 m apart with a smooth desired field, as in a
/// coverage run) and "jam" (after 100 ticks of everyone driven to the centre at full speed: a packed crowd in contact).
/// Baseline: the same pipeline with the safety filter disabled.
/// </summary>
[MemoryDiagnoser]
public class ControlBenchmarks
{
    private const double Period = 0.05;
    private CommandPipeline _filtered = null!;
    private CommandPipeline _unfiltered = null!;
    private double[] _points = [];
    private double[] _headings = [];
    private double[] _desired = [];
    private RobotModel[] _models = [];
    private RobotCommand[] _previous = [];
    private RobotCommand[] _commands = [];

    [Params(100, 1000)]
    public int Robots { get; set; }

    [Params("spread", "jam")]
    public string Scenario { get; set; } = "spread";

    [GlobalSetup]
    public void Setup()
    {
        int n = Robots;
        double side = Math.Sqrt(n * 0.2);
        var arena = ArenaBox.Rectangle(-side / 2, side / 2, -side / 2, side / 2);
        _filtered = new CommandPipeline(new CommandPipelineOptions { Arena = arena });
        _unfiltered = new CommandPipeline(new CommandPipelineOptions { Arena = arena, Safety = new SafetyFilterOptions { Enabled = false } });
        var model = RobotPresets.RobotariumGritsbot;
        _models = Enumerable.Repeat(model, n).ToArray();
        _previous = new RobotCommand[n];
        _commands = new RobotCommand[n];
        _headings = new double[n];
        _desired = new double[2 * n];
        var rng = new Random(12345);
        var poses = new Pose[n];
        var pts = new List<double>();
        while (pts.Count < 2 * n)
        {
            double x = (rng.NextDouble() - 0.5) * (side - 0.3), y = (rng.NextDouble() - 0.5) * (side - 0.3);
            bool ok = true;
            for (int j = 0; j < pts.Count && ok; j += 2)
            {
                ok = (pts[j] - x) * (pts[j] - x) + (pts[j + 1] - y) * (pts[j + 1] - y) >= 0.25 * 0.25;
            }

            if (ok)
            {
                pts.Add(x);
                pts.Add(y);
            }
        }

        for (int i = 0; i < n; i++)
        {
            double th = rng.NextDouble() * 2 * Math.PI - Math.PI;
            poses[i] = Pose.Planar(pts[2 * i] - 0.05 * Math.Cos(th), pts[2 * i + 1] - 0.05 * Math.Sin(th), th);
        }

        _points = new double[2 * n];
        Fill(poses);
        if (Scenario == "jam")
        {
            for (int t = 0; t < 100; t++)
            {
                Tick(_filtered);
                for (int i = 0; i < n; i++)
                {
                    var c = _commands[i];
                    var p = poses[i];
                    double th1 = p.YawRad + c.OmegaZ * Period;
                    poses[i] = Math.Abs(c.OmegaZ) < 1e-12
                        ? p with { X = p.X + c.Vx * Period * Math.Cos(p.YawRad), Y = p.Y + c.Vx * Period * Math.Sin(p.YawRad) }
                        : new Pose(p.X + c.Vx / c.OmegaZ * (Math.Sin(th1) - Math.Sin(p.YawRad)), p.Y - c.Vx / c.OmegaZ * (Math.Cos(th1) - Math.Cos(p.YawRad)), 0, th1);
                }

                Array.Copy(_commands, _previous, n);
                Fill(poses);
            }
        }
    }

    private void Fill(Pose[] poses)
    {
        for (int i = 0; i < poses.Length; i++)
        {
            _models[i].ControlledPoint(poses[i], _points.AsSpan(2 * i, 2));
            _headings[i] = poses[i].YawRad;
            double x = _points[2 * i], y = _points[2 * i + 1];
            if (Scenario == "jam")
            {
                _desired[2 * i] = -x;
                _desired[2 * i + 1] = -y;
            }
            else
            {
                // A smooth field of the size blob velocities have in a coverage run.
                _desired[2 * i] = 0.1 * Math.Sin(3 * y) - 0.05 * x;
                _desired[2 * i + 1] = 0.1 * Math.Cos(2 * x) - 0.05 * y;
            }
        }
    }

    private ControlStepDiagnostics Tick(CommandPipeline pipe) => pipe.Step(new ControlStepInput
    {
        ControlledPoints = _points,
        HeadingsRad = _headings,
        Models = _models,
        DesiredVelocities = _desired,
        PreviousCommands = _previous,
        ControlPeriodS = Period,
    }, _commands);

    [Benchmark(Baseline = true, Description = "pipeline, no safety filter")]
    public int WithoutSafetyFilter() => Tick(_unfiltered).Robots;

    [Benchmark(Description = "pipeline with safety filter")]
    public int WithSafetyFilter() => Tick(_filtered).Safety.NewtonSteps;
}
