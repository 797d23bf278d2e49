using System.Text.Json;
using SwarmCoverage.Foxglove.Tests.Infrastructure;

namespace SwarmCoverage.Foxglove.Tests;

/// <summary>
/// Hostile input from a raw ws client on foxglove.sdk.v1: every malformed message gets a status error, the
/// connection stays open and works afterwards, and another client sees nothing of it.
/// </summary>
public sealed class MalformedInputTests(MalformedInputTests.SharedConnection shared) : IClassFixture<MalformedInputTests.SharedConnection>
{
    private const int Limit = 4096;

    public static TheoryData<string, object, string> Cases => new()
    {
        { "not JSON", new { cmd = "text", data = "not json{" }, "invalid JSON" },
        { "JSON not an object", new { cmd = "text", data = "[1,2]" }, "must be an object with an 'op' field" },
        { "op not a string", new { cmd = "json", value = new { op = 5 } }, "must have a string field 'op'" },
        { "no op", new { cmd = "json", value = new { } }, "must have a string field 'op'" },
        { "unknown op", new { cmd = "json", value = new { op = "bogus" } }, "unrecognized operation (op: bogus)" },
        { "missing field", new { cmd = "json", value = new { op = "subscribe" } }, "missing field 'subscriptions' (op: subscribe)" },
        { "field of the wrong type", new { cmd = "json", value = new { op = "subscribe", subscriptions = new { } } }, "field 'subscriptions' must be an array" },
        { "element not an object", new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { 1 } } }, "a subscription must be an object" },
        { "missing nested field", new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = 1 } } } }, "missing field 'channelId'" },
        { "negative id", new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = -1, channelId = 1 } } } }, "'id' must be an integer from 0 to 4294967295" },
        { "fractional id", new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = 1.5, channelId = 1 } } } }, "'id' must be an integer from 0 to 4294967295" },
        { "id past uint32", new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = 4294967296L, channelId = 1 } } } }, "'id' must be an integer" },
        { "id as a string", new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = "1", channelId = 1 } } } }, "'id' must be an integer" },
        { "unknown channel id", new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = 1, channelId = 999 } } } }, "unknown channel id 999" },
        { "unknown subscription id", new { cmd = "json", value = new { op = "unsubscribe", subscriptionIds = new[] { 42 } } }, "unknown subscription id 42" },
        { "client channel without encoding", new { cmd = "json", value = new { op = "advertise", channels = new[] { new { id = 1, topic = "/t" } } } }, "missing field 'encoding' (op: advertise)" },
        { "unknown client channel", new { cmd = "json", value = new { op = "unadvertise", channelIds = new[] { 77 } } }, "client channel 77 is not advertised" },
        { "parameter names missing", new { cmd = "json", value = new { op = "getParameters" } }, "missing field 'parameterNames'" },
        { "parameter names not strings", new { cmd = "json", value = new { op = "getParameters", parameterNames = new[] { 1 } } }, "'parameterNames' must hold only strings" },
        { "parameter without a name", new { cmd = "json", value = new { op = "setParameters", parameters = new[] { new { value = 1 } } } }, "missing field 'name' (op: setParameters)" },
        { "nested object value", new { cmd = "json", value = new { op = "setParameters", parameters = new[] { new { name = "/a.b", value = new { x = 1 } } } } }, "JSON kind Object is not supported" },
        { "unsupported capability", new { cmd = "json", value = new { op = "fetchAsset", uri = "package://x", requestId = 1 } }, "no assets capability" },
        { "too deep", new { cmd = "text", data = "{\"op\":\"subscribe\",\"subscriptions\":" + new string('[', 200) + new string(']', 200) + "}" }, "invalid JSON" },
        { "empty binary", new { cmd = "binary", hex = "" }, "empty binary message" },
        { "unknown binary opcode", new { cmd = "binary", hex = "07" }, "unrecognized binary opcode 7" },
        { "short client message data", new { cmd = "binary", hex = "010203" }, "3 bytes is too short" },
        { "client message data on an unknown channel", new { cmd = "binary", hex = "013930000001" }, "client channel 12345 is not advertised" },
        { "service call", new { cmd = "binary", hex = "0201000000" }, "no services capability" },
        { "text past the limit", new { cmd = "textOfSize", size = Limit + 1 }, $"longer than the limit of {Limit} bytes" },
        { "binary far past the limit", new { cmd = "binaryOfSize", size = 1 << 20 }, $"longer than the limit of {Limit} bytes" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_malformed_message_gets_a_status_error_and_the_connection_still_works(string what, object command, string expected)
    {
        // One connection takes every case in turn: each leaves it working for the next.
        Fixture f = shared.Fixture;
        f.Attacker.Send(command);
        JsonElement status = await NextStatusAsync(f.Attacker);
        Assert.True(status.Int("level") == 2, $"{what}: {status}");
        Assert.Contains(expected, status.Text("message"), StringComparison.Ordinal);
        await f.AssertBothStillWorkAsync();
    }

    [Fact]
    public async Task A_message_of_exactly_the_limit_is_accepted()
    {
        await using Fixture f = await Fixture.StartAsync();
        f.Attacker.Send(new { cmd = "textOfSize", size = Limit });
        JsonElement reply = await NextJsonAsync(f.Attacker, "parameterValues");
        Assert.Empty(reply.GetProperty("parameters").EnumerateArray());
        Assert.DoesNotContain(f.Attacker.All("json"), e => e.GetProperty("message").Text("op") == "status");
    }

    /// <summary>The connection the malformed cases share.</summary>
    public sealed class SharedConnection : IAsyncLifetime
    {
        internal Fixture Fixture { get; private set; } = null!;

        public async Task InitializeAsync() => Fixture = await Fixture.StartAsync();

        public async Task DisposeAsync() => await Fixture.DisposeAsync();
    }

    [Fact]
    public async Task Reusing_a_subscription_id_or_subscribing_twice_is_an_error()
    {
        await using Fixture f = await Fixture.StartAsync();
        f.Attacker.Send(new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = 5, channelId = f.Decoy } } } });
        f.Attacker.Send(new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = 5, channelId = f.Channel } } } });
        Assert.Contains("subscription id 5 is already in use", (await NextStatusAsync(f.Attacker)).Text("message"), StringComparison.Ordinal);
        f.Attacker.Send(new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = 6, channelId = f.Decoy } } } });
        Assert.Contains($"channel {f.Decoy} is already subscribed", (await NextStatusAsync(f.Attacker)).Text("message"), StringComparison.Ordinal);
        await f.AssertBothStillWorkAsync();
    }

    [Fact]
    public async Task Thousands_of_seeded_random_frames_leave_the_server_and_the_connection_working()
    {
        await using Fixture f = await Fixture.StartAsync();
        f.Attacker.Send(new { cmd = "fuzz", seed = 20240601, count = 3000 });
        await f.Attacker.NextAsync("fuzzed");
        await f.AssertBothStillWorkAsync();
        List<string> statuses = [.. f.Attacker.All("json").Select(e => e.GetProperty("message")).Where(m => m.Text("op") == "status").Select(m => m.Text("message"))];
        Assert.True(statuses.Count > 1000, $"only {statuses.Count} status messages");
        Assert.DoesNotContain(statuses, s => s.Contains("internal error", StringComparison.Ordinal));
        Assert.Empty(f.Bystander.All("status"));
    }

    private static async Task<JsonElement> NextStatusAsync(NodeScript raw) => await NextJsonAsync(raw, "status");

    private static async Task<JsonElement> NextJsonAsync(NodeScript raw, string op)
    {
        while (true)
        {
            JsonElement m = (await raw.NextAsync("json")).GetProperty("message");
            if (m.Text("op") == op)
            {
                return m;
            }
        }
    }

    /// <summary>A server with a decoy and a real channel, an attacking raw client, and a bystanding FoxgloveClient.</summary>
    internal sealed class Fixture : IAsyncDisposable
    {
        private const uint AttackerSubscription = 1000;
        private ulong _stamp;
        private int _drains;

        private Fixture(FoxgloveServer server, NodeScript attacker, NodeScript bystander, uint decoy, uint channel)
        {
            Server = server;
            Attacker = attacker;
            Bystander = bystander;
            Decoy = decoy;
            Channel = channel;
        }

        public FoxgloveServer Server { get; }

        public NodeScript Attacker { get; }

        public NodeScript Bystander { get; }

        public uint Decoy { get; }

        public uint Channel { get; }

        private uint? BystanderSubscription { get; set; }

        public static async Task<Fixture> StartAsync()
        {
            ParameterStore store = new();
            store.Declare("/a.b", ParameterValue.Integer(1));
            FoxgloveServer server = await Servers.StartAsync(o => o.MaxInboundMessageBytes = Limit, new RecordingPublishHandler(), store);
            uint decoy = server.AddChannel(new ChannelInfo("/decoy", "cdr", "std_msgs/msg/Empty", ""));
            uint channel = server.AddChannel(Servers.Odom);
            NodeScript bystander = NodeScript.Start("foxglove-client.mjs", server.Url.ToString(), new Dictionary<string, string> { ["FOXGLOVE_WATCHDOG"] = "600" });
            NodeScript attacker = NodeScript.Start("foxglove-raw.mjs", server.Url.ToString(), new Dictionary<string, string> { ["FOXGLOVE_WATCHDOG"] = "600" });
            await bystander.NextAsync("advertise");
            await attacker.NextAsync("open");
            await NextJsonAsync(attacker, "advertise");
            return new Fixture(server, attacker, bystander, decoy, channel);
        }

        /// <summary>Both clients (subscribed the first time) receive a published message, and the attacker is still connected.</summary>
        public async Task AssertBothStillWorkAsync()
        {
            await DrainAttackerAsync();
            if (BystanderSubscription is null)
            {
                int before = Subscriptions(FoxgloveServer.SdkSubprotocol);
                Attacker.Send(new { cmd = "json", value = new { op = "subscribe", subscriptions = new[] { new { id = AttackerSubscription, channelId = Channel } } } });
                Bystander.Send(new { cmd = "subscribe", topic = Servers.Odom.Topic });
                BystanderSubscription = (await Bystander.NextAsync("subscribed")).GetProperty("id").GetUInt32();
                await Servers.UntilAsync(
                    () => Subscriptions(FoxgloveServer.SdkSubprotocol) == before + 1 && Subscriptions(FoxgloveServer.WebSocketSubprotocol) == 1,
                    "both subscriptions",
                    Attacker,
                    Bystander);
            }

            ulong stamp = ++_stamp;
            Server.Publish(Channel, stamp, [9, 8, 7]);
            string expected = stamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
            JsonElement a = await Attacker.WaitForAsync("messageData", e => e.Text("timestamp") == expected);
            Assert.Equal(AttackerSubscription, a.GetProperty("subscriptionId").GetUInt32());
            Assert.Equal("090807", a.Text("payload"));
            JsonElement b = await Bystander.NextAsync("message");
            Assert.Equal(BystanderSubscription, b.GetProperty("subscriptionId").GetUInt32());
            Assert.Equal(expected, b.Text("timestamp"));
            Assert.Empty(Attacker.All("close"));
        }

        /// <summary>
        /// Waits until the server has handled every frame the attacker sent so far: the server handles a connection's
        /// frames in order, so the reply to a getParameters sent last comes after them. Without this, a valid
        /// subscribe among frames still in flight (the seeded fuzz has one, to the decoy) can be counted as the
        /// attacker's own subscription, and the message is published before that subscription exists.
        /// </summary>
        private async Task DrainAttackerAsync()
        {
            string id = $"drain-{++_drains}";
            Attacker.Send(new { cmd = "json", value = new { op = "getParameters", parameterNames = new[] { "/a.b" }, id } });
            await Attacker.WaitForAsync("json", e =>
                e.GetProperty("message") is var m
                && m.Text("op") == "parameterValues"
                && m.TryGetProperty("id", out JsonElement i)
                && i.ValueKind == JsonValueKind.String
                && i.GetString() == id);
        }

        private int Subscriptions(string subprotocol) => Server.GetClientStats().Single(c => c.Subprotocol == subprotocol).Subscriptions;

        public async ValueTask DisposeAsync()
        {
            Attacker.Dispose();
            Bystander.Dispose();
            await Server.DisposeAsync();
        }
    }
}
