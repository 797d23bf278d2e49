namespace SwarmCoverage.Control;

/// <summary>Reused buffers of the control path: grown by doubling, never shrunk, so a tick allocates nothing once they fit.</summary>
internal static class Buffers
{
    /// <summary>Copies <paramref name="values"/> to the start of <paramref name="buffer"/>, growing it first if it is too short.</summary>
    public static void CopyInto(ref double[] buffer, ReadOnlySpan<double> values)
    {
        if (buffer.Length < values.Length)
        {
            buffer = new double[Math.Max(values.Length, 2 * buffer.Length)];
        }

        values.CopyTo(buffer);
    }
}
