using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SwarmCoverage.Foxglove;

/// <summary>What the server knows of one connected client.</summary>
/// <param name="Id">The server's number for the connection.</param>
/// <param name="RemoteEndPoint">The client's address and port.</param>
/// <param name="Subprotocol">The negotiated subprotocol.</param>
/// <param name="Subscriptions">Channels subscribed.</param>
/// <param name="ParameterSubscriptions">Parameters subscribed for updates.</param>
/// <param name="SentMessages">Messages handed to the WebSocket.</param>
/// <param name="DroppedMessages">Data messages dropped because the client did not keep up.</param>
/// <param name="QueuedMessages">Messages waiting in its send queue.</param>
/// <param name="QueuedBytes">Bytes waiting in its send queue.</param>
public sealed record FoxgloveClientStats(
    int Id,
    string RemoteEndPoint,
    string Subprotocol,
    int Subscriptions,
    int ParameterSubscriptions,
    long SentMessages,
    long DroppedMessages,
    int QueuedMessages,
    long QueuedBytes);

/// <summary>
/// A Foxglove WebSocket protocol server on Kestrel (docs/foxglove.md): the application adds channels and publishes
/// on them; Foxglove clients subscribe, publish back, and get and set parameters. Publishing never blocks: each
/// client has its own bounded queue and send loop, and a client that does not keep up loses its oldest data.
/// Generic: it knows nothing of what the payloads mean.
/// </summary>
public sealed partial class FoxgloveServer : IAsyncDisposable
{
    /// <summary>The Foxglove SDK's subprotocol, preferred when a client offers both.</summary>
    public const string SdkSubprotocol = "foxglove.sdk.v1";

    /// <summary>The subprotocol of the ws-protocol specification and older clients.</summary>
    public const string WebSocketSubprotocol = "foxglove.websocket.v1";

    internal const string ClientPublishCapability = "clientPublish";
    internal const string ParametersCapability = "parameters";
    internal const string ParametersSubscribeCapability = "parametersSubscribe";
    internal const string TimeCapability = "time";

    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<uint, ServerChannel> _channels = new();
    private readonly List<ClientSession> _clients = [];
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly byte[]? _tokenHash;
    private readonly string _sessionId = Guid.NewGuid().ToString("N");
    private volatile ClientSession[] _clientSnapshot = [];
    private WebApplication? _app;
    private uint _lastChannelId;
    private int _nextClientId;
    private int _connectionCount;
    private int _port;
    private bool _tls;
    private bool _stopping;

    /// <summary>
    /// A server with <paramref name="options"/> (copied at <see cref="StartAsync"/>). <paramref name="clientPublish"/>
    /// enables the clientPublish capability, <paramref name="parameters"/> the parameters and parametersSubscribe
    /// capabilities.
    /// </summary>
    public FoxgloveServer(
        FoxgloveServerOptions options,
        IClientPublishHandler? clientPublish = null,
        IParameterProvider? parameters = null,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        ClientPublishHandler = clientPublish;
        ParameterProvider = parameters;
        Time = time ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _log = _loggerFactory.CreateLogger<FoxgloveServer>();
        _tokenHash = options.Token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Token));
        List<string> capabilities = [];
        if (clientPublish is not null)
        {
            capabilities.Add(ClientPublishCapability);
        }

        if (parameters is not null)
        {
            capabilities.Add(ParametersCapability);
            capabilities.Add(ParametersSubscribeCapability);
        }

        if (options.SimulatedClock)
        {
            capabilities.Add(TimeCapability);
        }

        Capabilities = capabilities;
    }

    /// <summary>The capabilities declared in serverInfo.</summary>
    public IReadOnlyList<string> Capabilities { get; }

    /// <summary>The TCP port listened on (the one picked when the options said 0); throws before start.</summary>
    public int Port => _app is not null ? _port : throw new InvalidOperationException("the server is not started");

    /// <summary>The WebSocket URL clients connect to, <c>ws://</c> or with TLS <c>wss://</c> (without the token).</summary>
    public Uri Url => new($"{(_tls ? "wss" : "ws")}://{HostForUrl()}:{Port}/");

    /// <summary>The connected clients.</summary>
    public int ClientCount => _clientSnapshot.Length;

    internal FoxgloveServerOptions Options { get; }

    internal TimeProvider Time { get; }

    internal IClientPublishHandler? ClientPublishHandler { get; }

    internal IParameterProvider? ParameterProvider { get; }

    /// <summary>
    /// Starts listening. Throws <see cref="InvalidOperationException"/> when the address is not loopback and no
    /// token is set, or when the port is taken; <see cref="CryptographicException"/> for an unreadable certificate.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("the server is already started");
        }

        IPAddress address = ParseAddress(Options.Address);
        if (!IPAddress.IsLoopback(address) && Options.Token is null)
        {
            throw new InvalidOperationException(
                $"refusing to start the Foxglove server on {Options.Address}: an address other than loopback needs a token " +
                "(set a token, or listen on 127.0.0.1 and reach it through an SSH tunnel); see docs/foxglove.md \"Security\"");
        }

        X509Certificate2? certificate = null;
        if (Options.TlsCertificatePath is { } certPath)
        {
            certificate = LoadCertificate(certPath, Options.TlsKeyPath!);
        }

        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FoxgloveServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddLogging();

        // The application owns the process's lifetime (signals, Ctrl+C): the server only starts and stops.
        builder.Services.AddSingleton<IHostLifetime, PassiveLifetime>();
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 0;
            k.Listen(address, Options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });

        WebApplication app = builder.Build();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = Options.KeepAliveInterval, KeepAliveTimeout = Options.KeepAliveTimeout });
        app.Use(HandleWebSocketAsync);
        StaticContent.Map(app, Options.StaticFiles);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the Foxglove server cannot listen on {Options.Address}:{Options.Port}: {e.Message}", e);
        }

        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _port = new Uri(bound).Port;
        _tls = certificate is not null;
        if (ParameterProvider is not null)
        {
            ParameterProvider.ParametersChanged += OnParametersChanged;
        }

        _app = app;
        LogListening(_log, Url.ToString(), string.Join(",", Capabilities));
    }

    /// <summary>
    /// Adds a channel and advertises it to every client; returns its id (ids are not reused within a server).
    /// </summary>
    public uint AddChannel(ChannelInfo channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        channel.Validate();
        lock (_gate)
        {
            uint id = checked(++_lastChannelId);
            _channels[id] = new ServerChannel(id, channel);
            OutFrame advertise = ServerMessages.Advertise([(id, channel)]);
            foreach (ClientSession c in _clients)
            {
                c.SendControl(advertise);
            }

            return id;
        }
    }

    /// <summary>Removes a channel: its subscriptions end and clients get an unadvertise. False if unknown.</summary>
    public bool RemoveChannel(uint channelId)
    {
        lock (_gate)
        {
            if (!_channels.TryRemove(channelId, out ServerChannel? channel))
            {
                return false;
            }

            foreach (Subscriber s in channel.Subscribers)
            {
                s.Client.Queue.Deactivate(s);
                s.Client.SubscriptionsById.Remove(s.SubscriptionId);
                s.Client.SubscriptionsByChannel.Remove(channelId);
            }

            channel.Subscribers = [];
            OutFrame unadvertise = ServerMessages.Unadvertise([channelId]);
            foreach (ClientSession c in _clients)
            {
                c.SendControl(unadvertise);
            }

            return true;
        }
    }

    /// <summary>True when some client subscribes to <paramref name="channelId"/>: lets the application skip encoding.</summary>
    public bool HasSubscribers(uint channelId) => _channels.TryGetValue(channelId, out ServerChannel? c) && c.Subscribers.Length > 0;

    /// <summary>
    /// Sends <paramref name="payload"/> with <paramref name="logTimeNs"/> to every client subscribed to
    /// <paramref name="channelId"/>: copies it into each one's bounded queue, never waits (a client that does not
    /// keep up loses its oldest data). Without subscribers it costs a lookup. False for an unknown channel.
    /// Thread-safe.
    /// </summary>
    public bool Publish(uint channelId, ulong logTimeNs, ReadOnlySpan<byte> payload)
    {
        if (!_channels.TryGetValue(channelId, out ServerChannel? channel))
        {
            return false;
        }

        foreach (Subscriber s in channel.Subscribers)
        {
            s.Client.SendMessageData(s, logTimeNs, payload);
        }

        return true;
    }

    /// <summary>Sends a Time message to every client; only with a simulated clock (the <c>time</c> capability).</summary>
    public void BroadcastTime(ulong timestampNs)
    {
        if (!Options.SimulatedClock)
        {
            throw new InvalidOperationException("BroadcastTime needs SimulatedClock: the time capability is declared only then");
        }

        foreach (ClientSession c in _clientSnapshot)
        {
            c.SendData(ServerMessages.Time(timestampNs), null);
        }
    }

    /// <summary>Sends a status message to every client; a later one with the same id replaces it.</summary>
    public void SendStatus(StatusLevel level, string message, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "unknown status level");
        }

        OutFrame frame = ServerMessages.Status(level, message, id);
        foreach (ClientSession c in _clientSnapshot)
        {
            c.SendControl(frame);
        }
    }

    /// <summary>Tells every client that the status messages with these ids no longer hold.</summary>
    public void RemoveStatus(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            throw new ArgumentException("removeStatus needs at least one id", nameof(ids));
        }

        OutFrame frame = ServerMessages.RemoveStatus(ids);
        foreach (ClientSession c in _clientSnapshot)
        {
            c.SendControl(frame);
        }
    }

    /// <summary>The connected clients and their counters.</summary>
    public IReadOnlyList<FoxgloveClientStats> GetClientStats()
    {
        lock (_gate)
        {
            return [.. _clients.Select(c => new FoxgloveClientStats(
                c.Id,
                c.RemoteEndPoint,
                c.Subprotocol,
                c.SubscriptionsById.Count,
                c.ParameterSubscriptionCount,
                c.Queue.Sent,
                c.Queue.Dropped,
                c.Queue.Count,
                c.Queue.Bytes))];
        }
    }

    /// <summary>
    /// Closes every client with a close frame (waiting up to the close timeout for their answer) and stops
    /// listening.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        WebApplication? app = _app;
        if (app is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
        }

        if (ParameterProvider is not null)
        {
            ParameterProvider.ParametersChanged -= OnParametersChanged;
        }

        foreach (ClientSession c in _clientSnapshot)
        {
            c.BeginClose(WebSocketCloseStatus.EndpointUnavailable, "server shutdown");
        }

        // Kestrel waits for the connections' requests to end: each ends once its close handshake does, or the close timeout aborts it.
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        LogStopped(_log, Url.ToString());
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Registers the client and queues serverInfo and the advertisement of every channel, atomically with channel changes.</summary>
    internal bool AddClient(ClientSession client)
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return false;
            }

            _clients.Add(client);
            _clientSnapshot = [.. _clients];
            client.SendControl(ServerMessages.ServerInfo(Options.Name, Capabilities, Options.SupportedEncodings, Options.Metadata, _sessionId));
            client.SendControl(ServerMessages.Advertise(_channels.Values.OrderBy(c => c.Id).Select(c => (c.Id, c.Info))));
            return true;
        }
    }

    internal void RemoveClient(ClientSession client)
    {
        lock (_gate)
        {
            foreach (Subscriber s in client.SubscriptionsById.Values)
            {
                if (_channels.TryGetValue(s.ChannelId, out ServerChannel? channel))
                {
                    channel.Subscribers = [.. channel.Subscribers.Where(x => x != s)];
                }
            }

            client.SubscriptionsById.Clear();
            client.SubscriptionsByChannel.Clear();
            _clients.Remove(client);
            _clientSnapshot = [.. _clients];
        }
    }

    internal bool HasCapability(string capability) => Capabilities.Contains(capability, StringComparer.Ordinal);

    /// <summary>Subscribes; returns an error message for each subscription refused (the others apply).</summary>
    internal List<string> Subscribe(ClientSession client, List<(uint Id, uint ChannelId)> requested)
    {
        List<string> errors = [];
        lock (_gate)
        {
            foreach ((uint id, uint channelId) in requested)
            {
                if (client.SubscriptionsById.ContainsKey(id))
                {
                    errors.Add($"subscription id {id} is already in use; ignoring the subscription");
                }
                else if (!_channels.TryGetValue(channelId, out ServerChannel? channel))
                {
                    errors.Add($"unknown channel id {channelId}; ignoring the subscription");
                }
                else if (client.SubscriptionsByChannel.ContainsKey(channelId))
                {
                    errors.Add($"channel {channelId} is already subscribed; ignoring the subscription");
                }
                else
                {
                    Subscriber s = new(client, id, channelId);
                    client.SubscriptionsById.Add(id, s);
                    client.SubscriptionsByChannel.Add(channelId, s);
                    channel.Subscribers = [.. channel.Subscribers, s];
                }
            }
        }

        return errors;
    }

    /// <summary>Unsubscribes; returns an error message for each unknown subscription id.</summary>
    internal List<string> Unsubscribe(ClientSession client, List<uint> ids)
    {
        List<string> errors = [];
        lock (_gate)
        {
            foreach (uint id in ids)
            {
                if (!client.SubscriptionsById.Remove(id, out Subscriber? s))
                {
                    errors.Add($"unknown subscription id {id}");
                    continue;
                }

                client.SubscriptionsByChannel.Remove(s.ChannelId);
                client.Queue.Deactivate(s);
                if (_channels.TryGetValue(s.ChannelId, out ServerChannel? channel))
                {
                    channel.Subscribers = [.. channel.Subscribers.Where(x => x != s)];
                }
            }
        }

        return errors;
    }

    private static IPAddress ParseAddress(string address)
    {
        if (string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(address, out IPAddress? ip)
            ? ip
            : throw new ArgumentException($"the Foxglove server address must be an IP address or localhost, not '{address}'");
    }

    private static X509Certificate2 LoadCertificate(string certificatePath, string keyPath)
    {
        using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

        // Re-imported so that the private key is usable by the TLS stack on every platform (docs/foxglove.md "TLS").
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private string HostForUrl()
    {
        IPAddress ip = ParseAddress(Options.Address);
        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
    }

    private void OnParametersChanged(object? sender, ParametersChangedEventArgs e)
    {
        foreach (ClientSession c in _clientSnapshot)
        {
            List<FoxgloveParameter> subscribed = c.SubscribedAmong(e.Parameters);
            if (subscribed.Count > 0)
            {
                c.SendControl(ServerMessages.ParameterValues(subscribed, null));
            }
        }
    }

    private async Task HandleWebSocketAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        string remote = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
        if (_tokenHash is not null && !TokenMatches(context.Request.Query["token"]))
        {
            LogRefused(_log, remote, "missing or wrong token");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("a valid token is required: connect with ?token=...", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        IList<string> offered = context.WebSockets.WebSocketRequestedProtocols;
        string? subprotocol = offered.Contains(SdkSubprotocol) ? SdkSubprotocol : offered.Contains(WebSocketSubprotocol) ? WebSocketSubprotocol : null;
        if (subprotocol is null)
        {
            LogRefused(_log, remote, "no supported subprotocol offered");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"offer the subprotocol {SdkSubprotocol} or {WebSocketSubprotocol}", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (Interlocked.Increment(ref _connectionCount) > Options.MaxClients)
        {
            Interlocked.Decrement(ref _connectionCount);
            LogRefused(_log, remote, "too many clients");
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync($"at most {Options.MaxClients} clients", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        try
        {
            WebSocket ws = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = subprotocol, DangerousEnableCompression = false }).ConfigureAwait(false);
            ClientSession session = new(this, ws, Interlocked.Increment(ref _nextClientId), remote, subprotocol, _log);
            if (!AddClient(session))
            {
                ws.Abort();
                ws.Dispose();
                return;
            }

            LogConnected(_log, session.Id, remote, subprotocol);
            await session.RunAsync().ConfigureAwait(false);
            LogDisconnected(_log, session.Id, remote);
        }
        finally
        {
            Interlocked.Decrement(ref _connectionCount);
        }
    }

    private bool TokenMatches(Microsoft.Extensions.Primitives.StringValues given)
    {
        if (given.Count != 1 || given[0] is not { } token)
        {
            return false;
        }

        // Both sides hashed to a fixed length, then compared in constant time (docs/foxglove.md "Security").
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _tokenHash);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Foxglove server listening on {Url} (capabilities: {Capabilities})")]
    private static partial void LogListening(ILogger logger, string url, string capabilities);

    [LoggerMessage(Level = LogLevel.Information, Message = "Foxglove server on {Url} stopped")]
    private static partial void LogStopped(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Foxglove connection from {Remote} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Foxglove client {Id} connected from {Remote} ({Subprotocol})")]
    private static partial void LogConnected(ILogger logger, int id, string remote, string subprotocol);

    [LoggerMessage(Level = LogLevel.Information, Message = "Foxglove client {Id} ({Remote}) disconnected")]
    private static partial void LogDisconnected(ILogger logger, int id, string remote);

    /// <summary>A channel and the subscribers Publish walks (an array replaced, never changed, under the gate).</summary>
    private sealed class ServerChannel(uint id, ChannelInfo info)
    {
        private volatile Subscriber[] _subscribers = [];

        public uint Id { get; } = id;

        public ChannelInfo Info { get; } = info;

        public Subscriber[] Subscribers
        {
            get => _subscribers;
            set => _subscribers = value;
        }
    }

    /// <summary>A host lifetime that waits for nothing and hooks no signal.</summary>
    private sealed class PassiveLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
