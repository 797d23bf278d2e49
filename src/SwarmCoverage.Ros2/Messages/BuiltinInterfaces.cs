using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.BuiltinInterfaces;

/// <summary>
/// <c>builtin_interfaces/msg/Time</c>: seconds and nanoseconds since the Unix epoch (or since the start
/// of simulated time). <c>int32 sec</c>, <c>uint32 nanosec</c> with <c>0 &lt;= nanosec &lt; 1e9</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Time : IRosMessage<Time>, IEquatable<Time>
{
    private const long NanosecondsPerSecond = 1_000_000_000L;

    /// <summary>Whole seconds (ROS <c>sec</c>).</summary>
    public int Sec;

    /// <summary>Nanoseconds within the second, in [0, 1e9) (ROS <c>nanosec</c>).</summary>
    public uint Nanosec;

    /// <summary>Creates a time from its two fields.</summary>
    public Time(int sec, uint nanosec)
    {
        Sec = sec;
        Nanosec = nanosec;
    }

    /// <inheritdoc/>
    public static RosMessageType<Time> MessageType { get; } = new BlittableMessageType<Time>("builtin_interfaces/msg/Time", MessageSchemas.Time);

    /// <summary>Time from nanoseconds (floor division, so negative times keep <c>nanosec</c> in [0, 1e9)).</summary>
    public static Time FromNanoseconds(long nanoseconds)
    {
        long sec = Math.DivRem(nanoseconds, NanosecondsPerSecond, out long ns);
        if (ns < 0)
        {
            sec--;
            ns += NanosecondsPerSecond;
        }

        if (sec is < int.MinValue or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(nanoseconds), nanoseconds, "does not fit builtin_interfaces/msg/Time (int32 seconds)");
        }

        return new Time((int)sec, (uint)ns);
    }

    /// <summary>Time from seconds, rounded to the nearest nanosecond.</summary>
    public static Time FromSeconds(double seconds)
    {
        if (!double.IsFinite(seconds))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "must be finite");
        }

        return FromNanoseconds(checked((long)Math.Round(seconds * NanosecondsPerSecond)));
    }

    /// <summary>Wall-clock time as ROS stamps it: since the Unix epoch (use with <see cref="TimeProvider.GetUtcNow"/>).</summary>
    public static Time FromDateTimeOffset(DateTimeOffset time) =>
        FromNanoseconds((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100L);

    /// <summary>Total nanoseconds.</summary>
    public readonly long ToNanoseconds() => (Sec * NanosecondsPerSecond) + Nanosec;

    /// <summary>Total seconds.</summary>
    public readonly double ToSeconds() => Sec + (Nanosec * 1e-9);

    /// <inheritdoc/>
    public readonly bool Equals(Time other) => Sec == other.Sec && Nanosec == other.Nanosec;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is Time t && Equals(t);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => HashCode.Combine(Sec, Nanosec);

    /// <inheritdoc/>
    public override readonly string ToString() => $"{Sec}.{Nanosec:D9}";

    /// <summary>Equality of both fields.</summary>
    public static bool operator ==(Time left, Time right) => left.Equals(right);

    /// <summary>Inequality of either field.</summary>
    public static bool operator !=(Time left, Time right) => !left.Equals(right);
}

/// <summary>
/// <c>builtin_interfaces/msg/Duration</c>: a signed span of time, <c>int32 sec</c> and <c>uint32 nanosec</c> in
/// [0, 1e9) (so -0.5 s is sec -1, nanosec 500000000). A marker's lifetime; zero means forever.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Duration : IRosMessage<Duration>, IEquatable<Duration>
{
    private const long NanosecondsPerSecond = 1_000_000_000L;

    /// <summary>Whole seconds (ROS <c>sec</c>).</summary>
    public int Sec;

    /// <summary>Nanoseconds added to <see cref="Sec"/>, in [0, 1e9) (ROS <c>nanosec</c>).</summary>
    public uint Nanosec;

    /// <summary>Creates a duration from its two fields.</summary>
    public Duration(int sec, uint nanosec)
    {
        Sec = sec;
        Nanosec = nanosec;
    }

    /// <inheritdoc/>
    public static RosMessageType<Duration> MessageType { get; } = new BlittableMessageType<Duration>("builtin_interfaces/msg/Duration", MessageSchemas.Duration);

    /// <summary>Duration from nanoseconds (floor division, so negative durations keep <c>nanosec</c> in [0, 1e9)).</summary>
    public static Duration FromNanoseconds(long nanoseconds)
    {
        long sec = Math.DivRem(nanoseconds, NanosecondsPerSecond, out long ns);
        if (ns < 0)
        {
            sec--;
            ns += NanosecondsPerSecond;
        }

        if (sec is < int.MinValue or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(nanoseconds), nanoseconds, "does not fit builtin_interfaces/msg/Duration (int32 seconds)");
        }

        return new Duration((int)sec, (uint)ns);
    }

    /// <summary>Duration of a <see cref="TimeSpan"/> (100 ns ticks).</summary>
    public static Duration FromTimeSpan(TimeSpan span) => FromNanoseconds(checked(span.Ticks * 100L));

    /// <summary>Total nanoseconds.</summary>
    public readonly long ToNanoseconds() => (Sec * NanosecondsPerSecond) + Nanosec;

    /// <inheritdoc/>
    public readonly bool Equals(Duration other) => Sec == other.Sec && Nanosec == other.Nanosec;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is Duration d && Equals(d);

    /// <inheritdoc/>
    public override readonly int GetHashCode() => HashCode.Combine(Sec, Nanosec);

    /// <inheritdoc/>
    public override readonly string ToString() => $"{Sec}s+{Nanosec}ns";

    /// <summary>Equality of both fields.</summary>
    public static bool operator ==(Duration left, Duration right) => left.Equals(right);

    /// <summary>Inequality of either field.</summary>
    public static bool operator !=(Duration left, Duration right) => !left.Equals(right);
}
