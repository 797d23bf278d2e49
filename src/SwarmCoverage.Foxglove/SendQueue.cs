using System.Buffers;
using System.Net.WebSockets;

namespace SwarmCoverage.Foxglove;

/// <summary>One WebSocket message waiting to be sent.</summary>
internal readonly struct OutFrame(byte[] buffer, int length, WebSocketMessageType type, bool pooled)
{
    public byte[] Buffer { get; } = buffer;

    public int Length { get; } = length;

    public WebSocketMessageType Type { get; } = type;

    /// <summary>True when <see cref="Buffer"/> was rented from <see cref="ArrayPool{T}.Shared"/> for this frame alone.</summary>
    public bool Pooled { get; } = pooled;

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    public void Release()
    {
        if (Pooled)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}

/// <summary>What <see cref="SendQueue.EnqueueData"/> did.</summary>
internal enum EnqueueOutcome
{
    /// <summary>Queued without loss.</summary>
    Queued,

    /// <summary>Queued after dropping older data messages, or dropped itself: the drop counter rose.</summary>
    QueuedWithDrops,

    /// <summary>The queue is closed: the frame was released.</summary>
    Closed,
}

/// <summary>
/// A client's bounded send queue, in two lanes sent in the order they were queued (docs/foxglove.md "Slow
/// clients"): data messages (Message Data, Time), of which the oldest are dropped once the lane holds more than
/// its bound of bytes or messages, and control messages, never dropped: a control lane past the same bounds
/// fails, and the caller disconnects the client. Producers never wait. One consumer, the client's send loop.
/// </summary>
internal sealed class SendQueue
{
    private readonly Lock _gate = new();
    private readonly Queue<(long Seq, OutFrame Frame)> _data = new();
    private readonly Queue<(long Seq, OutFrame Frame)> _control = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly long _maxBytes;
    private readonly int _maxMessages;
    private long _seq;
    private long _dataBytes;
    private long _controlBytes;
    private long _dropped;
    private long _unreportedDrops;
    private long _sent;
    private long _lastReport;
    private bool _hasReported;
    private int _signaled;
    private bool _closed;

    public SendQueue(long maxBytes, int maxMessages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        _maxBytes = maxBytes;
        _maxMessages = maxMessages;
    }

    /// <summary>Data messages dropped so far (never sent).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Messages handed to the WebSocket so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Messages now waiting, both lanes.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _data.Count + _control.Count;
            }
        }
    }

    /// <summary>Bytes now waiting, both lanes.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _dataBytes + _controlBytes;
            }
        }
    }

    /// <summary>
    /// Queues a data message, first dropping the oldest data messages as needed to keep within the bounds; a frame
    /// larger than the byte bound is dropped itself. The queue owns <paramref name="frame"/> from here on.
    /// </summary>
    public EnqueueOutcome EnqueueData(OutFrame frame, Subscriber? subscriber = null)
    {
        bool drops = false;
        lock (_gate)
        {
            if (_closed || (subscriber is not null && !subscriber.Active))
            {
                frame.Release();
                return EnqueueOutcome.Closed;
            }

            if (frame.Length > _maxBytes)
            {
                CountDrop();
                frame.Release();
                return EnqueueOutcome.QueuedWithDrops;
            }

            while (_data.Count > 0 && (_data.Count + 1 > _maxMessages || _dataBytes + frame.Length > _maxBytes))
            {
                OutFrame old = _data.Dequeue().Frame;
                _dataBytes -= old.Length;
                old.Release();
                CountDrop();
                drops = true;
            }

            _data.Enqueue((_seq++, frame));
            _dataBytes += frame.Length;
        }

        Signal();
        return drops ? EnqueueOutcome.QueuedWithDrops : EnqueueOutcome.Queued;
    }

    /// <summary>
    /// Queues a control message; false when the control lane is past its bounds (nothing queued: the caller must
    /// disconnect the client) or the queue is closed.
    /// </summary>
    public bool EnqueueControl(OutFrame frame)
    {
        lock (_gate)
        {
            if (_closed || _control.Count + 1 > _maxMessages || _controlBytes + frame.Length > _maxBytes)
            {
                frame.Release();
                return false;
            }

            _control.Enqueue((_seq++, frame));
            _controlBytes += frame.Length;
        }

        Signal();
        return true;
    }

    /// <summary>The oldest waiting message of either lane; the caller releases it after sending.</summary>
    public bool TryDequeue(out OutFrame frame)
    {
        lock (_gate)
        {
            bool data = _data.TryPeek(out var d);
            bool control = _control.TryPeek(out var c);
            if (data && (!control || d.Seq < c.Seq))
            {
                _data.Dequeue();
                _dataBytes -= d.Frame.Length;
                frame = d.Frame;
            }
            else if (control)
            {
                _control.Dequeue();
                _controlBytes -= c.Frame.Length;
                frame = c.Frame;
            }
            else
            {
                frame = default;
                return false;
            }

            _sent++;
            return true;
        }
    }

    /// <summary>Counts a data message dropped without being queued (larger than the whole bound).</summary>
    public void CountDroppedUnqueued()
    {
        lock (_gate)
        {
            CountDrop();
        }
    }

    /// <summary>Stops queueing data for <paramref name="subscriber"/>: what is queued after this call is refused.</summary>
    public void Deactivate(Subscriber subscriber)
    {
        lock (_gate)
        {
            subscriber.Active = false;
        }
    }

    /// <summary>
    /// The drops not yet reported, taken (reset) when the last report is at least <paramref name="interval"/>
    /// timestamp units before <paramref name="now"/> (the first report is due at once); else 0.
    /// </summary>
    public long TakeDueDrops(long now, long interval)
    {
        lock (_gate)
        {
            if (_unreportedDrops == 0 || (_hasReported && now - _lastReport < interval))
            {
                return 0;
            }

            long n = _unreportedDrops;
            _unreportedDrops = 0;
            _lastReport = now;
            _hasReported = true;
            return n;
        }
    }

    /// <summary>Waits until something may have been queued (or the queue closed).</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _signaled, 0);
        lock (_gate)
        {
            if (_closed || _data.Count > 0 || _control.Count > 0)
            {
                return;
            }
        }

        await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses further messages and releases the waiting ones.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            while (_data.TryDequeue(out var d))
            {
                d.Frame.Release();
            }

            while (_control.TryDequeue(out var c))
            {
                c.Frame.Release();
            }

            _dataBytes = 0;
            _controlBytes = 0;
        }

        _signal.Release();
    }

    private void CountDrop()
    {
        _dropped++;
        _unreportedDrops++;
    }

    private void Signal()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _signal.Release();
        }
    }
}
