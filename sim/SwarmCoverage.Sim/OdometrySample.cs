namespace SwarmCoverage.Sim;

/// <summary>A body-frame velocity (the twist of <c>nav_msgs/msg/Odometry</c>).</summary>
/// <param name="LinearXMps">Forward velocity in m/s.</param>
/// <param name="LinearYMps">Leftward velocity in m/s.</param>
/// <param name="LinearZMps">Upward velocity in m/s.</param>
/// <param name="AngularZRadps">Yaw rate in rad/s.</param>
public readonly record struct BodyTwist(double LinearXMps, double LinearYMps, double LinearZMps, double AngularZRadps);

/// <summary>
/// One odometry message as the ROS 2 simulator node publishes it on <see cref="RobotTopics.Odometry"/>
/// (<c>nav_msgs/msg/Odometry</c>), plus the same measurement in the world frame for an optional
/// motion-capture style <c>geometry_msgs/msg/PoseStamped</c>.
/// </summary>
/// <param name="Robot">Robot index.</param>
/// <param name="Stamp">Simulation time of the measurement (<c>header.stamp</c>).</param>
/// <param name="FrameId"><c>header.frame_id</c>, by default <c>&lt;name&gt;/odom</c>.</param>
/// <param name="ChildFrameId"><c>child_frame_id</c>, by default <c>&lt;name&gt;/base_link</c>.</param>
/// <param name="Pose">Measured pose (with noise) in <paramref name="FrameId"/>; see <see cref="OdometryOrigin"/>.</param>
/// <param name="WorldPose">The same measured pose in the world frame.</param>
/// <param name="Twist">The body-frame velocity the robot is moving with (after every limit), without noise.</param>
public readonly record struct OdometrySample(
    int Robot,
    SimTime Stamp,
    string FrameId,
    string ChildFrameId,
    RobotPose Pose,
    RobotPose WorldPose,
    BodyTwist Twist);

/// <summary>
/// Counts of everything the simulator limited, rejected or stopped, in the spirit of Robotarium's
/// end-of-run report. Times are summed over robots.
/// </summary>
public readonly record struct SimulatorCounters
{
    /// <summary>Commands handed to the simulator.</summary>
    public long CommandsReceived { get; init; }

    /// <summary>Commands with a NaN or infinite component, dropped as if never received (they do not reset the timeout).</summary>
    public long CommandsRejectedNonFinite { get; init; }

    /// <summary>Commands replaced by a later one before they took effect (same activation instant; the last wins, as in gz).</summary>
    public long CommandsSuperseded { get; init; }

    /// <summary>Times a robot was stopped because its commands stopped arriving.</summary>
    public long CommandTimeouts { get; init; }

    /// <summary>Robot-time during which the acceleration or jerk limit was bending the command, in nanoseconds.</summary>
    public long LimiterActiveTimeNs { get; init; }

    /// <summary>Robot-time during which at least one wheel was at its speed limit, in nanoseconds.</summary>
    public long WheelSaturatedTimeNs { get; init; }

    /// <summary>Total simulated robot-time (robots x simulated time), in nanoseconds.</summary>
    public long RobotTimeNs { get; init; }

    /// <summary>Integration segments that ended with the robot pushed back onto the arena boundary.</summary>
    public long ArenaContacts { get; init; }

    /// <summary>Odometry samples handed out by <see cref="Simulator.CollectDueOdometry"/>.</summary>
    public long OdometrySamplesPublished { get; init; }

    /// <summary>Share of robot-time with a wheel at its speed limit.</summary>
    public double WheelSaturatedShare => RobotTimeNs == 0 ? 0 : WheelSaturatedTimeNs / (double)RobotTimeNs;

    /// <summary>Share of robot-time with the acceleration/jerk limiter active.</summary>
    public double LimiterActiveShare => RobotTimeNs == 0 ? 0 : LimiterActiveTimeNs / (double)RobotTimeNs;
}
