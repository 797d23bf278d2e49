namespace SwarmCoverage.Ros2;

/// <summary>
/// A libddsc call failed. <see cref="Exception.Message"/> names the call, what it was called for (topic,
/// type, domain) and Cyclone DDS's own text for the return code (<c>dds_strretcode</c>).
/// </summary>
public sealed class DdsException : Exception
{
    /// <summary>Creates an exception for a failed call.</summary>
    public DdsException(string operation, int returnCode, string? context)
        : base(FormatMessage(operation, returnCode, context))
    {
        Operation = operation;
        ReturnCode = returnCode;
    }

    /// <summary>Creates an exception with a message only (no libddsc return code).</summary>
    public DdsException(string message)
        : base(message)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public DdsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates an exception with no details.</summary>
    public DdsException()
    {
        Operation = string.Empty;
    }

    /// <summary>The C function that failed, e.g. <c>dds_create_topic</c>.</summary>
    public string Operation { get; }

    /// <summary>The negative <c>dds_return_t</c> (DDS_RETCODE_*).</summary>
    public int ReturnCode { get; }

    /// <summary>
    /// True when DDS Security refused the operation (<c>DDS_RETCODE_NOT_ALLOWED_BY_SECURITY</c>): the participant's
    /// permissions do not allow the topic, reader or writer.
    /// </summary>
    public bool IsNotAllowedBySecurity => ReturnCode == Interop.Libddsc.DDS_RETCODE_NOT_ALLOWED_BY_SECURITY;

    /// <summary>Cyclone DDS's description of the return code: what <c>dds_strretcode</c> returns.</summary>
    public string ReturnCodeText => Interop.DdsError.Describe(ReturnCode);

    private static string FormatMessage(string operation, int returnCode, string? context) =>
        context is null
            ? $"{operation} failed: {Interop.DdsError.Describe(returnCode)} ({returnCode})"
            : $"{operation} failed for {context}: {Interop.DdsError.Describe(returnCode)} ({returnCode})";
}
