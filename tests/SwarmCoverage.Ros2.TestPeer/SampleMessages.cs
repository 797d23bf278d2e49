using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.DiagnosticMsgs;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RclInterfaces;
using SwarmCoverage.Ros2.Messages.RmwDdsCommon;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.SensorMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.StdSrvs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using SwarmCoverage.Ros2.Messages.VisualizationMsgs;

namespace SwarmCoverage.Ros2.TestPeer;

/// <summary>
/// One fixed, hand-written message of every type, with values that exercise signs, fractions, strings of
/// several lengths (odd ones to test padding), empty and non-empty sequences, and in the newer types -0.0, infinity,
/// NaN and the extremes of the integers. Strings are ASCII (Foxglove's CDR writer counts UTF-16 units as bytes; the
/// codec tests have a separate non-ASCII case). Shared by the test peer and the tests.
/// </summary>
public static class SampleMessages
{
    public static Time Time => new(1_700_000_123, 456_789_012);

    public static Header Header => new(new Time(12, 500_000_000), "robot_7/odom");

    public static Empty Empty => default;

    public static Bool Bool => new(true);

    public static Vector3 Vector3 => new(0.5, -1.25, 3.0);

    public static Point Point => new(1.5, 2.25, -0.125);

    public static Quaternion Quaternion => new(0.0, 0.0, 0.6, 0.8);

    public static Pose Pose => new(new Point(4.0, 3.0, 0.0), new Quaternion(0.0, 0.0, -0.6, 0.8));

    public static PoseStamped PoseStamped => new(new Header(new Time(3, 7), "map"), new Pose(new Point(1.0, -2.0, 0.5), new Quaternion(0.0, 0.0, 0.0, 1.0)));

    public static Twist Twist => Twist.Planar(0.1, -0.25);

    public static TwistStamped TwistStamped => new(new Header(new Time(99, 1), "robot_12/base_link"), new Twist(new Vector3(0.2, 0.0, 0.0), new Vector3(0.0, 0.0, 1.5)));

    public static PoseWithCovariance PoseWithCovariance
    {
        get
        {
            var m = new PoseWithCovariance { Pose = Pose };
            for (int i = 0; i < 36; i++)
            {
                m.Covariance[i] = i % 7 == 0 ? 0.01 * (i + 1) : 0.0;
            }

            return m;
        }
    }

    public static TwistWithCovariance TwistWithCovariance
    {
        get
        {
            var m = new TwistWithCovariance { Twist = Twist };
            for (int i = 0; i < 36; i++)
            {
                m.Covariance[i] = -i * 0.5;
            }

            return m;
        }
    }

    public static Odometry Odometry => MakeOdometry("robot_3", 1.25, -0.5, 0.75);

    public static Odometry MakeOdometry(string robot, double x, double y, double yawRad) => new()
    {
        Header = new Header(new Time(41, 250_000_000), robot + "/odom"),
        ChildFrameId = robot + "/base_link",
        Pose = new PoseWithCovariance { Pose = new Pose(new Point(x, y, 0.0), Quaternion.FromYaw(yawRad)) },
        Twist = new TwistWithCovariance { Twist = Twist.Planar(0.15, 0.3) },
    };

    public static MapMetaData MapMetaData => new()
    {
        MapLoadTime = new Time(5, 6),
        Resolution = 0.05f,
        Width = 3,
        Height = 2,
        Origin = new Pose(new Point(-1.0, -2.0, 0.0), new Quaternion(0.0, 0.0, 0.0, 1.0)),
    };

    public static OccupancyGrid OccupancyGrid => new()
    {
        Header = new Header(new Time(8, 9), "map"),
        Info = MapMetaData,
        Data = [0, 100, -1, 50, 7, -128],
    };

    public static Clock Clock => new(new Time(1234, 567_000_000));

    public static Status Status => new()
    {
        Header = new Header(new Time(60, 50_000_000), "arena"),
        Tick = 1201,
        ActiveRobots = 39,
        StaleRobots = 1,
        EpsilonM = 0.15,
        EnergyEps = 0.5123,
        Chi2Eps = 0.0421,
        EnergyDistanceM = 0.0117,
        MinPairwiseDistanceM = 0.21,
        ClippedShare = 0.025,
        ControlLatencyS = 0.00042,
    };

    public static GaussianComponent GaussianComponent => new(0.6, new Point(1.0, 1.2, 0.0), new Vector3(0.5, 0.4, 0.0));

    public static TickInput TickInput => new()
    {
        Header = new Header(new Time(12, 50_000_000), "arena"),
        Tick = 241,
        ClockTimestamp = 12_050_000_000,
        ClockFrequency = 1_000_000_000,
        EmergencyStop = true,
        Status = [TickInput.StatusActive, TickInput.StatusStale, TickInput.StatusAwaitingPose],
        Taken = [1, 0, 0],
        X = [0.5, 1.25, 0.0],
        Y = [0.75, -0.5, 0.0],
        Z = [0.0, 0.0, 0.0],
        Yaw = [0.125, -3.0, 0.0],
        AgeS = [0.0, 0.6, double.PositiveInfinity],
    };

    public static Target Target
    {
        get
        {
            var t = new Target
            {
                Header = new Header(new Time(70, 0), "map"),
                Dimension = 2,
                Kind = Target.KindGaussianMixture,
                BoxMin = new Point(0.0, 0.0, 0.0),
                BoxMax = new Point(4.0, 3.0, 0.0),
                Components =
                [
                    new GaussianComponent(0.6, new Point(1.0, 1.2, 0.0), new Vector3(0.5, 0.4, 0.0)),
                    new GaussianComponent(0.4, new Point(3.0, 2.0, 0.0), new Vector3(0.3, 0.6, 0.0)),
                ],
                RasterValues = [1.0, 2.0, 0.5],
            };
            t.RasterSize[0] = 3;
            t.RasterSize[1] = 1;
            t.RasterSize[2] = 1;
            return t;
        }
    }

    /// <summary>
    /// The NaN JavaScript writes (0x7ff8000000000000; .NET's double.NaN is 0xfff8000000000000), so that bytes written by
    /// the Foxglove reference can equal ours bit for bit.
    /// </summary>
    public static double QuietNaN => BitConverter.Int64BitsToDouble(0x7ff8_0000_0000_0000);

    public static Duration Duration => new(-2, 250_000_000);

    public static ColorRGBA ColorRGBA => new(0.25f, 0.5f, 1.0f, 0.75f);

    public static PointStamped PointStamped => new(new Header(new Time(5, 123), "map"), new Point(1.5, -0.25, 0.0));

    public static CompressedImage CompressedImage => new()
    {
        Header = new Header(new Time(7, 8), "cam_optical"),
        Format = "png",
        Data = [0x89, 0x50, 0x4e, 0x47, 0x0d],
    };

    public static UVCoordinate UVCoordinate => new(0.125f, 0.875f);

    public static MeshFile MeshFile => new() { Filename = "robot.stl", Data = [1, 2, 3] };

    public static Marker Marker => new()
    {
        Header = new Header(new Time(100, 5), "map"),
        Ns = "robots",
        Id = 7,
        Type = Marker.LineStrip,
        Action = Marker.Add,
        Pose = new Pose(new Point(1.0, 2.0, 0.0), new Quaternion(0.0, 0.0, 0.0, 1.0)),
        Scale = new Vector3(0.05, -0.0, QuietNaN),
        Color = new ColorRGBA(1.0f, 0.0f, 0.0f, 1.0f),
        Lifetime = new Duration(2, 500_000_000),
        FrameLocked = true,
        Points = [new Point(0.0, 0.0, 0.0), new Point(1.0, 0.5, 0.0), new Point(2.0, 1.0, double.PositiveInfinity)],
        Colors = [new ColorRGBA(1, 0, 0, 1), new ColorRGBA(0, 1, 0, 1), new ColorRGBA(0, 0, 1, 0.5f)],
        TextureResource = "",
        Texture = new CompressedImage { Header = new Header(default, ""), Format = "", Data = [] },
        UvCoordinates = [new UVCoordinate(0, 0), new UVCoordinate(0.5f, 0.5f), new UVCoordinate(1, 1)],
        Text = "robot_7",
        MeshResource = "package://swarm/mesh.dae",
        MeshFile = new MeshFile { Filename = "mesh.dae", Data = [9, 8] },
        MeshUseEmbeddedMaterials = false,
    };

    public static MarkerArray MarkerArray => new(
    [
        Marker,
        EmptyMarker with
        {
            Header = new Header(new Time(100, 6), "robot_7/base_link"),
            Ns = "labels",
            Id = -1,
            Type = Marker.TextViewFacing,
            Action = Marker.DeleteAll,
            Pose = new Pose(default, new Quaternion()),
            Scale = new Vector3(0.0, 0.0, 0.2),
            Color = new ColorRGBA(1, 1, 1, 1),
            Text = "stale",
            MeshUseEmbeddedMaterials = true,
        },
    ]);

    /// <summary>A marker with every string and sequence empty (not null: a received message has no nulls).</summary>
    public static Marker EmptyMarker => new()
    {
        Header = new Header(default, ""),
        Ns = "",
        Points = [],
        Colors = [],
        TextureResource = "",
        Texture = new CompressedImage { Header = new Header(default, ""), Format = "", Data = [] },
        UvCoordinates = [],
        Text = "",
        MeshResource = "",
        MeshFile = new MeshFile { Filename = "", Data = [] },
    };

    /// <summary>A parameter value of <paramref name="type"/> with every string and sequence empty.</summary>
    public static ParameterValue EmptyValue(byte type) => new()
    {
        Type = type,
        StringValue = "",
        ByteArrayValue = [],
        BoolArrayValue = [],
        IntegerArrayValue = [],
        DoubleArrayValue = [],
        StringArrayValue = [],
    };

    public static Log Log => new()
    {
        Stamp = new Time(1_700_000_000, 1),
        Level = Log.Warn,
        Name = "swarm_coverage",
        Msg = "tick 42: 39 active, 1 stale",
        File = "Controller.cs",
        Function = "Step",
        Line = 217,
    };

    public static ParameterType ParameterType => default;

    public static ParameterValue ParameterValue => new()
    {
        Type = ParameterType.ParameterDoubleArray,
        BoolValue = true,
        IntegerValue = -9_000_000_000_000,
        DoubleValue = 0.1,
        StringValue = "eps",
        ByteArrayValue = [0, 255, 7],
        BoolArrayValue = [true, false, true],
        IntegerArrayValue = [long.MinValue, 0, long.MaxValue],
        DoubleArrayValue = [1.5, -0.0, double.Epsilon, double.NegativeInfinity],
        StringArrayValue = ["a", "", "bcd"],
    };

    public static Parameter Parameter => new("control.rate_hz", EmptyValue(ParameterType.ParameterDouble) with { DoubleValue = 20.0 });

    public static ParameterEvent ParameterEvent => new()
    {
        Stamp = new Time(33, 44),
        Node = "/swarm_coverage",
        NewParameters = [Parameter],
        ChangedParameters =
        [
            new Parameter("frame_id", EmptyValue(ParameterType.ParameterString) with { StringValue = "arena" }),
            new Parameter("robots", EmptyValue(ParameterType.ParameterStringArray) with { StringArrayValue = ["robot_0", "robot_1"] }),
        ],
        DeletedParameters = [],
    };

    public static KeyValue KeyValue => new("robots", "40");

    public static DiagnosticStatus DiagnosticStatus => new()
    {
        Level = DiagnosticStatus.Warn,
        Name = "swarm_coverage: safety",
        Message = "2 robots stale",
        HardwareId = "",
        Values = [new KeyValue("stale", "2"), new KeyValue("active", "38")],
    };

    public static DiagnosticArray DiagnosticArray => new()
    {
        Header = new Header(new Time(9, 10), ""),
        Status =
        [
            DiagnosticStatus,
            new DiagnosticStatus { Level = DiagnosticStatus.Ok, Name = "swarm_coverage: control", Message = "ok", HardwareId = "host", Values = [] },
        ],
    };

    // rcl_interfaces parameter messages and service bodies, std_srvs, rmw_dds_common (MessageCases.Extended).

    public static FloatingPointRange FloatingPointRange => new(-1.5, 2.5, 0.25);

    public static IntegerRange IntegerRange => new(long.MinValue, 100, ulong.MaxValue);

    public static ParameterDescriptor ParameterDescriptor => new()
    {
        Name = "control.rate_hz",
        Type = ParameterType.ParameterDouble,
        Description = "Control loop rate",
        AdditionalConstraints = "",
        ReadOnly = true,
        DynamicTyping = false,
        FloatingPointRange = [new FloatingPointRange(1.0, 100.0, 0.5)],
        IntegerRange = [],
    };

    /// <summary>A second descriptor: integer range, the other flags.</summary>
    public static ParameterDescriptor RobotsDescriptor => new()
    {
        Name = "robots",
        Type = ParameterType.ParameterInteger,
        Description = "",
        AdditionalConstraints = "",
        ReadOnly = false,
        DynamicTyping = true,
        FloatingPointRange = [],
        IntegerRange = [new IntegerRange(1, 64, 1)],
    };

    public static SetParametersResult SetParametersResult => new(false, "read-only");

    public static ListParametersResult ListParametersResult => new() { Names = ["control.rate_hz", "frame_id"], Prefixes = ["control"] };

    /// <summary>The gid of bytes <paramref name="first"/>, first + 1, ... (16 of them).</summary>
    public static RosGid MakeGid(byte first) => RosGid.FromBytes([.. Enumerable.Range(first, RosGid.Length).Select(i => (byte)i)]);

    public static Gid Gid => new(MakeGid(0x01));

    public static NodeEntitiesInfo NodeEntitiesInfo => new()
    {
        NodeNamespace = "/",
        NodeName = "swarm_coverage",
        ReaderGids = [MakeGid(0x20)],
        WriterGids = [MakeGid(0x40), MakeGid(0xf8)],
    };

    public static ParticipantEntitiesInfo ParticipantEntitiesInfo => new()
    {
        Gid = MakeGid(0xa0),
        Nodes =
        [
            NodeEntitiesInfo,
            new NodeEntitiesInfo { NodeNamespace = "/robots", NodeName = "robot_7", ReaderGids = [], WriterGids = [] },
        ],
    };

    public static GetParametersRequest GetParametersRequest => new() { Names = ["control.rate_hz", "missing"] };

    public static GetParametersResponse GetParametersResponse => new()
    {
        Values = [EmptyValue(ParameterType.ParameterDouble) with { DoubleValue = 20.0 }, EmptyValue(ParameterType.ParameterNotSet)],
    };

    public static SetParametersRequest SetParametersRequest => new() { Parameters = [Parameter] };

    public static SetParametersResponse SetParametersResponse => new() { Results = [new SetParametersResult(true, ""), SetParametersResult] };

    public static SetParametersAtomicallyRequest SetParametersAtomicallyRequest => new()
    {
        Parameters = [Parameter, new Parameter("frame_id", EmptyValue(ParameterType.ParameterString) with { StringValue = "arena" })],
    };

    public static SetParametersAtomicallyResponse SetParametersAtomicallyResponse => new() { Result = new SetParametersResult(true, "") };

    public static ListParametersRequest ListParametersRequest => new() { Prefixes = ["control"], Depth = 1 };

    public static ListParametersResponse ListParametersResponse => new() { Result = ListParametersResult };

    public static DescribeParametersRequest DescribeParametersRequest => new() { Names = ["control.rate_hz"] };

    public static DescribeParametersResponse DescribeParametersResponse => new() { Descriptors = [ParameterDescriptor, RobotsDescriptor] };

    public static GetParameterTypesRequest GetParameterTypesRequest => new() { Names = ["control.rate_hz", "frame_id", "x"] };

    public static GetParameterTypesResponse GetParameterTypesResponse => new() { Types = [ParameterType.ParameterDouble, ParameterType.ParameterString, ParameterType.ParameterNotSet] };

    public static SetBoolRequest SetBoolRequest => new(true);

    public static SetBoolResponse SetBoolResponse => new(true, "enabled");

    public static TriggerRequest TriggerRequest => default;

    public static TriggerResponse TriggerResponse => new(false, "not ready");
}
