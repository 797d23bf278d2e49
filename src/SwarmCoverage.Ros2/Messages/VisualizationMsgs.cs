using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.SensorMsgs;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.VisualizationMsgs;

/// <summary><c>visualization_msgs/msg/UVCoordinate</c>: <c>float32 u, v</c>, a texture coordinate of a marker point.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct UVCoordinate : IRosMessage<UVCoordinate>
{
    /// <summary>Horizontal texture coordinate.</summary>
    public float U;

    /// <summary>Vertical texture coordinate.</summary>
    public float V;

    /// <summary>Creates a coordinate.</summary>
    public UVCoordinate(float u, float v)
    {
        U = u;
        V = v;
    }

    /// <inheritdoc/>
    public static RosMessageType<UVCoordinate> MessageType { get; } = new BlittableMessageType<UVCoordinate>("visualization_msgs/msg/UVCoordinate", MessageSchemas.UVCoordinate);
}

/// <summary>
/// <c>visualization_msgs/msg/MeshFile</c>: <c>string filename</c>, <c>uint8[] data</c>, a mesh sent inside a marker
/// (<c>mesh_resource</c> <c>embedded://filename</c>).
/// </summary>
public struct MeshFile : IRosMessage<MeshFile>
{
    /// <summary>Name of the mesh, with the extension that tells its format; null is sent as empty.</summary>
    public string? Filename;

    /// <summary>The file's bytes; null is sent as empty.</summary>
    public byte[]? Data;

    /// <inheritdoc/>
    public static RosMessageType<MeshFile> MessageType { get; } = new MeshFileType();

    private sealed class MeshFileType() : MarshalledMessageType<MeshFile, MeshFileNative>("visualization_msgs/msg/MeshFile", MessageSchemas.MeshFile)
    {
        protected override unsafe void Write(in MeshFile value, MeshFileNative* sample, NativeArena arena) => MeshFileNative.Write(in value, sample, arena);

        protected override unsafe void Read(MeshFileNative* sample, ref MeshFile value, Utf8StringCache strings) => MeshFileNative.Read(sample, ref value, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MeshFileNative
{
    public byte* filename;
    public DdsSequence data;

    public static void Write(in MeshFile value, MeshFileNative* sample, NativeArena arena)
    {
        sample->filename = arena.Utf8(value.Filename);
        sample->data = arena.Sequence<byte>(value.Data);
    }

    public static void Read(MeshFileNative* sample, ref MeshFile value, Utf8StringCache strings)
    {
        value.Filename = strings.Get(sample->filename);
        value.Data = NativeCopy.ToArray(sample->data, value.Data);
    }
}

/// <summary>
/// <c>visualization_msgs/msg/Marker</c> as ROS 2 Jazzy defines it (Humble has the same fields; Jazzy adds the
/// <see cref="ArrowStrip"/> type): a shape, line, point set, text or mesh for RViz and Foxglove's 3D panel.
/// </summary>
public struct Marker : IRosMessage<Marker>
{
    /// <summary><c>ARROW</c>.</summary>
    public const int Arrow = 0;

    /// <summary><c>CUBE</c>.</summary>
    public const int Cube = 1;

    /// <summary><c>SPHERE</c>.</summary>
    public const int Sphere = 2;

    /// <summary><c>CYLINDER</c>.</summary>
    public const int Cylinder = 3;

    /// <summary><c>LINE_STRIP</c>: <see cref="Points"/> joined in order.</summary>
    public const int LineStrip = 4;

    /// <summary><c>LINE_LIST</c>: <see cref="Points"/> joined in pairs.</summary>
    public const int LineList = 5;

    /// <summary><c>CUBE_LIST</c>: a cube at each of <see cref="Points"/>.</summary>
    public const int CubeList = 6;

    /// <summary><c>SPHERE_LIST</c>: a sphere at each of <see cref="Points"/>.</summary>
    public const int SphereList = 7;

    /// <summary><c>POINTS</c>.</summary>
    public const int PointsType = 8;

    /// <summary><c>TEXT_VIEW_FACING</c>: <see cref="Text"/> facing the camera.</summary>
    public const int TextViewFacing = 9;

    /// <summary><c>MESH_RESOURCE</c>: <see cref="MeshResource"/> or <see cref="MeshFile"/>.</summary>
    public const int MeshResourceType = 10;

    /// <summary><c>TRIANGLE_LIST</c>: <see cref="Points"/> taken three at a time.</summary>
    public const int TriangleList = 11;

    /// <summary><c>ARROW_STRIP</c> (Jazzy and later).</summary>
    public const int ArrowStrip = 12;

    /// <summary><c>ADD</c>: add or replace the marker (same value as <see cref="Modify"/>).</summary>
    public const int Add = 0;

    /// <summary><c>MODIFY</c>.</summary>
    public const int Modify = 0;

    /// <summary><c>DELETE</c>: remove the marker <see cref="Ns"/>/<see cref="Id"/>.</summary>
    public const int Delete = 2;

    /// <summary><c>DELETEALL</c>: remove every marker (of <see cref="Ns"/>, when set).</summary>
    public const int DeleteAll = 3;

    /// <summary>Stamp and frame of <see cref="Pose"/>.</summary>
    public Header Header;

    /// <summary>Namespace; with <see cref="Id"/> it names the marker. Null is sent as empty.</summary>
    public string? Ns;

    /// <summary>Id within <see cref="Ns"/>.</summary>
    public int Id;

    /// <summary>One of <see cref="Arrow"/> .. <see cref="ArrowStrip"/>.</summary>
    public int Type;

    /// <summary><see cref="Add"/>, <see cref="Delete"/> or <see cref="DeleteAll"/>.</summary>
    public int Action;

    /// <summary>Pose of the marker in the header frame.</summary>
    public Pose Pose;

    /// <summary>Size, m (1 is 1 m).</summary>
    public Vector3 Scale;

    /// <summary>Colour of the whole marker (unless <see cref="Colors"/> is set).</summary>
    public ColorRGBA Color;

    /// <summary>How long the marker stays; zero is forever.</summary>
    public Duration Lifetime;

    /// <summary>Re-transform into its frame at every step.</summary>
    public bool FrameLocked;

    /// <summary>Points of the list and strip types; null is sent as empty.</summary>
    public Point[]? Points;

    /// <summary>One colour per point, or none; null is sent as empty.</summary>
    public ColorRGBA[]? Colors;

    /// <summary>Texture URI (<c>embedded://name</c> for <see cref="Texture"/>); null is sent as empty.</summary>
    public string? TextureResource;

    /// <summary>Embedded texture.</summary>
    public CompressedImage Texture;

    /// <summary>Texture coordinate of each point; null is sent as empty.</summary>
    public UVCoordinate[]? UvCoordinates;

    /// <summary>Text of <see cref="TextViewFacing"/>; null is sent as empty.</summary>
    public string? Text;

    /// <summary>Mesh URI of <see cref="MeshResourceType"/>; null is sent as empty.</summary>
    public string? MeshResource;

    /// <summary>Embedded mesh.</summary>
    public MeshFile MeshFile;

    /// <summary>Use the mesh's own materials instead of <see cref="Color"/>.</summary>
    public bool MeshUseEmbeddedMaterials;

    /// <inheritdoc/>
    public static RosMessageType<Marker> MessageType { get; } = new MarkerType();

    private sealed class MarkerType() : MarshalledMessageType<Marker, MarkerNative>("visualization_msgs/msg/Marker", MessageSchemas.Marker)
    {
        protected override unsafe void Write(in Marker value, MarkerNative* sample, NativeArena arena)
        {
            HeaderNative.Write(in value.Header, &sample->header, arena);
            sample->ns = arena.Utf8(value.Ns);
            sample->id = value.Id;
            sample->type = value.Type;
            sample->action = value.Action;
            sample->pose = value.Pose;
            sample->scale = value.Scale;
            sample->color = value.Color;
            sample->lifetime = value.Lifetime;
            sample->frame_locked = value.FrameLocked ? (byte)1 : (byte)0;
            sample->points = arena.Sequence<Point>(value.Points);
            sample->colors = arena.Sequence<ColorRGBA>(value.Colors);
            sample->texture_resource = arena.Utf8(value.TextureResource);
            CompressedImageNative.Write(in value.Texture, &sample->texture, arena);
            sample->uv_coordinates = arena.Sequence<UVCoordinate>(value.UvCoordinates);
            sample->text = arena.Utf8(value.Text);
            sample->mesh_resource = arena.Utf8(value.MeshResource);
            MeshFileNative.Write(in value.MeshFile, &sample->mesh_file, arena);
            sample->mesh_use_embedded_materials = value.MeshUseEmbeddedMaterials ? (byte)1 : (byte)0;
        }

        protected override unsafe void Read(MarkerNative* sample, ref Marker value, Utf8StringCache strings)
        {
            HeaderNative.Read(&sample->header, ref value.Header, strings);
            value.Ns = strings.Get(sample->ns);
            value.Id = sample->id;
            value.Type = sample->type;
            value.Action = sample->action;
            value.Pose = sample->pose;
            value.Scale = sample->scale;
            value.Color = sample->color;
            value.Lifetime = sample->lifetime;
            value.FrameLocked = sample->frame_locked != 0;
            value.Points = NativeCopy.ToArray(sample->points, value.Points);
            value.Colors = NativeCopy.ToArray(sample->colors, value.Colors);
            value.TextureResource = strings.Get(sample->texture_resource);
            CompressedImageNative.Read(&sample->texture, ref value.Texture, strings);
            value.UvCoordinates = NativeCopy.ToArray(sample->uv_coordinates, value.UvCoordinates);
            value.Text = strings.Get(sample->text);
            value.MeshResource = strings.Get(sample->mesh_resource);
            MeshFileNative.Read(&sample->mesh_file, ref value.MeshFile, strings);
            value.MeshUseEmbeddedMaterials = sample->mesh_use_embedded_materials != 0;
        }
    }
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MarkerNative
{
    public HeaderNative header;
    public byte* ns;
    public int id;
    public int type;
    public int action;
    public Pose pose;
    public Vector3 scale;
    public ColorRGBA color;
    public Duration lifetime;
    public byte frame_locked;
    public DdsSequence points;
    public DdsSequence colors;
    public byte* texture_resource;
    public CompressedImageNative texture;
    public DdsSequence uv_coordinates;
    public byte* text;
    public byte* mesh_resource;
    public MeshFileNative mesh_file;
    public byte mesh_use_embedded_materials;
}

/// <summary><c>visualization_msgs/msg/MarkerArray</c>: <c>Marker[] markers</c>, several markers in one message.</summary>
public struct MarkerArray : IRosMessage<MarkerArray>
{
    /// <summary>The markers; null is sent as empty.</summary>
    public Marker[]? Markers;

    /// <summary>Creates a message.</summary>
    public MarkerArray(Marker[]? markers) => Markers = markers;

    /// <inheritdoc/>
    public static RosMessageType<MarkerArray> MessageType { get; } = new MarkerArrayType();

    private sealed class MarkerArrayType() : MarshalledMessageType<MarkerArray, MarkerArrayNative>("visualization_msgs/msg/MarkerArray", MessageSchemas.MarkerArray)
    {
        protected override unsafe void Write(in MarkerArray value, MarkerArrayNative* sample, NativeArena arena) =>
            sample->markers = arena.Messages<Marker>(value.Markers, Marker.MessageType);

        protected override unsafe void Read(MarkerArrayNative* sample, ref MarkerArray value, Utf8StringCache strings) =>
            value.Markers = NativeCopy.ToMessages(sample->markers, value.Markers, Marker.MessageType, strings);
    }
}

[StructLayout(LayoutKind.Sequential)]
internal struct MarkerArrayNative
{
    public DdsSequence markers;
}
