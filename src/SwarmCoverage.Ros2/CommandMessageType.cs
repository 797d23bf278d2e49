namespace SwarmCoverage.Ros2;

/// <summary>The message type a robot's <c>cmd_vel</c> carries.</summary>
public enum CommandMessageType
{
    /// <summary><c>geometry_msgs/msg/Twist</c> (ROS 2 Humble diff-drive drivers, ros_gz_bridge).</summary>
    Twist,

    /// <summary><c>geometry_msgs/msg/TwistStamped</c> (ROS 2 Jazzy's diff_drive_controller).</summary>
    TwistStamped,
}
