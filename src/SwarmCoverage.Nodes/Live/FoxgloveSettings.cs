using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Core;
using SwarmCoverage.Foxglove;
using SwarmCoverage.Nodes.Recording;

namespace SwarmCoverage.Nodes.Live;

/// <summary>The Foxglove server's parameters (<c>foxglove.*</c>, docs/foxglove.md).</summary>
public sealed record FoxgloveSettings
{
    /// <summary>0: no server.</summary>
    public int Port { get; init; } = FoxgloveServerOptions.DefaultPort;
    public string Address { get; init; } = "127.0.0.1";
    public string? Token { get; init; }
    public string? TlsCertificatePath { get; init; }
    public string? TlsKeyPath { get; init; }

    /// <summary>Reads <c>foxglove.*</c>; with <paramref name="decentralized"/> the server is off unless foxglove.port is given.</summary>
    public static FoxgloveSettings Read(RosParamsFile p, bool decentralized)
    {
        ArgumentNullException.ThrowIfNull(p);
        string? Path(string v) => v.Length == 0 ? null : System.IO.Path.GetFullPath(System.IO.Path.Combine(p.Directory ?? ".", v));
        int port = p.Int(NodeParameters.FoxglovePort);
        var s = new FoxgloveSettings
        {
            Port = decentralized && !p.Has(NodeParameters.FoxglovePort.Name) ? 0 : port,
            Address = p.String(NodeParameters.FoxgloveAddress),
            Token = p.String(NodeParameters.FoxgloveToken) is { Length: > 0 } t ? t : null,
            TlsCertificatePath = Path(p.String(NodeParameters.FoxgloveTlsCert)),
            TlsKeyPath = Path(p.String(NodeParameters.FoxgloveTlsKey)),
        };
        if ((s.TlsCertificatePath is null) != (s.TlsKeyPath is null))
            throw new InputException($"{p.Source}: foxglove.tls_cert and foxglove.tls_key go together; give both or neither");
        return s;
    }
}

/// <summary>A running Foxglove server on a control session.</summary>
public sealed class LiveFoxglove : IAsyncDisposable
{
    private readonly IDisposable _attachment;

    private LiveFoxglove(FoxgloveServer server, FoxgloveBridge bridge, IDisposable attachment)
    {
        Server = server;
        Bridge = bridge;
        _attachment = attachment;
    }

    public FoxgloveServer Server { get; }

    public FoxgloveBridge Bridge { get; }

    /// <summary>The operator console's address (docs/console.md): the server's own, over http or https.</summary>
    public Uri ConsoleUrl => ConsoleUrlOf(Server.Url);

    /// <summary>The console's address for a Foxglove server at <paramref name="webSocketUrl"/>.</summary>
    public static Uri ConsoleUrlOf(Uri webSocketUrl)
    {
        ArgumentNullException.ThrowIfNull(webSocketUrl);
        return new UriBuilder(webSocketUrl) { Scheme = webSocketUrl.Scheme == "wss" ? "https" : "http" }.Uri;
    }

    /// <summary>Starts the server and attaches it to <paramref name="session"/> (a small queue of its own: a tick never waits for it).</summary>
    /// <exception cref="InputException">The server cannot start (address in use, a non-loopback address without a token, bad TLS files).</exception>
    public static async Task<LiveFoxglove> StartAsync(ControlSession session, RecordingTopics topics, FoxgloveSettings settings, bool simulatedClock, Microsoft.Extensions.Logging.ILoggerFactory? logs = null, CancellationToken ct = default, RosoutLog? rosout = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(settings);
        var bridge = new FoxgloveBridge(session, topics, rosout);
        var server = new FoxgloveServer(new FoxgloveServerOptions
        {
            Address = settings.Address,
            Port = settings.Port,
            Token = settings.Token,
            TlsCertificatePath = settings.TlsCertificatePath,
            TlsKeyPath = settings.TlsKeyPath,
            Name = "swarm_coverage",
            SimulatedClock = simulatedClock,
            StaticFiles = OperatorConsole.Files,
            Metadata = new Dictionary<string, string> { [OperatorConsole.MetadataKey] = OperatorConsole.Describe(session, topics, rosout is not null) },
        }, bridge, bridge, loggerFactory: logs);
        try
        {
            await server.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw new InputException($"foxglove server on {settings.Address}:{settings.Port}: {e.Message}", e);
        }

        bridge.Attach(server);
        bridge.BroadcastsTime = simulatedClock;
        var attachment = session.Attach(bridge, new ObserverOptions { Name = "foxglove", Capacity = 16 });
        return new LiveFoxglove(server, bridge, attachment);
    }

    public async ValueTask DisposeAsync()
    {
        _attachment.Dispose();
        await Server.DisposeAsync().ConfigureAwait(false);
    }
}
