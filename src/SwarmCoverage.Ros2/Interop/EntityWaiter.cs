namespace SwarmCoverage.Ros2.Interop;

/// <summary>
/// A waitset with one condition attached (a read condition, or an entity whose status mask selects the
/// status to wait for) plus the waitset itself, so that cancellation can wake a blocked wait through
/// <c>dds_waitset_set_trigger</c>. One wait at a time.
/// </summary>
internal sealed class EntityWaiter : IDisposable
{
    private const nint SelfTrigger = -1;

    private readonly DdsWaitSetHandle waitSet;
    private readonly Lock gate = new();

    public EntityWaiter(int participant, int condition, string context)
    {
        waitSet = new DdsWaitSetHandle(DdsError.CheckEntity(Libddsc.dds_create_waitset(participant), "dds_create_waitset", context));
        DdsError.Check(Libddsc.dds_waitset_attach(waitSet.Entity, condition, 1), "dds_waitset_attach", context);
        DdsError.Check(Libddsc.dds_waitset_attach(waitSet.Entity, waitSet.Entity, SelfTrigger), "dds_waitset_attach", context);
        Context = context;
    }

    public string Context { get; }

    /// <summary>
    /// Blocks until the condition triggers (true), the timeout passes (false), or <paramref name="cancellationToken"/>
    /// is cancelled (<see cref="OperationCanceledException"/>).
    /// </summary>
    public unsafe bool Wait(TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (gate)
        {
            // A cancellation callback that fired after an earlier wait returned may have left the trigger set.
            _ = Libddsc.dds_waitset_set_trigger(waitSet.Entity, 0);
            using CancellationTokenRegistration registration = cancellationToken.Register(static state => ((EntityWaiter)state!).Trigger(), this);
            using DdsEntityHandle.EntityLease lease = waitSet.Lease();
            long relativeNs = ToDdsDuration(timeout);
            nint* triggered = stackalloc nint[2];
            int rc = Libddsc.dds_waitset_wait(lease.Entity, triggered, 2, relativeNs);
            DdsError.Check(rc, "dds_waitset_wait", Context);
            bool conditionTriggered = false;
            for (int i = 0; i < Math.Min(rc, 2); i++)
            {
                conditionTriggered |= triggered[i] == 1;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                Libddsc.dds_waitset_set_trigger(lease.Entity, 0);
                cancellationToken.ThrowIfCancellationRequested();
            }

            return conditionTriggered;
        }
    }

    /// <summary>Converts a .NET timeout (Infinite allowed) to a DDS relative duration in nanoseconds.</summary>
    public static long ToDdsDuration(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return Libddsc.DDS_INFINITY;
        }

        if (timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be non-negative or Timeout.InfiniteTimeSpan");
        }

        return timeout.Ticks >= long.MaxValue / 100 ? Libddsc.DDS_INFINITY : timeout.Ticks * 100L;
    }

    public void Dispose() => waitSet.Dispose();

    private void Trigger()
    {
        if (!waitSet.IsClosed)
        {
            _ = Libddsc.dds_waitset_set_trigger(waitSet.Entity, 1);
        }
    }
}
