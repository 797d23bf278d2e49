using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2.Serialization;

/// <summary>Copies received sequences into managed arrays, reusing the destination when its length matches.</summary>
internal static class NativeCopy
{
    public static unsafe T[] ToArray<T>(in DdsSequence sequence, T[]? reuse)
        where T : unmanaged
    {
        int n = checked((int)sequence.Length);
        if (n == 0)
        {
            return reuse is { Length: 0 } ? reuse : [];
        }

        T[] result = reuse is not null && reuse.Length == n ? reuse : new T[n];
        new ReadOnlySpan<T>(sequence.Buffer, n).CopyTo(result);
        return result;
    }

    /// <summary>A <c>string[]</c> sequence as strings (repeated ones from <paramref name="strings"/>).</summary>
    public static unsafe string[] ToStrings(in DdsSequence sequence, string[]? reuse, Utf8StringCache strings)
    {
        int n = checked((int)sequence.Length);
        if (n == 0)
        {
            return reuse is { Length: 0 } ? reuse : [];
        }

        string[] result = reuse is not null && reuse.Length == n ? reuse : new string[n];
        var items = (byte**)sequence.Buffer;
        for (int i = 0; i < n; i++)
        {
            result[i] = strings.Get(items[i]);
        }

        return result;
    }

    /// <summary>A sequence of messages read by <paramref name="type"/>, reusing the array and each element's arrays when the lengths match.</summary>
    public static unsafe T[] ToMessages<T>(in DdsSequence sequence, T[]? reuse, RosMessageType<T> type, Utf8StringCache strings)
    {
        int n = checked((int)sequence.Length);
        if (n == 0)
        {
            return reuse is { Length: 0 } ? reuse : [];
        }

        T[] result = reuse is not null && reuse.Length == n ? reuse : new T[n];
        int size = type.NativeSampleSize;
        for (int i = 0; i < n; i++)
        {
            type.FromNative((byte*)sequence.Buffer + ((nint)i * size), ref result[i], strings);
        }

        return result;
    }
}
