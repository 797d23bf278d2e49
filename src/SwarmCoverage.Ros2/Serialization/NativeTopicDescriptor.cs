using System.Runtime.InteropServices;
using System.Text;
using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2.Serialization;

/// <summary>
/// A <c>dds_topic_descriptor_t</c> built at run time in unmanaged memory: size and alignment of the C
/// sample struct, the DDS type name, the ops, no keys, and no XTypes type information (so Cyclone
/// matches remote endpoints on the type name alone, as both ROS 2 rmw layers require).
/// One instance per message type lives for the whole process (a few hundred bytes), because Cyclone
/// keeps pointers into it for as long as any topic of the type exists.
/// </summary>
internal sealed unsafe class NativeTopicDescriptor
{
    private static readonly byte* EmptyMeta = AllocUtf8(string.Empty);

    public NativeTopicDescriptor(StructSchema schema, string ddsTypeName)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentException.ThrowIfNullOrEmpty(ddsTypeName);
        Schema = schema;
        DdsTypeName = ddsTypeName;
        Ops = OpsBuilder.Build(schema);
        FlagSet = OpsBuilder.FlagSet(schema);
        InstructionCount = OpsBuilder.CountInstructions(schema);

        uint* ops = (uint*)NativeMemory.Alloc((nuint)Ops.Length, sizeof(uint));
        Ops.AsSpan().CopyTo(new Span<uint>(ops, Ops.Length));

        Pointer = (DdsTopicDescriptor*)NativeMemory.AllocZeroed((nuint)sizeof(DdsTopicDescriptor));
        Pointer->Size = (uint)schema.Size;
        Pointer->Align = (uint)schema.Alignment;
        Pointer->FlagSet = FlagSet;
        Pointer->NKeys = 0;
        Pointer->TypeName = AllocUtf8(ddsTypeName);
        Pointer->Keys = null;
        Pointer->NOps = InstructionCount;
        Pointer->Ops = ops;
        Pointer->Meta = EmptyMeta;
        Pointer->RestrictDataRepresentation = 0;
    }

    public StructSchema Schema { get; }

    /// <summary>The mangled DDS type name, e.g. <c>geometry_msgs::msg::dds_::Twist_</c>.</summary>
    public string DdsTypeName { get; }

    /// <summary>A managed copy of the ops, for inspection and tests.</summary>
    public uint[] Ops { get; }

    public uint FlagSet { get; }

    /// <summary><c>m_nops</c> as idlc sets it: the number of instructions (members plus one RTS per struct), not of words.</summary>
    public uint InstructionCount { get; }

    /// <summary>The native descriptor; valid for the life of the process.</summary>
    public DdsTopicDescriptor* Pointer { get; }

    private static byte* AllocUtf8(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        byte* p = (byte*)NativeMemory.Alloc((nuint)n + 1);
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
        p[n] = 0;
        return p;
    }
}
