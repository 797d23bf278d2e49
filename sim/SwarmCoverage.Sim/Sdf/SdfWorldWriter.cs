using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace SwarmCoverage.Sim.Sdf;

/// <summary>Options of <see cref="SdfWorldWriter"/>.</summary>
public sealed record SdfWriterOptions
{
    /// <summary>Plugin naming: Fortress (default, what Debian packages) or Garden and later.</summary>
    public GazeboGeneration Generation { get; init; } = GazeboGeneration.Fortress;

    /// <summary>Gazebo physics step (<c>max_step_size</c>) in seconds.</summary>
    public double PhysicsStepSeconds { get; init; } = 0.001;

    /// <summary>Thickness of the arena walls in metres.</summary>
    public double WallThicknessM { get; init; } = 0.05;

    /// <summary>A comment written at the top of the file (for example how it was generated), or null.</summary>
    public string? Comment { get; init; }
}

/// <summary>
/// Writes a <see cref="World"/> as an SDF 1.9 world that Gazebo (Fortress, or Garden and later with
/// <see cref="GazeboGeneration.Garden"/>) loads and drives with the same topics as the bundled
/// simulator; <see cref="SdfWorldReader"/> reads it back to the same robots and parameters.
/// The conventions are described in sim/README.md.
/// </summary>
public static class SdfWorldWriter
{
    /// <summary>Name of the static model that holds the arena walls.</summary>
    public const string ArenaModelName = "arena";

    /// <summary>The SDF version written.</summary>
    public const string SdfVersion = "1.9";

    private const double QuarterTurn = 1.5707963267948966;

    /// <summary>Writes <paramref name="world"/> to a string.</summary>
    /// <exception cref="ArgumentException">When the world is invalid; the message names the robot and parameter.</exception>
    public static string Write(World world, SdfWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        options ??= new SdfWriterOptions();
        world.Validate();
        XDocument document = BuildDocument(world, options);
        var builder = new StringBuilder();
        var settings = new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "  ",
            OmitXmlDeclaration = false,
            Encoding = new UTF8Encoding(false),
            NewLineChars = "\n",
        };
        using (var writer = XmlWriter.Create(new StringWriter(builder, CultureInfo.InvariantCulture), settings))
        {
            document.Save(writer);
        }

        // XmlWriter over a StringWriter declares utf-16; the file is written as UTF-8.
        builder.Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", 0, Math.Min(builder.Length, 64));
        builder.Append('\n');
        return builder.ToString();
    }

    /// <summary>Writes <paramref name="world"/> to the file <paramref name="path"/> (UTF-8, LF line ends).</summary>
    public static void WriteFile(World world, string path, SdfWriterOptions? options = null) =>
        File.WriteAllText(path, Write(world, options), new UTF8Encoding(false));

    private static XDocument BuildDocument(World world, SdfWriterOptions options)
    {
        GazeboGeneration g = options.Generation;
        var worldElement = new XElement("world", new XAttribute("name", world.Name),
            new XElement("physics", new XAttribute("name", "default_physics"), new XAttribute("type", "ignored"),
                E("max_step_size", N(options.PhysicsStepSeconds)),
                E("real_time_factor", "1.0")),
            Plugin(GazeboSystem.Physics, g),
            Plugin(GazeboSystem.UserCommands, g),
            Plugin(GazeboSystem.SceneBroadcaster, g),
            new XElement("light", new XAttribute("type", "directional"), new XAttribute("name", "sun"),
                E("cast_shadows", "true"),
                E("pose", "0 0 10 0 0 0"),
                E("diffuse", "1 1 1 1"),
                E("specular", "0.5 0.5 0.5 1"),
                E("direction", "-0.5 0.1 -0.9")),
            GroundPlane());
        if (world.Arena is not null)
        {
            worldElement.Add(ArenaModel(world.Arena, options.WallThicknessM));
        }

        foreach (RobotSpec robot in world.Robots)
        {
            worldElement.Add(robot.Kind == DriveKind.DifferentialDrive ? DiffDriveModel(robot, g) : HolonomicModel(robot, g));
        }

        var root = new XElement("sdf", new XAttribute("version", SdfVersion), worldElement);
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null));
        if (options.Comment is not null)
        {
            document.Add(new XComment(" " + options.Comment.Replace("--", "- -", StringComparison.Ordinal) + " "));
        }

        document.Add(root);
        return document;
    }

    private static XElement GroundPlane() =>
        new("model", new XAttribute("name", "ground_plane"),
            E("static", "true"),
            new XElement("link", new XAttribute("name", "link"),
                new XElement("collision", new XAttribute("name", "collision"),
                    new XElement("geometry", new XElement("plane", E("normal", "0 0 1"), E("size", "100 100"))),
                    Friction(1.0)),
                new XElement("visual", new XAttribute("name", "visual"),
                    new XElement("geometry", new XElement("plane", E("normal", "0 0 1"), E("size", "100 100"))),
                    Material("0.8 0.8 0.8 1"))));

    private static XElement ArenaModel(Arena arena, double thickness)
    {
        double cx = 0.5 * (arena.MinXM + arena.MaxXM);
        double cy = 0.5 * (arena.MinYM + arena.MaxYM);
        double hx = 0.5 * arena.WidthM;
        double hy = 0.5 * arena.DepthM;
        double h = arena.HeightM;
        var link = new XElement("link", new XAttribute("name", "walls"));
        void Wall(string name, double x, double y, double sx, double sy)
        {
            string pose = $"{N(x)} {N(y)} {N(0.5 * h)} 0 0 0";
            string size = $"{N(sx)} {N(sy)} {N(h)}";
            link.Add(new XElement("collision", new XAttribute("name", name + "_collision"),
                E("pose", pose), new XElement("geometry", new XElement("box", E("size", size)))));
            link.Add(new XElement("visual", new XAttribute("name", name + "_visual"),
                E("pose", pose), new XElement("geometry", new XElement("box", E("size", size))), Material("0.6 0.6 0.6 1")));
        }

        // Inner faces exactly on the arena boundary; the east/west walls run the full outer length.
        Wall("wall_east", hx + (0.5 * thickness), 0, thickness, arena.DepthM + (2 * thickness));
        Wall("wall_west", -hx - (0.5 * thickness), 0, thickness, arena.DepthM + (2 * thickness));
        Wall("wall_north", 0, hy + (0.5 * thickness), arena.WidthM, thickness);
        Wall("wall_south", 0, -hy - (0.5 * thickness), arena.WidthM, thickness);
        return new XElement("model", new XAttribute("name", ArenaModelName),
            E("static", "true"),
            E("pose", $"{N(cx)} {N(cy)} 0 0 0 0"),
            link);
    }

    private static XElement DiffDriveModel(RobotSpec robot, GazeboGeneration g)
    {
        DiffDriveParameters p = robot.DiffDrive!;
        RobotBody body = robot.Body ?? DefaultBody(robot);
        double r = p.WheelRadiusM;
        double s = p.WheelSeparationM;
        double casterRadius = 0.5 * r;
        double chassisBottom = casterRadius;
        double wheelMass = 0.1 * body.MassKg;
        RobotTopics topics = robot.EffectiveTopics;

        var model = new XElement("model", new XAttribute("name", robot.Name),
            E("pose", Pose(robot.StartPose)),
            new XElement("link", new XAttribute("name", "base_link"),
                Inertial(-0.25 * body.ChassisLengthM, 0, chassisBottom + (0.5 * body.ChassisHeightM), body.MassKg,
                    BoxInertia(body.MassKg, body.ChassisLengthM, body.ChassisWidthM, body.ChassisHeightM)),
                new XElement("collision", new XAttribute("name", "chassis_collision"),
                    E("pose", $"0 0 {N(chassisBottom + (0.5 * body.ChassisHeightM))} 0 0 0"),
                    new XElement("geometry", new XElement("box", E("size", Size(body))))),
                new XElement("visual", new XAttribute("name", "chassis_visual"),
                    E("pose", $"0 0 {N(chassisBottom + (0.5 * body.ChassisHeightM))} 0 0 0"),
                    new XElement("geometry", new XElement("box", E("size", Size(body)))),
                    Material("0.2 0.4 0.8 1")),
                new XElement("collision", new XAttribute("name", "caster_collision"),
                    E("pose", $"{N(-(0.5 * body.ChassisLengthM) + casterRadius)} 0 {N(casterRadius)} 0 0 0"),
                    new XElement("geometry", new XElement("sphere", E("radius", N(casterRadius)))),
                    Friction(0.0)),
                new XElement("visual", new XAttribute("name", "caster_visual"),
                    E("pose", $"{N(-(0.5 * body.ChassisLengthM) + casterRadius)} 0 {N(casterRadius)} 0 0 0"),
                    new XElement("geometry", new XElement("sphere", E("radius", N(casterRadius)))),
                    Material("0.1 0.1 0.1 1"))),
            Wheel("left_wheel", 0.5 * s, r, body.WheelWidthM, wheelMass),
            Wheel("right_wheel", -0.5 * s, r, body.WheelWidthM, wheelMass),
            WheelJoint("left_wheel_joint", "left_wheel", p.MaxWheelSpeedRadps),
            WheelJoint("right_wheel_joint", "right_wheel", p.MaxWheelSpeedRadps));

        var drive = Plugin(GazeboSystem.DiffDrive, g);
        drive.Add(
            E("left_joint", "left_wheel_joint"),
            E("right_joint", "right_wheel_joint"),
            E("wheel_separation", N(s)),
            E("wheel_radius", N(r)),
            E("topic", topics.CmdVel));
        if (robot.OdometryOrigin == OdometryOrigin.SpawnPose)
        {
            drive.Add(
                E("odom_topic", topics.Odometry),
                E("frame_id", topics.OdometryFrameId),
                E("child_frame_id", topics.ChildFrameId),
                E("odom_publish_frequency", N(robot.OdomPublishFrequencyHz)));
        }

        Limit(drive, "min_linear_velocity", p.MinLinearVelocityMps);
        Limit(drive, "max_linear_velocity", p.MaxLinearVelocityMps);
        Limit(drive, "min_angular_velocity", p.MinAngularVelocityRadps);
        Limit(drive, "max_angular_velocity", p.MaxAngularVelocityRadps);
        Limit(drive, "min_linear_acceleration", p.MinLinearAccelerationMps2);
        Limit(drive, "max_linear_acceleration", p.MaxLinearAccelerationMps2);
        Limit(drive, "min_angular_acceleration", p.MinAngularAccelerationRadps2);
        Limit(drive, "max_angular_acceleration", p.MaxAngularAccelerationRadps2);
        Limit(drive, "min_linear_jerk", p.MinLinearJerkMps3);
        Limit(drive, "max_linear_jerk", p.MaxLinearJerkMps3);
        Limit(drive, "min_angular_jerk", p.MinAngularJerkRadps3);
        Limit(drive, "max_angular_jerk", p.MaxAngularJerkRadps3);
        model.Add(drive);
        if (robot.OdometryOrigin == OdometryOrigin.World)
        {
            model.Add(OdometryPublisher(robot, topics, 2, g));
        }

        return model;
    }

    private static XElement HolonomicModel(RobotSpec robot, GazeboGeneration g)
    {
        HolonomicParameters p = robot.Holonomic!;
        RobotBody body = robot.Body ?? DefaultBody(robot);
        bool aerial = robot.Kind == DriveKind.Holonomic3D;
        RobotTopics topics = robot.EffectiveTopics;
        double zc = aerial ? 0 : 0.5 * body.ChassisHeightM;
        var link = new XElement("link", new XAttribute("name", "base_link"));
        if (aerial)
        {
            link.Add(E("gravity", "false"));
        }

        link.Add(
            Inertial(0, 0, zc, body.MassKg, BoxInertia(body.MassKg, body.ChassisLengthM, body.ChassisWidthM, body.ChassisHeightM)),
            new XElement("collision", new XAttribute("name", "chassis_collision"),
                E("pose", $"0 0 {N(zc)} 0 0 0"),
                new XElement("geometry", new XElement("box", E("size", Size(body)))),
                Friction(0.0)),
            new XElement("visual", new XAttribute("name", "chassis_visual"),
                E("pose", $"0 0 {N(zc)} 0 0 0"),
                new XElement("geometry", new XElement("box", E("size", Size(body)))),
                Material(aerial ? "0.8 0.3 0.2 1" : "0.2 0.7 0.3 1")));

        var control = Plugin(GazeboSystem.VelocityControl, g);
        control.Add(E("topic", topics.CmdVel));

        // Not read by Gazebo (VelocityControl has no limits): the simulator's convention, see sim/README.md.
        control.Add(E("dimensions", p.Dimensions.ToString(CultureInfo.InvariantCulture)));
        Limit(control, "max_linear_velocity", p.MaxLinearVelocityMps);
        Limit(control, "max_linear_acceleration", p.MaxLinearAccelerationMps2);
        Limit(control, "max_angular_velocity", p.MaxAngularVelocityRadps);
        Limit(control, "max_angular_acceleration", p.MaxAngularAccelerationRadps2);
        return new XElement("model", new XAttribute("name", robot.Name),
            E("pose", Pose(robot.StartPose)),
            link,
            control,
            OdometryPublisher(robot, topics, p.Dimensions, g));
    }

    private static XElement OdometryPublisher(RobotSpec robot, RobotTopics topics, int dimensions, GazeboGeneration g)
    {
        XElement plugin = Plugin(GazeboSystem.OdometryPublisher, g);
        plugin.Add(
            E("odom_topic", topics.Odometry),
            E("odom_frame", topics.OdometryFrameId),
            E("robot_base_frame", topics.ChildFrameId),
            E("odom_publish_frequency", N(robot.OdomPublishFrequencyHz)),
            E("dimensions", dimensions.ToString(CultureInfo.InvariantCulture)));
        return plugin;
    }

    private static XElement Wheel(string name, double y, double radius, double width, double mass)
    {
        double ixx = mass * ((3 * radius * radius) + (width * width)) / 12.0;
        double izz = 0.5 * mass * radius * radius;
        return new XElement("link", new XAttribute("name", name),
            E("pose", $"0 {N(y)} {N(radius)} {N(-QuarterTurn)} 0 0"),
            Inertial(0, 0, 0, mass, (ixx, ixx, izz)),
            new XElement("collision", new XAttribute("name", "collision"),
                new XElement("geometry", new XElement("cylinder", E("radius", N(radius)), E("length", N(width)))),
                Friction(1.0)),
            new XElement("visual", new XAttribute("name", "visual"),
                new XElement("geometry", new XElement("cylinder", E("radius", N(radius)), E("length", N(width)))),
                Material("0.15 0.15 0.15 1")));
    }

    private static XElement WheelJoint(string name, string child, double maxWheelSpeedRadps) =>
        new("joint", new XAttribute("name", name), new XAttribute("type", "revolute"),
            E("parent", "base_link"),
            E("child", child),
            new XElement("axis",
                E("xyz", "0 0 1"),
                new XElement("limit",
                    E("lower", "-1e+16"),
                    E("upper", "1e+16"),
                    E("velocity", double.IsFinite(maxWheelSpeedRadps) ? N(maxWheelSpeedRadps) : "-1"))));

    private static RobotBody DefaultBody(RobotSpec robot)
    {
        if (robot.Kind == DriveKind.DifferentialDrive)
        {
            double s = robot.DiffDrive!.WheelSeparationM;
            double r = robot.DiffDrive.WheelRadiusM;
            return new RobotBody(Math.Max(0.9 * s, 3 * r), 0.8 * s, Math.Max(0.5 * s, 2 * r), 1.0, Math.Max(0.1 * s, 0.005));
        }

        return RobotPresets.Get(robot.Kind == DriveKind.Holonomic3D ? "quadrotor" : "holonomic_ground").Body;
    }

    private static (double Ixx, double Iyy, double Izz) BoxInertia(double m, double lx, double ly, double lz) =>
        (m * ((ly * ly) + (lz * lz)) / 12.0, m * ((lx * lx) + (lz * lz)) / 12.0, m * ((lx * lx) + (ly * ly)) / 12.0);

    private static XElement Inertial(double x, double y, double z, double mass, (double Ixx, double Iyy, double Izz) i) =>
        new("inertial",
            E("pose", $"{N(x)} {N(y)} {N(z)} 0 0 0"),
            E("mass", N(mass)),
            new XElement("inertia",
                E("ixx", N(i.Ixx)), E("ixy", "0"), E("ixz", "0"),
                E("iyy", N(i.Iyy)), E("iyz", "0"),
                E("izz", N(i.Izz))));

    private static XElement Friction(double mu) =>
        new("surface", new XElement("friction", new XElement("ode", E("mu", N(mu)), E("mu2", N(mu)))));

    private static XElement Material(string rgba) =>
        new("material", E("ambient", rgba), E("diffuse", rgba), E("specular", "0.1 0.1 0.1 1"));

    private static XElement Plugin(GazeboSystem system, GazeboGeneration g) =>
        new("plugin", new XAttribute("filename", system.FileName(g)), new XAttribute("name", system.FullClassName(g)));

    private static void Limit(XElement plugin, string name, double value)
    {
        if (double.IsFinite(value))
        {
            plugin.Add(E(name, N(value)));
        }
    }

    private static string Size(RobotBody body) => $"{N(body.ChassisLengthM)} {N(body.ChassisWidthM)} {N(body.ChassisHeightM)}";

    private static string Pose(RobotPose pose) => $"{N(pose.XM)} {N(pose.YM)} {N(pose.ZM)} 0 0 {N(pose.YawRad)}";

    private static XElement E(string name, string value) => new(name, value);

    /// <summary>Shortest text that parses back to the same double.</summary>
    internal static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
