using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.DiagnosticMsgs;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RclInterfaces;
using SwarmCoverage.Ros2.Messages.RmwDdsCommon;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.SensorMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using SwarmCoverage.Ros2.Messages.VisualizationMsgs;

namespace SwarmCoverage.Ros2;

/// <summary>Every message type of this library, to look one up by its ROS name (for a bridge or a recorder that meets names at run time).</summary>
public static class RosMessageTypes
{
    /// <summary>
    /// All message types, in no particular order: one per embedded .msg definition. Not listed: the service bodies
    /// (<c>pkg/srv/Name_Request</c>, <c>_Response</c>; they have no .msg) and the Humble layout of
    /// <c>rmw_dds_common/msg/ParticipantEntitiesInfo</c> (<see cref="ParticipantEntitiesInfo.HumbleMessageType"/>, the same name).
    /// </summary>
    public static IReadOnlyList<RosMessageType> All { get; } =
    [
        Time.MessageType, Duration.MessageType,
        Header.MessageType, Empty.MessageType, Bool.MessageType, ColorRGBA.MessageType,
        Vector3.MessageType, Point.MessageType, Quaternion.MessageType, Pose.MessageType, PoseStamped.MessageType,
        PoseWithCovariance.MessageType, Twist.MessageType, TwistStamped.MessageType, TwistWithCovariance.MessageType, PointStamped.MessageType,
        Odometry.MessageType, MapMetaData.MessageType, OccupancyGrid.MessageType,
        Clock.MessageType,
        CompressedImage.MessageType,
        UVCoordinate.MessageType, MeshFile.MessageType, Marker.MessageType, MarkerArray.MessageType,
        Log.MessageType, ParameterType.MessageType, ParameterValue.MessageType, Parameter.MessageType, ParameterEvent.MessageType,
        FloatingPointRange.MessageType, IntegerRange.MessageType, ParameterDescriptor.MessageType, SetParametersResult.MessageType, ListParametersResult.MessageType,
        Gid.MessageType, NodeEntitiesInfo.MessageType, ParticipantEntitiesInfo.MessageType,
        KeyValue.MessageType, DiagnosticStatus.MessageType, DiagnosticArray.MessageType,
        Status.MessageType, GaussianComponent.MessageType, Target.MessageType, TickInput.MessageType,
    ];

    // After All: static initializers run in textual order.
    private static readonly Dictionary<string, RosMessageType> ByName = All.ToDictionary(t => t.RosTypeName, StringComparer.Ordinal);

    /// <summary>The type named <paramref name="rosTypeName"/> (<c>pkg/msg/Type</c>, or the ROS 1 style <c>pkg/Type</c>), or null.</summary>
    public static RosMessageType? Find(string rosTypeName)
    {
        ArgumentNullException.ThrowIfNull(rosTypeName);
        string[] parts = rosTypeName.Split('/');
        string key = parts.Length == 2 ? $"{parts[0]}/msg/{parts[1]}" : rosTypeName;
        return ByName.GetValueOrDefault(key);
    }
}
