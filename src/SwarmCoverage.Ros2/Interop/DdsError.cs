using System.Runtime.InteropServices;

namespace SwarmCoverage.Ros2.Interop;

/// <summary>
/// The one place where libddsc return codes become exceptions (libgit2sharp's <c>Ensure</c>).
/// Nothing here allocates on success.
/// </summary>
internal static class DdsError
{
    /// <summary>Returns <paramref name="returnCode"/> when it is not negative, else throws <see cref="DdsException"/>.</summary>
    internal static int Check(int returnCode, string operation, string? context = null)
    {
        if (returnCode < 0)
        {
            Throw(returnCode, operation, context);
        }

        return returnCode;
    }

    /// <summary>Checks an entity-creating call; the result is the new entity handle.</summary>
    internal static int CheckEntity(int entity, string operation, string? context = null) => Check(entity, operation, context);

    internal static unsafe string Describe(int returnCode)
    {
        try
        {
            byte* text = Libddsc.dds_strretcode(returnCode);
            return text is null ? "unknown return code" : Marshal.PtrToStringUTF8((nint)text) ?? "unknown return code";
        }
        catch (DllNotFoundException)
        {
            return "unknown return code (libddsc not loaded)";
        }
    }

    private static void Throw(int returnCode, string operation, string? context) =>
        throw new DdsException(operation, returnCode, context);
}
