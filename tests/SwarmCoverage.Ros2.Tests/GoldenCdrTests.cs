using SwarmCoverage.Ros2.Tests.Infrastructure;
using SwarmCoverage.Ros2.TestPeer;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>One participant for the golden tests (local delivery: writer and reader in the same participant).</summary>
public sealed class GoldenFixture : IDisposable
{
    public GoldenFixture() => Participant = Dds.Participant(Dds.NewDomainId(), "golden");

    internal RosParticipant Participant { get; }

    public void Dispose() => Participant.Dispose();
}

/// <summary>
/// Every message type against bytes written by hand from the CDR rules (<see cref="CdrWriter"/>): Cyclone DDS must
/// serialize our sample to exactly those bytes, and must deserialize those bytes (as a foreign writer without
/// padding sends them) to our sample.
/// </summary>
public sealed class GoldenCdrTests(GoldenFixture fixture) : IClassFixture<GoldenFixture>
{
    // Payloads of SampleMessages, field by field in .msg order.
    private static readonly Dictionary<string, Func<CdrWriter, CdrWriter>> Payloads = new()
    {
        ["time"] = w => w.I32(1_700_000_123).U32(456_789_012),
        ["header"] = w => w.I32(12).U32(500_000_000).Str("robot_7/odom"),
        ["empty"] = w => w.U8(0),
        ["bool"] = w => w.Bool(true),
        ["vector3"] = w => w.F64(0.5, -1.25, 3.0),
        ["point"] = w => w.F64(1.5, 2.25, -0.125),
        ["quaternion"] = w => w.F64(0.0, 0.0, 0.6, 0.8),
        ["pose"] = w => w.F64(4.0, 3.0, 0.0, 0.0, 0.0, -0.6, 0.8),
        ["pose_stamped"] = w => w.I32(3).U32(7).Str("map").F64(1.0, -2.0, 0.5, 0.0, 0.0, 0.0, 1.0),
        ["pose_with_covariance"] = w => w.F64(4.0, 3.0, 0.0, 0.0, 0.0, -0.6, 0.8)
            .F64([.. Enumerable.Range(0, 36).Select(i => i % 7 == 0 ? 0.01 * (i + 1) : 0.0)]),
        ["twist"] = w => w.F64(0.1, 0.0, 0.0, 0.0, 0.0, -0.25),
        ["twist_stamped"] = w => w.I32(99).U32(1).Str("robot_12/base_link").F64(0.2, 0.0, 0.0, 0.0, 0.0, 1.5),
        ["twist_with_covariance"] = w => w.F64(0.1, 0.0, 0.0, 0.0, 0.0, -0.25)
            .F64([.. Enumerable.Range(0, 36).Select(i => -i * 0.5)]),
        ["odometry"] = w => w.I32(41).U32(250_000_000).Str("robot_3/odom").Str("robot_3/base_link")
            .F64(1.25, -0.5, 0.0, 0.0, 0.0, Math.Sin(0.375), Math.Cos(0.375)).F64(new double[36])
            .F64(0.15, 0.0, 0.0, 0.0, 0.0, 0.3).F64(new double[36]),
        ["map_meta_data"] = w => w.I32(5).U32(6).F32(0.05f).U32(3).U32(2).F64(-1.0, -2.0, 0.0, 0.0, 0.0, 0.0, 1.0),
        ["occupancy_grid"] = w => w.I32(8).U32(9).Str("map")
            .I32(5).U32(6).F32(0.05f).U32(3).U32(2).F64(-1.0, -2.0, 0.0, 0.0, 0.0, 0.0, 1.0)
            .U32(6).I8(0).I8(100).I8(-1).I8(50).I8(7).I8(-128),
        ["clock"] = w => w.I32(1234).U32(567_000_000),
        ["status"] = w => w.I32(60).U32(50_000_000).Str("arena").U64(1201).U32(39).U32(1)
            .F64(0.15, 0.5123, 0.0421, 0.0117, 0.21, 0.025, 0.00042).U64(0),
        ["gaussian_component"] = w => w.F64(0.6, 1.0, 1.2, 0.0, 0.5, 0.4, 0.0),
        ["target"] = w => w.I32(70).U32(0).Str("map").U8(2).U8(1)
            .F64(0.0, 0.0, 0.0, 4.0, 3.0, 0.0).F64(0.001)
            .U32(2).F64(0.6, 1.0, 1.2, 0.0, 0.5, 0.4, 0.0).F64(0.4, 3.0, 2.0, 0.0, 0.3, 0.6, 0.0)
            .U32(3).U32(1).U32(1)
            .U32(3).F64(1.0, 2.0, 0.5),
        ["tick_input"] = w => w.I32(12).U32(50_000_000).Str("arena").U64(241).I64(12_050_000_000).I64(1_000_000_000).Bool(true)
            .U32(3).U8(1, 2, 0).U32(3).U8(1, 0, 0)
            .U32(3).F64(0.5, 1.25, 0.0).U32(3).F64(0.75, -0.5, 0.0).U32(3).F64(0.0, 0.0, 0.0).U32(3).F64(0.125, -3.0, 0.0)
            .U32(3).F64(0.0, 0.6, double.PositiveInfinity),
        ["duration"] = w => w.I32(-2).U32(250_000_000),
        ["color_rgba"] = w => w.F32(0.25f, 0.5f, 1.0f, 0.75f),
        ["point_stamped"] = w => w.I32(5).U32(123).Str("map").F64(1.5, -0.25, 0.0),
        ["compressed_image"] = w => w.I32(7).U32(8).Str("cam_optical").Str("png").U32(5).U8(0x89, 0x50, 0x4e, 0x47, 0x0d),
        ["uv_coordinate"] = w => w.F32(0.125f, 0.875f),
        ["mesh_file"] = w => w.Str("robot.stl").U32(3).U8(1, 2, 3),
        ["marker"] = Marker,
        ["marker_array"] = w => Marker(w.U32(2))
            .I32(100).U32(6).Str("robot_7/base_link").Str("labels").I32(-1).I32(9).I32(3)
            .F64(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0).F64(0.0, 0.0, 0.2).F32(1, 1, 1, 1).I32(0).U32(0).Bool(false)
            .U32(0).U32(0).Str("").I32(0).U32(0).Str("").Str("").U32(0).U32(0).Str("stale").Str("").Str("").U32(0).Bool(true),
        ["log"] = w => w.I32(1_700_000_000).U32(1).U8(30).Str("swarm_coverage").Str("tick 42: 39 active, 1 stale").Str("Controller.cs").Str("Step").U32(217),
        ["parameter_type"] = w => w.U8(0),
        ["parameter_value"] = w => w.U8(8).Bool(true).I64(-9_000_000_000_000).F64(0.1).Str("eps")
            .U32(3).U8(0, 255, 7).U32(3).U8(1, 0, 1)
            .U32(3).I64(long.MinValue).I64(0).I64(long.MaxValue)
            .U32(4).F64(1.5, -0.0, double.Epsilon, double.NegativeInfinity)
            .U32(3).Str("a").Str("").Str("bcd"),
        ["parameter"] = w => Value(w.Str("control.rate_hz"), 3, doubleValue: 20.0),
        ["parameter_event"] = w => Value(w.I32(33).U32(44).Str("/swarm_coverage").U32(1).Str("control.rate_hz"), 3, doubleValue: 20.0)
            .U32(2).Do(x => Value(x.Str("frame_id"), 4, stringValue: "arena"))
            .Str("robots").Do(x => Value(x, 9, strings: ["robot_0", "robot_1"]))
            .U32(0),
        ["key_value"] = w => w.Str("robots").Str("40"),
        ["diagnostic_status"] = DiagnosticStatus,
        ["diagnostic_array"] = w => DiagnosticStatus(w.I32(9).U32(10).Str("").U32(2))
            .U8(0).Str("swarm_coverage: control").Str("ok").Str("host").U32(0),

        // MessageCases.Extended.
        ["floating_point_range"] = w => w.F64(-1.5, 2.5, 0.25),
        ["integer_range"] = w => w.I64(long.MinValue).I64(100).U64(ulong.MaxValue),
        ["parameter_descriptor"] = ControlRateDescriptor,
        ["set_parameters_result"] = w => w.Bool(false).Str("read-only"),
        ["list_parameters_result"] = ListResult,
        ["get_parameters_request"] = w => w.U32(2).Str("control.rate_hz").Str("missing"),
        ["get_parameters_response"] = w => w.U32(2).Do(x => Value(x, 3, doubleValue: 20.0)).Do(x => Value(x, 0)),
        ["set_parameters_request"] = w => Value(w.U32(1).Str("control.rate_hz"), 3, doubleValue: 20.0),
        ["set_parameters_response"] = w => w.U32(2).Bool(true).Str("").Bool(false).Str("read-only"),
        ["set_parameters_atomically_request"] = w => Value(w.U32(2).Str("control.rate_hz"), 3, doubleValue: 20.0)
            .Str("frame_id").Do(x => Value(x, 4, stringValue: "arena")),
        ["set_parameters_atomically_response"] = w => w.Bool(true).Str(""),
        ["list_parameters_request"] = w => w.U32(1).Str("control").U64(1),
        ["list_parameters_response"] = ListResult,
        ["describe_parameters_request"] = w => w.U32(1).Str("control.rate_hz"),
        ["describe_parameters_response"] = w => ControlRateDescriptor(w.U32(2))
            .Str("robots").U8(2).Str("").Str("").Bool(false).Bool(true).U32(0).U32(1).I64(1).I64(64).U64(1),
        ["get_parameter_types_request"] = w => w.U32(3).Str("control.rate_hz").Str("frame_id").Str("x"),
        ["get_parameter_types_response"] = w => w.U32(3).U8(3, 4, 0),
        ["set_bool_request"] = w => w.Bool(true),
        ["set_bool_response"] = w => w.Bool(true).Str("enabled"),
        ["trigger_request"] = w => w.U8(0),
        ["trigger_response"] = w => w.Bool(false).Str("not ready"),
        ["gid"] = w => w.U8(GidBytes(0x01)),
        ["node_entities_info"] = NodeEntities,
        ["participant_entities_info"] = w => NodeEntities(w.U8(GidBytes(0xa0)).U32(2))
            .Str("/robots").Str("robot_7").U32(0).U32(0),
    };

    // SampleMessages.ParameterDescriptor.
    private static CdrWriter ControlRateDescriptor(CdrWriter w) =>
        w.Str("control.rate_hz").U8(3).Str("Control loop rate").Str("").Bool(true).Bool(false).U32(1).F64(1.0, 100.0, 0.5).U32(0);

    private static CdrWriter ListResult(CdrWriter w) => w.U32(2).Str("control.rate_hz").Str("frame_id").U32(1).Str("control");

    // SampleMessages.NodeEntitiesInfo: char[16] gids, no alignment (octets).
    private static CdrWriter NodeEntities(CdrWriter w) =>
        w.Str("/").Str("swarm_coverage").U32(1).U8(GidBytes(0x20)).U32(2).U8(GidBytes(0x40)).U8(GidBytes(0xf8));

    private static byte[] GidBytes(byte first) => [.. Enumerable.Range(first, RosGid.Length).Select(i => (byte)i)];

    // SampleMessages.Marker, member by member.
    private static CdrWriter Marker(CdrWriter w) => w
        .I32(100).U32(5).Str("map").Str("robots").I32(7).I32(4).I32(0)
        .F64(1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 1.0) // pose
        .F64(0.05, -0.0, SampleMessages.QuietNaN) // scale
        .F32(1, 0, 0, 1) // color
        .I32(2).U32(500_000_000) // lifetime
        .Bool(true) // frame_locked
        .U32(3).F64(0, 0, 0, 1, 0.5, 0, 2, 1, double.PositiveInfinity) // points
        .U32(3).F32(1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0.5f) // colors
        .Str("") // texture_resource
        .I32(0).U32(0).Str("").Str("").U32(0) // texture: header, format, data
        .U32(3).F32(0, 0, 0.5f, 0.5f, 1, 1) // uv_coordinates
        .Str("robot_7").Str("package://swarm/mesh.dae")
        .Str("mesh.dae").U32(2).U8(9, 8) // mesh_file
        .Bool(false);

    // A ParameterValue of the given type with empty strings and sequences, except those given.
    private static CdrWriter Value(CdrWriter w, byte type, double doubleValue = 0.0, string stringValue = "", string[]? strings = null)
    {
        w.U8(type).Bool(false).I64(0).F64(doubleValue).Str(stringValue).U32(0).U32(0).U32(0).U32(0).U32((uint)(strings?.Length ?? 0));
        foreach (string s in strings ?? [])
        {
            w.Str(s);
        }

        return w;
    }

    private static CdrWriter DiagnosticStatus(CdrWriter w) =>
        w.U8(1).Str("swarm_coverage: safety").Str("2 robots stale").Str("").U32(2).Str("stale").Str("2").Str("active").Str("38");

    public static TheoryData<string> CaseNames => [.. MessageCases.Everything.Select(c => c.Name)];

    [Fact]
    public void Every_message_type_has_a_hand_computed_encoding() =>
        Assert.Equal(MessageCases.Everything.Select(c => c.Name).Order(), Payloads.Keys.Order());

    [Fact]
    public void Twist_of_the_design_note_is_52_bytes_header_and_six_little_endian_doubles()
    {
        // docs/ros2-wire.md: linear (0.1, 0, 0), angular (0, 0, -0.25).
        byte[] expected = Convert.FromHexString(
            "00010000" +
            "9A9999999999B93F" + "0000000000000000" + "0000000000000000" +
            "0000000000000000" + "0000000000000000" + "000000000000D0BF");
        Assert.Equal(52, expected.Length);
        Assert.Equal(expected, Expected("twist").ToPaddedArray());
        Assert.Equal(expected, SerializeWithCyclone(Case("twist")));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Cyclone_serializes_the_sample_to_the_hand_computed_bytes(string name)
    {
        byte[] expected = Expected(name).ToPaddedArray();
        byte[] actual = SerializeWithCyclone(Case(name));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Cyclone_deserializes_the_hand_computed_bytes_to_the_sample(string name)
    {
        MessageCase c = Case(name);
        string topic = $"/golden_in/{name}";
        using RosEndpoint pub = c.CreatePublisher(fixture.Participant, topic, RosQos.Default);
        using RosEndpoint sub = c.CreateSubscription(fixture.Participant, topic, RosQos.Default);

        // A first sample gives us the topic's sertype.
        c.PublishSample(pub);
        (_, nint serType) = RawCdr.Take((RosSubscription)sub) ?? throw new InvalidOperationException("local delivery failed");

        // As a foreign writer sends it (no trailing padding, options 0), and as Cyclone pads it.
        foreach (byte[] bytes in new[] { Expected(name).ToArray(), Expected(name).ToPaddedArray() })
        {
            RawCdr.Write((RosPublisher)pub, serType, bytes);
            string? received = c.TryTakeDump(sub);
            Assert.Equal(c.ExpectedDump, received);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Managed_codec_serializes_the_sample_to_Cyclones_bytes(string name)
    {
        MessageCase c = Case(name);
        byte[] cyclone = SerializeWithCyclone(c);
        Assert.Equal(Convert.ToHexString(cyclone), Convert.ToHexString(c.Serialize()));
        Assert.Equal(Convert.ToHexString(Expected(name).ToPaddedArray()), Convert.ToHexString(c.Serialize()));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Managed_codec_decodes_the_hand_computed_bytes_in_both_byte_orders_padded_or_not(string name)
    {
        MessageCase c = Case(name);
        foreach (bool bigEndian in new[] { false, true })
        {
            foreach (byte[] bytes in new[] { Expected(name, bigEndian).ToArray(), Expected(name, bigEndian).ToPaddedArray() })
            {
                CdrDecodeResult result = c.Decode(bytes, out object? value);
                Assert.True(result.IsSuccess, $"{Convert.ToHexString(bytes)}: {result}");
                Assert.Equal(c.ExpectedDump, Dump.Of(value));
            }
        }
    }

    /// <summary>The hand-computed serialization of the sample of <paramref name="name"/>.</summary>
    internal static CdrWriter Expected(string name, bool bigEndian = false) => Payloads[name](new CdrWriter(bigEndian));

    private static MessageCase Case(string name) => MessageCases.Everything.Single(c => c.Name == name);

    private byte[] SerializeWithCyclone(MessageCase c)
    {
        string topic = $"/golden_out/{c.Name}";
        using RosEndpoint pub = c.CreatePublisher(fixture.Participant, topic, RosQos.Default);
        using RosEndpoint sub = c.CreateSubscription(fixture.Participant, topic, RosQos.Default);
        c.PublishSample(pub);
        (byte[] bytes, _) = RawCdr.Take((RosSubscription)sub) ?? throw new InvalidOperationException($"{topic}: nothing delivered locally");
        return bytes;
    }
}
