using System.Runtime.InteropServices;
using System.Text;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2.Messages.RmwDdsCommon;

/// <summary>
/// <c>rmw_dds_common/msg/Gid</c>: <c>char[16] data</c>, one <see cref="RosGid"/> (Iron and later; Humble's Gid is
/// <c>char[24]</c>, see <see cref="ParticipantEntitiesInfo.HumbleMessageType"/>).
/// </summary>
public struct Gid : IRosMessage<Gid>
{
    /// <summary>The gid.</summary>
    public RosGid Data;

    /// <summary>Creates a message.</summary>
    public Gid(RosGid data) => Data = data;

    /// <inheritdoc/>
    public static RosMessageType<Gid> MessageType { get; } = new GidType();

    private sealed class GidType() : MarshalledMessageType<Gid, GidNative16>("rmw_dds_common/msg/Gid", MessageSchemas.Gid)
    {
        protected override unsafe void Write(in Gid value, GidNative16* sample, NativeArena arena) => GidNative16.Write(value.Data, sample);

        protected override unsafe void Read(GidNative16* sample, ref Gid value, Utf8StringCache strings) => value.Data = GidNative16.Read(sample);
    }
}

/// <summary>C sample of <c>rmw_dds_common/msg/Gid</c> from Iron on: <c>uint8_t data[16]</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GidNative16
{
    public const int Size = 16;

    public fixed byte data[Size];

    public static void Write(RosGid gid, GidNative16* sample) => gid.CopyTo(new Span<byte>(sample->data, Size));

    public static RosGid Read(GidNative16* sample) => RosGid.FromBytes(new ReadOnlySpan<byte>(sample->data, RosGid.Length));
}

/// <summary>C sample of Humble's <c>rmw_dds_common/msg/Gid</c>: <c>uint8_t data[24]</c>, the GUID then 8 zero bytes (ignored on read).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GidNative24
{
    public const int Size = 24;

    public fixed byte data[Size];

    public static void Write(RosGid gid, GidNative24* sample)
    {
        var bytes = new Span<byte>(sample->data, Size);
        gid.CopyTo(bytes);
        bytes[RosGid.Length..].Clear();
    }

    public static RosGid Read(GidNative24* sample) => RosGid.FromBytes(new ReadOnlySpan<byte>(sample->data, RosGid.Length));
}

/// <summary>
/// <c>rmw_dds_common/msg/NodeEntitiesInfo</c>: one node of a participant and the gids of its readers and writers.
/// The two names are <c>string&lt;=256</c> upstream: on the wire like unbounded strings; writing a longer one throws.
/// </summary>
public struct NodeEntitiesInfo : IRosMessage<NodeEntitiesInfo>
{
    /// <summary>The bound of <see cref="NodeNamespace"/> and <see cref="NodeName"/>, in bytes of UTF-8.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>The node's namespace (e.g. <c>/</c>); null is sent as empty.</summary>
    public string? NodeNamespace;

    /// <summary>The node's name; null is sent as empty.</summary>
    public string? NodeName;

    /// <summary>Gids of the node's readers (ROS <c>reader_gid_seq</c>); null is sent as empty.</summary>
    public RosGid[]? ReaderGids;

    /// <summary>Gids of the node's writers (ROS <c>writer_gid_seq</c>); null is sent as empty.</summary>
    public RosGid[]? WriterGids;

    /// <inheritdoc/>
    public static RosMessageType<NodeEntitiesInfo> MessageType { get; } = new NodeEntitiesInfoType(MessageSchemas.NodeEntitiesInfo, GidNative16.Size);

    /// <summary>The Humble layout (24-byte gids), for <see cref="ParticipantEntitiesInfo.HumbleMessageType"/>.</summary>
    internal static RosMessageType<NodeEntitiesInfo> HumbleMessageType { get; } = new NodeEntitiesInfoType(MessageSchemas.NodeEntitiesInfoHumble, GidNative24.Size);

    private sealed class NodeEntitiesInfoType(StructSchema schema, int gidSize) : MarshalledMessageType<NodeEntitiesInfo, NodeEntitiesInfoNative>("rmw_dds_common/msg/NodeEntitiesInfo", schema)
    {
        protected override unsafe void Write(in NodeEntitiesInfo value, NodeEntitiesInfoNative* sample, NativeArena arena)
        {
            sample->node_namespace = Bounded(value.NodeNamespace, "node_namespace", arena);
            sample->node_name = Bounded(value.NodeName, "node_name", arena);
            sample->reader_gid_seq = WriteGids(value.ReaderGids, gidSize, arena);
            sample->writer_gid_seq = WriteGids(value.WriterGids, gidSize, arena);
        }

        protected override unsafe void Read(NodeEntitiesInfoNative* sample, ref NodeEntitiesInfo value, Utf8StringCache strings)
        {
            value.NodeNamespace = strings.Get(sample->node_namespace);
            value.NodeName = strings.Get(sample->node_name);
            value.ReaderGids = ReadGids(sample->reader_gid_seq, value.ReaderGids, gidSize);
            value.WriterGids = ReadGids(sample->writer_gid_seq, value.WriterGids, gidSize);
        }

        private static unsafe byte* Bounded(string? value, string member, NativeArena arena)
        {
            int bytes = Encoding.UTF8.GetByteCount(value ?? string.Empty);
            return bytes <= MaxNameBytes ? arena.Utf8(value)
                : throw new ArgumentException($"rmw_dds_common/msg/NodeEntitiesInfo: {member} is string<={MaxNameBytes}, '{value}' has {bytes} bytes of UTF-8", nameof(value));
        }

        // The gids' bytes at a stride of 16 or 24 (the zeroed buffer leaves Humble's padding 0).
        private static unsafe DdsSequence WriteGids(ReadOnlySpan<RosGid> gids, int gidSize, NativeArena arena)
        {
            DdsSequence sequence = arena.UninitializedSequence(gids.Length, gidSize, 1);
            for (int i = 0; i < gids.Length; i++)
            {
                gids[i].CopyTo(new Span<byte>((byte*)sequence.Buffer + ((nint)i * gidSize), RosGid.Length));
            }

            return sequence;
        }

        private static unsafe RosGid[] ReadGids(in DdsSequence sequence, RosGid[]? reuse, int gidSize)
        {
            int n = checked((int)sequence.Length);
            if (n == 0)
            {
                return reuse is { Length: 0 } ? reuse : [];
            }

            RosGid[] result = reuse is not null && reuse.Length == n ? reuse : new RosGid[n];
            for (int i = 0; i < n; i++)
            {
                result[i] = RosGid.FromBytes(new ReadOnlySpan<byte>((byte*)sequence.Buffer + ((nint)i * gidSize), RosGid.Length));
            }

            return result;
        }
    }
}

/// <summary>C sample of <c>rmw_dds_common/msg/NodeEntitiesInfo</c> (the same in both layouts: the gids are behind the sequences).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NodeEntitiesInfoNative
{
    public byte* node_namespace;
    public byte* node_name;
    public DdsSequence reader_gid_seq;
    public DdsSequence writer_gid_seq;
}

/// <summary>
/// <c>rmw_dds_common/msg/ParticipantEntitiesInfo</c>: what every ROS 2 participant publishes on <c>ros_discovery_info</c>,
/// its gid and its nodes with their readers and writers. <see cref="MessageType"/> is the layout of Iron and later (Jazzy,
/// Kilted: 16-byte gids), <see cref="HumbleMessageType"/> Humble's (24-byte gids); the two have the same ROS and DDS
/// names, so a participant must pick the one of the distribution it talks to.
/// </summary>
public struct ParticipantEntitiesInfo : IRosMessage<ParticipantEntitiesInfo>
{
    /// <summary>The participant's gid.</summary>
    public RosGid Gid;

    /// <summary>Its nodes (ROS <c>node_entities_info_seq</c>); null is sent as empty.</summary>
    public NodeEntitiesInfo[]? Nodes;

    /// <summary>The layout of Iron and later: <c>Gid</c> is <c>char[16] data</c>.</summary>
    public static RosMessageType<ParticipantEntitiesInfo> MessageType { get; } = new ParticipantEntitiesInfoType();

    /// <summary>
    /// Humble's layout: <c>Gid</c> is <c>char[24] data</c>, the GUID then 8 zero bytes (written as zeros, ignored on read).
    /// 8 bytes longer per gid on the wire than <see cref="MessageType"/>.
    /// </summary>
    public static RosMessageType<ParticipantEntitiesInfo> HumbleMessageType { get; } = new ParticipantEntitiesInfoHumbleType();

    private sealed class ParticipantEntitiesInfoType() : MarshalledMessageType<ParticipantEntitiesInfo, ParticipantEntitiesInfoNative>("rmw_dds_common/msg/ParticipantEntitiesInfo", MessageSchemas.ParticipantEntitiesInfo)
    {
        protected override unsafe void Write(in ParticipantEntitiesInfo value, ParticipantEntitiesInfoNative* sample, NativeArena arena)
        {
            GidNative16.Write(value.Gid, &sample->gid);
            sample->node_entities_info_seq = arena.Messages<NodeEntitiesInfo>(value.Nodes, NodeEntitiesInfo.MessageType);
        }

        protected override unsafe void Read(ParticipantEntitiesInfoNative* sample, ref ParticipantEntitiesInfo value, Utf8StringCache strings)
        {
            value.Gid = GidNative16.Read(&sample->gid);
            value.Nodes = NativeCopy.ToMessages(sample->node_entities_info_seq, value.Nodes, NodeEntitiesInfo.MessageType, strings);
        }
    }

    private sealed class ParticipantEntitiesInfoHumbleType() : MarshalledMessageType<ParticipantEntitiesInfo, ParticipantEntitiesInfoHumbleNative>("rmw_dds_common/msg/ParticipantEntitiesInfo", MessageSchemas.ParticipantEntitiesInfoHumble)
    {
        protected override unsafe void Write(in ParticipantEntitiesInfo value, ParticipantEntitiesInfoHumbleNative* sample, NativeArena arena)
        {
            GidNative24.Write(value.Gid, &sample->gid);
            sample->node_entities_info_seq = arena.Messages<NodeEntitiesInfo>(value.Nodes, NodeEntitiesInfo.HumbleMessageType);
        }

        protected override unsafe void Read(ParticipantEntitiesInfoHumbleNative* sample, ref ParticipantEntitiesInfo value, Utf8StringCache strings)
        {
            value.Gid = GidNative24.Read(&sample->gid);
            value.Nodes = NativeCopy.ToMessages(sample->node_entities_info_seq, value.Nodes, NodeEntitiesInfo.HumbleMessageType, strings);
        }
    }
}

/// <summary>C sample of <c>rmw_dds_common/msg/ParticipantEntitiesInfo</c> from Iron on.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ParticipantEntitiesInfoNative
{
    public GidNative16 gid;
    public DdsSequence node_entities_info_seq;
}

/// <summary>C sample of Humble's <c>rmw_dds_common/msg/ParticipantEntitiesInfo</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ParticipantEntitiesInfoHumbleNative
{
    public GidNative24 gid;
    public DdsSequence node_entities_info_seq;
}
