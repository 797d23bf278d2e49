using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Parallel;

namespace SwarmCoverage.Control;

/// <summary>What one controller tick computed.</summary>
/// <param name="Active">Robots with a fresh pose that took part in the density.</param>
/// <param name="Blob">Energy, chi2 and max U/rhobar of the active robots' controlled points (default when none is active).</param>
/// <param name="Control">Saturation and safety-filter diagnostics.</param>
public readonly record struct ControllerTick(int Active, BlobEvaluation Blob, ControlStepDiagnostics Control);

/// <summary>
/// The controller step of the architecture: (poses, target, parameters) -> commands, a pure and deterministic
/// function of the registry snapshot. Active robots' controlled points go through the blob field (equal masses),
/// the desired velocities through the command pipeline (gain, saturation, acceleration limits, safety filter),
/// and every robot without a fresh pose gets zero. Buffers are reused between ticks.
/// Controlled points slightly outside the target's box (the registry tolerates a margin) are clamped onto it.
/// On a machine with more than one processor, the safety filter's rows (which do not depend on the desired velocities)
/// are built on a second thread while the blob field computes those velocities (docs/speed.md, "Rows beside the field");
/// each writes only its own buffers, so the result is the same bit for bit as one after the other.
/// </summary>
public sealed class SwarmController : IDisposable, IParallelWork
{
    /// <summary>Active robots from which the rows are built beside the blob field (below, handing them over costs more).</summary>
    internal const int OverlapRobots = 16;

    // One pool for every controller of the process (a controller is replaced with its parameters and has no owner that
    // would dispose a pool of its own); its threads inherit the scheduling policy of the first control loop that steps.
    private static readonly Lazy<WorkerPool> OverlapPool =
        new(() => new WorkerPool(2, "controller"), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly CommandPipeline _pipeline;
    private double[] _points = [];
    private double[] _desired = [];
    private RobotCommand[] _active = [];
    private BlobEvaluation _blob;

    public SwarmController(BlobField field, CommandPipeline pipeline, double controlPeriodS)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(pipeline);
        if (!(controlPeriodS > 0) || !double.IsFinite(controlPeriodS))
            throw new ArgumentOutOfRangeException(nameof(controlPeriodS), controlPeriodS, "control period must be a finite number of seconds > 0");
        if (pipeline.Options.Arena.Dimension != field.Dimension)
            throw new ArgumentException($"the arena is {pipeline.Options.Arena.Dimension}-D but the target is {field.Dimension}-D", nameof(pipeline));
        Field = field;
        _pipeline = pipeline;
        ControlPeriodS = controlPeriodS;
    }

    public BlobField Field { get; }
    public CommandPipeline Pipeline => _pipeline;
    public double ControlPeriodS { get; }

    /// <summary>
    /// Whether the filter's rows are built beside the blob field (default: when the machine has more than one processor).
    /// The result does not depend on it.
    /// </summary>
    public bool Overlap { get; init; } = Environment.ProcessorCount > 1;

    /// <summary>
    /// Ticks follow one another at once (an offline simulation): after each tick the second thread keeps polling for the
    /// next one for about a millisecond instead of sleeping, so it takes part from the start of that tick. A live loop
    /// whose ticks are a control period apart leaves this off.
    /// </summary>
    public bool BackToBack { get; init; }

    /// <summary>Blob velocities (flow units) of the active robots in the last tick.</summary>
    public ReadOnlySpan<double> DesiredVelocities => _desired;

    /// <summary>Commands for every robot of the snapshot (index = snapshot index).</summary>
    public ControllerTick Step(SwarmSnapshot snapshot, Span<RobotCommand> allCommands)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Dimension != Field.Dimension)
            throw new ArgumentException($"snapshot is {snapshot.Dimension}-D, the field {Field.Dimension}-D", nameof(snapshot));
        if (allCommands.Length != snapshot.RobotCount)
            throw new ArgumentException($"commands has length {allCommands.Length}, expected {snapshot.RobotCount}", nameof(allCommands));
        int n = snapshot.ActiveCount, d = Field.Dimension;
        if (n == 0)
        {
            allCommands.Clear();
            return new ControllerTick(0, default, default);
        }
        if (_points.Length != n * d)
        {
            _points = new double[n * d];
            _desired = new double[n * d];
            _active = new RobotCommand[n];
        }
        var box = Field.Domain;
        var cp = snapshot.ControlledPoints;
        for (int i = 0; i < cp.Length; i++)
        {
            int k = i % d;
            _points[i] = Math.Clamp(cp[i], box.Min[k], box.Max[k]);
        }
        var input = snapshot.ToInput(_desired, ControlPeriodS);
        _pipeline.Prepare(input, _active);
        if (Overlap && n >= OverlapRobots)
        {
            var pool = OverlapPool.Value;
            pool.Run(this, 2); // item 0: the blob field; item 1: the filter's rows; whichever thread is free takes the next
            if (BackToBack) pool.WakeAhead();
        }
        else
        {
            _blob = Field.Evaluate(_points, [], _desired);
            _pipeline.PrepareSafety();
        }

        var control = _pipeline.Finish(input, _active);
        snapshot.ExpandCommands(_active, allCommands);
        return new ControllerTick(n, _blob, control);
    }

    /// <summary>For tests: items of the overlapped ticks that the second thread ran.</summary>
    internal int HelperItems => _helperItems;

    /// <summary>
    /// For tests: the calling thread, having taken the blob field, waits (up to 5 s) for the second thread to take the
    /// rows, so the two surely run at the same time however loaded the machine is.
    /// </summary>
    internal bool WaitForHelper { get; init; }

    private int _helperItems;

    /// <summary>
    /// Wakes the second thread now for a <see cref="Step"/> that comes shortly (the control session calls it when a tick
    /// begins, before it takes the poses): a thread asleep takes 0.1 to 0.2 ms to run here, which a tick a control period
    /// after the last would otherwise lose. Changes nothing but which thread builds the rows.
    /// </summary>
    public void WakeAhead(int robots)
    {
        if (Overlap && robots >= OverlapRobots) OverlapPool.Value.WakeAhead();
    }

    void IParallelWork.Execute(int item, int worker)
    {
        if (worker > 0) Interlocked.Increment(ref _helperItems);
        else if (item == 0 && WaitForHelper)
        {
            int before = Volatile.Read(ref _helperItems);
            SpinWait.SpinUntil(() => Volatile.Read(ref _helperItems) > before, TimeSpan.FromSeconds(5));
        }

        if (item == 0) _blob = Field.Evaluate(_points, [], _desired);
        else _pipeline.PrepareSafety();
    }

    /// <summary>Positions the blob field saw in the last tick (controlled points clamped onto the box).</summary>
    public ReadOnlySpan<double> LastPositions => _points;

    public void Dispose() => Field.Dispose();
}
