using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace SwarmCoverage.Foxglove.Tests.Infrastructure;

/// <summary>Servers on a free loopback port for the tests.</summary>
internal static class Servers
{
    public static readonly ChannelInfo Odom = new("/robot_0/odom", "cdr", "nav_msgs/msg/Odometry", "# nav_msgs/msg/Odometry\nstd_msgs/Header header\n", "ros2msg");

    public static async Task<FoxgloveServer> StartAsync(
        Action<FoxgloveServerOptions>? configure = null,
        IClientPublishHandler? clientPublish = null,
        IParameterProvider? parameters = null,
        TimeProvider? time = null)
    {
        FoxgloveServerOptions options = new() { Port = 0, Name = "test server" };
        configure?.Invoke(options);
        FoxgloveServer server = new(options, clientPublish, parameters, time);
        await server.StartAsync();
        return server;
    }

    /// <summary>Polls <paramref name="condition"/>; fails with <paramref name="what"/> (and the drivers' output) on timeout.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, params NodeScript[] drivers)
    {
        long start = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(start) > NodeScript.DefaultTimeout)
            {
                Assert.Fail($"timed out waiting for {what}\n{string.Join("\n", drivers.Select(d => d.Describe()))}");
            }

            await Task.Delay(5);
        }
    }

    public static string Text(this JsonElement e, string property) => e.GetProperty(property).GetString()!;

    public static int Int(this JsonElement e, string property) => e.GetProperty(property).GetInt32();
}

/// <summary>An <see cref="IClientPublishHandler"/> that records what it gets and rejects the topics it is told to.</summary>
internal sealed class RecordingPublishHandler : IClientPublishHandler
{
    public ConcurrentQueue<(string Topic, string SchemaName, string Encoding, byte[] Payload)> Messages { get; } = new();

    public ConcurrentQueue<ClientChannel> Advertised { get; } = new();

    public ConcurrentQueue<ClientChannel> Unadvertised { get; } = new();

    public Dictionary<string, string> RejectMessagesOn { get; } = [];

    public Dictionary<string, string> RejectAdvertisementsOf { get; } = [];

    public ClientPublishResult OnClientAdvertise(ClientChannel channel)
    {
        Advertised.Enqueue(channel);
        return RejectAdvertisementsOf.TryGetValue(channel.Topic, out string? why) ? ClientPublishResult.Rejected(why) : ClientPublishResult.Accepted;
    }

    public ClientPublishResult OnClientMessage(string topic, string schemaName, string encoding, ReadOnlySpan<byte> payload)
    {
        Messages.Enqueue((topic, schemaName, encoding, payload.ToArray()));
        if (topic == "/throws")
        {
            throw new InvalidOperationException("handler bug");
        }

        return RejectMessagesOn.TryGetValue(topic, out string? why) ? ClientPublishResult.Rejected(why) : ClientPublishResult.Accepted;
    }

    public void OnClientUnadvertise(ClientChannel channel) => Unadvertised.Enqueue(channel);
}
