using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.NavMsgs;

/// <summary>
/// <c>nav_msgs/msg/Odometry</c>: <c>std_msgs/Header header</c>, <c>string child_frame_id</c>,
/// <c>geometry_msgs/PoseWithCovariance pose</c> (in header.frame_id), <c>geometry_msgs/TwistWithCovariance twist</c>
/// (in child_frame_id).
/// </summary>
public struct Odometry : IRosMessage<Odometry>
{
    /// <summary>Stamp and the frame of the pose (gz: <c>&lt;robot&gt;/odom</c>).</summary>
    public Header Header;

    /// <summary>Frame of the twist (gz: <c>&lt;robot&gt;/base_link</c>); null is sent as empty.</summary>
    public string? ChildFrameId;

    /// <summary>Pose in <see cref="Header"/>'s frame.</summary>
    public PoseWithCovariance Pose;

    /// <summary>Velocity in <see cref="ChildFrameId"/>.</summary>
    public TwistWithCovariance Twist;

    /// <inheritdoc/>
    public static RosMessageType<Odometry> MessageType { get; } = new OdometryType();

    private sealed class OdometryType() : MarshalledMessageType<Odometry, OdometryNative>("nav_msgs/msg/Odometry", MessageSchemas.Odometry)
    {
        protected override unsafe void Write(in Odometry value, OdometryNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->child_frame_id = arena.Utf8(value.ChildFrameId);
            sample->pose = value.Pose;
            sample->twist = value.Twist;
        }

        protected override unsafe void Read(OdometryNative* sample, ref Odometry value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.ChildFrameId = strings.Get(sample->child_frame_id);
            value.Pose = sample->pose;
            value.Twist = sample->twist;
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OdometryNative
{
    public HeaderNative header;
    public byte* child_frame_id;
    public PoseWithCovariance pose;
    public TwistWithCovariance twist;
}

/// <summary>
/// <c>nav_msgs/msg/MapMetaData</c>: <c>builtin_interfaces/Time map_load_time</c>, <c>float32 resolution</c> (m/cell),
/// <c>uint32 width</c>, <c>uint32 height</c> (cells), <c>geometry_msgs/Pose origin</c> (of cell (0,0)'s corner).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct MapMetaData : IRosMessage<MapMetaData>
{
    /// <summary>When the map was loaded.</summary>
    public Time MapLoadTime;

    /// <summary>Cell edge length, m/cell.</summary>
    public float Resolution;

    /// <summary>Cells along x.</summary>
    public uint Width;

    /// <summary>Cells along y.</summary>
    public uint Height;

    /// <summary>Pose of the map's cell (0,0) corner in the header frame.</summary>
    public Pose Origin;

    /// <inheritdoc/>
    public static RosMessageType<MapMetaData> MessageType { get; } = new BlittableMessageType<MapMetaData>("nav_msgs/msg/MapMetaData", MessageSchemas.MapMetaData);
}

/// <summary>
/// <c>nav_msgs/msg/OccupancyGrid</c>: <c>std_msgs/Header header</c>, <c>MapMetaData info</c>, <c>int8[] data</c>
/// (row-major from cell (0,0), values 0..100 or -1 for unknown). RViz shows it; operators paint targets with it.
/// </summary>
public struct OccupancyGrid : IRosMessage<OccupancyGrid>
{
    /// <summary>Stamp and map frame.</summary>
    public Header Header;

    /// <summary>Geometry of the grid.</summary>
    public MapMetaData Info;

    /// <summary>Width * Height cells, row-major, x fastest. Null is sent as empty.</summary>
    public sbyte[]? Data;

    /// <inheritdoc/>
    public static RosMessageType<OccupancyGrid> MessageType { get; } = new OccupancyGridType();

    private sealed class OccupancyGridType() : MarshalledMessageType<OccupancyGrid, OccupancyGridNative>("nav_msgs/msg/OccupancyGrid", MessageSchemas.OccupancyGrid)
    {
        protected override unsafe void Write(in OccupancyGrid value, OccupancyGridNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->info = value.Info;
            sample->data = arena.Sequence<sbyte>(value.Data);
        }

        protected override unsafe void Read(OccupancyGridNative* sample, ref OccupancyGrid value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.Info = sample->info;
            value.Data = NativeCopy.ToArray(sample->data, value.Data);
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct OccupancyGridNative
{
    public HeaderNative header;
    public MapMetaData info;
    public DdsSequence data;
}
