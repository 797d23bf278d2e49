using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2;

/// <summary>DDS reliability: whether lost samples are repaired.</summary>
public enum RosReliability
{
    /// <summary>Lost samples are resent; a reliable reader does not match a best-effort writer.</summary>
    Reliable,

    /// <summary>Lost samples stay lost; a best-effort reader matches both reliable and best-effort writers.</summary>
    BestEffort,
}

/// <summary>DDS durability: whether late joiners get samples written before they appeared.</summary>
public enum RosDurability
{
    /// <summary>Only samples written after the reader matched.</summary>
    Volatile,

    /// <summary>
    /// The writer keeps its last <see cref="RosQos.Depth"/> samples for late joiners ("latched"). A transient-local
    /// reader does not match a volatile writer; a volatile reader matches both.
    /// </summary>
    TransientLocal,
}

/// <summary>DDS history kind.</summary>
public enum RosHistory
{
    /// <summary>Keep the last <see cref="RosQos.Depth"/> samples.</summary>
    KeepLast,

    /// <summary>Keep everything (bounded only by resources).</summary>
    KeepAll,
}

/// <summary>
/// A ROS 2 QoS profile, applied exactly as rmw_cyclonedds_cpp applies one (history, reliability, durability,
/// writer autodispose off; for transient local also the durability-service history). The presets are
/// ROS's: <see cref="Default"/> (<c>rmw_qos_profile_default</c>), <see cref="SensorData"/>
/// (<c>rmw_qos_profile_sensor_data</c>), and <see cref="Latched"/> (transient local, depth 1, as map servers publish).
/// </summary>
/// <param name="Reliability">Reliable or best effort.</param>
/// <param name="Durability">Volatile or transient local.</param>
/// <param name="History">Keep last or keep all.</param>
/// <param name="Depth">History depth for <see cref="RosHistory.KeepLast"/>, at least 1.</param>
public sealed record RosQos(RosReliability Reliability, RosDurability Durability, RosHistory History, int Depth)
{
    /// <summary>ROS 2 default: reliable, volatile, keep last 10. Publishers of commands use it: a reliable writer matches every reader.</summary>
    public static RosQos Default { get; } = new(RosReliability.Reliable, RosDurability.Volatile, RosHistory.KeepLast, 10);

    /// <summary>ROS 2 sensor data: best effort, volatile, keep last 5. Subscriptions to odometry and poses use it: it matches reliable and best-effort publishers.</summary>
    public static RosQos SensorData { get; } = new(RosReliability.BestEffort, RosDurability.Volatile, RosHistory.KeepLast, 5);

    /// <summary>
    /// rclcpp's <c>ClockQoS</c> for <c>/clock</c> subscriptions: best effort, volatile, keep last 1 (matches reliable and
    /// best-effort clock publishers; only the newest time matters).
    /// </summary>
    public static RosQos Clock { get; } = new(RosReliability.BestEffort, RosDurability.Volatile, RosHistory.KeepLast, 1);

    /// <summary>Reliable, transient local, keep last 1: late joiners (RViz) get the last sample, like a latched ROS 1 topic or a map server.</summary>
    public static RosQos Latched { get; } = new(RosReliability.Reliable, RosDurability.TransientLocal, RosHistory.KeepLast, 1);

    /// <summary>ROS 2's <c>rmw_qos_profile_services_default</c>: reliable, volatile, keep last 10.</summary>
    public static RosQos Services { get; } = new(RosReliability.Reliable, RosDurability.Volatile, RosHistory.KeepLast, 10);

    /// <summary>
    /// How long a reliable writer may block in a publish when its history is full of unacknowledged samples
    /// (only possible with <see cref="RosHistory.KeepAll"/> or very large samples). rmw_cyclonedds uses infinity;
    /// the default here is the DDS default, 100 ms, so a stuck reader cannot freeze a control loop forever.
    /// </summary>
    public TimeSpan MaxBlockingTime { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The endpoint's USER_DATA, as rmw_cyclonedds_cpp fills it: <c>key=value;</c> pairs such as <c>serviceid=...;</c>
    /// on a service's reader and writer (docs/ros2-wire.md, "Services"). Null or empty: none.
    /// </summary>
    public string? UserData { get; init; }

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Reliability))
        {
            throw new ArgumentException($"QoS reliability {Reliability} is not one of {string.Join(", ", Enum.GetNames<RosReliability>())}", nameof(Reliability));
        }

        if (!Enum.IsDefined(Durability))
        {
            throw new ArgumentException($"QoS durability {Durability} is not one of {string.Join(", ", Enum.GetNames<RosDurability>())}", nameof(Durability));
        }

        if (!Enum.IsDefined(History))
        {
            throw new ArgumentException($"QoS history {History} is not one of {string.Join(", ", Enum.GetNames<RosHistory>())}", nameof(History));
        }

        if (History == RosHistory.KeepLast && Depth < 1)
        {
            throw new ArgumentException($"QoS depth {Depth} must be at least 1 for keep-last history", nameof(Depth));
        }

        if (MaxBlockingTime < TimeSpan.Zero)
        {
            throw new ArgumentException($"QoS max blocking time {MaxBlockingTime} must not be negative", nameof(MaxBlockingTime));
        }
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Reliability}, {Durability}, {(History == RosHistory.KeepLast ? $"KeepLast({Depth})" : "KeepAll")}";

    internal DdsQosHandle ToNative()
    {
        Validate();
        DdsQosHandle qos = DdsQosHandle.Create();
        nint q = qos.Pointer;
        Libddsc.dds_qset_writer_data_lifecycle(q, 0);
        int historyKind = History == RosHistory.KeepLast ? Libddsc.DDS_HISTORY_KEEP_LAST : Libddsc.DDS_HISTORY_KEEP_ALL;
        int depth = History == RosHistory.KeepLast ? Depth : Libddsc.DDS_LENGTH_UNLIMITED;
        Libddsc.dds_qset_history(q, historyKind, depth);
        if (Reliability == RosReliability.Reliable)
        {
            long blockingNs = MaxBlockingTime == TimeSpan.MaxValue ? Libddsc.DDS_INFINITY : checked(MaxBlockingTime.Ticks * 100L);
            Libddsc.dds_qset_reliability(q, Libddsc.DDS_RELIABILITY_RELIABLE, blockingNs);
        }
        else
        {
            Libddsc.dds_qset_reliability(q, Libddsc.DDS_RELIABILITY_BEST_EFFORT, 0);
        }

        if (!string.IsNullOrEmpty(UserData))
        {
            byte[] userData = System.Text.Encoding.UTF8.GetBytes(UserData);
            unsafe
            {
                fixed (byte* pu = userData)
                {
                    Libddsc.dds_qset_userdata(q, pu, (nuint)userData.Length);
                }
            }
        }

        if (Durability == RosDurability.TransientLocal)
        {
            Libddsc.dds_qset_durability(q, Libddsc.DDS_DURABILITY_TRANSIENT_LOCAL);
            Libddsc.dds_qset_durability_service(q, 0, historyKind, depth, Libddsc.DDS_LENGTH_UNLIMITED, Libddsc.DDS_LENGTH_UNLIMITED, Libddsc.DDS_LENGTH_UNLIMITED);
        }
        else
        {
            Libddsc.dds_qset_durability(q, Libddsc.DDS_DURABILITY_VOLATILE);
        }

        return qos;
    }
}
