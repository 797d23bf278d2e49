using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;

namespace SwarmCoverage.Control;

/// <summary>
/// Compiles, once per process, every method of this assembly and the core types a tick runs (the blob field and its
/// kernels, the deterministic math, the metrics) before a control loop needs them, so that no tick pays the
/// just-in-time compilation of a path it takes for the first time (a safety-filter fallback, a wall row, a group over
/// a hundred robots): on the development VM one such first use cost a 20 ms tick, and a 60 s simulation of 100 robots
/// spent a quarter of its loop compiling (docs/speed.md, "Start-up").
/// </summary>
public static class JitWarmUp
{
    private static readonly Lazy<int> Prepared = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The types of the session around a step: a command's set-up runs much of them itself, on its own thread.</summary>
    private static readonly Type[] SessionTypes =
    [
        typeof(ControlSession), typeof(PoseIntake), typeof(InputLedger), typeof(InputTally), typeof(ObserverHub), typeof(RobotRegistry),
        typeof(SwarmSnapshot), typeof(RobotModel), typeof(Pose), typeof(RobotCommand),
    ];

    /// <summary>The types of the controller's step, in about the order a step first calls them: no set-up runs them.</summary>
    private static readonly Type[] StepTypes =
    [
        typeof(SwarmController), typeof(CommandPipeline), typeof(NearIdentity), typeof(ActuatorRows), typeof(SmallVector),
        typeof(SafetyFilter), typeof(NeighbourGrid), typeof(RowSet), typeof(DisjointSet), typeof(CoupledGroups),
        typeof(GroupQpSolver), typeof(PolytopeProjection), typeof(BlockCholesky), typeof(LatencyRecorder),
    ];

    /// <summary>
    /// Compiles them on the calling thread, or waits for a compilation already under way (<see cref="StartInBackground"/>);
    /// later calls return at once. Returns the number of methods compiled.
    /// </summary>
    public static int PrepareOnce() => Prepared.Value;

    /// <summary>
    /// Starts compiling the types every tick runs (this library's and the core's) and <paramref name="tickTypes"/> (for
    /// example the simulator's) on a thread-pool thread and returns at once, so a command that spends a second on one
    /// core reading the scenario and building the world compiles the loop on the other meanwhile. Not the rest of
    /// <see cref="PrepareOnce"/>: compiling that took the second core from the loop for most of a 60 s simulation, and a
    /// rarely taken path compiles when it is first taken (it changes no result). The step's types go first and the
    /// session's last: the set-up compiles much of the session (and of the blob field and metrics) on its own thread
    /// anyway, and a short run's first tick otherwise compiled the step itself beside the warm-up (docs/speed.md,
    /// "Start-up": bench_100's controller time 168 against 191 ms, medians of ten alternating runs).
    /// </summary>
    public static Task<int> StartInBackground(IEnumerable<Type>? tickTypes = null) =>
        Task.Run(() => JitPreparation.Prepare(
            StepTypes.Concat(JitPreparation.TickTypes()).Concat(tickTypes ?? []).Concat(SessionTypes)));

    private static int Prepare() =>
        JitPreparation.Prepare(JitPreparation.TickTypes().Concat(typeof(JitWarmUp).Assembly.GetTypes()));
}
