using System.Buffers.Binary;
using System.Security.Cryptography;
using SwarmCoverage.Control;
using SwarmCoverage.Core;

namespace SwarmCoverage.Control.Tests;

/// <summary>
/// Pins the safety filter's output bit for bit: fixed seeded crowds (packed, spread, with obstacles and walls, overlapping
/// starts, a group too large for its step budget, an aerial swarm; differential drive and holonomic robots) run for several
/// ticks, each tick's commands fed back through an exact plant, and a SHA-256 over the raw bits of every command and every
/// diagnostic counter is compared with the value the filter produced before it was split into parts.
/// A change of this hash is a change of behaviour, not a refactoring.
/// </summary>
public sealed class SafetyFilterCharacterizationTests
{
    private const double Period = 0.05;

    /// <summary>Computed once with the filter as it was before the split into parts (the commit that added this test).</summary>
    private const string ExpectedSha256 = "D6A3F834D91BE27E067EEFEEA8859C7764D6306FB77F0BAE013C5B9D6C849801";

    private static readonly RobotModel Holo = new()
    {
        Name = "holo", Kind = RobotKind.Holonomic2D, MaxLinearSpeedMps = 0.3, MaxLinearAccelerationMps2 = 1.5,
    };

    private static readonly RobotModel Drone = new()
    {
        Name = "drone", Kind = RobotKind.Aerial3D, MaxLinearSpeedMps = 0.4, MaxVerticalSpeedMps = 0.2, MaxLinearAccelerationMps2 = 2.0,
    };

    [Fact]
    public void The_filter_output_is_bit_identical_to_the_pinned_run()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var seen = new Coverage();
        foreach (var run in Runs())
        {
            Simulate(run, hash, seen);
        }

        string actual = Convert.ToHexString(hash.GetHashAndReset());

        // The crowds reach the paths the hash is meant to pin.
        Assert.True(seen.PairRows > 0 && seen.ObstacleRows > 0, $"pairs {seen.PairRows}, obstacles {seen.ObstacleRows}");
        Assert.True(seen.CoupledTicks > 0, "no tick had a coupled group");
        Assert.True(seen.NonConverged > 0, "no group fell back to the scaled braking command");
        Assert.True(seen.Relaxations > 0, "no row was relaxed");
        Assert.True(seen.Inconsistent > 0, "no previous command was outside the limits");
        Assert.True(seen.NewtonSteps > 0 && seen.Interventions > 0, $"{seen.NewtonSteps} Newton steps, {seen.Interventions} interventions");
        Assert.Equal(ExpectedSha256, actual);
    }

    [Fact]
    public void A_filter_reused_after_the_same_runs_gives_the_same_bits()
    {
        // Buffers grown and filled by earlier ticks (and by a larger crowd) must not change a later result.
        using var fresh = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var reused = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var run in Runs())
        {
            var filter = new SafetyFilter(run.Arena, run.Options);
            var larger = run with { Models = [.. run.Models, .. run.Models], Poses = [.. run.Poses, .. run.Poses], Previous = [.. run.Previous, .. run.Previous], Jitter = [.. run.Jitter, .. run.Jitter], Ticks = 1 };
            Simulate(larger, reused, new Coverage(), filter);
            Simulate(run, reused, new Coverage(), filter);
            Simulate(larger, fresh, new Coverage());
            Simulate(run, fresh, new Coverage());
        }

        Assert.Equal(Convert.ToHexString(fresh.GetHashAndReset()), Convert.ToHexString(reused.GetHashAndReset()));
    }

    private sealed record Run(string Name, ArenaBox Arena, SafetyFilterOptions Options, RobotModel[] Models, Pose[] Poses,
        double[] Previous, double[] Obstacles, double[] Goal, double Gain, double[] Jitter, int Ticks);

    private sealed class Coverage
    {
        public long PairRows, ObstacleRows, CoupledTicks, NonConverged, Relaxations, Inconsistent, NewtonSteps, Interventions;
    }

    private static IEnumerable<Run> Runs()
    {
        // 1. Packed: Burgers hex-packed just outside r + 2 hold margins, pushed to the centre (one jammed group).
        {
            var arena = ArenaBox.Rectangle(0, 4, 0, 3);
            var o = new SafetyFilterOptions { SafetyRadiusM = 0.32, WallMarginM = 0.15, DiscreteDecayFraction = 0.227 };
            var model = RobotPresets.TurtleBot3Burger;
            const int n = 40;
            var rng = new Random(11);
            double spacing = o.SafetyRadiusM + 2 * model.HoldErrorBoundM(Period) + 0.004;
            int cols = 7;
            var poses = new Pose[n];
            var prev = new double[2 * n];
            for (int i = 0; i < n; i++)
            {
                int row = i / cols, col = i % cols;
                double x = 2 - 0.5 * cols * spacing + (col + 0.5 * (row % 2)) * spacing;
                double y = 1.5 - 0.5 * (n / cols) * spacing * 0.866 + row * spacing * 0.866;
                double th = Angle(rng);
                poses[i] = Centre(model, x, y, th);
                double v = 0.04 * (2 * rng.NextDouble() - 1), w = 0.8 * (2 * rng.NextDouble() - 1);
                (prev[2 * i], prev[2 * i + 1]) = NearIdentity.ToSingleIntegrator(v, w, th, model.ProjectionDistanceM);
            }

            yield return new Run("packed", arena, o, Enumerable.Repeat(model, n).ToArray(), poses, prev, [], [2, 1.5], 0.3,
                Jitter(rng, 2 * n, 0.01), 8);
        }

        // 2. Spread: GRITSbots and holonomic robots alternately, some near the walls, four stale robots as obstacles.
        {
            var arena = ArenaBox.Rectangle(-1.5, 1.5, -1, 1);
            var o = new SafetyFilterOptions();
            const int n = 50;
            var rng = new Random(22);
            var pts = TestSupport.PoissonPoints(n, 2, arena, 0.06, 0.22, seed: 23);
            var models = Enumerable.Range(0, n).Select(i => i % 2 == 0 ? RobotPresets.RobotariumGritsbot : Holo).ToArray();
            var poses = new Pose[n];
            var prev = new double[2 * n];
            for (int i = 0; i < n; i++)
            {
                double th = Angle(rng);
                poses[i] = Centre(models[i], pts[2 * i], pts[2 * i + 1], th);
                prev[2 * i] = 0.1 * (2 * rng.NextDouble() - 1);
                prev[2 * i + 1] = 0.1 * (2 * rng.NextDouble() - 1);
            }

            double[] obstacles = [0.3, 0.2, -0.6, -0.4, 1.2, 0.7, -1.3, 0.85];
            // Driven towards a far corner, so the walls and the obstacles on the way bind.
            yield return new Run("spread", arena, o, models, poses, prev, obstacles, [1.6, -1.1], 0.5, Jitter(rng, 2 * n, 0.15), 12);
        }

        // 3. Overlapping start: holonomic robots inside each other's radius and a wall margin, previous commands above the limits.
        {
            var arena = ArenaBox.Rectangle(0, 1.5, 0, 1.2);
            var o = new SafetyFilterOptions { SafetyRadiusM = 0.2, WallMarginM = 0.1 };
            const int n = 20;
            var rng = new Random(33);
            var poses = new Pose[n];
            var prev = new double[2 * n];
            for (int i = 0; i < n; i++)
            {
                poses[i] = Pose.Planar(0.08 + 0.13 * (i % 5) + 0.02 * rng.NextDouble(), 0.1 + 0.17 * (i / 5) + 0.02 * rng.NextDouble(), 0);
                double speed = i % 3 == 0 ? 0.45 : 0.2;
                var (s, c) = DetMath.SinCos(Angle(rng));
                prev[2 * i] = speed * c;
                prev[2 * i + 1] = speed * s;
            }

            yield return new Run("overlap", arena, o, Enumerable.Repeat(Holo, n).ToArray(), poses, prev, [0.75, 0.6], [0.75, 0.6], 1.0,
                Jitter(rng, 2 * n, 0.2), 6);
        }

        // 4. A jam larger than the large-group threshold with a small step budget: the non-converged fallback.
        {
            var arena = ArenaBox.Rectangle(-2, 2, -2, 2);
            var o = new SafetyFilterOptions { SafetyRadiusM = 0.15, MaxNewtonSteps = 40 };
            var model = RobotPresets.RobotariumGritsbot;
            const int n = 121;
            var rng = new Random(44);
            var poses = new Pose[n];
            var prev = new double[2 * n];
            double spacing = 0.162;
            for (int i = 0; i < n; i++)
            {
                double x = -5 * spacing + (i % 11) * spacing, y = -5 * spacing + (i / 11) * spacing;
                double th = Angle(rng);
                poses[i] = Centre(model, x, y, th);
                (prev[2 * i], prev[2 * i + 1]) = NearIdentity.ToSingleIntegrator(0.1, 0, th, model.ProjectionDistanceM);
            }

            yield return new Run("large jam", arena, o, Enumerable.Repeat(model, n).ToArray(), poses, prev, [0, 0], [0, 0], 1.0,
                Jitter(rng, 2 * n, 0.02), 3);
        }

        // 5. Aerial swarm in 3-D, pushed down and to the centre (floor and pairs bind).
        {
            var arena = ArenaBox.Box(-1, 1, -1, 1, 0, 1.5);
            var o = new SafetyFilterOptions { SafetyRadiusM = 0.2, WallMarginM = 0.1 };
            const int n = 14;
            var rng = new Random(55);
            var pts = TestSupport.PoissonPoints(n, 3, ArenaBox.Box(-0.5, 0.5, -0.5, 0.5, 0.15, 0.9), 0, 0.21, seed: 56);
            var poses = new Pose[n];
            for (int i = 0; i < n; i++)
            {
                poses[i] = new Pose(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2], 0);
            }

            yield return new Run("aerial", arena, o, Enumerable.Repeat(Drone, n).ToArray(), poses, new double[3 * n], [0.1, -0.1, 0.4],
                [0, 0, -0.5], 1.0, Jitter(rng, 3 * n, 0.1), 6);
        }
    }

    private static void Simulate(Run run, IncrementalHash hash, Coverage seen, SafetyFilter? reuse = null)
    {
        int d = run.Arena.Dimension, n = run.Models.Length;
        var filter = reuse ?? new SafetyFilter(run.Arena, run.Options);
        var poses = (Pose[])run.Poses.Clone();
        var prev = (double[])run.Previous.Clone();
        var points = new double[n * d];
        var head = new double[n];
        var nominal = new double[n * d];
        var u = new double[n * d];
        Span<byte> buf = stackalloc byte[8];
        for (int t = 0; t < run.Ticks; t++)
        {
            for (int i = 0; i < n; i++)
            {
                run.Models[i].ControlledPoint(poses[i], points.AsSpan(i * d, d));
                head[i] = poses[i].YawRad;
                for (int k = 0; k < d; k++)
                {
                    nominal[i * d + k] = run.Gain * (run.Goal[k] - points[i * d + k]) + run.Jitter[i * d + k];
                }
            }

            var diag = filter.Filter(points, run.Models, head, prev, nominal, run.Obstacles, Period, u);
            foreach (double x in u)
            {
                Add(hash, buf, x);
            }

            AddDiagnostics(hash, buf, diag);
            seen.PairRows += diag.PairConstraints;
            seen.ObstacleRows += diag.ObstacleConstraints;
            seen.CoupledTicks += diag.Components < n ? 1 : 0;
            seen.NonConverged += diag.NonConvergedComponents;
            seen.Relaxations += diag.BrakingRelaxations + diag.RateRelaxations;
            seen.Inconsistent += diag.InconsistentPreviousCommands;
            seen.NewtonSteps += diag.NewtonSteps;
            seen.Interventions += diag.Interventions;

            // Exact plant: hold each command for one period; the next previous command is it at the new heading.
            for (int i = 0; i < n; i++)
            {
                var m = run.Models[i];
                var p = poses[i];
                if (m.Kind == RobotKind.DifferentialDrive)
                {
                    var (v, w) = NearIdentity.ToUnicycle(u[2 * i], u[2 * i + 1], p.YawRad, m.ProjectionDistanceM);
                    poses[i] = Arc(p, v, w);
                    (prev[2 * i], prev[2 * i + 1]) = NearIdentity.ToSingleIntegrator(v, w, poses[i].YawRad, m.ProjectionDistanceM);
                }
                else
                {
                    poses[i] = new Pose(p.X + Period * u[i * d], p.Y + Period * u[i * d + 1], d == 3 ? p.Z + Period * u[i * d + 2] : p.Z, p.YawRad);
                    u.AsSpan(i * d, d).CopyTo(prev.AsSpan(i * d, d));
                }
            }
        }
    }

    private static void AddDiagnostics(IncrementalHash hash, Span<byte> buf, in SafetyFilterDiagnostics g)
    {
        foreach (int x in (ReadOnlySpan<int>)[g.Robots, g.PairConstraints, g.ObstacleConstraints, g.Components, g.Interventions,
            g.InfeasibleComponents, g.BrakingFallbackRobots, g.NonConvergedComponents, g.OuterIterations, g.NewtonSteps,
            g.MaxComponentNewtonSteps, g.BrakingRelaxations, g.RateRelaxations, g.UnsafeRelaxations, g.InconsistentPreviousCommands])
        {
            BinaryPrimitives.WriteInt64LittleEndian(buf, x);
            hash.AppendData(buf);
        }

        foreach (double x in (ReadOnlySpan<double>)[g.NeighbourRadiusM, g.MaxBrakingHorizonS, g.MinPairDistanceM, g.MinObstacleDistanceM, g.MinWallClearanceM])
        {
            Add(hash, buf, x);
        }
    }

    private static void Add(IncrementalHash hash, Span<byte> buf, double x)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(buf, BitConverter.DoubleToUInt64Bits(x));
        hash.AppendData(buf);
    }

    /// <summary>Unicycle holding (v, omega) for one period (closed-form arc; DetMath, so the bits are the same everywhere).</summary>
    private static Pose Arc(Pose p, double v, double w)
    {
        var (s0, c0) = DetMath.SinCos(p.YawRad);
        if (Math.Abs(w) < 1e-12)
        {
            return p with { X = p.X + v * Period * c0, Y = p.Y + v * Period * s0 };
        }

        double th1 = p.YawRad + w * Period;
        var (s1, c1) = DetMath.SinCos(th1);
        return new Pose(p.X + v / w * (s1 - s0), p.Y - v / w * (c1 - c0), p.Z, th1);
    }

    /// <summary>The pose whose controlled point is (x, y) at heading th.</summary>
    private static Pose Centre(RobotModel m, double x, double y, double th)
    {
        if (m.Kind != RobotKind.DifferentialDrive)
        {
            return Pose.Planar(x, y, th);
        }

        var (s, c) = DetMath.SinCos(th);
        return Pose.Planar(x - m.ProjectionDistanceM * c, y - m.ProjectionDistanceM * s, th);
    }

    private static double Angle(Random rng) => (2 * rng.NextDouble() - 1) * Math.PI;

    private static double[] Jitter(Random rng, int count, double size) =>
        Enumerable.Range(0, count).Select(_ => size * (2 * rng.NextDouble() - 1)).ToArray();
}
