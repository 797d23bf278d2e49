using System.Buffers.Binary;
using System.Text;

namespace SwarmCoverage.Mcap;

/// <summary>
/// A growable byte buffer that records are serialized into, little-endian (docs/mcap.md, "Serialization").
/// It is reset and reused, so a writer in steady state allocates nothing: it only grows to the largest
/// chunk seen.
/// </summary>
internal sealed class ByteBuffer
{
    private byte[] _buffer;
    private int _length;

    public ByteBuffer(int capacity) => _buffer = new byte[Math.Max(capacity, 256)];

    public int Length => _length;

    public int Capacity => _buffer.Length;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public byte[] RawBuffer => _buffer;

    public void Reset() => _length = 0;

    /// <summary>A span of <paramref name="size"/> bytes after the written ones; call <see cref="Advance"/> with what was used.</summary>
    public Span<byte> GetSpan(int size)
    {
        Ensure(size);
        return _buffer.AsSpan(_length, size);
    }

    public void Advance(int count) => _length += count;

    public void Ensure(int extra)
    {
        long needed = (long)_length + extra;
        if (needed <= _buffer.Length) return;
        if (needed > Array.MaxLength) throw new InvalidOperationException($"a record of more than {Array.MaxLength} bytes cannot be buffered");
        long grown = Math.Max(needed, Math.Min((long)_buffer.Length * 2, Array.MaxLength));
        Array.Resize(ref _buffer, (int)grown);
    }

    public void U8(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(GetSpan(2), value);
        _length += 2;
    }

    public void U32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(GetSpan(4), value);
        _length += 4;
    }

    public void U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(GetSpan(8), value);
        _length += 8;
    }

    public void Bytes(ReadOnlySpan<byte> data)
    {
        data.CopyTo(GetSpan(data.Length));
        _length += data.Length;
    }

    /// <summary>A String: uint32 byte length, then UTF-8.</summary>
    public void String(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        U32((uint)count);
        _length += Encoding.UTF8.GetBytes(value, GetSpan(count));
    }

    /// <summary>Bytes with a uint32 length prefix.</summary>
    public void PrefixedBytes(ReadOnlySpan<byte> data)
    {
        U32((uint)data.Length);
        Bytes(data);
    }

    /// <summary>Map&lt;string, string&gt; in ordinal key order, so the same map always gives the same bytes.</summary>
    public void StringMap(IReadOnlyList<KeyValuePair<string, string>> sortedEntries)
    {
        int at = BeginU32Length();
        foreach (var (key, value) in sortedEntries)
        {
            String(key);
            String(value);
        }
        EndU32Length(at);
    }

    /// <summary>Starts a record: the opcode and a placeholder for its uint64 content length, patched by <see cref="EndRecord"/>.</summary>
    public int BeginRecord(McapOpcode opcode)
    {
        U8((byte)opcode);
        int at = _length;
        U64(0);
        return at;
    }

    public void EndRecord(int lengthAt) => PatchU64(lengthAt, (ulong)(_length - lengthAt - 8));

    public int BeginU32Length()
    {
        int at = _length;
        U32(0);
        return at;
    }

    public void EndU32Length(int lengthAt) => PatchU32(lengthAt, (uint)(_length - lengthAt - 4));

    public void PatchU32(int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(at, 4), value);

    public void PatchU64(int at, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(at, 8), value);
}
