using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2;

/// <summary>
/// A ROS 2 message type that can travel over DDS: every message struct of this library implements it,
/// which lets <see cref="RosParticipant.CreatePublisher{T}(string, RosQos?)"/> and
/// <see cref="RosParticipant.CreateSubscription{T}(string, RosQos?)"/> find the type's support.
/// </summary>
/// <typeparam name="TSelf">The message type itself.</typeparam>
public interface IRosMessage<TSelf>
    where TSelf : IRosMessage<TSelf>
{
    /// <summary>The type's ROS and DDS names and its runtime-built topic descriptor.</summary>
    static abstract RosMessageType<TSelf> MessageType { get; }
}

/// <summary>
/// Names and wire description of a ROS 2 message type: the ROS name (<c>geometry_msgs/msg/Twist</c>),
/// the DDS type name both rmw layers use (<c>geometry_msgs::msg::dds_::Twist_</c>), and a Cyclone DDS
/// topic descriptor built at run time from the C layout of the sample struct.
/// </summary>
public abstract class RosMessageType
{
    private protected RosMessageType(string rosTypeName, StructSchema schema)
    {
        RosTypeName = rosTypeName;
        DdsTypeName = RosNames.ToDdsTypeName(rosTypeName);
        Schema = schema;
        Descriptor = new NativeTopicDescriptor(schema, DdsTypeName);
    }

    /// <summary>The ROS 2 type name, e.g. <c>geometry_msgs/msg/Twist</c>, as <c>ros2 topic list -t</c> prints it.</summary>
    public string RosTypeName { get; }

    /// <summary>The DDS type name, e.g. <c>geometry_msgs::msg::dds_::Twist_</c>; remote endpoints match on it.</summary>
    public string DdsTypeName { get; }

    /// <summary>Size in bytes of the C sample struct Cyclone serializes from.</summary>
    public int NativeSampleSize => Schema.Size;

    /// <summary>True when the type has no string and no sequence (Cyclone's DDS_TOPIC_FIXED_SIZE).</summary>
    public bool IsFixedSize => Schema.IsFixedSize;

    /// <summary>The Cyclone serializer program of the descriptor (the <c>m_ops</c> array), for inspection.</summary>
    public IReadOnlyList<uint> DescriptorOps => Descriptor.Ops;

    internal StructSchema Schema { get; }

    internal NativeTopicDescriptor Descriptor { get; }

    /// <inheritdoc/>
    public override string ToString() => RosTypeName;
}

/// <summary>A <see cref="RosMessageType"/> with the conversions between the managed type and its C sample.</summary>
/// <typeparam name="T">The managed message type.</typeparam>
public abstract class RosMessageType<T> : RosMessageType
{
    private protected RosMessageType(string rosTypeName, StructSchema schema)
        : base(rosTypeName, schema)
    {
    }

    /// <summary>True when <typeparamref name="T"/> is itself the C sample (no strings, no sequences): published and taken in place.</summary>
    internal abstract bool IsBlittable { get; }

    /// <summary>Fills the C sample at <paramref name="sample"/>; strings and sequence buffers go to <paramref name="arena"/>.</summary>
    internal abstract unsafe void ToNative(in T value, byte* sample, NativeArena arena);

    /// <summary>Reads the C sample at <paramref name="sample"/> into <paramref name="value"/>, reusing its arrays when the lengths match.</summary>
    internal abstract unsafe void FromNative(byte* sample, ref T value, Utf8StringCache strings);
}

/// <summary>Support for a message type whose managed struct is its own C sample.</summary>
internal sealed class BlittableMessageType<T> : RosMessageType<T>
    where T : unmanaged
{
    public unsafe BlittableMessageType(string rosTypeName, StructSchema schema)
        : base(rosTypeName, schema)
    {
        if (schema.NativeType != typeof(T) || schema.Size != sizeof(T) || !schema.IsFixedSize)
        {
            throw new ArgumentException($"{rosTypeName}: schema {schema.IdlName} does not describe {typeof(T).Name} as a fixed-size sample", nameof(schema));
        }
    }

    internal override bool IsBlittable => true;

    internal override unsafe void ToNative(in T value, byte* sample, NativeArena arena) => *(T*)sample = value;

    internal override unsafe void FromNative(byte* sample, ref T value, Utf8StringCache strings) => value = *(T*)sample;
}

/// <summary>Support for a message type with strings or sequences: a managed type and a separate C struct.</summary>
internal abstract class MarshalledMessageType<T, TNative> : RosMessageType<T>
    where TNative : unmanaged
{
    protected MarshalledMessageType(string rosTypeName, StructSchema schema)
        : base(rosTypeName, schema)
    {
        if (schema.NativeType != typeof(TNative))
        {
            throw new ArgumentException($"{rosTypeName}: schema {schema.IdlName} describes {schema.NativeType.Name}, not {typeof(TNative).Name}", nameof(schema));
        }
    }

    internal sealed override bool IsBlittable => false;

    internal sealed override unsafe void ToNative(in T value, byte* sample, NativeArena arena) => Write(in value, (TNative*)sample, arena);

    internal sealed override unsafe void FromNative(byte* sample, ref T value, Utf8StringCache strings) => Read((TNative*)sample, ref value, strings);

    protected abstract unsafe void Write(in T value, TNative* sample, NativeArena arena);

    protected abstract unsafe void Read(TNative* sample, ref T value, Utf8StringCache strings);
}
