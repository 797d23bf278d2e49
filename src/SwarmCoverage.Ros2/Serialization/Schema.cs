using System.Runtime.InteropServices;

namespace SwarmCoverage.Ros2.Serialization;

/// <summary>The ROS 2 / IDL primitive types the project's messages use.</summary>
internal enum PrimitiveKind
{
    /// <summary>ROS <c>bool</c>, IDL <c>boolean</c>: one byte, 0 or 1.</summary>
    Bool,

    /// <summary>ROS <c>int8</c>.</summary>
    Int8,

    /// <summary>ROS <c>uint8</c> (and <c>byte</c>, <c>char</c>).</summary>
    UInt8,

    /// <summary>ROS <c>int16</c>.</summary>
    Int16,

    /// <summary>ROS <c>uint16</c>.</summary>
    UInt16,

    /// <summary>ROS <c>int32</c>.</summary>
    Int32,

    /// <summary>ROS <c>uint32</c>.</summary>
    UInt32,

    /// <summary>ROS <c>int64</c>.</summary>
    Int64,

    /// <summary>ROS <c>uint64</c>.</summary>
    UInt64,

    /// <summary>ROS <c>float32</c>.</summary>
    Float32,

    /// <summary>ROS <c>float64</c>.</summary>
    Float64,
}

/// <summary>
/// The shape of one message type as its C sample struct (what idlc would generate for the ROS IDL):
/// the ordered members with the name of the C# field of the blittable native struct that holds
/// each one. Offsets come from <see cref="Marshal.OffsetOf(Type, string)"/>; the constructor checks
/// them against the C layout rules, so a native struct that does not match its schema fails at once.
/// </summary>
internal sealed class StructSchema
{
    private StructSchema(string idlName, Type nativeType, MemberSchema[] members)
    {
        ArgumentException.ThrowIfNullOrEmpty(idlName);
        if (members.Length == 0)
        {
            throw new ArgumentException($"{idlName}: a struct needs at least one member", nameof(members));
        }

        IdlName = idlName;
        NativeType = nativeType;
        Members = members;
        if (!nativeType.IsLayoutSequential)
        {
            throw new ArgumentException($"{idlName}: native type {nativeType} must have sequential layout", nameof(nativeType));
        }

        int offset = 0;
        int alignment = 1;
        foreach (MemberSchema member in members)
        {
            int expected = AlignUp(offset, member.Alignment);
            int actual;
            try
            {
                actual = Marshal.OffsetOf(nativeType, member.FieldName).ToInt32();
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{idlName}: native type {nativeType.Name} has no field '{member.FieldName}'", nameof(members), e);
            }

            if (actual != expected)
            {
                throw new ArgumentException(
                    $"{idlName}.{member.RosName}: field {nativeType.Name}.{member.FieldName} is at offset {actual}, the C layout puts it at {expected}",
                    nameof(members));
            }

            member.Offset = actual;
            offset = actual + member.Size;
            alignment = Math.Max(alignment, member.Alignment);
        }

        Alignment = alignment;
        Size = AlignUp(offset, alignment);
        int marshalSize = Marshal.SizeOf(nativeType);
        if (marshalSize != Size)
        {
            throw new ArgumentException($"{idlName}: native type {nativeType.Name} is {marshalSize} bytes, the C layout gives {Size}", nameof(nativeType));
        }
    }

    /// <summary>
    /// A struct laid out by the C rules alone, with no managed twin (its <see cref="NativeType"/> is <see cref="void"/>):
    /// for wrappers composed at run time, such as a service's request header followed by the request
    /// (docs/ros2-wire.md, "Services").
    /// </summary>
    public static StructSchema Composed(string idlName, params MemberSchema[] members)
    {
        ArgumentException.ThrowIfNullOrEmpty(idlName);
        ArgumentNullException.ThrowIfNull(members);
        return new StructSchema(idlName, members);
    }

    private StructSchema(string idlName, MemberSchema[] members)
    {
        if (members.Length == 0)
        {
            throw new ArgumentException($"{idlName}: a struct needs at least one member", nameof(members));
        }

        IdlName = idlName;
        NativeType = typeof(void);
        Members = members;
        int offset = 0;
        int alignment = 1;
        foreach (MemberSchema member in members)
        {
            member.Offset = AlignUp(offset, member.Alignment);
            offset = member.Offset + member.Size;
            alignment = Math.Max(alignment, member.Alignment);
        }

        Alignment = alignment;
        Size = AlignUp(offset, alignment);
    }

    /// <summary>Describes the C struct <typeparamref name="TNative"/> (blittable: the constraint excludes references).</summary>
    public static StructSchema Of<TNative>(string idlName, params MemberSchema[] members)
        where TNative : unmanaged => new(idlName, typeof(TNative), members);

    /// <summary>IDL scoped name, e.g. <c>geometry_msgs::msg::Twist</c>.</summary>
    public string IdlName { get; }

    public Type NativeType { get; }

    public IReadOnlyList<MemberSchema> Members { get; }

    /// <summary>Size of the C struct in bytes (x86-64 / LP64 layout).</summary>
    public int Size { get; }

    /// <summary>Alignment of the C struct in bytes.</summary>
    public int Alignment { get; }

    /// <summary>True when the type holds no string and no sequence at any depth (Cyclone's DDS_TOPIC_FIXED_SIZE).</summary>
    public bool IsFixedSize => Members.All(m => m.IsFixedSize);

    internal static int AlignUp(int value, int alignment) => (value + alignment - 1) / alignment * alignment;

    public override string ToString() => IdlName;
}

/// <summary>One member of a <see cref="StructSchema"/>.</summary>
internal abstract class MemberSchema(string rosName, string fieldName)
{
    /// <summary>The member's name in the .msg / IDL.</summary>
    public string RosName { get; } = rosName;

    /// <summary>The C# field of the native struct that holds it.</summary>
    public string FieldName { get; } = fieldName;

    /// <summary>Byte offset in the C struct, set by the owning <see cref="StructSchema"/>.</summary>
    public int Offset { get; internal set; }

    public abstract int Size { get; }

    public abstract int Alignment { get; }

    public abstract bool IsFixedSize { get; }

    public static PrimitiveMember Primitive(string rosName, string fieldName, PrimitiveKind kind) => new(rosName, fieldName, kind);

    public static StringMember String(string rosName, string fieldName) => new(rosName, fieldName);

    public static StructMember Struct(string rosName, string fieldName, StructSchema type) => new(rosName, fieldName, type);

    public static ArrayMember Array(string rosName, string fieldName, PrimitiveKind element, int length) => new(rosName, fieldName, element, length);

    public static SequenceMember Sequence(string rosName, string fieldName, PrimitiveKind element) => new(rosName, fieldName, element);

    public static StructSequenceMember StructSequence(string rosName, string fieldName, StructSchema element) => new(rosName, fieldName, element);

    public static StringSequenceMember StringSequence(string rosName, string fieldName) => new(rosName, fieldName);

    internal static int PrimitiveSize(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.Bool or PrimitiveKind.Int8 or PrimitiveKind.UInt8 => 1,
        PrimitiveKind.Int16 or PrimitiveKind.UInt16 => 2,
        PrimitiveKind.Int32 or PrimitiveKind.UInt32 or PrimitiveKind.Float32 => 4,
        PrimitiveKind.Int64 or PrimitiveKind.UInt64 or PrimitiveKind.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown primitive kind"),
    };
}

internal sealed class PrimitiveMember(string rosName, string fieldName, PrimitiveKind kind) : MemberSchema(rosName, fieldName)
{
    public PrimitiveKind Kind { get; } = kind;

    public override int Size => PrimitiveSize(Kind);

    public override int Alignment => PrimitiveSize(Kind);

    public override bool IsFixedSize => true;
}

internal sealed class StringMember(string rosName, string fieldName) : MemberSchema(rosName, fieldName)
{
    public override int Size => 8;

    public override int Alignment => 8;

    public override bool IsFixedSize => false;
}

internal sealed class StructMember(string rosName, string fieldName, StructSchema type) : MemberSchema(rosName, fieldName)
{
    public StructSchema Type { get; } = type;

    public override int Size => Type.Size;

    public override int Alignment => Type.Alignment;

    public override bool IsFixedSize => Type.IsFixedSize;
}

internal sealed class ArrayMember : MemberSchema
{
    public ArrayMember(string rosName, string fieldName, PrimitiveKind element, int length)
        : base(rosName, fieldName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Element = element;
        Length = length;
    }

    public PrimitiveKind Element { get; }

    public int Length { get; }

    public override int Size => PrimitiveSize(Element) * Length;

    public override int Alignment => PrimitiveSize(Element);

    public override bool IsFixedSize => true;
}

internal sealed class SequenceMember(string rosName, string fieldName, PrimitiveKind element) : MemberSchema(rosName, fieldName)
{
    public PrimitiveKind Element { get; } = element;

    public override int Size => 24;

    public override int Alignment => 8;

    public override bool IsFixedSize => false;
}

internal sealed class StructSequenceMember(string rosName, string fieldName, StructSchema element) : MemberSchema(rosName, fieldName)
{
    public StructSchema Element { get; } = element;

    public override int Size => 24;

    public override int Alignment => 8;

    public override bool IsFixedSize => false;
}

/// <summary>
/// <c>string[]</c>: a <c>dds_sequence_t</c> whose buffer holds <c>char*</c> pointers to NUL-terminated UTF-8
/// (rcl_interfaces/ParameterValue's <c>string_array_value</c>).
/// </summary>
internal sealed class StringSequenceMember(string rosName, string fieldName) : MemberSchema(rosName, fieldName)
{
    public override int Size => 24;

    public override int Alignment => 8;

    public override bool IsFixedSize => false;
}
