using K4os.Compression.LZ4;
using ZstdSharp;

namespace SwarmCoverage.Mcap;

/// <summary>Compresses chunk records for the writer, reusing one zstd context (docs/mcap.md, "Compression").</summary>
internal sealed class ChunkCompressor : IDisposable
{
    private readonly Compressor? _zstd;

    public ChunkCompressor(McapCompression compression, int zstdLevel)
    {
        Compression = compression;
        if (compression == McapCompression.Zstd) _zstd = new Compressor(zstdLevel);
    }

    public McapCompression Compression { get; }

    /// <summary>The chunk's compression string.</summary>
    public string Name => Compression switch
    {
        McapCompression.Zstd => "zstd",
        McapCompression.Lz4 => "lz4",
        _ => "",
    };

    public int MaximumOutputSize(int length) => Compression switch
    {
        McapCompression.Zstd => Compressor.GetCompressBound(length),
        McapCompression.Lz4 => Lz4Frame.MaximumOutputSize(length),
        _ => length,
    };

    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/> (at least <see cref="MaximumOutputSize"/> long); returns the bytes written.</summary>
    public int Compress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        switch (Compression)
        {
            case McapCompression.Zstd:
                return _zstd!.Wrap(source, destination);
            case McapCompression.Lz4:
                return Lz4Frame.Encode(source, destination, LZ4Level.L00_FAST);
            default:
                source.CopyTo(destination);
                return source.Length;
        }
    }

    public void Dispose() => _zstd?.Dispose();
}

/// <summary>Decompresses chunk records for the reader into a buffer of exactly the chunk's uncompressed size.</summary>
internal sealed class ChunkDecompressor : IDisposable
{
    private Decompressor? _zstd;

    /// <summary>
    /// Decompresses <paramref name="source"/> compressed as <paramref name="compression"/> into all of
    /// <paramref name="destination"/>. Returns null when done, else what is wrong (the caller names the
    /// record and offset). Nothing is written past the destination, so a chunk that claims a small size but
    /// decompresses to more is an error, not an overrun.
    /// </summary>
    public string? Decompress(string compression, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int produced;
        switch (compression)
        {
            case "":
                if (source.Length != destination.Length)
                    return $"uncompressed chunk holds {source.Length} bytes of records but its uncompressed_size is {destination.Length}";
                source.CopyTo(destination);
                return null;
            case "zstd":
                try
                {
                    _zstd ??= new Decompressor();
                    produced = _zstd.Unwrap(source, destination);
                }
                catch (ZstdException e)
                {
                    return $"zstd data does not decompress to {destination.Length} bytes: {e.Message}";
                }
                break;
            case "lz4":
                try
                {
                    produced = Lz4Frame.Decode(source, destination);
                }
                catch (Lz4FrameException e)
                {
                    return e.Message;
                }
                break;
            default:
                return $"unsupported compression '{compression}' (this reader knows zstd, lz4 and none)";
        }
        return produced == destination.Length ? null : $"{compression} data decompresses to {produced} bytes, but the chunk's uncompressed_size is {destination.Length}";
    }

    public void Dispose() => _zstd?.Dispose();
}
