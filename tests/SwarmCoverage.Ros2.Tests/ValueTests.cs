using SwarmCoverage.Ros2.Messages.BuiltinInterfaces;
using SwarmCoverage.Ros2.Messages.GeometryMsgs;
using SwarmCoverage.Ros2.Messages.SwarmCoverageMsgs;

namespace SwarmCoverage.Ros2.Tests;

/// <summary>Helpers on message values, QoS profiles and domain ids.</summary>
public sealed class ValueTests
{
    [Theory]
    [InlineData(0L, 0, 0u)]
    [InlineData(1_500_000_000L, 1, 500_000_000u)]
    [InlineData(-1L, -1, 999_999_999u)]
    [InlineData(-1_500_000_000L, -2, 500_000_000u)]
    public void Time_from_nanoseconds_keeps_nanosec_in_range(long ns, int sec, uint nanosec)
    {
        Time t = Time.FromNanoseconds(ns);
        Assert.Equal(new Time(sec, nanosec), t);
        Assert.Equal(ns, t.ToNanoseconds());
    }

    [Fact]
    public void Time_from_wall_clock_counts_from_the_unix_epoch()
    {
        var at = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        Time t = Time.FromDateTimeOffset(at);
        Assert.Equal(1_714_564_800, t.Sec);
        Assert.Equal(123_456_700u, t.Nanosec);
    }

    [Fact]
    public void Time_rejects_what_int32_seconds_cannot_hold() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Time.FromNanoseconds(long.MaxValue));

    [Fact]
    public void Quaternion_defaults_like_ros()
    {
        Assert.Equal(1.0, new Quaternion().W);
        Assert.Equal(0.0, default(Quaternion).W);
        Assert.Equal(1e-3, new Target().Floor);
    }

    [Fact]
    public void Yaw_matches_the_rotation_matrix_for_arbitrary_and_unnormalized_quaternions()
    {
        var random = new Random(20240501);
        for (int i = 0; i < 1000; i++)
        {
            var q = new Quaternion(random.NextDouble() - 0.5, random.NextDouble() - 0.5, random.NextDouble() - 0.5, random.NextDouble() - 0.5);
            double scale = 0.1 + (3 * random.NextDouble());
            var scaled = new Quaternion(q.X * scale, q.Y * scale, q.Z * scale, q.W * scale);

            // Naive reference: normalize, build the rotation matrix, yaw = atan2(R10, R00).
            double n = Math.Sqrt((q.X * q.X) + (q.Y * q.Y) + (q.Z * q.Z) + (q.W * q.W));
            double x = q.X / n, y = q.Y / n, z = q.Z / n, w = q.W / n;
            double r00 = 1 - (2 * ((y * y) + (z * z)));
            double r10 = 2 * ((x * y) + (w * z));
            double expected = Math.Atan2(r10, r00);

            Assert.Equal(expected, q.ToYawRad(), 1e-12);
            Assert.Equal(expected, scaled.ToYawRad(), 1e-12);
        }
    }

    [Fact]
    public void Yaw_round_trips_through_FromYaw()
    {
        for (double yaw = -Math.PI + 0.001; yaw < Math.PI; yaw += 0.01)
        {
            Assert.Equal(yaw, Quaternion.FromYaw(yaw).ToYawRad(), 1e-12);
        }
    }

    [Fact]
    public void Qos_presets_are_those_of_ros()
    {
        Assert.Equal(new RosQos(RosReliability.Reliable, RosDurability.Volatile, RosHistory.KeepLast, 10), RosQos.Default);
        Assert.Equal(new RosQos(RosReliability.BestEffort, RosDurability.Volatile, RosHistory.KeepLast, 5), RosQos.SensorData);
        Assert.Equal(new RosQos(RosReliability.Reliable, RosDurability.TransientLocal, RosHistory.KeepLast, 1), RosQos.Latched);
        Assert.Equal(new RosQos(RosReliability.BestEffort, RosDurability.Volatile, RosHistory.KeepLast, 1), RosQos.Clock);
    }

    [Fact]
    public unsafe void Qos_reaches_cyclone_as_rmw_cyclonedds_sets_it()
    {
        var cases = new (RosQos Qos, int Reliability, long MaxBlockingNs, int Durability)[]
        {
            (RosQos.Default, Interop.Libddsc.DDS_RELIABILITY_RELIABLE, 100_000_000, Interop.Libddsc.DDS_DURABILITY_VOLATILE),
            (RosQos.SensorData, Interop.Libddsc.DDS_RELIABILITY_BEST_EFFORT, 0, Interop.Libddsc.DDS_DURABILITY_VOLATILE),
            (RosQos.Latched, Interop.Libddsc.DDS_RELIABILITY_RELIABLE, 100_000_000, Interop.Libddsc.DDS_DURABILITY_TRANSIENT_LOCAL),
            (RosQos.Default with { MaxBlockingTime = TimeSpan.MaxValue }, Interop.Libddsc.DDS_RELIABILITY_RELIABLE, long.MaxValue, Interop.Libddsc.DDS_DURABILITY_VOLATILE),
        };
        foreach ((RosQos qos, int reliability, long blocking, int durability) in cases)
        {
            using Interop.DdsQosHandle native = qos.ToNative();
            int kind;
            long maxBlocking;
            Assert.Equal(1, Interop.Libddsc.dds_qget_reliability(native.Pointer, &kind, &maxBlocking));
            Assert.Equal(reliability, kind);
            Assert.Equal(blocking, maxBlocking);
            Assert.Equal(1, Interop.Libddsc.dds_qget_durability(native.Pointer, &kind));
            Assert.Equal(durability, kind);
        }
    }

    [Fact]
    public void Qos_validation_names_the_bad_value()
    {
        var e = Assert.Throws<ArgumentException>(() => (RosQos.Default with { Depth = 0 }).Validate());
        Assert.Contains("depth 0", e.Message, StringComparison.Ordinal);
        (RosQos.Default with { History = RosHistory.KeepAll, Depth = 0 }).Validate();
        Assert.Throws<ArgumentException>(() => (RosQos.Default with { MaxBlockingTime = TimeSpan.FromSeconds(-1) }).Validate());
        Assert.Throws<ArgumentException>(() => (RosQos.Default with { Reliability = (RosReliability)7 }).Validate());
    }

    [Theory]
    [InlineData(null, null, 0u)]
    [InlineData(null, "", 0u)]
    [InlineData(null, "7", 7u)]
    [InlineData(null, " 42 ", 42u)]
    [InlineData(null, "232", 232u)]
    [InlineData(3u, "42", 3u)]
    public void Domain_id_comes_from_ROS_DOMAIN_ID_unless_given(uint? explicitId, string? env, uint expected) =>
        Assert.Equal(expected, RosParticipant.ResolveDomainId(explicitId, name => name == "ROS_DOMAIN_ID" ? env : null));

    [Theory]
    [InlineData("233")]
    [InlineData("-1")]
    [InlineData("seven")]
    [InlineData("1.5")]
    public void Bad_ROS_DOMAIN_ID_is_named_in_the_error(string env)
    {
        var e = Assert.Throws<ArgumentException>(() => RosParticipant.ResolveDomainId(null, _ => env));
        Assert.Contains($"ROS_DOMAIN_ID='{env}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_domain_id_above_232_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RosParticipant.ResolveDomainId(233, _ => null));
}
