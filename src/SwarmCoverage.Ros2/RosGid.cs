using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SwarmCoverage.Ros2;

/// <summary>
/// A ROS 2 global identifier of a participant, reader or writer as rmw_dds_common's graph messages carry it: the
/// 16 bytes of a DDS GUID (12-byte prefix, 4-byte entity id). Humble sends it padded to 24 bytes; see
/// <see cref="Messages.RmwDdsCommon.ParticipantEntitiesInfo.HumbleMessageType"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct RosGid : IEquatable<RosGid>
{
    /// <summary>Bytes in a gid (a DDS GUID).</summary>
    public const int Length = 16;

    private readonly Bytes16 bytes;

    private RosGid(ReadOnlySpan<byte> source)
    {
        Bytes16 b = default;
        source.CopyTo(b);
        bytes = b;
    }

    /// <summary>The gid of exactly <see cref="Length"/> bytes <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="source"/> is not 16 bytes long.</exception>
    public static RosGid FromBytes(ReadOnlySpan<byte> source) =>
        source.Length == Length ? new RosGid(source)
        : throw new ArgumentException($"a gid is {Length} bytes, not {source.Length}", nameof(source));

    /// <summary>The 16 bytes.</summary>
    public ReadOnlySpan<byte> AsSpan() => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<Bytes16, byte>(ref Unsafe.AsRef(in bytes)), Length);

    /// <summary>Copies the 16 bytes to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 16 bytes.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"a gid needs {Length} bytes, the destination has {destination.Length}", nameof(destination));
        }

        AsSpan().CopyTo(destination);
    }

    /// <inheritdoc/>
    public bool Equals(RosGid other) => AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is RosGid other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(AsSpan());
        return hash.ToHashCode();
    }

    /// <summary>The 16 bytes as 32 lowercase hexadecimal digits, in order.</summary>
    public override string ToString() => Convert.ToHexStringLower(AsSpan());

    /// <summary>True when the two gids have the same bytes.</summary>
    public static bool operator ==(RosGid left, RosGid right) => left.Equals(right);

    /// <summary>True when the two gids differ in some byte.</summary>
    public static bool operator !=(RosGid left, RosGid right) => !left.Equals(right);

    [InlineArray(Length)]
    private struct Bytes16
    {
        private byte element;
    }
}
