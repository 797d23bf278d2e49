using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Core.Blob;
using SwarmCoverage.Core.Targets;

namespace SwarmCoverage.Control.Session;

/// <summary>
/// Where a tick's poses come from (the ROS 2 node's DDS readers, the in-process simulator, a recording being replayed).
/// Called on the tick thread at the start of every tick: offer every robot's newest pose that arrived since the last
/// tick; a robot with nothing new is simply not offered (its last accepted pose ages). The session stamps each offered
/// pose with the tick's time, so a tick is a function of the poses it took (docs/control-session.md).
/// </summary>
public interface IPoseSource
{
    /// <summary>Offers the newest poses through <paramref name="intake"/>; must not keep it.</summary>
    void TakePoses(PoseIntake intake);
}

/// <summary>What a <see cref="IPoseSource"/> hands its poses to (owned by the session, reused every tick).</summary>
public sealed class PoseIntake
{
    private readonly Pose[] _poses;
    private readonly bool[] _offered;

    internal PoseIntake(int robots)
    {
        _poses = new Pose[robots];
        _offered = new bool[robots];
    }

    /// <summary>Robots of the session; indices are those of <see cref="ControlSession.RobotNames"/>.</summary>
    public int RobotCount => _poses.Length;

    /// <summary>Offers robot <paramref name="robot"/>'s newest pose (a later offer in the same tick replaces it).</summary>
    public void Offer(int robot, in Pose pose)
    {
        if ((uint)robot >= (uint)_poses.Length) throw new ArgumentOutOfRangeException(nameof(robot), robot, $"robot index outside 0..{_poses.Length - 1}");
        _poses[robot] = pose;
        _offered[robot] = true;
    }

    internal bool TryGet(int robot, out Pose pose)
    {
        pose = _poses[robot];
        return _offered[robot];
    }

    internal void Clear() => Array.Clear(_offered);
}

/// <summary>Where a tick's commands go: DDS writers, the in-process simulator, a replay's comparison.</summary>
public interface ICommandSink
{
    /// <summary>Called on the tick thread after the step; the batch is valid only during the call.</summary>
    void Send(in CommandBatch batch);
}

/// <summary>
/// One tick's commands, every robot in the session's order. <see cref="Wire"/> is what a robot's <c>cmd_vel</c> carries:
/// (v, 0, 0, omega) for differential drive, the command rotated into the body frame for holonomic robots; zero for a
/// robot without a fresh pose, during an emergency stop, and for a non-finite command (counted). <see cref="World"/>
/// is the step's command in the world frame.
/// </summary>
public readonly ref struct CommandBatch
{
    internal CommandBatch(ulong tick, long timeUnixNs, ReadOnlySpan<RobotCommand> world, ReadOnlySpan<RobotCommand> wire, int ownRobot)
    {
        Tick = tick;
        TimeUnixNs = timeUnixNs;
        World = world;
        Wire = wire;
        OwnRobot = ownRobot;
    }

    /// <summary>The tick's number (0 first).</summary>
    public ulong Tick { get; }

    /// <summary>The tick's time in nanoseconds since the Unix epoch on the session's clock (message stamps).</summary>
    public long TimeUnixNs { get; }

    /// <summary>World-frame commands.</summary>
    public ReadOnlySpan<RobotCommand> World { get; }

    /// <summary>Body-frame commands as sent.</summary>
    public ReadOnlySpan<RobotCommand> Wire { get; }

    /// <summary>The one robot a decentralized instance commands, or -1 when it commands every robot.</summary>
    public int OwnRobot { get; }

    /// <summary>True when this instance commands robot <paramref name="robot"/>.</summary>
    public bool Commands(int robot) => OwnRobot < 0 || robot == OwnRobot;
}

/// <summary>Something that changed at a tick boundary, whatever path it came by; observers see each once.</summary>
/// <param name="Origin">Who asked: "topic /swarm_coverage/target", "foxglove client 2", "params file launch/x.yaml", ...</param>
public abstract record SessionChange(string Origin);

/// <summary>A parameter now has another value.</summary>
public sealed record ParameterChange(string Name, ParameterValue? Before, ParameterValue? After, string Origin) : SessionChange(Origin);

/// <summary>Another target (or another grid for it: eps, grid_spacing) is in force, from a topic, a painted grid, the params file or its parameters.</summary>
public sealed record TargetChange(TargetDensity Target, TargetMap Map, string Origin) : SessionChange(Origin);

/// <summary>The normalized target density on the blob field's grid (cell-centred, x slowest), what a target map shows.</summary>
/// <param name="Grid">The grid's geometry.</param>
/// <param name="Rhobar">rhobar per cell (a copy).</param>
/// <param name="EpsilonM">The field's eps.</param>
public sealed record TargetMap(BlobGrid Grid, double[] Rhobar, double EpsilonM)
{
    /// <summary>The map of a field.</summary>
    public static TargetMap Of(BlobField field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new(field.Grid, field.Rhobar.ToArray(), field.Epsilon);
    }
}

/// <summary>The emergency stop was set or released.</summary>
public sealed record EmergencyStopChange(bool Stopped, string Origin) : SessionChange(Origin);

/// <summary>Where the time of one control tick went (seconds).</summary>
/// <param name="TakeS">Taking every robot's newest pose from the pose source.</param>
/// <param name="StepS">Snapshot and controller step (blob field, pipeline, safety filter).</param>
/// <param name="PublishS">Handing the commands to the command sink (publishing them).</param>
public readonly record struct TickTiming(double TakeS, double StepS, double PublishS)
{
    /// <summary>From the last pose taken to the last command published: the control-loop latency.</summary>
    public double LatencyS => StepS + PublishS;
}

/// <summary>The figures a status message carries, computed by the session each tick.</summary>
public readonly record struct SessionStatus
{
    public ulong Tick { get; init; }
    public int ActiveRobots { get; init; }
    public int StaleRobots { get; init; }
    public int AwaitingRobots { get; init; }
    public double EpsilonM { get; init; }
    public double EnergyEps { get; init; }
    public double Chi2Eps { get; init; }

    /// <summary>The newest energy distance (computed every <c>status.energy_distance_period_s</c> off the tick thread); NaN before the first or when off.</summary>
    public double EnergyDistanceM { get; init; }
    public double MinPairwiseDistanceM { get; init; }
    public double ClippedShare { get; init; }
    public double ControlLatencyS { get; init; }
    public bool EmergencyStop { get; init; }

    /// <summary>Poses refused by the registry so far (non-finite, outside the arena, implausible jump).</summary>
    public long RejectedPoses { get; init; }

    /// <summary>Non-finite commands replaced by zero so far (a defect to report if ever non-zero).</summary>
    public long NonFiniteCommands { get; init; }

    /// <summary>Ticks live observers fell behind on and dropped so far (a live recording lacks them).</summary>
    public long ObserverDroppedTicks { get; init; }
}
