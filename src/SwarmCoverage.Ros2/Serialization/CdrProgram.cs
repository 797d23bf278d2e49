using System.Collections.Concurrent;

namespace SwarmCoverage.Ros2.Serialization;

/// <summary>What one <see cref="CdrOp"/> reads or writes.</summary>
internal enum CdrOpKind : byte
{
    Primitive,
    String,
    Struct,
    Array,
    Sequence,
    StructSequence,
    StringSequence,
}

/// <summary>One member of a <see cref="CdrProgram"/>: where it sits in the C sample and how it goes on the wire.</summary>
internal readonly struct CdrOp(CdrOpKind kind, MemberSchema member, PrimitiveKind primitive, int elementSize, int length, CdrProgram? nested)
{
    public CdrOpKind Kind { get; } = kind;

    /// <summary>Byte offset of the member in the C sample.</summary>
    public int Offset { get; } = member.Offset;

    /// <summary>The ROS name, for rejection reasons.</summary>
    public string Name { get; } = member.RosName;

    /// <summary>Primitive kind of the member or of its elements.</summary>
    public PrimitiveKind Primitive { get; } = primitive;

    /// <summary>Size in bytes of a primitive element (also its CDR alignment).</summary>
    public int ElementSize { get; } = elementSize;

    /// <summary>Element count of a fixed array.</summary>
    public int Length { get; } = length;

    /// <summary>The struct type of a struct member or of the elements of a struct sequence.</summary>
    public CdrProgram? Nested { get; } = nested;
}

/// <summary>
/// A <see cref="StructSchema"/> flattened for the managed CDR codec (docs/ros2-wire.md, "Managed CDR"): the
/// members in order, each with its C offset, plus what lets whole structs be copied at once. One instance per
/// schema, shared by all threads (immutable).
/// </summary>
internal sealed class CdrProgram
{
    private static readonly ConcurrentDictionary<StructSchema, CdrProgram> Programs = new();

    private CdrProgram(StructSchema schema)
    {
        if (!BitConverter.IsLittleEndian)
        {
            // The C samples are in host order and the codec copies them as little-endian runs (docs/ros2-wire.md).
            throw new PlatformNotSupportedException("the managed CDR codec needs a little-endian host");
        }

        Schema = schema;
        var ops = new CdrOp[schema.Members.Count];
        for (int i = 0; i < ops.Length; i++)
        {
            MemberSchema m = schema.Members[i];
            ops[i] = m switch
            {
                PrimitiveMember p => new CdrOp(CdrOpKind.Primitive, m, p.Kind, MemberSchema.PrimitiveSize(p.Kind), 1, null),
                StringMember => new CdrOp(CdrOpKind.String, m, PrimitiveKind.UInt8, 1, 0, null),
                StructMember s => new CdrOp(CdrOpKind.Struct, m, PrimitiveKind.UInt8, 0, 0, For(s.Type)),
                ArrayMember a => new CdrOp(CdrOpKind.Array, m, a.Element, MemberSchema.PrimitiveSize(a.Element), a.Length, null),
                SequenceMember q => new CdrOp(CdrOpKind.Sequence, m, q.Element, MemberSchema.PrimitiveSize(q.Element), 0, null),
                StructSequenceMember sq => new CdrOp(CdrOpKind.StructSequence, m, PrimitiveKind.UInt8, 0, 0, For(sq.Element)),
                StringSequenceMember => new CdrOp(CdrOpKind.StringSequence, m, PrimitiveKind.UInt8, 1, 0, null),
                _ => throw new InvalidOperationException($"{schema.IdlName}.{m.RosName}: unsupported member kind {m.GetType().Name}"),
            };
        }

        Ops = ops;
        RosTypeName = schema.IdlName.Replace("::", "/", StringComparison.Ordinal);
        MinimumCdrSize = ops.Sum(MinimumSize);
        (IsBlittable, FirstAlignment, CdrAlignment) = Blittability(schema);
    }

    public StructSchema Schema { get; }

    /// <summary><c>pkg/msg/Type</c>, for rejection reasons.</summary>
    public string RosTypeName { get; }

    public CdrOp[] Ops { get; }

    public int NativeSize => Schema.Size;

    public int NativeAlignment => Schema.Alignment;

    /// <summary>
    /// A lower bound of the serialized size (no padding, empty strings and sequences): what bounds a received
    /// sequence count by the bytes left before anything is allocated for it.
    /// </summary>
    public int MinimumCdrSize { get; }

    /// <summary>
    /// True when the little-endian CDR of the struct, started at a position aligned to <see cref="CdrAlignment"/>,
    /// is byte for byte the C sample: fixed size, no bool (a received one must be checked), no padding that CDR
    /// would place differently, no tail padding. Such a struct is written and read with one copy.
    /// </summary>
    public bool IsBlittable { get; }

    /// <summary>Alignment of the first primitive of the struct (CDR aligns members, never the struct itself).</summary>
    public int FirstAlignment { get; }

    /// <summary>The largest alignment of any primitive in the struct.</summary>
    public int CdrAlignment { get; }

    public static CdrProgram For(StructSchema schema) =>
        Programs.TryGetValue(schema, out CdrProgram? p) ? p : Programs.GetOrAdd(schema, new CdrProgram(schema));

    private static int MinimumSize(CdrOp op) => op.Kind switch
    {
        CdrOpKind.Primitive => op.ElementSize,
        CdrOpKind.String => 5, // length 1 and the NUL
        CdrOpKind.Struct => op.Nested!.MinimumCdrSize,
        CdrOpKind.Array => op.ElementSize * op.Length,
        _ => 4, // an empty sequence is its count
    };

    private static (bool Blittable, int First, int Max) Blittability(StructSchema schema)
    {
        var leaves = new List<(int Offset, int Size, bool IsBool)>();
        if (!CollectLeaves(schema, 0, leaves))
        {
            return (false, 1, 1);
        }

        int position = 0;
        int max = 1;
        bool blittable = true;
        foreach ((int offset, int size, bool isBool) in leaves)
        {
            position = StructSchema.AlignUp(position, size);
            blittable &= position == offset && !isBool;
            position += size;
            max = Math.Max(max, size);
        }

        blittable &= position == schema.Size;
        return (blittable, leaves[0].Size, max);
    }

    // The primitives of a fixed-size struct in order with their offsets; false when it holds a string or a sequence.
    private static bool CollectLeaves(StructSchema schema, int baseOffset, List<(int, int, bool)> leaves)
    {
        foreach (MemberSchema m in schema.Members)
        {
            switch (m)
            {
                case PrimitiveMember p:
                    leaves.Add((baseOffset + m.Offset, MemberSchema.PrimitiveSize(p.Kind), p.Kind == PrimitiveKind.Bool));
                    break;
                case ArrayMember a:
                    int size = MemberSchema.PrimitiveSize(a.Element);
                    for (int i = 0; i < a.Length; i++)
                    {
                        leaves.Add((baseOffset + m.Offset + (i * size), size, a.Element == PrimitiveKind.Bool));
                    }

                    break;
                case StructMember s:
                    if (!CollectLeaves(s.Type, baseOffset + m.Offset, leaves))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    public override string ToString() => RosTypeName;
}
