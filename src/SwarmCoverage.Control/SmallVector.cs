using System.Runtime.CompilerServices;

namespace SwarmCoverage.Control;

/// <summary>Dot products of 2- and 3-component vectors, in one fixed order of operations (the filter's bits depend on it).</summary>
internal static class SmallVector
{
    /// <summary>a0 b0 + a1 b1 (+ a2 b2 when a has three components).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = a[0] * b[0] + a[1] * b[1];
        if (a.Length == 3)
        {
            s += a[2] * b[2];
        }

        return s;
    }

    /// <summary>sqrt(a . a).</summary>
    public static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));
}
