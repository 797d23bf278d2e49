using SwarmCoverage.Nodes;

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
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) Assert.True(timer.WaitForNextTick(CancellationToken.None));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var waited = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        Assert.True(allocated == 0, $"50 ticks allocated {allocated} bytes on the waiting thread");
        Assert.True(waited >= TimeSpan.FromMilliseconds(95), $"50 ticks of 2 ms took only {waited.TotalMilliseconds:F1} ms: the waits did not block");

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => timer.WaitForNextTick(cancelled.Token));
    }
}
