namespace SwarmCoverage.App.Simulation;

/// <summary>A <see cref="TimeProvider"/> that reads the simulation's clock (nanoseconds since the start).</summary>
public sealed class SimulationClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = DateTimeOffset.UnixEpoch;
    private long _nanoseconds;

    public void Set(long nanoseconds) => Volatile.Write(ref _nanoseconds, nanoseconds);

    public override long TimestampFrequency => 1_000_000_000L;

    public override long GetTimestamp() => Volatile.Read(ref _nanoseconds);

    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(Volatile.Read(ref _nanoseconds) / 100);
}
