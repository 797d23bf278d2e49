using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2;

/// <summary>
/// Waits for data on any of several subscriptions (a DDS waitset with each subscription's read condition),
/// cancellable. One wait at a time.
/// </summary>
public sealed class RosWaitSet : IDisposable
{
    private const nint SelfTrigger = -1;

    private readonly DdsWaitSetHandle waitSet;
    private readonly Lock gate = new();
    private readonly List<RosSubscription> attached = [];
    private nint[] triggered = new nint[4];

    /// <summary>Creates an empty waitset on <paramref name="participant"/>.</summary>
    public RosWaitSet(RosParticipant participant)
    {
        ArgumentNullException.ThrowIfNull(participant);
        waitSet = new DdsWaitSetHandle(DdsError.CheckEntity(Libddsc.dds_create_waitset(participant.Handle.Entity), "dds_create_waitset", "RosWaitSet"));
        DdsError.Check(Libddsc.dds_waitset_attach(waitSet.Entity, waitSet.Entity, SelfTrigger), "dds_waitset_attach", "RosWaitSet");
    }

    /// <summary>Adds <paramref name="subscription"/>: a wait returns when it has unread data.</summary>
    public void Attach(RosSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (gate)
        {
            if (attached.Contains(subscription))
            {
                throw new ArgumentException($"{subscription} is already attached", nameof(subscription));
            }

            DdsError.Check(Libddsc.dds_waitset_attach(waitSet.Entity, subscription.DataCondition.Entity, attached.Count), "dds_waitset_attach", subscription.ToString());
            attached.Add(subscription);
            if (triggered.Length < attached.Count + 1)
            {
                triggered = new nint[(attached.Count + 1) * 2];
            }
        }
    }

    /// <summary>
    /// Blocks until at least one attached subscription has data, and returns those subscriptions in
    /// <paramref name="ready"/> (cleared first); returns false on timeout. Throws <see cref="OperationCanceledException"/>
    /// on cancellation.
    /// </summary>
    public unsafe bool Wait(TimeSpan timeout, List<RosSubscription> ready, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ready);
        cancellationToken.ThrowIfCancellationRequested();
        ready.Clear();
        lock (gate)
        {
            _ = Libddsc.dds_waitset_set_trigger(waitSet.Entity, 0);
            using CancellationTokenRegistration registration = cancellationToken.Register(static s => ((RosWaitSet)s!).Trigger(), this);
            using DdsEntityHandle.EntityLease lease = waitSet.Lease();
            int n;
            fixed (nint* xs = triggered)
            {
                n = DdsError.Check(Libddsc.dds_waitset_wait(lease.Entity, xs, (nuint)triggered.Length, EntityWaiter.ToDdsDuration(timeout)), "dds_waitset_wait", "RosWaitSet");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                _ = Libddsc.dds_waitset_set_trigger(lease.Entity, 0);
                cancellationToken.ThrowIfCancellationRequested();
            }

            for (int i = 0; i < Math.Min(n, triggered.Length); i++)
            {
                if (triggered[i] >= 0 && triggered[i] < attached.Count)
                {
                    ready.Add(attached[(int)triggered[i]]);
                }
            }

            return ready.Count > 0;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (gate)
        {
            waitSet.Dispose();
            attached.Clear();
        }
    }

    private void Trigger()
    {
        if (!waitSet.IsClosed)
        {
            _ = Libddsc.dds_waitset_set_trigger(waitSet.Entity, 1);
        }
    }
}
