namespace SwarmCoverage.Mcap;

/// <summary>The Header record: the profile ("ros2" for ROS 2 recordings) and the writing library.</summary>
public sealed record McapHeader(string Profile, string Library);

/// <summary>
/// A Schema record. Id is never 0 (0 means "no schema" on a channel). For the ros2 profile the encoding is
/// "ros2msg" or "ros2idl" and the name a type such as "geometry_msgs/msg/Twist" (docs/mcap.md, "ROS 2 profile").
/// </summary>
public sealed class McapSchema(ushort id, string name, string encoding, ReadOnlyMemory<byte> data)
{
    public ushort Id { get; } = id;

    public string Name { get; } = name;

    public string Encoding { get; } = encoding;

    public ReadOnlyMemory<byte> Data { get; } = data;

    internal bool SameAs(McapSchema other) =>
        Id == other.Id && Name == other.Name && Encoding == other.Encoding && Data.Span.SequenceEqual(other.Data.Span);
}

/// <summary>
/// A Channel record: a topic with one message encoding ("cdr" for ROS 2) and an optional schema.
/// Metadata is kept in ordinal key order; for the ros2 profile it holds "offered_qos_profiles".
/// </summary>
public sealed class McapChannel
{
    public McapChannel(ushort id, McapSchema? schema, string topic, string messageEncoding, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(messageEncoding);
        Id = id;
        Schema = schema;
        Topic = topic;
        MessageEncoding = messageEncoding;
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
            foreach (var (k, v) in metadata) sorted[k] = v;
        Metadata = sorted;
        MetadataEntries = [.. sorted];
    }

    public ushort Id { get; }

    /// <summary>The schema, or null when the channel's schema_id is 0.</summary>
    public McapSchema? Schema { get; }

    public ushort SchemaId => Schema?.Id ?? 0;

    public string Topic { get; }

    public string MessageEncoding { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    internal KeyValuePair<string, string>[] MetadataEntries { get; }

    internal bool SameAs(McapChannel other) =>
        Id == other.Id && SchemaId == other.SchemaId && Topic == other.Topic && MessageEncoding == other.MessageEncoding
        && MetadataEntries.AsSpan().SequenceEqual(other.MetadataEntries);
}

/// <summary>
/// One message as the reader returns it. <see cref="Data"/> points into the reader's chunk buffer and is valid
/// only until the next read; copy it to keep it.
/// </summary>
public readonly struct McapMessage(McapChannel channel, uint sequence, ulong logTime, ulong publishTime, ReadOnlyMemory<byte> data)
{
    public McapChannel Channel { get; } = channel;

    public ushort ChannelId => Channel.Id;

    public uint Sequence { get; } = sequence;

    /// <summary>Nanoseconds (the recorder's epoch) at which the message was recorded; the order of replay.</summary>
    public ulong LogTime { get; } = logTime;

    /// <summary>Nanoseconds at which it was published; equal to the log time when unknown.</summary>
    public ulong PublishTime { get; } = publishTime;

    public ReadOnlyMemory<byte> Data { get; } = data;
}

/// <summary>The Statistics record of the summary.</summary>
public sealed record McapStatistics(
    ulong MessageCount,
    ushort SchemaCount,
    uint ChannelCount,
    uint AttachmentCount,
    uint MetadataCount,
    uint ChunkCount,
    ulong MessageStartTime,
    ulong MessageEndTime,
    IReadOnlyDictionary<ushort, ulong> ChannelMessageCounts);

/// <summary>A Metadata record: a name and string key-value pairs (kept in ordinal key order).</summary>
public sealed record McapMetadata(string Name, IReadOnlyDictionary<string, string> Values);

/// <summary>An Attachment record: a named blob such as the run's configuration file.</summary>
public sealed record McapAttachment(ulong LogTime, ulong CreateTime, string Name, string MediaType, ReadOnlyMemory<byte> Data);
