using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.DiagnosticMsgs;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RclInterfaces;
using SwarmCoverage.Ros2.Messages.RmwDdsCommon;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.SensorMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.StdSrvs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using SwarmCoverage.Ros2.Messages.VisualizationMsgs;
using SwarmCoverage.Ros2.Serialization;
using static SwarmCoverage.Ros2.Serialization.MemberSchema;

namespace SwarmCoverage.Ros2.Messages;

/// <summary>
/// The C layout of every message, member by member in .msg order (ROS name, C# field of the native struct,
/// type). Each line mirrors the message definition in Interfaces/ (verbatim from ros2/common_interfaces and
/// ros2/rcl_interfaces, Jazzy) or msgs/.
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
        Primitive("control_latency_s", nameof(StatusNative.control_latency_s), PrimitiveKind.Float64),
        Primitive("observer_dropped_ticks", nameof(StatusNative.observer_dropped_ticks), PrimitiveKind.UInt64));

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

    public static readonly StructSchema TickInput = StructSchema.Of<TickInputNative>(
        "swarm_coverage_msgs::msg::TickInput",
        Struct("header", nameof(TickInputNative.header), Header),
        Primitive("tick", nameof(TickInputNative.tick), PrimitiveKind.UInt64),
        Primitive("clock_timestamp", nameof(TickInputNative.clock_timestamp), PrimitiveKind.Int64),
        Primitive("clock_frequency", nameof(TickInputNative.clock_frequency), PrimitiveKind.Int64),
        Primitive("emergency_stop", nameof(TickInputNative.emergency_stop), PrimitiveKind.Bool),
        Sequence("status", nameof(TickInputNative.status), PrimitiveKind.UInt8),
        Sequence("taken", nameof(TickInputNative.taken), PrimitiveKind.UInt8),
        Sequence("x", nameof(TickInputNative.x), PrimitiveKind.Float64),
        Sequence("y", nameof(TickInputNative.y), PrimitiveKind.Float64),
        Sequence("z", nameof(TickInputNative.z), PrimitiveKind.Float64),
        Sequence("yaw", nameof(TickInputNative.yaw), PrimitiveKind.Float64),
        Sequence("age_s", nameof(TickInputNative.age_s), PrimitiveKind.Float64));

    public static readonly StructSchema Duration = StructSchema.Of<Duration>(
        "builtin_interfaces::msg::Duration",
        Primitive("sec", nameof(BuiltinInterfaces.Duration.Sec), PrimitiveKind.Int32),
        Primitive("nanosec", nameof(BuiltinInterfaces.Duration.Nanosec), PrimitiveKind.UInt32));

    public static readonly StructSchema ColorRGBA = StructSchema.Of<ColorRGBA>(
        "std_msgs::msg::ColorRGBA",
        Primitive("r", nameof(StdMsgs.ColorRGBA.R), PrimitiveKind.Float32),
        Primitive("g", nameof(StdMsgs.ColorRGBA.G), PrimitiveKind.Float32),
        Primitive("b", nameof(StdMsgs.ColorRGBA.B), PrimitiveKind.Float32),
        Primitive("a", nameof(StdMsgs.ColorRGBA.A), PrimitiveKind.Float32));

    public static readonly StructSchema PointStamped = StructSchema.Of<PointStampedNative>(
        "geometry_msgs::msg::PointStamped",
        Struct("header", nameof(PointStampedNative.header), Header),
        Struct("point", nameof(PointStampedNative.point), Point));

    public static readonly StructSchema CompressedImage = StructSchema.Of<CompressedImageNative>(
        "sensor_msgs::msg::CompressedImage",
        Struct("header", nameof(CompressedImageNative.header), Header),
        String("format", nameof(CompressedImageNative.format)),
        Sequence("data", nameof(CompressedImageNative.data), PrimitiveKind.UInt8));

    public static readonly StructSchema UVCoordinate = StructSchema.Of<UVCoordinate>(
        "visualization_msgs::msg::UVCoordinate",
        Primitive("u", nameof(VisualizationMsgs.UVCoordinate.U), PrimitiveKind.Float32),
        Primitive("v", nameof(VisualizationMsgs.UVCoordinate.V), PrimitiveKind.Float32));

    public static readonly StructSchema MeshFile = StructSchema.Of<MeshFileNative>(
        "visualization_msgs::msg::MeshFile",
        String("filename", nameof(MeshFileNative.filename)),
        Sequence("data", nameof(MeshFileNative.data), PrimitiveKind.UInt8));

    public static readonly StructSchema Marker = StructSchema.Of<MarkerNative>(
        "visualization_msgs::msg::Marker",
        Struct("header", nameof(MarkerNative.header), Header),
        String("ns", nameof(MarkerNative.ns)),
        Primitive("id", nameof(MarkerNative.id), PrimitiveKind.Int32),
        Primitive("type", nameof(MarkerNative.type), PrimitiveKind.Int32),
        Primitive("action", nameof(MarkerNative.action), PrimitiveKind.Int32),
        Struct("pose", nameof(MarkerNative.pose), Pose),
        Struct("scale", nameof(MarkerNative.scale), Vector3),
        Struct("color", nameof(MarkerNative.color), ColorRGBA),
        Struct("lifetime", nameof(MarkerNative.lifetime), Duration),
        Primitive("frame_locked", nameof(MarkerNative.frame_locked), PrimitiveKind.Bool),
        StructSequence("points", nameof(MarkerNative.points), Point),
        StructSequence("colors", nameof(MarkerNative.colors), ColorRGBA),
        String("texture_resource", nameof(MarkerNative.texture_resource)),
        Struct("texture", nameof(MarkerNative.texture), CompressedImage),
        StructSequence("uv_coordinates", nameof(MarkerNative.uv_coordinates), UVCoordinate),
        String("text", nameof(MarkerNative.text)),
        String("mesh_resource", nameof(MarkerNative.mesh_resource)),
        Struct("mesh_file", nameof(MarkerNative.mesh_file), MeshFile),
        Primitive("mesh_use_embedded_materials", nameof(MarkerNative.mesh_use_embedded_materials), PrimitiveKind.Bool));

    public static readonly StructSchema MarkerArray = StructSchema.Of<MarkerArrayNative>(
        "visualization_msgs::msg::MarkerArray",
        StructSequence("markers", nameof(MarkerArrayNative.markers), Marker));

    public static readonly StructSchema Log = StructSchema.Of<LogNative>(
        "rcl_interfaces::msg::Log",
        Struct("stamp", nameof(LogNative.stamp), Time),
        Primitive("level", nameof(LogNative.level), PrimitiveKind.UInt8),
        String("name", nameof(LogNative.name)),
        String("msg", nameof(LogNative.msg)),
        String("file", nameof(LogNative.file)),
        String("function", nameof(LogNative.function)),
        Primitive("line", nameof(LogNative.line), PrimitiveKind.UInt32));

    public static readonly StructSchema ParameterType = StructSchema.Of<ParameterType>(
        "rcl_interfaces::msg::ParameterType",
        Primitive("structure_needs_at_least_one_member", "structureNeedsAtLeastOneMember", PrimitiveKind.UInt8));

    public static readonly StructSchema ParameterValue = StructSchema.Of<ParameterValueNative>(
        "rcl_interfaces::msg::ParameterValue",
        Primitive("type", nameof(ParameterValueNative.type), PrimitiveKind.UInt8),
        Primitive("bool_value", nameof(ParameterValueNative.bool_value), PrimitiveKind.Bool),
        Primitive("integer_value", nameof(ParameterValueNative.integer_value), PrimitiveKind.Int64),
        Primitive("double_value", nameof(ParameterValueNative.double_value), PrimitiveKind.Float64),
        String("string_value", nameof(ParameterValueNative.string_value)),
        Sequence("byte_array_value", nameof(ParameterValueNative.byte_array_value), PrimitiveKind.UInt8),
        Sequence("bool_array_value", nameof(ParameterValueNative.bool_array_value), PrimitiveKind.Bool),
        Sequence("integer_array_value", nameof(ParameterValueNative.integer_array_value), PrimitiveKind.Int64),
        Sequence("double_array_value", nameof(ParameterValueNative.double_array_value), PrimitiveKind.Float64),
        StringSequence("string_array_value", nameof(ParameterValueNative.string_array_value)));

    public static readonly StructSchema Parameter = StructSchema.Of<ParameterNative>(
        "rcl_interfaces::msg::Parameter",
        String("name", nameof(ParameterNative.name)),
        Struct("value", nameof(ParameterNative.value), ParameterValue));

    public static readonly StructSchema ParameterEvent = StructSchema.Of<ParameterEventNative>(
        "rcl_interfaces::msg::ParameterEvent",
        Struct("stamp", nameof(ParameterEventNative.stamp), Time),
        String("node", nameof(ParameterEventNative.node)),
        StructSequence("new_parameters", nameof(ParameterEventNative.new_parameters), Parameter),
        StructSequence("changed_parameters", nameof(ParameterEventNative.changed_parameters), Parameter),
        StructSequence("deleted_parameters", nameof(ParameterEventNative.deleted_parameters), Parameter));

    public static readonly StructSchema FloatingPointRange = StructSchema.Of<FloatingPointRange>(
        "rcl_interfaces::msg::FloatingPointRange",
        Primitive("from_value", nameof(RclInterfaces.FloatingPointRange.FromValue), PrimitiveKind.Float64),
        Primitive("to_value", nameof(RclInterfaces.FloatingPointRange.ToValue), PrimitiveKind.Float64),
        Primitive("step", nameof(RclInterfaces.FloatingPointRange.Step), PrimitiveKind.Float64));

    public static readonly StructSchema IntegerRange = StructSchema.Of<IntegerRange>(
        "rcl_interfaces::msg::IntegerRange",
        Primitive("from_value", nameof(RclInterfaces.IntegerRange.FromValue), PrimitiveKind.Int64),
        Primitive("to_value", nameof(RclInterfaces.IntegerRange.ToValue), PrimitiveKind.Int64),
        Primitive("step", nameof(RclInterfaces.IntegerRange.Step), PrimitiveKind.UInt64));

    // floating_point_range and integer_range are FloatingPointRange[<=1] / IntegerRange[<=1] upstream: the same CDR as
    // unbounded sequences (the writer enforces the bound); idlc's descriptor has bounded-sequence ops instead.
    public static readonly StructSchema ParameterDescriptor = StructSchema.Of<ParameterDescriptorNative>(
        "rcl_interfaces::msg::ParameterDescriptor",
        String("name", nameof(ParameterDescriptorNative.name)),
        Primitive("type", nameof(ParameterDescriptorNative.type), PrimitiveKind.UInt8),
        String("description", nameof(ParameterDescriptorNative.description)),
        String("additional_constraints", nameof(ParameterDescriptorNative.additional_constraints)),
        Primitive("read_only", nameof(ParameterDescriptorNative.read_only), PrimitiveKind.Bool),
        Primitive("dynamic_typing", nameof(ParameterDescriptorNative.dynamic_typing), PrimitiveKind.Bool),
        StructSequence("floating_point_range", nameof(ParameterDescriptorNative.floating_point_range), FloatingPointRange),
        StructSequence("integer_range", nameof(ParameterDescriptorNative.integer_range), IntegerRange));

    public static readonly StructSchema SetParametersResult = StructSchema.Of<SetParametersResultNative>(
        "rcl_interfaces::msg::SetParametersResult",
        Primitive("successful", nameof(SetParametersResultNative.successful), PrimitiveKind.Bool),
        String("reason", nameof(SetParametersResultNative.reason)));

    public static readonly StructSchema ListParametersResult = StructSchema.Of<ListParametersResultNative>(
        "rcl_interfaces::msg::ListParametersResult",
        StringSequence("names", nameof(ListParametersResultNative.names)),
        StringSequence("prefixes", nameof(ListParametersResultNative.prefixes)));

    // The service bodies of rcl_interfaces/srv (Name_Request, Name_Response as rosidl names the halves of a .srv).
    public static readonly StructSchema GetParametersRequest = StructSchema.Of<GetParametersRequestNative>(
        "rcl_interfaces::srv::GetParameters_Request",
        StringSequence("names", nameof(GetParametersRequestNative.names)));

    public static readonly StructSchema GetParametersResponse = StructSchema.Of<GetParametersResponseNative>(
        "rcl_interfaces::srv::GetParameters_Response",
        StructSequence("values", nameof(GetParametersResponseNative.values), ParameterValue));

    public static readonly StructSchema SetParametersRequest = StructSchema.Of<SetParametersRequestNative>(
        "rcl_interfaces::srv::SetParameters_Request",
        StructSequence("parameters", nameof(SetParametersRequestNative.parameters), Parameter));

    public static readonly StructSchema SetParametersResponse = StructSchema.Of<SetParametersResponseNative>(
        "rcl_interfaces::srv::SetParameters_Response",
        StructSequence("results", nameof(SetParametersResponseNative.results), SetParametersResult));

    public static readonly StructSchema SetParametersAtomicallyRequest = StructSchema.Of<SetParametersAtomicallyRequestNative>(
        "rcl_interfaces::srv::SetParametersAtomically_Request",
        StructSequence("parameters", nameof(SetParametersAtomicallyRequestNative.parameters), Parameter));

    public static readonly StructSchema SetParametersAtomicallyResponse = StructSchema.Of<SetParametersAtomicallyResponseNative>(
        "rcl_interfaces::srv::SetParametersAtomically_Response",
        Struct("result", nameof(SetParametersAtomicallyResponseNative.result), SetParametersResult));

    public static readonly StructSchema ListParametersRequest = StructSchema.Of<ListParametersRequestNative>(
        "rcl_interfaces::srv::ListParameters_Request",
        StringSequence("prefixes", nameof(ListParametersRequestNative.prefixes)),
        Primitive("depth", nameof(ListParametersRequestNative.depth), PrimitiveKind.UInt64));

    public static readonly StructSchema ListParametersResponse = StructSchema.Of<ListParametersResponseNative>(
        "rcl_interfaces::srv::ListParameters_Response",
        Struct("result", nameof(ListParametersResponseNative.result), ListParametersResult));

    public static readonly StructSchema DescribeParametersRequest = StructSchema.Of<DescribeParametersRequestNative>(
        "rcl_interfaces::srv::DescribeParameters_Request",
        StringSequence("names", nameof(DescribeParametersRequestNative.names)));

    public static readonly StructSchema DescribeParametersResponse = StructSchema.Of<DescribeParametersResponseNative>(
        "rcl_interfaces::srv::DescribeParameters_Response",
        StructSequence("descriptors", nameof(DescribeParametersResponseNative.descriptors), ParameterDescriptor));

    public static readonly StructSchema GetParameterTypesRequest = StructSchema.Of<GetParameterTypesRequestNative>(
        "rcl_interfaces::srv::GetParameterTypes_Request",
        StringSequence("names", nameof(GetParameterTypesRequestNative.names)));

    public static readonly StructSchema GetParameterTypesResponse = StructSchema.Of<GetParameterTypesResponseNative>(
        "rcl_interfaces::srv::GetParameterTypes_Response",
        Sequence("types", nameof(GetParameterTypesResponseNative.types), PrimitiveKind.UInt8));

    public static readonly StructSchema KeyValue = StructSchema.Of<KeyValueNative>(
        "diagnostic_msgs::msg::KeyValue",
        String("key", nameof(KeyValueNative.key)),
        String("value", nameof(KeyValueNative.value)));

    public static readonly StructSchema DiagnosticStatus = StructSchema.Of<DiagnosticStatusNative>(
        "diagnostic_msgs::msg::DiagnosticStatus",
        Primitive("level", nameof(DiagnosticStatusNative.level), PrimitiveKind.UInt8),
        String("name", nameof(DiagnosticStatusNative.name)),
        String("message", nameof(DiagnosticStatusNative.message)),
        String("hardware_id", nameof(DiagnosticStatusNative.hardware_id)),
        StructSequence("values", nameof(DiagnosticStatusNative.values), KeyValue));

    public static readonly StructSchema DiagnosticArray = StructSchema.Of<DiagnosticArrayNative>(
        "diagnostic_msgs::msg::DiagnosticArray",
        Struct("header", nameof(DiagnosticArrayNative.header), Header),
        StructSequence("status", nameof(DiagnosticArrayNative.status), DiagnosticStatus));

    public static readonly StructSchema SetBoolRequest = StructSchema.Of<SetBoolRequestNative>(
        "std_srvs::srv::SetBool_Request",
        Primitive("data", nameof(SetBoolRequestNative.data), PrimitiveKind.Bool));

    public static readonly StructSchema SetBoolResponse = StructSchema.Of<SuccessMessageNative>(
        "std_srvs::srv::SetBool_Response",
        Primitive("success", nameof(SuccessMessageNative.success), PrimitiveKind.Bool),
        String("message", nameof(SuccessMessageNative.message)));

    public static readonly StructSchema TriggerRequest = StructSchema.Of<TriggerRequest>(
        "std_srvs::srv::Trigger_Request",
        Primitive("structure_needs_at_least_one_member", "structureNeedsAtLeastOneMember", PrimitiveKind.UInt8));

    public static readonly StructSchema TriggerResponse = StructSchema.Of<SuccessMessageNative>(
        "std_srvs::srv::Trigger_Response",
        Primitive("success", nameof(SuccessMessageNative.success), PrimitiveKind.Bool),
        String("message", nameof(SuccessMessageNative.message)));

    // rmw_dds_common: Gid is char[16] from Iron on, char[24] in Humble (the GUID, then 8 zero bytes). The two layouts
    // have the same IDL names; the node and participant schemas exist once per Gid layout. The string<=256 names are
    // plain strings here (the same CDR; the writer enforces the bound), where idlc emits bounded-string ops.
    public static readonly StructSchema Gid = StructSchema.Of<GidNative16>(
        "rmw_dds_common::msg::Gid",
        Array("data", nameof(GidNative16.data), PrimitiveKind.UInt8, GidNative16.Size));

    public static readonly StructSchema GidHumble = StructSchema.Of<GidNative24>(
        "rmw_dds_common::msg::Gid",
        Array("data", nameof(GidNative24.data), PrimitiveKind.UInt8, GidNative24.Size));

    public static readonly StructSchema NodeEntitiesInfo = StructSchema.Of<NodeEntitiesInfoNative>(
        "rmw_dds_common::msg::NodeEntitiesInfo",
        String("node_namespace", nameof(NodeEntitiesInfoNative.node_namespace)),
        String("node_name", nameof(NodeEntitiesInfoNative.node_name)),
        StructSequence("reader_gid_seq", nameof(NodeEntitiesInfoNative.reader_gid_seq), Gid),
        StructSequence("writer_gid_seq", nameof(NodeEntitiesInfoNative.writer_gid_seq), Gid));

    public static readonly StructSchema NodeEntitiesInfoHumble = StructSchema.Of<NodeEntitiesInfoNative>(
        "rmw_dds_common::msg::NodeEntitiesInfo",
        String("node_namespace", nameof(NodeEntitiesInfoNative.node_namespace)),
        String("node_name", nameof(NodeEntitiesInfoNative.node_name)),
        StructSequence("reader_gid_seq", nameof(NodeEntitiesInfoNative.reader_gid_seq), GidHumble),
        StructSequence("writer_gid_seq", nameof(NodeEntitiesInfoNative.writer_gid_seq), GidHumble));

    public static readonly StructSchema ParticipantEntitiesInfo = StructSchema.Of<ParticipantEntitiesInfoNative>(
        "rmw_dds_common::msg::ParticipantEntitiesInfo",
        Struct("gid", nameof(ParticipantEntitiesInfoNative.gid), Gid),
        StructSequence("node_entities_info_seq", nameof(ParticipantEntitiesInfoNative.node_entities_info_seq), NodeEntitiesInfo));

    public static readonly StructSchema ParticipantEntitiesInfoHumble = StructSchema.Of<ParticipantEntitiesInfoHumbleNative>(
        "rmw_dds_common::msg::ParticipantEntitiesInfo",
        Struct("gid", nameof(ParticipantEntitiesInfoHumbleNative.gid), GidHumble),
        StructSequence("node_entities_info_seq", nameof(ParticipantEntitiesInfoHumbleNative.node_entities_info_seq), NodeEntitiesInfoHumble));
}
