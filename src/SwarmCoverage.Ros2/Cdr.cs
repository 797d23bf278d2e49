using SwarmCoverage.Ros2.Serialization;

namespace SwarmCoverage.Ros2;

/// <summary>Why <see cref="RosMessageType{T}.Decode(ReadOnlySpan{byte}, out T)"/> rejected a serialized message (docs/ros2-wire.md).</summary>
public enum CdrRejection
{
    /// <summary>Not rejected: the message decoded.</summary>
    None = 0,

    /// <summary>Fewer than 4 bytes: no encapsulation header.</summary>
    TooShort,

    /// <summary>The encapsulation is not plain CDR (CDR_BE <c>00 00</c> or CDR_LE <c>00 01</c>): PL_CDR, XCDR2 or unknown.</summary>
    UnsupportedEncapsulation,

    /// <summary>Longer than <see cref="CdrDecodeOptions.MaxMessageBytes"/>.</summary>
    TooLarge,

    /// <summary>A member runs past the end of the bytes.</summary>
    Truncated,

    /// <summary>A string length or sequence count needs more bytes than are left (checked before anything is allocated).</summary>
    LengthExceedsData,

    /// <summary>A string whose last byte is not NUL, or of length 0 (a CDR string length counts the NUL).</summary>
    StringNotTerminated,

    /// <summary>A string with a NUL before its terminator (ROS strings are C strings: the rest would be lost).</summary>
    StringHasEmbeddedNul,

    /// <summary>A string that is not valid UTF-8.</summary>
    StringNotUtf8,

    /// <summary>A bool byte other than 0 or 1.</summary>
    InvalidBool,

    /// <summary>More than 3 bytes after the last member (up to 3 are the final padding to a multiple of 4).</summary>
    TrailingBytes,
}

/// <summary>
/// The outcome of decoding a serialized message: success, or a <see cref="Rejection"/> with a human-readable
/// <see cref="Reason"/> naming the type, the field path and the byte offset.
/// </summary>
/// <param name="Rejection">Why it was rejected; <see cref="CdrRejection.None"/> on success.</param>
/// <param name="Reason">What was wrong and where; null on success.</param>
/// <param name="Offset">Byte offset in the message (encapsulation header included) where the problem was found.</param>
public readonly record struct CdrDecodeResult(CdrRejection Rejection, string? Reason, int Offset)
{
    /// <summary>True when the message decoded.</summary>
    public bool IsSuccess => Rejection == CdrRejection.None;

    /// <inheritdoc/>
    public override string ToString() => IsSuccess ? "decoded" : $"{Rejection}: {Reason}";
}

/// <summary>Limits of the decoder.</summary>
public sealed record CdrDecodeOptions
{
    /// <summary>64 MiB: the default <see cref="MaxMessageBytes"/>.</summary>
    public const int DefaultMaxMessageBytes = 64 * 1024 * 1024;

    /// <summary>The defaults.</summary>
    public static CdrDecodeOptions Default { get; } = new();

    /// <summary>
    /// Longest message accepted, in bytes, encapsulation header included. Memory for a decoded message is
    /// bounded by a small multiple of its size (docs/ros2-wire.md), so this bounds the memory a received message can claim.
    /// </summary>
    public int MaxMessageBytes
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 4);
            field = value;
        }
    } = DefaultMaxMessageBytes;
}

/// <summary>
/// Per-thread scratch memory of the managed codec: the C sample and its strings and sequences live in an arena
/// that is reset after every message, so serializing allocates nothing in the steady state. Freed by the
/// finalizer when the thread is gone.
/// </summary>
internal sealed class CdrScratch
{
    [ThreadStatic]
    private static CdrScratch? current;

    private CdrScratch()
    {
    }

    ~CdrScratch() => Arena.Dispose();

    public static CdrScratch Current => current ??= new CdrScratch();

    public NativeArena Arena { get; } = new(16 * 1024);

    /// <summary>Frame ids and other repeated strings of decoded messages.</summary>
    public Utf8StringCache Strings { get; } = new(16);

    /// <summary>A zeroed C sample of <paramref name="size"/> bytes in the arena.</summary>
    public unsafe byte* Sample(int size)
    {
        byte* p = Arena.Allocate((nuint)size, 16);
        new Span<byte>(p, size).Clear();
        return p;
    }
}
