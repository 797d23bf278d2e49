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
