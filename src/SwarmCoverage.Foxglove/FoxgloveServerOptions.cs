using Microsoft.Extensions.FileProviders;

namespace SwarmCoverage.Foxglove;

/// <summary>How a <see cref="FoxgloveServer"/> listens and bounds its clients (docs/foxglove.md "Options").</summary>
public sealed class FoxgloveServerOptions
{
    /// <summary>The default port of Foxglove WebSocket servers.</summary>
    public const int DefaultPort = 8765;

    /// <summary>
    /// The IP address to listen on (an IPv4 or IPv6 literal, or <c>localhost</c>). Any address that is not loopback
    /// needs a <see cref="Token"/>: the server refuses to start without one.
    /// </summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one (see <see cref="FoxgloveServer.Port"/>).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// When set, a WebSocket client must connect with <c>?token=</c> this value, else it gets HTTP 401. Static
    /// content is served without it.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>A PEM certificate (chain) file; with <see cref="TlsKeyPath"/> the server serves only https and wss.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The PEM private key file of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>The name in serverInfo.</summary>
    public string Name { get; set; } = "SwarmCoverage";

    /// <summary>Free-form key-value pairs in serverInfo.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// The largest WebSocket message (text or binary) a client may send, in bytes. A longer one is discarded as it
    /// arrives, never buffered, and answered with a status error.
    /// </summary>
    public int MaxInboundMessageBytes { get; set; } = 1 << 20;

    /// <summary>
    /// Per client: the most bytes of data messages (Message Data, Time) waiting to be sent; past it the oldest are
    /// dropped. Control messages (serverInfo, advertise, status, parameterValues, ...) have a bound of the same
    /// size of their own, past which the client is disconnected.
    /// </summary>
    public long SendQueueMaxBytes { get; set; } = 16L << 20;

    /// <summary>Per client: the most data messages waiting to be sent (and, separately, control messages).</summary>
    public int SendQueueMaxMessages { get; set; } = 4096;

    /// <summary>How often at most a client that loses data messages is told how many in a status warning.</summary>
    public TimeSpan DropWarningInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most WebSocket clients at once; more get HTTP 503.</summary>
    public int MaxClients { get; set; } = 32;

    /// <summary>The most channels one client may advertise for client publish.</summary>
    public int MaxClientChannelsPerClient { get; set; } = 256;

    /// <summary>
    /// True when the application's clock is simulated: the server declares the <c>time</c> capability and
    /// <see cref="FoxgloveServer.BroadcastTime"/> sends Time messages.
    /// </summary>
    public bool SimulatedClock { get; set; }

    /// <summary>The encodings clients may publish in (serverInfo's supportedEncodings).</summary>
    public IReadOnlyList<string> SupportedEncodings { get; set; } = ["cdr"];

    /// <summary>How often the server pings an idle client.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a ping may go unanswered before the client is dropped (<see cref="Timeout.InfiniteTimeSpan"/>: never).
    /// A client that stops reading altogether is disconnected after about this long.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long <see cref="FoxgloveServer.StopAsync"/> waits for clients to answer the close frame.</summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Static content served at <c>/</c> on the same port (e.g. an embedded browser console); null serves none.
    /// docs/foxglove.md "Static content".
    /// </summary>
    public IFileProvider? StaticFiles { get; set; }

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Address);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentNullException.ThrowIfNull(Name);
        ArgumentNullException.ThrowIfNull(Metadata);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInboundMessageBytes, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxInboundMessageBytes, 1 << 30);
        ArgumentOutOfRangeException.ThrowIfLessThan(SendQueueMaxBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(SendQueueMaxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxClients, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxClientChannelsPerClient, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(DropWarningInterval, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(SupportedEncodings);
        if (Token is { Length: 0 })
        {
            throw new ArgumentException("Token is empty: give null for no token", nameof(Token));
        }

        if ((TlsCertificatePath is null) != (TlsKeyPath is null))
        {
            throw new ArgumentException("TLS needs both TlsCertificatePath and TlsKeyPath");
        }
    }
}
