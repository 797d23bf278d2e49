using System.Globalization;

namespace SwarmCoverage.Control.Parameters;

/// <summary>
/// One parameter of the params file: its name (dotted, as the file nests it), type, range, unit, description and
/// whether it may change while the controller runs. The params-file reader checks values against it, and the live
/// faces (the Foxglove server, ROS 2 parameter services) describe and check parameters from the same descriptor, so
/// a range or message can differ nowhere (docs/parameters.md).
/// </summary>
public sealed record ParameterDescriptor
{
    /// <summary>The dotted name, e.g. <c>safety.radius_m</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The value's type.</summary>
    public required ParameterType Type { get; init; }

    /// <summary>One sentence for people (README, ROS 2 describe_parameters, Foxglove).</summary>
    public required string Description { get; init; }

    /// <summary>The unit (SI), or empty for a number without one.</summary>
    public string Unit { get; init; } = "";

    /// <summary>The value when the file does not set it; null when there is none (optional, or required in context).</summary>
    public ParameterValue? Default { get; init; }

    /// <summary>What the default means when it depends on other parameters (e.g. "eps / 2"); null: <see cref="Default"/> says it.</summary>
    public string? DefaultMeaning { get; init; }

    /// <summary>Smallest allowed number (doubles).</summary>
    public double Minimum { get; init; } = double.NegativeInfinity;

    /// <summary>Largest allowed number (doubles).</summary>
    public double Maximum { get; init; } = double.PositiveInfinity;

    /// <summary>True when <see cref="Minimum"/> itself is not allowed.</summary>
    public bool MinimumExclusive { get; init; }

    /// <summary>Smallest allowed integer.</summary>
    public int IntegerMinimum { get; init; } = int.MinValue;

    /// <summary>Largest allowed integer.</summary>
    public int IntegerMaximum { get; init; } = int.MaxValue;

    /// <summary>For strings: the allowed values (empty: any).</summary>
    public IReadOnlyList<string> Allowed { get; init; } = [];

    /// <summary>A file path, resolved against the params file's folder.</summary>
    public bool IsPath { get; init; }

    /// <summary>True when the parameter may change while the controller runs (applied at a tick boundary).</summary>
    public bool RunTime { get; init; }

    /// <summary>The allowed range as the error messages write it: <c>(0, 1000]</c>, <c>1..100000</c>, <c>per_robot, common_scale</c>; empty when any value of the type is allowed.</summary>
    public string RangeText => Type switch
    {
        ParameterType.Double when double.IsNegativeInfinity(Minimum) && double.IsPositiveInfinity(Maximum) => "",
        ParameterType.Double => string.Create(CultureInfo.InvariantCulture, $"{(MinimumExclusive ? "(" : "[")}{Minimum:R}, {Maximum:R}]"),
        ParameterType.Integer when IntegerMinimum == int.MinValue && IntegerMaximum == int.MaxValue => "",
        ParameterType.Integer => string.Create(CultureInfo.InvariantCulture, $"{IntegerMinimum}..{IntegerMaximum}"),
        ParameterType.String => string.Join(", ", Allowed),
        _ => "",
    };

    /// <summary>The default as the README writes it.</summary>
    public string DefaultText => DefaultMeaning ?? (Default is null ? "" : Default.ScalarText ?? Default.ToYaml());

    /// <summary>True when <paramref name="v"/> is in range (for numbers) or allowed (for enumerations); the type is checked by the reader.</summary>
    public bool InRange(double v) => (MinimumExclusive ? v > Minimum : v >= Minimum) && v <= Maximum;

    /// <summary>A finite double parameter in [min, max] (or (min, max]).</summary>
    public static ParameterDescriptor Double(string name, double? defaultValue, double min, double max, string unit, string description, bool minExclusive = false, bool runTime = false) => new()
    {
        Name = name,
        Type = ParameterType.Double,
        Default = defaultValue is { } d ? ParameterValue.Of(d) : null,
        Minimum = min,
        Maximum = max,
        MinimumExclusive = minExclusive,
        Unit = unit,
        Description = description,
        RunTime = runTime,
    };

    /// <summary>A whole-number parameter in min..max.</summary>
    public static ParameterDescriptor Integer(string name, int defaultValue, int min, int max, string unit, string description, bool runTime = false) => new()
    {
        Name = name,
        Type = ParameterType.Integer,
        Default = ParameterValue.Of((long)defaultValue),
        IntegerMinimum = min,
        IntegerMaximum = max,
        Unit = unit,
        Description = description,
        RunTime = runTime,
    };

    /// <summary>A boolean parameter.</summary>
    public static ParameterDescriptor Boolean(string name, bool defaultValue, string description, bool runTime = false) => new()
    {
        Name = name,
        Type = ParameterType.Bool,
        Default = ParameterValue.Of(defaultValue),
        Description = description,
        RunTime = runTime,
    };

    /// <summary>A string parameter, one of <paramref name="allowed"/> when given.</summary>
    public static ParameterDescriptor Text(string name, string? defaultValue, string description, bool runTime = false, params string[] allowed) => new()
    {
        Name = name,
        Type = ParameterType.String,
        Default = defaultValue is null ? null : ParameterValue.Of(defaultValue),
        Allowed = allowed,
        Description = description,
        RunTime = runTime,
    };

    /// <summary>A path parameter (relative to the params file).</summary>
    public static ParameterDescriptor FilePath(string name, string description, bool runTime = false) => new()
    {
        Name = name,
        Type = ParameterType.String,
        IsPath = true,
        Description = description,
        RunTime = runTime,
    };

    /// <summary>A list of finite doubles.</summary>
    public static ParameterDescriptor Doubles(string name, string unit, string description, bool runTime = false) => new()
    {
        Name = name,
        Type = ParameterType.DoubleArray,
        Unit = unit,
        Description = description,
        RunTime = runTime,
    };

    /// <summary>A list of non-empty strings.</summary>
    public static ParameterDescriptor Strings(string name, string description) => new()
    {
        Name = name,
        Type = ParameterType.StringArray,
        Description = description,
    };
}

/// <summary>Every parameter a program knows, in the order the README lists them; names are unique.</summary>
public sealed class ParameterTable
{
    private readonly Dictionary<string, ParameterDescriptor> _byName;

    /// <summary>A table of these descriptors; throws when a name appears twice.</summary>
    public ParameterTable(IEnumerable<ParameterDescriptor> descriptors)
    {
        ArgumentNullException.ThrowIfNull(descriptors);
        All = [.. descriptors];
        _byName = new Dictionary<string, ParameterDescriptor>(All.Count, StringComparer.Ordinal);
        foreach (var d in All)
            if (!_byName.TryAdd(d.Name, d)) throw new ArgumentException($"parameter '{d.Name}' is declared twice", nameof(descriptors));
    }

    /// <summary>Every descriptor.</summary>
    public IReadOnlyList<ParameterDescriptor> All { get; }

    /// <summary>The descriptor of <paramref name="name"/>, or null.</summary>
    public ParameterDescriptor? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>This table followed by <paramref name="more"/>.</summary>
    public ParameterTable With(IEnumerable<ParameterDescriptor> more) => new(All.Concat(more));
}
