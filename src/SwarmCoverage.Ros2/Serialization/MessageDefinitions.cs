using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace SwarmCoverage.Ros2.Serialization;

/// <summary>
/// Complete message definitions in the <c>ros2msg</c> encoding, composed from the .msg files embedded in this
/// assembly (src/SwarmCoverage.Ros2/Interfaces, verbatim from upstream, and msgs/msg) the way rosbag2's MCAP
/// storage and foxglove_bridge compose them from a ROS installation (docs/ros2-wire.md, "Message definitions"):
/// the root .msg text; then, depth first, for each type a .msg names (in ordinal order of the names as written,
/// each type once), a newline, a line of 80 '=', a line <c>MSG: pkg/Type</c> and that type's text. Field types
/// are found with the same line-start pattern, so comments and constants are passed over the same way.
/// </summary>
internal static partial class MessageDefinitions
{
    private const string ResourcePrefix = "ros2/interfaces/";

    private static readonly string Separator = new('=', 80);

    private static readonly HashSet<string> PrimitiveTypes =
    [
        "bool", "byte", "char", "float32", "float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "string",
    ];

    private static readonly ConcurrentDictionary<string, string?> Texts = new(StringComparer.Ordinal);

    /// <summary>The complete definition of <paramref name="rosTypeName"/> (<c>pkg/msg/Type</c> or <c>pkg/Type</c>).</summary>
    public static string Compose(string rosTypeName) => Compose(rosTypeName, MsgText);

    /// <summary>As <see cref="Compose(string)"/> with the .msg texts from <paramref name="msgText"/> (package, type).</summary>
    public static string Compose(string rosTypeName, Func<string, string, string?> msgText)
    {
        (string package, string type) = Split(rosTypeName);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new StringBuilder();
        AppendRecursive(package, type, msgText, seen, result, depth: 50);
        return result.ToString();
    }

    /// <summary>The verbatim .msg text of <c>package/msg/type</c>, or null when it is not embedded.</summary>
    public static string? MsgText(string package, string type) => Texts.GetOrAdd($"{package}/msg/{type}", static key =>
    {
        using Stream? stream = typeof(MessageDefinitions).Assembly.GetManifestResourceStream(ResourcePrefix + key + ".msg");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
        return reader.ReadToEnd();
    });

    /// <summary>The types a .msg text uses, as written (<c>pkg/Type</c>; a bare <c>Type</c> is in <paramref name="package"/>), ordinal order.</summary>
    public static SortedSet<string> Dependencies(string text, string package)
    {
        var dependencies = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match m in FieldType().Matches(text))
        {
            string name = m.Groups[1].Value;
            if (PrimitiveTypes.Contains(name))
            {
                continue;
            }

            dependencies.Add(name.Contains('/', StringComparison.Ordinal) ? name : $"{package}/{name}");
        }

        return dependencies;
    }

    /// <summary>Names of the embedded .msg files, as <c>pkg/msg/Type</c>.</summary>
    public static IEnumerable<string> Embedded() =>
        typeof(MessageDefinitions).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".msg", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..^4]);

    private static void AppendRecursive(string package, string type, Func<string, string, string?> msgText, HashSet<string> seen, StringBuilder result, int depth)
    {
        if (depth <= 0)
        {
            throw new InvalidOperationException($"{package}/{type}: message definitions nest too deep");
        }

        string text = msgText(package, type)
            ?? throw new InvalidOperationException($"no .msg for {package}/msg/{type} is embedded in {typeof(MessageDefinitions).Assembly.GetName().Name}");
        result.Append(text);
        foreach (string dependency in Dependencies(text, package))
        {
            if (!seen.Add(dependency))
            {
                continue;
            }

            result.Append('\n').Append(Separator).Append('\n').Append("MSG: ").Append(dependency).Append('\n');
            (string p, string t) = Split(dependency);
            AppendRecursive(p, t, msgText, seen, result, depth - 1);
        }
    }

    private static (string Package, string Type) Split(string name)
    {
        string[] parts = name.Split('/');
        return parts switch
        {
            [string p, string t] when p.Length > 0 && t.Length > 0 => (p, t),
            [string p, "msg", string t] when p.Length > 0 && t.Length > 0 => (p, t),
            _ => throw new ArgumentException($"'{name}' is not a message type name (pkg/msg/Type or pkg/Type)", nameof(name)),
        };
    }

    // A word at the start of a line followed by an optional [..] and whitespace: the field type of a field or constant.
    [GeneratedRegex(@"(?:^|\n)[ \t\n\r\f\v]*([a-zA-Z0-9_/]+)(?:\[[^\]]*\])?[ \t\n\r\f\v]+", RegexOptions.CultureInvariant)]
    private static partial Regex FieldType();
}
