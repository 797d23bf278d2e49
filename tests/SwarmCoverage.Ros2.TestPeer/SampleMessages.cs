using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RosgraphMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;

namespace SwarmCoverage.Ros2.TestPeer;

/// <summary>
/// One fixed, hand-written message of every type, with values that exercise signs, fractions, strings of
/// several lengths (odd ones to test padding), empty and non-empty sequences. Shared by the test peer and the tests.
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
}
