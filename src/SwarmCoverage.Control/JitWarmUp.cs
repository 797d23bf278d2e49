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

    /// <summary>
    /// Compiles them on the calling thread, or waits for a compilation already under way (<see cref="StartInBackground"/>);
    /// later calls return at once. Returns the number of methods compiled.
    /// </summary>
    public static int PrepareOnce() => Prepared.Value;

    /// <summary>
    /// Starts <see cref="PrepareOnce"/> on a thread-pool thread and returns at once, so a command that has seconds of
    /// set-up on one core (reading the scenario, building the world) compiles the loop on the other meanwhile, along
    /// with <paramref name="moreTypes"/> (for example the simulator's) after this library's.
    /// </summary>
    public static Task<int> StartInBackground(IEnumerable<Type>? moreTypes = null) =>
        Task.Run(() => PrepareOnce() + (moreTypes is null ? 0 : JitPreparation.Prepare(moreTypes)));

    private static int Prepare() =>
        JitPreparation.Prepare(JitPreparation.TickTypes().Concat(typeof(JitWarmUp).Assembly.GetTypes()));
}
