using SwarmCoverage.Control;

namespace SwarmCoverage.Control.Tests;

/// <summary>
/// Closed loop: the pipeline's commands are integrated by the test's own plant (exact Euler for holonomic and aerial robots,
/// the exact circular arc for unicycles) and the physical invariants are checked at every step.
/// </summary>
public class SafetySimulationTests
{
    private const double Period = 0.05;
    private const double Tol = 1e-9;

    private sealed class Swarm
    {
        public required ArenaBox Arena { get; init; }

        public required RobotModel[] Models { get; init; }

        public required Pose[] Poses { get; init; }

        public int N => Poses.Length;

        public int D => Arena.Dimension;

        public double[] Points()
        {
            var p = new double[N * D];
            for (int i = 0; i < N; i++)
            {
                Models[i].ControlledPoint(Poses[i], p.AsSpan(i * D, D));
            }

            return p;
        }

        public void Advance(RobotCommand[] cmds)
        {
            for (int i = 0; i < N; i++)
            {
                var c = cmds[i];
                Poses[i] = Models[i].Kind == RobotKind.DifferentialDrive
                    ? TestSupport.IntegrateUnicycle(Poses[i], c.Vx, c.OmegaZ, Period)
                    : Poses[i] with { X = Poses[i].X + Period * c.Vx, Y = Poses[i].Y + Period * c.Vy, Z = Poses[i].Z + Period * c.Vz };
            }
        }
    }

    /// <summary>Runs the loop; returns (min pair distance, min wall clearance of controlled points, totals).</summary>
    private static (double MinPair, double MinWall, CommandTotals Totals) Run(Swarm s, CommandPipeline pipe, int steps,
        Func<int, double[], double[]> nominal, double[]? obstacles = null, Action<RobotCommand[]>? check = null)
    {
        int n = s.N, d = s.D;
        var prev = new RobotCommand[n];
        var cmds = new RobotCommand[n];
        var head = new double[n];
        double minPair = double.PositiveInfinity, minWall = double.PositiveInfinity;
        for (int t = 0; t < steps; t++)
        {
            var pts = s.Points();
            for (int i = 0; i < n; i++)
            {
                head[i] = s.Poses[i].YawRad;
            }

            var des = nominal(t, pts);
            pipe.Step(new ControlStepInput
            {
                ControlledPoints = pts,
                HeadingsRad = head,
                Models = s.Models,
                DesiredVelocities = des,
                PreviousCommands = prev,
                ObstaclePoints = obstacles ?? [],
                ControlPeriodS = Period,
            }, cmds);
            Assert.All(cmds, c => Assert.True(c.IsFinite));
            check?.Invoke(cmds);
            s.Advance(cmds);
            Array.Copy(cmds, prev, n);
            var after = s.Points();
            if (n > 1)
            {
                minPair = Math.Min(minPair, TestSupport.MinPairDistance(after, d));
            }

            minWall = Math.Min(minWall, TestSupport.MinWallClearance(after, d, s.Arena));
            if (obstacles is not null)
            {
                for (int i = 0; i < n; i++)
                {
                    for (int q = 0; q < obstacles.Length / d; q++)
                    {
                        double dist = 0;
                        for (int k = 0; k < d; k++)
                        {
                            dist += Math.Pow(after[i * d + k] - obstacles[q * d + k], 2);
                        }

                        minPair = Math.Min(minPair, Math.Sqrt(dist));
                    }
                }
            }
        }

        return (minPair, minWall, pipe.Totals);
    }

    private static RobotModel Holo => new() { Name = "holo", Kind = RobotKind.Holonomic2D, MaxLinearSpeedMps = 0.3, MaxLinearAccelerationMps2 = 2.0 };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_robots_at_exactly_the_safety_radius_pushed_together_never_get_closer(bool unicycle)
    {
        var arena = ArenaBox.Rectangle(-1, 1, -1, 1);
        var o = new SafetyFilterOptions { SafetyRadiusM = 0.15 };
        var model = unicycle ? RobotPresets.RobotariumGritsbot : Holo;
        double l = unicycle ? model.ProjectionDistanceM : 0;
        // Controlled points at (-0.075, 0) and (0.075, 0): exactly r apart, facing each other.
        var s = new Swarm
        {
            Arena = arena,
            Models = [model, model],
            Poses = [Pose.Planar(-0.075 - l, 0, 0), Pose.Planar(0.075 + l, 0, Math.PI)],
        };
        Assert.Equal(0.15, TestSupport.MinPairDistance(s.Points(), 2), 1e-15);
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena, Safety = o });
        var (minPair, _, totals) = Run(s, pipe, 200, (_, p) => [p[2] - p[0], p[3] - p[1], p[0] - p[2], p[1] - p[3]]);
        Assert.True(minPair >= 0.15 - Tol, $"closest approach {minPair}");
        Assert.True(totals.SafetyInterventions > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_robot_on_the_wall_margin_pushed_outwards_stays_inside(bool unicycle)
    {
        var arena = ArenaBox.Rectangle(-1, 1, -1, 1);
        var o = new SafetyFilterOptions { WallMarginM = 0.075 };
        var model = unicycle ? RobotPresets.TurtleBot3Burger : Holo;
        double l = unicycle ? model.ProjectionDistanceM : 0;
        var s = new Swarm { Arena = arena, Models = [model], Poses = [Pose.Planar(0.925 - l, 0.925 - 0.3, 0)] };
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena, Safety = o });
        var (_, minWall, _) = Run(s, pipe, 200, (_, _) => [1.0, 1.0]);
        Assert.True(minWall >= 0.075 - Tol, $"wall clearance {minWall}");
        var p = s.Points();
        Assert.True(p[1] > 0.8, $"the robot should still slide along the wall towards the corner, got y = {p[1]}");
    }

    public static TheoryData<int, int, string> DenseCases => new()
    {
        { 40, 1, "holo" },
        { 40, 2, "holo" },
        { 40, 3, "grits" },
        { 40, 4, "burger" },
        { 30, 5, "mixed" },
    };

    [Theory]
    [MemberData(nameof(DenseCases))]
    public void Random_dense_swarms_driven_into_each_other_and_the_walls_stay_safe(int n, int seed, string kind)
    {
        var arena = ArenaBox.Rectangle(-1.6, 1.6, -1, 1);
        var o = new SafetyFilterOptions { SafetyRadiusM = 0.15, WallMarginM = 0.075 };
        var rng = new Random(seed);
        var models = new RobotModel[n];
        for (int i = 0; i < n; i++)
        {
            models[i] = kind switch
            {
                "holo" => Holo,
                "grits" => RobotPresets.RobotariumGritsbot,
                "burger" => RobotPresets.TurtleBot3Burger,
                _ => (i % 3) switch { 0 => Holo, 1 => RobotPresets.RobotariumGritsbot, _ => RobotPresets.TurtleBot3Waffle },
            };
        }

        // Controlled points at least r + 2 mm apart and inside the wall margin; headings random.
        var pts = TestSupport.PoissonPoints(n, 2, arena, 0.08, 0.152, seed);
        var poses = new Pose[n];
        for (int i = 0; i < n; i++)
        {
            double th = rng.NextDouble() * 2 * Math.PI - Math.PI;
            double l = models[i].Kind == RobotKind.DifferentialDrive ? models[i].ProjectionDistanceM : 0;
            poses[i] = Pose.Planar(pts[2 * i] - l * Math.Cos(th), pts[2 * i + 1] - l * Math.Sin(th), th);
        }

        var s = new Swarm { Arena = arena, Models = models, Poses = poses };
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena, Safety = o, VelocityGain = 1.0 });
        // Adversarial nominal: phases that squeeze everyone into the centre, push everyone into the nearest wall, and shake randomly.
        var noise = new Random(seed + 1000);
        var (minPair, minWall, totals) = Run(s, pipe, 300, (t, p) =>
        {
            var des = new double[p.Length];
            for (int i = 0; i < n; i++)
            {
                double x = p[2 * i], y = p[2 * i + 1];
                (des[2 * i], des[2 * i + 1]) = (t / 100) switch
                {
                    0 => (-3 * x, -3 * y),
                    1 => (2 * Math.Sign(x), 2 * Math.Sign(y)),
                    _ => (noise.NextDouble() - 0.5, noise.NextDouble() - 0.5),
                };
            }

            return des;
        });
        Assert.True(minPair >= 0.15 - Tol, $"closest approach {minPair} m");
        Assert.True(minWall >= 0.075 - Tol, $"wall clearance {minWall} m");
        Assert.True(totals.SafetyInterventions > 100, $"only {totals.SafetyInterventions} interventions: the scenario is not adversarial");
        Assert.Equal(0, totals.NonFiniteCommandsReplaced);
    }

    [Fact]
    public void Aerial_swarm_in_3D_stays_apart_and_inside()
    {
        var arena = ArenaBox.Box(-1, 1, -1, 1, 0, 1.5);
        var model = new RobotModel { Name = "cf", Kind = RobotKind.Aerial3D, MaxLinearSpeedMps = 0.5, MaxVerticalSpeedMps = 0.3, MaxLinearAccelerationMps2 = 3 };
        var o = new SafetyFilterOptions { SafetyRadiusM = 0.25, WallMarginM = 0.1 };
        const int n = 30;
        var pts = TestSupport.PoissonPoints(n, 3, arena, 0.12, 0.26, 11);
        var s = new Swarm
        {
            Arena = arena,
            Models = Enumerable.Repeat(model, n).ToArray(),
            Poses = Enumerable.Range(0, n).Select(i => new Pose(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2], 0)).ToArray(),
        };
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena, Safety = o });
        var (minPair, minWall, totals) = Run(s, pipe, 200, (t, p) =>
        {
            var des = new double[p.Length];
            for (int q = 0; q < p.Length; q++)
            {
                des[q] = t < 100 ? -2 * (p[q] - (q % 3 == 2 ? 0.0 : 0)) : 2 * Math.Sign(p[q] - (q % 3 == 2 ? 0.75 : 0));
            }

            return des;
        });
        Assert.True(minPair >= 0.25 - Tol, $"closest approach {minPair}");
        Assert.True(minWall >= 0.1 - Tol, $"wall clearance {minWall}");
        Assert.True(totals.SafetyInterventions > 0);
    }

    [Fact]
    public void Stale_robots_are_avoided_as_fixed_obstacles()
    {
        var arena = ArenaBox.Rectangle(-1, 1, -1, 1);
        var model = RobotPresets.RobotariumGritsbot;
        var s = new Swarm { Arena = arena, Models = [model], Poses = [Pose.Planar(-0.5, 0.01, 0)] };
        double[] obstacle = [0.0, 0.0];
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena });
        var (minDist, _, _) = Run(s, pipe, 200, (_, p) => [-p[0] + 0.3, -p[1]], obstacle);
        Assert.True(minDist >= 0.15 - Tol, $"came within {minDist} m of the stale robot");
    }

    [Fact]
    public void An_impossible_recovery_demand_is_relaxed_to_what_the_limits_allow_and_counted_for_that_group_only()
    {
        // Two robots 0.05 m apart with r = 0.15 and a demanded recovery speed of 10 m/s: separating at min(0.1 / T, 10) = 2 m/s
        // is far beyond 2 x 0.3 m/s. The filter relaxes the demand to the braking command plus the recovery push (both at
        // full speed apart), counts it, keeps every limit, and a third robot far away is unaffected.
        var arena = ArenaBox.Rectangle(-2, 2, -2, 2);
        var o = new SafetyFilterOptions { SafetyRadiusM = 0.15, RecoverySpeedMps = 10 };
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena, Safety = o });
        var cmds = new RobotCommand[3];
        var free = Holo with { MaxLinearAccelerationMps2 = double.PositiveInfinity };
        var diag = pipe.Step(new ControlStepInput
        {
            ControlledPoints = [0, 0, 0.05, 0, 1.5, 1.5],
            HeadingsRad = new double[3],
            Models = [free, free, free],
            DesiredVelocities = [0.1, 0, 0.1, 0, 0.1, 0.1],
            PreviousCommands = new RobotCommand[3],
            ControlPeriodS = Period,
        }, cmds);
        Assert.Equal(0, diag.InfeasibleComponents);
        Assert.True(diag.Safety.BrakingRelaxations >= 1, "the recovery demand was not relaxed");
        Assert.True(diag.Safety.UnsafeRelaxations >= 1, "the pair stays inside the radius after the period and must be counted");
        // Moving apart, each at (almost) the speed limit of the inscribed 16-gon.
        double limit = ActuatorRows.PolygonInradius * 0.3;
        Assert.True(cmds[0].Vx < -0.99 * limit && cmds[0].Vx >= -limit - 1e-12, $"robot 0: {cmds[0]}");
        Assert.True(cmds[1].Vx > 0.99 * limit && cmds[1].Vx <= limit + 1e-12, $"robot 1: {cmds[1]}");
        Assert.Equal(0.1, cmds[2].Vx, 1e-4);
        Assert.Equal(0.1, cmds[2].Vy, 1e-4);
    }

    [Fact]
    public void Overlapping_robots_separate_at_the_recovery_speed()
    {
        var arena = ArenaBox.Rectangle(-2, 2, -2, 2);
        var s = new Swarm { Arena = arena, Models = [Holo, Holo], Poses = [Pose.Planar(0, 0, 0), Pose.Planar(0.1, 0, 0)] };
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena, Safety = new SafetyFilterOptions { RecoverySpeedMps = 0.05 } });
        double last = 0.1;
        var (_, _, totals) = Run(s, pipe, 30, (_, p) => [p[2] - p[0], 0, p[0] - p[2], 0], check: _ =>
        {
            double dist = TestSupport.MinPairDistance(s.Points(), 2);
            Assert.True(dist >= last - 1e-12, "an unsafe pair must never get closer");
            last = dist;
        });
        Assert.True(TestSupport.MinPairDistance(s.Points(), 2) >= 0.15 - Tol);
        Assert.Equal(0, totals.BrakedBySafety);
    }

    [Fact]
    public void A_robot_that_cannot_stop_in_time_brakes_within_its_limits_and_it_is_counted()
    {
        // A Burger driving at full speed at a wall with a tiny acceleration limit (0.05 m/s^2: 0.48 m to stop) 0.075 m before
        // the wall margin cannot stop in time. The limits are never dropped: every command decelerates by at most a T, the
        // filter counts the relaxed wall constraint, and the robot brakes as hard as it can.
        var arena = ArenaBox.Rectangle(-1, 1, -1, 1);
        var model = RobotPresets.TurtleBot3Burger with { MaxLinearAccelerationMps2 = 0.05 };
        var s = new Swarm { Arena = arena, Models = [model], Poses = [Pose.Planar(0.8, 0, 0)] };
        var pipe = new CommandPipeline(new CommandPipelineOptions { Arena = arena });
        var prev = new[] { new RobotCommand(0.22, 0, 0, 0) };
        var cmds = new RobotCommand[1];
        for (int t = 0; t < 40; t++)
        {
            var pts = s.Points();
            pipe.Step(new ControlStepInput
            {
                ControlledPoints = pts, HeadingsRad = [s.Poses[0].YawRad], Models = [model], DesiredVelocities = [1, 0],
                PreviousCommands = prev, ControlPeriodS = Period,
            }, cmds);
            Assert.True(Math.Abs(cmds[0].Vx - prev[0].Vx) <= 0.05 * Period + 1e-12, $"tick {t}: v {prev[0].Vx} -> {cmds[0].Vx}");
            if (prev[0].Vx > 0.05 * Period)
            {
                // As hard as allowed, less the constraint tightening (2 x 1e-5 sqrt 2 m/s) that keeps the braking command strictly feasible.
                Assert.True(cmds[0].Vx <= prev[0].Vx - 0.05 * Period + 1e-4, $"tick {t}: not braking as hard as allowed ({prev[0].Vx} -> {cmds[0].Vx})");
            }

            s.Advance(cmds);
            prev[0] = cmds[0];
        }

        Assert.True(pipe.Totals.BrakingRelaxations > 0);
        Assert.True(pipe.Totals.UnsafeRelaxations > 0);
        Assert.Equal(0, pipe.Totals.BrakedBySafety);
    }
}
