using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SwarmCoverage.Ros2.Interop;
using SwarmCoverage.Ros2.Serialization;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>The interop structs have the x86-64 layouts of the Cyclone 0.10 headers.</summary>
public sealed class LayoutTests
{
    [Fact]
    public void Topic_descriptor_is_96_bytes_with_the_header_offsets()
    {
        Assert.Equal(96, Marshal.SizeOf<DdsTopicDescriptor>());
        Assert.Equal(16, Marshal.OffsetOf<DdsTopicDescriptor>(nameof(DdsTopicDescriptor.TypeName)).ToInt32());
        Assert.Equal(32, Marshal.OffsetOf<DdsTopicDescriptor>(nameof(DdsTopicDescriptor.NOps)).ToInt32());
        Assert.Equal(40, Marshal.OffsetOf<DdsTopicDescriptor>(nameof(DdsTopicDescriptor.Ops)).ToInt32());
        Assert.Equal(48, Marshal.OffsetOf<DdsTopicDescriptor>(nameof(DdsTopicDescriptor.Meta)).ToInt32());
        Assert.Equal(56, Marshal.OffsetOf<DdsTopicDescriptor>(nameof(DdsTopicDescriptor.TypeInformation)).ToInt32());
        Assert.Equal(72, Marshal.OffsetOf<DdsTopicDescriptor>(nameof(DdsTopicDescriptor.TypeMapping)).ToInt32());
        Assert.Equal(88, Marshal.OffsetOf<DdsTopicDescriptor>(nameof(DdsTopicDescriptor.RestrictDataRepresentation)).ToInt32());
    }

    [Fact]
    public void Sample_info_is_64_bytes_with_valid_data_at_12()
    {
        Assert.Equal(64, Marshal.SizeOf<DdsSampleInfo>());
        Assert.Equal(12, Marshal.OffsetOf<DdsSampleInfo>(nameof(DdsSampleInfo.ValidData)).ToInt32());
        Assert.Equal(16, Marshal.OffsetOf<DdsSampleInfo>(nameof(DdsSampleInfo.SourceTimestamp)).ToInt32());
        Assert.Equal(32, Marshal.OffsetOf<DdsSampleInfo>(nameof(DdsSampleInfo.PublicationHandle)).ToInt32());
    }

    [Fact]
    public void Sequence_and_builtin_endpoint_layouts()
    {
        Assert.Equal(24, Marshal.SizeOf<DdsSequence>());
        Assert.Equal(8, Marshal.OffsetOf<DdsSequence>(nameof(DdsSequence.Buffer)).ToInt32());
        Assert.Equal(16, Marshal.OffsetOf<DdsSequence>(nameof(DdsSequence.Release)).ToInt32());
        Assert.Equal(40, Marshal.OffsetOf<DdsBuiltinTopicEndpoint>(nameof(DdsBuiltinTopicEndpoint.TopicName)).ToInt32());
        Assert.Equal(64, Marshal.SizeOf<DdsBuiltinTopicEndpoint>());
    }

    [Fact]
    public void Every_message_schema_matches_both_the_marshalled_and_the_managed_size_of_its_struct()
    {
        foreach (MessageCase c in MessageCases.All)
        {
            StructSchema s = c.Type.Schema;
            Assert.Equal(s.Size, Marshal.SizeOf(s.NativeType));
            int managed = (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(s.NativeType).Invoke(null, null)!;
            Assert.Equal(s.Size, managed);
        }
    }

    [Fact]
    public void Fixed_size_flag_only_without_strings_and_sequences()
    {
        string[] variable =
        [
            "header", "pose_stamped", "twist_stamped", "odometry", "occupancy_grid", "status", "target", "point_stamped", "compressed_image",
            "mesh_file", "marker", "marker_array", "log", "parameter_value", "parameter", "parameter_event", "key_value", "diagnostic_status",
            "diagnostic_array", "tick_input",
        ];
        foreach (MessageCase c in MessageCases.All)
        {
            Assert.Equal(!variable.Contains(c.Name), c.Type.IsFixedSize);
            Assert.Equal(c.Type.IsFixedSize ? OpsBuilder.DDS_TOPIC_FIXED_SIZE : 0u, c.Type.Descriptor.FlagSet);
        }
    }

    [Fact]
    public void A_native_struct_that_does_not_match_its_schema_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => StructSchema.Of<WrongLayout>(
            "test::msg::Wrong",
            MemberSchema.Primitive("a", nameof(WrongLayout.A), PrimitiveKind.Float64),
            MemberSchema.Primitive("b", nameof(WrongLayout.B), PrimitiveKind.Int32)));
        Assert.Contains("test::msg::Wrong.a", e.Message, StringComparison.Ordinal);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WrongLayout
    {
        public int B;
        public double A;
    }
}
