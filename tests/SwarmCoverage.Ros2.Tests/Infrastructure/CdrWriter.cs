using System.Buffers.Binary;
using System.Text;

namespace SwarmCoverage.Ros2.Tests.Infrastructure;

/// <summary>
/// The expected bytes, written by hand from the rules of plain CDR (XCDR version 1, little endian), as the
/// OMG CDR and DDS-XTypes 1.3 section 7.4 define them: a 4-byte encapsulation header <c>00 01 00 00</c>
/// (CDR_LE); every primitive aligned to its size (at most 8) counted from the end of the header; a string is
/// a uint32 length including the terminating NUL, the bytes and the NUL; a sequence is a uint32 count then the
/// elements; an array is its elements; a struct is its members in order. Independent of Cyclone and of the
/// library under test. With <c>bigEndian</c> the same in CDR_BE (header <c>00 00 00 00</c>, every primitive big-endian).
/// </summary>
internal sealed class CdrWriter(bool bigEndian = false)
{
    // CDR_BE is 00 00, CDR_LE 00 01; options 00 00.
    private readonly List<byte> bytes = [0x00, bigEndian ? (byte)0x00 : (byte)0x01, 0x00, 0x00];

    public bool BigEndian => bigEndian;

    public CdrWriter U8(byte v)
    {
        bytes.Add(v);
        return this;
    }

    public CdrWriter I8(sbyte v) => U8(unchecked((byte)v));

    public CdrWriter Bool(bool v) => U8(v ? (byte)1 : (byte)0);

    public CdrWriter U8(params byte[] values)
    {
        bytes.AddRange(values);
        return this;
    }

    public CdrWriter I32(int v) => Put(4, b => { if (bigEndian) { BinaryPrimitives.WriteInt32BigEndian(b, v); } else { BinaryPrimitives.WriteInt32LittleEndian(b, v); } });

    public CdrWriter U32(uint v) => Put(4, b => { if (bigEndian) { BinaryPrimitives.WriteUInt32BigEndian(b, v); } else { BinaryPrimitives.WriteUInt32LittleEndian(b, v); } });

    public CdrWriter I64(long v) => Put(8, b => { if (bigEndian) { BinaryPrimitives.WriteInt64BigEndian(b, v); } else { BinaryPrimitives.WriteInt64LittleEndian(b, v); } });

    public CdrWriter U64(ulong v) => Put(8, b => { if (bigEndian) { BinaryPrimitives.WriteUInt64BigEndian(b, v); } else { BinaryPrimitives.WriteUInt64LittleEndian(b, v); } });

    public CdrWriter F32(float v) => Put(4, b => { if (bigEndian) { BinaryPrimitives.WriteSingleBigEndian(b, v); } else { BinaryPrimitives.WriteSingleLittleEndian(b, v); } });

    public CdrWriter F64(double v) => Put(8, b => { if (bigEndian) { BinaryPrimitives.WriteDoubleBigEndian(b, v); } else { BinaryPrimitives.WriteDoubleLittleEndian(b, v); } });

    public CdrWriter F32(params float[] values)
    {
        foreach (float v in values)
        {
            F32(v);
        }

        return this;
    }

    /// <summary>Applies a helper that writes a group of members.</summary>
    public CdrWriter Do(Func<CdrWriter, CdrWriter> write) => write(this);

    /// <summary>Raw bytes as they are (for malformed input).</summary>
    public CdrWriter Raw(params byte[] values) => U8(values);

    public CdrWriter F64(params double[] values)
    {
        foreach (double v in values)
        {
            F64(v);
        }

        return this;
    }

    public CdrWriter Str(string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        U32((uint)utf8.Length + 1);
        bytes.AddRange(utf8);
        bytes.Add(0);
        return this;
    }

    /// <summary>The serialized sample as written: header <c>00 01 00 00</c>, no trailing padding (how Fast DDS sends it).</summary>
    public byte[] ToArray() => [.. bytes];

    /// <summary>
    /// The serialized sample as Cyclone DDS stores and sends it: padded with zeros to a multiple of 4 bytes, and the
    /// number of padding bytes in the two low bits of the options field (XTypes 1.3, 7.6.3.1.2).
    /// </summary>
    public byte[] ToPaddedArray()
    {
        int pad = (4 - ((bytes.Count - 4) % 4)) % 4;
        byte[] result = [.. bytes, .. new byte[pad]];
        result[3] = (byte)pad;
        return result;
    }

    private CdrWriter Put(int size, Action<Span<byte>> write)
    {
        while ((bytes.Count - 4) % size != 0)
        {
            bytes.Add(0);
        }

        Span<byte> tmp = stackalloc byte[8];
        write(tmp[..size]);
        bytes.AddRange(tmp[..size].ToArray());
        return this;
    }
}
