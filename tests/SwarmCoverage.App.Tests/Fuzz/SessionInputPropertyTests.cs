using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using SwarmCoverage.Control;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Nodes;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using RosComponent = SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs.GaussianComponent;
using RosPose = SwarmCoverage.Ros2.Messages.GeometryMsgs.Pose;
using RosTarget = SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs.Target;

namespace SwarmCoverage.App.Tests.Fuzz;

/// <summary>
/// Random and mutated messages through the control inputs' door into a running session, as a hostile peer would send
/// them (docs/inputs.md): targets, painted grids and poses with every float edge, sizes at the 32-bit limits and
/// arrays of the wrong length. Each is taken or refused with a reason; none is a defect (an exception the door had to
/// catch), the target in force stays until a good one arrives, and every command stays finite and within the robot's
/// limits.
/// </summary>
public sealed class SessionInputPropertyTests
{
    private const string Yaml = """
        swarm_coverage:
          ros__parameters:
            target:
              domain_min: [0.0, 0.0]
              domain_max: [4.0, 4.0]
              type: gaussian_mixture
              weights: [1.0]
              means: [2.5, 2.5]
              sigmas: [0.6, 0.6]
            epsilon: 0.4
            grid_spacing: 0.2
            control_rate_hz: 20.0
            velocity_gain: 0.3
            inputs:
              max_grid_cells: 4096
              max_components: 16
            watchdog:
              pose_timeout_s: 0.5
            status:
              energy_distance_period_s: 0.0
              log_period_s: 100000.0
        """;

    private const string TargetTopic = "topic /swarm_coverage/target";
    private const string GridTopic = "topic /swarm_coverage/target_grid";

    private static readonly string[] Names = ["r0", "r1", "r2", "r3"];
    private static readonly RobotModel Model = RobotPresets.TurtleBot3Burger;
    private static readonly Box Arena = new([0.0, 0.0], [4.0, 4.0]);

    private static readonly double[] Edges =
    [
        0, -0.0, -1, 1e-320, 1e-160, 1e-10, 1e10, 1e160, 1e308, -1e308, double.MaxValue, double.Epsilon,
        double.NaN, double.PositiveInfinity, double.NegativeInfinity,
    ];

    private static readonly uint[] Sizes = [0, 1, 2, 63, 64, 65, 4095, 4096, 4097, 65536, int.MaxValue, 2147483648, uint.MaxValue];

    private sealed class Ports : IPoseSource, ICommandSink
    {
        public Control.Pose?[] Poses { get; } = new Control.Pose?[Names.Length];

        public List<RobotCommand[]> Sent { get; } = [];

        public void TakePoses(PoseIntake intake)
        {
            for (int i = 0; i < Poses.Length; i++)
                if (Poses[i] is { } p) intake.Offer(i, p);
        }

        public void Send(in CommandBatch batch) => Sent.Add(batch.Wire.ToArray());
    }

    private static double Value(Random rng, double lo, double hi) =>
        rng.Next(4) == 0 ? Edges[rng.Next(Edges.Length)] : lo + ((hi - lo) * rng.NextDouble());

    private static uint Size(Random rng) => rng.Next(3) == 0 ? Sizes[rng.Next(Sizes.Length)] : (uint)rng.Next(1, 40);

    private static Point Point(Random rng, double lo, double hi) => new(Value(rng, lo, hi), Value(rng, lo, hi), Value(rng, lo, hi));

    internal static RosTarget RandomTarget(Random rng)
    {
        var msg = new RosTarget
        {
            Header = new Header { Stamp = new Time(rng.Next(), (uint)rng.Next()), FrameId = "map" },
            Dimension = (byte)(rng.Next(6) == 0 ? rng.Next(256) : 2),
            Kind = (byte)(rng.Next(8) == 0 ? rng.Next(256) : rng.Next(3)),
            BoxMin = rng.Next(5) == 0 ? Point(rng, -1, 1) : new Point(0, 0, 0),
            BoxMax = rng.Next(5) == 0 ? Point(rng, 3, 5) : new Point(4, 4, 0),
            Floor = rng.Next(3) == 0 ? Value(rng, 0, 1) : 1e-3,
        };
        int components = rng.Next(5) == 0 ? rng.Next(40) : rng.Next(1, 4);
        msg.Components = [.. Enumerable.Range(0, components).Select(_ => new RosComponent(Value(rng, 0.1, 2), Point(rng, 0, 4), new Vector3(Value(rng, 0.1, 1.5), Value(rng, 0.1, 1.5), Value(rng, 0.1, 1.5))))];
        msg.RasterSize[0] = Size(rng);
        msg.RasterSize[1] = Size(rng);
        msg.RasterSize[2] = rng.Next(4) == 0 ? Size(rng) : 1;
        long cells = Math.Min((long)msg.RasterSize[0] * msg.RasterSize[1] * msg.RasterSize[2], 5000);
        int length = (int)Math.Max(0, cells + (rng.Next(6) == 0 ? rng.Next(-2, 3) : 0));
        msg.RasterValues = [.. Enumerable.Range(0, length).Select(_ => Value(rng, 0, 10))];
        return msg;
    }

    internal static OccupancyGrid RandomGrid(Random rng)
    {
        uint w = Size(rng), h = Size(rng);
        long cells = Math.Min((long)w * h, 5000);
        int length = (int)Math.Max(0, cells + (rng.Next(6) == 0 ? rng.Next(-2, 3) : 0));
        var data = new sbyte[length];
        for (int i = 0; i < data.Length; i++) data[i] = (sbyte)(rng.Next(4) == 0 ? rng.Next(-128, 128) : rng.Next(-1, 101));
        return new OccupancyGrid
        {
            Header = new Header { FrameId = "map" },
            Info = new MapMetaData
            {
                Resolution = (float)(rng.Next(4) == 0 ? Edges[rng.Next(Edges.Length)] : 4.0 / Math.Max(w, 1)),
                Width = w,
                Height = h,
                Origin = new RosPose(rng.Next(4) == 0 ? Point(rng, -1, 1) : new Point(0, 0, 0), RandomQuaternion(rng)),
            },
            Data = data,
        };
    }

    private static Quaternion RandomQuaternion(Random rng) =>
        rng.Next(3) == 0 ? new Quaternion(Value(rng, -1, 1), Value(rng, -1, 1), Value(rng, -1, 1), Value(rng, -1, 1)) : new Quaternion(0, 0, 0, 1);

    private static ControlSession NewSession(Ports ports, TimeProvider time, bool offline)
    {
        var p = RosParamsFile.Parse(Yaml, "hostile.yaml", "swarm_coverage");
        return new ControlSession(
            new ControlSessionOptions
            {
                Settings = ControllerSettings.Read(p),
                Parameters = p,
                RobotNames = Names,
                Models = [.. Names.Select(_ => Model)],
                BodyRadiusM = 0.1,
                Offline = offline,
                WarmUp = false,
            },
            ports, ports, time);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_target_that_passes_the_door_but_cannot_be_prepared_is_refused_counted_and_the_target_in_force_stays(bool offline)
    {
        // An all-zero raster is a valid message (values >= 0) but nothing to cover: only the grid finds that out.
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddSeconds(1_000));
        var ports = new Ports();
        using var session = NewSession(ports, time, offline);
        var original = session.Target;
        var zero = new RosTarget { Dimension = 2, Kind = RosTarget.KindGrid, BoxMax = new Point(4, 4, 0), RasterValues = [0, 0, 0, 0] };
        zero.RasterSize[0] = 2;
        zero.RasterSize[1] = 2;
        zero.RasterSize[2] = 1;
        Assert.Null(ControlInputs.Target(session, zero, Arena, TargetTopic));
        InputTallySnapshot tally;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            session.Tick();
            time.Advance(TimeSpan.FromMilliseconds(50));
            tally = session.Inputs.Snapshot().Single(t => t.Input == TargetTopic);
            if (tally.Rejected > 0) break;
            await Task.Delay(10);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(0, tally.Accepted);
        Assert.Equal(1, tally.Rejected);
        Assert.Equal(0, tally.Defects);
        Assert.Contains("zero everywhere", tally.LastReason, StringComparison.Ordinal);
        session.Tick();
        Assert.Same(original, session.Target);

        // A good target after it is taken.
        var uniform = new RosTarget { Dimension = 2, Kind = RosTarget.KindUniform, BoxMax = new Point(4, 4, 0) };
        Assert.Null(ControlInputs.Target(session, uniform, Arena, TargetTopic));
        deadline = DateTime.UtcNow.AddSeconds(20);
        while (session.Target.Kind != "uniform" && DateTime.UtcNow < deadline)
        {
            session.Tick();
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(10);
        }

        Assert.Equal("uniform", session.Target.Kind);
        Assert.Equal(1, session.Inputs.Snapshot().Single(t => t.Input == TargetTopic).Accepted);
    }

    [Property(MaxTest = 300, Replay = "(20261207,21)")]
    public Property Hostile_messages_are_taken_or_refused_never_defects_and_commands_stay_finite_and_bounded()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var rng = new Random(seed);
            var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddSeconds(1_000));
            var ports = new Ports();
            using var session = NewSession(ports, time, offline: true);
            var original = session.Target;
            bool anyTaken = false;
            for (int step = 0; step < 4; step++)
            {
                string? refused = rng.Next(2) == 0
                    ? ControlInputs.Target(session, RandomTarget(rng), Arena, TargetTopic)
                    : ControlInputs.Grid(session, RandomGrid(rng), Arena, GridTopic);
                if (refused is null) anyTaken = true;
                else Assert.False(string.IsNullOrWhiteSpace(refused));
                for (int i = 0; i < Names.Length; i++)
                {
                    var position = rng.Next(4) == 0 ? Point(rng, -1, 5) : new Point(0.5 + i, 0.5 + (0.7 * i), 0);
                    ports.Poses[i] = rng.Next(6) == 0 ? null : DdsPoseSource.ToPose(new RosPose(position, RandomQuaternion(rng)));
                }

                session.Tick();
                time.Advance(TimeSpan.FromMilliseconds(50));
            }

            foreach (var tally in session.Inputs.Snapshot())
                Assert.True(tally.Defects == 0, $"seed {seed}: {tally.Input} had {tally.Defects} defects; last reason {tally.LastReason}");
            if (!anyTaken) Assert.Same(original, session.Target);
            foreach (var batch in ports.Sent)
                foreach (var c in batch)
                {
                    Assert.True(double.IsFinite(c.Vx) && double.IsFinite(c.Vy) && double.IsFinite(c.OmegaZ), $"seed {seed}: command {c}");
                    Assert.True(Math.Abs(c.Vx) <= Model.MaxLinearSpeedMps + 1e-12, $"seed {seed}: {c.Vx} m/s");
                    Assert.True(Math.Abs(c.OmegaZ) <= Model.MaxAngularSpeedRadps + 1e-12, $"seed {seed}: {c.OmegaZ} rad/s");
                }
        });
    }
}
