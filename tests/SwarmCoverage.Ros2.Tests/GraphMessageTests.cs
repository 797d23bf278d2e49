using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Messages.RclInterfaces;
using SwarmCoverage.Ros2.Messages.RmwDdsCommon;
using SwarmCoverage.Ros2.Serialization;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>
/// The rmw_dds_common graph messages in both Gid layouts, <see cref="RosGid"/>, the bounds the writers enforce, and the
/// checks of <see cref="MessageCases.All"/>'s other consumers (layout, fixed size, malformed input) for
/// <see cref="MessageCases.Extended"/>.
/// </summary>
public sealed class GraphMessageTests
{
    public static TheoryData<string> ExtendedCaseNames => [.. MessageCases.Extended.Select(c => c.Name)];

    [Fact]
    public void Humble_layout_is_8_bytes_longer_per_gid_and_both_decode_to_the_same_value()
    {
        ParticipantEntitiesInfo sample = SampleMessages.ParticipantEntitiesInfo;
        int gids = 1 + sample.Nodes!.Sum(n => n.ReaderGids!.Length + n.WriterGids!.Length);
        Assert.Equal(4, gids);

        byte[] jazzy = ParticipantEntitiesInfo.MessageType.Serialize(sample);
        byte[] humble = ParticipantEntitiesInfo.HumbleMessageType.Serialize(sample);
        Assert.Equal(jazzy.Length + (8 * gids), humble.Length);
        Assert.Equal(humble.Length, ParticipantEntitiesInfo.HumbleMessageType.GetSerializedSize(sample));

        // The participant gid leads both: 16 bytes, then in Humble 8 zeros.
        Assert.Equal(sample.Gid.AsSpan().ToArray(), jazzy.AsSpan(4, 16).ToArray());
        Assert.Equal(sample.Gid.AsSpan().ToArray(), humble.AsSpan(4, 16).ToArray());
        Assert.Equal(new byte[8], humble.AsSpan(20, 8).ToArray());

        Assert.True(ParticipantEntitiesInfo.MessageType.Decode(jazzy, out ParticipantEntitiesInfo fromJazzy).IsSuccess);
        Assert.True(ParticipantEntitiesInfo.HumbleMessageType.Decode(humble, out ParticipantEntitiesInfo fromHumble).IsSuccess);
        AssertSame(sample, fromJazzy);
        AssertSame(sample, fromHumble);
    }

    [Fact]
    public void Humble_reader_ignores_the_last_8_bytes_of_a_gid()
    {
        ParticipantEntitiesInfo sample = new() { Gid = SampleMessages.MakeGid(0x10), Nodes = [] };
        byte[] humble = ParticipantEntitiesInfo.HumbleMessageType.Serialize(sample);
        humble.AsSpan(20, 8).Fill(0xee);
        Assert.True(ParticipantEntitiesInfo.HumbleMessageType.Decode(humble, out ParticipantEntitiesInfo back).IsSuccess);
        Assert.Equal(sample.Gid, back.Gid);
    }

    [Fact]
    public void The_two_layouts_share_names_and_only_the_jazzy_one_is_registered()
    {
        Assert.Equal(ParticipantEntitiesInfo.MessageType.RosTypeName, ParticipantEntitiesInfo.HumbleMessageType.RosTypeName);
        Assert.Equal("rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_", ParticipantEntitiesInfo.HumbleMessageType.DdsTypeName);
        Assert.Equal(ParticipantEntitiesInfo.MessageType.DdsTypeName, ParticipantEntitiesInfo.HumbleMessageType.DdsTypeName);
        Assert.Same(ParticipantEntitiesInfo.MessageType, RosMessageTypes.Find("rmw_dds_common/msg/ParticipantEntitiesInfo"));
        Assert.DoesNotContain(ParticipantEntitiesInfo.HumbleMessageType, RosMessageTypes.All);

        // C layouts: 16 + 24 bytes, 24 + 24 bytes (the sequence is 8-aligned).
        Assert.Equal(40, ParticipantEntitiesInfo.MessageType.NativeSampleSize);
        Assert.Equal(48, ParticipantEntitiesInfo.HumbleMessageType.NativeSampleSize);
        Assert.Equal(16, Gid.MessageType.NativeSampleSize);
    }

    [Fact]
    public void Decoded_gids_are_the_samples_gids()
    {
        // Dump (the golden tests' comparison) cannot see into a RosGid; these are compared here.
        Assert.True(Gid.MessageType.Decode(Gid.MessageType.Serialize(SampleMessages.Gid), out Gid gid).IsSuccess);
        Assert.Equal(SampleMessages.Gid.Data, gid.Data);
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", gid.Data.ToString());

        NodeEntitiesInfo node = SampleMessages.NodeEntitiesInfo;
        Assert.True(NodeEntitiesInfo.MessageType.Decode(NodeEntitiesInfo.MessageType.Serialize(node), out NodeEntitiesInfo back).IsSuccess);
        AssertSame(node, back);

        byte[] golden = GoldenCdrTests.Expected("participant_entities_info").ToPaddedArray();
        Assert.True(ParticipantEntitiesInfo.MessageType.Decode(golden, out ParticipantEntitiesInfo participant).IsSuccess);
        AssertSame(SampleMessages.ParticipantEntitiesInfo, participant);
    }

    [Fact]
    public void Node_names_longer_than_256_bytes_of_utf8_are_refused()
    {
        string limit = new('é', 128); // 256 bytes
        NodeEntitiesInfo ok = SampleMessages.NodeEntitiesInfo with { NodeName = limit, NodeNamespace = new string('n', 256) };
        Assert.True(NodeEntitiesInfo.MessageType.Decode(NodeEntitiesInfo.MessageType.Serialize(ok), out NodeEntitiesInfo back).IsSuccess);
        Assert.Equal(limit, back.NodeName);

        Assert.Throws<ArgumentException>(() => NodeEntitiesInfo.MessageType.Serialize(ok with { NodeName = limit + "a" }));
        Assert.Throws<ArgumentException>(() => NodeEntitiesInfo.MessageType.Serialize(ok with { NodeNamespace = new string('n', 257) }));
        ParticipantEntitiesInfo participant = new() { Gid = default, Nodes = [ok with { NodeName = new string('x', 300) }] };
        Assert.Throws<ArgumentException>(() => ParticipantEntitiesInfo.MessageType.Serialize(participant));
        Assert.Throws<ArgumentException>(() => ParticipantEntitiesInfo.HumbleMessageType.GetSerializedSize(participant));
    }

    [Fact]
    public void Parameter_descriptor_ranges_hold_at_most_one_element()
    {
        ParameterDescriptor d = SampleMessages.ParameterDescriptor;
        Assert.Throws<ArgumentException>(() => ParameterDescriptor.MessageType.Serialize(d with { FloatingPointRange = [default, default] }));
        Assert.Throws<ArgumentException>(() => ParameterDescriptor.MessageType.Serialize(d with { IntegerRange = [default, default] }));
        Assert.Throws<ArgumentException>(() => DescribeParametersResponse.MessageType.Serialize(new DescribeParametersResponse { Descriptors = [d with { IntegerRange = [default, default] }] }));
        Assert.NotEmpty(ParameterDescriptor.MessageType.Serialize(d with { FloatingPointRange = null, IntegerRange = [new IntegerRange(0, 1, 1)] }));
    }

    [Fact]
    public void Ros_gid_has_value_equality_hex_text_and_exact_length()
    {
        RosGid a = SampleMessages.MakeGid(0xf0);
        RosGid b = RosGid.FromBytes(a.AsSpan());
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, SampleMessages.MakeGid(0xf1));
        Assert.False(a.Equals((object)"x"));
        Assert.Equal("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", a.ToString());
        Assert.Equal(new string('0', 32), default(RosGid).ToString());

        Span<byte> copy = stackalloc byte[20];
        copy.Fill(0x55);
        a.CopyTo(copy);
        Assert.Equal(a.AsSpan().ToArray(), copy[..16].ToArray());
        Assert.Equal(0x55, copy[16]);

        Assert.Throws<ArgumentException>(() => RosGid.FromBytes(new byte[15]));
        Assert.Throws<ArgumentException>(() => RosGid.FromBytes(new byte[24]));
        Assert.Throws<ArgumentException>(() => a.CopyTo(new byte[15]));
        Assert.Equal(16, Unsafe.SizeOf<RosGid>());
    }

    [Fact]
    public void Service_bodies_have_rosidls_names_and_constants()
    {
        Assert.Equal("rcl_interfaces::srv::dds_::GetParameters_Request_", GetParametersRequest.MessageType.DdsTypeName);
        Assert.Equal("rcl_interfaces/srv/SetParametersAtomically_Response", SetParametersAtomicallyResponse.MessageType.RosTypeName);
        Assert.Equal("std_srvs::srv::dds_::Trigger_Request_", Messages.StdSrvs.TriggerRequest.MessageType.DdsTypeName);
        Assert.Equal(0ul, ListParametersRequest.DepthRecursive);
        Assert.Equal(1, Messages.StdSrvs.TriggerRequest.MessageType.NativeSampleSize);
        Assert.Equal("00010003" + "00000000", Convert.ToHexString(Messages.StdSrvs.TriggerRequest.MessageType.Serialize(default)));
    }

    [Theory]
    [MemberData(nameof(ExtendedCaseNames))]
    public void Schema_matches_the_marshalled_and_managed_size_and_fixed_size_only_without_strings_and_sequences(string name)
    {
        MessageCase c = Case(name);
        StructSchema s = c.Type.Schema;
        Assert.Equal(s.Size, Marshal.SizeOf(s.NativeType));
        int managed = (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(s.NativeType).Invoke(null, null)!;
        Assert.Equal(s.Size, managed);

        bool fixedSize = name is "floating_point_range" or "integer_range" or "set_bool_request" or "trigger_request" or "gid";
        Assert.Equal(fixedSize, c.Type.IsFixedSize);
        Assert.Equal(fixedSize ? OpsBuilder.DDS_TOPIC_FIXED_SIZE : 0u, c.Type.Descriptor.FlagSet);
    }

    [Theory]
    [MemberData(nameof(ExtendedCaseNames))]
    public void Round_trips_and_every_truncation_or_byte_flip_is_decoded_or_rejected_never_thrown(string name)
    {
        MessageCase c = Case(name);
        byte[] bytes = c.Serialize();
        Assert.True(c.Decode(bytes, out object? value).IsSuccess);
        Assert.Equal(c.ExpectedDump, Dump.Of(value));
        Assert.Equal(bytes, c.Serialize(value!));
        Assert.True(c.Type.Validate(bytes).IsSuccess);

        for (int n = 0; n < bytes.Length - 3; n++)
        {
            Assert.False(c.Decode(bytes.AsSpan(0, n), out _).IsSuccess, $"{name}: {n} of {bytes.Length} bytes decoded");
            Assert.Equal(c.Decode(bytes.AsSpan(0, n), out _).Rejection, c.Type.Validate(bytes.AsSpan(0, n)).Rejection);
        }

        var random = new Random(20261207);
        for (int round = 0; round < 300; round++)
        {
            byte[] mutated = [.. bytes];
            mutated[4 + random.Next(mutated.Length - 4)] = (byte)random.Next(256);
            CdrDecodeResult result = c.Decode(mutated, out object? decoded);
            Assert.Equal(result.IsSuccess, decoded is not null);
        }
    }

    private static MessageCase Case(string name) => MessageCases.Extended.Single(c => c.Name == name);

    private static void AssertSame(ParticipantEntitiesInfo expected, ParticipantEntitiesInfo actual)
    {
        Assert.Equal(expected.Gid, actual.Gid);
        Assert.Equal(expected.Nodes!.Length, actual.Nodes!.Length);
        for (int i = 0; i < expected.Nodes.Length; i++)
        {
            AssertSame(expected.Nodes[i], actual.Nodes[i]);
        }
    }

    private static void AssertSame(NodeEntitiesInfo expected, NodeEntitiesInfo actual)
    {
        Assert.Equal(expected.NodeNamespace, actual.NodeNamespace);
        Assert.Equal(expected.NodeName, actual.NodeName);
        Assert.Equal(expected.ReaderGids, actual.ReaderGids);
        Assert.Equal(expected.WriterGids, actual.WriterGids);
    }
}
