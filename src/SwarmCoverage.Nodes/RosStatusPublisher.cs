using SwarmCoverage.Control.Session;
using SwarmCoverage.Ros2;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;

namespace SwarmCoverage.Nodes;

/// <summary>
/// Publishes the session's status every tick (<c>swarm_coverage_msgs/Status</c>) and the target as a latched
/// <c>nav_msgs/OccupancyGrid</c> when it starts and whenever it changes: an observer, on its own thread, so publishing
/// them never delays a tick's commands.
/// </summary>
internal sealed class RosStatusPublisher(RosParticipant participant, ControllerNodeSettings settings) : IControlObserver
{
    private readonly RosPublisher<Status> _status = participant.CreatePublisher<Status>(settings.StatusTopic, RosQos.Default);
    private readonly RosPublisher<OccupancyGrid> _map = participant.CreatePublisher<OccupancyGrid>(settings.TargetMapTopic, RosQos.Latched);

    public void OnStarted(SessionDescription session) => PublishMap(session.TargetMap, Time.FromNanoseconds(session.TimeUnixNs));

    public void OnTick(TickRecord tick)
    {
        var stamp = Time.FromNanoseconds(tick.TimeUnixNs);
        foreach (var change in tick.Changes)
            if (change is TargetChange t) PublishMap(t.Map, stamp);
        _status.Publish(SessionMessages.Status(tick.Status, stamp, settings.FrameId));
    }

    public void OnStopped()
    {
    }

    private void PublishMap(TargetMap map, Time stamp) => _map.Publish(TargetMessages.ToOccupancyGrid(map, stamp, settings.FrameId));
}
