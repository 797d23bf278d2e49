using System.Text;

namespace SwarmCoverage.Sim.Sdf;

/// <summary>
/// Writes the ros_gz_bridge YAML configuration (keys <c>ros_topic_name</c>, <c>gz_topic_name</c>,
/// <c>ros_type_name</c>, <c>gz_type_name</c>, <c>direction</c>) that exposes a world's Gazebo topics
/// under the same names in ROS 2: each robot's command topic (ROS to Gazebo, Twist), its odometry
/// (Gazebo to ROS, Odometry) and <c>/clock</c>. With it, a controller sees real Gazebo exactly as it
/// sees the bundled simulator.
/// </summary>
public static class RosGzBridgeConfig
{
    /// <summary>The YAML text for <paramref name="world"/>.</summary>
    /// <param name="world">The world.</param>
    /// <param name="generation">Fortress names the Gazebo types <c>ignition.msgs.*</c>; Garden and later <c>gz.msgs.*</c>.</param>
    public static string Write(World world, GazeboGeneration generation = GazeboGeneration.Fortress)
    {
        ArgumentNullException.ThrowIfNull(world);
        string prefix = generation == GazeboGeneration.Fortress ? "ignition.msgs." : "gz.msgs.";
        var yaml = new StringBuilder();
        yaml.Append("# ros_gz_bridge configuration for world '").Append(world.Name).Append("' (").Append(generation).Append(")\n");
        Entry(yaml, "/clock", "rosgraph_msgs/msg/Clock", prefix + "Clock", "GZ_TO_ROS");
        foreach (RobotSpec robot in world.Robots)
        {
            RobotTopics topics = robot.EffectiveTopics;
            Entry(yaml, topics.CmdVel, "geometry_msgs/msg/Twist", prefix + "Twist", "ROS_TO_GZ");
            Entry(yaml, topics.Odometry, "nav_msgs/msg/Odometry", prefix + "Odometry", "GZ_TO_ROS");
        }

        return yaml.ToString();
    }

    private static void Entry(StringBuilder yaml, string topic, string rosType, string gzType, string direction) =>
        yaml.Append("- ros_topic_name: \"").Append(topic).Append("\"\n")
            .Append("  gz_topic_name: \"").Append(topic).Append("\"\n")
            .Append("  ros_type_name: \"").Append(rosType).Append("\"\n")
            .Append("  gz_type_name: \"").Append(gzType).Append("\"\n")
            .Append("  direction: ").Append(direction).Append('\n');
}
