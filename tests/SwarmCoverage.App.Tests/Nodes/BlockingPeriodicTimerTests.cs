using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using SwarmCoverage.App.Nodes;

namespace SwarmCoverage.App.Tests.Nodes;

public sealed class BlockingPeriodicTimerTests
{
    [Fact]
    public void Waiting_for_ticks_allocates_nothing_on_the_waiting_thread_and_a_cancelled_wait_throws()
    {
        using var timer = new BlockingPeriodicTimer(TimeSpan.FromMilliseconds(2), TimeProvider.System);
        Assert.True(timer.WaitForNextTick(CancellationToken.None)); // JIT, first wait
        Thread.Sleep(5); // a tick is due: the wait completes without blocking
        Assert.True(timer.WaitForNextTick(CancellationToken.None));
        using var live = new CancellationTokenSource(); // a token that can be cancelled: its wait handle is the coarse wait
        Assert.True(timer.WaitForNextTick(live.Token));
        _ = live.Token.WaitHandle; // created once, on first use (the loop's first coarse wait)
        _ = CancellationToken.None.WaitHandle;
        long start = Stopwatch.GetTimestamp();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) Assert.True(timer.WaitForNextTick(i % 2 == 0 ? CancellationToken.None : live.Token));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var waited = Stopwatch.GetElapsedTime(start);
        Assert.True(allocated == 0, $"50 ticks allocated {allocated} bytes on the waiting thread");
        Assert.True(waited >= TimeSpan.FromMilliseconds(95), $"50 ticks of 2 ms took only {waited.TotalMilliseconds:F1} ms: the waits did not block");

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => timer.WaitForNextTick(cancelled.Token));
    }

    [Fact]
    public void On_the_system_clock_ticks_are_released_at_absolute_deadlines_never_early_and_a_late_loop_does_not_shift_them()
    {
        Assert.True(OperatingSystem.IsLinux(), "the controller runs on Linux; absolute deadlines use clock_nanosleep");
        var period = TimeSpan.FromMilliseconds(20);
        long p = (long)(period.TotalSeconds * Stopwatch.Frequency);
        long start = Stopwatch.GetTimestamp(); // the timer's grid starts at its construction, at or after this
        using var timer = new BlockingPeriodicTimer(period, TimeProvider.System);
        long built = Stopwatch.GetTimestamp();
        Assert.True(timer.AbsoluteDeadlines);

        for (int k = 1; k <= 5; k++)
        {
            Assert.True(timer.WaitForNextTick(CancellationToken.None));
            long now = Stopwatch.GetTimestamp();
            Assert.True(now >= start + k * p, $"tick {k} released {(start + k * p - now) / 1e6:F3} ms before its deadline");
            Assert.True(timer.LastLatenessS >= 0, $"tick {k}: lateness {timer.LastLatenessS} s");
            // The deadline the timer reports (release minus lateness) is instant k of the grid of its construction (this
            // thread may be preempted between the timer's clock reading and this one: a generous upper margin).
            double deadline = now - timer.LastLatenessS * Stopwatch.Frequency;
            Assert.InRange(deadline, start + k * p - 1e-4 * Stopwatch.Frequency, built + k * p + 0.01 * Stopwatch.Frequency);
        }

        // The loop overruns by 2.5 periods: the next tick is released at once (late), the one after it back on the grid.
        long overrunFrom = Stopwatch.GetTimestamp();
        while (Stopwatch.GetTimestamp() - overrunFrom < 5 * p / 2) Thread.Sleep(1);
        Assert.True(timer.WaitForNextTick(CancellationToken.None));
        Assert.True(timer.LastLatenessS >= 1.5 * period.TotalSeconds - 1e-3, $"the tick after an overrun reports lateness {timer.LastLatenessS * 1e3:F2} ms");
        Assert.True(timer.WaitForNextTick(CancellationToken.None));
        long after = Stopwatch.GetTimestamp();
        double instant = (after - timer.LastLatenessS * Stopwatch.Frequency - start) / p; // deadline, in periods from the start
        long grid = (long)Math.Round(instant);
        Assert.True(Math.Abs(instant - grid) < 0.25, $"after the overrun the deadline {instant:F3} periods from the start is off the grid: the timer restarted its period from a late tick");
        Assert.True(grid >= 8, $"after the overrun the timer released grid instant {grid}: a missed tick was caught up");
        Assert.True(after >= start + grid * p);
    }

    [Theory]
    [InlineData(1000, 1005, 100, 1100)] // on time: one period on
    [InlineData(1000, 1099, 100, 1100)]
    [InlineData(1000, 1100, 100, 1200)] // the next instant has just passed: the one after it
    [InlineData(1000, 1350, 100, 1400)] // overran by 2.5 periods: the first grid instant after now, the missed ones dropped
    [InlineData(1000, 1400, 100, 1500)]
    public void The_next_deadline_stays_on_the_grid_and_drops_missed_ticks(long released, long now, long period, long expected) =>
        Assert.Equal(expected, BlockingPeriodicTimer.NextDeadline(released, now, period));

    [Fact]
    public void A_long_wait_ends_promptly_when_cancelled()
    {
        using var timer = new BlockingPeriodicTimer(TimeSpan.FromSeconds(30), TimeProvider.System);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        long start = Stopwatch.GetTimestamp();
        Assert.ThrowsAny<OperationCanceledException>(() => timer.WaitForNextTick(cts.Token));
        Assert.True(Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(10), "the cancelled wait ran towards its 30 s deadline");
    }

    [Fact]
    public async Task On_another_clock_it_ticks_with_that_clock_and_reports_no_lateness()
    {
        var fake = new FakeTimeProvider();
        using var timer = new BlockingPeriodicTimer(TimeSpan.FromSeconds(1), fake);
        Assert.False(timer.AbsoluteDeadlines);
        var waiting = Task.Factory.StartNew(() => timer.WaitForNextTick(CancellationToken.None), TaskCreationOptions.LongRunning);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted); // no tick until the fake clock moves
        fake.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(double.IsNaN(timer.LastLatenessS));
    }
}
