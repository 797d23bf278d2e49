namespace SwarmCoverage.Foxglove;

/// <summary>
/// A channel the application publishes on, as advertised to clients (docs/foxglove.md, "Channels").
/// </summary>
/// <param name="Topic">The topic, e.g. <c>/robot_0/odom</c>.</param>
/// <param name="Encoding">The message encoding, e.g. <c>cdr</c>.</param>
/// <param name="SchemaName">The schema name, e.g. <c>nav_msgs/msg/Odometry</c>.</param>
/// <param name="Schema">The schema text in <paramref name="SchemaEncoding"/> (for ROS 2, the concatenated message definition).</param>
/// <param name="SchemaEncoding">The schema encoding, e.g. <c>ros2msg</c>; null leaves it to the client to deduce from the encoding.</param>
public sealed record ChannelInfo(string Topic, string Encoding, string SchemaName, string Schema, string? SchemaEncoding = null)
{
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Topic);
        ArgumentException.ThrowIfNullOrEmpty(Encoding);
        ArgumentNullException.ThrowIfNull(SchemaName);
        ArgumentNullException.ThrowIfNull(Schema);
        if (SchemaEncoding is { Length: 0 })
        {
            throw new ArgumentException("SchemaEncoding is empty: give null to leave it out", nameof(SchemaEncoding));
        }
    }
}

/// <summary>The level of a status message (the protocol's numbers).</summary>
public enum StatusLevel
{
    /// <summary>Information.</summary>
    Info = 0,

    /// <summary>A warning.</summary>
    Warning = 1,

    /// <summary>An error.</summary>
    Error = 2,
}

/// <summary>
/// A channel a client advertised to publish on (client publish, docs/foxglove.md "Client publish").
/// </summary>
/// <param name="Id">The id the client chose.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Encoding">The message encoding, one of the server's supported encodings.</param>
/// <param name="SchemaName">The schema name.</param>
/// <param name="Schema">The schema text, if the client sent one.</param>
/// <param name="SchemaEncoding">The schema encoding, if the client sent one.</param>
public sealed record ClientChannel(uint Id, string Topic, string Encoding, string SchemaName, string? Schema, string? SchemaEncoding);

/// <summary>What the application says about a client's message or advertisement.</summary>
public readonly record struct ClientPublishResult
{
    private ClientPublishResult(string? reason) => RejectionReason = reason;

    /// <summary>Accepted.</summary>
    public static ClientPublishResult Accepted => default;

    /// <summary>True when accepted.</summary>
    public bool IsAccepted => RejectionReason is null;

    /// <summary>Why it was rejected; null when accepted.</summary>
    public string? RejectionReason { get; }

    /// <summary>Rejected for <paramref name="reason"/>, which goes back to the client in a status error.</summary>
    public static ClientPublishResult Rejected(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new ClientPublishResult(reason);
    }
}

/// <summary>
/// What the application implements to take messages that clients publish (the <c>clientPublish</c> capability).
/// Called on the receiving task of the client that sent the message, concurrently for different clients:
/// implementations must be thread-safe and should return quickly (a slow handler delays only that client's
/// further requests). An exception is reported to that client as a status error. docs/foxglove.md "Client publish".
/// </summary>
public interface IClientPublishHandler
{
    /// <summary>
    /// A client advertised <paramref name="channel"/>. A rejection is sent to the client as a status error and the
    /// channel is not registered, so its messages are refused. Accepts everything unless overridden.
    /// </summary>
    ClientPublishResult OnClientAdvertise(ClientChannel channel) => ClientPublishResult.Accepted;

    /// <summary>
    /// A client published <paramref name="payload"/> on the channel it advertised with <paramref name="topic"/>,
    /// <paramref name="schemaName"/> and <paramref name="encoding"/>. The span is valid only during the call.
    /// </summary>
    ClientPublishResult OnClientMessage(string topic, string schemaName, string encoding, ReadOnlySpan<byte> payload);

    /// <summary>A client stopped advertising <paramref name="channel"/>, or disconnected. Nothing by default.</summary>
    void OnClientUnadvertise(ClientChannel channel)
    {
    }
}
