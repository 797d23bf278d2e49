using System.Text.Json;
using SwarmCoverage.Foxglove.Tests.Infrastructure;

namespace SwarmCoverage.Foxglove.Tests;

/// <summary>Client advertise and client Message Data through FoxgloveClient into the application's handler.</summary>
public sealed class ClientPublishTests
{
    [Fact]
    public async Task A_client_message_reaches_the_handler_and_a_rejection_returns_as_a_status_error()
    {
        RecordingPublishHandler handler = new();
        handler.RejectMessagesOn["/read_only"] = "the controller owns this topic";
        await using FoxgloveServer server = await Servers.StartAsync(clientPublish: handler);
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        JsonElement info = await client.NextAsync("serverInfo");
        Assert.Contains("clientPublish", info.GetProperty("capabilities").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["cdr"], info.GetProperty("supportedEncodings").EnumerateArray().Select(e => e.GetString()));

        client.Send(new { cmd = "advertise", topic = "/goal", encoding = "cdr", schemaName = "geometry_msgs/msg/PoseStamped", schema = "std_msgs/Header header\n" });
        uint goal = (await client.NextAsync("advertised")).GetProperty("id").GetUInt32();
        client.Send(new { cmd = "advertise", topic = "/read_only", encoding = "cdr", schemaName = "std_msgs/msg/Empty" });
        uint readOnly = (await client.NextAsync("advertised")).GetProperty("id").GetUInt32();
        client.Send(new { cmd = "publish", channelId = goal, hex = "000100000a0b0c" });
        client.Send(new { cmd = "publish", channelId = readOnly, hex = "00010000" });
        client.Send(new { cmd = "publish", channelId = goal, hex = "" });

        JsonElement status = await client.NextAsync("status");
        Assert.Equal(2, status.Int("level"));
        Assert.Contains("'/read_only'", status.Text("message"), StringComparison.Ordinal);
        Assert.Contains("the controller owns this topic", status.Text("message"), StringComparison.Ordinal);
        await Servers.UntilAsync(() => handler.Messages.Count == 3, "three client messages", client);

        var messages = handler.Messages.ToArray();
        Assert.Equal(("/goal", "geometry_msgs/msg/PoseStamped", "cdr"), (messages[0].Topic, messages[0].SchemaName, messages[0].Encoding));
        Assert.Equal(Convert.FromHexString("000100000a0b0c"), messages[0].Payload);
        Assert.Equal("/read_only", messages[1].Topic);
        Assert.Empty(messages[2].Payload);
        ClientChannel advertised = handler.Advertised.First();
        Assert.Equal(("/goal", "std_msgs/Header header\n"), (advertised.Topic, advertised.Schema));

        // Unadvertised: the handler hears of it, and a message on it is an error.
        client.Send(new { cmd = "unadvertise", id = goal });
        await Servers.UntilAsync(() => handler.Unadvertised.Any(c => c.Topic == "/goal"), "the unadvertisement", client);
        client.Send(new { cmd = "publish", channelId = goal, hex = "01" });
        JsonElement unknown = await client.NextAsync("status");
        Assert.Contains($"client channel {goal} is not advertised", unknown.Text("message"), StringComparison.Ordinal);
        Assert.Equal(3, handler.Messages.Count);

        // Disconnecting unadvertises what is left.
        client.Send(new { cmd = "close" });
        await client.WaitForExitAsync();
        await Servers.UntilAsync(() => handler.Unadvertised.Any(c => c.Topic == "/read_only"), "the unadvertisement on disconnect");
    }

    [Fact]
    public async Task Advertisements_in_an_unsupported_encoding_or_rejected_by_the_application_are_errors()
    {
        RecordingPublishHandler handler = new();
        handler.RejectAdvertisementsOf["/cmd_vel"] = "commands come from the controller only";
        await using FoxgloveServer server = await Servers.StartAsync(clientPublish: handler);
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        await client.NextAsync("serverInfo");

        client.Send(new { cmd = "advertise", topic = "/goal", encoding = "json", schemaName = "Goal" });
        uint json = (await client.NextAsync("advertised")).GetProperty("id").GetUInt32();
        JsonElement e1 = await client.NextAsync("status");
        Assert.Equal(2, e1.Int("level"));
        Assert.Contains("encoding 'json' is not supported", e1.Text("message"), StringComparison.Ordinal);

        client.Send(new { cmd = "advertise", topic = "/cmd_vel", encoding = "cdr", schemaName = "geometry_msgs/msg/Twist" });
        uint cmd = (await client.NextAsync("advertised")).GetProperty("id").GetUInt32();
        JsonElement e2 = await client.NextAsync("status");
        Assert.Contains("'/cmd_vel' rejected: commands come from the controller only", e2.Text("message"), StringComparison.Ordinal);

        client.Send(new { cmd = "publish", channelId = json, hex = "01" });
        client.Send(new { cmd = "publish", channelId = cmd, hex = "01" });
        Assert.Contains("not advertised", (await client.NextAsync("status")).Text("message"), StringComparison.Ordinal);
        Assert.Contains("not advertised", (await client.NextAsync("status")).Text("message"), StringComparison.Ordinal);
        Assert.Empty(handler.Messages);
    }

    [Fact]
    public async Task A_handler_that_throws_is_reported_to_that_client_and_the_connection_goes_on()
    {
        RecordingPublishHandler handler = new();
        await using FoxgloveServer server = await Servers.StartAsync(clientPublish: handler);
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        await client.NextAsync("serverInfo");
        client.Send(new { cmd = "advertise", topic = "/throws", encoding = "cdr", schemaName = "x" });
        client.Send(new { cmd = "advertise", topic = "/fine", encoding = "cdr", schemaName = "x" });
        uint throws = (await client.NextAsync("advertised")).GetProperty("id").GetUInt32();
        uint fine = (await client.NextAsync("advertised")).GetProperty("id").GetUInt32();
        client.Send(new { cmd = "publish", channelId = throws, hex = "01" });
        client.Send(new { cmd = "publish", channelId = fine, hex = "02" });
        JsonElement status = await client.NextAsync("status");
        Assert.Contains("'/throws' rejected: the handler failed", status.Text("message"), StringComparison.Ordinal);
        await Servers.UntilAsync(() => handler.Messages.Any(m => m.Topic == "/fine"), "the next message", client);
    }

    [Fact]
    public async Task Without_a_handler_client_publish_is_not_offered_and_refused()
    {
        await using FoxgloveServer server = await Servers.StartAsync();
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        Assert.Empty((await client.NextAsync("serverInfo")).GetProperty("capabilities").EnumerateArray());
        client.Send(new { cmd = "advertise", topic = "/goal", encoding = "cdr", schemaName = "x" });
        uint id = (await client.NextAsync("advertised")).GetProperty("id").GetUInt32();
        client.Send(new { cmd = "publish", channelId = id, hex = "01" });
        Assert.Contains("no clientPublish capability", (await client.NextAsync("status")).Text("message"), StringComparison.Ordinal);
        Assert.Contains("no clientPublish capability", (await client.NextAsync("status")).Text("message"), StringComparison.Ordinal);
    }
}
