using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.GeometryMsgs;

/// <summary><c>geometry_msgs/msg/Vector3</c>: <c>float64 x, y, z</c> (a free vector, e.g. m/s or rad/s).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Vector3 : IRosMessage<Vector3>
{
    /// <summary>x component.</summary>
    public double X;

    /// <summary>y component.</summary>
    public double Y;

    /// <summary>z component.</summary>
    public double Z;

    /// <summary>Creates a vector.</summary>
    public Vector3(double x, double y, double z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    /// <inheritdoc/>
    public static RosMessageType<Vector3> MessageType { get; } = new BlittableMessageType<Vector3>("geometry_msgs/msg/Vector3", MessageSchemas.Vector3);

    /// <inheritdoc/>
    public override readonly string ToString() => $"({X}, {Y}, {Z})";
}

/// <summary><c>geometry_msgs/msg/Point</c>: <c>float64 x, y, z</c> (a position, m).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Point : IRosMessage<Point>
{
    /// <summary>x, m.</summary>
    public double X;

    /// <summary>y, m.</summary>
    public double Y;

    /// <summary>z, m.</summary>
    public double Z;

    /// <summary>Creates a point.</summary>
    public Point(double x, double y, double z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    /// <inheritdoc/>
    public static RosMessageType<Point> MessageType { get; } = new BlittableMessageType<Point>("geometry_msgs/msg/Point", MessageSchemas.Point);

    /// <inheritdoc/>
    public override readonly string ToString() => $"({X}, {Y}, {Z})";
}

/// <summary>
/// <c>geometry_msgs/msg/Quaternion</c>: <c>float64 x, y, z, w</c>. As in ROS, <c>new Quaternion()</c> is the
/// identity (w = 1); <c>default(Quaternion)</c> is all zeros.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Quaternion : IRosMessage<Quaternion>
{
    /// <summary>x component.</summary>
    public double X;

    /// <summary>y component.</summary>
    public double Y;

    /// <summary>z component.</summary>
    public double Z;

    /// <summary>w (scalar) component.</summary>
    public double W;

    /// <summary>The identity rotation, ROS's default value (w = 1).</summary>
    public Quaternion()
    {
        W = 1.0;
    }

    /// <summary>Creates a quaternion from its components.</summary>
    public Quaternion(double x, double y, double z, double w)
    {
        X = x;
        Y = y;
        Z = z;
        W = w;
    }

    /// <inheritdoc/>
    public static RosMessageType<Quaternion> MessageType { get; } = new BlittableMessageType<Quaternion>("geometry_msgs/msg/Quaternion", MessageSchemas.Quaternion);

    /// <summary>The rotation by <paramref name="yawRad"/> about z (what planar robots publish).</summary>
    public static Quaternion FromYaw(double yawRad) => new(0.0, 0.0, Math.Sin(0.5 * yawRad), Math.Cos(0.5 * yawRad));

    /// <summary>
    /// Yaw (rotation about z) in radians, in [-pi, pi], of the ZYX Euler decomposition; needs no normalization
    /// (<c>atan2(2(wz + xy), w^2 + x^2 - y^2 - z^2)</c> is scale-invariant).
    /// </summary>
    public readonly double ToYawRad() => Math.Atan2(2.0 * ((W * Z) + (X * Y)), (W * W) + (X * X) - (Y * Y) - (Z * Z));

    /// <inheritdoc/>
    public override readonly string ToString() => $"({X}, {Y}, {Z}, {W})";
}

/// <summary><c>geometry_msgs/msg/Pose</c>: <c>Point position</c>, <c>Quaternion orientation</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Pose : IRosMessage<Pose>
{
    /// <summary>Position, m.</summary>
    public Point Position;

    /// <summary>Orientation.</summary>
    public Quaternion Orientation;

    /// <summary>Creates a pose.</summary>
    public Pose(Point position, Quaternion orientation)
    {
        Position = position;
        Orientation = orientation;
    }

    /// <inheritdoc/>
    public static RosMessageType<Pose> MessageType { get; } = new BlittableMessageType<Pose>("geometry_msgs/msg/Pose", MessageSchemas.Pose);
}

/// <summary>
/// The 36 numbers of a row-major 6x6 covariance matrix (<c>float64[36] covariance</c>), over
/// (x, y, z, rotation about x, about y, about z).
/// </summary>
[InlineArray(36)]
public struct Covariance6x6
{
    private double element0;
}

/// <summary><c>geometry_msgs/msg/PoseWithCovariance</c>: <c>Pose pose</c>, <c>float64[36] covariance</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PoseWithCovariance : IRosMessage<PoseWithCovariance>
{
    /// <summary>The pose.</summary>
    public Pose Pose;

    /// <summary>Row-major 6x6 covariance.</summary>
    public Covariance6x6 Covariance;

    /// <inheritdoc/>
    public static RosMessageType<PoseWithCovariance> MessageType { get; } =
        new BlittableMessageType<PoseWithCovariance>("geometry_msgs/msg/PoseWithCovariance", MessageSchemas.PoseWithCovariance);
}

/// <summary><c>geometry_msgs/msg/Twist</c>: <c>Vector3 linear</c> (m/s), <c>Vector3 angular</c> (rad/s).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Twist : IRosMessage<Twist>
{
    /// <summary>Linear velocity, m/s.</summary>
    public Vector3 Linear;

    /// <summary>Angular velocity, rad/s.</summary>
    public Vector3 Angular;

    /// <summary>Creates a twist.</summary>
    public Twist(Vector3 linear, Vector3 angular)
    {
        Linear = linear;
        Angular = angular;
    }

    /// <inheritdoc/>
    public static RosMessageType<Twist> MessageType { get; } = new BlittableMessageType<Twist>("geometry_msgs/msg/Twist", MessageSchemas.Twist);

    /// <summary>The planar command of a unicycle: forward speed <paramref name="linearXMps"/>, yaw rate <paramref name="angularZRadps"/>.</summary>
    public static Twist Planar(double linearXMps, double angularZRadps) => new(new Vector3(linearXMps, 0, 0), new Vector3(0, 0, angularZRadps));
}

/// <summary><c>geometry_msgs/msg/TwistWithCovariance</c>: <c>Twist twist</c>, <c>float64[36] covariance</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct TwistWithCovariance : IRosMessage<TwistWithCovariance>
{
    /// <summary>The twist.</summary>
    public Twist Twist;

    /// <summary>Row-major 6x6 covariance.</summary>
    public Covariance6x6 Covariance;

    /// <inheritdoc/>
    public static RosMessageType<TwistWithCovariance> MessageType { get; } =
        new BlittableMessageType<TwistWithCovariance>("geometry_msgs/msg/TwistWithCovariance", MessageSchemas.TwistWithCovariance);
}

/// <summary><c>geometry_msgs/msg/PoseStamped</c>: <c>std_msgs/Header header</c>, <c>Pose pose</c> (what motion capture publishes).</summary>
public struct PoseStamped : IRosMessage<PoseStamped>
{
    /// <summary>Stamp and frame.</summary>
    public Header Header;

    /// <summary>The pose.</summary>
    public Pose Pose;

    /// <summary>Creates a message.</summary>
    public PoseStamped(Header header, Pose pose)
    {
        Header = header;
        Pose = pose;
    }

    /// <inheritdoc/>
    public static RosMessageType<PoseStamped> MessageType { get; } = new PoseStampedType();

    private sealed class PoseStampedType() : MarshalledMessageType<PoseStamped, PoseStampedNative>("geometry_msgs/msg/PoseStamped", MessageSchemas.PoseStamped)
    {
        protected override unsafe void Write(in PoseStamped value, PoseStampedNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->pose = value.Pose;
        }

        protected override unsafe void Read(PoseStampedNative* sample, ref PoseStamped value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.Pose = sample->pose;
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct PoseStampedNative
{
    public HeaderNative header;
    public Pose pose;
}

/// <summary><c>geometry_msgs/msg/TwistStamped</c>: <c>std_msgs/Header header</c>, <c>Twist twist</c> (Jazzy-style diff-drive command).</summary>
public struct TwistStamped : IRosMessage<TwistStamped>
{
    /// <summary>Stamp and frame (diff_drive_controller expects the robot's base frame or empty).</summary>
    public Header Header;

    /// <summary>The command.</summary>
    public Twist Twist;

    /// <summary>Creates a message.</summary>
    public TwistStamped(Header header, Twist twist)
    {
        Header = header;
        Twist = twist;
    }

    /// <inheritdoc/>
    public static RosMessageType<TwistStamped> MessageType { get; } = new TwistStampedType();

    private sealed class TwistStampedType() : MarshalledMessageType<TwistStamped, TwistStampedNative>("geometry_msgs/msg/TwistStamped", MessageSchemas.TwistStamped)
    {
        protected override unsafe void Write(in TwistStamped value, TwistStampedNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->twist = value.Twist;
        }

        protected override unsafe void Read(TwistStampedNative* sample, ref TwistStamped value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.Twist = sample->twist;
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct TwistStampedNative
{
    public HeaderNative header;
    public Twist twist;
}

/// <summary>
/// <c>geometry_msgs/msg/PointStamped</c>: <c>std_msgs/Header header</c>, <c>Point point</c>. What Foxglove's 3D panel
/// and RViz publish on <c>/clicked_point</c>.
/// </summary>
public struct PointStamped : IRosMessage<PointStamped>
{
    /// <summary>Stamp and frame of the point.</summary>
    public Header Header;

    /// <summary>The point, m.</summary>
    public Point Point;

    /// <summary>Creates a message.</summary>
    public PointStamped(Header header, Point point)
    {
        Header = header;
        Point = point;
    }

    /// <inheritdoc/>
    public static RosMessageType<PointStamped> MessageType { get; } = new PointStampedType();

    private sealed class PointStampedType() : MarshalledMessageType<PointStamped, PointStampedNative>("geometry_msgs/msg/PointStamped", MessageSchemas.PointStamped)
    {
        protected override unsafe void Write(in PointStamped value, PointStampedNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->point = value.Point;
        }

        protected override unsafe void Read(PointStampedNative* sample, ref PointStamped value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.Point = sample->point;
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct PointStampedNative
{
    public HeaderNative header;
    public Point point;
}
