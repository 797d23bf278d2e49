using System.Runtime.InteropServices;
using System.Text;

namespace SwarmCoverage.Ros2.Serialization;

/// <summary>
/// Turns NUL-terminated UTF-8 from received samples into strings without allocating when the same
/// text was seen recently: frame ids (<c>robot_0/odom</c>) repeat in every message, so the steady
/// state allocates nothing. A small round-robin table; not thread-safe (one per subscription).
/// </summary>
internal sealed unsafe class Utf8StringCache
{
    private readonly byte[][] bytes;
    private readonly string[] strings;
    private int count;
    private int next;

    public Utf8StringCache(int capacity = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        bytes = new byte[capacity][];
        strings = new string[capacity];
    }

    /// <summary>Strings decoded since creation (cache misses), for tests.</summary>
    public long Misses { get; private set; }

    public string Get(byte* utf8)
    {
        if (utf8 is null)
        {
            return string.Empty;
        }

        ReadOnlySpan<byte> text = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(utf8);
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        for (int i = 0; i < count; i++)
        {
            if (text.SequenceEqual(bytes[i]))
            {
                return strings[i];
            }
        }

        Misses++;
        string s = Encoding.UTF8.GetString(text);
        bytes[next] = text.ToArray();
        strings[next] = s;
        next = (next + 1) % bytes.Length;
        if (count < bytes.Length)
        {
            count++;
        }

        return s;
    }
}
