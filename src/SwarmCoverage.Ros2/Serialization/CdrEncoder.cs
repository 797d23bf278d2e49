using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2.Serialization;

/// <summary>
/// Writes the C sample of a message as plain little-endian CDR (XCDR1), the way Cyclone DDS serializes it for
/// rmw_cyclonedds (docs/ros2-wire.md, "Managed CDR"): the encapsulation header <c>00 01 00 nn</c>, members in
/// order, each primitive aligned to its size counted from the end of the header, strings as a uint32 length that
/// counts the NUL, sequences as a uint32 count, and zero padding to a multiple of 4 whose length is in the low
/// bits of the options byte <c>nn</c>.
/// </summary>
internal static unsafe class CdrEncoder
{
    public const int HeaderSize = 4;

    /// <summary>The total serialized size (header, payload, final padding) of the sample at <paramref name="sample"/>.</summary>
    public static int SerializedSize(CdrProgram program, byte* sample)
    {
        long payload = PayloadEnd(program, sample, 0);
        if (payload > int.MaxValue - 8)
        {
            throw new InvalidOperationException($"{program.RosTypeName}: the message serializes to {payload} bytes, more than a byte array holds");
        }

        return HeaderSize + StructSchema.AlignUp((int)payload, 4);
    }

    /// <summary>Writes the sample into <paramref name="destination"/>, which holds at least <see cref="SerializedSize"/> bytes.</summary>
    public static int Write(CdrProgram program, byte* sample, Span<byte> destination, int size)
    {
        Span<byte> payload = destination[HeaderSize..size];
        int end = WriteStruct(program, sample, payload, 0);
        int padding = payload.Length - end;
        payload[end..].Clear();
        destination[0] = 0x00;
        destination[1] = 0x01; // CDR_LE
        destination[2] = 0x00;
        destination[3] = (byte)padding;
        return size;
    }

    private static int Align(int position, int alignment) => (position + alignment - 1) & -alignment;

    private static long Align(long position, int alignment) => (position + alignment - 1) & -alignment;

    private static int StringLength(byte* s) => s is null ? 0 : MemoryMarshal.CreateReadOnlySpanFromNullTerminated(s).Length;

    private static long PayloadEnd(CdrProgram program, byte* sample, long position)
    {
        if (IsBlock(program, position, out long blockStart))
        {
            return blockStart + program.NativeSize;
        }

        foreach (ref readonly CdrOp op in program.Ops.AsSpan())
        {
            byte* field = sample + op.Offset;
            switch (op.Kind)
            {
                case CdrOpKind.Primitive:
                    position = Align(position, op.ElementSize) + op.ElementSize;
                    break;
                case CdrOpKind.String:
                    position = Align(position, 4) + 4 + StringLength(*(byte**)field) + 1;
                    break;
                case CdrOpKind.Struct:
                    position = PayloadEnd(op.Nested!, field, position);
                    break;
                case CdrOpKind.Array:
                    position = Align(position, op.ElementSize) + ((long)op.ElementSize * op.Length);
                    break;
                case CdrOpKind.Sequence:
                {
                    var seq = (DdsSequence*)field;
                    position = Align(position, 4) + 4;
                    if (seq->Length > 0)
                    {
                        position = Align(position, op.ElementSize) + ((long)op.ElementSize * seq->Length);
                    }

                    break;
                }

                case CdrOpKind.StructSequence:
                {
                    var seq = (DdsSequence*)field;
                    position = Align(position, 4) + 4;
                    CdrProgram element = op.Nested!;
                    if (seq->Length > 0 && IsBlock(element, position, out long start))
                    {
                        position = start + ((long)seq->Length * element.NativeSize);
                        break;
                    }

                    byte* items = (byte*)seq->Buffer;
                    for (uint i = 0; i < seq->Length; i++)
                    {
                        position = PayloadEnd(element, items + ((nint)i * element.NativeSize), position);
                    }

                    break;
                }

                case CdrOpKind.StringSequence:
                {
                    var seq = (DdsSequence*)field;
                    position = Align(position, 4) + 4;
                    byte** items = (byte**)seq->Buffer;
                    for (uint i = 0; i < seq->Length; i++)
                    {
                        position = Align(position, 4) + 4 + StringLength(items[i]) + 1;
                    }

                    break;
                }

                default:
                    throw new UnreachableException();
            }
        }

        return position;
    }

    private static int WriteStruct(CdrProgram program, byte* sample, Span<byte> payload, int position)
    {
        if (IsBlock(program, position, out long blockStart))
        {
            int start = (int)blockStart;
            payload[position..start].Clear();
            new ReadOnlySpan<byte>(sample, program.NativeSize).CopyTo(payload[start..]);
            return start + program.NativeSize;
        }

        foreach (ref readonly CdrOp op in program.Ops.AsSpan())
        {
            byte* field = sample + op.Offset;
            switch (op.Kind)
            {
                case CdrOpKind.Primitive:
                    position = WritePrimitives(op.Primitive, op.ElementSize, field, 1, payload, position);
                    break;
                case CdrOpKind.String:
                    position = WriteString(*(byte**)field, payload, position);
                    break;
                case CdrOpKind.Struct:
                    position = WriteStruct(op.Nested!, field, payload, position);
                    break;
                case CdrOpKind.Array:
                    position = WritePrimitives(op.Primitive, op.ElementSize, field, op.Length, payload, position);
                    break;
                case CdrOpKind.Sequence:
                {
                    var seq = (DdsSequence*)field;
                    position = WriteCount(seq->Length, payload, position);
                    if (seq->Length > 0)
                    {
                        position = WritePrimitives(op.Primitive, op.ElementSize, (byte*)seq->Buffer, (int)seq->Length, payload, position);
                    }

                    break;
                }

                case CdrOpKind.StructSequence:
                {
                    var seq = (DdsSequence*)field;
                    position = WriteCount(seq->Length, payload, position);
                    CdrProgram element = op.Nested!;
                    byte* items = (byte*)seq->Buffer;
                    if (seq->Length > 0 && IsBlock(element, position, out long start))
                    {
                        // Every element starts aligned (the C size is a multiple of the alignment): one copy.
                        int bytes = (int)seq->Length * element.NativeSize;
                        payload[position..(int)start].Clear();
                        new ReadOnlySpan<byte>(items, bytes).CopyTo(payload[(int)start..]);
                        position = (int)start + bytes;
                        break;
                    }

                    for (uint i = 0; i < seq->Length; i++)
                    {
                        position = WriteStruct(element, items + ((nint)i * element.NativeSize), payload, position);
                    }

                    break;
                }

                case CdrOpKind.StringSequence:
                {
                    var seq = (DdsSequence*)field;
                    position = WriteCount(seq->Length, payload, position);
                    byte** items = (byte**)seq->Buffer;
                    for (uint i = 0; i < seq->Length; i++)
                    {
                        position = WriteString(items[i], payload, position);
                    }

                    break;
                }

                default:
                    throw new UnreachableException();
            }
        }

        return position;
    }

    /// <summary>
    /// True when a blittable struct (or a run of them) starting at <paramref name="position"/> is its C bytes:
    /// after the padding its first member needs, the position is aligned to the struct's largest alignment.
    /// </summary>
    internal static bool IsBlock(CdrProgram program, long position, out long start)
    {
        start = Align(position, program.FirstAlignment);
        return program.IsBlittable && start % program.CdrAlignment == 0;
    }

    private static int WriteCount(uint count, Span<byte> payload, int position)
    {
        int start = Align(position, 4);
        payload[position..start].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(payload[start..], count);
        return start + 4;
    }

    private static int WriteString(byte* s, Span<byte> payload, int position)
    {
        int length = StringLength(s);
        position = WriteCount((uint)length + 1, payload, position);
        if (length > 0)
        {
            new ReadOnlySpan<byte>(s, length).CopyTo(payload[position..]);
        }

        payload[position + length] = 0;
        return position + length + 1;
    }

    // count primitives of one kind, contiguous in the sample: one copy (the host is little-endian), bools as 0 or 1.
    private static int WritePrimitives(PrimitiveKind kind, int size, byte* source, int count, Span<byte> payload, int position)
    {
        int start = Align(position, size);
        payload[position..start].Clear();
        int bytes = size * count;
        Span<byte> target = payload.Slice(start, bytes);
        if (kind == PrimitiveKind.Bool)
        {
            for (int i = 0; i < count; i++)
            {
                target[i] = source[i] != 0 ? (byte)1 : (byte)0;
            }
        }
        else if (size == 1 && count == 1)
        {
            target[0] = *source;
        }
        else if (size == 8 && count == 1)
        {
            Unsafe.WriteUnaligned(ref target[0], *(ulong*)source);
        }
        else
        {
            new ReadOnlySpan<byte>(source, bytes).CopyTo(target);
        }

        return start + bytes;
    }
}
