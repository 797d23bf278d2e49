using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.RosgraphMsgs;

/// <summary>
/// <c>rosgraph_msgs/msg/Clock</c>: <c>builtin_interfaces/Time clock</c>, the simulated time published on
/// <c>/clock</c> and honoured by nodes with <c>use_sim_time</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Clock : IRosMessage<Clock>
{
    /// <summary>The current simulated time (ROS field <c>clock</c>).</summary>
    public Time Time;

    /// <summary>Creates a message.</summary>
    public Clock(Time time) => Time = time;

    /// <inheritdoc/>
    public static RosMessageType<Clock> MessageType { get; } = new BlittableMessageType<Clock>("rosgraph_msgs/msg/Clock", MessageSchemas.Clock);
}
