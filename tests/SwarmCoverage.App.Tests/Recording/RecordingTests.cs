using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SwarmCoverage.Control;
using SwarmCoverage.Control.Configuration;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Mcap;
using SwarmCoverage.Mcap.Tests;
using SwarmCoverage.Nodes;
using SwarmCoverage.Nodes.Recording;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;

namespace SwarmCoverage.App.Tests.Recording;

/// <summary>
/// Every run recorded as MCAP: read back by Foxglove's own reader and CDR codec (tests/js/mcap-ros2.mjs), and replayed
/// through the control session command by command.
/// </summary>
public sealed class RecordingTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string SimulateSmall(string name, double durationS = 4.0)
    {
        string p = _dir.File(name + ".yaml", SimulateTests.Small.Replace("duration_s: 40.0", string.Create(CultureInfo.InvariantCulture, $"duration_s: {durationS:F1}"), StringComparison.Ordinal));
        string outDir = _dir[name];
        var (code, _, err) = Cli.Run("simulate", "--params", p, "--out", outDir);
        Assert.True(code == 0, err);
        return outDir;
    }

    [Fact]
    public void Foxglove_reads_every_message_of_the_recording_and_its_commands_are_the_trajectories()
    {
        string run = SimulateSmall("fox");
        var json = NodeReference.RunJson("mcap-ros2.mjs", Path.Combine(run, "run.mcap"), "^/robot_0[0-2]/cmd_vel$|tick_input");
        Assert.Equal("ros2", json.GetProperty("header").GetProperty("profile").GetString());
        var topics = json.GetProperty("topics");
        foreach (var t in topics.EnumerateObject())
        {
            Assert.Equal("ros2msg", t.Value.GetProperty("schemaEncoding").GetString());
            Assert.Equal("cdr", t.Value.GetProperty("messageEncoding").GetString());
            Assert.True(t.Value.GetProperty("errors").GetArrayLength() == 0, $"{t.Name}: {t.Value.GetProperty("errors")}");
        }

        Assert.Equal("swarm_coverage_msgs/msg/TickInput", topics.GetProperty("/swarm_coverage/tick_input").GetProperty("schema").GetString());
        Assert.Equal("nav_msgs/msg/Odometry", topics.GetProperty("/robot_00/odom").GetProperty("schema").GetString());
        Assert.Equal("rcl_interfaces/msg/ParameterEvent", topics.GetProperty("/parameter_events").GetProperty("schema").GetString());
        int ticks = 80; // 4 s at 20 Hz
        Assert.Equal(ticks, topics.GetProperty("/swarm_coverage/tick_input").GetProperty("count").GetInt32());
        Assert.Equal(ticks, topics.GetProperty("/swarm_coverage/status").GetProperty("count").GetInt32());

        // trajectories.csv (t, robot, x, y, theta, v, omega) against the recorded cmd_vel, as Foxglove decodes them.
        var rows = File.ReadAllLines(Path.Combine(run, "trajectories.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(c => (c[1], (int)Math.Round(double.Parse(c[0], CultureInfo.InvariantCulture) * 20)), c => (V: double.Parse(c[5], CultureInfo.InvariantCulture), W: double.Parse(c[6], CultureInfo.InvariantCulture)));
        int compared = 0;
        foreach (string robot in new[] { "robot_00", "robot_01", "robot_02" })
        {
            foreach (var m in topics.GetProperty($"/{robot}/cmd_vel").GetProperty("messages").EnumerateArray())
            {
                int k = m.GetProperty("sequence").GetInt32();
                var msg = m.GetProperty("message");
                var (v, w) = rows[(robot, k)];
                Assert.Equal(v, msg.GetProperty("linear").GetProperty("x").GetDouble());
                Assert.Equal(w, msg.GetProperty("angular").GetProperty("z").GetDouble());
                compared++;
            }
        }

        Assert.Equal(3 * ticks, compared);
        var tick5 = topics.GetProperty("/swarm_coverage/tick_input").GetProperty("messages")[5].GetProperty("message");
        Assert.Equal("5", tick5.GetProperty("tick").GetString());
        Assert.Equal(16, tick5.GetProperty("x").GetArrayLength());
    }

    [Fact]
    public void Replay_of_an_untouched_recording_finds_no_mismatch_and_of_one_changed_command_finds_exactly_it()
    {
        string run = SimulateSmall("replay");
        string file = Path.Combine(run, "run.mcap");
        var (code, output, err) = Cli.Run("replay", file);
        Assert.True(code == 0, output + err);
        Assert.Contains("80 ticks, 1280 commands compared, 0 mismatches", output, StringComparison.Ordinal);

        // Copy the file record by record, changing robot_03's command of tick 40 in its last bit.
        string changed = Path.Combine(_dir.Path, "changed.mcap");
        double original = Rewrite(file, changed, "/robot_03/cmd_vel", 40);
        (code, output, err) = Cli.Run("replay", changed);
        Assert.True(code == 1, output + err);
        Assert.Contains("80 ticks, 1280 commands compared, 1 mismatches", output, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"mismatch: tick 40, robot_03: recorded ("), output, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{original:R})"), output, StringComparison.Ordinal); // the recomputed one is the original

        (code, output, _) = Cli.Run("replay", file, "--set", "velocity_gain=0.1", "--out", Path.Combine(_dir.Path, "other.mcap"));
        Assert.Equal(1, code);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "other.mcap")));
        var (code2, output2, _) = Cli.Run("replay", Path.Combine(_dir.Path, "other.mcap"));
        Assert.True(code2 == 0, output2); // what the replay commanded is itself a consistent recording

        File.WriteAllText(Path.Combine(_dir.Path, "bad.mcap"), "not a recording");
        (code, _, err) = Cli.Run("replay", Path.Combine(_dir.Path, "bad.mcap"));
        Assert.Equal(2, code);
        Assert.Contains("bad.mcap: not a readable MCAP file", err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_killed_recorder_leaves_a_file_whose_complete_chunks_replay()
    {
        string run = SimulateSmall("killed", 20.0);
        byte[] all = File.ReadAllBytes(Path.Combine(run, "run.mcap"));
        string cut = Path.Combine(_dir.Path, "cut.mcap");
        File.WriteAllBytes(cut, all[..(all.Length * 2 / 3)]);
        var (code, output, err) = Cli.Run("replay", cut);
        Assert.True(code == 0, output + err);
        Assert.Contains("without its summary", output, StringComparison.Ordinal);
        int ticks = int.Parse(output.Split(' ')[2], CultureInfo.InvariantCulture);
        Assert.InRange(ticks, 100, 399);
    }

    [Fact]
    public void Parameter_changes_and_the_emergency_stop_are_recorded_at_their_tick_and_replayed()
    {
        const string yaml = """
            swarm_coverage:
              ros__parameters:
                target:
                  domain_min: [0.0, 0.0]
                  domain_max: [2.0, 1.5]
                  type: gaussian_mixture
                  weights: [1.0]
                  means: [1.4, 0.9]
                  sigmas: [0.3, 0.3]
                epsilon: 0.25
                grid_spacing: 0.1
                velocity_gain: 0.3
                safety:
                  radius_m: 0.2
                status:
                  energy_distance_period_s: 0.0
            """;
        var p = RosParamsFile.Parse(yaml, "live.yaml", Scenario.NodeName);
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddSeconds(100));
        var robots = new MovingRobots([new(0.4, 0.4, 0, 0), new(0.4, 0.9, 0, 1), new(0.9, 0.4, 0, -0.5)]);
        string file = Path.Combine(_dir.Path, "live.mcap");
        var changedCommands = new List<RobotCommand>();
        using (var session = new ControlSession(new ControlSessionOptions
        {
            Settings = ControllerSettings.Read(p),
            Parameters = p,
            Table = NodeParameters.Table,
            RobotNames = ["a", "b", "c"],
            Models = [RobotPresets.TurtleBot3Burger, RobotPresets.TurtleBot3Burger, RobotPresets.TurtleBot3Burger],
            BodyRadiusM = 0.1,
            Offline = true,
            WarmUp = false,
        }, robots, robots, time))
        {
            session.Attach(new RunRecorder(file, new RecordingTopics()), new ObserverOptions { Lossless = true });
            for (int k = 0; k < 60; k++)
            {
                if (k == 20) Assert.True(session.SetParameters([("velocity_gain", ParameterValue.Of(0.1)), ("target.means", ParameterValue.Of([0.6, 0.5]))], "test").Accepted);
                if (k == 30) session.SetEmergencyStop(true, "test");
                if (k == 35) session.SetEmergencyStop(false, "test");
                if (k == 40) robots.Silent = true; // stale after the timeout
                if (k == 52) robots.Silent = false;
                if (k == 45) Assert.Null(session.RequestTarget(ControllerSettings.Read(RosParamsFile.Parse(yaml.Replace("means: [1.4, 0.9]", "means: [0.5, 1.1]", StringComparison.Ordinal), "other", Scenario.NodeName)).Target, "topic /swarm_coverage/target"));
                session.Tick();
                robots.Move();
                time.Advance(TimeSpan.FromMilliseconds(50));
            }
        }

        var (code, output, err) = Cli.Run("replay", file);
        Assert.True(code == 0, output + err);
        Assert.Contains("60 ticks, 180 commands compared, 0 mismatches", output, StringComparison.Ordinal);
        Assert.DoesNotContain("note:", output, StringComparison.Ordinal);
        // The changes did change the commands: zero during the stop, other gains after tick 20.
        Assert.All(robots.Sent.Skip(30).Take(5).SelectMany(c => c), c => Assert.Equal(RobotCommand.Zero, c));

        // And the change is in the file where a ROS 2 tool looks for it.
        var json = NodeReference.RunJson("mcap-ros2.mjs", file, "parameter_events");
        var events = json.GetProperty("topics").GetProperty("/parameter_events").GetProperty("messages");
        Assert.Equal(2, events.GetArrayLength());
        var change = events[1];
        Assert.Equal(20, change.GetProperty("sequence").GetInt32());
        var names = change.GetProperty("message").GetProperty("changed_parameters").EnumerateArray().Select(e => e.GetProperty("name").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["target.means", "velocity_gain"], names);
    }

    [Fact]
    public void Bad_replay_and_live_options_are_refused_naming_them()
    {
        string run = SimulateSmall("opts", 1.0);
        string file = Path.Combine(run, "run.mcap");
        var (code, _, err) = Cli.Run("replay", file, "--set", "velocity_gain=-1");
        Assert.Equal(2, code);
        Assert.Contains("velocity_gain", err, StringComparison.Ordinal);
        (code, _, err) = Cli.Run("replay", file, "--set", "velocity_gian=0.1");
        Assert.Equal(2, code);
        Assert.Contains("--set velocity_gian: unknown parameter", err, StringComparison.Ordinal);
        (code, _, err) = Cli.Run("replay", file, "--set", "velocity_gain");
        Assert.Equal(2, code);
        Assert.Contains("expected NAME=VALUE", err, StringComparison.Ordinal);
        (code, _, err) = Cli.Run("simulate", "--live", "--speed", "-2", "--out", _dir["neg"]);
        Assert.Equal(2, code);
        Assert.Contains("--speed -2", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN, 0.5, "not finite")]
    [InlineData(9.0, 0.5, "outside the arena")]
    [InlineData(0.6, 0.5, null)]
    public void A_clicked_point_moves_the_nearest_component_or_is_refused_with_a_reason(double x, double y, string? refusal)
    {
        var p = RosParamsFile.Parse(SimulateTests.Small, "click.yaml", Scenario.NodeName);
        var robots = new MovingRobots([new(0.4, 0.4, 0, 0), new(0.4, 0.9, 0, 1), new(0.9, 0.4, 0, -0.5)]);
        using var session = new ControlSession(new ControlSessionOptions
        {
            Settings = ControllerSettings.Read(p),
            Parameters = p,
            Table = NodeParameters.Table,
            RobotNames = ["a", "b", "c"],
            Models = [RobotPresets.TurtleBot3Burger, RobotPresets.TurtleBot3Burger, RobotPresets.TurtleBot3Burger],
            BodyRadiusM = 0.1,
            Offline = true,
            WarmUp = false,
        }, robots, robots, new FakeTimeProvider());
        var point = new PointStamped { Point = new Point(x, y, 0) };
        string? result = ControlInputs.ClickedPoint(session, point, "test");
        if (refusal is not null)
        {
            Assert.NotNull(result);
            Assert.Contains(refusal, result, StringComparison.Ordinal);
            Assert.Equal(ParameterValue.Of([0.9, 1.1, 2.2, 0.9]), session.Value("target.means"));
            return;
        }

        Assert.Null(result);
        // (0.6, 0.5) is nearer (0.9, 1.1) than (2.2, 0.9): the first mean moves, the second stays.
        Assert.Equal(ParameterValue.Of([0.6, 0.5, 2.2, 0.9]), session.Value("target.means"));
    }

    /// <summary>Copies a recording, changing the angular.z of one robot's command at one tick by one ulp; returns its old value.</summary>
    private static double Rewrite(string from, string to, string topic, uint tick)
    {
        double old = double.NaN;
        Copy(from, to, m =>
        {
            var data = m.Data.ToArray();
            if (m.Channel.Topic == topic && m.Sequence == tick)
            {
                Assert.Equal(default, Twist.MessageType.Decode(data, out Twist t).Rejection);
                old = t.Angular.Z;
                t.Angular.Z = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(old) + 1);
                data = Twist.MessageType.Serialize(t);
            }

            return data;
        });
        Assert.False(double.IsNaN(old), $"no {topic} at tick {tick}");
        return old;
    }

    /// <summary>
    /// Copies a recording record by record through <paramref name="transform"/> (null: the message is left out), and its
    /// session metadata through <paramref name="session"/>.
    /// </summary>
    private static void Copy(string from, string to, Func<McapMessage, byte[]?> transform, Action<Dictionary<string, string>>? session = null)
    {
        using var reader = McapReader.Open(from);
        using var writer = McapWriter.Create(to, new McapWriterOptions { Profile = reader.Header.Profile });
        var schemaMap = new Dictionary<ushort, ushort>();
        var channelMap = new Dictionary<ushort, ushort>();
        bool metaWritten = false;
        while (reader.TryReadMessage(out var m))
        {
            if (!metaWritten)
            {
                foreach (var md in reader.Metadata)
                {
                    var values = new Dictionary<string, string>(md.Values, StringComparer.Ordinal);
                    if (md.Name == RecordingTopics.SessionMetadata) session?.Invoke(values);
                    writer.AddMetadata(md.Name, values);
                }
                metaWritten = true;
            }

            if (!channelMap.TryGetValue(m.ChannelId, out ushort ch))
            {
                var s = m.Channel.Schema!;
                if (!schemaMap.TryGetValue(s.Id, out ushort sid)) schemaMap[s.Id] = sid = writer.AddSchema(s.Name, s.Encoding, s.Data.Span);
                channelMap[m.ChannelId] = ch = writer.AddChannel(sid, m.Channel.Topic, m.Channel.MessageEncoding);
            }

            if (transform(m) is { } data) writer.AddMessage(ch, m.Sequence, m.LogTime, m.PublishTime, data);
        }
    }

    [Theory]
    [InlineData("format", "2", "is format '2'; this program reads format 1")]
    [InlineData("robots", "[\"a\", \"a\"]", "the robots must be distinct non-empty names")]
    [InlineData("models", "[{\"MaxLinearSpeedMps\": 1.x}]", "has an unreadable 'models'")]
    [InlineData("clock_frequency", "0", "has an unreadable 'clock_frequency': '0' is not a number in [1, ")]
    [InlineData("own_robot", "nobody", "own_robot 'nobody' is none of the recording's robots")]
    public void A_recording_with_bad_session_metadata_is_refused_naming_the_file_and_the_key(string key, string value, string message)
    {
        string run = SimulateSmall("meta", 1.0);
        string bad = Path.Combine(_dir.Path, "meta-" + key + ".mcap");
        Copy(Path.Combine(run, "run.mcap"), bad, m => m.Data.ToArray(), session => session[key] = value);
        var (code, _, err) = Cli.Run("replay", bad);
        Assert.Equal(2, code);
        Assert.Contains(bad, err, StringComparison.Ordinal);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_reports_the_ticks_a_live_recorder_dropped()
    {
        // A live recorder that falls behind drops whole ticks: here tick 20 and ticks 41..43, every message of them.
        string run = SimulateSmall("gap");
        string gapped = Path.Combine(_dir.Path, "gapped.mcap");
        Copy(Path.Combine(run, "run.mcap"), gapped, m => m.Sequence is 20 or (>= 41 and <= 43) && m.Channel.Topic != "/parameter_events" ? null : m.Data.ToArray());
        var result = Replay.Run(gapped);
        Assert.Equal(76, result.Ticks);
        Assert.Equal(4, result.MissingTicks);
        Assert.Contains(result.Notes, n => n.StartsWith("tick 20 is not in the recording", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.StartsWith("ticks 41..43 are not in the recording", StringComparison.Ordinal));
        var (_, output, _) = Cli.Run("replay", gapped);
        Assert.Contains("note: ticks 41..43 are not in the recording", output, StringComparison.Ordinal);
    }

    private sealed class MovingRobots(Control.Pose[] start) : IPoseSource, ICommandSink
    {
        private readonly Control.Pose[] _poses = [.. start];

        public bool Silent { get; set; }

        public List<RobotCommand[]> Sent { get; } = [];

        public void TakePoses(PoseIntake intake)
        {
            for (int i = 0; i < _poses.Length; i++)
                if (!(Silent && i == 1)) intake.Offer(i, _poses[i]);
        }

        public void Send(in CommandBatch batch) => Sent.Add(batch.Wire.ToArray());

        public void Move()
        {
            var w = Sent[^1];
            for (int i = 0; i < _poses.Length; i++)
            {
                var p = _poses[i];
                double yaw = p.YawRad + w[i].OmegaZ * 0.05;
                _poses[i] = new Control.Pose(p.X + w[i].Vx * 0.05 * Math.Cos(yaw), p.Y + w[i].Vx * 0.05 * Math.Sin(yaw), 0, yaw);
            }
        }
    }
}
