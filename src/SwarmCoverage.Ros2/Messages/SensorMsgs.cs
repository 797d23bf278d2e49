using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.SensorMsgs;

/// <summary>
/// <c>sensor_msgs/msg/CompressedImage</c>: <c>std_msgs/Header header</c>, <c>string format</c> (e.g. <c>jpeg</c>,
/// <c>png</c>), <c>uint8[] data</c> (the compressed image). Also the embedded texture of a
/// <c>visualization_msgs/msg/Marker</c>.
/// </summary>
public struct CompressedImage : IRosMessage<CompressedImage>
{
    /// <summary>Acquisition time and optical frame of the camera.</summary>
    public Header Header;

    /// <summary>Format of <see cref="Data"/>; null is sent as empty.</summary>
    public string? Format;

    /// <summary>The compressed image; null is sent as empty.</summary>
    public byte[]? Data;

    /// <inheritdoc/>
    public static RosMessageType<CompressedImage> MessageType { get; } = new CompressedImageType();

    private sealed class CompressedImageType() : MarshalledMessageType<CompressedImage, CompressedImageNative>("sensor_msgs/msg/CompressedImage", MessageSchemas.CompressedImage)
    {
        protected override unsafe void Write(in CompressedImage value, CompressedImageNative* sample, NativeArena arena) => CompressedImageNative.Write(in value, sample, arena);

        protected override unsafe void Read(CompressedImageNative* sample, ref CompressedImage value, Utf8StringCache strings) => CompressedImageNative.Read(sample, ref value, strings);
    }
}

/// <summary>C sample of <c>sensor_msgs/msg/CompressedImage</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct CompressedImageNative
{
    public HeaderNative header;
    public byte* format;
    public DdsSequence data;

    public static void Write(in CompressedImage value, CompressedImageNative* sample, NativeArena arena)
    {
        HeaderNative.Write(in value.Header, &sample->header, arena);
        sample->format = arena.Utf8(value.Format);
        sample->data = arena.Sequence<byte>(value.Data);
    }

    public static void Read(CompressedImageNative* sample, ref CompressedImage value, Utf8StringCache strings)
    {
        HeaderNative.Read(&sample->header, ref value.Header, strings);
        value.Format = strings.Get(sample->format);
        value.Data = NativeCopy.ToArray(sample->data, value.Data);
    }
}
