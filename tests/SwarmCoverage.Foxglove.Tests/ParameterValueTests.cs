using System.Text.Json;

namespace SwarmCoverage.Foxglove.Tests;

/// <summary>How JSON parameter values map to kinds, and the store's atomic batches, without a connection.</summary>
public sealed class ParameterValueTests
{
    [Theory]
    [InlineData("true", null, ParameterKind.Bool, "true")]
    [InlineData("3", null, ParameterKind.Integer, "3")]
    [InlineData("-9007199254740993", null, ParameterKind.Integer, "-9007199254740993")]
    [InlineData("3.25", null, ParameterKind.Float64, "3.25")]
    [InlineData("1e3", null, ParameterKind.Float64, "1000")]
    [InlineData("3", "float64", ParameterKind.Float64, "3")]
    [InlineData("\"map\"", null, ParameterKind.String, "map")]
    [InlineData("\"QUJD\"", "byte_array", ParameterKind.ByteArray, "QUJD")]
    [InlineData("[true,false]", null, ParameterKind.BoolArray, "[true, false]")]
    [InlineData("[1,2]", null, ParameterKind.IntegerArray, "[1, 2]")]
    [InlineData("[1,2.5]", null, ParameterKind.Float64Array, "[1, 2.5]")]
    [InlineData("[1,2]", "float64_array", ParameterKind.Float64Array, "[1, 2]")]
    [InlineData("[\"a\",\"b\"]", null, ParameterKind.StringArray, "[a, b]")]
    [InlineData("[]", null, ParameterKind.Float64Array, "[]")]
    public void Values_parse_to_their_kinds(string json, string? type, ParameterKind kind, string text)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        ParameterValue v = ClientRequests.Value(doc.RootElement, type)!;
        Assert.Equal(kind, v.Kind);
        Assert.Equal(text, v.ToString());
    }

    [Theory]
    [InlineData("{\"a\":1}", null)]
    [InlineData("[[1]]", null)]
    [InlineData("[1,\"a\"]", null)]
    [InlineData("\"x\"", "float64")]
    [InlineData("[1,\"x\"]", "float64_array")]
    [InlineData("\"%%%\"", "byte_array")]
    [InlineData("1", "int8")]
    [InlineData("1e400", null)]
    public void Unsupported_values_are_protocol_errors(string json, string? type)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.Throws<ProtocolException>(() => ClientRequests.Value(doc.RootElement, type));
    }

    [Fact]
    public void Null_asks_to_unset_and_non_finite_numbers_cannot_be_made()
    {
        using JsonDocument doc = JsonDocument.Parse("null");
        Assert.Null(ClientRequests.Value(doc.RootElement, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterValue.Float64(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterValue.Float64Array([1, double.PositiveInfinity]));
    }

    [Fact]
    public void The_store_applies_a_batch_whole_or_not_at_all_and_raises_one_event_per_change()
    {
        ParameterStore store = new();
        store.Declare("/n.a", ParameterValue.Integer(1), v => v.AsInteger() >= 0 ? null : "negative");
        store.Declare("/n.b", ParameterValue.Float64(1));
        List<ParametersChangedEventArgs> events = [];
        store.ParametersChanged += (_, e) => events.Add(e);

        ParameterSetResult refused = store.Set([new("/n.b", ParameterValue.Float64(2)), new("/n.a", ParameterValue.Integer(-1))]);
        Assert.False(refused.Applied);
        Assert.Equal("/n.a", Assert.Single(refused.Errors).Name);
        Assert.Equal(1.0, store["/n.b"].AsFloat64());
        Assert.Empty(events);

        ParameterSetResult applied = store.Set([new("/n.b", ParameterValue.Integer(2)), new("/n.a", ParameterValue.Integer(1))]);
        Assert.True(applied.Applied);
        Assert.Equal(ParameterValue.Float64(2), store["/n.b"]);
        Assert.Equal(["/n.b"], Assert.Single(events).Parameters.Select(p => p.Name));
        Assert.Throws<ArgumentException>(() => store.Declare("/n.a", ParameterValue.Integer(0)));
        Assert.Throws<ArgumentException>(() => store.Set("/n.a", ParameterValue.String("x")));
    }
}
