namespace SwarmCoverage.Ros2.Serialization;

/// <summary>
/// Turns a <see cref="StructSchema"/> into the Cyclone DDS serializer program (the <c>m_ops</c> array of a
/// topic descriptor), laid out as idlc 0.10 lays it out: the top-level struct first, then every nested
/// struct type once, in depth-first pre-order of first use, each block ending in <c>DDS_OP_RTS</c>.
/// Members that are structs jump to their type's block with a signed 16-bit offset from the instruction.
/// Opcodes are those of dds/ddsc/dds_opcodes.h.
/// </summary>
internal static class OpsBuilder
{
    internal const uint DDS_OP_RTS = 0x00u << 24;
    internal const uint DDS_OP_ADR = 0x01u << 24;

    internal const uint DDS_OP_VAL_1BY = 0x01;
    internal const uint DDS_OP_VAL_2BY = 0x02;
    internal const uint DDS_OP_VAL_4BY = 0x03;
    internal const uint DDS_OP_VAL_8BY = 0x04;
    internal const uint DDS_OP_VAL_STR = 0x05;
    internal const uint DDS_OP_VAL_SEQ = 0x07;
    internal const uint DDS_OP_VAL_ARR = 0x08;
    internal const uint DDS_OP_VAL_STU = 0x0a;
    internal const uint DDS_OP_VAL_EXT = 0x0d;
    internal const uint DDS_OP_VAL_BLN = 0x0e;

    internal const uint DDS_OP_FLAG_FP = 1u << 1;
    internal const uint DDS_OP_FLAG_SGN = 1u << 2;

    /// <summary>DDS_TOPIC_FIXED_SIZE of dds_opcodes.h.</summary>
    internal const uint DDS_TOPIC_FIXED_SIZE = 1u << 4;

    internal static uint Type(uint val) => val << 16;

    internal static uint Subtype(uint val) => val << 8;

    /// <summary>Builds the ops for <paramref name="root"/>.</summary>
    public static uint[] Build(StructSchema root)
    {
        ArgumentNullException.ThrowIfNull(root);

        // Order of the struct blocks: pre-order depth-first over first use, each type once.
        var order = new List<StructSchema>();
        var seen = new HashSet<StructSchema>();
        Visit(root, order, seen);

        var start = new Dictionary<StructSchema, int>();
        int position = 0;
        foreach (StructSchema s in order)
        {
            start[s] = position;
            position += BlockLength(s);
        }

        var ops = new List<uint>(position);
        foreach (StructSchema s in order)
        {
            foreach (MemberSchema m in s.Members)
            {
                int here = ops.Count;
                switch (m)
                {
                    case PrimitiveMember p:
                        ops.Add(DDS_OP_ADR | PrimitiveType(p.Kind));
                        ops.Add((uint)m.Offset);
                        break;
                    case StringMember:
                        ops.Add(DDS_OP_ADR | Type(DDS_OP_VAL_STR));
                        ops.Add((uint)m.Offset);
                        break;
                    case StructMember st:
                        ops.Add(DDS_OP_ADR | Type(DDS_OP_VAL_EXT));
                        ops.Add((uint)m.Offset);
                        ops.Add((3u << 16) | Jump(start[st.Type] - here, s, m));
                        break;
                    case ArrayMember a:
                        ops.Add(DDS_OP_ADR | Type(DDS_OP_VAL_ARR) | PrimitiveSubtype(a.Element));
                        ops.Add((uint)m.Offset);
                        ops.Add((uint)a.Length);
                        break;
                    case SequenceMember q:
                        ops.Add(DDS_OP_ADR | Type(DDS_OP_VAL_SEQ) | PrimitiveSubtype(q.Element));
                        ops.Add((uint)m.Offset);
                        break;
                    case StringSequenceMember:
                        ops.Add(DDS_OP_ADR | Type(DDS_OP_VAL_SEQ) | Subtype(DDS_OP_VAL_STR));
                        ops.Add((uint)m.Offset);
                        break;
                    case StructSequenceMember sq:
                        ops.Add(DDS_OP_ADR | Type(DDS_OP_VAL_SEQ) | Subtype(DDS_OP_VAL_STU));
                        ops.Add((uint)m.Offset);
                        ops.Add((uint)sq.Element.Size);
                        ops.Add((4u << 16) | Jump(start[sq.Element] - here, s, m));
                        break;
                    default:
                        throw new InvalidOperationException($"{s.IdlName}.{m.RosName}: unsupported member kind {m.GetType().Name}");
                }
            }

            ops.Add(DDS_OP_RTS);
        }

        return [.. ops];
    }

    /// <summary>Instructions in the program (idlc's <c>m_nops</c>): one per member and one RTS per struct block.</summary>
    public static uint CountInstructions(StructSchema root)
    {
        var order = new List<StructSchema>();
        Visit(root, order, []);
        return (uint)order.Sum(s => s.Members.Count + 1);
    }

    /// <summary>The descriptor flag set idlc gives the type when built without type information (<c>idlc -t</c>).</summary>
    public static uint FlagSet(StructSchema root) => root.IsFixedSize ? DDS_TOPIC_FIXED_SIZE : 0u;

    private static void Visit(StructSchema s, List<StructSchema> order, HashSet<StructSchema> seen)
    {
        if (!seen.Add(s))
        {
            return;
        }

        order.Add(s);
        foreach (MemberSchema m in s.Members)
        {
            switch (m)
            {
                case StructMember st:
                    Visit(st.Type, order, seen);
                    break;
                case StructSequenceMember sq:
                    Visit(sq.Element, order, seen);
                    break;
                default:
                    break;
            }
        }
    }

    private static int BlockLength(StructSchema s)
    {
        int n = 1; // RTS
        foreach (MemberSchema m in s.Members)
        {
            n += m switch
            {
                PrimitiveMember or StringMember or SequenceMember or StringSequenceMember => 2,
                StructMember or ArrayMember => 3,
                StructSequenceMember => 4,
                _ => throw new InvalidOperationException($"{s.IdlName}.{m.RosName}: unsupported member kind {m.GetType().Name}"),
            };
        }

        return n;
    }

    private static uint Jump(int delta, StructSchema owner, MemberSchema member)
    {
        if (delta is < short.MinValue or > short.MaxValue)
        {
            throw new InvalidOperationException($"{owner.IdlName}.{member.RosName}: jump {delta} does not fit in 16 bits");
        }

        return (ushort)(short)delta;
    }

    private static uint PrimitiveType(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.Bool => Type(DDS_OP_VAL_BLN),
        PrimitiveKind.Int8 => Type(DDS_OP_VAL_1BY) | DDS_OP_FLAG_SGN,
        PrimitiveKind.UInt8 => Type(DDS_OP_VAL_1BY),
        PrimitiveKind.Int16 => Type(DDS_OP_VAL_2BY) | DDS_OP_FLAG_SGN,
        PrimitiveKind.UInt16 => Type(DDS_OP_VAL_2BY),
        PrimitiveKind.Int32 => Type(DDS_OP_VAL_4BY) | DDS_OP_FLAG_SGN,
        PrimitiveKind.UInt32 => Type(DDS_OP_VAL_4BY),
        PrimitiveKind.Int64 => Type(DDS_OP_VAL_8BY) | DDS_OP_FLAG_SGN,
        PrimitiveKind.UInt64 => Type(DDS_OP_VAL_8BY),
        PrimitiveKind.Float32 => Type(DDS_OP_VAL_4BY) | DDS_OP_FLAG_FP,
        PrimitiveKind.Float64 => Type(DDS_OP_VAL_8BY) | DDS_OP_FLAG_FP,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown primitive kind"),
    };

    // For collections the element type sits in the subtype byte; the FP/SGN flags stay in the flag byte.
    private static uint PrimitiveSubtype(PrimitiveKind kind)
    {
        uint t = PrimitiveType(kind);
        return ((t >> 16) << 8) | (t & 0xffu);
    }
}
