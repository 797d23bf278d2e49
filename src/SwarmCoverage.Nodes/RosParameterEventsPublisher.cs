using SwarmCoverage.Control.Session;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using ParameterEvent = SwarmCoverage.Ros2.Messages.RclInterfaces.ParameterEvent;

namespace SwarmCoverage.Nodes;

/// <summary>
/// Publishes the node's <c>/parameter_events</c> as a ROS 2 node does: its parameters as new ones when it starts, then
/// each change once, at the tick boundary where it took effect, whatever path it came by (the params file, a Foxglove
/// client, the console). An observer: it never delays a tick.
/// </summary>
internal sealed class RosParameterEventsPublisher(RosParticipant participant, string node) : IControlObserver
{
    /// <summary>The topic.</summary>
    public const string Topic = "/parameter_events";

    // rmw_qos_profile_parameter_events: reliable, volatile, keep last 1000.
    private readonly RosPublisher<ParameterEvent> _pub = participant.CreatePublisher<ParameterEvent>(Topic,
        new RosQos(RosReliability.Reliable, RosDurability.Volatile, RosHistory.KeepLast, 1000));

    public void OnStarted(SessionDescription session) => _pub.Publish(SessionMessages.ParametersDeclared(session, node));

    public void OnTick(TickRecord tick)
    {
        if (tick.Changes.Count == 0) return;
        if (SessionMessages.ParametersChanged(tick.Changes, Time.FromNanoseconds(tick.TimeUnixNs), node) is { } e) _pub.Publish(e);
    }

    public void OnStopped()
    {
    }
}
