using System.Text.Json;
using SwarmCoverage.App.Simulation;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Mcap.Tests;
using SwarmCoverage.Nodes;
using SwarmCoverage.Nodes.Live;

namespace SwarmCoverage.App.Tests.Live;

/// <summary>
/// simulate --live against Foxglove's own client and ROS 2 codec (tests/js/foxglove-swarm.mjs): every advertised
/// schema parses, every message decodes, a parameter set reaches the robots, a refused one is answered with a status
/// error and the value in force, an emergency stop published by the client zeroes the commands, a bad payload and a
/// malformed frame are answered and the connection keeps delivering.
/// </summary>
public sealed class FoxgloveLiveTests
{
    [Theory]
    [InlineData("foxglove.websocket.v1")]
    [InlineData("foxglove.sdk.v1")]
    public async Task A_field_session_from_Foxglove_watches_tunes_and_stops_the_swarm(string subprotocol)
    {
        TaskStatus stopped;
        var run = await LiveRun.StartAsync(SimulateTests.Small.Replace("duration_s: 40.0", "duration_s: 600.0", StringComparison.Ordinal), new FoxgloveSettings { Port = LiveRun.FreePort() }, speed: 2, startSeconds: 30);
        try
        {
            var url = run.WebSocketUrl;
            var d = await Task.Run(() => NodeReference.RunJson("foxglove-swarm.mjs", url.ToString(), subprotocol));
            Assert.False(d.TryGetProperty("error", out var error), error.ToString());
            Assert.Equal(subprotocol, d.GetProperty("protocol").GetString());
            var caps = d.GetProperty("serverInfo").GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
            Assert.Superset(new HashSet<string?> { "clientPublish", "parameters", "parametersSubscribe", "time" }, caps.ToHashSet());

            // Every channel: a ros2msg schema Foxglove parses, and every message it got decodes.
            var schemas = d.GetProperty("schemas");
            Assert.Equal(16 * 2 + 5 + 4, schemas.EnumerateObject().Count()); // poses and commands, 5 outputs (with /rosout), 4 inputs
            Assert.Equal("rcl_interfaces/msg/Log", schemas.GetProperty("/rosout").GetProperty("schemaName").GetString());
            foreach (var s in schemas.EnumerateObject())
            {
                Assert.True(s.Value.GetProperty("parsed").GetBoolean(), $"{s.Name}: {s.Value}");
                Assert.Equal("ros2msg", s.Value.GetProperty("schemaEncoding").GetString());
            }

            Assert.Equal("visualization_msgs/msg/MarkerArray", schemas.GetProperty("/swarm_coverage/robots").GetProperty("schemaName").GetString());
            foreach (var t in d.GetProperty("decoded").EnumerateObject())
                Assert.True(t.Value.GetProperty("errors").GetArrayLength() == 0, $"{t.Name}: {t.Value}");
            foreach (string topic in new[] { "/swarm_coverage/status", "/swarm_coverage/target_map", "/swarm_coverage/robots", "/swarm_coverage/tick_input", "/robot_00/odom", "/robot_00/cmd_vel" })
                Assert.True(d.GetProperty("decoded").GetProperty(topic).GetProperty("count").GetInt32() > 0, $"nothing decoded on {topic}");

            // Parameters as foxglove_bridge names them; a lower gain slows the robots.
            var p = d.GetProperty("parameters");
            var gain = p.GetProperty("before").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "/swarm_coverage.velocity_gain");
            Assert.Equal(0.2, gain.GetProperty("value").GetDouble());
            Assert.True(p.GetProperty("speedAfter").GetDouble() < p.GetProperty("speedBefore").GetDouble() / 5, p.ToString());

            // A refused set: a status error naming the parameter and why, and the value still in force.
            var bad = d.GetProperty("badSet");
            Assert.Contains("safety.radius_m", bad.GetProperty("status").GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains("allowed range", bad.GetProperty("status").GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(0.22, bad.GetProperty("values").GetProperty("parameters")[0].GetProperty("value").GetDouble());

            // The emergency stop, published by the client: every command zero.
            var cmd = d.GetProperty("estop").GetProperty("cmdAfter");
            Assert.Equal(0.0, cmd.GetProperty("linear").GetProperty("x").GetDouble());
            Assert.Equal(0.0, cmd.GetProperty("angular").GetProperty("z").GetDouble());

            // Bad bytes and a malformed frame are answered, and the connection keeps delivering.
            Assert.Contains("not a valid swarm_coverage_msgs/msg/Target", d.GetProperty("badTarget").GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains("invalid JSON", d.GetProperty("malformed").GetProperty("status").GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.True(d.GetProperty("malformed").GetProperty("messagesAfter").GetInt32() > 0);
            Assert.True(run.IsRunning, run.Failure);
        }
        finally
        {
            stopped = await run.StopAsync();
        }

        Assert.True(stopped is TaskStatus.Canceled or TaskStatus.Faulted, $"the run did not stop when cancelled ({stopped})");
    }
}

/// <summary>The foxglove.* parameters are checked as every parameter is, naming the bad one.</summary>
public sealed class FoxgloveSettingsTests
{
    private static RosParamsFile File(string foxglove) =>
        RosParamsFile.Parse("swarm_coverage:\n  ros__parameters:\n    foxglove:\n" + foxglove, "fox.yaml", Scenario.NodeName);

    [Theory]
    [InlineData("      port: 70000\n", "foxglove.port")]
    [InlineData("      port: -1\n", "foxglove.port")]
    [InlineData("      port: [1, 2]\n", "foxglove.port")]
    [InlineData("      tls_cert: cert.pem\n", "foxglove.tls_key go together")]
    public void A_bad_foxglove_parameter_is_refused_naming_it(string yaml, string named)
    {
        var e = Assert.Throws<Core.InputException>(() => FoxgloveSettings.Read(File(yaml), decentralized: false));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decentralized_instance_serves_no_foxglove_unless_its_port_is_given()
    {
        Assert.Equal(0, FoxgloveSettings.Read(File("      address: 127.0.0.1\n"), decentralized: true).Port);
        Assert.Equal(9000, FoxgloveSettings.Read(File("      port: 9000\n"), decentralized: true).Port);
        Assert.Equal(8765, FoxgloveSettings.Read(File("      address: 127.0.0.1\n"), decentralized: false).Port);
    }
}
