using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Nodes;
using SwarmCoverage.Nodes.Live;

namespace SwarmCoverage.App.Tests.Live;

/// <summary>
/// What the controller's server sends a browser before any script runs (docs/console.md): the console's files from
/// the program itself, each with its type and the security headers, small, and with no address outside the server;
/// the description of the controller the page reads; and the address <c>simulate --live</c> prints.
/// </summary>
public sealed partial class ConsoleContentTests
{
    [GeneratedRegex("""(?:src|href)="([^"]+)"|from\s+"(\./[^"]+)"|import\s+"(\./[^"]+)"|url\(([^)]+)\)""")]
    private static partial Regex References();

    [GeneratedRegex("""(?:https?|wss?)://[A-Za-z0-9]""")]
    private static partial Regex AbsoluteUrl();

    [Fact]
    public async Task The_controller_serves_the_console_from_its_own_files_with_types_and_security_headers_and_nothing_from_outside()
    {
        await using var run = await LiveRun.StartAsync(SimulateTests.Small.Replace("duration_s: 40.0", "duration_s: 600.0", StringComparison.Ordinal), new FoxgloveSettings { Port = LiveRun.FreePort() }, speed: 1);
        using var http = new HttpClient { BaseAddress = run.ConsoleUrl };

        // Everything index.html names, and everything those files import, is served; nothing else is needed.
        var seen = new Dictionary<string, (string Type, long Bytes)>(StringComparer.Ordinal);
        var queue = new Queue<string>(["/"]);
        while (queue.TryDequeue(out string? path))
        {
            if (seen.ContainsKey(path)) continue;
            using var r = await http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{path}: {r.StatusCode}");
            string type = r.Content.Headers.ContentType!.ToString();
            string body = await r.Content.ReadAsStringAsync();
            seen[path] = (type, body.Length);
            Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
            string csp = r.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Contains($"connect-src 'self' ws://{run.ConsoleUrl.Authority} wss://{run.ConsoleUrl.Authority}", csp, StringComparison.Ordinal);
            Assert.DoesNotMatch(AbsoluteUrl(), body); // no CDN: the field has no internet
            foreach (Match m in References().Matches(body))
            {
                string reference = m.Groups.Cast<Group>().Skip(1).First(g => g.Success).Value.Trim('"', '\'');
                if (reference.StartsWith("data:", StringComparison.Ordinal)) continue;
                queue.Enqueue("/" + reference.TrimStart('.', '/'));
            }
        }

        Assert.Equal(["/", "/cdr.js", "/console.css", "/console.js", "/foxglove.js"], seen.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("text/html; charset=utf-8", seen["/"].Type);
        Assert.Equal("text/javascript; charset=utf-8", seen["/console.js"].Type);
        Assert.Equal("text/css; charset=utf-8", seen["/console.css"].Type);
        Assert.InRange(seen.Values.Sum(v => v.Bytes), 10_000, 200_000); // "a few hundred kB at most", no framework
        Assert.Equal(seen.Count, OperatorConsole.FileNames.Count); // every embedded file is reachable from the page

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/secret.yaml", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/../SwarmCoverage.Nodes.dll", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public void The_description_the_page_reads_carries_the_robots_arena_topics_and_every_parameter_with_its_range()
    {
        string[] robots = [.. Enumerable.Range(0, 16).Select(i => $"robot_{i:00}")];
        using var d = JsonDocument.Parse(OperatorConsole.Describe(robots, new SwarmCoverage.Core.Box([0.0, 0.0], [3.0, 2.0]), NodeParameters.Table, new SwarmCoverage.Nodes.Recording.RecordingTopics(), hasRosout: true));
        var root = d.RootElement;
        Assert.Equal("/swarm_coverage.", root.GetProperty("parameterPrefix").GetString());
        Assert.Equal(16, root.GetProperty("robots").GetArrayLength());
        Assert.Equal("robot_00", root.GetProperty("robots")[0].GetString());
        Assert.Equal([0.0, 0.0], root.GetProperty("arena").GetProperty("min").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal([3.0, 2.0], root.GetProperty("arena").GetProperty("max").EnumerateArray().Select(x => x.GetDouble()));
        var topics = root.GetProperty("topics");
        Assert.Equal("/swarm_coverage/target_grid", topics.GetProperty("targetGrid").GetString());
        Assert.Equal("/swarm_coverage/emergency_stop", topics.GetProperty("emergencyStop").GetString());
        Assert.Equal("/rosout", topics.GetProperty("rosout").GetString());

        var byName = root.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(NodeParameters.Table.All.Count, byName.Count);
        // From docs/parameters.md: velocity_gain in (0, 1e6] m/s, run time; the floor in [1e-12, 1]; saturation one of two; safety.enabled restart only.
        var gain = byName["velocity_gain"];
        Assert.Equal("double", gain.GetProperty("type").GetString());
        Assert.True(gain.GetProperty("runTime").GetBoolean());
        Assert.Equal(0, gain.GetProperty("min").GetDouble());
        Assert.True(gain.GetProperty("minExclusive").GetBoolean());
        Assert.Equal(1e6, gain.GetProperty("max").GetDouble());
        Assert.Equal("m/s", gain.GetProperty("unit").GetString());
        Assert.Equal(1e-12, byName["target.floor"].GetProperty("min").GetDouble());
        Assert.Equal(["per_robot", "common_scale"], byName["saturation"].GetProperty("allowed").EnumerateArray().Select(x => x.GetString()));
        Assert.False(byName["safety.enabled"].GetProperty("runTime").GetBoolean());
        Assert.Equal("double_array", byName["target.means"].GetProperty("type").GetString());
        Assert.False(byName["target.means"].TryGetProperty("min", out _)); // arrays carry no range
    }

    [Theory]
    [InlineData("      port: 70000\n", "foxglove.port")]
    [InlineData("      port: eighty\n", "foxglove.port")]
    [InlineData("      address: 10.0.0.5\n      port: 0\n", "foxglove.port is 0")]
    [InlineData("      tls_cert: cert.pem\n", "foxglove.tls_cert and foxglove.tls_key go together")]
    [InlineData("      colour: blue\n", "unknown parameter 'foxglove.colour'")]
    public void Simulate_refuses_a_bad_foxglove_parameter_of_its_params_file_naming_it(string foxglove, string named)
    {
        using var dir = new TempDir();
        string p = dir.File("live.yaml", SimulateTests.Small + "\n    foxglove:\n" + foxglove);
        var (code, output, err) = Cli.Run("simulate", "--live", "--params", p, "--out", dir["run"]);
        Assert.Equal(2, code);
        Assert.Contains(named, err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir["run"]), output);
    }

    [Fact]
    public void Simulate_live_prints_the_console_address_to_open()
    {
        using var dir = new TempDir();
        int port = LiveRun.FreePort();
        string p = dir.File("live.yaml", SimulateTests.Small.Replace("duration_s: 40.0", "duration_s: 1.0", StringComparison.Ordinal)
            + $"\n    foxglove:\n      port: {port}\n");
        var (code, _, err) = Cli.Run("simulate", "--live", "--speed", "0", "--params", p, "--out", dir["run"]);
        Assert.True(code == 0, err);
        Assert.Contains($"simulate --live: operator console on http://127.0.0.1:{port}/ (open it in a browser)", err, StringComparison.Ordinal);
        Assert.Contains($"Foxglove server on ws://127.0.0.1:{port}/", err, StringComparison.Ordinal);
    }
}

/// <summary>
/// The console's own CDR codec (Console/cdr.js) against Foxglove's (@foxglove/rosmsg2-serialization), on the
/// definitions the server advertises: its layouts are the server's, what Foxglove writes it reads field by field, what
/// it writes Foxglove reads, and every truncated payload is refused with an error.
/// </summary>
public sealed class ConsoleCodecTests
{
    [Fact]
    public void The_console_reads_what_Foxglove_writes_and_writes_what_Foxglove_reads_on_the_servers_own_schemas()
    {
        using var dir = new TempDir();
        Ros2.RosMessageType[] types =
        [
            Ros2.Messages.SwarmCoverageMsgs.Status.MessageType, Ros2.Messages.SwarmCoverageMsgs.TickInput.MessageType,
            Ros2.Messages.NavMsgs.OccupancyGrid.MessageType, Ros2.Messages.RclInterfaces.Log.MessageType, Ros2.Messages.StdMsgs.Bool.MessageType,
        ];
        string file = dir.File("schemas.json", JsonSerializer.Serialize(types.ToDictionary(t => t.RosTypeName, t => t.Definition)));
        var d = Mcap.Tests.NodeReference.RunJson("console-cdr.mjs", file);

        foreach (var t in types)
            Assert.True(d.GetProperty("schemas").GetProperty(t.RosTypeName).ValueKind == JsonValueKind.Null, $"{t.RosTypeName}: {d.GetProperty("schemas").GetProperty(t.RosTypeName)}");

        var s = d.GetProperty("decoded").GetProperty("status");
        Assert.Equal(4242, s.GetProperty("tick").GetInt64());
        Assert.Equal(998, s.GetProperty("activeRobots").GetInt32());
        Assert.Equal(2, s.GetProperty("staleRobots").GetInt32());
        Assert.Equal(0.0625, s.GetProperty("chi2Eps").GetDouble());
        Assert.Equal(0.0317, s.GetProperty("energyDistance").GetDouble());
        Assert.Equal("Infinity", s.GetProperty("minDistance").GetString());
        Assert.Equal(0.00042, s.GetProperty("controlLatency").GetDouble());
        Assert.Equal(7, s.GetProperty("observerDroppedTicks").GetInt64());
        Assert.Equal("world", s.GetProperty("header").GetProperty("frameId").GetString());
        Assert.Equal(123456789, s.GetProperty("header").GetProperty("nanosec").GetInt64());

        var t5 = d.GetProperty("decoded").GetProperty("tickInput");
        Assert.Equal(99, t5.GetProperty("tick").GetInt64());
        Assert.Equal(-5, t5.GetProperty("clockTimestamp").GetInt64());
        Assert.True(t5.GetProperty("emergencyStop").GetBoolean());
        Assert.Equal([0, 1, 2, 1, 1], t5.GetProperty("status").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal([0.25, 0.5, 0.75, 1, 1.25], t5.GetProperty("y").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal([0, 0.5, -0.5, 3.1, -3.1], t5.GetProperty("yaw").EnumerateArray().Select(x => x.GetDouble()));

        var g = d.GetProperty("decoded").GetProperty("grid");
        Assert.Equal([0, 10, 100, -1, 50, 99], g.GetProperty("data").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal(3, g.GetProperty("info").GetProperty("width").GetInt32());
        Assert.Equal(-1.5, g.GetProperty("info").GetProperty("origin").GetProperty("position").GetProperty("x").GetDouble());
        Assert.Equal(0.05, g.GetProperty("info").GetProperty("resolution").GetDouble(), 6);
        Assert.Equal("target from foxglove refused", d.GetProperty("decoded").GetProperty("log").GetProperty("msg").GetString());
        Assert.Equal(30, d.GetProperty("decoded").GetProperty("log").GetProperty("level").GetInt32());

        var e = d.GetProperty("encoded");
        Assert.Equal("map", e.GetProperty("grid").GetProperty("frameId").GetString());
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 0], e.GetProperty("grid").GetProperty("data").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal(4, e.GetProperty("grid").GetProperty("width").GetInt32());
        Assert.Equal(1, e.GetProperty("grid").GetProperty("originW").GetDouble());
        Assert.Equal("carte élevée", e.GetProperty("utf8FrameId").GetString());
        Assert.True(e.GetProperty("stop").GetBoolean());
        Assert.False(e.GetProperty("release").GetBoolean());

        foreach (var p in d.GetProperty("truncated").EnumerateObject())
            Assert.True(p.Value.GetProperty("refused").GetInt32() == p.Value.GetProperty("prefixes").GetInt32(), $"{p.Name}: {p.Value}");
        Assert.Contains("claims 2147483647 elements", d.GetProperty("hugeSequence").GetString(), StringComparison.Ordinal);
    }
}
