using BenchmarkDotNet.Attributes;
using SwarmCoverage.Sim;

namespace SwarmCoverage.Benchmarks;

/// <summary>How the benchmark's controller commands change from tick to tick.</summary>
public enum CommandPattern
{
    /// <summary>Slowly varying commands, as a closed-loop controller produces (the limiter ramps briefly).</summary>
    Smooth,

    /// <summary>Uniformly random commands every tick: the limiter ramps the whole tick (worst case).</summary>
    Random,
}

/// <summary>
/// One 20 Hz control tick of the in-process simulator for N differential-drive robots: set every
/// command from spans, advance 50 ms, read every noisy pose into spans. The baseline is the naive
/// way Gazebo advances DiffDrive (limiter, wheels and pose every 1 ms physics step, sin/cos each).
/// Per robot per tick = Mean / Robots. Run:
/// <c>dotnet run -c Release --project tests/SwarmCoverage.Benchmarks -- --filter '*SimulatorBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class SimulatorBenchmarks
{
    private const int Ticks = 64;
    private const double ControlPeriodSeconds = 0.05;

    private Simulator _fine = null!;
    private Simulator _coarse = null!;
    private NaiveGzDiffDrive[] _naive = [];
    private double[][] _linear = [];
    private double[][] _angular = [];
    private double[] _x = [];
    private double[] _y = [];
    private double[] _yaw = [];
    private int _tick;

    /// <summary>Number of robots.</summary>
    [Params(100, 1000)]
    public int Robots { get; set; }

    /// <summary>Robot preset: the Burger has a linear acceleration limit, the GRITSbot a wheel-speed limit.</summary>
    [Params("turtlebot3_burger", "gritsbot")]
    public string Preset { get; set; } = "turtlebot3_burger";

    /// <summary>Command pattern.</summary>
    [Params(CommandPattern.Smooth, CommandPattern.Random)]
    public CommandPattern Pattern { get; set; }

    /// <summary>Builds the simulators and precomputes the commands of 64 ticks.</summary>
    [GlobalSetup]
    public void Setup()
    {
        RobotPreset preset = RobotPresets.Get(Preset);
        var robots = Enumerable.Range(0, Robots)
            .Select(i => preset.CreateRobot($"r{i}", new RobotPose(0.01 * i, 0.02 * i, 0, 0.1 * i)))
            .ToList();
        SimulationOptions options = new() { PositionNoiseStdM = 0.001, YawNoiseStdRad = 0.01, Seed = 1 };
        _fine = new Simulator(robots, options with { LimiterStepSeconds = 0.001 });
        _coarse = new Simulator(robots, options with { LimiterStepSeconds = 0.005 });
        _naive = [.. robots.Select(r => new NaiveGzDiffDrive(r.DiffDrive!, r.StartPose.XM, r.StartPose.YM, r.StartPose.YawRad))];
        double vMax = preset.DiffDrive!.MaxLinearVelocityMps;
        double wMax = preset.DiffDrive.MaxAngularVelocityRadps;
        var random = new Random(42);
        _linear = new double[Ticks][];
        _angular = new double[Ticks][];
        for (int k = 0; k < Ticks; k++)
        {
            _linear[k] = new double[Robots];
            _angular[k] = new double[Robots];
            for (int i = 0; i < Robots; i++)
            {
                if (Pattern == CommandPattern.Random)
                {
                    _linear[k][i] = vMax * ((2 * random.NextDouble()) - 1);
                    _angular[k][i] = wMax * ((2 * random.NextDouble()) - 1);
                }
                else
                {
                    _linear[k][i] = vMax * (0.5 + (0.4 * Math.Sin((0.05 * k) + i)));
                    _angular[k][i] = wMax * 0.5 * Math.Sin((0.07 * k) + (2 * i));
                }
            }
        }

        _x = new double[Robots];
        _y = new double[Robots];
        _yaw = new double[Robots];
    }

    /// <summary>Naive baseline: every robot stepped 50 times by 1 ms, as Gazebo's physics loop does.</summary>
    [Benchmark(Baseline = true)]
    public double NaiveGzEveryMillisecond()
    {
        double[] v = _linear[_tick % Ticks];
        double[] w = _angular[_tick % Ticks];
        _tick++;
        double sum = 0;
        for (int i = 0; i < _naive.Length; i++)
        {
            NaiveGzDiffDrive robot = _naive[i];
            for (int ms = 0; ms < 50; ms++)
            {
                robot.Step(v[i], w[i], 0.001);
            }

            sum += robot.X;
        }

        return sum;
    }

    /// <summary>One control tick with the default 1 ms limiter step (gz's physics step).</summary>
    [Benchmark]
    public double ControlTick() => Tick(_fine);

    /// <summary>One control tick with a 5 ms limiter step.</summary>
    [Benchmark]
    public double ControlTickLimiterStep5ms() => Tick(_coarse);

    private double Tick(Simulator sim)
    {
        sim.SetCommands(_linear[_tick % Ticks], _angular[_tick % Ticks]);
        _tick++;
        sim.Step(ControlPeriodSeconds);
        sim.GetMeasuredPoses(_x, _y, _yaw);
        return _x[0];
    }

    /// <summary>gz-sim DiffDrive stepped literally (gz-math SpeedLimiter, wheel clip, closed-form pose per step).</summary>
    private sealed class NaiveGzDiffDrive(DiffDriveParameters p, double x, double y, double yaw)
    {
        private double _last0Lin, _last1Lin, _last0Ang, _last1Ang;
        private double _yaw = yaw;

        public double X { get; private set; } = x;

        public double Y { get; private set; } = y;

        public void Step(double targetV, double targetW, double dt)
        {
            double lin = Limit(targetV, _last0Lin, _last1Lin, dt, p.MinLinearVelocityMps, p.MaxLinearVelocityMps, p.MinLinearAccelerationMps2,
                p.MaxLinearAccelerationMps2, p.MinLinearJerkMps3, p.MaxLinearJerkMps3);
            double ang = Limit(targetW, _last0Ang, _last1Ang, dt, p.MinAngularVelocityRadps, p.MaxAngularVelocityRadps, p.MinAngularAccelerationRadps2,
                p.MaxAngularAccelerationRadps2, p.MinAngularJerkRadps3, p.MaxAngularJerkRadps3);
            _last1Lin = _last0Lin;
            _last0Lin = lin;
            _last1Ang = _last0Ang;
            _last0Ang = ang;
            double right = Math.Clamp((lin + (ang * p.WheelSeparationM / 2.0)) / p.WheelRadiusM, -p.MaxWheelSpeedRadps, p.MaxWheelSpeedRadps);
            double left = Math.Clamp((lin - (ang * p.WheelSeparationM / 2.0)) / p.WheelRadiusM, -p.MaxWheelSpeedRadps, p.MaxWheelSpeedRadps);
            double v = (right + left) * p.WheelRadiusM / 2.0;
            double w = (right - left) * p.WheelRadiusM / p.WheelSeparationM;
            double yaw1 = _yaw + (w * dt);
            if (Math.Abs(w * dt) < 1e-9)
            {
                X += v * dt * Math.Cos(_yaw);
                Y += v * dt * Math.Sin(_yaw);
            }
            else
            {
                X += v / w * (Math.Sin(yaw1) - Math.Sin(_yaw));
                Y -= v / w * (Math.Cos(yaw1) - Math.Cos(_yaw));
            }

            _yaw = yaw1;
        }

        private static double Limit(double vel, double prev, double prevPrev, double dt, double minV, double maxV, double minA, double maxA, double minJ, double maxJ)
        {
            double accUnclamped = (vel - prev) / dt;
            double accPrev = (prev - prevPrev) / dt;
            double jerk = Math.Clamp((accUnclamped - accPrev) / dt, minJ, maxJ);
            vel = prev + ((accPrev + (jerk * dt)) * dt);
            double acc = Math.Clamp((vel - prev) / dt, minA, maxA);
            vel = prev + (acc * dt);
            return Math.Clamp(vel, minV, maxV);
        }
    }
}

/// <summary>
/// How the simulator node takes the commands of one control tick that arrive one by one between two odometry steps
/// (N robots, N commands spread over the first 5 ms of a 50 ms period, as a controller's publishing burst arrives):
/// stepping every robot to each arrival before handing its command over (what the node did before 2026-11-29, O(N) per
/// command), against queueing each command at its arrival instant and stepping once. Run:
/// <c>dotnet run -c Release --project tests/SwarmCoverage.Benchmarks -- --filter '*CommandIntakeBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 15)]
public class CommandIntakeBenchmarks
{
    private const long PeriodNs = 50_000_000;
    private const long BurstNs = 5_000_000;

    private Simulator _stepping = null!;
    private Simulator _queueing = null!;
    private VelocityCommand[] _commands = [];
    private long[] _arrivalOffsetNs = [];
    private long _stepEndNs;
    private long _queueEndNs;

    /// <summary>Number of robots (and of commands per tick).</summary>
    [Params(100, 1000)]
    public int Robots { get; set; }

    /// <summary>Builds two identical swarms of Burgers and one tick's commands with their arrival offsets.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var robots = Enumerable.Range(0, Robots)
            .Select(i => RobotPresets.TurtleBot3Burger.CreateRobot($"r{i}", new RobotPose(0.5 * (i % 40), 0.5 * (i / 40), 0, 0.1 * i)))
            .ToList();
        _stepping = new Simulator(robots);
        _queueing = new Simulator(robots);
        var random = new Random(42);
        _commands = [.. Enumerable.Range(0, Robots).Select(_ => VelocityCommand.Unicycle(0.1 * random.NextDouble(), 0.5 * random.NextDouble()))];
        _arrivalOffsetNs = [.. Enumerable.Range(0, Robots).Select(i => 1 + (i * BurstNs / Robots))];
    }

    /// <summary>One tick, stepping every robot to each arrival.</summary>
    [Benchmark(Baseline = true)]
    public double StepToEachArrival()
    {
        long start = _stepEndNs;
        for (int i = 0; i < _commands.Length; i++)
        {
            _stepping.StepTo(new SimTime(start + _arrivalOffsetNs[i]));
            _stepping.SetCommand(i, _commands[i]);
        }

        _stepEndNs = start + PeriodNs;
        _stepping.StepTo(new SimTime(_stepEndNs));
        return _stepping.GetTruePose(0).XM;
    }

    /// <summary>One tick, queueing each command at its arrival instant.</summary>
    [Benchmark]
    public double QueueAtArrival()
    {
        long start = _queueEndNs;
        for (int i = 0; i < _commands.Length; i++)
        {
            _queueing.SetCommand(i, _commands[i], new SimTime(start + _arrivalOffsetNs[i]));
        }

        _queueEndNs = start + PeriodNs;
        _queueing.StepTo(new SimTime(_queueEndNs));
        return _queueing.GetTruePose(0).XM;
    }
}
