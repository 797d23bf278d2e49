using System.Security.Cryptography;
using System.Text.Json;

namespace SwarmCoverage.Mcap.Tests;

/// <summary>One message as written or expected: its fields and data.</summary>
internal sealed record WrittenMessage(ushort ChannelId, uint Sequence, ulong LogTime, ulong PublishTime, byte[] Data)
{
    public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Data));

    /// <summary>The fields and hash as the tests/js scripts print them, for comparing with one string.</summary>
    public string Key => Describe(ChannelId, Sequence, LogTime, PublishTime, Data.Length, Sha256);

    public static string Describe(ushort channel, uint sequence, ulong log, ulong publish, int size, string sha256) =>
        $"ch={channel} seq={sequence} log={log} pub={publish} size={size} sha256={sha256}";

    public static string Describe(McapMessage m) =>
        Describe(m.ChannelId, m.Sequence, m.LogTime, m.PublishTime, m.Data.Length, Convert.ToHexStringLower(SHA256.HashData(m.Data.Span)));

    /// <summary>A message object printed by tests/js (logTime etc. as decimal strings).</summary>
    public static string Describe(JsonElement m) =>
        Describe(
            (ushort)m.GetProperty("channelId").GetInt32(), m.GetProperty("sequence").GetUInt32(),
            ulong.Parse(m.GetProperty("logTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            ulong.Parse(m.GetProperty("publishTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            m.GetProperty("size").GetInt32(), m.GetProperty("sha256").GetString()!);
}

/// <summary>Deterministic recordings (fixed seeds) written with <see cref="McapWriter"/>.</summary>
internal static class TestData
{
    /// <summary>ROS 2 QoS metadata as rosbag2 writes it for a channel.</summary>
    public static Dictionary<string, string> Qos(int depth) => new()
    {
        ["offered_qos_profiles"] = $"- history: keep_last\n  depth: {depth}\n  reliability: reliable\n  durability: volatile\n",
    };

    public static byte[] Payload(Random random, int size, bool compressible)
    {
        byte[] data = new byte[size];
        if (compressible)
            for (int i = 0; i < size; i++) data[i] = (byte)((i * 7) + (i >> 9));
        else random.NextBytes(data);
        return data;
    }

    /// <summary>
    /// Writes <paramref name="messages"/> on <paramref name="channels"/> channels (two "ros2msg" schemas; the last of
    /// several channels has none) and returns the file's bytes.
    /// </summary>
    public static byte[] Write(McapWriterOptions options, int channels, IReadOnlyList<WrittenMessage> messages, Action<McapWriter>? extra = null)
    {
        using var stream = new MemoryStream();
        using (var writer = new McapWriter(stream, options with { LeaveOpen = true }))
        {
            // No schema either in a file without channels.
            ushort twist = channels == 0 ? (ushort)0 : writer.AddSchema("geometry_msgs/msg/Twist", "ros2msg", "geometry_msgs/Vector3 linear\ngeometry_msgs/Vector3 angular\n"u8);
            ushort pose = channels == 0 ? (ushort)0 : writer.AddSchema("geometry_msgs/msg/Pose2D", "ros2msg", "float64 x\nfloat64 y\nfloat64 theta\n"u8);
            for (int c = 0; c < channels; c++)
            {
                ushort schema = c == channels - 1 && channels > 1 ? (ushort)0 : c % 2 == 0 ? twist : pose;
                ushort id = writer.AddChannel(schema, $"/robot_{c}/cmd_vel", "cdr", Qos(c + 1));
                Assert.Equal(c + 1, id);
            }
            foreach (var m in messages) writer.AddMessage(m.ChannelId, m.Sequence, m.LogTime, m.PublishTime, m.Data);
            extra?.Invoke(writer);
            writer.Complete();
        }
        return stream.ToArray();
    }

    /// <summary>Messages on channels 1..channels with increasing log times and sizes drawn from <paramref name="sizes"/>.</summary>
    public static List<WrittenMessage> Messages(int seed, int count, int channels, Func<Random, int, int> sizes)
    {
        var random = new Random(seed);
        var list = new List<WrittenMessage>(count);
        ulong t = 1_700_000_000_000_000_000;
        for (int i = 0; i < count; i++)
        {
            t += (ulong)random.Next(1, 50_000_000);
            ushort channel = (ushort)random.Next(1, channels + 1);
            list.Add(new WrittenMessage(channel, (uint)i, t, t - (ulong)random.Next(0, 1000), Payload(random, sizes(random, i), i % 4 == 0)));
        }
        return list;
    }
}
