using System.Globalization;
using System.Text;

namespace SwarmCoverage.Control.Parameters;

/// <summary>The types a parameter can have: those of ROS 2 parameters the project uses (docs/parameters.md).</summary>
public enum ParameterType
{
    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A whole number (64 bits).</summary>
    Integer,

    /// <summary>A finite double.</summary>
    Double,

    /// <summary>A string (names, paths, enumerations).</summary>
    String,

    /// <summary>A list of finite doubles.</summary>
    DoubleArray,

    /// <summary>A list of non-empty strings.</summary>
    StringArray,
}

/// <summary>
/// One parameter's value, immutable. Doubles print with the round-trip format, so the text of a value read back gives the
/// same bits: a value set at run time is checked by exactly the parser and ranges a params file goes through.
/// </summary>
public sealed class ParameterValue : IEquatable<ParameterValue>
{
    private readonly bool _bool;
    private readonly long _integer;
    private readonly double _double;
    private readonly string? _string;
    private readonly double[]? _doubles;
    private readonly string[]? _strings;

    private ParameterValue(ParameterType type, bool b = false, long i = 0, double d = 0, string? s = null, double[]? ds = null, string[]? ss = null)
    {
        Type = type;
        _bool = b;
        _integer = i;
        _double = d;
        _string = s;
        _doubles = ds;
        _strings = ss;
    }

    /// <summary>The value's type.</summary>
    public ParameterType Type { get; }

    /// <summary>A boolean value.</summary>
    public static ParameterValue Of(bool value) => new(ParameterType.Bool, b: value);

    /// <summary>An integer value.</summary>
    public static ParameterValue Of(long value) => new(ParameterType.Integer, i: value);

    /// <summary>A double value.</summary>
    public static ParameterValue Of(double value) => new(ParameterType.Double, d: value);

    /// <summary>A string value.</summary>
    public static ParameterValue Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ParameterType.String, s: value);
    }

    /// <summary>A list of doubles (copied).</summary>
    public static ParameterValue Of(ReadOnlySpan<double> values) => new(ParameterType.DoubleArray, ds: values.ToArray());

    /// <summary>A list of strings (copied).</summary>
    public static ParameterValue Of(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new(ParameterType.StringArray, ss: [.. values]);
    }

    /// <summary>The boolean; throws for another type.</summary>
    public bool AsBool => Type == ParameterType.Bool ? _bool : throw Wrong(ParameterType.Bool);

    /// <summary>The integer; throws for another type.</summary>
    public long AsInteger => Type == ParameterType.Integer ? _integer : throw Wrong(ParameterType.Integer);

    /// <summary>The number (an integer widened); throws for another type.</summary>
    public double AsDouble => Type switch
    {
        ParameterType.Double => _double,
        ParameterType.Integer => _integer,
        _ => throw Wrong(ParameterType.Double),
    };

    /// <summary>The string; throws for another type.</summary>
    public string AsString => Type == ParameterType.String ? _string! : throw Wrong(ParameterType.String);

    /// <summary>The doubles; throws for another type.</summary>
    public ReadOnlySpan<double> AsDoubles => Type == ParameterType.DoubleArray ? _doubles : throw Wrong(ParameterType.DoubleArray);

    /// <summary>The strings; throws for another type.</summary>
    public IReadOnlyList<string> AsStrings => Type == ParameterType.StringArray ? _strings! : throw Wrong(ParameterType.StringArray);

    private InvalidOperationException Wrong(ParameterType wanted) => new($"a {Type} parameter value read as {wanted}");

    /// <summary>The value as it is written in a params file (YAML flow style); the parser reads it back to the same value.</summary>
    public string ToYaml() => Type switch
    {
        ParameterType.Bool => _bool ? "true" : "false",
        ParameterType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        ParameterType.Double => Number(_double),
        ParameterType.String => Quote(_string!),
        ParameterType.DoubleArray => "[" + string.Join(", ", _doubles!.Select(Number)) + "]",
        ParameterType.StringArray => "[" + string.Join(", ", _strings!.Select(Quote)) + "]",
        _ => throw new InvalidOperationException(Type.ToString()),
    };

    /// <summary>The scalar text a params file would hold for a bool, number or string (unquoted); null for lists.</summary>
    public string? ScalarText => Type switch
    {
        ParameterType.Bool => _bool ? "true" : "false",
        ParameterType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        ParameterType.Double => Number(_double),
        ParameterType.String => _string,
        _ => null,
    };

    /// <summary>The elements' texts of a list (unquoted); null for scalars.</summary>
    public IReadOnlyList<string>? ElementTexts => Type switch
    {
        ParameterType.DoubleArray => [.. _doubles!.Select(Number)],
        ParameterType.StringArray => _strings,
        _ => null,
    };

    /// <inheritdoc />
    public override string ToString() => ToYaml();

    // YAML reads "1" as an integer: a whole double keeps its ".0", as ROS 2 writes it.
    private static string Number(double v)
    {
        if (double.IsNaN(v)) return ".nan";
        if (double.IsInfinity(v)) return v > 0 ? ".inf" : "-.inf";
        string t = v.ToString("R", CultureInfo.InvariantCulture);
        return t.AsSpan().IndexOfAny('.', 'E') < 0 ? t + ".0" : t;
    }

    private static string Quote(string s)
    {
        var b = new StringBuilder(s.Length + 2).Append('\'');
        foreach (char c in s) b.Append(c == '\'' ? "''" : c.ToString());
        return b.Append('\'').ToString();
    }

    /// <inheritdoc />
    public bool Equals(ParameterValue? other) =>
        other is not null && Type == other.Type && Type switch
        {
            ParameterType.Bool => _bool == other._bool,
            ParameterType.Integer => _integer == other._integer,
            ParameterType.Double => BitEquals(_double, other._double),
            ParameterType.String => string.Equals(_string, other._string, StringComparison.Ordinal),
            ParameterType.DoubleArray => _doubles!.Length == other._doubles!.Length && _doubles.Zip(other._doubles).All(p => BitEquals(p.First, p.Second)),
            ParameterType.StringArray => _strings!.SequenceEqual(other._strings!, StringComparer.Ordinal),
            _ => false,
        };

    private static bool BitEquals(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ParameterValue v && Equals(v);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, ToYaml());
}
