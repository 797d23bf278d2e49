using System.Buffers.Binary;
using System.Text;

namespace SwarmCoverage.Mcap;

/// <summary>Where a record is, for error messages: the source, the record's file offset and opcode, and for a record inside a chunk its offset in the chunk's records.</summary>
internal readonly record struct RecordLocation(string Source, long Offset, McapOpcode Opcode, long InChunk = -1)
{
    public McapFormatException Error(string detail) =>
        new(Source, Offset, Opcode, InChunk >= 0 ? $"inside the chunk, at offset {InChunk} of its records: {detail}" : detail);
}

/// <summary>
/// Reads the fields of one record's content (docs/mcap.md, "Serialization"). Every length prefix is checked
/// against the bytes left in the record before anything is read or allocated; running short is a
/// <see cref="McapFormatException"/> naming the record and the field.
/// </summary>
internal ref struct FieldReader(ReadOnlySpan<byte> content, RecordLocation location)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _content = content;
    private int _position;

    public readonly RecordLocation Location => location;

    public readonly int Remaining => _content.Length - _position;

    public readonly int Position => _position;

    public byte U8(string field) => Take(1, field)[0];

    public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));

    public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));

    public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

    public ReadOnlySpan<byte> Take(int count, string field)
    {
        if (count > Remaining)
            throw location.Error($"field {field} needs {count} bytes but only {Remaining} remain in the record");
        ReadOnlySpan<byte> span = _content.Slice(_position, count);
        _position += count;
        return span;
    }

    /// <summary>A uint32 length then that many bytes.</summary>
    public ReadOnlySpan<byte> PrefixedBytes(string field) => Take(Length(U32(field), field), field);

    /// <summary>A uint64 length then that many bytes.</summary>
    public ReadOnlySpan<byte> LongPrefixedBytes(string field) => Take(Length(U64(field), field), field);

    public string String(string field)
    {
        ReadOnlySpan<byte> bytes = PrefixedBytes(field);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw location.Error($"field {field} is not valid UTF-8");
        }
    }

    /// <summary>Map&lt;string, string&gt;; a repeated key keeps its last value.</summary>
    public Dictionary<string, string> StringMap(string field)
    {
        FieldReader map = new(PrefixedBytes(field), location);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (map.Remaining > 0) result[map.String(field + " key")] = map.String(field + " value");
        return result;
    }

    /// <summary>Map&lt;uint16, uint64&gt;.</summary>
    public Dictionary<ushort, ulong> U16U64Map(string field)
    {
        FieldReader map = new(PrefixedBytes(field), location);
        if (map.Remaining % 10 != 0) throw location.Error($"field {field} is {map.Remaining} bytes, not a whole number of 10-byte entries");
        var result = new Dictionary<ushort, ulong>(map.Remaining / 10);
        while (map.Remaining > 0) result[map.U16(field)] = map.U64(field);
        return result;
    }

    private readonly int Length(ulong length, string field)
    {
        if (length > (ulong)Remaining)
            throw location.Error($"field {field} claims {length} bytes but only {Remaining} remain in the record");
        return (int)length;
    }
}
