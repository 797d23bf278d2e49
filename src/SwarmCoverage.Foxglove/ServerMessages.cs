using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text.Json;

namespace SwarmCoverage.Foxglove;

/// <summary>
/// The messages the server sends, encoded as docs/foxglove.md "Wire format" describes: JSON text messages with an
/// <c>op</c>, and binary messages starting with an opcode, integers little-endian.
/// </summary>
internal static class ServerMessages
{
    public const byte MessageDataOpcode = 0x01;
    public const byte TimeOpcode = 0x02;
    public const int MessageDataHeaderLength = 1 + 4 + 8;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    /// <summary>A Message Data frame in a buffer rented for it: opcode, subscription id, log time, payload.</summary>
    public static OutFrame MessageData(uint subscriptionId, ulong logTimeNs, ReadOnlySpan<byte> payload)
    {
        int length = MessageDataHeaderLength + payload.Length;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        Span<byte> span = buffer.AsSpan(0, length);
        span[0] = MessageDataOpcode;
        BinaryPrimitives.WriteUInt32LittleEndian(span[1..], subscriptionId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[5..], logTimeNs);
        payload.CopyTo(span[MessageDataHeaderLength..]);
        return new OutFrame(buffer, length, WebSocketMessageType.Binary, pooled: true);
    }

    /// <summary>A Time frame: opcode and timestamp.</summary>
    public static OutFrame Time(ulong timestampNs)
    {
        byte[] buffer = new byte[9];
        buffer[0] = TimeOpcode;
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(1), timestampNs);
        return new OutFrame(buffer, buffer.Length, WebSocketMessageType.Binary, pooled: false);
    }

    /// <summary>A JSON text frame (not pooled: the same bytes may go to many clients).</summary>
    public static OutFrame Json(Action<Utf8JsonWriter> write)
    {
        ArrayBufferWriter<byte> output = new(256);
        using (Utf8JsonWriter writer = new(output, WriterOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        byte[] bytes = output.WrittenSpan.ToArray();
        return new OutFrame(bytes, bytes.Length, WebSocketMessageType.Text, pooled: false);
    }

    public static OutFrame ServerInfo(string name, IEnumerable<string> capabilities, IReadOnlyList<string> encodings, IReadOnlyDictionary<string, string> metadata, string sessionId) =>
        Json(w =>
        {
            w.WriteString("op", "serverInfo");
            w.WriteString("name", name);
            w.WriteStartArray("capabilities");
            foreach (string c in capabilities)
            {
                w.WriteStringValue(c);
            }

            w.WriteEndArray();
            w.WriteStartArray("supportedEncodings");
            foreach (string e in encodings)
            {
                w.WriteStringValue(e);
            }

            w.WriteEndArray();
            w.WriteStartObject("metadata");
            foreach (var (k, v) in metadata)
            {
                w.WriteString(k, v);
            }

            w.WriteEndObject();
            w.WriteString("sessionId", sessionId);
        });

    public static OutFrame Advertise(IEnumerable<(uint Id, ChannelInfo Info)> channels) =>
        Json(w =>
        {
            w.WriteString("op", "advertise");
            w.WriteStartArray("channels");
            foreach ((uint id, ChannelInfo c) in channels)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("topic", c.Topic);
                w.WriteString("encoding", c.Encoding);
                w.WriteString("schemaName", c.SchemaName);
                w.WriteString("schema", c.Schema);
                if (c.SchemaEncoding is not null)
                {
                    w.WriteString("schemaEncoding", c.SchemaEncoding);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

    public static OutFrame Unadvertise(IEnumerable<uint> channelIds) =>
        Json(w =>
        {
            w.WriteString("op", "unadvertise");
            w.WriteStartArray("channelIds");
            foreach (uint id in channelIds)
            {
                w.WriteNumberValue(id);
            }

            w.WriteEndArray();
        });

    public static OutFrame Status(StatusLevel level, string message, string? id) =>
        Json(w =>
        {
            w.WriteString("op", "status");
            w.WriteNumber("level", (int)level);
            w.WriteString("message", message);
            if (id is not null)
            {
                w.WriteString("id", id);
            }
        });

    public static OutFrame RemoveStatus(IReadOnlyList<string> ids) =>
        Json(w =>
        {
            w.WriteString("op", "removeStatus");
            w.WriteStartArray("statusIds");
            foreach (string id in ids)
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
        });

    /// <summary>parameterValues; parameters without a value (unset) are left out, as the protocol asks.</summary>
    public static OutFrame ParameterValues(IEnumerable<FoxgloveParameter> parameters, string? requestId) =>
        Json(w =>
        {
            w.WriteString("op", "parameterValues");
            w.WriteStartArray("parameters");
            foreach (FoxgloveParameter p in parameters)
            {
                if (p.Value is null)
                {
                    continue;
                }

                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WritePropertyName("value");
                WriteValue(w, p.Value);
                string? type = p.Value.Kind switch
                {
                    ParameterKind.Float64 => "float64",
                    ParameterKind.Float64Array => "float64_array",
                    ParameterKind.ByteArray => "byte_array",
                    _ => null,
                };
                if (type is not null)
                {
                    w.WriteString("type", type);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (requestId is not null)
            {
                w.WriteString("id", requestId);
            }
        });

    private static void WriteValue(Utf8JsonWriter w, ParameterValue v)
    {
        switch (v.Kind)
        {
            case ParameterKind.Bool:
                w.WriteBooleanValue(v.AsBool());
                break;
            case ParameterKind.Integer:
                w.WriteNumberValue(v.AsInteger());
                break;
            case ParameterKind.Float64:
                w.WriteNumberValue(v.AsFloat64());
                break;
            case ParameterKind.String:
                w.WriteStringValue(v.AsString());
                break;
            case ParameterKind.ByteArray:
                w.WriteBase64StringValue(v.AsByteArray().AsSpan());
                break;
            case ParameterKind.BoolArray:
                w.WriteStartArray();
                foreach (bool b in v.AsBoolArray())
                {
                    w.WriteBooleanValue(b);
                }

                w.WriteEndArray();
                break;
            case ParameterKind.IntegerArray:
                w.WriteStartArray();
                foreach (long n in v.AsIntegerArray())
                {
                    w.WriteNumberValue(n);
                }

                w.WriteEndArray();
                break;
            case ParameterKind.Float64Array:
                w.WriteStartArray();
                foreach (double d in v.AsFloat64Array())
                {
                    w.WriteNumberValue(d);
                }

                w.WriteEndArray();
                break;
            case ParameterKind.StringArray:
                w.WriteStartArray();
                foreach (string s in v.AsStringArray())
                {
                    w.WriteStringValue(s);
                }

                w.WriteEndArray();
                break;
            default:
                throw new InvalidOperationException($"unknown parameter kind {v.Kind}");
        }
    }
}
