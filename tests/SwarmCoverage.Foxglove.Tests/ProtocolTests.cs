using System.Text.Json;
using SwarmCoverage.Foxglove.Tests.Infrastructure;

namespace SwarmCoverage.Foxglove.Tests;

/// <summary>The server against Foxglove's own client (FoxgloveClient of @foxglove/ws-protocol, foxglove.websocket.v1).</summary>
public sealed class ProtocolTests
{
    [Fact]
    public async Task ServerInfo_and_advertisements_reach_FoxgloveClient()
    {
        await using FoxgloveServer server = await Servers.StartAsync(o => o.Metadata = new Dictionary<string, string> { ["robots"] = "4" });
        uint odom = server.AddChannel(Servers.Odom);
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());

        JsonElement open = await client.NextAsync("open");
        Assert.Equal("foxglove.websocket.v1", open.Text("protocol"));
        JsonElement info = await client.NextAsync("serverInfo");
        Assert.Equal("serverInfo", info.Text("op"));
        Assert.Equal("test server", info.Text("name"));
        Assert.Empty(info.GetProperty("capabilities").EnumerateArray());
        Assert.Equal(["cdr"], info.GetProperty("supportedEncodings").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("4", info.GetProperty("metadata").Text("robots"));
        Assert.False(string.IsNullOrEmpty(info.Text("sessionId")));

        JsonElement first = (await client.NextAsync("advertise")).GetProperty("channels")[0];
        Assert.Equal(odom, first.GetProperty("id").GetUInt32());
        Assert.Equal("/robot_0/odom", first.Text("topic"));
        Assert.Equal("cdr", first.Text("encoding"));
        Assert.Equal("nav_msgs/msg/Odometry", first.Text("schemaName"));
        Assert.Equal(Servers.Odom.Schema, first.Text("schema"));
        Assert.Equal("ros2msg", first.Text("schemaEncoding"));

        // A channel added later is advertised to the connected client; a removed one unadvertised.
        uint scan = server.AddChannel(new ChannelInfo("/scan", "cdr", "sensor_msgs/msg/LaserScan", "float32 angle_min\n"));
        JsonElement later = (await client.NextAsync("advertise")).GetProperty("channels")[0];
        Assert.Equal(scan, later.GetProperty("id").GetUInt32());
        Assert.False(later.TryGetProperty("schemaEncoding", out _));
        Assert.True(server.RemoveChannel(scan));
        Assert.Equal(scan, (await client.NextAsync("unadvertise")).GetProperty("channelIds")[0].GetUInt32());
        Assert.False(server.RemoveChannel(scan));
    }

    [Fact]
    public async Task Published_messages_arrive_with_the_subscription_id_and_log_time()
    {
        await using FoxgloveServer server = await Servers.StartAsync();
        uint other = server.AddChannel(new ChannelInfo("/other", "cdr", "std_msgs/msg/String", "string data\n"));
        uint odom = server.AddChannel(Servers.Odom);
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        await client.NextAsync("advertise");

        // Nobody subscribed: publishing is accepted and goes nowhere.
        Assert.True(server.Publish(odom, 1, [1, 2, 3]));
        Assert.False(server.HasSubscribers(odom));
        Assert.False(server.Publish(999, 1, [1]));

        client.Send(new { cmd = "subscribe", topic = "/other" });
        client.Send(new { cmd = "subscribe", topic = "/robot_0/odom" });
        uint otherSub = (await client.NextAsync("subscribed")).GetProperty("id").GetUInt32();
        uint odomSub = (await client.NextAsync("subscribed")).GetProperty("id").GetUInt32();
        await Servers.UntilAsync(() => server.HasSubscribers(odom) && server.HasSubscribers(other), "both subscriptions", client);

        ulong t0 = 1_700_000_000_123_456_789UL;
        byte[] big = [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7))];
        server.Publish(odom, t0, [0xde, 0xad, 0xbe, 0xef]);
        server.Publish(other, t0 + 1, []);
        server.Publish(odom, ulong.MaxValue, big);

        JsonElement m1 = await client.NextAsync("message");
        JsonElement m2 = await client.NextAsync("message");
        JsonElement m3 = await client.NextAsync("message");
        Assert.Equal(odomSub, m1.GetProperty("subscriptionId").GetUInt32());
        Assert.Equal(t0.ToString(System.Globalization.CultureInfo.InvariantCulture), m1.Text("timestamp"));
        Assert.Equal("deadbeef", m1.Text("payload"));
        Assert.Equal(otherSub, m2.GetProperty("subscriptionId").GetUInt32());
        Assert.Equal("", m2.Text("payload"));
        Assert.Equal(ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), m3.Text("timestamp"));
        Assert.Equal(Convert.ToHexStringLower(big), m3.Text("payload"));

        // After unsubscribing nothing more arrives on that subscription; the other goes on.
        client.Send(new { cmd = "unsubscribe", id = odomSub });
        await Servers.UntilAsync(() => !server.HasSubscribers(odom), "the unsubscription", client);
        server.Publish(odom, 5, [5]);
        server.Publish(other, 6, [6]);
        JsonElement m4 = await client.NextAsync("message");
        Assert.Equal(otherSub, m4.GetProperty("subscriptionId").GetUInt32());
        Assert.Equal("06", m4.Text("payload"));
        Assert.Equal(4, client.All("message").Count);
        Assert.Empty(client.All("status"));
    }

    [Fact]
    public async Task Simulated_clock_declares_time_and_broadcasts_Time_messages()
    {
        await using FoxgloveServer server = await Servers.StartAsync(o => o.SimulatedClock = true);
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        JsonElement info = await client.NextAsync("serverInfo");
        Assert.Contains("time", info.GetProperty("capabilities").EnumerateArray().Select(e => e.GetString()));
        await Servers.UntilAsync(() => server.ClientCount == 1, "the client", client);

        server.BroadcastTime(42_000_000_001UL);
        server.BroadcastTime(42_050_000_001UL);
        Assert.Equal("42000000001", (await client.NextAsync("time")).Text("timestamp"));
        Assert.Equal("42050000001", (await client.NextAsync("time")).Text("timestamp"));
    }

    [Fact]
    public async Task Wall_clock_server_has_no_time_capability_and_refuses_BroadcastTime()
    {
        await using FoxgloveServer server = await Servers.StartAsync();
        Assert.DoesNotContain("time", server.Capabilities);
        Assert.Throws<InvalidOperationException>(() => server.BroadcastTime(1));
    }

    [Fact]
    public async Task Status_and_removeStatus_reach_every_client()
    {
        await using FoxgloveServer server = await Servers.StartAsync();
        using NodeScript a = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        using NodeScript b = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        await a.NextAsync("serverInfo");
        await b.NextAsync("serverInfo");
        await Servers.UntilAsync(() => server.ClientCount == 2, "two clients", a, b);

        server.SendStatus(StatusLevel.Warning, "robot_3 lost odometry", "odom-robot_3");
        server.SendStatus(StatusLevel.Info, "coverage 40 %");
        server.RemoveStatus(["odom-robot_3"]);
        foreach (NodeScript c in new[] { a, b })
        {
            JsonElement warning = await c.NextAsync("status");
            Assert.Equal(1, warning.Int("level"));
            Assert.Equal("robot_3 lost odometry", warning.Text("message"));
            Assert.Equal("odom-robot_3", warning.Text("id"));
            JsonElement info = await c.NextAsync("status");
            Assert.Equal(0, info.Int("level"));
            Assert.False(info.TryGetProperty("id", out _));
            JsonElement removed = await c.NextAsync("removeStatus");
            Assert.Equal(["odom-robot_3"], removed.GetProperty("statusIds").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Throws<ArgumentException>(() => server.RemoveStatus([]));
    }

    [Fact]
    public async Task StopAsync_closes_every_client_with_a_close_frame()
    {
        FoxgloveServer server = await Servers.StartAsync();
        server.AddChannel(Servers.Odom);
        using NodeScript a = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        using NodeScript b = NodeScript.Start("foxglove-raw.mjs", server.Url.ToString());
        await a.NextAsync("advertise");
        await b.NextAsync("open");
        await Servers.UntilAsync(() => server.ClientCount == 2, "two clients", a, b);

        await server.StopAsync();
        foreach (NodeScript c in new[] { a, b })
        {
            JsonElement close = await c.NextAsync("close");
            Assert.Equal(1001, close.Int("code"));
            Assert.Equal("server shutdown", close.Text("reason"));
        }

        Assert.Equal(0, server.ClientCount);
        await server.DisposeAsync();
    }
}
