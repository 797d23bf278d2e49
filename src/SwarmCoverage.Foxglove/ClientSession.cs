using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SwarmCoverage.Foxglove;

/// <summary>A client's subscription to a channel: what <see cref="FoxgloveServer.Publish"/> walks.</summary>
internal sealed class Subscriber(ClientSession client, uint subscriptionId, uint channelId)
{
    public ClientSession Client { get; } = client;

    public uint SubscriptionId { get; } = subscriptionId;

    public uint ChannelId { get; } = channelId;

    /// <summary>Cleared (under the client's queue lock) on unsubscribe: no data is queued for it after that.</summary>
    public bool Active { get; set; } = true;
}

/// <summary>
/// One connected client: its bounded send queue and send loop, its receive loop that validates and answers every
/// inbound message, and its subscriptions (docs/foxglove.md "Connections").
/// </summary>
internal sealed partial class ClientSession
{
    private const string DropStatusId = "foxglove.dropped-messages";

    private readonly FoxgloveServer _server;
    private readonly WebSocket _ws;
    private readonly SendQueue _queue;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _closeGate = new();
    private readonly Lock _parameterGate = new();
    private readonly HashSet<string> _parameterSubscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, ClientChannel> _clientChannels = [];
    private readonly long _dropReportInterval;
    private bool _closing;
    private WebSocketCloseStatus _closeStatus;
    private string _closeReason = "";

    public ClientSession(FoxgloveServer server, WebSocket ws, int id, string remote, string subprotocol, ILogger log)
    {
        _server = server;
        _ws = ws;
        Id = id;
        RemoteEndPoint = remote;
        Subprotocol = subprotocol;
        _log = log;
        FoxgloveServerOptions o = server.Options;
        _queue = new SendQueue(o.SendQueueMaxBytes, o.SendQueueMaxMessages);
        _dropReportInterval = (long)(o.DropWarningInterval.TotalSeconds * server.Time.TimestampFrequency);
    }

    public int Id { get; }

    public string RemoteEndPoint { get; }

    public string Subprotocol { get; }

    /// <summary>Subscriptions by subscription id; guarded by the server's gate.</summary>
    public Dictionary<uint, Subscriber> SubscriptionsById { get; } = [];

    /// <summary>Subscriptions by channel id; guarded by the server's gate.</summary>
    public Dictionary<uint, Subscriber> SubscriptionsByChannel { get; } = [];

    public SendQueue Queue => _queue;

    public string? DisconnectReason { get; private set; }

    /// <summary>Runs the connection to its end: the receive loop here, the send loop beside it.</summary>
    public async Task RunAsync()
    {
        Task send = Task.Run(SendLoopAsync);
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            BeginClose(WebSocketCloseStatus.NormalClosure, "");
            await send.ConfigureAwait(false);
            _server.RemoveClient(this);
            ReleaseClientChannels();
            _ws.Dispose();
            _abort.Dispose();
        }
    }

    /// <summary>Queues a control message; a full control lane disconnects the client (docs/foxglove.md "Slow clients").</summary>
    public void SendControl(OutFrame frame)
    {
        if (!_queue.EnqueueControl(frame) && !IsClosing)
        {
            Disconnect(WebSocketCloseStatus.PolicyViolation, "send queue overflow: the client does not read its control messages");
        }
    }

    /// <summary>Queues a data message; drops are counted and reported at most once per interval.</summary>
    public void SendData(OutFrame frame, Subscriber? subscriber)
    {
        if (_queue.EnqueueData(frame, subscriber) == EnqueueOutcome.QueuedWithDrops)
        {
            ReportDropsIfDue();
        }
    }

    /// <summary>Publish's path: copies the payload into a frame of this client's own, unless it is larger than the whole queue.</summary>
    public void SendMessageData(Subscriber subscriber, ulong logTimeNs, ReadOnlySpan<byte> payload)
    {
        if (ServerMessages.MessageDataHeaderLength + (long)payload.Length > _server.Options.SendQueueMaxBytes)
        {
            _queue.CountDroppedUnqueued();
            ReportDropsIfDue();
            return;
        }

        SendData(ServerMessages.MessageData(subscriber.SubscriptionId, logTimeNs, payload), subscriber);
    }

    public void SendStatus(StatusLevel level, string message, string? id = null) => SendControl(ServerMessages.Status(level, message, id));

    public void SendError(string message)
    {
        LogClientError(_log, Id, RemoteEndPoint, message);
        SendStatus(StatusLevel.Error, message);
    }

    /// <summary>The subset of <paramref name="changed"/> this client subscribed to.</summary>
    public List<FoxgloveParameter> SubscribedAmong(IReadOnlyList<FoxgloveParameter> changed)
    {
        lock (_parameterGate)
        {
            return [.. changed.Where(p => _parameterSubscriptions.Contains(p.Name))];
        }
    }

    public int ParameterSubscriptionCount
    {
        get
        {
            lock (_parameterGate)
            {
                return _parameterSubscriptions.Count;
            }
        }
    }

    public bool IsClosing
    {
        get
        {
            lock (_closeGate)
            {
                return _closing;
            }
        }
    }

    /// <summary>Closes with a reason, logged.</summary>
    public void Disconnect(WebSocketCloseStatus status, string reason)
    {
        LogDisconnect(_log, Id, RemoteEndPoint, reason);
        DisconnectReason = reason;
        BeginClose(status, reason);
    }

    /// <summary>
    /// Starts the close: queued messages are discarded, the send loop sends the close frame, and if the close
    /// handshake has not ended within the close timeout the connection is aborted.
    /// </summary>
    public void BeginClose(WebSocketCloseStatus status, string reason)
    {
        lock (_closeGate)
        {
            if (_closing)
            {
                return;
            }

            _closing = true;
            _closeStatus = status;
            _closeReason = Truncate(reason, 123);
        }

        _queue.Close();
        try
        {
            _abort.CancelAfter(_server.Options.CloseTimeout);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void ReportDropsIfDue()
    {
        long n = _queue.TakeDueDrops(_server.Time.GetTimestamp(), _dropReportInterval);
        if (n > 0)
        {
            SendStatus(
                StatusLevel.Warning,
                $"{n} messages dropped since the last report ({_queue.Dropped} in all): this connection does not keep up with the data",
                DropStatusId);
        }
    }

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                if (_queue.TryDequeue(out OutFrame frame))
                {
                    try
                    {
                        await _ws.SendAsync(frame.Memory, frame.Type, endOfMessage: true, _abort.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        frame.Release();
                    }

                    continue;
                }

                WebSocketCloseStatus status;
                string reason;
                lock (_closeGate)
                {
                    (status, reason) = (_closeStatus, _closeReason);
                    if (!_closing)
                    {
                        goto wait;
                    }
                }

                if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _ws.CloseOutputAsync(status, reason, _abort.Token).ConfigureAwait(false);
                }

                return;

            wait:
                ReportDropsIfDue();
                await _queue.WaitAsync(_abort.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The peer went away or the close timed out: the receive loop ends too.
            LogSendEnded(_log, Id, RemoteEndPoint, e.Message);
            Abort();
        }
    }

    private void Abort()
    {
        BeginClose(WebSocketCloseStatus.EndpointUnavailable, "");
        _ws.Abort();
    }

    private async Task ReceiveLoopAsync()
    {
        int max = _server.Options.MaxInboundMessageBytes;

        // A message may fill max bytes; one byte more shows it is too long, before any more is buffered.
        int cap = max + 1;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(4096, cap));
        int filled = 0;
        bool discarding = false;
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult r = await _ws.ReceiveAsync(buffer.AsMemory(filled), _abort.Token).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    BeginClose(WebSocketCloseStatus.NormalClosure, "");
                    return;
                }

                filled += r.Count;
                if (filled > max)
                {
                    // Too long: what came is thrown away and so is the rest as it arrives.
                    discarding = true;
                    filled = 0;
                }
                else if (filled == buffer.Length && !r.EndOfMessage)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, cap));
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                if (!r.EndOfMessage)
                {
                    continue;
                }

                if (discarding)
                {
                    discarding = false;
                    SendError($"message discarded: longer than the limit of {max} bytes");
                }
                else
                {
                    Handle(r.MessageType, buffer.AsMemory(0, filled));
                }

                filled = 0;
                if (IsClosing)
                {
                    // Keep reading until the peer's close frame answers ours (or the close timeout aborts).
                    continue;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            LogReceiveEnded(_log, Id, RemoteEndPoint, e.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Handles one whole inbound message; internal so that the fuzzing harness drives it without a socket (docs/fuzzing.md).</summary>
    internal void Handle(WebSocketMessageType type, ReadOnlyMemory<byte> message)
    {
        if (IsClosing)
        {
            return;
        }

        try
        {
            if (type == WebSocketMessageType.Text)
            {
                HandleText(message);
            }
            else
            {
                HandleBinary(message.Span);
            }
        }
#pragma warning disable CA1031 // Nothing a client sends may end the connection or the server: answered with a status error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_log, e, Id, RemoteEndPoint);
            SendError($"internal error while handling the message: {e.GetType().Name}");
        }
    }

    private void HandleText(ReadOnlyMemory<byte> message)
    {
        // RFC 6455 text frames are UTF-8; System.Text.Json checks a string's bytes only when it is read (found by fuzzing).
        if (!System.Text.Unicode.Utf8.IsValid(message.Span))
        {
            SendError("invalid JSON: the text frame is not valid UTF-8");
            return;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(message, ClientRequests.DocumentOptions);
        }
        catch (JsonException e)
        {
            SendError($"invalid JSON: {e.Message}");
            return;
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                SendError("a JSON message must be an object with an 'op' field");
                return;
            }

            if (!root.TryGetProperty("op", out JsonElement opElement) || opElement.ValueKind != JsonValueKind.String)
            {
                SendError("a JSON message must have a string field 'op'");
                return;
            }

            string op = opElement.GetString()!;
            try
            {
                Dispatch(op, root);
            }
            catch (ProtocolException e)
            {
                SendError($"{e.Message} (op: {Truncate(op, 64)})");
            }
        }
    }

    private void Dispatch(string op, JsonElement root)
    {
        switch (op)
        {
            case "subscribe":
                OnSubscribe(root);
                break;
            case "unsubscribe":
                OnUnsubscribe(root);
                break;
            case "advertise":
                RequireCapability(FoxgloveServer.ClientPublishCapability);
                OnClientAdvertise(root);
                break;
            case "unadvertise":
                RequireCapability(FoxgloveServer.ClientPublishCapability);
                OnClientUnadvertise(root);
                break;
            case "getParameters":
                RequireCapability(FoxgloveServer.ParametersCapability);
                OnGetParameters(root);
                break;
            case "setParameters":
                RequireCapability(FoxgloveServer.ParametersCapability);
                OnSetParameters(root);
                break;
            case "subscribeParameterUpdates":
                RequireCapability(FoxgloveServer.ParametersSubscribeCapability);
                OnSubscribeParameterUpdates(root);
                break;
            case "unsubscribeParameterUpdates":
                RequireCapability(FoxgloveServer.ParametersSubscribeCapability);
                OnUnsubscribeParameterUpdates(root);
                break;
            case "subscribeConnectionGraph":
            case "unsubscribeConnectionGraph":
                throw new ProtocolException("not supported: the server has no connectionGraph capability");
            case "fetchAsset":
                throw new ProtocolException("not supported: the server has no assets capability");
            default:
                throw new ProtocolException("unrecognized operation");
        }
    }

    private void RequireCapability(string capability)
    {
        if (!_server.HasCapability(capability))
        {
            throw new ProtocolException($"not supported: the server has no {capability} capability");
        }
    }

    private void OnSubscribe(JsonElement root)
    {
        JsonElement array = ClientRequests.RequireArray(root, "subscriptions");
        List<(uint Id, uint ChannelId)> requested = new(array.GetArrayLength());
        foreach (JsonElement s in array.EnumerateArray())
        {
            ClientRequests.RequireObject(s, "a subscription");
            requested.Add((ClientRequests.RequireUInt32(s, "id"), ClientRequests.RequireUInt32(s, "channelId")));
        }

        foreach (string error in _server.Subscribe(this, requested))
        {
            SendError(error + " (op: subscribe)");
        }
    }

    private void OnUnsubscribe(JsonElement root)
    {
        List<uint> ids = ClientRequests.UInt32Array(root, "subscriptionIds");
        foreach (string error in _server.Unsubscribe(this, ids))
        {
            SendError(error + " (op: unsubscribe)");
        }
    }

    private void OnClientAdvertise(JsonElement root)
    {
        JsonElement array = ClientRequests.RequireArray(root, "channels");
        List<ClientChannel> channels = new(array.GetArrayLength());
        foreach (JsonElement c in array.EnumerateArray())
        {
            ClientRequests.RequireObject(c, "a channel");
            channels.Add(new ClientChannel(
                ClientRequests.RequireUInt32(c, "id"),
                ClientRequests.RequireString(c, "topic"),
                ClientRequests.RequireString(c, "encoding"),
                ClientRequests.RequireString(c, "schemaName"),
                ClientRequests.OptionalString(c, "schema"),
                ClientRequests.OptionalString(c, "schemaEncoding")));
        }

        IClientPublishHandler handler = _server.ClientPublishHandler!;
        foreach (ClientChannel channel in channels)
        {
            if (_clientChannels.ContainsKey(channel.Id))
            {
                SendError($"client channel {channel.Id} is already advertised (op: advertise)");
                continue;
            }

            if (channel.Topic.Length == 0)
            {
                SendError($"client channel {channel.Id} has an empty topic (op: advertise)");
                continue;
            }

            if (!_server.Options.SupportedEncodings.Contains(channel.Encoding, StringComparer.Ordinal))
            {
                SendError($"client channel {channel.Id} on topic '{channel.Topic}': encoding '{channel.Encoding}' is not supported (supported: {string.Join(", ", _server.Options.SupportedEncodings)}) (op: advertise)");
                continue;
            }

            if (_clientChannels.Count >= _server.Options.MaxClientChannelsPerClient)
            {
                SendError($"client channel {channel.Id} on topic '{channel.Topic}': at most {_server.Options.MaxClientChannelsPerClient} client channels per connection (op: advertise)");
                continue;
            }

            ClientPublishResult result = handler.OnClientAdvertise(channel);
            if (!result.IsAccepted)
            {
                SendError($"advertisement of topic '{channel.Topic}' rejected: {result.RejectionReason}");
                continue;
            }

            _clientChannels.Add(channel.Id, channel);
        }
    }

    private void OnClientUnadvertise(JsonElement root)
    {
        foreach (uint id in ClientRequests.UInt32Array(root, "channelIds"))
        {
            if (_clientChannels.Remove(id, out ClientChannel? channel))
            {
                _server.ClientPublishHandler!.OnClientUnadvertise(channel);
            }
            else
            {
                SendError($"client channel {id} is not advertised (op: unadvertise)");
            }
        }
    }

    private void ReleaseClientChannels()
    {
        if (_server.ClientPublishHandler is not { } handler)
        {
            return;
        }

        foreach (ClientChannel channel in _clientChannels.Values)
        {
            try
            {
                handler.OnClientUnadvertise(channel);
            }
#pragma warning disable CA1031 // The application's handler must not take the server down with it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogHandlerFailed(_log, e, Id, RemoteEndPoint);
            }
        }

        _clientChannels.Clear();
    }

    private void HandleBinary(ReadOnlySpan<byte> message)
    {
        if (message.IsEmpty)
        {
            SendError("empty binary message");
            return;
        }

        byte opcode = message[0];
        switch (opcode)
        {
            case 0x01:
                if (!_server.HasCapability(FoxgloveServer.ClientPublishCapability))
                {
                    SendError("binary opcode 1 (client message data) not supported: the server has no clientPublish capability");
                    return;
                }

                if (message.Length < 5)
                {
                    SendError($"client message data of {message.Length} bytes is too short: it needs 1 opcode byte and a 4-byte channel id");
                    return;
                }

                OnClientMessage(BinaryPrimitives.ReadUInt32LittleEndian(message[1..]), message[5..]);
                return;
            case 0x02:
                SendError("binary opcode 2 (service call request) not supported: the server has no services capability");
                return;
            default:
                SendError($"unrecognized binary opcode {opcode}");
                return;
        }
    }

    private void OnClientMessage(uint channelId, ReadOnlySpan<byte> payload)
    {
        if (!_clientChannels.TryGetValue(channelId, out ClientChannel? channel))
        {
            SendError($"client channel {channelId} is not advertised (client message data)");
            return;
        }

        ClientPublishResult result;
        try
        {
            result = _server.ClientPublishHandler!.OnClientMessage(channel.Topic, channel.SchemaName, channel.Encoding, payload);
        }
#pragma warning disable CA1031 // The application's handler must not take the connection down with it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogHandlerFailed(_log, e, Id, RemoteEndPoint);
            SendError($"message on topic '{channel.Topic}' rejected: the handler failed ({e.GetType().Name})");
            return;
        }

        if (!result.IsAccepted)
        {
            SendError($"message on topic '{channel.Topic}' rejected: {result.RejectionReason}");
        }
    }

    private void OnGetParameters(JsonElement root)
    {
        List<string> names = ClientRequests.StringArray(root, "parameterNames");
        string? id = ClientRequests.OptionalString(root, "id");
        IParameterProvider provider = _server.ParameterProvider!;
        IReadOnlyList<FoxgloveParameter> values = names.Count == 0 ? provider.GetAll() : provider.Get(names);
        SendControl(ServerMessages.ParameterValues(values, id));
    }

    private void OnSetParameters(JsonElement root)
    {
        string? id = ClientRequests.OptionalString(root, "id");
        List<FoxgloveParameter> changes = ClientRequests.Parameters(root);
        ParameterSetResult result = _server.ParameterProvider!.Set(changes);
        if (!result.Applied)
        {
            string errors = string.Join("; ", result.Errors.Select(e => $"'{e.Name}': {e.Reason}"));
            SendError($"parameters not set, none applied: {errors} (op: setParameters)");
        }

        // The reply to the requester; subscribers hear of changes through the provider's event.
        if (id is not null)
        {
            SendControl(ServerMessages.ParameterValues(result.Values, id));
        }
    }

    private void OnSubscribeParameterUpdates(JsonElement root)
    {
        List<string> names = ClientRequests.StringArray(root, "parameterNames");
        IParameterProvider provider = _server.ParameterProvider!;
        List<string> known = names.Count == 0
            ? [.. provider.GetAll().Select(p => p.Name)]
            : [.. provider.Get(names).Select(p => p.Name)];
        List<string> unknown = [.. names.Except(known, StringComparer.Ordinal)];
        lock (_parameterGate)
        {
            _parameterSubscriptions.UnionWith(known);
        }

        if (unknown.Count > 0)
        {
            SendError($"unknown parameters not subscribed: {string.Join(", ", unknown.Take(16).Select(n => $"'{Truncate(n, 128)}'"))}{(unknown.Count > 16 ? ", ..." : "")} (op: subscribeParameterUpdates)");
        }
    }

    private void OnUnsubscribeParameterUpdates(JsonElement root)
    {
        List<string> names = ClientRequests.StringArray(root, "parameterNames");
        lock (_parameterGate)
        {
            if (names.Count == 0)
            {
                _parameterSubscriptions.Clear();
            }
            else
            {
                _parameterSubscriptions.ExceptWith(names);
            }
        }
    }

    private static string Truncate(string s, int maxUtf8Bytes)
    {
        if (Encoding.UTF8.GetByteCount(s) <= maxUtf8Bytes)
        {
            return s;
        }

        int n = Math.Min(s.Length, maxUtf8Bytes);
        while (n > 0 && Encoding.UTF8.GetByteCount(s.AsSpan(0, n)) > maxUtf8Bytes - 3)
        {
            n--;
        }

        if (n > 0 && char.IsHighSurrogate(s[n - 1]))
        {
            n--;
        }

        return string.Concat(s.AsSpan(0, n), "...");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Foxglove client {Id} ({Remote}): {Message}")]
    private static partial void LogClientError(ILogger logger, int id, string remote, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Foxglove client {Id} ({Remote}) disconnected: {Reason}")]
    private static partial void LogDisconnect(ILogger logger, int id, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Foxglove client {Id} ({Remote}): send loop ended: {Message}")]
    private static partial void LogSendEnded(ILogger logger, int id, string remote, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Foxglove client {Id} ({Remote}): receive loop ended: {Message}")]
    private static partial void LogReceiveEnded(ILogger logger, int id, string remote, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Foxglove client {Id} ({Remote}): a handler failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception e, int id, string remote);
}
