namespace SwarmCoverage.Mcap.Tests;

/// <summary>The writer's API contract: steady-state allocation, chunking, argument checks, completion on dispose.</summary>
public sealed class WriterTests
{
    [Theory]
    [InlineData(McapCompression.None, 48)]
    [InlineData(McapCompression.Zstd, 48)]
    [InlineData(McapCompression.Lz4, 48)]
    [InlineData(McapCompression.Zstd, 1000)]
    public void AddMessage_allocates_nothing_per_message_in_steady_state(McapCompression compression, int size)
    {
        using var writer = new McapWriter(Stream.Null, new McapWriterOptions { Compression = compression });
        ushort schema = writer.AddSchema("geometry_msgs/msg/Twist", "ros2msg", "geometry_msgs/Vector3 linear\n"u8);
        ushort[] channels = [.. Enumerable.Range(0, 20).Select(c => writer.AddChannel(schema, $"/robot_{c}/cmd_vel", "cdr", TestData.Qos(1)))];
        byte[] data = TestData.Payload(new Random(3), size, compressible: false);
        void Write(int from, int count)
        {
            for (int i = from; i < from + count; i++) writer.AddMessage(channels[i % channels.Length], (uint)i, (ulong)i * 1000, (ulong)i * 1000, data);
        }
        Write(0, 50_000); // every buffer grown to its steady size
        const int Count = 100_000;
        // Per chunk the writer keeps a chunk index entry: the record and one (channel, offset) pair per channel
        // in the chunk, about 450 bytes with 20 channels, plus the index list's occasional doubling. Nothing is
        // allocated per message: even one byte per message would exceed this bound (a chunk holds hundreds) in every
        // block. Up to three blocks are measured, and one must be within the bound: the runtime's own work on this
        // thread while the JIT replaces the loop's code (a few kilobytes, seen once in CI) is not the writer's.
        var seen = new List<string>();
        for (int block = 0; block < 3; block++)
        {
            int chunksBefore = writer.ChunkCount;
            long before = GC.GetAllocatedBytesForCurrentThread();
            Write(50_000 + block * Count, Count);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            int chunks = writer.ChunkCount - chunksBefore;
            Assert.True(chunks > 3, $"{chunks} chunks");
            long bound = (chunks * 600L) + 4096;
            if (allocated < bound) return;
            seen.Add($"{allocated} bytes for {Count} messages in {chunks} chunks (bound {bound})");
        }

        Assert.Fail(string.Join("; ", seen));
    }

    [Fact]
    public void A_message_larger_than_a_chunk_gets_a_chunk_of_its_own()
    {
        using var stream = new MemoryStream();
        using var writer = new McapWriter(stream, new McapWriterOptions { ChunkSize = 1000, LeaveOpen = true });
        ushort channel = writer.AddChannel(0, "/big", "cdr");
        writer.AddMessage(channel, 0, 1, 1, new byte[100]);
        Assert.Equal(0, writer.ChunkCount);
        writer.AddMessage(channel, 1, 2, 2, new byte[5000]);
        Assert.Equal(2, writer.ChunkCount); // the small one's chunk was closed first, then the big one's
        writer.AddMessage(channel, 2, 3, 3, new byte[100]);
        Assert.Equal(2, writer.ChunkCount);
        writer.Complete();
        Assert.Equal(3, writer.ChunkCount);
    }

    [Fact]
    public void Flush_writes_the_open_chunk_and_nothing_when_there_is_none()
    {
        using var stream = new MemoryStream();
        using var writer = new McapWriter(stream, new McapWriterOptions { LeaveOpen = true });
        long afterHeader = writer.Position;
        Assert.Equal(afterHeader, stream.Length);
        writer.Flush();
        Assert.Equal(afterHeader, stream.Length);
        ushort channel = writer.AddChannel(0, "/a", "cdr");
        writer.AddMessage(channel, 0, 1, 1, new byte[10]);
        Assert.Equal(afterHeader, stream.Length); // buffered in the chunk
        writer.Flush();
        Assert.Equal(1, writer.ChunkCount);
        Assert.Equal(writer.Position, stream.Length);
        writer.Flush();
        Assert.Equal(1, writer.ChunkCount);
    }

    [Fact]
    public void Every_finished_chunk_reaches_the_file_without_Flush_even_through_a_buffered_FileStream()
    {
        // What a killed recorder leaves: whatever the operating system has. A 64 KiB FileStream buffer would
        // otherwise hold these ~2 KB chunks back until it filled.
        using var temp = new TempDirectory();
        string path = temp.File("live.mcap");
        var messages = TestData.Messages(5, 60, 2, (_, _) => 100);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        using var writer = new McapWriter(file, new McapWriterOptions { ChunkSize = 2000, Compression = McapCompression.None });
        writer.AddChannel(0, "/robot_0/cmd_vel", "cdr");
        writer.AddChannel(0, "/robot_1/cmd_vel", "cdr");
        foreach (var m in messages) writer.AddMessage(m.ChannelId, m.Sequence, m.LogTime, m.PublishTime, m.Data);
        Assert.True(writer.ChunkCount >= 2, $"{writer.ChunkCount} chunks");

        Assert.Equal(writer.Position, new FileInfo(path).Length);
        using var reader = McapReader.Open(path);
        string[] read = [.. reader.ReadMessages().Select(WrittenMessage.Describe)];
        Assert.True(reader.IsTruncated);
        Assert.Equal(writer.Position, reader.TruncatedAt);
        Assert.InRange(read.Length, 2, messages.Count - 1); // the open chunk's messages are not in the file yet
        Assert.Equal(messages.Take(read.Length).Select(m => m.Key), read);
    }

    [Fact]
    public void Create_writes_a_file_that_is_readable_while_written_and_complete_after_dispose()
    {
        using var temp = new TempDirectory();
        string path = temp.File("run.mcap");
        var messages = TestData.Messages(6, 50, 1, (_, _) => 48);
        using (var writer = McapWriter.Create(path, new McapWriterOptions { Profile = "ros2", LeaveOpen = true }))
        {
            ushort channel = writer.AddChannel(0, "/robot_0/cmd_vel", "cdr");
            for (int i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                writer.AddMessage(channel, m.Sequence, m.LogTime, m.PublishTime, m.Data);
                if (i == 29) writer.Flush();
            }
            writer.AddMetadata("run", new Dictionary<string, string> { ["seed"] = "6" });
            using var live = McapReader.Open(path);
            Assert.Equal(messages.Take(30).Select(m => m.Key), live.ReadMessages().Select(WrittenMessage.Describe));
            Assert.True(live.IsTruncated);
            Assert.Equal("6", Assert.Single(live.Metadata).Values["seed"]);
        }

        using (var reader = McapReader.Open(path))
        {
            Assert.Equal(messages.Select(m => m.Key), reader.ReadMessages().Select(WrittenMessage.Describe));
            Assert.True(reader.IsComplete);
            Assert.Equal(50ul, reader.Statistics!.MessageCount);
            Assert.Equal("ros2", reader.Header.Profile);
        }
        // LeaveOpen was ignored: the writer closed its file, so it can be opened exclusively.
        new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose();
    }

    [Fact]
    public void Arguments_and_state_are_checked()
    {
        using var writer = new McapWriter(new MemoryStream());
        ushort channel = writer.AddChannel(0, "/a", "cdr");
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddMessage((ushort)(channel + 1), 0, 0, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.AddChannel(7, "/b", "cdr"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new McapWriter(new MemoryStream(), new McapWriterOptions { ChunkSize = 0 }));
        writer.Complete();
        Assert.Throws<InvalidOperationException>(() => writer.AddMessage(channel, 0, 0, 0, []));
        Assert.Throws<InvalidOperationException>(() => writer.Complete());
    }

    [Fact]
    public void Dispose_completes_the_file_and_a_failed_stream_is_not_written_again()
    {
        using var stream = new MemoryStream();
        using (var writer = new McapWriter(stream, new McapWriterOptions { LeaveOpen = true }))
            writer.AddMessage(writer.AddChannel(0, "/a", "cdr"), 0, 1, 1, [1, 2, 3]);
        using (var reader = new McapReader(new MemoryStream(stream.ToArray()), "disposed.mcap"))
        {
            Assert.Single(reader.ReadMessages());
            Assert.True(reader.IsComplete);
        }

        var failing = new FailingStream();
        var w = new McapWriter(failing, new McapWriterOptions { ChunkSize = 100 });
        ushort c = w.AddChannel(0, "/a", "cdr");
        failing.Fail = true;
        Assert.Throws<IOException>(() => w.AddMessage(c, 0, 1, 1, new byte[200]));
        Assert.Throws<InvalidOperationException>(() => w.AddMessage(c, 1, 2, 2, new byte[2]));
        w.Dispose(); // does not throw: the file is broken already, so no footer is attempted
    }

    private sealed class FailingStream : MemoryStream
    {
        public bool Fail { get; set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (Fail) throw new IOException("disk full");
            base.Write(buffer);
        }
    }
}
