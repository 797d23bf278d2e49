using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SwarmCoverage.Mcap.Tests;

/// <summary>
/// Files written by <see cref="McapWriter"/> are read by Foxglove's @mcap/core (tests/js/mcap-read.mjs): its
/// indexed reader (footer, summary, chunk and message indexes, chunk and summary CRCs) and its streaming
/// reader (file order, chunk CRCs) both return exactly the messages written, the statistics count them, and
/// the data section CRC matches one computed by @foxglove/crc.
/// </summary>
public sealed class WriterInteropTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public enum Scenario
    {
        /// <summary>40 channels, 3000 small messages, 16 KiB chunks: many chunks, every channel in many of them.</summary>
        ManyChannels,

        /// <summary>No schema, no channel, no message.</summary>
        Empty,

        /// <summary>Schemas and channels but no message.</summary>
        ChannelsOnly,

        /// <summary>A single message.</summary>
        OneMessage,

        /// <summary>4 KiB chunks with 10 KiB messages and a 5 MiB one (more than one 4 MiB LZ4 block) among small ones.</summary>
        LargerThanChunk,
    }

    public static TheoryData<McapCompression, Scenario> Cases()
    {
        var data = new TheoryData<McapCompression, Scenario>();
        foreach (McapCompression c in Enum.GetValues<McapCompression>())
            foreach (Scenario s in Enum.GetValues<Scenario>()) data.Add(c, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Foxglove_readers_return_exactly_what_was_written(McapCompression compression, Scenario scenario)
    {
        var (options, channels, messages) = Build(compression, scenario);
        byte[] file = TestData.Write(options, channels, messages, w =>
        {
            if (scenario == Scenario.ManyChannels)
            {
                w.AddMetadata("run", new Dictionary<string, string> { ["seed"] = "11", ["controller"] = "lloyd" });
                w.AddAttachment("config.yaml", "application/yaml", 5, 4, "robots: 40\n"u8);
            }
        });
        string path = _temp.File("ours.mcap");
        File.WriteAllBytes(path, file);
        JsonElement result = NodeReference.RunJson("mcap-read.mjs", path);

        JsonElement indexed = result.GetProperty("indexed");
        Assert.False(indexed.TryGetProperty("error", out JsonElement error), error.ToString());
        Assert.Equal("ros2", indexed.GetProperty("header").GetProperty("profile").GetString());
        Assert.Equal("SwarmCoverage.Mcap tests", indexed.GetProperty("header").GetProperty("library").GetString());

        // Every message, in log-time order (the written log times increase), with its bytes.
        string[] expected = [.. messages.Select(m => m.Key)];
        Assert.Equal(expected, indexed.GetProperty("messages").EnumerateArray().Select(WrittenMessage.Describe));

        // Schemas and channels come from the summary.
        int schemas = scenario == Scenario.Empty ? 0 : 2;
        Assert.Equal(schemas, indexed.GetProperty("schemas").GetArrayLength());
        var channelTopics = indexed.GetProperty("channels").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetInt32(), c => c.GetProperty("topic").GetString());
        Assert.Equal(channels, channelTopics.Count);
        for (int c = 0; c < channels; c++) Assert.Equal($"/robot_{c}/cmd_vel", channelTopics[c + 1]);
        if (channels > 0)
        {
            JsonElement first = indexed.GetProperty("channels")[0];
            Assert.Equal("cdr", first.GetProperty("messageEncoding").GetString());
            Assert.Equal(TestData.Qos(1)["offered_qos_profiles"], first.GetProperty("metadata").GetProperty("offered_qos_profiles").GetString());
        }

        // Statistics.
        JsonElement stats = indexed.GetProperty("statistics");
        Assert.Equal(messages.Count.ToString(CultureInfo.InvariantCulture), stats.GetProperty("messageCount").GetString());
        Assert.Equal(schemas, stats.GetProperty("schemaCount").GetInt32());
        Assert.Equal(channels, stats.GetProperty("channelCount").GetInt32());
        Assert.Equal(messages.Count == 0 ? "0" : messages.Min(m => m.LogTime).ToString(CultureInfo.InvariantCulture), stats.GetProperty("messageStartTime").GetString());
        Assert.Equal(messages.Count == 0 ? "0" : messages.Max(m => m.LogTime).ToString(CultureInfo.InvariantCulture), stats.GetProperty("messageEndTime").GetString());
        var counts = stats.GetProperty("channelMessageCounts").EnumerateObject()
            .ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => long.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture));
        for (int c = 1; c <= channels; c++) Assert.Equal(messages.Count(m => m.ChannelId == c), counts[c]);
        int chunkCount = stats.GetProperty("chunkCount").GetInt32();
        Assert.Equal(indexed.GetProperty("chunkIndexes").GetArrayLength(), chunkCount);
        if (scenario is Scenario.ManyChannels or Scenario.LargerThanChunk) Assert.True(chunkCount > 5, $"{chunkCount} chunks");

        // The summary and its offsets; the CRCs are set (and @mcap/core checked the summary and chunk CRCs).
        Assert.NotEqual("0", indexed.GetProperty("footer").GetProperty("summaryStart").GetString());
        Assert.NotEqual(0u, indexed.GetProperty("footer").GetProperty("summaryCrc").GetUInt32());
        var groups = indexed.GetProperty("summaryOffsetOpcodes").EnumerateArray().Select(e => e.GetInt32()).ToList();
        Assert.Contains((int)McapOpcode.Statistics, groups);
        if (channels > 0) Assert.Contains((int)McapOpcode.Channel, groups);
        if (chunkCount > 0) Assert.Contains((int)McapOpcode.ChunkIndex, groups);
        JsonElement dataCrc = result.GetProperty("dataSectionCrc");
        Assert.NotEqual(0u, dataCrc.GetProperty("recorded").GetUInt32());
        Assert.Equal(dataCrc.GetProperty("computed").GetUInt32(), dataCrc.GetProperty("recorded").GetUInt32());
        foreach (JsonElement chunk in indexed.GetProperty("chunkIndexes").EnumerateArray())
            Assert.Equal(Name(compression), chunk.GetProperty("compression").GetString());

        // The streaming reader: the same messages in file order, every chunk with a CRC, and the footer reached.
        JsonElement stream = result.GetProperty("stream");
        Assert.True(stream.GetProperty("done").GetBoolean(), stream.ToString());
        Assert.Equal(JsonValueKind.Undefined, stream.TryGetProperty("error", out JsonElement streamError) ? streamError.ValueKind : JsonValueKind.Undefined);
        Assert.Equal(expected, stream.GetProperty("messages").EnumerateArray().Select(WrittenMessage.Describe));
        Assert.Equal(chunkCount, stream.GetProperty("chunks").GetArrayLength());
        foreach (JsonElement chunk in stream.GetProperty("chunks").EnumerateArray())
        {
            Assert.NotEqual(0u, chunk.GetProperty("uncompressedCrc").GetUInt32());
            Assert.Equal(Name(compression), chunk.GetProperty("compression").GetString());
        }

        if (scenario == Scenario.ManyChannels)
        {
            JsonElement attachment = indexed.GetProperty("attachments")[0];
            Assert.Equal("config.yaml", attachment.GetProperty("name").GetString());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("robots: 40\n"u8)), attachment.GetProperty("sha256").GetString());
            JsonElement metadata = indexed.GetProperty("metadata")[0];
            Assert.Equal("run", metadata.GetProperty("name").GetString());
            Assert.Equal("lloyd", metadata.GetProperty("metadata").GetProperty("controller").GetString());
        }
    }

    [Theory]
    [InlineData(McapCompression.None)]
    [InlineData(McapCompression.Zstd)]
    [InlineData(McapCompression.Lz4)]
    public void Out_of_order_log_times_are_ordered_by_the_indexed_reader(McapCompression compression)
    {
        // Log times shuffled within and across chunks: the chunk and message indexes must say where each one is.
        var random = new Random(5);
        var messages = TestData.Messages(5, 800, 6, (r, _) => r.Next(0, 120));
        var shuffled = messages.Select(m => m with { LogTime = (ulong)random.NextInt64(1, 1L << 40) }).ToList();
        byte[] file = TestData.Write(new McapWriterOptions { Compression = compression, ChunkSize = 8 << 10, Profile = "ros2", Library = "SwarmCoverage.Mcap tests" }, 6, shuffled);
        string path = _temp.File("shuffled.mcap");
        File.WriteAllBytes(path, file);
        JsonElement result = NodeReference.RunJson("mcap-read.mjs", path);
        JsonElement indexed = result.GetProperty("indexed");
        Assert.False(indexed.TryGetProperty("error", out JsonElement error), error.ToString());
        Assert.Equal(shuffled.OrderBy(m => m.LogTime).Select(m => m.Key), indexed.GetProperty("messages").EnumerateArray().Select(WrittenMessage.Describe));
        Assert.Equal(shuffled.Select(m => m.Key), result.GetProperty("stream").GetProperty("messages").EnumerateArray().Select(WrittenMessage.Describe));
    }

    private static string Name(McapCompression c) => c switch
    {
        McapCompression.Zstd => "zstd",
        McapCompression.Lz4 => "lz4",
        _ => "",
    };

    internal static (McapWriterOptions Options, int Channels, List<WrittenMessage> Messages) Build(McapCompression compression, Scenario scenario)
    {
        var options = new McapWriterOptions { Compression = compression, Profile = "ros2", Library = "SwarmCoverage.Mcap tests" };
        return scenario switch
        {
            Scenario.ManyChannels => (options with { ChunkSize = 16 << 10 }, 40, TestData.Messages(11, 3000, 40, (r, _) => r.Next(0, 200))),
            Scenario.Empty => (options, 0, []),
            Scenario.ChannelsOnly => (options, 3, []),
            Scenario.OneMessage => (options, 1, TestData.Messages(12, 1, 1, (_, _) => 48)),
            Scenario.LargerThanChunk => (options with { ChunkSize = 4 << 10 }, 4,
                TestData.Messages(13, 60, 4, (r, i) => i == 30 ? 5 << 20 : i % 7 == 0 ? 10 << 10 : r.Next(0, 300))),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };
    }

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
