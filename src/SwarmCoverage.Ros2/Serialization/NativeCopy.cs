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
}
