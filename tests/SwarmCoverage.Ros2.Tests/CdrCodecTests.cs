using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.NavMsgs;
using SwarmCoverage.Ros2.Messages.RclInterfaces;
using SwarmCoverage.Ros2.Messages.StdMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;
using SwarmCoverage.Ros2.Messages.VisualizationMsgs;
using SwarmCoverage.Ros2.Tests.Infrastructure;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>
/// The managed codec's own contract: each rejection reason on a message malformed in that one way (bytes written by
/// hand with <see cref="CdrWriter"/>), random and mutated bytes giving rejections and never exceptions, the serialize
/// path allocating nothing, and the API's edges. Agreement with Cyclone and Foxglove is in GoldenCdrTests and
/// FoxgloveReferenceTests.
/// </summary>
public sealed class CdrCodecTests
{
    private static readonly byte[] TwistBytes = Twist.MessageType.Serialize(SampleMessages.Twist);

    [Fact]
    public void Fewer_than_four_bytes_have_no_encapsulation_header()
    {
        CdrDecodeResult r = Twist.MessageType.Decode([0x00, 0x01, 0x00], out _);
        Assert.Equal(CdrRejection.TooShort, r.Rejection);
        Assert.Contains("geometry_msgs/msg/Twist", r.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x00, 0x03, "PL_CDR_LE")]
    [InlineData(0x00, 0x07, "CDR2_LE")]
    [InlineData(0x00, 0x09, "D_CDR2_LE")]
    [InlineData(0x01, 0x01, "unknown")]
    public void Encapsulations_other_than_plain_cdr_are_named_and_rejected(byte high, byte low, string name)
    {
        byte[] bytes = [.. TwistBytes];
        bytes[0] = high;
        bytes[1] = low;
        CdrDecodeResult r = Twist.MessageType.Decode(bytes, out _);
        Assert.Equal(CdrRejection.UnsupportedEncapsulation, r.Rejection);
        Assert.Contains(name, r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_over_the_configured_size_is_rejected_before_it_is_read()
    {
        var options = new CdrDecodeOptions { MaxMessageBytes = TwistBytes.Length - 1 };
        Assert.Equal(CdrRejection.TooLarge, Twist.MessageType.Decode(TwistBytes, out _, options).Rejection);
        Assert.True(Twist.MessageType.Decode(TwistBytes, out _, options with { MaxMessageBytes = TwistBytes.Length }).IsSuccess);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CdrDecodeOptions { MaxMessageBytes = 3 });
    }

    [Fact]
    public void A_message_cut_short_names_the_member_that_runs_out_and_where()
    {
        CdrDecodeResult r = Twist.MessageType.Decode(TwistBytes.AsSpan(0, 4 + 40), out _);
        Assert.Equal(CdrRejection.Truncated, r.Rejection);
        Assert.Contains("geometry_msgs/msg/Twist.angular.z", r.Reason, StringComparison.Ordinal);
        Assert.Equal(4 + 40, r.Offset);

        // In a sequence element, the index is named: the count of components is at payload 80..84, the two 56-byte
        // components at 88..200 after 4 bytes of alignment. The count check bounds 2 x 56 bytes by the 112 bytes left
        // after the count (it leaves out that alignment), so a message cut at 196, in the second's sigma.z (192..200),
        // passes it and runs out in the element.
        byte[] target = Target.MessageType.Serialize(SampleMessages.Target);
        r = Target.MessageType.Decode(target.AsSpan(0, 4 + 196), out _);
        Assert.Equal(CdrRejection.Truncated, r.Rejection);
        Assert.Contains("swarm_coverage_msgs/msg/Target.components[1].sigma.z", r.Reason, StringComparison.Ordinal);
        Assert.Equal(4 + 192, r.Offset);

        // Cut 8 bytes before the end of the second, fewer bytes than two components need are left after the count.
        r = Target.MessageType.Decode(target.AsSpan(0, 4 + 192), out _);
        Assert.Equal(CdrRejection.LengthExceedsData, r.Rejection);
        Assert.Contains("swarm_coverage_msgs/msg/Target.components: sequence of 2", r.Reason, StringComparison.Ordinal);

        // Fewer bytes than the count of components needs at the least: rejected at the count.
        r = Target.MessageType.Decode(target.AsSpan(0, 100), out _);
        Assert.Equal(CdrRejection.LengthExceedsData, r.Rejection);
        Assert.Contains("swarm_coverage_msgs/msg/Target.components: sequence of 2", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lengths_beyond_the_bytes_left_are_rejected_before_anything_is_allocated()
    {
        // A string of 1000 bytes in a 30-byte message.
        byte[] header = new CdrWriter().I32(1).U32(2).U32(1000).Raw((byte)'a', 0).ToArray();
        CdrDecodeResult r = Header.MessageType.Decode(header, out _);
        Assert.Equal(CdrRejection.LengthExceedsData, r.Rejection);
        Assert.Contains("std_msgs/msg/Header.frame_id", r.Reason, StringComparison.Ordinal);
        Assert.Equal(12, r.Offset);

        // Counts near 2^32 of 336-byte Markers and of 8-byte doubles: were they allocated first, the native
        // allocation (terabytes) would fail with an exception instead of this rejection.
        foreach (uint count in new[] { uint.MaxValue, 0x7fff_ffffu, 1000u })
        {
            CdrDecodeResult markers = MarkerArray.MessageType.Decode(new CdrWriter().U32(count).U32(0).ToArray(), out _);
            Assert.Equal(CdrRejection.LengthExceedsData, markers.Rejection);
            Assert.Contains("visualization_msgs/msg/MarkerArray.markers", markers.Reason, StringComparison.Ordinal);

            byte[] grid = new CdrWriter().I32(0).U32(0).Str("").I32(0).U32(0).F32(0).U32(0).U32(0)
                .F64(0, 0, 0, 0, 0, 0, 1).U32(count).ToArray();
            Assert.Equal(CdrRejection.LengthExceedsData, OccupancyGrid.MessageType.Decode(grid, out _).Rejection);
        }

        // A string sequence bounded by five bytes per string.
        byte[] value = new CdrWriter().U8(9).Bool(false).I64(0).F64(0).Str("").U32(0).U32(0).U32(0).U32(0).U32(3).Str("ab").ToArray();
        CdrDecodeResult strings = ParameterValue.MessageType.Decode(value, out _);
        Assert.Equal(CdrRejection.LengthExceedsData, strings.Rejection);
        Assert.Contains("string_array_value", strings.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Strings_must_end_in_their_nul_and_have_no_other()
    {
        byte[] unterminated = new CdrWriter().I32(1).U32(2).U32(3).Raw((byte)'a', (byte)'b', (byte)'c').ToArray();
        CdrDecodeResult r = Header.MessageType.Decode(unterminated, out _);
        Assert.Equal(CdrRejection.StringNotTerminated, r.Rejection);
        Assert.Contains("0x63", r.Reason, StringComparison.Ordinal);

        byte[] zeroLength = new CdrWriter().I32(1).U32(2).U32(0).ToArray();
        Assert.Equal(CdrRejection.StringNotTerminated, Header.MessageType.Decode(zeroLength, out _).Rejection);

        byte[] inner = new CdrWriter().I32(1).U32(2).U32(4).Raw((byte)'a', 0, (byte)'b', 0).ToArray();
        r = Header.MessageType.Decode(inner, out _);
        Assert.Equal(CdrRejection.StringHasEmbeddedNul, r.Rejection);
        Assert.Equal(4 + 12 + 1, r.Offset);
    }

    [Fact]
    public void Strings_must_be_utf8()
    {
        // C3 28 is a lead byte without its continuation; ED A0 80 a UTF-16 surrogate.
        foreach (byte[] text in new[] { new byte[] { 0xc3, 0x28 }, [0xed, 0xa0, 0x80], [0xff] })
        {
            byte[] bytes = new CdrWriter().I32(1).U32(2).U32((uint)text.Length + 1).Raw(text).Raw(0).ToArray();
            Assert.Equal(CdrRejection.StringNotUtf8, Header.MessageType.Decode(bytes, out _).Rejection);
        }
    }

    [Fact]
    public void Bool_bytes_other_than_0_and_1_are_rejected_alone_in_structs_and_in_sequences()
    {
        CdrDecodeResult r = Bool.MessageType.Decode(new CdrWriter().U8(2).ToArray(), out _);
        Assert.Equal(CdrRejection.InvalidBool, r.Rejection);
        Assert.Contains("0x02", r.Reason, StringComparison.Ordinal);
        Assert.True(Bool.MessageType.Decode(new CdrWriter().U8(1).ToArray(), out Bool yes).IsSuccess && yes.Data);

        byte[] value = new CdrWriter().U8(6).Bool(false).I64(0).F64(0).Str("").U32(0).U32(3).U8(1, 0, 0xff).U32(0).U32(0).U32(0).ToArray();
        r = ParameterValue.MessageType.Decode(value, out _);
        Assert.Equal(CdrRejection.InvalidBool, r.Rejection);
        Assert.Contains("bool_array_value", r.Reason, StringComparison.Ordinal);
        Assert.Contains("element 2", r.Reason, StringComparison.Ordinal);

        byte[] marker = Marker.MessageType.Serialize(SampleMessages.Marker);
        int frameLocked = 4 + 144; // header 16, ns 11 (+1 padding), id, type, action 12, pose 56, scale 24, color 16, lifetime 8
        Assert.Equal(1, marker[frameLocked]);
        marker[frameLocked] = 7;
        r = Marker.MessageType.Decode(marker, out _);
        Assert.Equal(CdrRejection.InvalidBool, r.Rejection);
        Assert.Contains("visualization_msgs/msg/Marker.frame_locked", r.Reason, StringComparison.Ordinal);
        Assert.Equal(frameLocked, r.Offset);
    }

    [Fact]
    public void Up_to_three_trailing_bytes_are_final_padding_and_more_are_rejected()
    {
        // Bool is 1 payload byte: Cyclone sends it with 3 bytes of padding.
        for (int extra = 0; extra <= 3; extra++)
        {
            byte[] bytes = [0x00, 0x01, 0x00, 0x00, 0x01, .. new byte[extra]];
            Assert.True(Bool.MessageType.Decode(bytes, out _).IsSuccess, $"{extra} trailing bytes");
        }

        CdrDecodeResult r = Bool.MessageType.Decode([0x00, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0], out _);
        Assert.Equal(CdrRejection.TrailingBytes, r.Rejection);
        Assert.Equal(5, r.Offset);
        Assert.Equal(CdrRejection.TrailingBytes, Twist.MessageType.Decode([.. TwistBytes, 1, 2, 3, 4], out _).Rejection);
    }

    [Property(MaxTest = 400, Replay = "(20261207,4711)")]
    public Property Mutated_messages_of_every_type_are_decoded_or_rejected_never_thrown()
    {
        MessageCase[] cases = [.. MessageCases.All, FoxgloveReference.Unicode];
        var edit = Gen.Choose(0, 5).SelectMany(kind => Gen.Choose(0, 10_000).SelectMany(position => Gen.Choose(0, 255).Select(b => (kind, position, b))));
        var gen = Gen.Choose(0, cases.Length - 1).SelectMany(i => Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(edit, n)).Select(edits => (i, edits)));
        return Prop.ForAll(Arb.From(gen), input =>
        {
            MessageCase c = cases[input.i];
            List<byte> bytes = [.. c.Serialize()];
            foreach ((int kind, int position, int b) in input.edits)
            {
                Mutate(bytes, kind, position, (byte)b);
            }

            AssertDecodedOrRejected(c, [.. bytes]);
        });
    }

    [Property(MaxTest = 300, Replay = "(7,20261207)")]
    public Property Random_bytes_are_decoded_or_rejected_never_thrown()
    {
        MessageCase[] cases = [.. MessageCases.All];
        var gen = Gen.Choose(0, cases.Length - 1).SelectMany(i => Gen.Choose(0, 1).SelectMany(order =>
            Gen.Choose(0, 300).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)).Select(payload => (i, order, payload))));
        return Prop.ForAll(Arb.From(gen), input =>
        {
            byte[] bytes = [0x00, (byte)input.order, 0x00, 0x00, .. input.payload];
            AssertDecodedOrRejected(cases[input.i], bytes);
        });
    }

    [Fact]
    public void Mutations_reach_every_rejection_a_wire_message_can_have()
    {
        var seen = new HashSet<CdrRejection>();
        var random = new Random(20261207);
        MessageCase[] cases = [.. MessageCases.All, FoxgloveReference.Unicode];
        for (int round = 0; round < 30_000; round++)
        {
            MessageCase c = cases[random.Next(cases.Length)];
            List<byte> bytes = [.. c.Serialize()];
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits; e++)
            {
                Mutate(bytes, random.Next(6), random.Next(10_000), (byte)random.Next(256));
            }

            seen.Add(AssertDecodedOrRejected(c, [.. bytes]));
        }

        // TooLarge needs a smaller limit than the default 64 MiB; every other reason comes from the bytes alone.
        Assert.Equal(Enum.GetValues<CdrRejection>().Except([CdrRejection.TooLarge]).Order(), seen.Order());
    }

    [Fact]
    public void Serializing_twist_odometry_status_and_a_marker_array_to_a_caller_buffer_allocates_nothing()
    {
        Twist twist = SampleMessages.Twist;
        Odometry odometry = SampleMessages.Odometry;
        Status status = SampleMessages.Status;
        MarkerArray markers = new([.. Enumerable.Range(0, 100).Select(i => SampleMessages.Marker with { Id = i })]);
        byte[] buffer = new byte[256 * 1024];
        var writer = new ArrayBufferWriter<byte>(256 * 1024);

        long Run(int times)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int total = 0;
            for (int i = 0; i < times; i++)
            {
                total += Twist.MessageType.Serialize(in twist, buffer);
                total += Odometry.MessageType.Serialize(in odometry, buffer);
                total += Status.MessageType.Serialize(in status, buffer);
                total += MarkerArray.MessageType.Serialize(in markers, buffer);
                writer.ResetWrittenCount();
                total += Odometry.MessageType.Serialize(in odometry, writer);
                total += Odometry.MessageType.GetSerializedSize(in odometry);
            }

            Assert.True(total > 0);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Run(3); // the thread's scratch arena grows to its steady size
        Assert.Equal(0, Run(200));
    }

    [Fact]
    public void Serialize_reports_its_size_and_refuses_a_short_buffer()
    {
        Odometry odometry = SampleMessages.Odometry;
        byte[] expected = Odometry.MessageType.Serialize(odometry);
        Assert.Equal(expected.Length, Odometry.MessageType.GetSerializedSize(odometry));
        Assert.Equal(0, expected.Length % 4);

        byte[] shortBuffer = new byte[expected.Length - 1];
        Assert.False(Odometry.MessageType.TrySerialize(odometry, shortBuffer, out int written));
        Assert.Equal(0, written);
        var e = Assert.Throws<ArgumentException>(() => Odometry.MessageType.Serialize(odometry, shortBuffer.AsSpan()));
        Assert.Contains($"needs {expected.Length}", e.Message, StringComparison.Ordinal);

        byte[] larger = new byte[expected.Length + 10];
        Assert.True(Odometry.MessageType.TrySerialize(odometry, larger, out written));
        Assert.Equal(expected, larger[..written]);
    }

    [Fact]
    public void Null_strings_and_arrays_are_sent_empty_and_come_back_empty()
    {
        var header = new Header(new Time(1, 2), null);
        Assert.Equal(new CdrWriter().I32(1).U32(2).Str("").ToPaddedArray(), Header.MessageType.Serialize(header));

        var marker = new Marker { Header = header };
        Assert.True(Marker.MessageType.Decode(Marker.MessageType.Serialize(marker), out Marker back).IsSuccess);
        Assert.Equal(Dump.Of(SampleMessages.EmptyMarker with { Header = new Header(new Time(1, 2), "") }), Dump.Of(back));
    }

    [Fact]
    public void Validate_checks_like_decode_without_building_a_value()
    {
        foreach (MessageCase c in MessageCases.All)
        {
            byte[] bytes = c.Serialize();
            Assert.True(c.Type.Validate(bytes).IsSuccess, c.Name);
            Assert.Equal(c.Decode(bytes[..^5], out _).Rejection, c.Type.Validate(bytes[..^5]).Rejection);
        }
    }

    [Fact]
    public void Threads_serialize_and_decode_at_once_each_with_its_own_scratch()
    {
        byte[] expected = Marker.MessageType.Serialize(SampleMessages.Marker);
        string dump = Dump.Of(SampleMessages.Marker);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (int i = 0; i < 200; i++)
            {
                byte[] bytes = Marker.MessageType.Serialize(SampleMessages.Marker);
                Assert.Equal(expected, bytes);
                Assert.True(Marker.MessageType.Decode(bytes, out Marker back).IsSuccess);
                Assert.Equal(dump, Dump.Of(back));
            }
        });
    }

    private static void Mutate(List<byte> bytes, int kind, int position, byte value)
    {
        int at = bytes.Count == 0 ? 0 : position % bytes.Count;
        switch (kind)
        {
            case 0 when bytes.Count > 0:
                bytes[at] = value;
                break;
            case 1:
                bytes.RemoveRange(at, bytes.Count - at); // truncate
                break;
            case 2:
                bytes.Insert(at, value);
                break;
            case 3 when bytes.Count > 0:
                bytes.RemoveAt(at);
                break;
            case 4 when bytes.Count >= 4:
                // A length or count replaced by an interesting number.
                uint[] lengths = [0, 1, 2, 3, 0x7fff_ffff, uint.MaxValue, (uint)bytes.Count, value];
                int word = at & ~3;
                byte[] b = BitConverter.GetBytes(lengths[value % lengths.Length]);
                for (int k = 0; k < 4 && word + k < bytes.Count; k++)
                {
                    bytes[word + k] = b[k];
                }

                break;
            default:
                bytes.Add(value);
                break;
        }
    }

    // Decodes; a success must survive a second round trip unchanged, a rejection must say why. Exceptions fail the test.
    private static CdrRejection AssertDecodedOrRejected(MessageCase c, byte[] bytes)
    {
        CdrDecodeResult r = c.Decode(bytes, out object? value);
        if (r.IsSuccess)
        {
            Assert.NotNull(value);
            byte[] again = c.Serialize(value);
            Assert.True(c.Decode(again, out object? back).IsSuccess, $"{c.Name}: re-serialized {Convert.ToHexString(again)} did not decode");
            Assert.Equal(Dump.Of(value), Dump.Of(back));
        }
        else
        {
            Assert.Null(value);
            Assert.False(string.IsNullOrWhiteSpace(r.Reason));
            Assert.InRange(r.Offset, 0, bytes.Length);
        }

        return r.Rejection;
    }
}
