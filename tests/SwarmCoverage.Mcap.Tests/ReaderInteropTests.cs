using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace SwarmCoverage.Mcap.Tests;

/// <summary>
/// Files written by Foxglove's @mcap/core McapWriter (tests/js/mcap-write.mjs: zstd from @foxglove/wasm-zstd, LZ4
/// frames from lz4js, none; chunked and not; jittered log times, so messages are out of log-time order within
/// and across chunks) are read by <see cref="McapReader"/> with the content the script reports it wrote.
/// </summary>
public sealed class ReaderInteropTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("none", true, false)]
    [InlineData("zstd", true, false)]
    [InlineData("lz4", true, false)]
    [InlineData("zstd", true, true)]
    [InlineData("lz4", true, true)]
    [InlineData("none", false, false)]
    [InlineData("none", false, true)]
    public void Files_written_by_mcap_core_read_with_identical_content(string compression, bool chunked, bool big)
    {
        string path = _temp.File($"js-{compression}-{chunked}.mcap");
        string[] args = big ? [path, compression, chunked ? "true" : "false", "7", "BIG"] : [path, compression, chunked ? "true" : "false", "7"];
        JsonElement manifest = NodeReference.RunJson("mcap-write.mjs", args);
        var written = manifest.GetProperty("messages").EnumerateArray().Select(WrittenMessage.Describe).ToList();
        var writtenLogTimes = manifest.GetProperty("messages").EnumerateArray()
            .Select(m => ulong.Parse(m.GetProperty("logTime").GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.True(writtenLogTimes.Zip(writtenLogTimes.Skip(1)).Any(p => p.Second < p.First), "the script should write some messages out of log-time order");

        using (var reader = McapReader.Open(path))
        {
            Assert.Equal(new McapHeader("ros2", "@mcap/core test writer"), reader.Header);
            AssertSchemasAndChannels(manifest, reader);

            // Log-time order, ties in file order: exact across chunks from the chunk indexes; without chunks the
            // file has no index and the messages come in file order.
            var got = reader.ReadMessages().Select(WrittenMessage.Describe).ToList();
            if (chunked)
            {
                Assert.True(reader.IsExactLogTimeOrder);
                var expected = written.Select((key, i) => (key, i)).OrderBy(p => writtenLogTimes[p.i]).ThenBy(p => p.i).Select(p => p.key);
                Assert.Equal(expected, got);
            }
            else
            {
                Assert.False(reader.IsExactLogTimeOrder);
                Assert.Equal(written, got);
            }
            Assert.True(reader.IsComplete);
            Assert.False(reader.IsTruncated);

            McapStatistics stats = reader.Statistics!;
            Assert.Equal((ulong)written.Count, stats.MessageCount);
            Assert.Equal(writtenLogTimes.Min(), stats.MessageStartTime);
            Assert.Equal(writtenLogTimes.Max(), stats.MessageEndTime);
            Assert.Equal(5u, stats.ChannelCount);
            Assert.Equal(1u, stats.AttachmentCount);
            Assert.Equal(1u, stats.MetadataCount);

            McapMetadata metadata = Assert.Single(reader.Metadata);
            Assert.Equal("run", metadata.Name);
            Assert.Equal(new Dictionary<string, string> { ["controller"] = "lloyd", ["seed"] = "7" }, metadata.Values);
            McapAttachment attachment = Assert.Single(reader.Attachments);
            JsonElement expectedAttachment = manifest.GetProperty("attachments")[0];
            Assert.Equal(("config.yaml", "application/yaml", 5ul, 4ul), (attachment.Name, attachment.MediaType, attachment.LogTime, attachment.CreateTime));
            Assert.Equal(expectedAttachment.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(attachment.Data.Span)));
        }

        // File order, and a stream that cannot seek (no summary first): the messages exactly as written.
        using (var reader = McapReader.Open(path, new McapReaderOptions { Order = McapReadOrder.File }))
            Assert.Equal(written, reader.ReadMessages().Select(WrittenMessage.Describe));
        using (var reader = new McapReader(new NonSeekableStream(File.OpenRead(path)), path))
        {
            Assert.False(reader.IsExactLogTimeOrder);
            var got = reader.ReadMessages().Select(WrittenMessage.Describe).ToList();
            Assert.Equal(written.Order(StringComparer.Ordinal), got.Order(StringComparer.Ordinal));
            Assert.True(reader.IsComplete);
            Assert.Equal((ulong)written.Count, reader.Statistics!.MessageCount);
        }
    }

    private static void AssertSchemasAndChannels(JsonElement manifest, McapReader reader)
    {
        foreach (JsonElement s in manifest.GetProperty("schemas").EnumerateArray())
        {
            McapSchema schema = reader.Schemas[(ushort)s.GetProperty("id").GetInt32()];
            Assert.Equal(s.GetProperty("name").GetString(), schema.Name);
            Assert.Equal(s.GetProperty("encoding").GetString(), schema.Encoding);
            Assert.Equal(s.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(schema.Data.Span)));
        }
        Assert.Equal(manifest.GetProperty("channels").GetArrayLength(), reader.Channels.Count);
        foreach (JsonElement c in manifest.GetProperty("channels").EnumerateArray())
        {
            McapChannel channel = reader.Channels[(ushort)c.GetProperty("id").GetInt32()];
            Assert.Equal(c.GetProperty("topic").GetString(), channel.Topic);
            Assert.Equal(c.GetProperty("messageEncoding").GetString(), channel.MessageEncoding);
            Assert.Equal(c.GetProperty("schemaId").GetInt32(), channel.SchemaId);
            var metadata = c.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            Assert.Equal(metadata, channel.Metadata);
        }
    }
}

/// <summary>A read-only stream that hides its length and position, as a pipe would.</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
