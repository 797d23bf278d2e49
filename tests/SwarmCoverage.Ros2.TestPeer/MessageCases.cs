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

namespace SwarmCoverage.Ros2.TestPeer;

/// <summary>One message type with its sample, usable without knowing the type statically.</summary>
public abstract class MessageCase
{
    /// <summary>Short name, also the last topic token (snake case).</summary>
    public abstract string Name { get; }

    public abstract RosMessageType Type { get; }

    public abstract string ExpectedDump { get; }

    public abstract RosEndpoint CreatePublisher(RosParticipant participant, string topic, RosQos qos);

    public abstract void PublishSample(RosEndpoint publisher);

    public abstract RosEndpoint CreateSubscription(RosParticipant participant, string topic, RosQos qos);

    /// <summary>Takes one message and returns its dump, or null when none is there.</summary>
    public abstract string? TryTakeDump(RosEndpoint subscription);

    /// <summary>The sample, boxed.</summary>
    public abstract object SampleObject { get; }

    /// <summary>The sample serialized by the library's managed CDR codec.</summary>
    public abstract byte[] Serialize();

    /// <summary>Serializes any value of the type (boxed) with the managed codec.</summary>
    public abstract byte[] Serialize(object value);

    /// <summary>Decodes with the managed codec; the value (boxed) when it decoded.</summary>
    public abstract CdrDecodeResult Decode(ReadOnlySpan<byte> cdr, out object? value, CdrDecodeOptions? options = null);

    public override string ToString() => Name;
}

public sealed class MessageCase<T>(string name, Func<T> sample) : MessageCase
    where T : IRosMessage<T>
{
    public override string Name => name;

    public override RosMessageType Type => T.MessageType;

    public T Sample => sample();

    public override string ExpectedDump => Dump.Of(sample());

    public override RosEndpoint CreatePublisher(RosParticipant participant, string topic, RosQos qos) => participant.CreatePublisher<T>(topic, qos);

    public override void PublishSample(RosEndpoint publisher) => ((RosPublisher<T>)publisher).Publish(sample());

    public override RosEndpoint CreateSubscription(RosParticipant participant, string topic, RosQos qos) => participant.CreateSubscription<T>(topic, qos);

    public override string? TryTakeDump(RosEndpoint subscription)
    {
        T message = default!;
        return ((RosSubscription<T>)subscription).TryTake(ref message) ? Dump.Of(message) : null;
    }

    public override object SampleObject => sample()!;

    public override byte[] Serialize() => T.MessageType.Serialize(sample());

    public override byte[] Serialize(object value) => T.MessageType.Serialize((T)value);

    public override CdrDecodeResult Decode(ReadOnlySpan<byte> cdr, out object? value, CdrDecodeOptions? options = null)
    {
        CdrDecodeResult result = T.MessageType.Decode(cdr, out T decoded, options ?? CdrDecodeOptions.Default);
        value = result.IsSuccess ? decoded : null;
        return result;
    }
}

public static class MessageCases
{
    public static IReadOnlyList<MessageCase> All { get; } =
    [
        new MessageCase<Time>("time", () => SampleMessages.Time),
        new MessageCase<Header>("header", () => SampleMessages.Header),
        new MessageCase<Empty>("empty", () => SampleMessages.Empty),
        new MessageCase<Bool>("bool", () => SampleMessages.Bool),
        new MessageCase<Vector3>("vector3", () => SampleMessages.Vector3),
        new MessageCase<Point>("point", () => SampleMessages.Point),
        new MessageCase<Quaternion>("quaternion", () => SampleMessages.Quaternion),
        new MessageCase<Pose>("pose", () => SampleMessages.Pose),
        new MessageCase<PoseStamped>("pose_stamped", () => SampleMessages.PoseStamped),
        new MessageCase<PoseWithCovariance>("pose_with_covariance", () => SampleMessages.PoseWithCovariance),
        new MessageCase<Twist>("twist", () => SampleMessages.Twist),
        new MessageCase<TwistStamped>("twist_stamped", () => SampleMessages.TwistStamped),
        new MessageCase<TwistWithCovariance>("twist_with_covariance", () => SampleMessages.TwistWithCovariance),
        new MessageCase<Odometry>("odometry", () => SampleMessages.Odometry),
        new MessageCase<MapMetaData>("map_meta_data", () => SampleMessages.MapMetaData),
        new MessageCase<OccupancyGrid>("occupancy_grid", () => SampleMessages.OccupancyGrid),
        new MessageCase<Clock>("clock", () => SampleMessages.Clock),
        new MessageCase<Status>("status", () => SampleMessages.Status),
        new MessageCase<GaussianComponent>("gaussian_component", () => SampleMessages.GaussianComponent),
        new MessageCase<Target>("target", () => SampleMessages.Target),
        new MessageCase<TickInput>("tick_input", () => SampleMessages.TickInput),
        new MessageCase<Duration>("duration", () => SampleMessages.Duration),
        new MessageCase<ColorRGBA>("color_rgba", () => SampleMessages.ColorRGBA),
        new MessageCase<PointStamped>("point_stamped", () => SampleMessages.PointStamped),
        new MessageCase<CompressedImage>("compressed_image", () => SampleMessages.CompressedImage),
        new MessageCase<UVCoordinate>("uv_coordinate", () => SampleMessages.UVCoordinate),
        new MessageCase<MeshFile>("mesh_file", () => SampleMessages.MeshFile),
        new MessageCase<Marker>("marker", () => SampleMessages.Marker),
        new MessageCase<MarkerArray>("marker_array", () => SampleMessages.MarkerArray),
        new MessageCase<Log>("log", () => SampleMessages.Log),
        new MessageCase<ParameterType>("parameter_type", () => SampleMessages.ParameterType),
        new MessageCase<ParameterValue>("parameter_value", () => SampleMessages.ParameterValue),
        new MessageCase<Parameter>("parameter", () => SampleMessages.Parameter),
        new MessageCase<ParameterEvent>("parameter_event", () => SampleMessages.ParameterEvent),
        new MessageCase<KeyValue>("key_value", () => SampleMessages.KeyValue),
        new MessageCase<DiagnosticStatus>("diagnostic_status", () => SampleMessages.DiagnosticStatus),
        new MessageCase<DiagnosticArray>("diagnostic_array", () => SampleMessages.DiagnosticArray),
    ];

    /// <summary>
    /// The rcl_interfaces parameter messages and service bodies, the std_srvs bodies and the rmw_dds_common graph messages
    /// (Iron-and-later layout). Kept out of <see cref="All"/>, whose consumers include tests with hand-kept lists of the
    /// cases (LayoutTests' variable-size names); the tests that know them use <see cref="Everything"/>.
    /// </summary>
    public static IReadOnlyList<MessageCase> Extended { get; } =
    [
        new MessageCase<FloatingPointRange>("floating_point_range", () => SampleMessages.FloatingPointRange),
        new MessageCase<IntegerRange>("integer_range", () => SampleMessages.IntegerRange),
        new MessageCase<ParameterDescriptor>("parameter_descriptor", () => SampleMessages.ParameterDescriptor),
        new MessageCase<SetParametersResult>("set_parameters_result", () => SampleMessages.SetParametersResult),
        new MessageCase<ListParametersResult>("list_parameters_result", () => SampleMessages.ListParametersResult),
        new MessageCase<GetParametersRequest>("get_parameters_request", () => SampleMessages.GetParametersRequest),
        new MessageCase<GetParametersResponse>("get_parameters_response", () => SampleMessages.GetParametersResponse),
        new MessageCase<SetParametersRequest>("set_parameters_request", () => SampleMessages.SetParametersRequest),
        new MessageCase<SetParametersResponse>("set_parameters_response", () => SampleMessages.SetParametersResponse),
        new MessageCase<SetParametersAtomicallyRequest>("set_parameters_atomically_request", () => SampleMessages.SetParametersAtomicallyRequest),
        new MessageCase<SetParametersAtomicallyResponse>("set_parameters_atomically_response", () => SampleMessages.SetParametersAtomicallyResponse),
        new MessageCase<ListParametersRequest>("list_parameters_request", () => SampleMessages.ListParametersRequest),
        new MessageCase<ListParametersResponse>("list_parameters_response", () => SampleMessages.ListParametersResponse),
        new MessageCase<DescribeParametersRequest>("describe_parameters_request", () => SampleMessages.DescribeParametersRequest),
        new MessageCase<DescribeParametersResponse>("describe_parameters_response", () => SampleMessages.DescribeParametersResponse),
        new MessageCase<GetParameterTypesRequest>("get_parameter_types_request", () => SampleMessages.GetParameterTypesRequest),
        new MessageCase<GetParameterTypesResponse>("get_parameter_types_response", () => SampleMessages.GetParameterTypesResponse),
        new MessageCase<SetBoolRequest>("set_bool_request", () => SampleMessages.SetBoolRequest),
        new MessageCase<SetBoolResponse>("set_bool_response", () => SampleMessages.SetBoolResponse),
        new MessageCase<TriggerRequest>("trigger_request", () => SampleMessages.TriggerRequest),
        new MessageCase<TriggerResponse>("trigger_response", () => SampleMessages.TriggerResponse),
        new MessageCase<Gid>("gid", () => SampleMessages.Gid),
        new MessageCase<NodeEntitiesInfo>("node_entities_info", () => SampleMessages.NodeEntitiesInfo),
        new MessageCase<ParticipantEntitiesInfo>("participant_entities_info", () => SampleMessages.ParticipantEntitiesInfo),
    ];

    /// <summary><see cref="All"/> then <see cref="Extended"/>.</summary>
    public static IReadOnlyList<MessageCase> Everything { get; } = [.. All, .. Extended];

    /// <summary>True for a service body (<c>pkg/srv/Name_Request</c> or <c>_Response</c>): it has no .msg and is not in <see cref="RosMessageTypes.All"/>.</summary>
    public static bool IsServiceBody(MessageCase c) => c.Type.RosTypeName.Contains("/srv/", StringComparison.Ordinal);
}
