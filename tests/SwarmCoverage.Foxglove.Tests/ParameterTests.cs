using System.Text.Json;
using SwarmCoverage.Foxglove.Tests.Infrastructure;

namespace SwarmCoverage.Foxglove.Tests;

/// <summary>getParameters, setParameters (atomic batches) and parameter updates through FoxgloveClient.</summary>
public sealed class ParameterTests
{
    private const string Gain = "/swarm_coverage.gain";
    private const string Robots = "/swarm_coverage.robots";
    private const string Frame = "/swarm_coverage.frame";
    private const string Enabled = "/swarm_coverage.enabled";
    private const string Key = "/swarm_coverage.key";
    private const string Weights = "/swarm_coverage.weights";
    private const string Ids = "/swarm_coverage.ids";

    [Fact]
    public async Task GetParameters_returns_every_kind_with_its_type_hint()
    {
        ParameterStore store = Store();
        await using FoxgloveServer server = await Servers.StartAsync(parameters: store);
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        string[] capabilities = [.. (await client.NextAsync("serverInfo")).GetProperty("capabilities").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Equal(["parameters", "parametersSubscribe"], capabilities);

        client.Send(new { cmd = "getParameters", names = Array.Empty<string>(), id = "all" });
        JsonElement all = await client.NextAsync("parameterValues");
        Assert.Equal("all", all.Text("id"));
        Dictionary<string, JsonElement> p = ByName(all);
        Assert.Equal([Gain, Robots, Frame, Enabled, Key, Weights, Ids], p.Keys);
        Assert.Equal((1.5, "float64"), (p[Gain].GetProperty("value").GetDouble(), p[Gain].Text("type")));
        Assert.Equal(4, p[Robots].GetProperty("value").GetInt64());
        Assert.False(p[Robots].TryGetProperty("type", out _));
        Assert.Equal("map", p[Frame].Text("value"));
        Assert.True(p[Enabled].GetProperty("value").GetBoolean());
        Assert.Equal(("AQID", "byte_array"), (p[Key].Text("value"), p[Key].Text("type")));
        Assert.Equal([1.0, 2.5], p[Weights].GetProperty("value").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("float64_array", p[Weights].Text("type"));
        Assert.Equal([1L, 2L], p[Ids].GetProperty("value").EnumerateArray().Select(e => e.GetInt64()));

        client.Send(new { cmd = "getParameters", names = new[] { Gain, "/no.such" }, id = "some" });
        JsonElement some = await client.NextAsync("parameterValues");
        Assert.Equal("some", some.Text("id"));
        Assert.Equal([Gain], ByName(some).Keys);
    }

    [Fact]
    public async Task A_batch_with_one_bad_value_applies_none_and_a_good_batch_is_pushed_once_to_subscribers()
    {
        ParameterStore store = Store();
        await using FoxgloveServer server = await Servers.StartAsync(parameters: store);
        using NodeScript setter = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        using NodeScript watcher = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        await setter.NextAsync("serverInfo");
        await watcher.NextAsync("serverInfo");
        watcher.Send(new { cmd = "subscribeParameterUpdates", names = Array.Empty<string>() });
        await Servers.UntilAsync(() => server.GetClientStats().Any(c => c.ParameterSubscriptions == 7), "the watcher's subscription", watcher);

        // One value out of range: nothing applied, an error naming it, and the values still in force.
        setter.Send(new
        {
            cmd = "setParameters",
            id = "bad",
            parameters = new object[]
            {
                new { name = Gain, value = 2.0, type = "float64" },
                new { name = Robots, value = -5 },
            },
        });
        JsonElement error = await setter.NextAsync("status");
        Assert.Equal(2, error.Int("level"));
        Assert.Contains($"'{Robots}': must be from 1 to 1000", error.Text("message"), StringComparison.Ordinal);
        Assert.DoesNotContain(Gain, error.Text("message"), StringComparison.Ordinal);
        JsonElement bad = await setter.NextAsync("parameterValues");
        Assert.Equal("bad", bad.Text("id"));
        Assert.Equal(1.5, ByName(bad)[Gain].GetProperty("value").GetDouble());
        Assert.Equal(4, ByName(bad)[Robots].GetProperty("value").GetInt64());
        Assert.Equal(1.5, store[Gain].AsFloat64());

        // A good batch: applied together, the reply has the new values, the watcher hears once.
        setter.Send(new
        {
            cmd = "setParameters",
            id = "good",
            parameters = new object[]
            {
                new { name = Gain, value = 3, type = "float64" },
                new { name = Robots, value = 8 },
                new { name = Weights, value = new[] { 1, 2, 3 }, type = "float64_array" },
                new { name = Key, value = "BAUG", type = "byte_array" },
            },
        });
        JsonElement good = await setter.NextAsync("parameterValues");
        Assert.Equal("good", good.Text("id"));
        Assert.Equal((3.0, "float64"), (ByName(good)[Gain].GetProperty("value").GetDouble(), ByName(good)[Gain].Text("type")));
        Assert.Equal(8, ByName(good)[Robots].GetProperty("value").GetInt64());
        Assert.Equal([4, 5, 6], store[Key].AsByteArray().ToArray());
        Assert.Equal([1.0, 2.0, 3.0], store[Weights].AsFloat64Array().ToArray());

        // The application changes one itself: pushed once more.
        store.Set(Frame, ParameterValue.String("odom"));

        List<JsonElement> pushes = await UpdatesBeforeBarrierAsync(watcher);
        Assert.Equal(2, pushes.Count);
        Assert.Equal([Gain, Robots, Weights, Key], ByName(pushes[0]).Keys);
        Assert.Equal(8, ByName(pushes[0])[Robots].GetProperty("value").GetInt64());
        Assert.Equal([Frame], ByName(pushes[1]).Keys);
        Assert.Equal("odom", ByName(pushes[1])[Frame].Text("value"));

        // The setter did not subscribe: it got only its replies.
        Assert.Equal(2, setter.All("parameterValues").Count);
    }

    [Fact]
    public async Task Malformed_or_mistyped_values_apply_nothing_and_name_the_parameter()
    {
        ParameterStore store = Store();
        await using FoxgloveServer server = await Servers.StartAsync(parameters: store);
        using NodeScript client = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        await client.NextAsync("serverInfo");

        (object Parameters, string Expected)[] cases =
        [
            (new object[] { new { name = Gain, value = 2.0, type = "float64" }, new { name = Key, value = "not base64!", type = "byte_array" } }, $"parameter '{Key}': a byte_array value is not valid base64"),
            (new object[] { new { name = Gain, value = 2.0, type = "float64" }, new { name = Frame, value = 5 } }, $"'{Frame}': expected String, got Integer"),
            (new object[] { new { name = Gain, value = 2.0, type = "float64" }, new { name = Enabled } }, $"'{Enabled}': a declared parameter cannot be unset"),
            (new object[] { new { name = Gain, value = 2.0, type = "float64" }, new { name = "/no.such", value = 1 } }, "'/no.such': no such parameter"),
            (new object[] { new { name = Gain, value = 2.0, type = "float64" }, new { name = Ids, value = new object[] { 1, "a" } } }, $"parameter '{Ids}': an array value must hold elements of one kind"),
            (new object[] { new { name = Gain, value = 2.0, type = "float64" }, new { name = Gain, value = 3.0, type = "float64" } }, $"parameter '{Gain}' appears twice"),
            (new object[] { new { name = Gain, value = "fast", type = "float64" } }, $"parameter '{Gain}': expected a finite number"),
            (new object[] { new { name = Gain, value = 2.0, type = "float32" } }, $"parameter '{Gain}': unknown type 'float32'"),
        ];
        foreach ((object parameters, string expected) in cases)
        {
            client.Send(new { cmd = "setParameters", parameters, id = "x" });
            JsonElement status = await client.NextAsync("status");
            Assert.Equal(2, status.Int("level"));
            Assert.Contains(expected, status.Text("message"), StringComparison.Ordinal);
        }

        Assert.Equal(1.5, store[Gain].AsFloat64());

        // A whole number for a float parameter without the hint is that number.
        client.Send(new { cmd = "setParameters", parameters = new object[] { new { name = Gain, value = 2 } }, id = "int" });
        JsonElement reply = await client.WaitForAsync("parameterValues", e => e.TryGetProperty("id", out var id) && id.GetString() == "int");
        Assert.Equal((2.0, "float64"), (ByName(reply)[Gain].GetProperty("value").GetDouble(), ByName(reply)[Gain].Text("type")));
        Assert.Equal(ParameterKind.Float64, store[Gain].Kind);
    }

    [Fact]
    public async Task Unsubscribed_or_unknown_parameters_are_not_pushed()
    {
        ParameterStore store = Store();
        await using FoxgloveServer server = await Servers.StartAsync(parameters: store);
        using NodeScript watcher = NodeScript.Start("foxglove-client.mjs", server.Url.ToString());
        await watcher.NextAsync("serverInfo");
        watcher.Send(new { cmd = "subscribeParameterUpdates", names = new[] { Gain, Robots, "/no.such" } });
        JsonElement warning = await watcher.NextAsync("status");
        Assert.Contains("'/no.such'", warning.Text("message"), StringComparison.Ordinal);
        watcher.Send(new { cmd = "subscribeParameterUpdates", names = new[] { Gain } });
        watcher.Send(new { cmd = "unsubscribeParameterUpdates", names = new[] { Robots } });
        await Servers.UntilAsync(() => server.GetClientStats().Single().ParameterSubscriptions == 1, "one subscription left", watcher);

        store.Set(Robots, ParameterValue.Integer(9));
        store.Set(Gain, ParameterValue.Float64(0.25));
        store.Set(Gain, ParameterValue.Float64(0.25));
        List<JsonElement> pushes = await UpdatesBeforeBarrierAsync(watcher);
        JsonElement push = Assert.Single(pushes);
        Assert.Equal([Gain], ByName(push).Keys);

        watcher.Send(new { cmd = "unsubscribeParameterUpdates", names = Array.Empty<string>() });
        await Servers.UntilAsync(() => server.GetClientStats().Single().ParameterSubscriptions == 0, "no subscription left", watcher);
        store.Set(Gain, ParameterValue.Float64(0.5));
        Assert.Empty(await UpdatesBeforeBarrierAsync(watcher, "barrier2"));
    }

    private static ParameterStore Store()
    {
        ParameterStore store = new();
        store.Declare(Gain, ParameterValue.Float64(1.5), v => v.AsFloat64() > 0 ? null : "must be positive");
        store.Declare(Robots, ParameterValue.Integer(4), v => v.AsInteger() is >= 1 and <= 1000 ? null : "must be from 1 to 1000");
        store.Declare(Frame, ParameterValue.String("map"));
        store.Declare(Enabled, ParameterValue.Bool(true));
        store.Declare(Key, ParameterValue.ByteArray([1, 2, 3]));
        store.Declare(Weights, ParameterValue.Float64Array([1, 2.5]));
        store.Declare(Ids, ParameterValue.IntegerArray([1, 2]));
        return store;
    }

    /// <summary>
    /// The pushes (parameterValues without an id) the client got since the previous barrier and before the reply to
    /// a getParameters sent now: the server answers requests in order and sends a client's messages in the order
    /// queued, so every push queued before this call is among them.
    /// </summary>
    private static async Task<List<JsonElement>> UpdatesBeforeBarrierAsync(NodeScript client, string barrier = "barrier")
    {
        client.Send(new { cmd = "getParameters", names = new[] { Gain }, id = barrier });
        await client.WaitForAsync("parameterValues", e => IdOf(e) == barrier);
        List<JsonElement> all = [.. client.All("parameterValues")];
        int end = all.FindIndex(e => IdOf(e) == barrier);
        int start = all.FindLastIndex(end, e => IdOf(e)?.StartsWith("barrier", StringComparison.Ordinal) == true && IdOf(e) != barrier) + 1;
        return [.. all[start..end].Where(e => IdOf(e) is null)];
    }

    private static string? IdOf(JsonElement e) => e.TryGetProperty("id", out var id) ? id.GetString() : null;

    private static Dictionary<string, JsonElement> ByName(JsonElement parameterValues) =>
        parameterValues.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.Text("name"));
}
