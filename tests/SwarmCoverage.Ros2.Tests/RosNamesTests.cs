namespace SwarmCoverage.Ros2.Tests;

/// <summary>Topic names, namespaces and type names follow rcl/rmw rules and rmw_cyclonedds's mangling.</summary>
public sealed class RosNamesTests
{
    [Theory]
    [InlineData("cmd_vel", "/", null, "/cmd_vel")]
    [InlineData("cmd_vel", "/robot_0", null, "/robot_0/cmd_vel")]
    [InlineData("/robot_0/cmd_vel", "/swarm", null, "/robot_0/cmd_vel")]
    [InlineData("robot_0/odom", "/swarm", null, "/swarm/robot_0/odom")]
    [InlineData("~/target_map", "/swarm", "controller", "/swarm/controller/target_map")]
    [InlineData("~/target_map", "/", "controller", "/controller/target_map")]
    [InlineData("~", "/swarm", "controller", "/swarm/controller")]
    [InlineData("{node}/status", "/swarm", "controller", "/swarm/controller/status")]
    [InlineData("/{ns}/status", "/swarm", "controller", "/swarm/status")]
    [InlineData("_hidden/topic", "/", null, "/_hidden/topic")]
    public void Expands_like_rcl(string name, string ns, string? node, string expected) =>
        Assert.Equal(expected, RosNames.ExpandTopicName(name, ns, node));

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("/robot_0/", "ends with '/'")]
    [InlineData("1robot/cmd_vel", "starts with a digit")]
    [InlineData("/robot/0cmd", "token starting with a digit")]
    [InlineData("/robot//cmd", "contains '//'")]
    [InlineData("/robot cmd", "contains ' '")]
    [InlineData("/robot-0/cmd", "contains '-'")]
    [InlineData("a~b", "'~' somewhere other than at the start")]
    [InlineData("~a", "'~' not followed by '/'")]
    [InlineData("{node", "unmatched '{'")]
    [InlineData("node}", "unmatched '}'")]
    [InlineData("{}/x", "empty substitution")]
    [InlineData("{bogus}/x", "unknown substitution {bogus}")]
    public void Rejects_invalid_topic_names_naming_the_rule(string name, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => RosNames.ExpandTopicName(name, "/", "node"));
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_name_longer_than_rmw_allows()
    {
        string ok = "/" + new string('a', RosNames.MaxTopicNameLength - 1);
        Assert.Equal(ok, RosNames.ExpandTopicName(ok));
        var e = Assert.Throws<ArgumentException>(() => RosNames.ExpandTopicName(ok + "b"));
        Assert.Contains("longer than 247", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("robots")]
    [InlineData("/robots/")]
    [InlineData("/1robots")]
    public void Rejects_invalid_namespaces(string ns) =>
        Assert.Throws<ArgumentException>(() => RosNames.ExpandTopicName("x", ns));

    [Theory]
    [InlineData("")]
    [InlineData("1node")]
    [InlineData("my-node")]
    [InlineData("ns/node")]
    public void Rejects_invalid_node_names(string node) =>
        Assert.Throws<ArgumentException>(() => RosNames.ValidateNodeName(node));

    [Fact]
    public void Tilde_without_a_node_name_is_an_error() =>
        Assert.Throws<ArgumentException>(() => RosNames.ExpandTopicName("~/x", "/"));

    [Theory]
    [InlineData("/robot_0/cmd_vel", "rt/robot_0/cmd_vel")]
    [InlineData("/clock", "rt/clock")]
    public void Maps_topics_to_rt_prefixed_dds_topics_and_back(string ros, string dds)
    {
        Assert.Equal(dds, RosNames.ToDdsTopicName(ros));
        Assert.True(RosNames.TryFromDdsTopicName(dds, out string? back));
        Assert.Equal(ros, back);
    }

    [Theory]
    [InlineData("rq/add_two_intsRequest")]
    [InlineData("rr/add_two_intsReply")]
    [InlineData("DCPSParticipant")]
    [InlineData("rt")]
    [InlineData("rt/")]
    public void Services_and_plain_dds_topics_are_not_ros_topics(string dds) =>
        Assert.False(RosNames.TryFromDdsTopicName(dds, out _));

    [Theory]
    [InlineData("geometry_msgs/msg/Twist", "geometry_msgs::msg::dds_::Twist_")]
    [InlineData("nav_msgs/msg/Odometry", "nav_msgs::msg::dds_::Odometry_")]
    [InlineData("builtin_interfaces/msg/Time", "builtin_interfaces::msg::dds_::Time_")]
    [InlineData("swarm_coverage_msgs/msg/Status", "swarm_coverage_msgs::msg::dds_::Status_")]
    [InlineData("std_srvs/srv/Trigger_Request", "std_srvs::srv::dds_::Trigger_Request_")] // a service's halves, as rmw names their topics' types
    [InlineData("rcl_interfaces/srv/GetParameters_Response", "rcl_interfaces::srv::dds_::GetParameters_Response_")]
    [InlineData("std_srvs/srv/Trigger_Other", null)]
    [InlineData("std_msgs/msg/Bool_Request", null)]
    public void Mangles_type_names_like_rmw(string ros, string? dds)
    {
        if (dds is null)
        {
            Assert.Throws<ArgumentException>(() => RosNames.ToDdsTypeName(ros));
            return;
        }

        Assert.Equal(dds, RosNames.ToDdsTypeName(ros));
        Assert.True(RosNames.TryFromDdsTypeName(dds, out string? back));
        Assert.Equal(ros, back);
    }

    [Theory]
    [InlineData("geometry_msgs/msg/Twist")]
    [InlineData("Geometry_msgs/msg/Twist")]
    [InlineData("geometry_msgs/Twist")]
    [InlineData("geometry_msgs/msg/twist")]
    [InlineData("geometry_msgs/foo/Twist")]
    public void Type_name_validation(string ros)
    {
        if (ros == "geometry_msgs/msg/Twist")
        {
            Assert.Equal("geometry_msgs::msg::dds_::Twist_", RosNames.ToDdsTypeName(ros));
        }
        else
        {
            Assert.Throws<ArgumentException>(() => RosNames.ToDdsTypeName(ros));
        }
    }

    [Theory]
    [InlineData("Twist")]
    [InlineData("geometry_msgs::msg::Twist")]
    [InlineData("geometry_msgs::msg::dds_::_")]
    public void Non_ros_dds_type_names_are_not_demangled(string dds) =>
        Assert.False(RosNames.TryFromDdsTypeName(dds, out _));
}
