namespace SwarmCoverage.Mcap;

/// <summary>Settings of a <see cref="McapWriter"/>.</summary>
public sealed record McapWriterOptions
{
    /// <summary>Default chunk size: 1 MiB of uncompressed records (docs/mcap.md, "Chunk size").</summary>
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>The Header's profile: "ros2" for ROS 2 data (channels "cdr", schemas "ros2msg"/"ros2idl"), or empty.</summary>
    public string Profile { get; init; } = "";

    /// <summary>The Header's library string: who wrote the file.</summary>
    public string Library { get; init; } = "SwarmCoverage.Mcap";

    /// <summary>Chunk compression; zstd by default.</summary>
    public McapCompression Compression { get; init; } = McapCompression.Zstd;

    /// <summary>zstd level (1 fastest .. 19); 3 is zstd's own default.</summary>
    public int ZstdLevel { get; init; } = 3;

    /// <summary>
    /// A chunk is closed and written before it would exceed this many bytes of uncompressed records, so it
    /// holds at most this much unless a single message is larger: that message gets a chunk of its own.
    /// </summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>Leave the stream open when the writer is disposed.</summary>
    public bool LeaveOpen { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Profile);
        ArgumentNullException.ThrowIfNull(Library);
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkSize, 1, nameof(ChunkSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ChunkSize, 256 << 20, nameof(ChunkSize));
        if (!Enum.IsDefined(Compression)) throw new ArgumentOutOfRangeException(nameof(Compression), Compression, "unknown compression");
        ArgumentOutOfRangeException.ThrowIfLessThan(ZstdLevel, 1, nameof(ZstdLevel));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ZstdLevel, 22, nameof(ZstdLevel));
    }
}
