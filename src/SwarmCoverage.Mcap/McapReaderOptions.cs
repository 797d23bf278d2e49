namespace SwarmCoverage.Mcap;

/// <summary>The order in which <see cref="McapReader"/> returns messages (docs/mcap.md, "Reading order").</summary>
public enum McapReadOrder
{
    /// <summary>
    /// Ascending log time, ties in file order. Exact across chunks when the stream is seekable and the file
    /// has a summary with chunk indexes; otherwise each chunk is sorted and chunks come in file order.
    /// </summary>
    LogTime,

    /// <summary>Exactly the order the messages are stored in the file.</summary>
    File,
}

/// <summary>Settings and bounds of a <see cref="McapReader"/>. Every length in the file is checked against them before anything is allocated.</summary>
public sealed record McapReaderOptions
{
    /// <summary>The largest record content accepted (a compressed chunk included), and the largest summary section; 256 MiB by default.</summary>
    public int MaxRecordSize { get; init; } = 256 << 20;

    /// <summary>The largest uncompressed_size of a chunk accepted; 256 MiB by default.</summary>
    public int MaxChunkSize { get; init; } = 256 << 20;

    /// <summary>
    /// In exact log-time order, the most bytes of decompressed chunks held at once while chunks that overlap
    /// in time are merged; 1 GiB by default. A file that needs more is rejected (read it in file order).
    /// </summary>
    public long MaxBufferedBytes { get; init; } = 1L << 30;

    /// <summary>Message order; log time by default.</summary>
    public McapReadOrder Order { get; init; } = McapReadOrder.LogTime;

    /// <summary>Check the data section, summary, chunk and attachment CRCs when they are not zero; on by default.</summary>
    public bool ValidateCrcs { get; init; } = true;

    /// <summary>
    /// Accept a file that ends early (no footer, or cut inside a record, as a killed recorder leaves it):
    /// every complete record is read and <see cref="McapReader.IsTruncated"/> is set. On by default; when off,
    /// such a file is a <see cref="McapFormatException"/>.
    /// </summary>
    public bool AllowTruncated { get; init; } = true;

    /// <summary>Leave the stream open when the reader is disposed.</summary>
    public bool LeaveOpen { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecordSize, 64, nameof(MaxRecordSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChunkSize, 0, nameof(MaxChunkSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedBytes, 0, nameof(MaxBufferedBytes));
        if (!Enum.IsDefined(Order)) throw new ArgumentOutOfRangeException(nameof(Order), Order, "unknown order");
    }
}
