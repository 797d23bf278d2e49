using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using SwarmCoverage.Ros2.Serialization;
using static SwarmCoverage.Ros2.Serialization.MemberSchema;

namespace SwarmCoverage.Ros2.Messages;

/// <summary>
/// The C layout of every message, member by member in .msg order (ROS name, C# field of the native struct,
/// type). Each line mirrors the message definition in ros2/common_interfaces, rcl_interfaces or msgs/.
/// Declared in dependency order (static initializers run top to bottom).
/// </summary>
internal static class MessageSchemas
{
    public static readonly StructSchema Time = StructSchema.Of<Time>(
        "builtin_interfaces::msg::Time",
        Primitive("sec", nameof(BuiltinInterfaces.Time.Sec), PrimitiveKind.Int32),
        Primitive("nanosec", nameof(BuiltinInterfaces.Time.Nanosec), PrimitiveKind.UInt32));

    public static readonly StructSchema Header = StructSchema.Of<HeaderNative>(
        "std_msgs::msg::Header",
        Struct("stamp", nameof(HeaderNative.stamp), Time),
        String("frame_id", nameof(HeaderNative.frame_id)));

    public static readonly StructSchema Empty = StructSchema.Of<Empty>(
        "std_msgs::msg::Empty",
        Primitive("structure_needs_at_least_one_member", "structureNeedsAtLeastOneMember", PrimitiveKind.UInt8));

    public static readonly StructSchema Bool = StructSchema.Of<BoolNative>(
        "std_msgs::msg::Bool",
        Primitive("data", nameof(BoolNative.data), PrimitiveKind.Bool));

    public static readonly StructSchema Vector3 = StructSchema.Of<Vector3>(
        "geometry_msgs::msg::Vector3",
        Primitive("x", nameof(GeometryMsgs.Vector3.X), PrimitiveKind.Float64),
        Primitive("y", nameof(GeometryMsgs.Vector3.Y), PrimitiveKind.Float64),
        Primitive("z", nameof(GeometryMsgs.Vector3.Z), PrimitiveKind.Float64));

    public static readonly StructSchema Point = StructSchema.Of<Point>(
        "geometry_msgs::msg::Point",
        Primitive("x", nameof(GeometryMsgs.Point.X), PrimitiveKind.Float64),
        Primitive("y", nameof(GeometryMsgs.Point.Y), PrimitiveKind.Float64),
        Primitive("z", nameof(GeometryMsgs.Point.Z), PrimitiveKind.Float64));

    public static readonly StructSchema Quaternion = StructSchema.Of<Quaternion>(
        "geometry_msgs::msg::Quaternion",
        Primitive("x", nameof(GeometryMsgs.Quaternion.X), PrimitiveKind.Float64),
        Primitive("y", nameof(GeometryMsgs.Quaternion.Y), PrimitiveKind.Float64),
        Primitive("z", nameof(GeometryMsgs.Quaternion.Z), PrimitiveKind.Float64),
        Primitive("w", nameof(GeometryMsgs.Quaternion.W), PrimitiveKind.Float64));

    public static readonly StructSchema Pose = StructSchema.Of<Pose>(
        "geometry_msgs::msg::Pose",
        Struct("position", nameof(GeometryMsgs.Pose.Position), Point),
        Struct("orientation", nameof(GeometryMsgs.Pose.Orientation), Quaternion));

    public static readonly StructSchema PoseStamped = StructSchema.Of<PoseStampedNative>(
        "geometry_msgs::msg::PoseStamped",
        Struct("header", nameof(PoseStampedNative.header), Header),
        Struct("pose", nameof(PoseStampedNative.pose), Pose));

    public static readonly StructSchema PoseWithCovariance = StructSchema.Of<PoseWithCovariance>(
        "geometry_msgs::msg::PoseWithCovariance",
        Struct("pose", nameof(GeometryMsgs.PoseWithCovariance.Pose), Pose),
        Array("covariance", nameof(GeometryMsgs.PoseWithCovariance.Covariance), PrimitiveKind.Float64, 36));

    public static readonly StructSchema Twist = StructSchema.Of<Twist>(
        "geometry_msgs::msg::Twist",
        Struct("linear", nameof(GeometryMsgs.Twist.Linear), Vector3),
        Struct("angular", nameof(GeometryMsgs.Twist.Angular), Vector3));

    public static readonly StructSchema TwistStamped = StructSchema.Of<TwistStampedNative>(
        "geometry_msgs::msg::TwistStamped",
        Struct("header", nameof(TwistStampedNative.header), Header),
        Struct("twist", nameof(TwistStampedNative.twist), Twist));

    public static readonly StructSchema TwistWithCovariance = StructSchema.Of<TwistWithCovariance>(
        "geometry_msgs::msg::TwistWithCovariance",
        Struct("twist", nameof(GeometryMsgs.TwistWithCovariance.Twist), Twist),
        Array("covariance", nameof(GeometryMsgs.TwistWithCovariance.Covariance), PrimitiveKind.Float64, 36));

    public static readonly StructSchema Odometry = StructSchema.Of<OdometryNative>(
        "nav_msgs::msg::Odometry",
        Struct("header", nameof(OdometryNative.header), Header),
        String("child_frame_id", nameof(OdometryNative.child_frame_id)),
        Struct("pose", nameof(OdometryNative.pose), PoseWithCovariance),
        Struct("twist", nameof(OdometryNative.twist), TwistWithCovariance));

    public static readonly StructSchema MapMetaData = StructSchema.Of<MapMetaData>(
        "nav_msgs::msg::MapMetaData",
        Struct("map_load_time", nameof(NavMsgs.MapMetaData.MapLoadTime), Time),
        Primitive("resolution", nameof(NavMsgs.MapMetaData.Resolution), PrimitiveKind.Float32),
        Primitive("width", nameof(NavMsgs.MapMetaData.Width), PrimitiveKind.UInt32),
        Primitive("height", nameof(NavMsgs.MapMetaData.Height), PrimitiveKind.UInt32),
        Struct("origin", nameof(NavMsgs.MapMetaData.Origin), Pose));

    public static readonly StructSchema OccupancyGrid = StructSchema.Of<OccupancyGridNative>(
        "nav_msgs::msg::OccupancyGrid",
        Struct("header", nameof(OccupancyGridNative.header), Header),
        Struct("info", nameof(OccupancyGridNative.info), MapMetaData),
        Sequence("data", nameof(OccupancyGridNative.data), PrimitiveKind.Int8));

    public static readonly StructSchema Clock = StructSchema.Of<Clock>(
        "rosgraph_msgs::msg::Clock",
        Struct("clock", nameof(RosgraphMsgs.Clock.Time), Time));

    public static readonly StructSchema Status = StructSchema.Of<StatusNative>(
        "swarm_coverage_msgs::msg::Status",
        Struct("header", nameof(StatusNative.header), Header),
        Primitive("tick", nameof(StatusNative.tick), PrimitiveKind.UInt64),
        Primitive("active_robots", nameof(StatusNative.active_robots), PrimitiveKind.UInt32),
        Primitive("stale_robots", nameof(StatusNative.stale_robots), PrimitiveKind.UInt32),
        Primitive("epsilon_m", nameof(StatusNative.epsilon_m), PrimitiveKind.Float64),
        Primitive("energy_eps", nameof(StatusNative.energy_eps), PrimitiveKind.Float64),
        Primitive("chi2_eps", nameof(StatusNative.chi2_eps), PrimitiveKind.Float64),
        Primitive("energy_distance_m", nameof(StatusNative.energy_distance_m), PrimitiveKind.Float64),
        Primitive("min_pairwise_distance_m", nameof(StatusNative.min_pairwise_distance_m), PrimitiveKind.Float64),
        Primitive("clipped_share", nameof(StatusNative.clipped_share), PrimitiveKind.Float64),
        Primitive("control_latency_s", nameof(StatusNative.control_latency_s), PrimitiveKind.Float64));

    public static readonly StructSchema GaussianComponent = StructSchema.Of<GaussianComponent>(
        "swarm_coverage_msgs::msg::GaussianComponent",
        Primitive("weight", nameof(SwarmCoverageMsgs.GaussianComponent.Weight), PrimitiveKind.Float64),
        Struct("mean", nameof(SwarmCoverageMsgs.GaussianComponent.Mean), Point),
        Struct("sigma", nameof(SwarmCoverageMsgs.GaussianComponent.Sigma), Vector3));

    public static readonly StructSchema Target = StructSchema.Of<TargetNative>(
        "swarm_coverage_msgs::msg::Target",
        Struct("header", nameof(TargetNative.header), Header),
        Primitive("dimension", nameof(TargetNative.dimension), PrimitiveKind.UInt8),
        Primitive("kind", nameof(TargetNative.kind), PrimitiveKind.UInt8),
        Struct("box_min", nameof(TargetNative.box_min), Point),
        Struct("box_max", nameof(TargetNative.box_max), Point),
        Primitive("floor", nameof(TargetNative.floor), PrimitiveKind.Float64),
        StructSequence("components", nameof(TargetNative.components), GaussianComponent),
        Array("raster_size", nameof(TargetNative.raster_size), PrimitiveKind.UInt32, 3),
        Sequence("raster_values", nameof(TargetNative.raster_values), PrimitiveKind.Float64));
}
