namespace SwarmCoverage.Nodes;

/// <summary>
/// ROS time under <c>use_sim_time</c>: a <see cref="TimeProvider"/> whose clock is what <c>/clock</c> last said
/// (nanoseconds since the simulation's epoch, 0 before the first message, as rclcpp's clock is). Timers created from
/// it, and so <see cref="PeriodicTimer"/>s and the robot registry's watchdog, run on simulated time: they fire when
/// <see cref="Advance"/> moves the clock past their due time, whatever the wall clock does. The clock never moves
/// backwards: an earlier time is refused (and counted by the caller). Thread-safe.
/// </summary>
public sealed class RosClockTimeProvider : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<SimTimer> _timers = [];
    private long _nowNs;

    /// <summary>Simulated nanoseconds.</summary>
    public override long TimestampFrequency => 1_000_000_000L;

    /// <summary>The current ROS time in nanoseconds.</summary>
    public long NowNanoseconds => Volatile.Read(ref _nowNs);

    /// <summary>True once a clock message has moved the time off zero.</summary>
    public bool Started => NowNanoseconds > 0;

    /// <inheritdoc />
    public override long GetTimestamp() => Volatile.Read(ref _nowNs);

    /// <summary>The ROS time as an instant (the Unix epoch plus the simulated time, as rclcpp stamps messages).</summary>
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(Volatile.Read(ref _nowNs) / 100);

    /// <summary>A timer on simulated time (period zero or infinite: one-shot; due infinite: disabled).</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Moves the clock to <paramref name="nanoseconds"/> and runs the callbacks of every timer that became due, on the
    /// calling thread, outside the lock. Returns false (nothing changes) when the time is earlier than now.
    /// </summary>
    public bool Advance(long nanoseconds)
    {
        SimTimer[]? due = null;
        int count = 0;
        lock (_gate)
        {
            if (nanoseconds < _nowNs)
            {
                return false;
            }

            Volatile.Write(ref _nowNs, nanoseconds);
            for (int i = _timers.Count - 1; i >= 0; i--)
            {
                SimTimer t = _timers[i];
                if (t.DueNs > nanoseconds)
                {
                    continue;
                }

                due ??= new SimTimer[_timers.Count];
                due[count++] = t;
                t.Reschedule(nanoseconds);
                if (t.DueNs == long.MaxValue)
                {
                    _timers.RemoveAt(i);
                }
            }
        }

        // Callbacks outside the lock: one may create or change timers.
        for (int i = count - 1; i >= 0; i--)
        {
            due![i].Fire();
        }

        return true;
    }

    private void Schedule(SimTimer timer, long dueNs)
    {
        lock (_gate)
        {
            timer.DueNs = dueNs;
            if (dueNs != long.MaxValue && !_timers.Contains(timer))
            {
                _timers.Add(timer);
            }
            else if (dueNs == long.MaxValue)
            {
                _timers.Remove(timer);
            }
        }
    }

    private long Now => _nowNs;

    private static long ToNanoseconds(TimeSpan span) =>
        span == Timeout.InfiniteTimeSpan ? long.MaxValue : checked(span.Ticks * 100);

    private sealed class SimTimer(RosClockTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private long _periodNs;
        private bool _disposed;

        public long DueNs { get; set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }

            if ((dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan) || (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan))
            {
                throw new ArgumentOutOfRangeException(nameof(dueTime), "due time and period must be >= 0 or infinite");
            }

            long due = ToNanoseconds(dueTime);
            _periodNs = period == Timeout.InfiniteTimeSpan ? 0 : ToNanoseconds(period);
            owner.Schedule(this, due == long.MaxValue ? long.MaxValue : checked(owner.Now + due));
            return true;
        }

        /// <summary>Next due time after firing at <paramref name="nowNs"/> (called under the owner's lock).</summary>
        public void Reschedule(long nowNs)
        {
            if (_periodNs <= 0)
            {
                DueNs = long.MaxValue;
                return;
            }

            // The first multiple of the period after now: a jump over several periods fires once, as a system timer would.
            long missed = (nowNs - DueNs) / _periodNs;
            DueNs += (missed + 1) * _periodNs;
        }

        public void Fire()
        {
            if (!_disposed)
            {
                callback(state);
            }
        }

        public void Dispose()
        {
            _disposed = true;
            owner.Schedule(this, long.MaxValue);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
