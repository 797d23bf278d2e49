using System.Globalization;

namespace SwarmCoverage.Sim;

/// <summary>
/// An instant of simulation time in integer nanoseconds since the start of the simulation, the
/// resolution gz-sim uses (<c>std::chrono::steady_clock::duration</c>). The simulator has no wall
/// clock: only <see cref="Simulator.Step(double)"/> and its overloads advance it, so a host (the
/// ROS 2 node publishing <c>/clock</c>, a test) owns time.
/// </summary>
public readonly record struct SimTime(long Nanoseconds) : IComparable<SimTime>
{
    /// <summary>Nanoseconds per second.</summary>
    public const long NanosecondsPerSecond = 1_000_000_000L;

    /// <summary>Time zero, the start of every simulation.</summary>
    public static SimTime Zero => default;

    /// <summary>The instant in seconds (rounded to the nearest double).</summary>
    public double Seconds => Nanoseconds / (double)NanosecondsPerSecond;

    /// <summary>Whole seconds, the <c>sec</c> field of ROS 2 <c>builtin_interfaces/msg/Time</c>.</summary>
    public int RosSec => checked((int)Math.DivRem(Nanoseconds, NanosecondsPerSecond, out _));

    /// <summary>Remaining nanoseconds, the <c>nanosec</c> field of <c>builtin_interfaces/msg/Time</c>.</summary>
    public uint RosNanosec => (uint)(Nanoseconds % NanosecondsPerSecond);

    /// <summary>Converts seconds to the nearest nanosecond.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="seconds"/> is negative, NaN or too large.</exception>
    public static SimTime FromSeconds(double seconds) => new(SecondsToNanoseconds(seconds, nameof(seconds)));

    /// <summary>Converts a non-negative duration in seconds to the nearest nanosecond.</summary>
    internal static long SecondsToNanoseconds(double seconds, string parameterName)
    {
        if (!(seconds >= 0) || seconds > 9.2e9)
        {
            throw new ArgumentOutOfRangeException(parameterName, seconds,
                $"{parameterName} must be a finite number of seconds in [0, 9.2e9]; got {seconds.ToString(CultureInfo.InvariantCulture)}.");
        }

        return (long)Math.Round(seconds * NanosecondsPerSecond, MidpointRounding.ToEven);
    }

    /// <inheritdoc />
    public int CompareTo(SimTime other) => Nanoseconds.CompareTo(other.Nanoseconds);

    /// <summary>Orders instants.</summary>
    public static bool operator <(SimTime left, SimTime right) => left.Nanoseconds < right.Nanoseconds;

    /// <summary>Orders instants.</summary>
    public static bool operator >(SimTime left, SimTime right) => left.Nanoseconds > right.Nanoseconds;

    /// <summary>Orders instants.</summary>
    public static bool operator <=(SimTime left, SimTime right) => left.Nanoseconds <= right.Nanoseconds;

    /// <summary>Orders instants.</summary>
    public static bool operator >=(SimTime left, SimTime right) => left.Nanoseconds >= right.Nanoseconds;

    /// <inheritdoc />
    public override string ToString() => Seconds.ToString("0.000000000", CultureInfo.InvariantCulture) + " s";
}
