using SwarmCoverage.Core.Parallel;

namespace SwarmCoverage.Core.Tests;

public sealed class WorkerPoolTests
{
    /// <summary>Item 0 (taken by the caller) lingers so the helper takes item 1, which is slow: the caller must block.</summary>
    private sealed class CallerWaits : IParallelWork
    {
        public int HelperItems;

        public void Execute(int item, int worker)
        {
            if (worker == 0) Thread.Sleep(item == 0 ? 5 : 0);
            else
            {
                Interlocked.Increment(ref HelperItems);
                Thread.Sleep(30);
            }
        }
    }

    [Fact]
    public void A_loop_whose_caller_has_to_block_for_its_helper_allocates_nothing_on_the_caller()
    {
        using var pool = new WorkerPool(2, "test-worker");
        var work = new CallerWaits();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10; k++) pool.Run(work, 2);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(work.HelperItems >= 5, $"the helper took only {work.HelperItems} of 10 slow items: the caller rarely had to block");
        Assert.True(allocated == 0, $"10 loops allocated {allocated} bytes on the calling thread");
    }

    [Fact]
    public void Every_item_runs_once_and_a_helper_failure_is_rethrown_on_the_caller()
    {
        using var pool = new WorkerPool(3, "test-worker");
        var seen = new int[50];
        pool.Run(new Counting(seen), seen.Length);
        Assert.All(seen, c => Assert.Equal(1, c));
        var e = Assert.Throws<InvalidOperationException>(() => pool.Run(new Failing(), 20));
        Assert.Equal("item 7", e.Message);
    }

    [Fact]
    public async Task A_helper_that_has_not_started_when_the_items_run_out_is_called_off_not_waited_for()
    {
        using var pool = new WorkerPool(2, "test-worker");
        using var gate = new ManualResetEventSlim(false);
        int wakeUps = 0;
        // The helper's first wake-up stalls, as a thread woken on an idle virtual CPU can for a scheduler tick or more.
        pool.HelperWoke = _ =>
        {
            if (Interlocked.Increment(ref wakeUps) == 1) gate.Wait();
        };
        try
        {
            var seen = new int[8];
            var loop = Task.Run(() => pool.Run(new Counting(seen), seen.Length));
            Assert.True(await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(20))) == loop, "the loop waited for a helper that had not started");
            await loop;
            Assert.All(seen, c => Assert.Equal(1, c)); // the caller ran every item
        }
        finally
        {
            gate.Set(); // the late helper finds its loop called off and goes back to sleep
        }

        // The pool goes on working, and the helper takes part again: the caller's items wait until it has run one.
        var joined = new HelperJoins();
        var again = Task.Run(() => pool.Run(joined, 4));
        Assert.True(await Task.WhenAny(again, Task.Delay(TimeSpan.FromSeconds(20))) == again, "the second loop did not finish");
        await again;
        Assert.True(joined.HelperRan.IsSet, "the helper did not take part in the loop after the one it missed");
        Assert.True(wakeUps >= 2, $"{wakeUps} wake-ups of the helper");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Thousands_of_short_loops_run_every_item_exactly_once_while_helpers_race_to_start(bool wakeAheads)
    {
        // Short loops are where a helper is most often called off or wakes for a loop already over; wake-aheads between
        // them (some followed by a pause) add helpers that poll, or stop polling, when a loop begins.
        using var pool = new WorkerPool(3, "test-worker");
        var random = new Random(wakeAheads ? 20261208 : 20261128);
        var seen = new int[8];
        var work = new Counting(seen);
        for (int loop = 0; loop < 5000; loop++)
        {
            if (wakeAheads && random.Next(3) > 0) pool.WakeAhead();
            if (wakeAheads && random.Next(4) == 0) Thread.SpinWait(random.Next(1, 20000));
            int count = random.Next(2, seen.Length + 1);
            Array.Clear(seen);
            pool.Run(work, count);
            for (int i = 0; i < seen.Length; i++)
                Assert.True(seen[i] == (i < count ? 1 : 0), $"loop {loop}: item {i} of {count} ran {seen[i]} times");
        }
    }

    [Fact]
    public void A_helper_woken_ahead_takes_the_next_loop_without_another_wake_up_and_sleeps_again_when_none_comes()
    {
        using var pool = new WorkerPool(2, "test-worker") { WarmFor = TimeSpan.FromSeconds(30) };
        int wakeUps = 0;
        pool.HelperWoke = _ => Interlocked.Increment(ref wakeUps);
        pool.WakeAhead();
        SpinWait.SpinUntil(() => Volatile.Read(ref wakeUps) == 1, TimeSpan.FromSeconds(20));
        // The helper is polling: the loop reaches it without a release of its semaphore, and it runs an item.
        var joined = new HelperJoins();
        pool.Run(joined, 4);
        Assert.True(joined.HelperRan.IsSet, "the helper woken ahead did not take part in the loop");
        Assert.Equal(1, Volatile.Read(ref wakeUps));

        // A wake-ahead that no loop follows ends at its deadline; the helper sleeps and is woken again by the next loop.
        pool.WarmFor = TimeSpan.FromMilliseconds(1);
        pool.WakeAhead();
        SpinWait.SpinUntil(() => Volatile.Read(ref wakeUps) == 2, TimeSpan.FromSeconds(20));
        Thread.Sleep(50);
        var again = new HelperJoins();
        pool.Run(again, 4);
        Assert.True(again.HelperRan.IsSet, "the helper did not take part in a loop after its wake-ahead expired");
        Assert.Equal(3, Volatile.Read(ref wakeUps));
    }

    [Fact]
    public async Task Disposing_stops_a_helper_that_polls_after_a_wake_ahead()
    {
        var pool = new WorkerPool(2, "test-worker") { WarmFor = TimeSpan.FromMinutes(10) };
        pool.WakeAhead();
        var dispose = Task.Run(pool.Dispose);
        Assert.True(await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(20))) == dispose, "Dispose waited for a helper polling after its wake-ahead");
        await dispose;
    }

    private sealed class HelperJoins : IParallelWork
    {
        public ManualResetEventSlim HelperRan { get; } = new(false);

        public void Execute(int item, int worker)
        {
            if (worker == 0) HelperRan.Wait(TimeSpan.FromSeconds(5));
            else HelperRan.Set();
        }
    }

    private sealed class Counting(int[] seen) : IParallelWork
    {
        public void Execute(int item, int worker) => Interlocked.Increment(ref seen[item]);
    }

    private sealed class Failing : IParallelWork
    {
        public void Execute(int item, int worker)
        {
            if (item == 7) throw new InvalidOperationException("item 7");
        }
    }
}
