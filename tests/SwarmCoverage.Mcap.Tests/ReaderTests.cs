namespace SwarmCoverage.Mcap.Tests;

/// <summary>
/// Reader behaviour beyond the format itself (which the interop tests check against @mcap/core): the bound on
/// chunks held while merging overlapping chunks, and what is known before the first message.
/// </summary>
public sealed class ReaderTests
{
    [Fact]
    public void Overlapping_chunks_beyond_MaxBufferedBytes_are_rejected_and_read_in_file_order()
    {
        // Every chunk spans the whole time range, so an exact merge has to hold all of them at once.
        var random = new Random(9);
        var messages = TestData.Messages(9, 2000, 2, (_, _) => 200).Select(m => m with { LogTime = (ulong)random.Next(1, 1_000_000) }).ToList();
        byte[] file = TestData.Write(new McapWriterOptions { ChunkSize = 8 << 10 }, 2, messages);
        var e = Assert.Throws<McapFormatException>(() =>
        {
            using var reader = new McapReader(new MemoryStream(file), "overlap.mcap", new McapReaderOptions { MaxBufferedBytes = 64 << 10 });
            foreach (var m in reader.ReadMessages()) Assert.True(m.Data.Length >= 0);
        });
        Assert.Contains("MaxBufferedBytes", e.Message, StringComparison.Ordinal);

        using (var reader = new McapReader(new MemoryStream(file), "overlap.mcap", new McapReaderOptions { MaxBufferedBytes = 64 << 10, Order = McapReadOrder.File }))
            Assert.Equal(messages.Select(m => m.Key), reader.ReadMessages().Select(WrittenMessage.Describe));
        using (var reader = new McapReader(new MemoryStream(file), "overlap.mcap"))
            Assert.Equal(messages.OrderBy(m => m.LogTime).Select(m => m.Key), reader.ReadMessages().Select(WrittenMessage.Describe));
    }

    [Fact]
    public void On_a_seekable_stream_channels_and_statistics_are_known_before_the_first_message()
    {
        var messages = TestData.Messages(4, 100, 5, (_, _) => 48);
        byte[] file = TestData.Write(new McapWriterOptions { Profile = "ros2" }, 5, messages);
        using var reader = new McapReader(new MemoryStream(file), "run.mcap");
        Assert.Equal(new McapHeader("ros2", "SwarmCoverage.Mcap"), reader.Header);
        Assert.Equal(5, reader.Channels.Count);
        Assert.Equal("/robot_4/cmd_vel", reader.Channels[5].Topic);
        Assert.Null(reader.Channels[5].Schema);
        Assert.Equal("geometry_msgs/msg/Twist", reader.Channels[1].Schema!.Name);
        Assert.Equal(100ul, reader.Statistics!.MessageCount);
        Assert.Equal(messages.Count(m => m.ChannelId == 3), (int)reader.Statistics.ChannelMessageCounts[3]);
        Assert.Equal(messages.Select(m => m.Key), reader.ReadMessages().Select(WrittenMessage.Describe));
    }
}
