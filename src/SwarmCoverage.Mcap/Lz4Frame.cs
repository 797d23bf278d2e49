using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4;

namespace SwarmCoverage.Mcap;

/// <summary>Raised by <see cref="Lz4Frame.Decode"/> for data that is not a valid LZ4 frame; the reader adds the location.</summary>
internal sealed class Lz4FrameException(string message) : Exception(message)
{
    public Lz4FrameException() : this("invalid LZ4 frame") { }

    public Lz4FrameException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>
/// The LZ4 frame format that MCAP's "lz4" compression means (docs/mcap.md, "LZ4 frames"): a frame header,
/// blocks each with a 4-byte size (high bit set when stored uncompressed), a zero end mark and optional
/// checksums. K4os.Compression.LZ4 provides the block codec; the framing is here so that encoding and
/// decoding work on caller-owned spans without allocating and never write past the expected size.
/// </summary>
internal static class Lz4Frame
{
    private const uint FrameMagic = 0x184D2204;
    private const uint SkippableMagicMask = 0xFFFFFFF0;
    private const uint SkippableMagic = 0x184D2A50;
    private const int MaxBlockSize = 4 << 20;
    private const int LinkedWindow = 64 << 10;

    // FLG: version 01, independent blocks, content size present; BD: 4 MiB maximum block size.
    private const byte WriteFlags = 0x40 | 0x20 | 0x08;
    private const byte WriteBlockDescriptor = 7 << 4;

    /// <summary>Upper bound of <see cref="Encode"/>'s output for <paramref name="length"/> input bytes.</summary>
    public static int MaximumOutputSize(int length)
    {
        int blocks = Math.Max(1, (length + MaxBlockSize - 1) / MaxBlockSize);
        return 4 + 2 + 8 + 1 + blocks * 4 + LZ4Codec.MaximumOutputSize(Math.Min(length, MaxBlockSize)) * blocks + 4;
    }

    /// <summary>Writes <paramref name="source"/> as one LZ4 frame to <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination, LZ4Level level)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, FrameMagic);
        destination[4] = WriteFlags;
        destination[5] = WriteBlockDescriptor;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[6..], (ulong)source.Length);
        destination[14] = HeaderChecksum(destination[4..14]);
        int at = 15;
        for (int offset = 0; offset < source.Length; offset += MaxBlockSize)
        {
            ReadOnlySpan<byte> block = source.Slice(offset, Math.Min(MaxBlockSize, source.Length - offset));
            Span<byte> body = destination[(at + 4)..];
            int encoded = LZ4Codec.Encode(block, body, level);
            if (encoded <= 0 || encoded >= block.Length)
            {
                block.CopyTo(body);
                BinaryPrimitives.WriteUInt32LittleEndian(destination[at..], 0x8000_0000u | (uint)block.Length);
                at += 4 + block.Length;
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(destination[at..], (uint)encoded);
                at += 4 + encoded;
            }
        }
        BinaryPrimitives.WriteUInt32LittleEndian(destination[at..], 0);
        return at + 4;
    }

    /// <summary>
    /// Decodes one or more concatenated LZ4 frames (skippable frames are skipped) into
    /// <paramref name="destination"/>, never writing beyond it; returns the bytes written. Linked blocks use
    /// the previous 64 KiB of the same frame's output as their dictionary; block and content checksums are
    /// verified when present.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int at = 0;
        int written = 0;
        if (source.Length == 0) throw new Lz4FrameException("empty LZ4 data");
        while (at < source.Length)
        {
            uint magic = ReadU32(source, ref at, "frame magic");
            if ((magic & SkippableMagicMask) == SkippableMagic)
            {
                uint skip = ReadU32(source, ref at, "skippable frame size");
                if (skip > source.Length - at) throw new Lz4FrameException($"skippable frame of {skip} bytes at {at - 8} runs past the end");
                at += (int)skip;
                continue;
            }
            if (magic != FrameMagic) throw new Lz4FrameException($"bad LZ4 frame magic 0x{magic:X8} at {at - 4}");
            written += DecodeFrame(source, ref at, destination[written..]);
        }
        return written;
    }

    private static int DecodeFrame(ReadOnlySpan<byte> source, ref int at, Span<byte> destination)
    {
        int descriptorStart = at;
        if (source.Length - at < 3) throw new Lz4FrameException("truncated LZ4 frame descriptor");
        byte flags = source[at];
        byte bd = source[at + 1];
        at += 2;
        if ((flags >> 6) != 1) throw new Lz4FrameException($"unsupported LZ4 frame version {flags >> 6}");
        if ((flags & 0x02) != 0 || (bd & 0x8F) != 0) throw new Lz4FrameException("reserved LZ4 frame descriptor bits are set");
        bool independent = (flags & 0x20) != 0;
        bool blockChecksum = (flags & 0x10) != 0;
        bool hasContentSize = (flags & 0x08) != 0;
        bool contentChecksum = (flags & 0x04) != 0;
        bool hasDictionary = (flags & 0x01) != 0;
        int blockMax = ((bd >> 4) & 7) switch
        {
            4 => 64 << 10,
            5 => 256 << 10,
            6 => 1 << 20,
            7 => 4 << 20,
            int code => throw new Lz4FrameException($"invalid LZ4 block size code {code}"),
        };
        ulong contentSize = 0;
        if (hasContentSize)
        {
            if (source.Length - at < 8) throw new Lz4FrameException("truncated LZ4 content size");
            contentSize = BinaryPrimitives.ReadUInt64LittleEndian(source[at..]);
            at += 8;
            if (contentSize > (ulong)destination.Length)
                throw new Lz4FrameException($"LZ4 frame content size {contentSize} exceeds the {destination.Length} bytes expected");
        }
        if (hasDictionary) throw new Lz4FrameException("LZ4 frames with a dictionary ID are not supported");
        if (source.Length - at < 1) throw new Lz4FrameException("truncated LZ4 frame descriptor");
        byte expectedChecksum = HeaderChecksum(source[descriptorStart..at]);
        if (source[at] != expectedChecksum) throw new Lz4FrameException($"LZ4 frame descriptor checksum 0x{source[at]:X2}, expected 0x{expectedChecksum:X2}");
        at++;

        int written = 0;
        for (; ; )
        {
            uint word = ReadU32(source, ref at, "block size");
            if (word == 0) break;
            bool stored = (word & 0x8000_0000u) != 0;
            uint size = word & 0x7FFF_FFFFu;
            if (size > blockMax) throw new Lz4FrameException($"LZ4 block of {size} bytes exceeds the frame's maximum block size {blockMax}");
            if (size > source.Length - at) throw new Lz4FrameException($"LZ4 block of {size} bytes at {at - 4} runs past the end of the data");
            ReadOnlySpan<byte> block = source.Slice(at, (int)size);
            at += (int)size;
            if (blockChecksum)
            {
                uint sum = ReadU32(source, ref at, "block checksum");
                if (sum != XxHash32.HashToUInt32(block)) throw new Lz4FrameException($"LZ4 block checksum mismatch at {at - 4}");
            }
            Span<byte> target = destination[written..];
            if (stored)
            {
                if (block.Length > target.Length) throw new Lz4FrameException("LZ4 data decodes to more bytes than expected");
                block.CopyTo(target);
                written += block.Length;
                continue;
            }
            if (target.Length > blockMax) target = target[..blockMax];
            int decoded;
            if (independent || written == 0)
            {
                decoded = LZ4Codec.Decode(block, target);
            }
            else
            {
                int window = Math.Min(written, LinkedWindow);
                decoded = LZ4Codec.Decode(block, target, destination.Slice(written - window, window));
            }
            if (decoded < 0) throw new Lz4FrameException("corrupt LZ4 block, or one that decodes to more bytes than expected");
            written += decoded;
        }
        if (contentChecksum)
        {
            uint sum = ReadU32(source, ref at, "content checksum");
            if (sum != XxHash32.HashToUInt32(destination[..written])) throw new Lz4FrameException("LZ4 content checksum mismatch");
        }
        if (hasContentSize && (ulong)written != contentSize)
            throw new Lz4FrameException($"LZ4 frame decodes to {written} bytes, but its header says {contentSize}");
        return written;
    }

    private static uint ReadU32(ReadOnlySpan<byte> source, ref int at, string what)
    {
        if (source.Length - at < 4) throw new Lz4FrameException($"truncated LZ4 data: no room for the {what} at {at}");
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(source[at..]);
        at += 4;
        return value;
    }

    /// <summary>Second byte of the xxHash32 (seed 0) of the frame descriptor from FLG up to the checksum.</summary>
    private static byte HeaderChecksum(ReadOnlySpan<byte> descriptor) => (byte)(XxHash32.HashToUInt32(descriptor) >> 8);
}
