using SwarmCoverage.Core.Blob;

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
/// </summary>
public sealed class SwarmController : IDisposable
{
    private readonly CommandPipeline _pipeline;
    private double[] _points = [];
    private double[] _desired = [];
    private RobotCommand[] _active = [];

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
        var blob = Field.Evaluate(_points, [], _desired);
        var control = _pipeline.Step(snapshot.ToInput(_desired, ControlPeriodS), _active);
        snapshot.ExpandCommands(_active, allCommands);
        return new ControllerTick(n, blob, control);
    }

    /// <summary>Positions the blob field saw in the last tick (controlled points clamped onto the box).</summary>
    public ReadOnlySpan<double> LastPositions => _points;

    public void Dispose() => Field.Dispose();
}
