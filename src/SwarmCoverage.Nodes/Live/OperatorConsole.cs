using System.Text.Json;
using Microsoft.Extensions.FileProviders;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Control.Session;
using SwarmCoverage.Nodes.Recording;

namespace SwarmCoverage.Nodes.Live;

/// <summary>
/// The browser operator console (docs/console.md): static files embedded in this assembly, served at <c>/</c> by the
/// Foxglove server, and the description of the controller the page reads from <c>serverInfo.metadata</c> (its robots,
/// arena, topics and parameter table), so that the page is a plain Foxglove client with no second interface.
/// </summary>
public static class OperatorConsole
{
    /// <summary>The <c>serverInfo.metadata</c> key of the description.</summary>
    public const string MetadataKey = "swarm_coverage.console";

    private const string ResourcePrefix = "SwarmCoverage.Nodes.Live.Console";

    /// <summary>The console's files: index.html, console.js, foxglove.js, cdr.js, console.css.</summary>
    public static IFileProvider Files { get; } = new EmbeddedFileProvider(typeof(OperatorConsole).Assembly, ResourcePrefix);

    /// <summary>The names of the embedded files (for the size check and the tests).</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        [.. typeof(OperatorConsole).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix + ".", StringComparison.Ordinal)).Select(n => n[(ResourcePrefix.Length + 1)..]).Order(StringComparer.Ordinal)];

    /// <summary>The description the page reads: robots, arena, topics, and every parameter's type, range and whether it may change while running.</summary>
    public static string Describe(ControlSession session, RecordingTopics topics, bool hasRosout)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Describe(session.RobotNames, session.Settings.Arena, session.Table, topics, hasRosout);
    }

    /// <inheritdoc cref="Describe(ControlSession, RecordingTopics, bool)"/>
    public static string Describe(IReadOnlyList<string> robots, Core.Box arena, ParameterTable table, RecordingTopics topics, bool hasRosout)
    {
        ArgumentNullException.ThrowIfNull(robots);
        ArgumentNullException.ThrowIfNull(arena);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(topics);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            w.WriteString("parameterPrefix", FoxgloveBridge.ParameterPrefix);
            w.WriteStartArray("robots");
            foreach (string r in robots) w.WriteStringValue(r);
            w.WriteEndArray();
            w.WriteStartObject("arena");
            Numbers(w, "min", arena.Min);
            Numbers(w, "max", arena.Max);
            w.WriteEndObject();
            w.WriteStartObject("topics");
            w.WriteString("tickInput", RecordingTopics.TickTopic);
            w.WriteString("status", topics.StatusTopic);
            w.WriteString("targetMap", topics.TargetMapTopic);
            w.WriteString("targetGrid", topics.TargetGridTopic);
            w.WriteString("emergencyStop", topics.EmergencyStopTopic);
            if (hasRosout) w.WriteString("rosout", RosoutPublisher.Topic);
            w.WriteEndObject();
            w.WriteStartArray("parameters");
            foreach (var d in table.All) Descriptor(w, d);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Numbers(Utf8JsonWriter w, string name, ReadOnlySpan<double> xs)
    {
        w.WriteStartArray(name);
        foreach (double x in xs) w.WriteNumberValue(x);
        w.WriteEndArray();
    }

    private static void Descriptor(Utf8JsonWriter w, ParameterDescriptor d)
    {
        w.WriteStartObject();
        w.WriteString("name", d.Name);
        w.WriteString("type", d.Type switch
        {
            ParameterType.Bool => "bool",
            ParameterType.Integer => "integer",
            ParameterType.Double => "double",
            ParameterType.String => "string",
            ParameterType.DoubleArray => "double_array",
            ParameterType.StringArray => "string_array",
            _ => "unknown",
        });
        w.WriteString("description", d.Description);
        w.WriteString("unit", d.Unit);
        w.WriteBoolean("runTime", d.RunTime);
        if (d.Type == ParameterType.Double)
        {
            // JSON has no infinity: an unbounded side is null.
            Bound(w, "min", d.Minimum);
            Bound(w, "max", d.Maximum);
            w.WriteBoolean("minExclusive", d.MinimumExclusive);
        }
        else if (d.Type == ParameterType.Integer)
        {
            w.WriteNumber("min", d.IntegerMinimum);
            w.WriteNumber("max", d.IntegerMaximum);
            w.WriteBoolean("minExclusive", false);
        }

        if (d.Allowed.Count > 0)
        {
            w.WriteStartArray("allowed");
            foreach (string a in d.Allowed) w.WriteStringValue(a);
            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    private static void Bound(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
