namespace SwarmCoverage.Mcap;

/// <summary>How the records of a chunk are compressed (docs/mcap.md, "Compression").</summary>
public enum McapCompression
{
    /// <summary>Stored as is; the chunk's compression string is empty.</summary>
    None,

    /// <summary>One Zstandard frame ("zstd").</summary>
    Zstd,

    /// <summary>LZ4 frame format, not raw LZ4 blocks ("lz4").</summary>
    Lz4,
}
