using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace SwarmCoverage.Mcap.Tests;

/// <summary>
/// Corrupt and truncated files: the reader either throws <see cref="McapFormatException"/> (whose message names
/// the source and the offset) or reports truncation, never another exception, and never allocates more than a
/// small bound whatever the lengths in the file claim.
/// </summary>
public sealed class CorruptInputTests
{
    /// <summary>Bounds small enough that a lying length would show up in the allocation check.</summary>
    private static readonly McapReaderOptions Bounded = new() { MaxRecordSize = 1 << 20, MaxChunkSize = 1 << 20, MaxBufferedBytes = 4 << 20 };

    private static readonly List<WrittenMessage> Messages = TestData.Messages(31, 24, 3, (r, i) => i == 5 ? 3000 : r.Next(0, 90));

    /// <summary>A small zstd file of three chunks (flushed after messages 8 and 16), with metadata and an attachment, and where each chunk ends.</summary>
    private static readonly (byte[] File, long HeaderEnd, long[] ChunkEnds, int[] MessagesBefore) Small = MakeSmall(McapCompression.Zstd);

    private static readonly (byte[] File, long HeaderEnd, long[] ChunkEnds, int[] MessagesBefore) SmallLz4 = MakeSmall(McapCompression.Lz4);

    [Theory]
    [InlineData(McapCompression.Zstd, true)]
    [InlineData(McapCompression.Zstd, false)]
    [InlineData(McapCompression.Lz4, true)]
    [InlineData(McapCompression.None, false)]
    public void Truncated_at_every_offset_reads_every_complete_chunk_and_reports_truncation(McapCompression compression, bool seekable)
    {
        var small = compression switch { McapCompression.Zstd => Small, McapCompression.Lz4 => SmallLz4, _ => MakeSmall(compression) };
        string[] expected = [.. Messages.Select(m => m.Key)];
        for (int cut = 0; cut < small.File.Length; cut++)
        {
            var outcome = Read(small.File[..cut], seekable, McapReadOrder.File);
            if (cut < small.HeaderEnd)
            {
                Assert.True(outcome.Error is not null, $"cut at {cut}: a file without a whole Header is not MCAP");
                continue;
            }
            Assert.True(outcome.Error is null, $"cut at {cut}: {outcome.Error?.Message}");
            Assert.True(outcome.Truncated, $"cut at {cut}");
            int complete = 0;
            for (int k = 0; k < small.ChunkEnds.Length; k++)
                if (cut >= small.ChunkEnds[k]) complete = small.MessagesBefore[k];
            Assert.True(outcome.Messages.Count >= complete, $"cut at {cut}: {outcome.Messages.Count} messages, but {complete} are in complete chunks");
            Assert.Equal(expected[..outcome.Messages.Count], outcome.Messages);
        }
        var whole = Read(small.File, seekable, McapReadOrder.LogTime);
        Assert.Null(whole.Error);
        Assert.False(whole.Truncated);
        Assert.Equal(expected, whole.Messages);
    }

    [Property(MaxTest = 400, Replay = "(20250101,77)")]
    public Property A_flipped_byte_is_detected_or_harmless_on_a_seekable_stream()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, Small.File.Length - 1)), Arb.From(Gen.Choose(1, 255)), (position, xor) =>
        {
            byte[] file = (byte[])Small.File.Clone();
            file[position] ^= (byte)xor;
            var outcome = Read(file, seekable: true, McapReadOrder.LogTime);
            // The footer is found, so the file is not taken for a truncated one: either an error, or the messages
            // are exactly the ones written (a flip the format cannot see, such as a CRC turned to "not available").
            return outcome.Error is not null || (!outcome.Truncated && outcome.Messages.SequenceEqual(Messages.Select(m => m.Key)));
        });
    }

    [Property(MaxTest = 400, Replay = "(20250102,79)")]
    public Property A_flipped_byte_is_detected_or_harmless_on_a_non_seekable_stream()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, SmallLz4.File.Length - 1)), Arb.From(Gen.Choose(1, 255)), (position, xor) =>
        {
            byte[] file = (byte[])SmallLz4.File.Clone();
            file[position] ^= (byte)xor;
            var outcome = Read(file, seekable: false, McapReadOrder.LogTime);
            string[] expected = [.. Messages.Select(m => m.Key)];
            // Without the footer up front a length turned huge looks like a file that ends early: then the messages
            // read are still a correct prefix (every chunk's CRC was checked before its messages were returned).
            return outcome.Error is not null
                || (outcome.Truncated && outcome.Messages.SequenceEqual(expected.Take(outcome.Messages.Count)))
                || (!outcome.Truncated && outcome.Messages.SequenceEqual(expected));
        });
    }

    public static TheoryData<string, bool> Oversized() => new()
    {
        { "first chunk's record length = 2^64-1", true }, { "first chunk's record length = 2^64-1", false },
        { "first chunk's record length = 2^40", true }, { "first chunk's record length = 2^40", false },
        { "first chunk's uncompressed_size = 2^31", true }, { "first chunk's uncompressed_size = 2^31", false },
        { "first chunk's uncompressed_size = 2^20 (zstd frame says less)", true },
        { "first chunk's records length = 2^63", true }, { "first chunk's records length = 2^63", false },
        { "first schema's name length = 2^32-1", true }, { "first schema's name length = 2^32-1", false },
        { "footer's summary_start = 8", true },
        { "footer's summary_start = 2^62", true },
    };

    [Theory]
    [MemberData(nameof(Oversized))]
    public void Oversized_lengths_are_format_errors_without_large_allocations(string corruption, bool seekable)
    {
        byte[] file = (byte[])Small.File.Clone();
        var records = Records(file);
        var chunk = records.First(r => r.Opcode == McapOpcode.Chunk);
        var schema = records.First(r => r.Opcode == McapOpcode.Schema);
        int footerContent = file.Length - 8 - McapOpcodes.FooterContentLength;
        Span<byte> at = corruption switch
        {
            "first chunk's record length = 2^64-1" or "first chunk's record length = 2^40" => file.AsSpan((int)chunk.Offset + 1, 8),
            "first chunk's uncompressed_size = 2^31" or "first chunk's uncompressed_size = 2^20 (zstd frame says less)" => file.AsSpan((int)chunk.Offset + 9 + 16, 8),
            "first chunk's records length = 2^63" => file.AsSpan((int)chunk.Offset + 9 + 28 + 4 + 4, 8),
            "first schema's name length = 2^32-1" => file.AsSpan((int)schema.Offset + 9 + 2, 4),
            _ => file.AsSpan(footerContent, 8),
        };
        ulong value = corruption switch
        {
            "first chunk's record length = 2^64-1" => ulong.MaxValue,
            "first chunk's record length = 2^40" => 1ul << 40,
            "first chunk's uncompressed_size = 2^31" => 1ul << 31,
            "first chunk's uncompressed_size = 2^20 (zstd frame says less)" => 1ul << 20,
            "first chunk's records length = 2^63" => 1ul << 63,
            "first schema's name length = 2^32-1" => uint.MaxValue,
            "footer's summary_start = 8" => 8,
            _ => 1ul << 62,
        };
        if (at.Length == 4) BinaryPrimitives.WriteUInt32LittleEndian(at, (uint)value);
        else BinaryPrimitives.WriteUInt64LittleEndian(at, value);

        // Reading with the default bounds (256 MiB) as well: nothing near them may be allocated.
        foreach (McapReaderOptions options in new[] { Bounded, new McapReaderOptions() })
        {
            var outcome = Read(file, seekable, McapReadOrder.LogTime, options);
            if (!seekable && corruption.StartsWith("first chunk's record length", StringComparison.Ordinal) && options.MaxRecordSize > (1 << 20))
            {
                // Not seekable, and the length is beyond the bound: an error at once.
                Assert.NotNull(outcome.Error);
            }
            else
            {
                Assert.True(outcome.Error is not null, $"{corruption}: no error; truncated = {outcome.Truncated}, {outcome.Messages.Count} messages");
            }
            Assert.Contains("small.mcap: offset ", outcome.Error!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Errors_name_the_source_offset_and_record()
    {
        byte[] file = (byte[])Small.File.Clone();
        var chunk = Records(file).First(r => r.Opcode == McapOpcode.Chunk);
        file[(int)chunk.Offset + 9 + 28 + 4 + 4 + 8 + 20] ^= 0x55; // inside the compressed records
        var e = Assert.Throws<McapFormatException>(() =>
        {
            using var reader = new McapReader(new MemoryStream(file), "run-7.mcap");
            foreach (var m in reader.ReadMessages()) Assert.True(m.Data.Length >= 0);
        });
        Assert.StartsWith($"run-7.mcap: offset {chunk.Offset}: Chunk record (opcode 0x06): ", e.Message, StringComparison.Ordinal);
        Assert.Equal(chunk.Offset, e.Offset);
        Assert.Equal(McapOpcode.Chunk, e.Opcode);
        Assert.Equal("run-7.mcap", e.Source);
    }

    [Fact]
    public void Not_an_mcap_file_is_a_format_error()
    {
        var e = Assert.Throws<McapFormatException>(() => new McapReader(new MemoryStream("robots: 5\nworld: square\n"u8.ToArray()), "config.yaml"));
        Assert.Equal("config.yaml: offset 0: does not start with the MCAP magic (0x89 MCAP0 CR LF): not an MCAP file", e.Message);
    }

    internal sealed record Outcome(List<string> Messages, bool Truncated, McapFormatException? Error);

    /// <summary>
    /// Reads every message; only <see cref="McapFormatException"/> is caught, so any other exception fails the
    /// test. Checks that the read allocated no more than 2 MiB plus 8 times the file's size.
    /// </summary>
    internal static Outcome Read(byte[] file, bool seekable, McapReadOrder order, McapReaderOptions? options = null)
    {
        var messages = new List<string>();
        bool truncated = false;
        McapFormatException? error = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            Stream stream = seekable ? new MemoryStream(file, writable: false) : new NonSeekableStream(new MemoryStream(file, writable: false));
            using var reader = new McapReader(stream, "small.mcap", (options ?? Bounded) with { Order = order });
            while (reader.TryReadMessage(out McapMessage m)) messages.Add(WrittenMessage.Describe(m));
            truncated = reader.IsTruncated;
            Assert.True(reader.IsTruncated != reader.IsComplete);
        }
        catch (McapFormatException e)
        {
            error = e;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long bound = (2 << 20) + (8L * file.Length) + (messages.Count * 1024L);
        Assert.True(allocated < bound, $"reading {file.Length} bytes allocated {allocated} bytes (bound {bound}); {error?.Message}");
        return new Outcome(messages, truncated, error);
    }

    /// <summary>The top-level records of a file (offset, opcode, content length), to find the bytes to corrupt.</summary>
    internal static List<(long Offset, McapOpcode Opcode, ulong Length)> Records(byte[] file)
    {
        var list = new List<(long, McapOpcode, ulong)>();
        long at = 8;
        while (at + 9 <= file.Length - 8)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)at + 1));
            list.Add((at, (McapOpcode)file[at], length));
            at += 9 + (long)length;
        }
        return list;
    }

    private static (byte[] File, long HeaderEnd, long[] ChunkEnds, int[] MessagesBefore) MakeSmall(McapCompression compression)
    {
        using var stream = new MemoryStream();
        var ends = new List<long>();
        var before = new List<int>();
        long headerEnd;
        using (var writer = new McapWriter(stream, new McapWriterOptions { Compression = compression, Profile = "ros2", LeaveOpen = true }))
        {
            headerEnd = writer.Position;
            ushort schema = writer.AddSchema("geometry_msgs/msg/Twist", "ros2msg", "geometry_msgs/Vector3 linear\n"u8);
            for (int c = 0; c < 3; c++) writer.AddChannel(schema, $"/robot_{c}/cmd_vel", "cdr", TestData.Qos(c + 1));
            for (int i = 0; i < Messages.Count; i++)
            {
                var m = Messages[i];
                writer.AddMessage(m.ChannelId, m.Sequence, m.LogTime, m.PublishTime, m.Data);
                if (i is 7 or 15 or 23)
                {
                    writer.Flush();
                    ends.Add(writer.Position);
                    before.Add(i + 1);
                }
            }
            writer.AddMetadata("run", new Dictionary<string, string> { ["seed"] = "31" });
            writer.AddAttachment("config.yaml", "application/yaml", 1, 2, "robots: 3\n"u8);
            writer.Complete();
        }
        return (stream.ToArray(), headerEnd, [.. ends], [.. before]);
    }
}
