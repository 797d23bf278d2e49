using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;

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
    ];
}
