using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SwarmCoverage.App.Cli;

/// <summary>
/// Foxglove WebSocket clients as load for <c>bench ros</c>: each connects, subscribes to every channel the server
/// advertises and reads everything it is sent; a stalled client subscribes the same way, then stops reading, as a phone
/// that went to sleep does (its socket fills and the server drops its oldest data).
/// </summary>
internal sealed class FoxgloveLoad : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _clients = [];
    private readonly TextWriter _errors;
    private long _messages;
    private long _bytes;
    private long _stalledAfter;

    public FoxgloveLoad(int port, int reading, int stalled, TextWriter errors)
    {
        _errors = errors;
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"ws://127.0.0.1:{port}/"));
        for (int i = 0; i < reading + stalled; i++)
        {
            bool stall = i >= reading;
            _clients.Add(Task.Run(() => RunAsync(uri, stall, _stop.Token)));
        }
    }

    /// <summary>A TCP port nobody listens on now (the server binds it a moment later).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public string Report() => string.Create(CultureInfo.InvariantCulture,
        $"the reading clients received {Interlocked.Read(ref _messages)} data messages ({Interlocked.Read(ref _bytes) / 1e6:F1} MB); the stalled ones stopped after {Interlocked.Read(ref _stalledAfter)} in all");

    private async Task RunAsync(Uri uri, bool stall, CancellationToken ct)
    {
        try
        {
            using var ws = new ClientWebSocket();
            ws.Options.AddSubProtocol("foxglove.websocket.v1");
            // Connecting races the server's start: retry for a while.
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    await ws.ConnectAsync(uri, ct).ConfigureAwait(false);
                    break;
                }
                catch (WebSocketException) when (attempt < 100)
                {
                    await Task.Delay(100, ct).ConfigureAwait(false);
                }
            }

            var buffer = new byte[1 << 20];
            uint nextSubscription = 1;
            long received = 0;
            while (!ct.IsCancellationRequested)
            {
                int filled = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    r = await ws.ReceiveAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                    filled += r.Count;
                }
                while (!r.EndOfMessage);

                if (r.MessageType == WebSocketMessageType.Close) return;
                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    received++;
                    if (!stall)
                    {
                        Interlocked.Increment(ref _messages);
                        Interlocked.Add(ref _bytes, filled);
                    }
                    else
                    {
                        Interlocked.Add(ref _stalledAfter, received);
                        await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false); // stops reading for good
                    }

                    continue;
                }

                using var doc = JsonDocument.Parse(buffer.AsMemory(0, filled));
                if (doc.RootElement.GetProperty("op").GetString() != "advertise") continue;
                var subscribe = new StringBuilder("{\"op\":\"subscribe\",\"subscriptions\":[");
                bool first = true;
                foreach (var channel in doc.RootElement.GetProperty("channels").EnumerateArray())
                {
                    subscribe.Append(first ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"id\":{nextSubscription++},\"channelId\":{channel.GetProperty("id").GetUInt32()}}}");
                    first = false;
                }

                subscribe.Append("]}");
                await ws.SendAsync(Encoding.UTF8.GetBytes(subscribe.ToString()), WebSocketMessageType.Text, true, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is WebSocketException or IOException or JsonException or KeyNotFoundException)
        {
            await _errors.WriteLineAsync($"bench ros: a Foxglove client failed: {e.Message}").ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            Task.WaitAll([.. _clients], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
