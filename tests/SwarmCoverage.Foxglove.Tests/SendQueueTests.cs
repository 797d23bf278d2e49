using System.Net.WebSockets;

namespace SwarmCoverage.Foxglove.Tests;

/// <summary>The per-client queue alone: drop-oldest for data, never-drop for control, order across lanes.</summary>
public sealed class SendQueueTests
{
    [Fact]
    public void Data_past_the_message_bound_drops_the_oldest_first()
    {
        SendQueue q = new(maxBytes: 1 << 20, maxMessages: 3);
        for (byte i = 0; i < 5; i++)
        {
            q.EnqueueData(Frame(i, 10));
        }

        Assert.Equal(2, q.Dropped);
        Assert.Equal([2, 3, 4], Drain(q));
    }

    [Fact]
    public void Data_past_the_byte_bound_drops_the_oldest_and_a_frame_larger_than_the_bound_is_dropped_itself()
    {
        SendQueue q = new(maxBytes: 100, maxMessages: 100);
        Assert.Equal(EnqueueOutcome.Queued, q.EnqueueData(Frame(1, 40)));
        Assert.Equal(EnqueueOutcome.Queued, q.EnqueueData(Frame(2, 40)));
        Assert.Equal(EnqueueOutcome.QueuedWithDrops, q.EnqueueData(Frame(3, 40)));
        Assert.Equal(80, q.Bytes);
        Assert.Equal(EnqueueOutcome.QueuedWithDrops, q.EnqueueData(Frame(4, 101)));
        Assert.Equal(2, q.Dropped);
        Assert.Equal([2, 3], Drain(q));
    }

    [Fact]
    public void Control_messages_are_never_dropped_and_sent_in_order_with_data()
    {
        SendQueue q = new(maxBytes: 1000, maxMessages: 2);
        q.EnqueueData(Frame(1, 10));
        Assert.True(q.EnqueueControl(Frame(2, 10)));
        q.EnqueueData(Frame(3, 10));
        Assert.True(q.EnqueueControl(Frame(4, 10)));
        q.EnqueueData(Frame(5, 10));

        // The data lane dropped its oldest (1); the control lane refuses a third message instead.
        Assert.False(q.EnqueueControl(Frame(6, 10)));
        Assert.Equal(1, q.Dropped);
        Assert.Equal([2, 3, 4, 5], Drain(q));
    }

    [Fact]
    public void An_unsubscribed_subscriber_gets_nothing_more_and_a_closed_queue_takes_nothing()
    {
        SendQueue q = new(maxBytes: 1000, maxMessages: 10);
        Subscriber s = new(null!, 1, 1);
        Assert.Equal(EnqueueOutcome.Queued, q.EnqueueData(Frame(1, 10), s));
        q.Deactivate(s);
        Assert.Equal(EnqueueOutcome.Closed, q.EnqueueData(Frame(2, 10), s));
        q.Close();
        Assert.Equal(0, q.Count);
        Assert.Equal(EnqueueOutcome.Closed, q.EnqueueData(Frame(3, 10)));
        Assert.False(q.EnqueueControl(Frame(4, 10)));
    }

    [Fact]
    public void Drops_are_reported_at_once_then_at_most_once_per_interval()
    {
        SendQueue q = new(maxBytes: 1000, maxMessages: 1);
        q.EnqueueData(Frame(1, 1));
        q.EnqueueData(Frame(2, 1));
        Assert.Equal(1, q.TakeDueDrops(now: 100, interval: 50));
        q.EnqueueData(Frame(3, 1));
        q.EnqueueData(Frame(4, 1));
        Assert.Equal(0, q.TakeDueDrops(now: 149, interval: 50));
        Assert.Equal(2, q.TakeDueDrops(now: 150, interval: 50));
        Assert.Equal(0, q.TakeDueDrops(now: 1000, interval: 50));
        Assert.Equal(3, q.Dropped);
    }

    [Fact]
    public async Task WaitAsync_wakes_on_a_message_queued_by_another_thread()
    {
        SendQueue q = new(maxBytes: 1000, maxMessages: 10);
        Task wait = q.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);
        await Task.Run(() => q.EnqueueData(Frame(1, 1)));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1], Drain(q));
    }

    private static OutFrame Frame(byte tag, int length)
    {
        byte[] b = new byte[length];
        b[0] = tag;
        return new OutFrame(b, length, WebSocketMessageType.Binary, pooled: false);
    }

    private static List<int> Drain(SendQueue q)
    {
        List<int> tags = [];
        while (q.TryDequeue(out OutFrame f))
        {
            tags.Add(f.Buffer[0]);
        }

        return tags;
    }
}
