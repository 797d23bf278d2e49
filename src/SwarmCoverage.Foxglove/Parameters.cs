using System.Collections.Immutable;
using System.Globalization;

namespace SwarmCoverage.Foxglove;

/// <summary>The kinds of parameter value the server carries (docs/foxglove.md "Parameters").</summary>
public enum ParameterKind
{
    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A 64-bit integer: a JSON number without a type hint.</summary>
    Integer,

    /// <summary>A finite float64: a JSON number sent with type <c>float64</c>.</summary>
    Float64,

    /// <summary>A string.</summary>
    String,

    /// <summary>Bytes: a base64 string sent with type <c>byte_array</c>.</summary>
    ByteArray,

    /// <summary>An array of booleans.</summary>
    BoolArray,

    /// <summary>An array of 64-bit integers.</summary>
    IntegerArray,

    /// <summary>An array of finite float64s, sent with type <c>float64_array</c>.</summary>
    Float64Array,

    /// <summary>An array of strings.</summary>
    StringArray,
}

/// <summary>
/// An immutable parameter value: the ROS 2 parameter types, which is what the protocol's values can hold
/// without nested arrays or objects (those are refused with a status error).
/// </summary>
public sealed class ParameterValue : IEquatable<ParameterValue>
{
    private readonly object _value;

    private ParameterValue(ParameterKind kind, object value)
    {
        Kind = kind;
        _value = value;
    }

    /// <summary>The kind of value.</summary>
    public ParameterKind Kind { get; }

    /// <summary>A boolean.</summary>
    public static ParameterValue Bool(bool value) => new(ParameterKind.Bool, value);

    /// <summary>An integer.</summary>
    public static ParameterValue Integer(long value) => new(ParameterKind.Integer, value);

    /// <summary>A float64; it must be finite (JSON has no NaN or infinity).</summary>
    public static ParameterValue Float64(double value) => new(ParameterKind.Float64, Finite(value));

    /// <summary>A string.</summary>
    public static ParameterValue String(string value) => new(ParameterKind.String, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>Bytes (copied).</summary>
    public static ParameterValue ByteArray(ReadOnlySpan<byte> value) => new(ParameterKind.ByteArray, ImmutableArray.Create(value));

    /// <summary>An array of booleans (copied).</summary>
    public static ParameterValue BoolArray(ReadOnlySpan<bool> value) => new(ParameterKind.BoolArray, ImmutableArray.Create(value));

    /// <summary>An array of integers (copied).</summary>
    public static ParameterValue IntegerArray(ReadOnlySpan<long> value) => new(ParameterKind.IntegerArray, ImmutableArray.Create(value));

    /// <summary>An array of finite float64s (copied).</summary>
    public static ParameterValue Float64Array(ReadOnlySpan<double> value)
    {
        foreach (double v in value)
        {
            Finite(v);
        }

        return new(ParameterKind.Float64Array, ImmutableArray.Create(value));
    }

    /// <summary>An array of strings (copied).</summary>
    public static ParameterValue StringArray(IEnumerable<string> value)
    {
        ImmutableArray<string> a = [.. value ?? throw new ArgumentNullException(nameof(value))];
        if (a.Any(s => s is null))
        {
            throw new ArgumentException("a string array holds a null", nameof(value));
        }

        return new(ParameterKind.StringArray, a);
    }

    /// <summary>The boolean; throws for another kind.</summary>
    public bool AsBool() => Get<bool>(ParameterKind.Bool);

    /// <summary>The integer; throws for another kind.</summary>
    public long AsInteger() => Get<long>(ParameterKind.Integer);

    /// <summary>The string; throws for another kind.</summary>
    public string AsString() => Get<string>(ParameterKind.String);

    /// <summary>The bytes; throws for another kind.</summary>
    public ImmutableArray<byte> AsByteArray() => Get<ImmutableArray<byte>>(ParameterKind.ByteArray);

    /// <summary>The booleans; throws for another kind.</summary>
    public ImmutableArray<bool> AsBoolArray() => Get<ImmutableArray<bool>>(ParameterKind.BoolArray);

    /// <summary>The integers; throws for another kind.</summary>
    public ImmutableArray<long> AsIntegerArray() => Get<ImmutableArray<long>>(ParameterKind.IntegerArray);

    /// <summary>The float64s; throws for another kind.</summary>
    public ImmutableArray<double> AsFloat64Array() => Get<ImmutableArray<double>>(ParameterKind.Float64Array);

    /// <summary>The strings; throws for another kind.</summary>
    public ImmutableArray<string> AsStringArray() => Get<ImmutableArray<string>>(ParameterKind.StringArray);

    /// <summary>The float64; throws for another kind.</summary>
    public double AsFloat64() => Get<double>(ParameterKind.Float64);

    /// <summary>
    /// A number as a double: a Float64, or an Integer (a client sends <c>2</c> for a float parameter that is 2.0
    /// unless it adds the <c>float64</c> hint). False for other kinds.
    /// </summary>
    public bool TryGetNumber(out double value)
    {
        switch (Kind)
        {
            case ParameterKind.Float64:
                value = (double)_value;
                return true;
            case ParameterKind.Integer:
                value = (long)_value;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>
    /// Numbers as doubles: a Float64Array, or an IntegerArray (how a client sends whole numbers without the hint).
    /// False for other kinds.
    /// </summary>
    public bool TryGetNumbers(out ImmutableArray<double> value)
    {
        switch (Kind)
        {
            case ParameterKind.Float64Array:
                value = (ImmutableArray<double>)_value;
                return true;
            case ParameterKind.IntegerArray:
                value = [.. ((ImmutableArray<long>)_value).Select(v => (double)v)];
                return true;
            default:
                value = default;
                return false;
        }
    }

    /// <inheritdoc/>
    public bool Equals(ParameterValue? other)
    {
        if (other is null || other.Kind != Kind)
        {
            return false;
        }

        return Kind switch
        {
            ParameterKind.ByteArray => AsByteArray().SequenceEqual(other.AsByteArray()),
            ParameterKind.BoolArray => AsBoolArray().SequenceEqual(other.AsBoolArray()),
            ParameterKind.IntegerArray => AsIntegerArray().SequenceEqual(other.AsIntegerArray()),
            ParameterKind.Float64Array => AsFloat64Array().SequenceEqual(other.AsFloat64Array()),
            ParameterKind.StringArray => AsStringArray().SequenceEqual(other.AsStringArray(), StringComparer.Ordinal),
            _ => _value.Equals(other._value),
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ParameterValue);

    /// <inheritdoc/>
    public override int GetHashCode() => Kind switch
    {
        ParameterKind.Bool or ParameterKind.Integer or ParameterKind.Float64 or ParameterKind.String => HashCode.Combine(Kind, _value),
        _ => HashCode.Combine(Kind, Count),
    };

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        ParameterKind.Bool => AsBool() ? "true" : "false",
        ParameterKind.Integer => AsInteger().ToString(CultureInfo.InvariantCulture),
        ParameterKind.Float64 => AsFloat64().ToString("R", CultureInfo.InvariantCulture),
        ParameterKind.String => AsString(),
        ParameterKind.ByteArray => Convert.ToBase64String(AsByteArray().AsSpan()),
        ParameterKind.BoolArray => "[" + string.Join(", ", AsBoolArray().Select(b => b ? "true" : "false")) + "]",
        ParameterKind.IntegerArray => "[" + string.Join(", ", AsIntegerArray().Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]",
        ParameterKind.Float64Array => "[" + string.Join(", ", AsFloat64Array().Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]",
        _ => "[" + string.Join(", ", AsStringArray()) + "]",
    };

    private int Count => Kind switch
    {
        ParameterKind.ByteArray => AsByteArray().Length,
        ParameterKind.BoolArray => AsBoolArray().Length,
        ParameterKind.IntegerArray => AsIntegerArray().Length,
        ParameterKind.Float64Array => AsFloat64Array().Length,
        ParameterKind.StringArray => AsStringArray().Length,
        _ => 1,
    };

    private static double Finite(double v) =>
        double.IsFinite(v) ? v : throw new ArgumentOutOfRangeException(nameof(v), v, "a parameter value must be finite");

    private T Get<T>(ParameterKind kind) =>
        Kind == kind ? (T)_value : throw new InvalidOperationException($"the parameter value is {Kind}, not {kind}");
}

/// <summary>A named parameter; a null value in a set request asks to unset it (the provider decides).</summary>
/// <param name="Name">
/// The name, opaque to the server. foxglove_bridge names a ROS 2 node's parameter <c>/node_name.parameter_name</c>
/// (docs/foxglove.md "Parameters").
/// </param>
/// <param name="Value">The value; null only in a set request that unsets the parameter.</param>
public sealed record FoxgloveParameter(string Name, ParameterValue? Value);

/// <summary>Why one parameter of a set request was refused.</summary>
/// <param name="Name">The parameter.</param>
/// <param name="Reason">Why, for the client's status message.</param>
public sealed record ParameterError(string Name, string Reason);

/// <summary>
/// The outcome of an atomic set: either every change applied, or none (then <see cref="Errors"/> says why), and in
/// both cases the values now in force for the names asked about.
/// </summary>
/// <param name="Errors">Empty when the batch was applied; otherwise at least one error and nothing was applied.</param>
/// <param name="Values">The values now in force for the requested names that exist.</param>
public sealed record ParameterSetResult(IReadOnlyList<ParameterError> Errors, IReadOnlyList<FoxgloveParameter> Values)
{
    /// <summary>True when the batch was applied.</summary>
    public bool Applied => Errors.Count == 0;
}

/// <summary>The parameters that changed, with their values now in force.</summary>
public sealed class ParametersChangedEventArgs(IReadOnlyList<FoxgloveParameter> parameters) : EventArgs
{
    /// <summary>The changed parameters and their new values.</summary>
    public IReadOnlyList<FoxgloveParameter> Parameters { get; } = parameters ?? throw new ArgumentNullException(nameof(parameters));
}

/// <summary>
/// What the application implements to expose parameters (the <c>parameters</c> and <c>parametersSubscribe</c>
/// capabilities). Called concurrently from different clients' tasks: implementations must be thread-safe.
/// docs/foxglove.md "Parameters".
/// </summary>
public interface IParameterProvider
{
    /// <summary>
    /// Raised after parameters changed by any path (a client's set, the application itself); the server sends each
    /// subscribed client one <c>parameterValues</c> per event. The server does not push on a client's set by
    /// itself: the provider raises this event for it too, so nothing is sent twice.
    /// </summary>
    event EventHandler<ParametersChangedEventArgs>? ParametersChanged;

    /// <summary>Every parameter with its value.</summary>
    IReadOnlyList<FoxgloveParameter> GetAll();

    /// <summary>The parameters among <paramref name="names"/> that exist; unknown names are left out.</summary>
    IReadOnlyList<FoxgloveParameter> Get(IReadOnlyCollection<string> names);

    /// <summary>
    /// Applies <paramref name="changes"/> atomically: all or none. Names are distinct (the server refuses a request
    /// that repeats one).
    /// </summary>
    ParameterSetResult Set(IReadOnlyList<FoxgloveParameter> changes);
}
