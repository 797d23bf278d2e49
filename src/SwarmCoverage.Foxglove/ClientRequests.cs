using System.Text.Json;

namespace SwarmCoverage.Foxglove;

/// <summary>A request that breaks the protocol; its message goes back to the client in a status error.</summary>
internal sealed class ProtocolException(string message) : Exception(message)
{
}

/// <summary>
/// Checks the fields of the clients' JSON requests against the protocol (docs/foxglove.md "Validation"): each
/// required field present with its type, ids within uint32, and parameter values of the supported kinds.
/// </summary>
internal static class ClientRequests
{
    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    public static JsonElement RequireArray(JsonElement obj, string field)
    {
        if (!obj.TryGetProperty(field, out JsonElement value))
        {
            throw new ProtocolException($"missing field '{field}'");
        }

        return value.ValueKind == JsonValueKind.Array ? value : throw new ProtocolException($"field '{field}' must be an array");
    }

    public static uint RequireUInt32(JsonElement obj, string field)
    {
        if (!obj.TryGetProperty(field, out JsonElement value))
        {
            throw new ProtocolException($"missing field '{field}'");
        }

        return AsUInt32(value, field);
    }

    public static uint AsUInt32(JsonElement value, string what) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out uint n)
            ? n
            : throw new ProtocolException($"'{what}' must be an integer from 0 to 4294967295");

    public static string RequireString(JsonElement obj, string field)
    {
        if (!obj.TryGetProperty(field, out JsonElement value))
        {
            throw new ProtocolException($"missing field '{field}'");
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new ProtocolException($"field '{field}' must be a string");
    }

    public static string? OptionalString(JsonElement obj, string field)
    {
        if (!obj.TryGetProperty(field, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new ProtocolException($"field '{field}' must be a string");
    }

    public static void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ProtocolException($"{what} must be an object");
        }
    }

    public static List<uint> UInt32Array(JsonElement obj, string field)
    {
        JsonElement array = RequireArray(obj, field);
        List<uint> ids = new(array.GetArrayLength());
        foreach (JsonElement e in array.EnumerateArray())
        {
            ids.Add(AsUInt32(e, $"{field} element"));
        }

        return ids;
    }

    public static List<string> StringArray(JsonElement obj, string field)
    {
        JsonElement array = RequireArray(obj, field);
        List<string> names = new(array.GetArrayLength());
        foreach (JsonElement e in array.EnumerateArray())
        {
            names.Add(e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new ProtocolException($"'{field}' must hold only strings"));
        }

        return names;
    }

    /// <summary>The parameters of a setParameters request; a missing or null value asks to unset.</summary>
    public static List<FoxgloveParameter> Parameters(JsonElement obj)
    {
        JsonElement array = RequireArray(obj, "parameters");
        List<FoxgloveParameter> result = new(array.GetArrayLength());
        HashSet<string> seen = new(StringComparer.Ordinal);
        foreach (JsonElement p in array.EnumerateArray())
        {
            RequireObject(p, "a parameter");
            string name = RequireString(p, "name");
            if (!seen.Add(name))
            {
                throw new ProtocolException($"parameter '{name}' appears twice");
            }

            string? type = OptionalString(p, "type");
            ParameterValue? value;
            try
            {
                value = p.TryGetProperty("value", out JsonElement v) ? Value(v, type) : null;
            }
            catch (ProtocolException e)
            {
                throw new ProtocolException($"parameter '{name}': {e.Message}");
            }

            result.Add(new FoxgloveParameter(name, value));
        }

        return result;
    }

    /// <summary>A parameter value per docs/foxglove.md "Parameters"; null for JSON null (unset).</summary>
    public static ParameterValue? Value(JsonElement v, string? type)
    {
        if (v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (type)
        {
            case "float64":
                return ParameterValue.Float64(Number(v));
            case "float64_array":
                if (v.ValueKind != JsonValueKind.Array)
                {
                    throw new ProtocolException("a float64_array value must be an array of numbers");
                }

                return ParameterValue.Float64Array([.. v.EnumerateArray().Select(Number)]);
            case "byte_array":
                if (v.ValueKind != JsonValueKind.String)
                {
                    throw new ProtocolException("a byte_array value must be a base64 string");
                }

                string text = v.GetString()!;
                byte[] bytes = new byte[(text.Length * 3 / 4) + 3];
                return Convert.TryFromBase64String(text, bytes, out int written)
                    ? ParameterValue.ByteArray(bytes.AsSpan(0, written))
                    : throw new ProtocolException("a byte_array value is not valid base64");
            case null:
                break;
            default:
                throw new ProtocolException($"unknown type '{type}' (expected byte_array, float64 or float64_array)");
        }

        switch (v.ValueKind)
        {
            case JsonValueKind.True:
                return ParameterValue.Bool(true);
            case JsonValueKind.False:
                return ParameterValue.Bool(false);
            case JsonValueKind.String:
                return ParameterValue.String(v.GetString()!);
            case JsonValueKind.Number:
                return v.TryGetInt64(out long n) ? ParameterValue.Integer(n) : ParameterValue.Float64(Number(v));
            case JsonValueKind.Array:
                return Array(v);
            default:
                throw new ProtocolException($"a value of JSON kind {v.ValueKind} is not supported (only booleans, numbers, strings and flat arrays of one of them)");
        }
    }

    private static ParameterValue Array(JsonElement v)
    {
        int length = v.GetArrayLength();
        if (length == 0)
        {
            return ParameterValue.Float64Array([]);
        }

        JsonValueKind first = v[0].ValueKind is JsonValueKind.False ? JsonValueKind.True : v[0].ValueKind;
        foreach (JsonElement e in v.EnumerateArray())
        {
            JsonValueKind k = e.ValueKind is JsonValueKind.False ? JsonValueKind.True : e.ValueKind;
            if (k != first)
            {
                throw new ProtocolException("an array value must hold elements of one kind");
            }
        }

        switch (first)
        {
            case JsonValueKind.True:
                return ParameterValue.BoolArray([.. v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.True)]);
            case JsonValueKind.String:
                return ParameterValue.StringArray([.. v.EnumerateArray().Select(e => e.GetString()!)]);
            case JsonValueKind.Number:
                if (v.EnumerateArray().All(e => e.TryGetInt64(out _)))
                {
                    return ParameterValue.IntegerArray([.. v.EnumerateArray().Select(e => e.GetInt64())]);
                }

                return ParameterValue.Float64Array([.. v.EnumerateArray().Select(Number)]);
            default:
                throw new ProtocolException("nested arrays and objects are not supported as values");
        }
    }

    private static double Number(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double d) && double.IsFinite(d)
            ? d
            : throw new ProtocolException("expected a finite number");
}
