using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.StdMsgs;

/// <summary><c>std_msgs/msg/Header</c>: <c>builtin_interfaces/Time stamp</c>, <c>string frame_id</c>.</summary>
public struct Header : IRosMessage<Header>
{
    /// <summary>When the data was acquired or computed.</summary>
    public Time Stamp;

    /// <summary>Coordinate frame of the data; null is sent as the empty string.</summary>
    public string? FrameId;

    /// <summary>Creates a header.</summary>
    public Header(Time stamp, string? frameId)
    {
        Stamp = stamp;
        FrameId = frameId;
    }

    /// <inheritdoc/>
    public static RosMessageType<Header> MessageType { get; } = new HeaderType();

    private sealed class HeaderType() : MarshalledMessageType<Header, HeaderNative>("std_msgs/msg/Header", MessageSchemas.Header)
    {
        protected override unsafe void Write(in Header value, HeaderNative* sample, NativeArena arena) => HeaderNative.Write(in value, sample, arena);

        protected override unsafe void Read(HeaderNative* sample, ref Header value, Utf8StringCache strings) => HeaderNative.Read(sample, ref value, strings);
    }
}

/// <summary>C sample of <c>std_msgs/msg/Header</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HeaderNative
{
    public Time stamp;
    public byte* frame_id;

    public static void Write(in Header value, HeaderNative* sample, NativeArena arena)
    {
        sample->stamp = value.Stamp;
        sample->frame_id = arena.Utf8(value.FrameId);
    }

    public static void Read(HeaderNative* sample, ref Header value, Utf8StringCache strings)
    {
        value.Stamp = sample->stamp;
        value.FrameId = strings.Get(sample->frame_id);
    }
}

/// <summary>
/// <c>std_msgs/msg/Empty</c>: no data (on the wire one placeholder byte, as rosidl generates it). What
/// <c>ros2 topic pub --once /emergency_stop std_msgs/msg/Empty</c> sends.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Empty : IRosMessage<Empty>
{
    // rosidl's structure_needs_at_least_one_member; always 0.
    private readonly byte structureNeedsAtLeastOneMember;

    /// <inheritdoc/>
    public static RosMessageType<Empty> MessageType { get; } = new BlittableMessageType<Empty>("std_msgs/msg/Empty", MessageSchemas.Empty);
}

/// <summary>
/// <c>std_msgs/msg/Bool</c>: <c>bool data</c>. What <c>ros2 topic pub --once /emergency_stop std_msgs/msg/Bool "{data: true}"</c> sends.
/// </summary>
public struct Bool : IRosMessage<Bool>
{
    /// <summary>The value.</summary>
    public bool Data;

    /// <summary>Creates a message.</summary>
    public Bool(bool data) => Data = data;

    /// <inheritdoc/>
    public static RosMessageType<Bool> MessageType { get; } = new BoolType();

    private sealed class BoolType() : MarshalledMessageType<Bool, BoolNative>("std_msgs/msg/Bool", MessageSchemas.Bool)
    {
        protected override unsafe void Write(in Bool value, BoolNative* sample, NativeArena arena) => sample->data = value.Data ? (byte)1 : (byte)0;

        protected override unsafe void Read(BoolNative* sample, ref Bool value, Utf8StringCache strings) => value.Data = sample->data != 0;
    }
}

/// <summary>C sample of <c>std_msgs/msg/Bool</c> (C <c>bool</c> is one byte).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BoolNative
{
    public byte data;
}

/// <summary>
/// <c>std_msgs/msg/ColorRGBA</c>: <c>float32 r, g, b, a</c>, each in [0, 1] (a = 1 is opaque). The colour of a
/// <c>visualization_msgs/msg/Marker</c>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ColorRGBA : IRosMessage<ColorRGBA>
{
    /// <summary>Red, [0, 1].</summary>
    public float R;

    /// <summary>Green, [0, 1].</summary>
    public float G;

    /// <summary>Blue, [0, 1].</summary>
    public float B;

    /// <summary>Alpha (opacity), [0, 1].</summary>
    public float A;

    /// <summary>Creates a colour.</summary>
    public ColorRGBA(float r, float g, float b, float a)
    {
        R = r;
        G = g;
        B = b;
        A = a;
    }

    /// <inheritdoc/>
    public static RosMessageType<ColorRGBA> MessageType { get; } = new BlittableMessageType<ColorRGBA>("std_msgs/msg/ColorRGBA", MessageSchemas.ColorRGBA);

    /// <inheritdoc/>
    public override readonly string ToString() => $"rgba({R}, {G}, {B}, {A})";
}
