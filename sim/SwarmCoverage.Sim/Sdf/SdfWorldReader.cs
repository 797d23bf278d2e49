using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace SwarmCoverage.Sim.Sdf;

/// <summary>
/// Reads the robots and the arena of an SDF world file the way Gazebo would run it:
/// every model with a DiffDrive system (Fortress <c>ignition::gazebo::systems::DiffDrive</c> in
/// <c>ignition-gazebo-diff-drive-system</c>, or Garden+ <c>gz::sim::systems::DiffDrive</c> in
/// <c>gz-sim-diff-drive-system</c>) is a differential-drive robot with the plugin's parameters and
/// its wheel joints' velocity limit; every model with a VelocityControl system is a holonomic robot;
/// the static model <c>arena</c> holds the walls. Conventions: sim/README.md.
/// </summary>
/// <remarks>
/// Unknown elements (not in SDF 1.9 where the reader checks, or not a parameter of the system they
/// configure), malformed numbers, and constructs the simulator cannot honour (an
/// <c>&lt;include&gt;</c>, a tilted robot, a pose relative to another frame) raise
/// <see cref="SdfFormatException"/> naming the file, line and element. What Gazebo would load but the
/// simulator ignores (passive models, other plugins, obstacles) is listed in <see cref="World.Warnings"/>.
/// </remarks>
public static class SdfWorldReader
{
    private static readonly HashSet<string> WorldChildren = new(StringComparer.Ordinal)
    {
        "audio", "wind", "include", "gravity", "magnetic_field", "atmosphere", "gui", "physics", "scene", "light", "frame",
        "model", "actor", "plugin", "road", "spherical_coordinates", "state", "population",
    };

    private static readonly HashSet<string> ModelChildren = new(StringComparer.Ordinal)
    {
        "static", "self_collide", "allow_auto_disable", "include", "model", "enable_wind", "frame", "pose", "link", "joint", "plugin", "gripper",
    };

    private static readonly HashSet<string> DiffDriveElements = new(StringComparer.Ordinal)
    {
        "left_joint", "right_joint", "wheel_separation", "wheel_radius", "odom_publish_frequency", "topic", "odom_topic", "tf_topic",
        "frame_id", "child_frame_id",
        "min_velocity", "max_velocity", "min_acceleration", "max_acceleration", "min_jerk", "max_jerk",
        "min_linear_velocity", "max_linear_velocity", "min_angular_velocity", "max_angular_velocity",
        "min_linear_acceleration", "max_linear_acceleration", "min_angular_acceleration", "max_angular_acceleration",
        "min_linear_jerk", "max_linear_jerk", "min_angular_jerk", "max_angular_jerk",
    };

    private static readonly HashSet<string> VelocityControlElements = new(StringComparer.Ordinal)
    {
        "topic", "initial_linear", "initial_angular", "link_name",
        "dimensions", "max_linear_velocity", "max_linear_acceleration", "max_angular_velocity", "max_angular_acceleration",
    };

    private static readonly HashSet<string> OdometryPublisherElements = new(StringComparer.Ordinal)
    {
        "odom_frame", "robot_base_frame", "odom_publish_frequency", "odom_topic", "odom_covariance_topic", "tf_topic", "dimensions",
        "xyz_offset", "rpy_offset", "gaussian_noise",
    };

    /// <summary>Reads the world file at <paramref name="path"/>.</summary>
    /// <exception cref="SdfFormatException">When the file is malformed or unsupported; the message names file, line and element.</exception>
    /// <exception cref="IOException">When the file cannot be read.</exception>
    public static World Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads a world from SDF text; <paramref name="sourceName"/> is used in error messages.</summary>
    /// <exception cref="SdfFormatException">When the text is malformed or unsupported.</exception>
    public static World Parse(string sdf, string sourceName = "<sdf>")
    {
        ArgumentNullException.ThrowIfNull(sdf);
        XDocument document;
        try
        {
            document = XDocument.Parse(sdf, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new SdfFormatException(sourceName, e.LineNumber, "xml", "not well-formed XML: " + e.Message, e);
        }

        return new Reader(sourceName).ReadDocument(document);
    }

    private sealed class Reader(string source)
    {
        private readonly List<string> _warnings = [];

        public World ReadDocument(XDocument document)
        {
            XElement root = document.Root!;
            if (root.Name.LocalName != "sdf")
            {
                throw Error(root, $"the root element must be <sdf>, not <{root.Name.LocalName}>.");
            }

            string? version = (string?)root.Attribute("version");
            string[] parts = version?.Trim().Split('.') ?? [];
            if (parts.Length != 2 || parts[0] != "1" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor) || minor < 4 || minor > 12)
            {
                throw Error(root, $"version attribute '{version}' is missing or not an SDF version from 1.4 to 1.12.");
            }

            var worlds = root.Elements().ToList();
            foreach (XElement child in worlds.Where(e => e.Name.LocalName != "world"))
            {
                throw Error(child, "a world file holds exactly one <world> under <sdf>; a model file cannot be loaded as a world.");
            }

            if (worlds.Count != 1)
            {
                throw Error(root, $"a world file holds exactly one <world>; found {worlds.Count}.");
            }

            return ReadWorld(worlds[0]);
        }

        private World ReadWorld(XElement world)
        {
            string name = RequiredAttribute(world, "name");
            var robots = new List<RobotSpec>();
            var robotLines = new Dictionary<string, XElement>(StringComparer.Ordinal);
            Arena? arena = null;
            foreach (XElement child in world.Elements())
            {
                string childName = child.Name.LocalName;
                if (child.Name.Namespace != XNamespace.None)
                {
                    continue; // an SDF custom element (prefix:name with its xmlns declared): not ours to judge
                }

                if (!WorldChildren.Contains(childName))
                {
                    throw Error(child, $"unknown element in <world>; SDF 1.9 allows {string.Join(", ", WorldChildren.Order(StringComparer.Ordinal))}.");
                }

                if (childName == "include")
                {
                    string uri = child.Element("uri")?.Value.Trim() ?? "?";
                    throw Error(child,
                        $"<include> of '{uri}' is not supported: the simulator reads robots only from inline <model> elements. " +
                        "Inline them (`ign sdf -p world.sdf` prints the world with includes expanded).");
                }

                if (childName != "model")
                {
                    continue;
                }

                string modelName = RequiredAttribute(child, "name");
                RobotSpec? robot = ReadModel(child, modelName, ref arena);
                if (robot is not null)
                {
                    if (robotLines.TryGetValue(robot.Name, out XElement? first))
                    {
                        throw Error(child, $"robot name '{robot.Name}' is used twice (first at line {Line(first)}).");
                    }

                    robotLines.Add(robot.Name, child);
                    robots.Add(robot);
                }
            }

            return new World { Name = name, Arena = arena, Robots = robots, Warnings = _warnings };
        }

        private RobotSpec? ReadModel(XElement model, string name, ref Arena? arena)
        {
            foreach (XElement child in model.Elements())
            {
                if (child.Name.Namespace == XNamespace.None && !ModelChildren.Contains(child.Name.LocalName))
                {
                    throw Error(child, $"unknown element in <model name='{name}'>; SDF 1.9 allows {string.Join(", ", ModelChildren.Order(StringComparer.Ordinal))}.");
                }
            }

            bool isStatic = model.Element("static") is { } s && ParseBool(s);
            _ = ReadPose(model.Element("pose"), allowRelative: true); // malformed poses are errors in every model
            XElement? diffDrive = null;
            XElement? velocityControl = null;
            XElement? odometryPublisher = null;
            foreach (XElement plugin in model.Elements("plugin"))
            {
                string pluginName = RequiredAttribute(plugin, "name");
                string fileName = RequiredAttribute(plugin, "filename");
                if (Classify(plugin, pluginName, fileName, GazeboSystem.DiffDrive))
                {
                    diffDrive = Single(diffDrive, plugin, "DiffDrive", name);
                }
                else if (Classify(plugin, pluginName, fileName, GazeboSystem.VelocityControl))
                {
                    velocityControl = Single(velocityControl, plugin, "VelocityControl", name);
                }
                else if (Classify(plugin, pluginName, fileName, GazeboSystem.OdometryPublisher))
                {
                    odometryPublisher = Single(odometryPublisher, plugin, "OdometryPublisher", name);
                }
                else
                {
                    _warnings.Add($"{source}:{Line(plugin)}: plugin '{pluginName}' in model '{name}' is ignored by the simulator.");
                }
            }

            if (diffDrive is not null && velocityControl is not null)
            {
                throw Error(velocityControl, $"model '{name}' has both a DiffDrive and a VelocityControl system; a robot has one drive.");
            }

            if (diffDrive is null && velocityControl is null)
            {
                if (isStatic && name == SdfWorldWriter.ArenaModelName)
                {
                    arena = ReadArena(model);
                }
                else if (isStatic && !OnlyPlanes(model))
                {
                    _warnings.Add($"{source}:{Line(model)}: static model '{name}' is not simulated (the simulator models no obstacles but the arena walls).");
                }
                else if (!isStatic)
                {
                    _warnings.Add($"{source}:{Line(model)}: model '{name}' has no DiffDrive or VelocityControl system; it is not simulated.");
                }

                return null;
            }

            if (isStatic)
            {
                throw Error(model.Element("static")!, $"robot model '{name}' is static; Gazebo would not move it.");
            }

            foreach (XElement nested in model.Elements().Where(e => e.Name.LocalName is "model" or "include"))
            {
                throw Error(nested, $"nested models in robot '{name}' are not supported.");
            }

            RobotPose start = ReadRobotPose(model, name);
            RobotSpec robot = diffDrive is not null
                ? ReadDiffDrive(model, name, start, diffDrive, odometryPublisher)
                : ReadHolonomic(model, name, start, velocityControl!, odometryPublisher);
            try
            {
                robot.Validate();
            }
            catch (ArgumentException e)
            {
                throw Error(diffDrive ?? velocityControl!, e.Message, e);
            }

            return robot;
        }

        private RobotSpec ReadDiffDrive(XElement model, string name, RobotPose start, XElement plugin, XElement? odometryPublisher)
        {
            CheckElements(plugin, DiffDriveElements, "DiffDrive");
            var leftJoints = plugin.Elements("left_joint").ToList();
            var rightJoints = plugin.Elements("right_joint").ToList();
            if (leftJoints.Count == 0 || rightJoints.Count == 0)
            {
                throw Error(plugin, $"the DiffDrive system of '{name}' needs at least one <left_joint> and one <right_joint>.");
            }

            double wheelLimit = double.NaN;
            XElement? wheelLimitSource = null;
            foreach (XElement jointRef in leftJoints.Concat(rightJoints))
            {
                string jointName = jointRef.Value.Trim();
                XElement joint = model.Elements("joint").FirstOrDefault(j => (string?)j.Attribute("name") == jointName)
                    ?? throw Error(jointRef, $"joint '{jointName}' is not a joint of model '{name}' (Gazebo would never find it and the robot would not move).");
                XElement? velocity = joint.Element("axis")?.Element("limit")?.Element("velocity");
                double limit = velocity is null ? double.PositiveInfinity : ParseDouble(velocity);
                if (limit < 0)
                {
                    limit = double.PositiveInfinity; // SDF default -1: no limit (gz-physics infIfNeg).
                }

                if (wheelLimitSource is not null && limit != wheelLimit)
                {
                    throw Error(velocity ?? joint,
                        $"wheel joint velocity limits differ ({SdfWorldWriter.N(wheelLimit)} at line {Line(wheelLimitSource)} vs {SdfWorldWriter.N(limit)}); the simulator models one limit for all wheels.");
                }

                wheelLimit = limit;
                wheelLimitSource = velocity ?? joint;
            }

            // gz DiffDrive precedence: the combined element first, the specific one overrides it.
            double Param(string specific, string combined, double fallback)
            {
                double value = fallback;
                if (plugin.Element(combined) is { } c)
                {
                    value = ParseDouble(c);
                }

                if (plugin.Element(specific) is { } e)
                {
                    value = ParseDouble(e);
                }

                return value;
            }

            var p = new DiffDriveParameters
            {
                WheelSeparationM = plugin.Element("wheel_separation") is { } ws ? ParseDouble(ws) : 1.0,
                WheelRadiusM = plugin.Element("wheel_radius") is { } wr ? ParseDouble(wr) : 0.2,
                MinLinearVelocityMps = Param("min_linear_velocity", "min_velocity", double.NegativeInfinity),
                MaxLinearVelocityMps = Param("max_linear_velocity", "max_velocity", double.PositiveInfinity),
                MinAngularVelocityRadps = Param("min_angular_velocity", "min_velocity", double.NegativeInfinity),
                MaxAngularVelocityRadps = Param("max_angular_velocity", "max_velocity", double.PositiveInfinity),
                MinLinearAccelerationMps2 = Param("min_linear_acceleration", "min_acceleration", double.NegativeInfinity),
                MaxLinearAccelerationMps2 = Param("max_linear_acceleration", "max_acceleration", double.PositiveInfinity),
                MinAngularAccelerationRadps2 = Param("min_angular_acceleration", "min_acceleration", double.NegativeInfinity),
                MaxAngularAccelerationRadps2 = Param("max_angular_acceleration", "max_acceleration", double.PositiveInfinity),
                MinLinearJerkMps3 = Param("min_linear_jerk", "min_jerk", double.NegativeInfinity),
                MaxLinearJerkMps3 = Param("max_linear_jerk", "max_jerk", double.PositiveInfinity),
                MinAngularJerkRadps3 = Param("min_angular_jerk", "min_jerk", double.NegativeInfinity),
                MaxAngularJerkRadps3 = Param("max_angular_jerk", "max_jerk", double.PositiveInfinity),
                MaxWheelSpeedRadps = wheelLimit,
            };

            string cmdTopic = Text(plugin, "topic") ?? $"/model/{name}/cmd_vel";
            RobotTopics topics;
            double frequency;
            OdometryOrigin origin;
            if (odometryPublisher is not null)
            {
                (topics, frequency) = ReadOdometryPublisher(odometryPublisher, name, cmdTopic, 2);
                origin = OdometryOrigin.World;
            }
            else
            {
                string canonical = (string?)model.Attribute("canonical_link") ?? (string?)model.Element("link")?.Attribute("name") ?? "base_link";
                topics = new RobotTopics(
                    cmdTopic,
                    Text(plugin, "odom_topic") ?? $"/model/{name}/odometry",
                    Text(plugin, "frame_id") ?? $"{name}/odom",
                    Text(plugin, "child_frame_id") ?? $"{name}/{canonical}");
                frequency = OdomFrequency(plugin);
                origin = OdometryOrigin.SpawnPose;
            }

            return new RobotSpec
            {
                Name = name,
                Kind = DriveKind.DifferentialDrive,
                StartPose = start,
                DiffDrive = p,
                OdomPublishFrequencyHz = frequency,
                OdometryOrigin = origin,
                Topics = topics,
                Body = ReadBody(model, diffDrive: true, leftJoints[0].Value.Trim()),
            };
        }

        private RobotSpec ReadHolonomic(XElement model, string name, RobotPose start, XElement plugin, XElement? odometryPublisher)
        {
            CheckElements(plugin, VelocityControlElements, "VelocityControl");
            foreach (string unsupported in new[] { "initial_linear", "initial_angular" })
            {
                if (plugin.Element(unsupported) is { } e && ParseVector(e).Any(c => c != 0))
                {
                    throw Error(e, $"a non-zero <{unsupported}> is not supported: robots start at rest.");
                }
            }

            if (plugin.Element("link_name") is { } linkName)
            {
                throw Error(linkName, "per-link velocity control is not supported; the simulator drives the whole model.");
            }

            int dimensions = plugin.Element("dimensions") is { } d ? ParseInt(d) : 0;
            int publisherDimensions = odometryPublisher?.Element("dimensions") is { } pd ? ParseInt(pd) : 0;
            if (dimensions != 0 && publisherDimensions != 0 && dimensions != publisherDimensions)
            {
                throw Error(odometryPublisher!.Element("dimensions")!,
                    $"OdometryPublisher dimensions {publisherDimensions} differ from the VelocityControl <dimensions> {dimensions} of '{name}'.");
            }

            dimensions = dimensions != 0 ? dimensions : publisherDimensions != 0 ? publisherDimensions : 2;
            if (dimensions is not (2 or 3))
            {
                throw Error(plugin.Element("dimensions") ?? plugin, $"dimensions is {dimensions}; it must be 2 (ground) or 3 (aerial).");
            }

            var p = new HolonomicParameters
            {
                Dimensions = dimensions,
                MaxLinearVelocityMps = plugin.Element("max_linear_velocity") is { } a ? ParseDouble(a) : double.PositiveInfinity,
                MaxLinearAccelerationMps2 = plugin.Element("max_linear_acceleration") is { } b ? ParseDouble(b) : double.PositiveInfinity,
                MaxAngularVelocityRadps = plugin.Element("max_angular_velocity") is { } c ? ParseDouble(c) : double.PositiveInfinity,
                MaxAngularAccelerationRadps2 = plugin.Element("max_angular_acceleration") is { } e2 ? ParseDouble(e2) : double.PositiveInfinity,
            };
            string cmdTopic = Text(plugin, "topic") ?? $"/model/{name}/cmd_vel";
            RobotTopics topics;
            double frequency;
            if (odometryPublisher is not null)
            {
                (topics, frequency) = ReadOdometryPublisher(odometryPublisher, name, cmdTopic, dimensions);
            }
            else
            {
                _warnings.Add($"{source}:{Line(plugin)}: holonomic robot '{name}' has no OdometryPublisher system, so Gazebo would publish no odometry for it; the simulator publishes on the OdometryPublisher defaults.");
                topics = new RobotTopics(cmdTopic, $"/model/{name}/odometry", $"{name}/odom", $"{name}/base_footprint");
                frequency = 50;
            }

            return new RobotSpec
            {
                Name = name,
                Kind = dimensions == 3 ? DriveKind.Holonomic3D : DriveKind.Holonomic2D,
                StartPose = start,
                Holonomic = p,
                OdomPublishFrequencyHz = frequency,
                OdometryOrigin = OdometryOrigin.World,
                Topics = topics,
                Body = ReadBody(model, diffDrive: false, null),
            };
        }

        private (RobotTopics Topics, double Frequency) ReadOdometryPublisher(XElement plugin, string name, string cmdTopic, int dimensions)
        {
            CheckElements(plugin, OdometryPublisherElements, "OdometryPublisher");
            foreach (string offset in new[] { "xyz_offset", "rpy_offset" })
            {
                if (plugin.Element(offset) is { } e && ParseVector(e).Any(c => c != 0))
                {
                    throw Error(e, $"a non-zero <{offset}> is not supported: odometry is reported at the model origin.");
                }
            }

            if (plugin.Element("dimensions") is { } d && ParseInt(d) != dimensions)
            {
                throw Error(d, $"OdometryPublisher dimensions {ParseInt(d)} do not match the {dimensions}-D robot '{name}'.");
            }

            var topics = new RobotTopics(
                cmdTopic,
                Text(plugin, "odom_topic") ?? $"/model/{name}/odometry",
                Text(plugin, "odom_frame") ?? $"{name}/odom",
                Text(plugin, "robot_base_frame") ?? $"{name}/base_footprint");
            return (topics, OdomFrequency(plugin));
        }

        private double OdomFrequency(XElement plugin)
        {
            if (plugin.Element("odom_publish_frequency") is not { } f)
            {
                return 50;
            }

            double value = ParseDouble(f);
            if (!(value > 0) || !double.IsFinite(value))
            {
                throw Error(f, $"odom_publish_frequency is {SdfWorldWriter.N(value)}; the simulator needs a finite rate > 0 Hz (gz publishes every physics step for <= 0).");
            }

            return value;
        }

        private RobotBody? ReadBody(XElement model, bool diffDrive, string? leftJointName)
        {
            // The writer's convention: link base_link with a box collision 'chassis_collision' and a mass.
            XElement? baseLink = model.Elements("link").FirstOrDefault(l => (string?)l.Attribute("name") == "base_link");
            XElement? size = baseLink?.Elements("collision").FirstOrDefault(c => (string?)c.Attribute("name") == "chassis_collision")
                ?.Element("geometry")?.Element("box")?.Element("size");
            XElement? mass = baseLink?.Element("inertial")?.Element("mass");
            if (size is null || mass is null)
            {
                return null;
            }

            double[] box = ParseVector(size);
            if (box.Length != 3)
            {
                throw Error(size, $"box size '{size.Value.Trim()}' must have 3 numbers.");
            }

            double wheelWidth = 0;
            if (diffDrive)
            {
                XElement? joint = model.Elements("joint").FirstOrDefault(j => (string?)j.Attribute("name") == leftJointName);
                string? wheelLinkName = joint?.Element("child")?.Value.Trim();
                XElement? length = model.Elements("link").FirstOrDefault(l => (string?)l.Attribute("name") == wheelLinkName)
                    ?.Element("collision")?.Element("geometry")?.Element("cylinder")?.Element("length");
                if (length is null)
                {
                    return null;
                }

                wheelWidth = ParseDouble(length);
            }

            return new RobotBody(box[0], box[1], box[2], ParseDouble(mass), wheelWidth);
        }

        private Arena ReadArena(XElement model)
        {
            Pose3 modelPose = ReadPose(model.Element("pose"), allowRelative: false);
            var boxes = new List<(double MinX, double MaxX, double MinY, double MaxY, double MaxZ, XElement Source)>();
            foreach (XElement link in model.Elements("link"))
            {
                Pose3 linkPose = modelPose.Compose(ReadPose(link.Element("pose"), allowRelative: false));
                foreach (XElement collision in link.Elements("collision"))
                {
                    XElement? geometry = collision.Element("geometry");
                    XElement? size = geometry?.Element("box")?.Element("size");
                    if (size is null)
                    {
                        throw Error(collision, "arena walls must be <box> collisions.");
                    }

                    double[] extent = ParseVector(size);
                    if (extent.Length != 3 || extent.Any(e => !(e > 0)))
                    {
                        throw Error(size, $"box size '{size.Value.Trim()}' must be 3 positive numbers.");
                    }

                    Pose3 pose = linkPose.Compose(ReadPose(collision.Element("pose"), allowRelative: false));
                    (double hx, double hy, double hz) = pose.HalfExtents(0.5 * extent[0], 0.5 * extent[1], 0.5 * extent[2]);
                    boxes.Add((pose.X - hx, pose.X + hx, pose.Y - hy, pose.Y + hy, pose.Z + hz, collision));
                }
            }

            if (boxes.Count == 0)
            {
                throw Error(model, "the arena model has no wall collisions.");
            }

            // The arena is the free rectangle around the arena model's origin, bounded by the nearest wall on each side.
            double cx = modelPose.X;
            double cy = modelPose.Y;
            double minX = double.NegativeInfinity, maxX = double.PositiveInfinity, minY = double.NegativeInfinity, maxY = double.PositiveInfinity;
            double height = double.PositiveInfinity;
            foreach (var b in boxes)
            {
                if (b.MinX <= cx && cx <= b.MaxX && b.MinY <= cy && cy <= b.MaxY)
                {
                    throw Error(b.Source, "a wall covers the arena model's origin, which must lie inside the arena.");
                }

                height = Math.Min(height, b.MaxZ);
                if (b.MinY <= cy && cy <= b.MaxY)
                {
                    if (b.MinX > cx)
                    {
                        maxX = Math.Min(maxX, b.MinX);
                    }
                    else
                    {
                        minX = Math.Max(minX, b.MaxX);
                    }
                }

                if (b.MinX <= cx && cx <= b.MaxX)
                {
                    if (b.MinY > cy)
                    {
                        maxY = Math.Min(maxY, b.MinY);
                    }
                    else
                    {
                        minY = Math.Max(minY, b.MaxY);
                    }
                }
            }

            if (!double.IsFinite(minX) || !double.IsFinite(maxX) || !double.IsFinite(minY) || !double.IsFinite(maxY))
            {
                throw Error(model, "the arena is open: there must be a wall on each side (+x, -x, +y, -y) of the arena model's origin.");
            }

            // Wall faces are sums of centres and half sizes; snap them to the nanometre so that a
            // written arena reads back to the same numbers (1.6, not 1.6000000000000003).
            var arena = new Arena(Snap(minX), Snap(minY), Snap(maxX), Snap(maxY), Snap(height));
            try
            {
                arena.Validate();
            }
            catch (ArgumentException e)
            {
                throw Error(model, e.Message, e);
            }

            return arena;
        }

        private static double Snap(double value) => Math.Round(value * 1e9) / 1e9;

        private RobotPose ReadRobotPose(XElement model, string name)
        {
            XElement? element = model.Element("pose");
            Pose3 pose = ReadPose(element, allowRelative: false);
            if (Math.Abs(pose.Roll) > 1e-9 || Math.Abs(pose.Pitch) > 1e-9)
            {
                throw Error(element!, $"robot '{name}' is tilted (roll {SdfWorldWriter.N(pose.Roll)}, pitch {SdfWorldWriter.N(pose.Pitch)} rad); robots must start level.");
            }

            // The yaw as written (not recomputed from the rotation matrix), so a written world reads back bit for bit.
            return new RobotPose(pose.X, pose.Y, pose.Z, pose.Yaw);
        }

        private Pose3 ReadPose(XElement? element, bool allowRelative)
        {
            if (element is null)
            {
                return Pose3.Identity;
            }

            string? relativeTo = (string?)element.Attribute("relative_to");
            if (!allowRelative && !string.IsNullOrEmpty(relativeTo) && relativeTo != "world" && relativeTo != "__model__")
            {
                throw Error(element, $"relative_to='{relativeTo}' is not supported; poses must be relative to their parent.");
            }

            string format = (string?)element.Attribute("rotation_format") ?? "euler_rpy";
            bool degrees = element.Attribute("degrees") is { } deg && ParseBoolText(element, deg.Value);
            double[] n = ParseVector(element);
            if (n.Length == 0)
            {
                return Pose3.Identity;
            }

            if (format == "euler_rpy")
            {
                if (n.Length != 6)
                {
                    throw Error(element, $"'{element.Value.Trim()}' must be 6 numbers: x y z roll pitch yaw.");
                }

                double k = degrees ? Math.PI / 180 : 1;
                return Pose3.FromRpy(n[0], n[1], n[2], n[3] * k, n[4] * k, n[5] * k);
            }

            if (format == "quat_xyzw")
            {
                if (n.Length != 7)
                {
                    throw Error(element, $"'{element.Value.Trim()}' must be 7 numbers: x y z qx qy qz qw.");
                }

                return Pose3.FromQuaternion(n[0], n[1], n[2], n[3], n[4], n[5], n[6]);
            }

            throw Error(element, $"rotation_format='{format}' is unknown; SDF allows euler_rpy and quat_xyzw.");
        }

        private bool Classify(XElement plugin, string name, string fileName, GazeboSystem system)
        {
            if (!system.MatchesClass(name))
            {
                return false;
            }

            if (!system.MatchesFile(fileName))
            {
                throw Error(plugin,
                    $"filename='{fileName}' does not provide '{name}'; use '{system.FileName(GazeboGeneration.Fortress)}' (Fortress) or '{system.FileName(GazeboGeneration.Garden)}' (Garden and later).");
            }

            return true;
        }

        private XElement Single(XElement? existing, XElement plugin, string system, string model)
        {
            if (existing is not null)
            {
                throw Error(plugin, $"model '{model}' has a second {system} system (first at line {Line(existing)}).");
            }

            return plugin;
        }

        private void CheckElements(XElement plugin, HashSet<string> known, string system)
        {
            foreach (XElement child in plugin.Elements())
            {
                if (child.Name.Namespace == XNamespace.None && !known.Contains(child.Name.LocalName))
                {
                    throw Error(child, $"unknown parameter of the {system} system; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
                }
            }
        }

        private bool OnlyPlanes(XElement model) =>
            model.Descendants("geometry").All(g => g.Elements().All(shape => shape.Name.LocalName is "plane" or "empty"));

        private static string? Text(XElement parent, string name) => parent.Element(name)?.Value.Trim();

        private string RequiredAttribute(XElement element, string name)
        {
            string? value = (string?)element.Attribute(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw Error(element, $"the '{name}' attribute is required.");
            }

            return value;
        }

        private double ParseDouble(XElement element)
        {
            string text = element.Value.Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
            {
                throw Error(element, $"'{text}' is not a number.");
            }

            return value;
        }

        private int ParseInt(XElement element)
        {
            string text = element.Value.Trim();
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                throw Error(element, $"'{text}' is not an integer.");
            }

            return value;
        }

        private double[] ParseVector(XElement element)
        {
            string[] parts = element.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var values = new double[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                {
                    throw Error(element, $"'{parts[i]}' in '{element.Value.Trim()}' is not a finite number.");
                }
            }

            return values;
        }

        private bool ParseBool(XElement element) => ParseBoolText(element, element.Value.Trim());

        private bool ParseBoolText(XElement element, string text) => text switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw Error(element, $"'{text}' is not a boolean (true, false, 1, 0)."),
        };

        private static int Line(XElement element) => ((IXmlLineInfo)element).HasLineInfo() ? ((IXmlLineInfo)element).LineNumber : 0;

        private SdfFormatException Error(XElement element, string detail, Exception? inner = null) =>
            new(source, Line(element), element.Name.LocalName, detail, inner);
    }

    /// <summary>A rigid transform (rotation matrix, translation) for composing SDF poses.</summary>
    private readonly record struct Pose3(double X, double Y, double Z, double R00, double R01, double R02, double R10, double R11, double R12, double R20, double R21, double R22)
    {
        private double RawRoll { get; init; }

        private double RawPitch { get; init; }

        private double RawYaw { get; init; }

        private bool HasRaw { get; init; }

        public static Pose3 Identity => new(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1);

        public double Roll => HasRaw ? RawRoll : Math.Atan2(R21, R22);

        public double Pitch => HasRaw ? RawPitch : Math.Asin(Math.Clamp(-R20, -1, 1));

        public double Yaw => HasRaw ? RawYaw : Math.Atan2(R10, R00);

        /// <summary>R = Rz(yaw) Ry(pitch) Rx(roll), the SDF/gz convention.</summary>
        public static Pose3 FromRpy(double x, double y, double z, double roll, double pitch, double yaw)
        {
            (double sr, double cr) = Math.SinCos(roll);
            (double sp, double cp) = Math.SinCos(pitch);
            (double sy, double cy) = Math.SinCos(yaw);
            return new Pose3(x, y, z,
                cy * cp, (cy * sp * sr) - (sy * cr), (cy * sp * cr) + (sy * sr),
                sy * cp, (sy * sp * sr) + (cy * cr), (sy * sp * cr) - (cy * sr),
                -sp, cp * sr, cp * cr)
            {
                RawRoll = roll,
                RawPitch = pitch,
                RawYaw = yaw,
                HasRaw = true,
            };
        }

        public static Pose3 FromQuaternion(double x, double y, double z, double qx, double qy, double qz, double qw)
        {
            double n = Math.Sqrt((qx * qx) + (qy * qy) + (qz * qz) + (qw * qw));
            if (n > 0)
            {
                qx /= n;
                qy /= n;
                qz /= n;
                qw /= n;
            }

            return new Pose3(x, y, z,
                1 - (2 * ((qy * qy) + (qz * qz))), 2 * ((qx * qy) - (qz * qw)), 2 * ((qx * qz) + (qy * qw)),
                2 * ((qx * qy) + (qz * qw)), 1 - (2 * ((qx * qx) + (qz * qz))), 2 * ((qy * qz) - (qx * qw)),
                2 * ((qx * qz) - (qy * qw)), 2 * ((qy * qz) + (qx * qw)), 1 - (2 * ((qx * qx) + (qy * qy))));
        }

        /// <summary>this * child: the child's pose expressed in this pose's parent frame.</summary>
        public Pose3 Compose(Pose3 c) => new(
            X + (R00 * c.X) + (R01 * c.Y) + (R02 * c.Z),
            Y + (R10 * c.X) + (R11 * c.Y) + (R12 * c.Z),
            Z + (R20 * c.X) + (R21 * c.Y) + (R22 * c.Z),
            (R00 * c.R00) + (R01 * c.R10) + (R02 * c.R20), (R00 * c.R01) + (R01 * c.R11) + (R02 * c.R21), (R00 * c.R02) + (R01 * c.R12) + (R02 * c.R22),
            (R10 * c.R00) + (R11 * c.R10) + (R12 * c.R20), (R10 * c.R01) + (R11 * c.R11) + (R12 * c.R21), (R10 * c.R02) + (R11 * c.R12) + (R12 * c.R22),
            (R20 * c.R00) + (R21 * c.R10) + (R22 * c.R20), (R20 * c.R01) + (R21 * c.R11) + (R22 * c.R21), (R20 * c.R02) + (R21 * c.R12) + (R22 * c.R22));

        /// <summary>Half extents of the axis-aligned box around a box with these half sizes in this pose.</summary>
        public (double X, double Y, double Z) HalfExtents(double hx, double hy, double hz) => (
            (Math.Abs(R00) * hx) + (Math.Abs(R01) * hy) + (Math.Abs(R02) * hz),
            (Math.Abs(R10) * hx) + (Math.Abs(R11) * hy) + (Math.Abs(R12) * hz),
            (Math.Abs(R20) * hx) + (Math.Abs(R21) * hy) + (Math.Abs(R22) * hz));
    }
}
