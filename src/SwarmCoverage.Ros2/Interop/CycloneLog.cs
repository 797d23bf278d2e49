using System.Runtime.InteropServices;
using System.Text;

namespace SwarmCoverage.Ros2.Interop;

/// <summary>
/// Collects what Cyclone DDS logs on the calling thread while a call runs, so that a refusal can say why
/// (the security plugins give their reasons only in the log: docs/security.md, "When Cyclone refuses").
/// The sink is process-wide: while a capture is open every message still goes to stderr as Cyclone's default
/// sink writes it, and only the messages logged on the capturing thread are kept. Captures are serialized.
/// </summary>
internal static unsafe class CycloneLog
{
    private const uint DdsLcFatal = 1u;
    private const uint DdsLcError = 2u;
    private const uint DdsLcWarning = 4u;

    private static readonly Lock Gate = new();

    [ThreadStatic]
    private static List<string>? captured;

    /// <summary>Runs <paramref name="call"/> with the sink installed; returns its result and the errors and warnings it logged.</summary>
    public static (T Result, IReadOnlyList<string> Messages) Capture<T>(Func<T> call)
    {
        lock (Gate)
        {
            var messages = new List<string>();
            captured = messages;
            Libddsc.dds_set_log_sink(&Sink, 0);
            try
            {
                return (call(), messages);
            }
            finally
            {
                Libddsc.dds_set_log_sink(null, 0);
                captured = null;
            }
        }
    }

    [UnmanagedCallersOnly]
    private static void Sink(nint userdata, DdsLogData* data)
    {
        try
        {
            string message = data->Message is null ? string.Empty : Encoding.UTF8.GetString(data->Message, checked((int)data->Size)).TrimEnd('\n');
            Console.Error.WriteLine(message);
            if (captured is { } list && (data->Priority & (DdsLcFatal | DdsLcError | DdsLcWarning)) != 0)
            {
                list.Add(message);
            }
        }
#pragma warning disable CA1031 // an exception must not unwind into libddsc
        catch (Exception)
#pragma warning restore CA1031
        {
            // nothing sensible to do inside Cyclone's logger
        }
    }
}
