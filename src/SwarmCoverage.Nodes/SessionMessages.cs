using SwarmCoverage.Control;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using ParameterEvent = SwarmCoverage.Ros2.Messages.RclInterfaces.ParameterEvent;
using RosParameter = SwarmCoverage.Ros2.Messages.RclInterfaces.Parameter;
using RosPose = SwarmCoverage.Ros2.Messages.GeometryMsgs.Pose;

namespace SwarmCoverage.Nodes;

/// <summary>
/// A tick of the session as the ROS 2 messages every face publishes it in (the DDS status publisher, the Foxglove
/// bridge, the recorder): one mapping, so that the three cannot drift apart.
/// </summary>
public static class SessionMessages
{
    /// <summary>
    /// The <c>/parameter_events</c> message of a session's start: every parameter in force as a new parameter, as a ROS 2
    /// node announces its declared parameters.
    /// </summary>
    public static ParameterEvent ParametersDeclared(SessionDescription session, string node)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new ParameterEvent
        {
            Stamp = Time.FromNanoseconds(session.TimeUnixNs),
            Node = node,
            NewParameters = [.. session.Parameters.Select(p => new RosParameter(p.Descriptor.Name, Recording.RosParameterValues.ToRos(p.Value)))],
        };
    }

    /// <summary>The <c>/parameter_events</c> message of a tick's parameter changes, whatever path they came by; null when none.</summary>
    public static ParameterEvent? ParametersChanged(IReadOnlyList<SessionChange> changes, Time stamp, string node)
    {
        ArgumentNullException.ThrowIfNull(changes);
        List<RosParameter>? changed = null;
        foreach (var change in changes)
            if (change is ParameterChange p) (changed ??= []).Add(new RosParameter(p.Name, Recording.RosParameterValues.ToRos(p.After)));
        return changed is null ? null : new ParameterEvent { Stamp = stamp, Node = node, ChangedParameters = [.. changed] };
    }

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
        ObserverDroppedTicks = (ulong)Math.Max(0, s.ObserverDroppedTicks),
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
