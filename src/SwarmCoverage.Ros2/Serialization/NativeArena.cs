using System.Runtime.InteropServices;
using System.Text;
using SwarmCoverage.Ros2.Interop;

namespace SwarmCoverage.Ros2.Serialization;

/// <summary>
/// Scratch unmanaged memory for the strings and sequence buffers of one sample being written.
/// <c>dds_write</c> serializes synchronously, so everything allocated here is released by
/// <see cref="Reset"/> right after the write returns. After the first few writes the arena holds
/// one block large enough for a whole sample and allocates nothing more.
/// </summary>
internal sealed unsafe class NativeArena : IDisposable
{
    private const int MinimumBlockBytes = 4096;

    private byte* block;
    private nuint capacity;
    private nuint used;

    // Blocks that overflowed during the current sample; freed (and merged into one larger block) on Reset.
    private readonly List<nint> retired = [];
    private nuint overflowBytes;

    public NativeArena(int initialBytes = MinimumBlockBytes)
    {
        capacity = (nuint)Math.Max(initialBytes, 64);
        block = (byte*)NativeMemory.Alloc(capacity);
    }

    /// <summary>Bytes the arena currently owns (for tests of the steady state).</summary>
    public nuint Capacity => capacity;

    /// <summary>Returns <paramref name="bytes"/> bytes aligned to <paramref name="alignment"/> (a power of two, at most 16).</summary>
    public byte* Allocate(nuint bytes, nuint alignment)
    {
        ObjectDisposedException.ThrowIf(block is null, this);
        nuint start = (used + alignment - 1) & ~(alignment - 1);
        if (start + bytes > capacity)
        {
            // Keep the current block alive until Reset (pointers into it are in the sample), start a new one.
            retired.Add((nint)block);
            overflowBytes += capacity;
            capacity = Math.Max(capacity * 2, bytes + alignment);
            block = (byte*)NativeMemory.Alloc(capacity);
            used = 0;
            start = 0;
        }

        used = start + bytes;
        return block + start;
    }

    /// <summary>Copies <paramref name="value"/> as NUL-terminated UTF-8; null becomes the empty string.</summary>
    public byte* Utf8(string? value)
    {
        value ??= string.Empty;
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte* p = Allocate((nuint)max + 1, 1);
        int n = Encoding.UTF8.GetBytes(value, new Span<byte>(p, max));
        p[n] = 0;
        used -= (nuint)(max - n); // give back what the string did not need
        return p;
    }

    /// <summary>A sequence whose buffer is a copy of <paramref name="values"/>; <c>_release</c> is false (Cyclone must not free it).</summary>
    public DdsSequence Sequence<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        if (values.IsEmpty)
        {
            return default;
        }

        nuint bytes = (nuint)values.Length * (nuint)sizeof(T);
        byte* p = Allocate(bytes, (nuint)Math.Min(sizeof(T), 8));
        values.CopyTo(new Span<T>(p, values.Length));
        return new DdsSequence { Maximum = (uint)values.Length, Length = (uint)values.Length, Buffer = p, Release = 0 };
    }

    /// <summary>A <c>string[]</c> sequence: a buffer of pointers to NUL-terminated UTF-8 copies (null elements become empty strings).</summary>
    public DdsSequence Strings(ReadOnlySpan<string?> values)
    {
        DdsSequence sequence = UninitializedSequence(values.Length, sizeof(byte*), sizeof(byte*));
        var items = (byte**)sequence.Buffer;
        for (int i = 0; i < values.Length; i++)
        {
            items[i] = Utf8(values[i]);
        }

        return sequence;
    }

    /// <summary>A sequence of messages: each element's C sample written by <paramref name="type"/>.</summary>
    public DdsSequence Messages<T>(ReadOnlySpan<T> values, RosMessageType<T> type)
    {
        int size = type.NativeSampleSize;
        DdsSequence sequence = UninitializedSequence(values.Length, size, type.Schema.Alignment);
        for (int i = 0; i < values.Length; i++)
        {
            type.ToNative(in values[i], (byte*)sequence.Buffer + ((nint)i * size), this);
        }

        return sequence;
    }

    /// <summary>A sequence of <paramref name="count"/> zeroed elements of <paramref name="elementSize"/> bytes, to be filled by the caller.</summary>
    public DdsSequence UninitializedSequence(int count, int elementSize, int alignment)
    {
        if (count == 0)
        {
            return default;
        }

        nuint bytes = (nuint)count * (nuint)elementSize;
        byte* p = Allocate(bytes, (nuint)alignment);
        NativeMemory.Clear(p, bytes);
        return new DdsSequence { Maximum = (uint)count, Length = (uint)count, Buffer = p, Release = 0 };
    }

    /// <summary>Releases everything allocated since the last reset.</summary>
    public void Reset()
    {
        used = 0;
        if (retired.Count == 0)
        {
            return;
        }

        foreach (nint p in retired)
        {
            NativeMemory.Free((void*)p);
        }

        retired.Clear();
        NativeMemory.Free(block);
        capacity += overflowBytes;
        overflowBytes = 0;
        block = (byte*)NativeMemory.Alloc(capacity);
    }

    public void Dispose()
    {
        if (block is null)
        {
            return;
        }

        foreach (nint p in retired)
        {
            NativeMemory.Free((void*)p);
        }

        retired.Clear();
        NativeMemory.Free(block);
        block = null;
    }
}
