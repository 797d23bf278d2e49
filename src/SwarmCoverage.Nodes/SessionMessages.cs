using SwarmCoverage.Control;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using RosPose = SwarmCoverage.Ros2.Messages.GeometryMsgs.Pose;

namespace SwarmCoverage.Nodes;

/// <summary>
/// A tick of the session as the ROS 2 messages every face publishes it in (the DDS status publisher, the Foxglove
/// bridge, the recorder): one mapping, so that the three cannot drift apart.
/// </summary>
public static class SessionMessages
{
    /// <summary>The status message of a tick.</summary>
    public static Status Status(in SessionStatus s, Time stamp, string frameId) => new()
    {
        Header = new Header(stamp, frameId),
        Tick = s.Tick,
        ActiveRobots = (uint)s.ActiveRobots,
        StaleRobots = (uint)s.StaleRobots,
        EpsilonM = s.EpsilonM,
        EnergyEps = s.EnergyEps,
        Chi2Eps = s.Chi2Eps,
        EnergyDistanceM = s.EnergyDistanceM,
        MinPairwiseDistanceM = s.MinPairwiseDistanceM,
        ClippedShare = s.ClippedShare,
        ControlLatencyS = s.ControlLatencyS,
    };

    /// <summary>A TickInput with per-robot arrays for <paramref name="robots"/> robots (reused by <see cref="Fill"/>).</summary>
    public static TickInput NewTickInput(int robots) => new()
    {
        Status = new byte[robots],
        Taken = new byte[robots],
        X = new double[robots],
        Y = new double[robots],
        Z = new double[robots],
        Yaw = new double[robots],
        AgeS = new double[robots],
    };

    /// <summary>Fills <paramref name="input"/> (made by <see cref="NewTickInput"/>) with what <paramref name="tick"/> took.</summary>
    public static void Fill(ref TickInput input, TickRecord tick, Time stamp, string frameId)
    {
        ArgumentNullException.ThrowIfNull(tick);
        input.Header = new Header(stamp, frameId);
        input.Tick = tick.Tick;
        input.ClockTimestamp = tick.Timestamp;
        input.ClockFrequency = tick.TimestampFrequency;
        input.EmergencyStop = tick.EmergencyStop;
        var statuses = tick.Statuses;
        var poses = tick.Poses;
        var ages = tick.PoseAgesS;
        var taken = tick.PoseTaken;
        for (int i = 0; i < statuses.Length; i++)
        {
            input.Status![i] = statuses[i] switch
            {
                RobotStatus.Active => TickInput.StatusActive,
                RobotStatus.Stale => TickInput.StatusStale,
                _ => TickInput.StatusAwaitingPose,
            };
            input.Taken![i] = taken[i] ? (byte)1 : (byte)0;
            input.X![i] = poses[i].X;
            input.Y![i] = poses[i].Y;
            input.Z![i] = poses[i].Z;
            input.Yaw![i] = poses[i].YawRad;
            input.AgeS![i] = ages[i];
        }
    }

    /// <summary>A pose of the session as a geometry_msgs Pose (yaw as a quaternion about z).</summary>
    public static RosPose Pose(in Control.Pose p) => new(new Point(p.X, p.Y, p.Z), Quaternion.FromYaw(p.YawRad));

    /// <summary>An odometry message carrying only a pose, as a recording or a viewer shows what the step used.</summary>
    public static Odometry Odometry(in Control.Pose p, Time stamp, string frameId, string robot)
    {
        var odom = new Odometry { Header = new Header(stamp, frameId), ChildFrameId = robot };
        odom.Pose.Pose = Pose(p);
        return odom;
    }

    /// <summary>A wire command as the Twist a robot's cmd_vel carries.</summary>
    public static Twist Twist(in RobotCommand c) => new(new Vector3(c.Vx, c.Vy, c.Vz), new Vector3(0, 0, c.OmegaZ));
}
