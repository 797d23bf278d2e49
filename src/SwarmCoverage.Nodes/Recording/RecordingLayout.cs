using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SwarmCoverage.Control;
using SwarmCoverage.Core;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Ros2;
using RclValue = SwarmCoverage.Ros2.Messages.RclInterfaces.ParameterValue;
using RclType = SwarmCoverage.Ros2.Messages.RclInterfaces.ParameterType;

namespace SwarmCoverage.Nodes.Recording;

/// <summary>
/// Where a run's recording puts what (docs/recording.md): the topics of the live node, plus the tick channel and the
/// session metadata a replay needs. Shared by the recorder and the replay so that the two cannot disagree.
/// </summary>
public sealed record RecordingTopics
{
    public string FrameId { get; init; } = "world";
    public PoseSource PoseSource { get; init; } = PoseSource.Odometry;
    public string OdometryTopic { get; init; } = "/{robot}/odom";
    public string PoseTopic { get; init; } = "/{robot}/pose";
    public string CommandTopic { get; init; } = "/{robot}/cmd_vel";
    public CommandMessageType CommandType { get; init; } = CommandMessageType.Twist;
    public string StatusTopic { get; init; } = "/swarm_coverage/status";
    public string TargetMapTopic { get; init; } = "/swarm_coverage/target_map";
    public string EmergencyStopTopic { get; init; } = "/swarm_coverage/emergency_stop";
    public string TargetTopic { get; init; } = "/swarm_coverage/target";
    public string TargetGridTopic { get; init; } = "/swarm_coverage/target_grid";

    /// <summary>What each tick took (swarm_coverage_msgs/msg/TickInput).</summary>
    public const string TickTopic = "/swarm_coverage/tick_input";

    /// <summary>Parameter changes, as a ROS 2 node publishes them.</summary>
    public const string ParameterEventsTopic = "/parameter_events";

    /// <summary>The MCAP metadata record with the session (robots, models, parameters).</summary>
    public const string SessionMetadata = "swarm_coverage.session";

    /// <summary>The node's name in /parameter_events.</summary>
    public const string NodeName = "/swarm_coverage";

    /// <summary>The topics of the controller node's settings.</summary>
    public static RecordingTopics Of(ControllerNodeSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new RecordingTopics
        {
            FrameId = s.FrameId,
            PoseSource = s.PoseSource,
            OdometryTopic = s.OdometryTopic,
            PoseTopic = s.PoseTopic,
            CommandTopic = s.CommandTopic,
            CommandType = s.CommandType,
            StatusTopic = s.StatusTopic,
            TargetMapTopic = s.TargetMapTopic,
            EmergencyStopTopic = s.EmergencyStopTopic,
            TargetTopic = s.TargetTopic,
            TargetGridTopic = s.TargetGridTopic,
        };
    }

    public string PoseTopicOf(string robot) => ControllerNodeSettings.Topic(PoseSource == PoseSource.Odometry ? OdometryTopic : PoseTopic, robot);

    public string CommandTopicOf(string robot) => ControllerNodeSettings.Topic(CommandTopic, robot);

    /// <summary>The message type of a robot's pose topic (Odometry or PoseStamped).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public RosMessageType PoseMessage => PoseSource == PoseSource.Odometry ? Ros2.Messages.NavMsgs.Odometry.MessageType : Ros2.Messages.GeometryMsgs.PoseStamped.MessageType;

    /// <summary>The message type of a robot's cmd_vel (Twist or TwistStamped).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public RosMessageType CommandMessage => CommandType == CommandMessageType.Twist ? Ros2.Messages.GeometryMsgs.Twist.MessageType : Ros2.Messages.GeometryMsgs.TwistStamped.MessageType;
}

/// <summary>The session metadata a replay rebuilds the session from.</summary>
internal static class SessionMetadata
{
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Dictionary<string, string> Write(Control.Session.SessionDescription d, RecordingTopics topics) => new(StringComparer.Ordinal)
    {
        ["format"] = "1",
        ["robots"] = JsonSerializer.Serialize(d.RobotNames, Json),
        ["models"] = JsonSerializer.Serialize(d.Models, Json),
        ["own_robot"] = d.OwnRobot < 0 ? "" : d.RobotNames[d.OwnRobot],
        ["body_radius_m"] = d.BodyRadiusM.ToString("R", CultureInfo.InvariantCulture),
        ["control_period_s"] = d.ControlPeriodS.ToString("R", CultureInfo.InvariantCulture),
        ["clock_frequency"] = d.TimestampFrequency.ToString(CultureInfo.InvariantCulture),
        ["parameters"] = WriteParameters(d.Parameters.Select(p => (p.Descriptor.Name, p.Value))),
        ["topics"] = JsonSerializer.Serialize(topics, Json),
    };

    /// <summary>The metadata format this program writes and reads.</summary>
    public const string Format = "1";

    /// <summary>Refuses a recording of another metadata format (or of none).</summary>
    public static void CheckFormat(IReadOnlyDictionary<string, string> m)
    {
        string format = Get(m, "format");
        if (format != Format)
            throw new InputException($"the recording's metadata '{RecordingTopics.SessionMetadata}' is format '{format}'; this program reads format {Format}");
    }

    /// <summary>The robots' names: at least one, none empty, no two alike.</summary>
    public static IReadOnlyList<string> Robots(IReadOnlyDictionary<string, string> m)
    {
        var names = Deserialize<string[]>(m, "robots");
        if (names.Length == 0 || names.Any(string.IsNullOrEmpty) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw Bad("robots", "the robots must be distinct non-empty names");
        return names;
    }

    public static IReadOnlyList<RobotModel> Models(IReadOnlyDictionary<string, string> m)
    {
        var models = Deserialize<RobotModel[]>(m, "models");
        if (models.Any(x => x is null)) throw Bad("models", "a model is null");
        return models;
    }

    /// <summary>A JSON value of the metadata; whatever is wrong with it (syntax, type, a missing required member) is an <see cref="InputException"/> naming the key.</summary>
    private static T Deserialize<T>(IReadOnlyDictionary<string, string> m, string key)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(Get(m, key), Json) ?? throw Bad(key, "it is null");
        }
        catch (Exception e) when (IsJsonFault(e))
        {
            throw Bad(key, e.Message);
        }
    }

    /// <summary>What System.Text.Json throws for text that is not the JSON asked for (syntax, types, ranges).</summary>
    private static bool IsJsonFault(Exception e) =>
        e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException or OverflowException;

    /// <summary>The parameters in force when the recording started, typed.</summary>
    public static IReadOnlyList<(string Name, ParameterValue Value)> Parameters(IReadOnlyDictionary<string, string> m)
    {
        var list = new List<(string, ParameterValue)>();
        try
        {
            using var doc = JsonDocument.Parse(Get(m, "parameters"));
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var v = p.Value;
                list.Add((p.Name, v.ValueKind switch
                {
                    JsonValueKind.True or JsonValueKind.False => ParameterValue.Of(v.GetBoolean()),
                    JsonValueKind.String => ParameterValue.Of(v.GetString()!),
                    JsonValueKind.Number when v.TryGetInt64(out long i) && !v.GetRawText().Contains('.', StringComparison.Ordinal) && !v.GetRawText().Contains('E', StringComparison.OrdinalIgnoreCase) => ParameterValue.Of(i),
                    JsonValueKind.Number => ParameterValue.Of(v.GetDouble()),
                    JsonValueKind.Object when v.TryGetProperty("doubles", out var ds) => ParameterValue.Of([.. ds.EnumerateArray().Select(e => e.GetDouble())]),
                    JsonValueKind.Object when v.TryGetProperty("strings", out var ss) => ParameterValue.Of([.. ss.EnumerateArray().Select(e => e.GetString()!)]),
                    _ => throw Bad("parameters"),
                }));
            }
        }
        catch (Exception e) when (IsJsonFault(e))
        {
            throw new InputException($"the recording's metadata '{RecordingTopics.SessionMetadata}' has unreadable parameters: {e.Message}", e);
        }

        return list;
    }

    // Numbers as JSON numbers ("R": round-trip exact); a double keeps a '.' or an exponent so it reads back as a double.
    private static string WriteParameters(IEnumerable<(string Name, ParameterValue Value)> values)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (name, v) in values)
            {
                w.WritePropertyName(name);
                switch (v.Type)
                {
                    case ParameterType.Bool: w.WriteBooleanValue(v.AsBool); break;
                    case ParameterType.Integer: w.WriteNumberValue(v.AsInteger); break;
                    case ParameterType.Double: w.WriteRawValue(DoubleText(v.AsDouble)); break;
                    case ParameterType.String: w.WriteStringValue(v.AsString); break;
                    case ParameterType.DoubleArray:
                        w.WriteStartObject();
                        w.WriteStartArray("doubles");
                        foreach (double d in v.AsDoubles) w.WriteRawValue(DoubleText(d));
                        w.WriteEndArray();
                        w.WriteEndObject();
                        break;
                    case ParameterType.StringArray:
                        w.WriteStartObject();
                        w.WriteStartArray("strings");
                        foreach (string x in v.AsStrings) w.WriteStringValue(x);
                        w.WriteEndArray();
                        w.WriteEndObject();
                        break;
                }
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string DoubleText(double v)
    {
        string t = v.ToString("R", CultureInfo.InvariantCulture);
        return t.AsSpan().IndexOfAny('.', 'E') < 0 ? t + ".0" : t;
    }

    public static RecordingTopics Topics(IReadOnlyDictionary<string, string> m) => Deserialize<RecordingTopics>(m, "topics");

    /// <summary>A finite number of the metadata within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static double Double(IReadOnlyDictionary<string, string> m, string key, double min = double.MinValue, double max = double.MaxValue) =>
        double.TryParse(Get(m, key), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v >= min && v <= max
            ? v
            : throw Bad(key, string.Create(CultureInfo.InvariantCulture, $"'{Get(m, key)}' is not a number in [{min}, {max}]"));

    public static string Get(IReadOnlyDictionary<string, string> m, string key) =>
        m.TryGetValue(key, out var v) ? v : throw new InputException($"the recording's metadata '{RecordingTopics.SessionMetadata}' has no '{key}'");

    private static InputException Bad(string key, string? why = null) =>
        new($"the recording's metadata '{RecordingTopics.SessionMetadata}' has an unreadable '{key}'{(why is null ? "" : ": " + why)}");
}

/// <summary>The project's parameter values as rcl_interfaces/msg/ParameterValue (the types of rcl_interfaces/msg/ParameterType).</summary>
public static class RosParameterValues
{
    public static RclValue ToRos(ParameterValue? v)
    {
        if (v is null) return new RclValue { Type = RclType.ParameterNotSet };
        return v.Type switch
        {
            ParameterType.Bool => new RclValue { Type = RclType.ParameterBool, BoolValue = v.AsBool },
            ParameterType.Integer => new RclValue { Type = RclType.ParameterInteger, IntegerValue = v.AsInteger },
            ParameterType.Double => new RclValue { Type = RclType.ParameterDouble, DoubleValue = v.AsDouble },
            ParameterType.String => new RclValue { Type = RclType.ParameterString, StringValue = v.AsString },
            ParameterType.DoubleArray => new RclValue { Type = RclType.ParameterDoubleArray, DoubleArrayValue = v.AsDoubles.ToArray() },
            ParameterType.StringArray => new RclValue { Type = RclType.ParameterStringArray, StringArrayValue = [.. v.AsStrings] },
            _ => throw new InvalidOperationException(v.Type.ToString()),
        };
    }

    /// <summary>The project's value of a ROS 2 parameter value, or null with the reason for a type the table has no use for.</summary>
    public static ParameterValue? FromRos(in RclValue v, out string? reason)
    {
        reason = null;
        switch (v.Type)
        {
            case RclType.ParameterBool: return ParameterValue.Of(v.BoolValue);
            case RclType.ParameterInteger: return ParameterValue.Of(v.IntegerValue);
            case RclType.ParameterDouble: return ParameterValue.Of(v.DoubleValue);
            case RclType.ParameterString: return ParameterValue.Of(v.StringValue ?? "");
            case RclType.ParameterDoubleArray: return ParameterValue.Of((v.DoubleArrayValue ?? []).AsSpan());
            case RclType.ParameterStringArray: return ParameterValue.Of(v.StringArrayValue ?? []);
            case RclType.ParameterIntegerArray: return ParameterValue.Of([.. (v.IntegerArrayValue ?? []).Select(i => (double)i)]);
            default:
                reason = $"parameter type {v.Type} is not one the controller uses";
                return null;
        }
    }
}
