using SwarmCoverage.Ros2.Messages.RmwDdsCommon;
using SwarmCoverage.Ros2.Messages.VisualizationMsgs;
using SwarmCoverage.Ros2.Serialization;
using SwarmCoverage.Ros2.Tests.Infrastructure;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>
/// The ros2msg definitions: made of the .msg files in the repository byte for byte, laid out as rosbag2 lays them out
/// (its own test case reproduced), every type of the library covered and every embedded file used.
/// </summary>
public sealed class MessageDefinitionTests
{
    private static readonly string Separator = "\n" + new string('=', 80) + "\nMSG: ";

    // The service bodies have no .msg of their own (their text is half a .srv), so no composed definition.
    public static TheoryData<string> CaseNames => [.. MessageCases.Everything.Where(c => !MessageCases.IsServiceBody(c)).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Definition_is_the_msg_file_then_each_dependency_once_verbatim_from_the_repository(string name)
    {
        RosMessageType type = MessageCases.Everything.Single(c => c.Name == name).Type;
        string[] parts = type.Definition.Split(Separator);
        string[] root = type.RosTypeName.Split('/');
        Assert.Equal(FileText(root[0], root[2]), parts[0]);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string section in parts.Skip(1))
        {
            int newline = section.IndexOf('\n', StringComparison.Ordinal);
            string header = section[..newline];
            Assert.True(seen.Add(header), $"{header} twice");
            string[] names = header.Split('/');
            Assert.Equal(2, names.Length); // pkg/Type, no /msg/
            Assert.Equal(FileText(names[0], names[1]), section[(newline + 1)..]);
        }
    }

    [Fact]
    public void Marker_dependencies_come_depth_first_in_ordinal_order_of_their_names_as_rosbag2_orders_them()
    {
        // Marker.msg names, sorted: builtin_interfaces/Duration, geometry_msgs/Point, geometry_msgs/Pose, geometry_msgs/Vector3,
        // sensor_msgs/CompressedImage, std_msgs/ColorRGBA, std_msgs/Header, visualization_msgs/MeshFile, visualization_msgs/UVCoordinate;
        // Pose brings Quaternion (Point is already there), CompressedImage brings Header, which brings Time.
        string[] expected =
        [
            "builtin_interfaces/Duration", "geometry_msgs/Point", "geometry_msgs/Pose", "geometry_msgs/Quaternion", "geometry_msgs/Vector3",
            "sensor_msgs/CompressedImage", "std_msgs/Header", "builtin_interfaces/Time", "std_msgs/ColorRGBA", "visualization_msgs/MeshFile",
            "visualization_msgs/UVCoordinate",
        ];
        Assert.Equal(expected, Sections(Marker.MessageType.Definition));
        Assert.Equal(["visualization_msgs/Marker", .. expected], Sections(MarkerArray.MessageType.Definition));
    }

    [Fact]
    public void Composes_rosbag2s_own_test_case_to_the_text_its_test_expects()
    {
        // rosbag2_test_msgdefs and the expected text of rosbag2_cpp's test_local_message_definition_source.cpp (can_find_msg_deps).
        var files = new Dictionary<string, string>
        {
            ["rosbag2_test_msgdefs/BasicMsg"] = "float32 c\n",
            ["rosbag2_test_msgdefs/ComplexMsg"] = "rosbag2_test_msgdefs/BasicMsg b\n",
        };
        string text = MessageDefinitions.Compose("rosbag2_test_msgdefs/ComplexMsg", (p, t) => files.GetValueOrDefault($"{p}/{t}"));
        Assert.Equal(
            "rosbag2_test_msgdefs/BasicMsg b\n" +
            "\n" +
            "================================================================================\n" +
            "MSG: rosbag2_test_msgdefs/BasicMsg\n" +
            "float32 c\n",
            text);
    }

    [Fact]
    public void Field_types_are_found_at_line_starts_only_so_comments_and_constants_add_none()
    {
        string text = "# geometry_msgs/Point in a comment\nuint8 DEBUG=10 # std_msgs/Header\n  Foo[] foos\nother_pkg/Bar[3] bars # x\nstring name\n";
        Assert.Equal(["other_pkg/Bar", "pkg/Foo"], MessageDefinitions.Dependencies(text, "pkg"));
    }

    [Fact]
    public void Every_library_type_is_registered_by_name_and_every_embedded_file_is_a_registered_type()
    {
        // Service bodies are cases but not registered: the listing is one type per embedded .msg.
        Assert.Equal(
            MessageCases.Everything.Where(c => !MessageCases.IsServiceBody(c)).Select(c => c.Type.RosTypeName).Order(StringComparer.Ordinal),
            RosMessageTypes.All.Select(t => t.RosTypeName).Order(StringComparer.Ordinal));
        Assert.All(MessageCases.Everything.Where(MessageCases.IsServiceBody), c => Assert.Null(RosMessageTypes.Find(c.Type.RosTypeName)));
        Assert.Same(ParticipantEntitiesInfo.MessageType, RosMessageTypes.Find("rmw_dds_common/msg/ParticipantEntitiesInfo"));
        Assert.Equal(
            RosMessageTypes.All.Select(t => t.RosTypeName).Order(StringComparer.Ordinal),
            MessageDefinitions.Embedded().Order(StringComparer.Ordinal));
        Assert.Same(Marker.MessageType, RosMessageTypes.Find("visualization_msgs/msg/Marker"));
        Assert.Same(Marker.MessageType, RosMessageTypes.Find("visualization_msgs/Marker"));
        Assert.Null(RosMessageTypes.Find("visualization_msgs/msg/ImageMarker"));
    }

    [Fact]
    public void Embedded_files_are_the_files_of_the_repository_and_each_upstream_package_carries_its_licence()
    {
        foreach (string name in MessageDefinitions.Embedded())
        {
            string[] p = name.Split('/');
            Assert.Equal(FileText(p[0], p[2]), MessageDefinitions.MsgText(p[0], p[2]));
        }

        foreach (string package in Directory.GetDirectories(Tools.Interfaces))
        {
            Assert.Contains("Apache License", File.ReadAllText(Path.Combine(package, "LICENSE")), StringComparison.Ordinal);
        }
    }

    private static string[] Sections(string definition) =>
        [.. definition.Split(Separator).Skip(1).Select(s => s[..s.IndexOf('\n', StringComparison.Ordinal)])];

    // The .msg file as it is on disk: upstream ones under src/SwarmCoverage.Ros2/Interfaces, the project's in msgs/msg.
    private static string FileText(string package, string type) =>
        File.ReadAllText(package == "swarm_coverage_msgs"
            ? Path.Combine(Tools.RepositoryRoot, "msgs", "msg", type + ".msg")
            : Path.Combine(Tools.Interfaces, package, "msg", type + ".msg"));
}
