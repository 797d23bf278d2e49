using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;

/// <summary>
/// <c>swarm_coverage_msgs/msg/Status</c> (msgs/msg/Status.msg): the controller's status, once per control tick.
/// Field meanings and units are those commented in the .msg file.
/// </summary>
public struct Status : IRosMessage<Status>
{
    /// <summary>stamp: time of the control tick; frame_id: arena frame.</summary>
    public Header Header;

    /// <summary>Control ticks since the controller started.</summary>
    public ulong Tick;

    /// <summary>Robots with a fresh pose: part of the density and commanded this tick.</summary>
    public uint ActiveRobots;

    /// <summary>Robots whose last pose is older than the watchdog timeout: commanded zero, left out.</summary>
    public uint StaleRobots;

    /// <summary>Blob width eps, m.</summary>
    public double EpsilonM;

    /// <summary>E_eps, dimensionless.</summary>
    public double EnergyEps;

    /// <summary>chi2_eps, dimensionless.</summary>
    public double Chi2Eps;

    /// <summary>Energy distance between the robots and rhobar, m.</summary>
    public double EnergyDistanceM;

    /// <summary>Smallest distance between two active robots, m (+inf with fewer than two).</summary>
    public double MinPairwiseDistanceM;

    /// <summary>Share of this tick's commands clipped by actuator limits, in [0, 1].</summary>
    public double ClippedShare;

    /// <summary>Previous tick: from the last pose used to all commands published, s.</summary>
    public double ControlLatencyS;

    /// <summary>Ticks live observers (recorder, Foxglove server, status) fell behind on and dropped since the start.</summary>
    public ulong ObserverDroppedTicks;

    /// <inheritdoc/>
    public static RosMessageType<Status> MessageType { get; } = new StatusType();

    private sealed class StatusType() : MarshalledMessageType<Status, StatusNative>("swarm_coverage_msgs/msg/Status", MessageSchemas.Status)
    {
        protected override unsafe void Write(in Status value, StatusNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->tick = value.Tick;
            sample->active_robots = value.ActiveRobots;
            sample->stale_robots = value.StaleRobots;
            sample->epsilon_m = value.EpsilonM;
            sample->energy_eps = value.EnergyEps;
            sample->chi2_eps = value.Chi2Eps;
            sample->energy_distance_m = value.EnergyDistanceM;
            sample->min_pairwise_distance_m = value.MinPairwiseDistanceM;
            sample->clipped_share = value.ClippedShare;
            sample->control_latency_s = value.ControlLatencyS;
            sample->observer_dropped_ticks = value.ObserverDroppedTicks;
        }

        protected override unsafe void Read(StatusNative* sample, ref Status value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.Tick = sample->tick;
            value.ActiveRobots = sample->active_robots;
            value.StaleRobots = sample->stale_robots;
            value.EpsilonM = sample->epsilon_m;
            value.EnergyEps = sample->energy_eps;
            value.Chi2Eps = sample->chi2_eps;
            value.EnergyDistanceM = sample->energy_distance_m;
            value.MinPairwiseDistanceM = sample->min_pairwise_distance_m;
            value.ClippedShare = sample->clipped_share;
            value.ControlLatencyS = sample->control_latency_s;
            value.ObserverDroppedTicks = sample->observer_dropped_ticks;
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct StatusNative
{
    public HeaderNative header;
    public ulong tick;
    public uint active_robots;
    public uint stale_robots;
    public double epsilon_m;
    public double energy_eps;
    public double chi2_eps;
    public double energy_distance_m;
    public double min_pairwise_distance_m;
    public double clipped_share;
    public double control_latency_s;
    public ulong observer_dropped_ticks;
}

/// <summary>
/// <c>swarm_coverage_msgs/msg/GaussianComponent</c> (msgs/msg/GaussianComponent.msg): one axis-aligned
/// component <c>weight * prod_k N(x_k; mean_k, sigma_k)</c> of a Gaussian-mixture target.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct GaussianComponent : IRosMessage<GaussianComponent>
{
    /// <summary>Relative weight, &gt; 0.</summary>
    public double Weight;

    /// <summary>Centre, m.</summary>
    public Point Mean;

    /// <summary>Standard deviation per axis, m.</summary>
    public Vector3 Sigma;

    /// <summary>Creates a component.</summary>
    public GaussianComponent(double weight, Point mean, Vector3 sigma)
    {
        Weight = weight;
        Mean = mean;
        Sigma = sigma;
    }

    /// <inheritdoc/>
    public static RosMessageType<GaussianComponent> MessageType { get; } =
        new BlittableMessageType<GaussianComponent>("swarm_coverage_msgs/msg/GaussianComponent", MessageSchemas.GaussianComponent);
}

/// <summary>Three <see cref="uint"/>s (<c>uint32[3]</c>), indexed 0..2 for x, y, z.</summary>
[InlineArray(3)]
public struct UInt32Array3
{
    private uint element0;
}

/// <summary>
/// <c>swarm_coverage_msgs/msg/Target</c> (msgs/msg/Target.msg): a coverage target over an axis-aligned box,
/// uniform, a Gaussian mixture, or a raster. Only the first <see cref="Dimension"/> axes are used.
/// </summary>
public struct Target : IRosMessage<Target>
{
    /// <summary><c>KIND_UNIFORM</c>: constant density over the box.</summary>
    public const byte KindUniform = 0;

    /// <summary><c>KIND_GAUSSIAN_MIXTURE</c>: the sum of <see cref="Components"/>.</summary>
    public const byte KindGaussianMixture = 1;

    /// <summary><c>KIND_GRID</c>: <see cref="RasterValues"/> stretched over the box.</summary>
    public const byte KindGrid = 2;

    /// <summary>The .msg default of <see cref="Floor"/>.</summary>
    public const double DefaultFloor = 1e-3;

    /// <summary>stamp: when the target was set; frame_id: frame of the box.</summary>
    public Header Header;

    /// <summary>1, 2 or 3.</summary>
    public byte Dimension;

    /// <summary>One of <see cref="KindUniform"/>, <see cref="KindGaussianMixture"/>, <see cref="KindGrid"/>.</summary>
    public byte Kind;

    /// <summary>Lower corner, m.</summary>
    public Point BoxMin;

    /// <summary>Upper corner, m.</summary>
    public Point BoxMax;

    /// <summary>Density floor as a fraction of the mean density, &gt;= 0 (the .msg default is 1e-3).</summary>
    public double Floor;

    /// <summary>The Gaussian components (<see cref="KindGaussianMixture"/>); null is sent as empty.</summary>
    public GaussianComponent[]? Components;

    /// <summary>Cells along x, y, z (<see cref="KindGrid"/>).</summary>
    public UInt32Array3 RasterSize;

    /// <summary>Unnormalized density at the cell centres, x fastest (<see cref="KindGrid"/>); null is sent as empty.</summary>
    public double[]? RasterValues;

    /// <summary>A target with the .msg defaults (floor 1e-3, everything else zero).</summary>
    public Target()
    {
        Floor = DefaultFloor;
    }

    /// <inheritdoc/>
    public static RosMessageType<Target> MessageType { get; } = new TargetType();

    private sealed class TargetType() : MarshalledMessageType<Target, TargetNative>("swarm_coverage_msgs/msg/Target", MessageSchemas.Target)
    {
        protected override unsafe void Write(in Target value, TargetNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->dimension = value.Dimension;
            sample->kind = value.Kind;
            sample->box_min = value.BoxMin;
            sample->box_max = value.BoxMax;
            sample->floor = value.Floor;
            sample->components = arena.Sequence<GaussianComponent>(value.Components);
            sample->raster_size = value.RasterSize;
            sample->raster_values = arena.Sequence<double>(value.RasterValues);
        }

        protected override unsafe void Read(TargetNative* sample, ref Target value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.Dimension = sample->dimension;
            value.Kind = sample->kind;
            value.BoxMin = sample->box_min;
            value.BoxMax = sample->box_max;
            value.Floor = sample->floor;
            value.Components = NativeCopy.ToArray(sample->components, value.Components);
            value.RasterSize = sample->raster_size;
            value.RasterValues = NativeCopy.ToArray(sample->raster_values, value.RasterValues);
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct TargetNative
{
    public HeaderNative header;
    public byte dimension;
    public byte kind;
    public Point box_min;
    public Point box_max;
    public double floor;
    public DdsSequence components;
    public UInt32Array3 raster_size;
    public DdsSequence raster_values;
}

/// <summary>
/// <c>swarm_coverage_msgs/msg/TickInput</c> (msgs/msg/TickInput.msg): what one control tick took, recorded so that a
/// replay runs the same tick again (docs/recording.md). Per-robot arrays follow the recording's robot list.
/// </summary>
public struct TickInput : IRosMessage<TickInput>
{
    /// <summary><c>STATUS_AWAITING_POSE</c>.</summary>
    public const byte StatusAwaitingPose = 0;

    /// <summary><c>STATUS_ACTIVE</c>.</summary>
    public const byte StatusActive = 1;

    /// <summary><c>STATUS_STALE</c>.</summary>
    public const byte StatusStale = 2;

    /// <summary>stamp: the tick's time; frame_id: the arena frame.</summary>
    public Header Header;

    /// <summary>Control ticks since the session started.</summary>
    public ulong Tick;

    /// <summary>The tick's time on the session's monotonic clock, in units of <see cref="ClockFrequency"/>.</summary>
    public long ClockTimestamp;

    /// <summary>Units of <see cref="ClockTimestamp"/> per second.</summary>
    public long ClockFrequency;

    /// <summary>The emergency stop was in force during the tick.</summary>
    public bool EmergencyStop;

    /// <summary>Per robot: one of the <c>Status*</c> constants.</summary>
    public byte[]? Status;

    /// <summary>Per robot: 1 when the tick took a new pose from it.</summary>
    public byte[]? Taken;

    /// <summary>Per robot: the pose the step used, m and rad.</summary>
    public double[]? X;

    public double[]? Y;

    public double[]? Z;

    public double[]? Yaw;

    /// <summary>Per robot: the age of that pose at the tick, s.</summary>
    public double[]? AgeS;

    /// <inheritdoc/>
    public static RosMessageType<TickInput> MessageType { get; } = new TickInputType();

    private sealed class TickInputType() : MarshalledMessageType<TickInput, TickInputNative>("swarm_coverage_msgs/msg/TickInput", MessageSchemas.TickInput)
    {
        protected override unsafe void Write(in TickInput value, TickInputNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->tick = value.Tick;
            sample->clock_timestamp = value.ClockTimestamp;
            sample->clock_frequency = value.ClockFrequency;
            sample->emergency_stop = value.EmergencyStop ? (byte)1 : (byte)0;
            sample->status = arena.Sequence<byte>(value.Status);
            sample->taken = arena.Sequence<byte>(value.Taken);
            sample->x = arena.Sequence<double>(value.X);
            sample->y = arena.Sequence<double>(value.Y);
            sample->z = arena.Sequence<double>(value.Z);
            sample->yaw = arena.Sequence<double>(value.Yaw);
            sample->age_s = arena.Sequence<double>(value.AgeS);
        }

        protected override unsafe void Read(TickInputNative* sample, ref TickInput value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.Tick = sample->tick;
            value.ClockTimestamp = sample->clock_timestamp;
            value.ClockFrequency = sample->clock_frequency;
            value.EmergencyStop = sample->emergency_stop != 0;
            value.Status = NativeCopy.ToArray(sample->status, value.Status);
            value.Taken = NativeCopy.ToArray(sample->taken, value.Taken);
            value.X = NativeCopy.ToArray(sample->x, value.X);
            value.Y = NativeCopy.ToArray(sample->y, value.Y);
            value.Z = NativeCopy.ToArray(sample->z, value.Z);
            value.Yaw = NativeCopy.ToArray(sample->yaw, value.Yaw);
            value.AgeS = NativeCopy.ToArray(sample->age_s, value.AgeS);
        }
    }
}

internal struct TickInputNative
{
    public HeaderNative header;
    public ulong tick;
    public long clock_timestamp;
    public long clock_frequency;
    public byte emergency_stop;
    public DdsSequence status;
    public DdsSequence taken;
    public DdsSequence x;
    public DdsSequence y;
    public DdsSequence z;
    public DdsSequence yaw;
    public DdsSequence age_s;
}
