using System.Text.Json;

namespace SwarmCoverage.Mcap.Tests;

/// <summary>
/// A recorder killed between chunks (simulated by cutting the file where the writer stood after a
/// <see cref="McapWriter.Flush"/>, or in the middle of the next chunk) leaves a file without a footer whose
/// complete chunks @mcap/core's McapStreamReader still reads, and so does <see cref="McapReader"/>, which
/// reports it as truncated.
/// </summary>
public sealed class TruncationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(McapCompression.None, false)]
    [InlineData(McapCompression.Zstd, false)]
    [InlineData(McapCompression.Lz4, false)]
    [InlineData(McapCompression.None, true)]
    [InlineData(McapCompression.Zstd, true)]
    [InlineData(McapCompression.Lz4, true)]
    public void A_file_cut_after_the_second_chunk_reads_up_to_its_complete_chunks(McapCompression compression, bool cutInsideThirdChunk)
    {
        var messages = TestData.Messages(21, 300, 3, (r, _) => r.Next(0, 400));
        using var stream = new MemoryStream();
        long afterSecond = 0;
        long afterThird;
        using (var writer = new McapWriter(stream, new McapWriterOptions { Compression = compression, Profile = "ros2", LeaveOpen = true }))
        {
            ushort schema = writer.AddSchema("geometry_msgs/msg/Twist", "ros2msg", "geometry_msgs/Vector3 linear\ngeometry_msgs/Vector3 angular\n"u8);
            for (int c = 0; c < 3; c++) writer.AddChannel(schema, $"/robot_{c}/cmd_vel", "cdr", TestData.Qos(c + 1));
            for (int i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                writer.AddMessage(m.ChannelId, m.Sequence, m.LogTime, m.PublishTime, m.Data);
                if (i is 99 or 199 or 249) writer.Flush();
                if (i == 199) afterSecond = writer.Position;
            }
            Assert.Equal(3, writer.ChunkCount);
            afterThird = writer.Position;
            writer.Complete();
        }
        long cut = cutInsideThirdChunk ? (afterSecond + afterThird) / 2 : afterSecond;
        byte[] truncated = stream.ToArray()[..(int)cut];
        string path = _temp.File("killed.mcap");
        File.WriteAllBytes(path, truncated);
        string[] expected = [.. messages.Take(200).Select(m => m.Key)];

        JsonElement result = NodeReference.RunJson("mcap-read.mjs", path);
        JsonElement js = result.GetProperty("stream");
        Assert.False(js.TryGetProperty("error", out JsonElement error), error.ToString());
        Assert.False(js.GetProperty("done").GetBoolean());
        Assert.Equal(2, js.GetProperty("chunks").GetArrayLength());
        Assert.Equal(expected, js.GetProperty("messages").EnumerateArray().Select(WrittenMessage.Describe));
        Assert.True(result.GetProperty("indexed").TryGetProperty("error", out _), "the indexed reader needs a footer");

        using var reader = McapReader.Open(path);
        Assert.Equal(expected, reader.ReadMessages().Select(WrittenMessage.Describe).ToArray());
        Assert.True(reader.IsTruncated);
        Assert.False(reader.IsComplete);
        Assert.Equal(afterSecond, reader.TruncatedAt);
        Assert.Equal(3, reader.Channels.Count);
    }

    [Fact]
    public void A_truncated_file_is_an_error_when_truncation_is_not_allowed()
    {
        var messages = TestData.Messages(22, 50, 1, (_, _) => 48);
        byte[] file = TestData.Write(new McapWriterOptions(), 1, messages);
        var e = Assert.Throws<McapFormatException>(() =>
        {
            using var reader = new McapReader(new MemoryStream(file[..^40]), "cut.mcap", new McapReaderOptions { AllowTruncated = false });
            foreach (var m in reader.ReadMessages()) Assert.True(m.Data.Length >= 0);
        });
        Assert.StartsWith("cut.mcap: offset ", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }
}
