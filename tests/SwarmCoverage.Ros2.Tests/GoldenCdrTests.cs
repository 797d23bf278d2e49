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
    private static readonly Dictionary<string, Func<CdrWriter>> Expected = new()
    {
        ["time"] = () => new CdrWriter().I32(1_700_000_123).U32(456_789_012),
        ["header"] = () => new CdrWriter().I32(12).U32(500_000_000).Str("robot_7/odom"),
        ["empty"] = () => new CdrWriter().U8(0),
        ["bool"] = () => new CdrWriter().Bool(true),
        ["vector3"] = () => new CdrWriter().F64(0.5, -1.25, 3.0),
        ["point"] = () => new CdrWriter().F64(1.5, 2.25, -0.125),
        ["quaternion"] = () => new CdrWriter().F64(0.0, 0.0, 0.6, 0.8),
        ["pose"] = () => new CdrWriter().F64(4.0, 3.0, 0.0, 0.0, 0.0, -0.6, 0.8),
        ["pose_stamped"] = () => new CdrWriter().I32(3).U32(7).Str("map").F64(1.0, -2.0, 0.5, 0.0, 0.0, 0.0, 1.0),
        ["pose_with_covariance"] = () => new CdrWriter().F64(4.0, 3.0, 0.0, 0.0, 0.0, -0.6, 0.8)
            .F64([.. Enumerable.Range(0, 36).Select(i => i % 7 == 0 ? 0.01 * (i + 1) : 0.0)]),
        ["twist"] = () => new CdrWriter().F64(0.1, 0.0, 0.0, 0.0, 0.0, -0.25),
        ["twist_stamped"] = () => new CdrWriter().I32(99).U32(1).Str("robot_12/base_link").F64(0.2, 0.0, 0.0, 0.0, 0.0, 1.5),
        ["twist_with_covariance"] = () => new CdrWriter().F64(0.1, 0.0, 0.0, 0.0, 0.0, -0.25)
            .F64([.. Enumerable.Range(0, 36).Select(i => -i * 0.5)]),
        ["odometry"] = () => new CdrWriter().I32(41).U32(250_000_000).Str("robot_3/odom").Str("robot_3/base_link")
            .F64(1.25, -0.5, 0.0, 0.0, 0.0, Math.Sin(0.375), Math.Cos(0.375)).F64(new double[36])
            .F64(0.15, 0.0, 0.0, 0.0, 0.0, 0.3).F64(new double[36]),
        ["map_meta_data"] = () => new CdrWriter().I32(5).U32(6).F32(0.05f).U32(3).U32(2).F64(-1.0, -2.0, 0.0, 0.0, 0.0, 0.0, 1.0),
        ["occupancy_grid"] = () => new CdrWriter().I32(8).U32(9).Str("map")
            .I32(5).U32(6).F32(0.05f).U32(3).U32(2).F64(-1.0, -2.0, 0.0, 0.0, 0.0, 0.0, 1.0)
            .U32(6).I8(0).I8(100).I8(-1).I8(50).I8(7).I8(-128),
        ["clock"] = () => new CdrWriter().I32(1234).U32(567_000_000),
        ["status"] = () => new CdrWriter().I32(60).U32(50_000_000).Str("arena").U64(1201).U32(39).U32(1)
            .F64(0.15, 0.5123, 0.0421, 0.0117, 0.21, 0.025, 0.00042),
        ["gaussian_component"] = () => new CdrWriter().F64(0.6, 1.0, 1.2, 0.0, 0.5, 0.4, 0.0),
        ["target"] = () => new CdrWriter().I32(70).U32(0).Str("map").U8(2).U8(1)
            .F64(0.0, 0.0, 0.0, 4.0, 3.0, 0.0).F64(0.001)
            .U32(2).F64(0.6, 1.0, 1.2, 0.0, 0.5, 0.4, 0.0).F64(0.4, 3.0, 2.0, 0.0, 0.3, 0.6, 0.0)
            .U32(3).U32(1).U32(1)
            .U32(3).F64(1.0, 2.0, 0.5),
    };

    public static TheoryData<string> CaseNames => [.. MessageCases.All.Select(c => c.Name)];

    [Fact]
    public void Every_message_type_has_a_hand_computed_encoding() =>
        Assert.Equal(MessageCases.All.Select(c => c.Name).Order(), Expected.Keys.Order());

    [Fact]
    public void Twist_of_the_design_note_is_52_bytes_header_and_six_little_endian_doubles()
    {
        // ros2-wire.md: linear (0.1, 0, 0), angular (0, 0, -0.25).
        byte[] expected = Convert.FromHexString(
            "00010000" +
            "9A9999999999B93F" + "0000000000000000" + "0000000000000000" +
            "0000000000000000" + "0000000000000000" + "000000000000D0BF");
        Assert.Equal(52, expected.Length);
        Assert.Equal(expected, Expected["twist"]().ToPaddedArray());
        Assert.Equal(expected, SerializeWithCyclone(Case("twist")));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Cyclone_serializes_the_sample_to_the_hand_computed_bytes(string name)
    {
        byte[] expected = Expected[name]().ToPaddedArray();
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
        foreach (byte[] bytes in new[] { Expected[name]().ToArray(), Expected[name]().ToPaddedArray() })
        {
            RawCdr.Write((RosPublisher)pub, serType, bytes);
            string? received = c.TryTakeDump(sub);
            Assert.Equal(c.ExpectedDump, received);
        }
    }

    private static MessageCase Case(string name) => MessageCases.All.Single(c => c.Name == name);

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
