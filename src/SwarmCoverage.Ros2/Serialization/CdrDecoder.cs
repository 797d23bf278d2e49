using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.Unicode;
using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2.Serialization;

/// <summary>
/// Reads plain CDR (XCDR1, either byte order) into a C sample in a <see cref="NativeArena"/>, checking everything
/// docs/ros2-wire.md ("Managed CDR", "What the decoder rejects") lists: every length against the bytes left before
/// anything is allocated, strings terminated, without inner NUL and valid UTF-8, bools 0 or 1, at most 3 bytes of
/// padding after the last member. Never throws on bad input; the first problem found is the rejection.
/// </summary>
internal unsafe ref struct CdrDecoder
{
    private const int HeaderSize = CdrEncoder.HeaderSize;

    private readonly ReadOnlySpan<byte> payload;
    private readonly bool bigEndian;
    private readonly NativeArena arena;
    private int position;
    private CdrRejection rejection;
    private string? detail;
    private int errorPosition;
    private List<string>? path;

    private CdrDecoder(ReadOnlySpan<byte> payload, bool bigEndian, NativeArena arena)
    {
        this.payload = payload;
        this.bigEndian = bigEndian;
        this.arena = arena;
    }

    private readonly int Left => payload.Length - position;

    /// <summary>
    /// Decodes <paramref name="cdr"/> (encapsulation header included) as <paramref name="program"/>. On success
    /// <paramref name="sample"/> points at the C sample, valid until <paramref name="arena"/> is reset.
    /// </summary>
    public static CdrDecodeResult Decode(CdrProgram program, ReadOnlySpan<byte> cdr, CdrDecodeOptions options, NativeArena arena, out byte* sample)
    {
        sample = null;
        if (cdr.Length > options.MaxMessageBytes)
        {
            return new CdrDecodeResult(CdrRejection.TooLarge,
                Invariant($"{program.RosTypeName}: {cdr.Length} bytes, more than the limit of {options.MaxMessageBytes}"), 0);
        }

        if (cdr.Length < HeaderSize)
        {
            return new CdrDecodeResult(CdrRejection.TooShort,
                Invariant($"{program.RosTypeName}: {cdr.Length} bytes, shorter than the 4-byte encapsulation header"), 0);
        }

        int kind = (cdr[0] << 8) | cdr[1];
        if (kind is not (0x0000 or 0x0001))
        {
            return new CdrDecodeResult(CdrRejection.UnsupportedEncapsulation,
                Invariant($"{program.RosTypeName}: encapsulation 0x{kind:x4} ({EncapsulationName(kind)}); only plain CDR, 0x0000 (CDR_BE) and 0x0001 (CDR_LE), is read"), 0);
        }

        var decoder = new CdrDecoder(cdr[HeaderSize..], bigEndian: kind == 0x0000, arena);
        byte* root = arena.Allocate((nuint)program.NativeSize, (nuint)program.NativeAlignment);
        new Span<byte>(root, program.NativeSize).Clear();
        if (!decoder.ReadStruct(program, root))
        {
            return decoder.Result(program);
        }

        if (decoder.Left > 3)
        {
            decoder.Fail(CdrRejection.TrailingBytes, Invariant($"{decoder.Left} bytes after the last member (at most 3 bytes of final padding are accepted)"));
            return decoder.Result(program);
        }

        sample = root;
        return default;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string EncapsulationName(int kind) => kind switch
    {
        0x0002 => "PL_CDR_BE",
        0x0003 => "PL_CDR_LE",
        0x0006 => "CDR2_BE",
        0x0007 => "CDR2_LE",
        0x0008 => "D_CDR2_BE",
        0x0009 => "D_CDR2_LE",
        0x000a => "PL_CDR2_BE",
        0x000b => "PL_CDR2_LE",
        _ => "unknown",
    };

    private readonly CdrDecodeResult Result(CdrProgram program)
    {
        string where = program.RosTypeName;
        if (path is not null)
        {
            for (int i = path.Count - 1; i >= 0; i--)
            {
                where += path[i];
            }
        }

        return new CdrDecodeResult(rejection, Invariant($"{where}: {detail} (byte {HeaderSize + errorPosition} of the message)"), HeaderSize + errorPosition);
    }

    private bool Fail(CdrRejection why, string text)
    {
        rejection = why;
        detail = text;
        errorPosition = position;
        return false;
    }

    private bool Within(string segment)
    {
        (path ??= []).Add(segment);
        return false;
    }

    // Skips the padding before a value aligned to alignment and checks that size bytes follow it.
    private bool Need(int alignment, long size, string what)
    {
        int start = (position + alignment - 1) & -alignment;
        if (start > payload.Length || payload.Length - start < size)
        {
            return Fail(CdrRejection.Truncated, Invariant($"{what} needs {size} bytes after {start - position} bytes of alignment, {Left} left"));
        }

        position = start;
        return true;
    }

    private bool ReadCount(out uint count, string what)
    {
        count = 0;
        if (!Need(4, 4, what))
        {
            return false;
        }

        count = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(payload[position..]) : BinaryPrimitives.ReadUInt32LittleEndian(payload[position..]);
        position += 4;
        return true;
    }

    private bool ReadStruct(CdrProgram program, byte* sample)
    {
        if (!bigEndian && CdrEncoder.IsBlock(program, position, out long blockStart))
        {
            if (blockStart > payload.Length || payload.Length - blockStart < program.NativeSize)
            {
                return ReadMembers(program, sample); // fails at the member that runs out, naming it
            }

            payload.Slice((int)blockStart, program.NativeSize).CopyTo(new Span<byte>(sample, program.NativeSize));
            position = (int)blockStart + program.NativeSize;
            return true;
        }

        return ReadMembers(program, sample);
    }

    private bool ReadMembers(CdrProgram program, byte* sample)
    {
        foreach (ref readonly CdrOp op in program.Ops.AsSpan())
        {
            byte* field = sample + op.Offset;
            bool ok = op.Kind switch
            {
                CdrOpKind.Primitive => ReadPrimitives(op.Primitive, op.ElementSize, field, 1),
                CdrOpKind.String => ReadString((byte**)field),
                CdrOpKind.Struct => ReadStruct(op.Nested!, field),
                CdrOpKind.Array => ReadPrimitives(op.Primitive, op.ElementSize, field, op.Length),
                CdrOpKind.Sequence => ReadSequence(op, (DdsSequence*)field),
                CdrOpKind.StructSequence => ReadStructSequence(op, (DdsSequence*)field),
                CdrOpKind.StringSequence => ReadStringSequence((DdsSequence*)field),
                _ => throw new UnreachableException(),
            };
            if (!ok)
            {
                return Within("." + op.Name);
            }
        }

        return true;
    }

    private bool ReadPrimitives(PrimitiveKind kind, int size, byte* target, int count)
    {
        if (!Need(size, (long)size * count, count == 1 ? PrimitiveName(kind) : Invariant($"{count} x {PrimitiveName(kind)}")))
        {
            return false;
        }

        ReadOnlySpan<byte> source = payload.Slice(position, size * count);
        if (kind == PrimitiveKind.Bool)
        {
            int bad = source.IndexOfAnyExcept((byte)0, (byte)1);
            if (bad >= 0)
            {
                position += bad;
                return Fail(CdrRejection.InvalidBool, Invariant($"bool byte 0x{source[bad]:x2}{(count > 1 ? $" at element {bad}" : string.Empty)}; only 0 and 1 are booleans"));
            }
        }

        var destination = new Span<byte>(target, size * count);
        if (!bigEndian || size == 1)
        {
            source.CopyTo(destination);
        }
        else
        {
            for (int i = 0; i < destination.Length; i += size)
            {
                ReadOnlySpan<byte> element = source.Slice(i, size);
                for (int b = 0; b < size; b++)
                {
                    destination[i + b] = element[size - 1 - b];
                }
            }
        }

        position += size * count;
        return true;
    }

    private bool ReadSequence(in CdrOp op, DdsSequence* sequence)
    {
        if (!ReadCount(out uint count, "sequence count"))
        {
            return false;
        }

        if (count == 0)
        {
            return true;
        }

        int start = (position + op.ElementSize - 1) & -op.ElementSize;
        if ((ulong)count * (ulong)op.ElementSize > (ulong)Math.Max(0, payload.Length - start))
        {
            return Fail(CdrRejection.LengthExceedsData,
                Invariant($"sequence of {count} x {PrimitiveName(op.Primitive)} ({(ulong)count * (ulong)op.ElementSize} bytes), {Math.Max(0, payload.Length - start)} bytes left"));
        }

        byte* buffer = arena.Allocate((nuint)count * (nuint)op.ElementSize, (nuint)op.ElementSize);
        *sequence = new DdsSequence { Maximum = count, Length = count, Buffer = buffer, Release = 0 };
        return ReadPrimitives(op.Primitive, op.ElementSize, buffer, (int)count);
    }

    private bool ReadStructSequence(in CdrOp op, DdsSequence* sequence)
    {
        if (!ReadCount(out uint count, "sequence count"))
        {
            return false;
        }

        if (count == 0)
        {
            return true;
        }

        CdrProgram element = op.Nested!;
        if ((ulong)count * (ulong)element.MinimumCdrSize > (ulong)Left)
        {
            return Fail(CdrRejection.LengthExceedsData,
                Invariant($"sequence of {count} x {element.RosTypeName} (at least {element.MinimumCdrSize} bytes each), {Left} bytes left"));
        }

        nuint bytes = (nuint)count * (nuint)element.NativeSize;
        byte* items = arena.Allocate(bytes, (nuint)element.NativeAlignment);
        *sequence = new DdsSequence { Maximum = count, Length = count, Buffer = items, Release = 0 };
        if (!bigEndian && CdrEncoder.IsBlock(element, position, out long start) && start <= payload.Length &&
            (ulong)(payload.Length - start) >= (ulong)bytes)
        {
            payload.Slice((int)start, (int)bytes).CopyTo(new Span<byte>(items, (int)bytes));
            position = (int)start + (int)bytes;
            return true;
        }

        new Span<byte>(items, (int)bytes).Clear();
        for (uint i = 0; i < count; i++)
        {
            if (!ReadStruct(element, items + ((nint)i * element.NativeSize)))
            {
                return Within(Invariant($"[{i}]"));
            }
        }

        return true;
    }

    private bool ReadStringSequence(DdsSequence* sequence)
    {
        if (!ReadCount(out uint count, "sequence count"))
        {
            return false;
        }

        if (count == 0)
        {
            return true;
        }

        if ((ulong)count * 5 > (ulong)Left)
        {
            return Fail(CdrRejection.LengthExceedsData, Invariant($"sequence of {count} strings (at least 5 bytes each), {Left} bytes left"));
        }

        var items = (byte**)arena.Allocate((nuint)count * (nuint)sizeof(byte*), (nuint)sizeof(byte*));
        *sequence = new DdsSequence { Maximum = count, Length = count, Buffer = items, Release = 0 };
        for (uint i = 0; i < count; i++)
        {
            items[i] = null;
        }

        for (uint i = 0; i < count; i++)
        {
            if (!ReadString(items + i))
            {
                return Within(Invariant($"[{i}]"));
            }
        }

        return true;
    }

    private bool ReadString(byte** target)
    {
        int lengthAt = (position + 3) & -4;
        if (!ReadCount(out uint length, "string length"))
        {
            return false;
        }

        if (length == 0)
        {
            position = lengthAt;
            return Fail(CdrRejection.StringNotTerminated, "string length 0: a CDR string's length counts its terminating NUL, so it is at least 1");
        }

        if (length > (uint)Left)
        {
            position = lengthAt;
            return Fail(CdrRejection.LengthExceedsData, Invariant($"string of {length} bytes, {Left} bytes left after its length"));
        }

        ReadOnlySpan<byte> bytes = payload.Slice(position, (int)length);
        if (bytes[^1] != 0)
        {
            position += (int)length - 1;
            return Fail(CdrRejection.StringNotTerminated, Invariant($"string of {length} bytes does not end in NUL (last byte 0x{bytes[^1]:x2})"));
        }

        ReadOnlySpan<byte> text = bytes[..^1];
        int nul = text.IndexOf((byte)0);
        if (nul >= 0)
        {
            position += nul;
            return Fail(CdrRejection.StringHasEmbeddedNul, Invariant($"string of {length} bytes has a NUL at index {nul}, before its terminator"));
        }

        if (!Utf8.IsValid(text))
        {
            return Fail(CdrRejection.StringNotUtf8, Invariant($"string of {length} bytes is not valid UTF-8"));
        }

        byte* copy = arena.Allocate(length, 1);
        bytes.CopyTo(new Span<byte>(copy, (int)length));
        *target = copy;
        position += (int)length;
        return true;
    }

    private static string PrimitiveName(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.Bool => "bool",
        PrimitiveKind.Int8 => "int8",
        PrimitiveKind.UInt8 => "uint8",
        PrimitiveKind.Int16 => "int16",
        PrimitiveKind.UInt16 => "uint16",
        PrimitiveKind.Int32 => "int32",
        PrimitiveKind.UInt32 => "uint32",
        PrimitiveKind.Int64 => "int64",
        PrimitiveKind.UInt64 => "uint64",
        PrimitiveKind.Float32 => "float32",
        PrimitiveKind.Float64 => "float64",
        _ => kind.ToString(),
    };
}
