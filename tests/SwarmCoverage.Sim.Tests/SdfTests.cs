using SwarmCoverage.Sim;
using SwarmCoverage.Sim.Sdf;

namespace SwarmCoverage.Sim.Tests;

public class SdfRoundTripTests
{
    public static TheoryData<string> ShippedNames => [.. ShippedWorlds.All.Select(w => w.FileName)];

    private static ShippedWorld Shipped(string fileName) => ShippedWorlds.All.Single(w => w.FileName == fileName);

    private static void AssertSameWorld(World expected, World actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Arena, actual.Arena);
        Assert.Equal(expected.Robots.Count, actual.Robots.Count);
        for (int i = 0; i < expected.Robots.Count; i++)
        {
            RobotSpec e = expected.Robots[i] with { Topics = expected.Robots[i].EffectiveTopics };
            Assert.Equal(e, actual.Robots[i]);
        }
    }

    [Theory]
    [MemberData(nameof(ShippedNames))]
    public void Written_world_reads_back_to_the_same_robots_and_parameters(string fileName)
    {
        ShippedWorld shipped = Shipped(fileName);
        World read = SdfWorldReader.Parse(shipped.ToSdf(), fileName);
        AssertSameWorld(shipped.World, read);
        Assert.Empty(read.Warnings);
    }

    [Fact]
    public void Every_limit_jerk_and_spawn_frame_odometry_survive_the_round_trip()
    {
        var p = new DiffDriveParameters
        {
            WheelSeparationM = 0.2345,
            WheelRadiusM = 0.0321,
            MinLinearVelocityMps = -0.1,
            MaxLinearVelocityMps = 0.3,
            MinAngularVelocityRadps = -1.1,
            MaxAngularVelocityRadps = 1.2,
            MinLinearAccelerationMps2 = -0.7,
            MaxLinearAccelerationMps2 = 0.9,
            MinAngularAccelerationRadps2 = -3.3,
            MaxAngularAccelerationRadps2 = 3.4,
            MinLinearJerkMps3 = -10,
            MaxLinearJerkMps3 = 11,
            MinAngularJerkRadps3 = -30,
            MaxAngularJerkRadps3 = 31,
            MaxWheelSpeedRadps = 9.75,
        };
        var robot = new RobotSpec
        {
            Name = "custom",
            Kind = DriveKind.DifferentialDrive,
            StartPose = new RobotPose(0.1 / 3, -2.0 / 7, 0, -3.0),
            DiffDrive = p,
            OdomPublishFrequencyHz = 30,
            OdometryOrigin = OdometryOrigin.SpawnPose,
            Topics = new RobotTopics("/fleet/custom/cmd", "/fleet/custom/odometry", "custom_odom", "custom_base"),
            Body = new RobotBody(0.3, 0.25, 0.1, 2.5, 0.02),
        };
        var world = new World { Name = "one", Arena = new Arena(-0.5, -0.25, 0.75, 0.5, 0.4), Robots = [robot] };
        foreach (GazeboGeneration g in Enum.GetValues<GazeboGeneration>())
        {
            string sdf = SdfWorldWriter.Write(world, new SdfWriterOptions { Generation = g });
            AssertSameWorld(world, SdfWorldReader.Parse(sdf));
        }
    }

    [Fact]
    public void Fortress_and_Garden_names_are_written_as_gz_expects()
    {
        World world = ShippedWorlds.TurtleBot3Burger40Corner.World;
        string fortress = SdfWorldWriter.Write(world);
        string garden = SdfWorldWriter.Write(world, new SdfWriterOptions { Generation = GazeboGeneration.Garden });
        Assert.Contains("filename=\"ignition-gazebo-diff-drive-system\" name=\"ignition::gazebo::systems::DiffDrive\"", fortress, StringComparison.Ordinal);
        Assert.Contains("filename=\"gz-sim-diff-drive-system\" name=\"gz::sim::systems::DiffDrive\"", garden, StringComparison.Ordinal);
        Assert.DoesNotContain("gz-sim", fortress, StringComparison.Ordinal);
        Assert.DoesNotContain("ignition", garden, StringComparison.Ordinal);
        Assert.Contains("<topic>/tb3_07/cmd_vel</topic>", fortress, StringComparison.Ordinal);
        Assert.Contains("<odom_topic>/tb3_07/odom</odom_topic>", fortress, StringComparison.Ordinal);
    }

    [Fact]
    public void Bridge_configuration_maps_every_robot_topic_and_the_clock()
    {
        string yaml = ShippedWorlds.GritsBot20Robotarium.ToBridgeYaml();
        Assert.Contains("- ros_topic_name: \"/clock\"", yaml, StringComparison.Ordinal);
        Assert.Contains("  gz_topic_name: \"/gritsbot_19/cmd_vel\"\n  ros_type_name: \"geometry_msgs/msg/Twist\"\n  gz_type_name: \"ignition.msgs.Twist\"\n  direction: ROS_TO_GZ", yaml, StringComparison.Ordinal);
        Assert.Contains("  gz_topic_name: \"/gritsbot_00/odom\"\n  ros_type_name: \"nav_msgs/msg/Odometry\"\n  gz_type_name: \"ignition.msgs.Odometry\"\n  direction: GZ_TO_ROS", yaml, StringComparison.Ordinal);
        Assert.Equal(41, yaml.Split("- ros_topic_name").Length - 1);
    }

    [Theory]
    [MemberData(nameof(ShippedNames))]
    public void Shipped_world_files_are_exactly_what_the_writer_produces(string fileName)
    {
        ShippedWorld shipped = Shipped(fileName);
        string worlds = Path.Combine(TestSupport.RepositoryRoot, "sim", "worlds");
        string path = Path.Combine(worlds, fileName);
        string bridge = Path.Combine(worlds, shipped.BridgeFileName);
        if (Environment.GetEnvironmentVariable("SWARM_REGENERATE_WORLDS") == "1")
        {
            File.WriteAllText(path, shipped.ToSdf());
            File.WriteAllText(bridge, shipped.ToBridgeYaml());
        }

        Assert.True(File.Exists(path), $"{path} is missing; regenerate with SWARM_REGENERATE_WORLDS=1.");
        Assert.Equal(shipped.ToSdf(), File.ReadAllText(path));
        Assert.Equal(shipped.ToBridgeYaml(), File.ReadAllText(bridge));
        AssertSameWorld(shipped.World, SdfWorldReader.Load(path));
    }

    [Fact]
    public void Shipped_worlds_have_the_robots_the_README_promises()
    {
        World burgers = ShippedWorlds.TurtleBot3Burger40Corner.World;
        Assert.Equal(40, burgers.Robots.Count);
        Assert.Equal(new Arena(0, 0, 4, 3), burgers.Arena);
        Assert.All(burgers.Robots, r => Assert.True(r.StartPose.XM < 2.4 && r.StartPose.YM < 2.0, $"{r.Name} not in the corner"));
        // Safe for the controller's default filter from the first tick: controlled points 0.05 m ahead at least 0.32 m apart.
        Assert.True(MinControlledPointDistance(burgers, 0.05) >= 0.32);
        Assert.True(MinControlledPointDistance(ShippedWorlds.GritsBot20Robotarium.World, 0.05) >= 0.34);
        World grits = ShippedWorlds.GritsBot20Robotarium.World;
        Assert.Equal(20, grits.Robots.Count);
        Assert.Equal(new Arena(-1.6, -1, 1.6, 1), grits.Arena);
        Assert.All(grits.Robots, r => Assert.Equal(12.5, r.DiffDrive!.MaxWheelSpeedRadps));
        Assert.All(ShippedWorlds.Quadrotor8Aerial.World.Robots, r => Assert.Equal(DriveKind.Holonomic3D, r.Kind));
        Assert.All(ShippedWorlds.HolonomicGround9.World.Robots, r => Assert.Equal(DriveKind.Holonomic2D, r.Kind));
    }

    private static double MinControlledPointDistance(World world, double l)
    {
        var p = world.Robots.Select(r => (X: r.StartPose.XM + l * Math.Cos(r.StartPose.YawRad), Y: r.StartPose.YM + l * Math.Sin(r.StartPose.YawRad))).ToArray();
        double best = double.PositiveInfinity;
        for (int i = 0; i < p.Length; i++)
            for (int j = i + 1; j < p.Length; j++)
                best = Math.Min(best, Math.Sqrt((p[i].X - p[j].X) * (p[i].X - p[j].X) + (p[i].Y - p[j].Y) * (p[i].Y - p[j].Y)));
        return best;
    }
}

public class SdfReaderTests
{
    private const string Header = "<?xml version=\"1.0\"?>\n<sdf version=\"1.9\">\n<world name=\"w\">\n";
    private const string Footer = "</world>\n</sdf>\n";

    private static string Robot(string name, string plugin, string pose = "1 2 0 0 0 0.5", string extraJointLimit = "") => $"""
        <model name="{name}">
          <pose>{pose}</pose>
          <link name="chassis"/>
          <link name="lw"/>
          <link name="rw"/>
          <joint name="left" type="revolute"><parent>chassis</parent><child>lw</child><axis><xyz>0 0 1</xyz>{extraJointLimit}</axis></joint>
          <joint name="right" type="revolute"><parent>chassis</parent><child>rw</child><axis><xyz>0 0 1</xyz>{extraJointLimit}</axis></joint>
          {plugin}
        </model>
        """;

    private static SdfFormatException Bad(string sdf)
    {
        var e = Assert.Throws<SdfFormatException>(() => SdfWorldReader.Parse(sdf, "bad.sdf"));
        Assert.StartsWith("bad.sdf:", e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void A_plain_gz_DiffDrive_world_reads_with_gz_defaults_and_precedence()
    {
        // Written as gz-sim's own examples are: generic max_velocity / max_acceleration, one specific override,
        // no topics (gz defaults), Garden names, and wheel odometry from DiffDrive (spawn-relative).
        string sdf = Header + Robot("vehicle_blue", """
            <plugin filename="gz-sim-diff-drive-system" name="gz::sim::systems::DiffDrive">
              <left_joint>left</left_joint>
              <right_joint>right</right_joint>
              <wheel_separation>1.25</wheel_separation>
              <wheel_radius>0.3</wheel_radius>
              <odom_publish_frequency>1</odom_publish_frequency>
              <max_velocity>0.5</max_velocity>
              <min_velocity>-0.5</min_velocity>
              <max_acceleration>1</max_acceleration>
              <max_angular_velocity>2</max_angular_velocity>
            </plugin>
            """, extraJointLimit: "<limit><lower>-1e16</lower><upper>1e16</upper><velocity>-1</velocity></limit>") + Footer;
        World world = SdfWorldReader.Parse(sdf);
        RobotSpec r = Assert.Single(world.Robots);
        Assert.Equal("vehicle_blue", r.Name);
        Assert.Equal(new RobotPose(1, 2, 0, 0.5), r.StartPose);
        DiffDriveParameters p = r.DiffDrive!;
        Assert.Equal(1.25, p.WheelSeparationM);
        Assert.Equal(0.3, p.WheelRadiusM);
        Assert.Equal(0.5, p.MaxLinearVelocityMps);
        Assert.Equal(-0.5, p.MinLinearVelocityMps);
        Assert.Equal(2, p.MaxAngularVelocityRadps);   // specific overrides combined
        Assert.Equal(-0.5, p.MinAngularVelocityRadps); // combined applies to both
        Assert.Equal(1, p.MaxLinearAccelerationMps2);
        Assert.Equal(1, p.MaxAngularAccelerationRadps2);
        Assert.Equal(double.NegativeInfinity, p.MinLinearAccelerationMps2);
        Assert.Equal(double.PositiveInfinity, p.MaxWheelSpeedRadps); // velocity -1: no limit
        Assert.Equal(1, r.OdomPublishFrequencyHz);
        Assert.Equal(OdometryOrigin.SpawnPose, r.OdometryOrigin);
        Assert.Equal(new RobotTopics("/model/vehicle_blue/cmd_vel", "/model/vehicle_blue/odometry", "vehicle_blue/odom", "vehicle_blue/chassis"), r.Topics);
        Assert.Null(r.Body);
        Assert.Null(world.Arena);
    }

    [Fact]
    public void Fortress_names_with_lib_prefix_and_version_are_accepted()
    {
        string sdf = Header + Robot("a", """
            <plugin filename="libignition-gazebo6-diff-drive-system.so" name="ignition::gazebo::systems::DiffDrive">
              <left_joint>left</left_joint><right_joint>right</right_joint>
            </plugin>
            """) + Footer;
        Assert.Equal(1.0, SdfWorldReader.Parse(sdf).Robots[0].DiffDrive!.WheelSeparationM);
    }

    [Fact]
    public void Passive_models_and_foreign_plugins_are_reported_as_warnings()
    {
        string sdf = Header + """
            <model name="crate"><pose>0 0 0 0 0 0</pose><link name="l"><collision name="c"><geometry><box><size>1 1 1</size></box></geometry></collision></link></model>
            <model name="pillar"><static>true</static><link name="l"><collision name="c"><geometry><box><size>1 1 1</size></box></geometry></collision></link></model>
            <model name="ground"><static>true</static><link name="l"><collision name="c"><geometry><plane><normal>0 0 1</normal></plane></geometry></collision></link></model>
            """ + Robot("a", """
            <plugin filename="gz-sim-diff-drive-system" name="gz::sim::systems::DiffDrive"><left_joint>left</left_joint><right_joint>right</right_joint></plugin>
            <plugin filename="gz-sim-joint-state-publisher-system" name="gz::sim::systems::JointStatePublisher"/>
            """) + Footer;
        World world = SdfWorldReader.Parse(sdf, "w.sdf");
        Assert.Single(world.Robots);
        Assert.Equal(3, world.Warnings.Count);
        Assert.Contains(world.Warnings, w => w.Contains("'crate'", StringComparison.Ordinal) && w.StartsWith("w.sdf:4:", StringComparison.Ordinal));
        Assert.Contains(world.Warnings, w => w.Contains("'pillar'", StringComparison.Ordinal));
        Assert.Contains(world.Warnings, w => w.Contains("JointStatePublisher", StringComparison.Ordinal));
    }

    [Fact]
    public void Holonomic_robot_without_odometry_publisher_warns_and_uses_its_defaults()
    {
        string sdf = Header + """
            <model name="h"><pose>0 0 1 0 0 0</pose><link name="base_link"/>
              <plugin filename="gz-sim-velocity-control-system" name="gz::sim::systems::VelocityControl"><dimensions>3</dimensions></plugin>
            </model>
            """ + Footer;
        World world = SdfWorldReader.Parse(sdf);
        Assert.Equal(DriveKind.Holonomic3D, world.Robots[0].Kind);
        Assert.Equal("/model/h/odometry", world.Robots[0].EffectiveTopics.Odometry);
        Assert.Single(world.Warnings);
    }

    [Fact]
    public void Custom_elements_with_a_namespace_are_left_alone()
    {
        string sdf = "<?xml version=\"1.0\"?>\n<sdf version=\"1.9\" xmlns:lab=\"http://example.org/lab\">\n<world name=\"w\">\n<lab:operator>Ada</lab:operator>\n"
            + Robot("a", """<plugin filename="gz-sim-diff-drive-system" name="gz::sim::systems::DiffDrive"><left_joint>left</left_joint><right_joint>right</right_joint><lab:note>x</lab:note></plugin><lab:tag>7</lab:tag>""")
            + Footer;
        Assert.Single(SdfWorldReader.Parse(sdf).Robots);
    }

    [Fact]
    public void Degrees_and_quaternion_poses_are_understood()
    {
        string plugin = """<plugin filename="gz-sim-diff-drive-system" name="gz::sim::systems::DiffDrive"><left_joint>left</left_joint><right_joint>right</right_joint></plugin>""";
        string sdf = Header
            + Robot("a", plugin).Replace("<pose>1 2 0 0 0 0.5</pose>", "<pose degrees=\"true\">1 2 0 0 0 90</pose>", StringComparison.Ordinal)
            + Robot("b", plugin).Replace("<pose>1 2 0 0 0 0.5</pose>", "<pose rotation_format=\"quat_xyzw\">1 2 0 0 0 0.7071067811865476 0.7071067811865476</pose>", StringComparison.Ordinal)
            + Footer;
        World world = SdfWorldReader.Parse(sdf);
        Assert.Equal(Math.PI / 2, world.Robots[0].StartPose.YawRad, 1e-15);
        Assert.Equal(Math.PI / 2, world.Robots[1].StartPose.YawRad, 1e-15);
    }

    [Fact]
    public void Unknown_world_element_is_named_with_its_line()
    {
        SdfFormatException e = Bad(Header + "<physics name=\"p\" type=\"ode\"/>\n<wheels/>\n" + Footer);
        Assert.Equal(5, e.Line);
        Assert.Equal("wheels", e.ElementName);
        Assert.Contains("unknown element in <world>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_DiffDrive_parameter_is_an_error_not_a_silent_default()
    {
        string sdf = Header + Robot("a", """
            <plugin filename="gz-sim-diff-drive-system" name="gz::sim::systems::DiffDrive">
              <left_joint>left</left_joint><right_joint>right</right_joint>
              <max_linear_velocty>0.2</max_linear_velocty>
            </plugin>
            """) + Footer;
        SdfFormatException e = Bad(sdf);
        Assert.Equal("max_linear_velocty", e.ElementName);
        Assert.Equal(13, e.Line);
        Assert.Contains("unknown parameter of the DiffDrive system", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<wheel_radius>abc</wheel_radius>", "wheel_radius", "'abc' is not a number")]
    [InlineData("<wheel_radius>-0.1</wheel_radius>", "plugin", "wheel_radius is -0.1")]
    [InlineData("<max_linear_velocity>-1</max_linear_velocity>", "plugin", "max_linear_velocity is -1")]
    [InlineData("<odom_publish_frequency>0</odom_publish_frequency>", "odom_publish_frequency", "finite rate > 0 Hz")]
    public void Bad_DiffDrive_values_name_the_element_value_and_range(string element, string elementName, string fragment)
    {
        string sdf = Header + Robot("a", $"""
            <plugin filename="gz-sim-diff-drive-system" name="gz::sim::systems::DiffDrive">
              <left_joint>left</left_joint><right_joint>right</right_joint>{element}
            </plugin>
            """) + Footer;
        SdfFormatException e = Bad(sdf);
        Assert.Equal(elementName, e.ElementName);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<include><uri>model://turtlebot3_burger</uri></include>", "include", "model://turtlebot3_burger")]
    [InlineData("<model name=\"a\"><pose>0 0 0 0.1 0 0</pose><plugin filename=\"gz-sim-diff-drive-system\" name=\"gz::sim::systems::DiffDrive\"><left_joint>l</left_joint><right_joint>r</right_joint></plugin></model>", "pose", "tilted")]
    [InlineData("<model name=\"a\"><pose>0 0 0</pose></model>", "pose", "must be 6 numbers")]
    [InlineData("<model name=\"a\"><pose relative_to=\"other\">0 0 0 0 0 0</pose><plugin filename=\"gz-sim-diff-drive-system\" name=\"gz::sim::systems::DiffDrive\"><left_joint>l</left_joint><right_joint>r</right_joint></plugin></model>", "pose", "relative_to='other'")]
    [InlineData("<model name=\"a\"><plugin filename=\"gz-sim-diff-drive-system\" name=\"gz::sim::systems::DiffDrive\"><left_joint>l</left_joint><right_joint>r</right_joint></plugin></model>", "left_joint", "joint 'l' is not a joint of model 'a'")]
    [InlineData("<model name=\"a\"><plugin filename=\"gz-sim-diff-drive-system\" name=\"gz::sim::systems::DiffDrive\"><right_joint>r</right_joint></plugin></model>", "plugin", "at least one <left_joint>")]
    [InlineData("<model name=\"a\"><plugin filename=\"gz-sim-velocity-control-system\" name=\"gz::sim::systems::DiffDrive\"/></model>", "plugin", "does not provide")]
    [InlineData("<model name=\"a\"><gadget/></model>", "gadget", "unknown element in <model name='a'>")]
    [InlineData("<model name=\"my-robot\"><link name=\"l\"/><plugin filename=\"gz-sim-velocity-control-system\" name=\"gz::sim::systems::VelocityControl\"/></model>", "plugin", "'my-robot' is not a valid ROS name")]
    [InlineData("<model name=\"a\"><static>yes</static></model>", "static", "not a boolean")]
    [InlineData("<model name=\"arena\"><static>true</static><link name=\"w\"><collision name=\"c\"><pose>1 0 0 0 0 0</pose><geometry><box><size>0.1 2 0.3</size></box></geometry></collision></link></model>", "model", "the arena is open")]
    [InlineData("<model name=\"arena\"><static>true</static><link name=\"w\"><collision name=\"c\"><geometry><cylinder><radius>1</radius><length>1</length></cylinder></geometry></collision></link></model>", "collision", "must be <box>")]
    public void Unsupported_or_malformed_content_is_an_error_naming_element_and_line(string body, string elementName, string fragment)
    {
        SdfFormatException e = Bad(Header + body + "\n" + Footer);
        Assert.Equal(elementName, e.ElementName);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Equal(4, e.Line);
    }

    [Theory]
    [InlineData("<sdf version=\"1.9\"><world name=\"w\"></world>", 1, "xml")]
    [InlineData("<sdf version=\"2.0\"><world name=\"w\"/></sdf>", 1, "sdf")]
    [InlineData("<sdf version=\"1.9\"><model name=\"m\"/></sdf>", 1, "model")]
    [InlineData("<robot name=\"urdf\"/>", 1, "robot")]
    [InlineData("<sdf version=\"1.9\"><world/></sdf>", 1, "world")]
    public void Broken_documents_are_errors_with_a_line(string sdf, int line, string elementName)
    {
        SdfFormatException e = Bad(sdf);
        Assert.Equal(line, e.Line);
        Assert.Equal(elementName, e.ElementName);
    }

    [Fact]
    public void Different_wheel_limits_on_the_two_wheels_are_refused()
    {
        string sdf = Header + """
            <model name="a"><link name="c"/><link name="l"/><link name="r"/>
              <joint name="left" type="revolute"><parent>c</parent><child>l</child><axis><xyz>0 0 1</xyz><limit><lower>-1e16</lower><upper>1e16</upper><velocity>5</velocity></limit></axis></joint>
              <joint name="right" type="revolute"><parent>c</parent><child>r</child><axis><xyz>0 0 1</xyz><limit><lower>-1e16</lower><upper>1e16</upper><velocity>6</velocity></limit></axis></joint>
              <plugin filename="gz-sim-diff-drive-system" name="gz::sim::systems::DiffDrive"><left_joint>left</left_joint><right_joint>right</right_joint></plugin>
            </model>
            """ + Footer;
        SdfFormatException e = Bad(sdf);
        Assert.Equal(6, e.Line);
        Assert.Contains("wheel joint velocity limits differ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reports_the_file_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"swarm-bad-{Environment.ProcessId}.sdf");
        File.WriteAllText(path, "<sdf version=\"1.9\">\n<world name=\"w\">\n<bogus/>\n</world></sdf>");
        try
        {
            var e = Assert.Throws<SdfFormatException>(() => SdfWorldReader.Load(path));
            Assert.StartsWith(path + ":3: <bogus>", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public class GazeboParserTests
{
    public static TheoryData<string> ShippedNames => SdfRoundTripTests.ShippedNames;

    [IgnFact]
    public void Every_shipped_world_is_valid_for_Gazebos_own_parser()
    {
        string worlds = Path.Combine(TestSupport.RepositoryRoot, "sim", "worlds");
        foreach (ShippedWorld shipped in ShippedWorlds.All)
        {
            (int code, string output) = Ign.Check(Path.Combine(worlds, shipped.FileName));
            Assert.True(code == 0 && output.Contains("Valid.", StringComparison.Ordinal), $"{shipped.FileName}: ign sdf -k exit {code}: {output}");
        }
    }

    [IgnFact]
    public void Written_worlds_of_every_kind_and_generation_are_valid_for_Gazebos_parser()
    {
        var robots = new List<RobotSpec>
        {
            RobotPresets.TurtleBot3Waffle.CreateRobot("waffle", new RobotPose(0.5, 0.5, 0, 1)),
            RobotPresets.GritsBot.CreateRobot("grits", new RobotPose(1.0, 0.5, 0, -1)) with { OdometryOrigin = OdometryOrigin.SpawnPose },
            new RobotSpec
            {
                Name = "plain",
                Kind = DriveKind.DifferentialDrive,
                StartPose = new RobotPose(1.5, 0.5, 0, 0),
                DiffDrive = new DiffDriveParameters { MinLinearJerkMps3 = -5, MaxLinearJerkMps3 = 5 },
            },
            RobotPresets.HolonomicGround.CreateRobot("holo", new RobotPose(0.5, 1.5, 0, 0)),
            RobotPresets.Quadrotor.CreateRobot("uav", new RobotPose(1.5, 1.5, 1, 0)),
        };
        var world = new World { Name = "mixed", Arena = new Arena(0, 0, 2, 2, 2), Robots = robots };
        foreach (GazeboGeneration g in Enum.GetValues<GazeboGeneration>())
        {
            string path = Path.Combine(Path.GetTempPath(), $"swarm-mixed-{g}-{Environment.ProcessId}.sdf");
            try
            {
                SdfWorldWriter.WriteFile(world, path, new SdfWriterOptions { Generation = g });
                (int code, string output) = Ign.Check(path);
                Assert.True(code == 0 && output.Contains("Valid.", StringComparison.Ordinal), $"{g}: ign sdf -k exit {code}: {output}");
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [IgnFact]
    public void Gazebos_parser_rejects_what_is_not_SDF_so_the_check_is_real()
    {
        string path = Path.Combine(Path.GetTempPath(), $"swarm-invalid-{Environment.ProcessId}.sdf");
        try
        {
            File.WriteAllText(path, "<sdf version=\"1.9\"><world name=\"w\"><model name=\"m\"><link name=\"l\"/><link name=\"l\"/></model></world></sdf>");
            (int code, string output) = Ign.Check(path);
            Assert.False(code == 0 && output.Contains("Valid.", StringComparison.Ordinal), output);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public class PresetAndBuilderTests
{
    [Fact]
    public void Presets_carry_the_figures_of_the_design_table()
    {
        DiffDriveParameters burger = RobotPresets.TurtleBot3Burger.DiffDrive!;
        Assert.Equal((0.22, 2.84, 0.160, 0.033, 1.0), (burger.MaxLinearVelocityMps, burger.MaxAngularVelocityRadps, burger.WheelSeparationM, burger.WheelRadiusM, burger.MaxLinearAccelerationMps2));
        DiffDriveParameters waffle = RobotPresets.TurtleBot3Waffle.DiffDrive!;
        Assert.Equal((0.26, 1.82, 0.287, 0.033), (waffle.MaxLinearVelocityMps, waffle.MaxAngularVelocityRadps, waffle.WheelSeparationM, waffle.WheelRadiusM));
        DiffDriveParameters grits = RobotPresets.GritsBot.DiffDrive!;
        Assert.Equal((0.2, 3.64, 0.11, 0.016, 12.5), (grits.MaxLinearVelocityMps, grits.MaxAngularVelocityRadps, grits.WheelSeparationM, grits.WheelRadiusM, grits.MaxWheelSpeedRadps));
        Assert.Equal(0.135, RobotPresets.GritsBot.CollisionDiameterM);
        Assert.All(RobotPresets.All, p => p.CreateRobot("x", default).Validate());
        Assert.Same(RobotPresets.GritsBot, RobotPresets.Get("GRITSBOT"));
        Assert.Contains("turtlebot3_burger", Assert.Throws<KeyNotFoundException>(() => RobotPresets.Get("roomba")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cluster_keeps_the_spacing_and_the_margin_to_the_walls()
    {
        var arena = new Arena(0, 0, 4, 3);
        World world = WorldBuilder.Cluster("c", arena, RobotPresets.TurtleBot3Burger, 40, 0.25, ClusterAnchor.MinCorner, "tb3_");
        Assert.Equal("tb3_00", world.Robots[0].Name);
        Assert.Equal("tb3_39", world.Robots[39].Name);
        for (int i = 0; i < 40; i++)
        {
            RobotPose a = world.Robots[i].StartPose;
            Assert.True(a.XM >= 0.125 - 1e-12 && a.YM >= 0.125 - 1e-12);
            for (int j = i + 1; j < 40; j++)
            {
                RobotPose b = world.Robots[j].StartPose;
                Assert.True(Math.Sqrt(((a.XM - b.XM) * (a.XM - b.XM)) + ((a.YM - b.YM) * (a.YM - b.YM))) >= 0.25 - 1e-12);
            }
        }

        Assert.Contains("the arena is 4 x 3 m", Assert.Throws<ArgumentException>(
            () => WorldBuilder.Cluster("c", arena, RobotPresets.TurtleBot3Burger, 400, 0.25, ClusterAnchor.MinCorner, "tb3_")).Message, StringComparison.Ordinal);
    }
}
