using System.Buffers;
using System.Runtime.CompilerServices;
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
/// the DDS type name both rmw layers use (<c>geometry_msgs::msg::dds_::Twist_</c>), a Cyclone DDS
/// topic descriptor built at run time from the C layout of the sample struct, the managed CDR codec and the
/// message definition text (docs/ros2-wire.md).
/// </summary>
public abstract class RosMessageType
{
    /// <summary>The schema encoding of <see cref="Definition"/> in MCAP and the Foxglove WebSocket protocol.</summary>
    public const string DefinitionEncoding = "ros2msg";

    /// <summary>The message encoding of the serialized bytes in MCAP and the Foxglove WebSocket protocol.</summary>
    public const string MessageEncoding = "cdr";

    private string? definition;

    private protected RosMessageType(string rosTypeName, StructSchema schema)
    {
        RosTypeName = rosTypeName;
        DdsTypeName = RosNames.ToDdsTypeName(rosTypeName);
        Schema = schema;
        Descriptor = new NativeTopicDescriptor(schema, DdsTypeName);
        Program = CdrProgram.For(schema);
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

    /// <summary>
    /// The complete message definition as rosbag2's MCAP storage and foxglove_bridge write it (encoding
    /// <see cref="DefinitionEncoding"/>): the type's upstream .msg text, then for each type it uses, recursively and
    /// once each, a line of 80 '=', a line <c>MSG: pkg/Type</c> and that type's .msg text.
    /// </summary>
    public string Definition => definition ??= MessageDefinitions.Compose(RosTypeName);

    internal StructSchema Schema { get; }

    internal NativeTopicDescriptor Descriptor { get; }

    internal CdrProgram Program { get; }

    /// <summary>
    /// Checks that <paramref name="cdr"/> is a well-formed serialized message of this type without building the
    /// managed value (the same checks as <see cref="RosMessageType{T}.Decode(ReadOnlySpan{byte}, out T, CdrDecodeOptions)"/>).
    /// </summary>
    public unsafe CdrDecodeResult Validate(ReadOnlySpan<byte> cdr, CdrDecodeOptions? options = null)
    {
        CdrScratch scratch = CdrScratch.Current;
        try
        {
            return CdrDecoder.Decode(Program, cdr, options ?? CdrDecodeOptions.Default, scratch.Arena, out _);
        }
        finally
        {
            scratch.Arena.Reset();
        }
    }

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

    /// <summary>
    /// Bytes <paramref name="value"/> serializes to: the 4-byte encapsulation header, the CDR payload and the final
    /// padding to a multiple of 4, exactly as a ROS 2 node on rmw_cyclonedds publishes it.
    /// </summary>
    public unsafe int GetSerializedSize(in T value)
    {
        if (IsBlittable)
        {
            fixed (byte* p = &Unsafe.As<T, byte>(ref Unsafe.AsRef(in value)))
            {
                return CdrEncoder.SerializedSize(Program, p);
            }
        }

        CdrScratch scratch = CdrScratch.Current;
        try
        {
            byte* sample = scratch.Sample(NativeSampleSize);
            ToNative(in value, sample, scratch.Arena);
            return CdrEncoder.SerializedSize(Program, sample);
        }
        finally
        {
            scratch.Arena.Reset();
        }
    }

    /// <summary>
    /// Serializes <paramref name="value"/> into <paramref name="destination"/> as a ROS 2 node publishes it
    /// (encapsulation header <c>00 01 00 nn</c>, little-endian plain CDR, padded to a multiple of 4 with the padding
    /// length in <c>nn</c>). False, with nothing promised about <paramref name="destination"/>, when it is too short.
    /// Allocates nothing.
    /// </summary>
    public unsafe bool TrySerialize(in T value, Span<byte> destination, out int bytesWritten)
    {
        if (IsBlittable)
        {
            fixed (byte* p = &Unsafe.As<T, byte>(ref Unsafe.AsRef(in value)))
            {
                return Encode(p, destination, out bytesWritten);
            }
        }

        CdrScratch scratch = CdrScratch.Current;
        try
        {
            byte* sample = scratch.Sample(NativeSampleSize);
            ToNative(in value, sample, scratch.Arena);
            return Encode(sample, destination, out bytesWritten);
        }
        finally
        {
            scratch.Arena.Reset();
        }
    }

    /// <summary>As <see cref="TrySerialize"/>; throws <see cref="ArgumentException"/> when <paramref name="destination"/> is too short.</summary>
    public int Serialize(in T value, Span<byte> destination) =>
        TrySerialize(in value, destination, out int written) ? written
        : throw new ArgumentException($"{RosTypeName}: {destination.Length} bytes are too few, the message needs {GetSerializedSize(in value)}", nameof(destination));

    /// <summary>Serializes <paramref name="value"/> into <paramref name="destination"/> (one GetSpan and one Advance); returns the bytes written.</summary>
    public unsafe int Serialize(in T value, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (IsBlittable)
        {
            fixed (byte* p = &Unsafe.As<T, byte>(ref Unsafe.AsRef(in value)))
            {
                return Encode(p, destination);
            }
        }

        CdrScratch scratch = CdrScratch.Current;
        try
        {
            byte* sample = scratch.Sample(NativeSampleSize);
            ToNative(in value, sample, scratch.Arena);
            return Encode(sample, destination);
        }
        finally
        {
            scratch.Arena.Reset();
        }
    }

    /// <summary>Serializes <paramref name="value"/> into a new array.</summary>
    public byte[] Serialize(in T value)
    {
        var buffer = new ArrayBufferWriter<byte>(GetSerializedSize(in value));
        Serialize(in value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Decodes a serialized message (encapsulation header included; CDR_LE or CDR_BE) with the default limits.
    /// Never throws on bad input: a malformed message is a rejection whose reason names the field and the offset.
    /// </summary>
    public CdrDecodeResult Decode(ReadOnlySpan<byte> cdr, out T value) => Decode(cdr, out value, CdrDecodeOptions.Default);

    /// <summary>As <see cref="Decode(ReadOnlySpan{byte}, out T)"/> with the limits of <paramref name="options"/>.</summary>
    public unsafe CdrDecodeResult Decode(ReadOnlySpan<byte> cdr, out T value, CdrDecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        value = default!;
        CdrScratch scratch = CdrScratch.Current;
        try
        {
            CdrDecodeResult result = CdrDecoder.Decode(Program, cdr, options, scratch.Arena, out byte* sample);
            if (result.IsSuccess)
            {
                FromNative(sample, ref value, scratch.Strings);
            }

            return result;
        }
        finally
        {
            scratch.Arena.Reset();
        }
    }

    private unsafe bool Encode(byte* sample, Span<byte> destination, out int bytesWritten)
    {
        int size = CdrEncoder.SerializedSize(Program, sample);
        if (destination.Length < size)
        {
            bytesWritten = 0;
            return false;
        }

        bytesWritten = CdrEncoder.Write(Program, sample, destination, size);
        return true;
    }

    private unsafe int Encode(byte* sample, IBufferWriter<byte> destination)
    {
        int size = CdrEncoder.SerializedSize(Program, sample);
        Span<byte> span = destination.GetSpan(size);
        CdrEncoder.Write(Program, sample, span, size);
        destination.Advance(size);
        return size;
    }
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
