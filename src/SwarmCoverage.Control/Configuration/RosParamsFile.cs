using System.Globalization;
using SwarmCoverage.Control.Parameters;
using SwarmCoverage.Core;
using YamlDotNet.RepresentationModel;

namespace SwarmCoverage.Control.Configuration;

/// <summary>
/// A ROS 2 parameters file (the format <c>ros2 run ... --ros-args --params-file</c> and launch files load):
/// <code>
/// swarm_coverage:          # node name, or /** for every node
///   ros__parameters:
///     control_rate_hz: 20.0
///     safety:
///       radius_m: 0.25     # nested maps are dotted names: safety.radius_m
/// </code>
/// Typed getters remember what was read; <see cref="ThrowOnUnknown"/> then refuses every parameter nobody
/// asked for, naming it and its line, so a misspelt parameter never passes silently. Every error names the
/// parameter, its value and the allowed range.
/// </summary>
public sealed class RosParamsFile
{
    private readonly Dictionary<string, (YamlNode Node, int Line)> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _origins = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _directories = new(StringComparer.Ordinal);

    private RosParamsFile(string source, string? directory)
    {
        Source = source;
        Directory = directory;
    }

    /// <summary>The file name, for messages.</summary>
    public string Source { get; }

    /// <summary>Folder of the file: relative paths in parameters resolve against it.</summary>
    public string? Directory { get; }

    public IEnumerable<string> Names => _values.Keys;

    /// <summary>What the reading found worth saying without refusing the file (a parameter's former name, ...).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>A warning about <paramref name="name"/> prefixed with where it was set.</summary>
    public void Warn(string name, string message) => Warnings.Add($"{Where(name)}: parameter '{name}' {message}");

    public static RosParamsFile Load(string path, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = InputFiles.ReadAllText(path, "params file");
        return Parse(text, path, nodeName, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)));
    }

    /// <summary>An empty set of parameters (every getter returns its default).</summary>
    public static RosParamsFile Empty(string source = "defaults") => new(source, null);

    public static RosParamsFile Parse(string text, string source, string nodeName, string? directory = null) =>
        Parse(text, source, nodeName, directory, [], requireSection: true);

    /// <summary>
    /// Reads <paramref name="path"/> for the node whose section is <paramref name="nodeName"/> (as <see cref="Load(string, string)"/>)
    /// or whose fully qualified name is one of <paramref name="fullNames"/> (ROS's matching, <see cref="SectionMatches"/>).
    /// Without <paramref name="requireSection"/> a file with no section for the node gives no parameters and a warning,
    /// as a <c>--params-file</c> for other nodes does in ROS.
    /// </summary>
    public static RosParamsFile Load(string path, string nodeName, IReadOnlyCollection<string> fullNames, bool requireSection)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = InputFiles.ReadAllText(path, "params file");
        return Parse(text, path, nodeName, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)), fullNames, requireSection);
    }

    /// <summary>Checks that <paramref name="path"/> exists and is a YAML mapping of node sections, whatever node reads it; throws <see cref="InputException"/> naming it.</summary>
    public static void CheckSyntax(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        _ = Parse(InputFiles.ReadAllText(path, "params file"), path, "", null, [], requireSection: false, anySection: true);
    }

    /// <summary>
    /// Whether a params file section (or a <c>-p node:name:=value</c> prefix) called <paramref name="key"/> is for the node:
    /// <c>/**</c>; the program's section name <paramref name="nodeName"/> (bare, or after any namespace); or, as rclcpp
    /// matches, the key (a leading <c>/</c> added) equal to one of <paramref name="fullNames"/>, <c>*</c> standing for one
    /// name token and <c>**</c> for any number.
    /// </summary>
    public static bool SectionMatches(string key, string nodeName, IReadOnlyCollection<string> fullNames)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fullNames);
        if (key == "/**") return true;
        string bare = key.TrimStart('/');
        if (nodeName.Length > 0 && (bare == nodeName || bare.EndsWith("/" + nodeName, StringComparison.Ordinal))) return true;
        string[] pattern = bare.Split('/');
        return fullNames.Any(f => TokensMatch(pattern, 0, f.TrimStart('/').Split('/'), 0));
    }

    private static bool TokensMatch(string[] pattern, int i, string[] name, int j)
    {
        if (i == pattern.Length) return j == name.Length;
        if (pattern[i] == "**")
        {
            for (int k = j; k <= name.Length; k++)
                if (TokensMatch(pattern, i + 1, name, k)) return true;
            return false;
        }

        return j < name.Length && (pattern[i] == "*" || pattern[i] == name[j]) && TokensMatch(pattern, i + 1, name, j + 1);
    }

    private static RosParamsFile Parse(string text, string source, string nodeName, string? directory, IReadOnlyCollection<string> fullNames, bool requireSection, bool anySection = false)
    {
        var stream = InputFiles.ParseYaml(text, source);
        var file = new RosParamsFile(source, directory);
        if (stream.Documents.Count == 0) return file;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InputException($"{source}:1: a params file is a mapping '<node name>: {{ ros__parameters: ... }}'");
        bool found = false;
        foreach (var (key, value) in root.Children)
        {
            string name = KeyName(key, source);
            if (!anySection && !SectionMatches(name, nodeName, fullNames))
                continue; // another node's section
            if (value is not YamlMappingNode section || !section.Children.TryGetValue(new YamlScalarNode("ros__parameters"), out var p) || p is not YamlMappingNode parameters)
                throw new InputException($"{source}:{key.Start.Line}: section '{name}' must contain 'ros__parameters:'");
            foreach (var other in section.Children.Keys)
                if (KeyName(other, source) != "ros__parameters")
                    throw new InputException($"{source}:{other.Start.Line}: unknown key '{other}' in section '{name}'; only ros__parameters is allowed");
            file.Flatten(parameters, "");
            found = true;
        }
        if (!found && requireSection)
            throw new InputException($"{source}: no section for node '{nodeName}' (expected '{nodeName}:'{string.Concat(fullNames.Select(f => $", '{f}:'"))} or '/**:' with ros__parameters)");
        if (!found && !anySection)
            file.Warnings.Add($"{source}: no section for this node ('{nodeName}:'{string.Concat(fullNames.Select(f => $", '{f}:'"))} or '/**:'); nothing read from it");
        if (anySection) file._values.Clear();
        return file;
    }

    /// <summary>
    /// These parameters with <paramref name="over"/>'s on top, as rclcpp layers several <c>--params-file</c>: a name set in
    /// both takes <paramref name="over"/>'s value, its errors naming <paramref name="over"/>'s file and line and a relative
    /// path resolving against that file's folder. Warnings of both are kept. Nothing is marked as read.
    /// </summary>
    public RosParamsFile Layer(RosParamsFile over)
    {
        ArgumentNullException.ThrowIfNull(over);
        var copy = Copy();
        foreach (var (k, v) in over._values)
        {
            copy._values[k] = v;
            copy._origins[k] = over.Where(k);
            string? directory = over._directories.TryGetValue(k, out var d) ? d : over.Directory;
            if (directory is not null) copy._directories[k] = directory;
            else copy._directories.Remove(k);
        }

        copy.Warnings.AddRange(over.Warnings);
        return copy;
    }

    /// <summary>
    /// These parameters with <paramref name="overrides"/> (YAML values as text, e.g. <c>-p name:=value</c>) applied on top:
    /// read back by the same getters, each is checked with the same ranges and messages as the file's, its errors naming
    /// <paramref name="origin"/> of it (e.g. "--ros-args -p name:=value"). Throws <see cref="InputException"/> when a value
    /// is not a YAML scalar or list of scalars (<see cref="OverrideValueError"/>).
    /// </summary>
    public RosParamsFile WithOverrides(IEnumerable<(string Name, string YamlValue, string Origin)> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var copy = Copy();
        foreach (var (name, text, origin) in overrides)
        {
            copy._values[name] = (ParseValue(text) ?? throw new InputException($"{origin}: {OverrideValueError(text)}"), 0);
            copy._origins[name] = origin;
            copy._directories.Remove(name);
        }

        return copy;
    }

    /// <summary>Why <paramref name="yamlValue"/> is not a parameter value (a YAML scalar or a flow list of scalars, as rcl reads <c>-p</c>); null when it is one.</summary>
    public static string? OverrideValueError(string yamlValue)
    {
        ArgumentNullException.ThrowIfNull(yamlValue);
        try
        {
            return ParseValue(yamlValue) is null ? $"'{yamlValue}' is not a value (a scalar such as true, 3, 0.5, hello, or a list such as [1.0, 2.0])" : null;
        }
        catch (InputException e)
        {
            return e.Message;
        }
    }

    private static YamlNode? ParseValue(string text)
    {
        var stream = InputFiles.ParseYaml(text, "value '" + text + "'");
        if (stream.Documents.Count == 0) return new YamlScalarNode("");
        return stream.Documents[0].RootNode switch
        {
            YamlScalarNode s => new YamlScalarNode(s.Value ?? ""),
            YamlSequenceNode q when q.Children.All(c => c is YamlScalarNode) => new YamlSequenceNode(q.Children.Select(c => (YamlNode)new YamlScalarNode(((YamlScalarNode)c).Value ?? ""))),
            _ => null,
        };
    }

    private RosParamsFile Copy()
    {
        var copy = new RosParamsFile(Source, Directory);
        foreach (var (k, v) in _values) copy._values[k] = v;
        foreach (var (k, v) in _origins) copy._origins[k] = v;
        foreach (var (k, v) in _directories) copy._directories[k] = v;
        copy.Warnings.AddRange(Warnings);
        return copy;
    }

    /// <summary>A mapping key as a name: YAML allows a sequence or a mapping as a key, a params file does not.</summary>
    private static string KeyName(YamlNode key, string source) =>
        key is YamlScalarNode scalar
            ? scalar.Value ?? ""
            : throw new InputException($"{source}:{key.Start.Line}: a key must be a name, not a {key.NodeType.ToString().ToLowerInvariant()}");

    private void Flatten(YamlMappingNode map, string prefix)
    {
        foreach (var (key, value) in map.Children)
        {
            string name = prefix + KeyName(key, Source);
            if (value is YamlMappingNode nested) Flatten(nested, name + ".");
            else _values[name] = (value, (int)key.Start.Line);
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);

    private string Where(string name) =>
        _origins.TryGetValue(name, out var origin) ? origin : _values.TryGetValue(name, out var v) ? $"{Source}:{v.Line}" : Source;

    /// <summary>
    /// These parameters with <paramref name="changes"/> applied on top, as if the file said so: read back by the same
    /// getters, a changed value is checked with the same ranges and messages as the file's, its errors naming
    /// <paramref name="origin"/> (e.g. "set by foxglove client 2") instead of a line. Nothing is marked as read.
    /// </summary>
    public RosParamsFile With(IEnumerable<(string Name, ParameterValue Value)> changes, string origin)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var copy = Copy();
        foreach (var (name, value) in changes)
        {
            YamlNode node = value.ElementTexts is { } items
                ? new YamlSequenceNode(items.Select(t => (YamlNode)new YamlScalarNode(t)))
                : new YamlScalarNode(value.ScalarText);
            copy._values[name] = (node, 0);
            copy._origins[name] = origin;
        }

        return copy;
    }

    /// <summary>
    /// The value of a parameter as <paramref name="d"/> types it: the file's (or an applied change's) value, else the
    /// descriptor's default; null when neither (or when the text does not parse: the typed getters report that).
    /// </summary>
    public ParameterValue? Value(ParameterDescriptor d)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (!_values.TryGetValue(d.Name, out var v)) return d.Default;
        var inv = CultureInfo.InvariantCulture;
        switch (d.Type, v.Node)
        {
            case (ParameterType.Bool, YamlScalarNode s):
                return s.Value is "true" or "True" or "TRUE" ? ParameterValue.Of(true) : s.Value is "false" or "False" or "FALSE" ? ParameterValue.Of(false) : null;
            case (ParameterType.Integer, YamlScalarNode s):
                return long.TryParse(s.Value, NumberStyles.Integer, inv, out long i) ? ParameterValue.Of(i) : null;
            case (ParameterType.Double, YamlScalarNode s):
                return double.TryParse(s.Value, NumberStyles.Float, inv, out double x) ? ParameterValue.Of(x) : null;
            case (ParameterType.String, YamlScalarNode s):
                return ParameterValue.Of(s.Value ?? "");
            case (ParameterType.DoubleArray, YamlSequenceNode q):
                var xs = new double[q.Children.Count];
                for (int k = 0; k < xs.Length; k++)
                    if (q.Children[k] is not YamlScalarNode { Value: { } t } || !double.TryParse(t, NumberStyles.Float, inv, out xs[k])) return null;
                return ParameterValue.Of(xs);
            case (ParameterType.StringArray, YamlSequenceNode q):
                return ParameterValue.Of([.. q.Children.Select(c => (c as YamlScalarNode)?.Value ?? "")]);
            default:
                return null;
        }
    }

    /// <summary>Who set <paramref name="name"/>: a change's origin, or the file and line.</summary>
    public string OriginOf(string name) => Where(name);

    /// <summary>The line of the file that sets <paramref name="name"/>, or 0.</summary>
    public int LineOf(string name) => _values.TryGetValue(name, out var v) ? v.Line : 0;

    /// <summary>A double parameter checked against its descriptor (default, range).</summary>
    public double Double(ParameterDescriptor d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return Double(d.Name, d.Default?.AsDouble ?? 0, d.Minimum, d.Maximum, d.MinimumExclusive);
    }

    /// <summary>An optional double parameter checked against its descriptor's range; null when unset.</summary>
    public double? OptionalDouble(ParameterDescriptor d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return Has(d.Name) ? Double(d) : Touch(d.Name);
    }

    /// <summary>An integer parameter checked against its descriptor.</summary>
    public int Int(ParameterDescriptor d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return Int(d.Name, checked((int)(d.Default?.AsInteger ?? 0)), d.IntegerMinimum, d.IntegerMaximum);
    }

    /// <summary>A boolean parameter with its descriptor's default.</summary>
    public bool Bool(ParameterDescriptor d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return Bool(d.Name, d.Default?.AsBool ?? false);
    }

    /// <summary>A string parameter with its descriptor's default and allowed values.</summary>
    public string String(ParameterDescriptor d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return String(d.Name, d.Default?.AsString ?? "", [.. d.Allowed]);
    }

    /// <summary>A path parameter (see <see cref="Path(string)"/>).</summary>
    public string? Path(ParameterDescriptor d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return Path(d.Name);
    }

    /// <summary>A list of doubles (empty when unset), of <paramref name="length"/> values when given.</summary>
    public double[] Doubles(ParameterDescriptor d, int? length = null)
    {
        ArgumentNullException.ThrowIfNull(d);
        return Doubles(d.Name, d.Default is { } v ? v.AsDoubles.ToArray() : [], length);
    }

    /// <summary>A list of strings (empty when unset).</summary>
    public string[] Strings(ParameterDescriptor d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return Strings(d.Name, d.Default is { } v ? [.. v.AsStrings] : []);
    }

    private InputException Error(string name, string message) => new($"{Where(name)}: parameter '{name}' {message}");

    private YamlScalarNode? Scalar(string name)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var v)) return null;
        return v.Node as YamlScalarNode ?? throw Error(name, "must be a single value, not a list or map");
    }

    public double Double(string name, double defaultValue, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false)
    {
        var s = Scalar(name);
        double v = defaultValue;
        if (s is not null && !(double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v)))
            throw Error(name, $"is '{s.Value}'; it must be a finite number");
        CheckRange(name, v, min, max, minExclusive);
        return v;
    }

    public double? OptionalDouble(string name, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false) =>
        Has(name) ? Double(name, 0, min, max, minExclusive) : Touch(name);

    private double? Touch(string name)
    {
        _read.Add(name);
        return null;
    }

    public int Int(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = Scalar(name);
        int v = defaultValue;
        if (s is not null && !int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out v))
            throw Error(name, $"is '{s.Value}'; it must be a whole number");
        if (v < min || v > max) throw Error(name, $"is {v}; allowed range {min}..{max}");
        return v;
    }

    public bool Bool(string name, bool defaultValue)
    {
        var s = Scalar(name);
        if (s is null) return defaultValue;
        return s.Value switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => throw Error(name, $"is '{s.Value}'; it must be true or false"),
        };
    }

    public string String(string name, string defaultValue, params string[] allowed)
    {
        var s = Scalar(name);
        string v = s?.Value ?? defaultValue;
        if (allowed.Length > 0 && Array.IndexOf(allowed, v) < 0)
            throw Error(name, $"is '{v}'; allowed: {string.Join(", ", allowed)}");
        return v;
    }

    /// <summary>A path parameter resolved against the params file's folder; null when absent or empty.</summary>
    public string? Path(string name)
    {
        var s = Scalar(name);
        if (s is null || string.IsNullOrEmpty(s.Value)) return null;
        string? directory = _directories.TryGetValue(name, out var d) ? d : Directory;
        return System.IO.Path.IsPathRooted(s.Value) || directory is null ? s.Value : System.IO.Path.Combine(directory, s.Value);
    }

    public double[] Doubles(string name, double[] defaultValue, int? length = null)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var v))
        {
            // Absent, the default must still have the length asked for (found by fuzzing: a misspelt target.means).
            if (length is { } needed && defaultValue.Length != needed) throw Error(name, $"is not set; it needs {needed} values");
            return defaultValue;
        }

        if (v.Node is not YamlSequenceNode seq) throw Error(name, "must be a list of numbers, like [0.0, 1.0]");
        var xs = new double[seq.Children.Count];
        for (int i = 0; i < xs.Length; i++)
            if (seq.Children[i] is not YamlScalarNode { Value: { } t } || !double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out xs[i]) || !double.IsFinite(xs[i]))
                throw Error(name, $"element {i} must be a finite number");
        if (length is { } n && xs.Length != n) throw Error(name, $"has {xs.Length} values; it needs {n}");
        return xs;
    }

    public string[] Strings(string name, string[] defaultValue)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var v)) return defaultValue;
        if (v.Node is not YamlSequenceNode seq) throw Error(name, "must be a list of strings, like [robot_0, robot_1]");
        return seq.Children.Select((c, i) => c is YamlScalarNode { Value: { Length: > 0 } t } ? t : throw Error(name, $"element {i} must be a non-empty string")).ToArray();
    }

    /// <summary>
    /// Every parameter's value as written (a scalar's text, a list as <c>[a, b]</c>), by name: what a reload compares
    /// to tell which parameters an edit changed. Does not mark anything as read.
    /// </summary>
    public IReadOnlyDictionary<string, string> RawValues()
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, (node, _)) in _values)
            d[name] = node switch
            {
                YamlScalarNode s => s.Value ?? "",
                YamlSequenceNode q => "[" + string.Join(", ", q.Children.Select(c => c is YamlScalarNode v ? v.Value ?? "" : c.ToString())) + "]",
                _ => node.ToString(),
            };
        return d;
    }

    /// <summary>Refuses every parameter in the file that no getter asked for.</summary>
    public void ThrowOnUnknown()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).OrderBy(k => _values[k].Line).ToList();
        if (unknown.Count > 0)
        {
            string first = unknown[0];
            throw new InputException($"{Where(first)}: unknown parameter '{first}'{(unknown.Count > 1 ? $" (and {unknown.Count - 1} more: {string.Join(", ", unknown.Skip(1))})" : "")}; see the README's parameter table");
        }
    }

    private void CheckRange(string name, double v, double min, double max, bool minExclusive)
    {
        bool ok = (minExclusive ? v > min : v >= min) && v <= max;
        if (!ok)
            throw Error(name, string.Create(CultureInfo.InvariantCulture,
                $"is {v:R}; allowed range {(minExclusive ? "(" : "[")}{min:R}, {max:R}]"));
    }
}
