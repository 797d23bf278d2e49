namespace SwarmCoverage.Ros2.Security;

/// <summary>
/// A security file is missing or wrong, or Cyclone DDS refused a participant's security configuration.
/// <see cref="Exception.Message"/> starts with the file (when one is to blame) and says why, on one line.
/// </summary>
public sealed class RosSecurityException : Exception
{
    /// <summary>Creates the exception for <paramref name="filePath"/> (null when no single file is to blame).</summary>
    public RosSecurityException(string? filePath, string reason)
        : base(filePath is null ? reason : $"{filePath}: {reason}")
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public RosSecurityException(string? filePath, string reason, Exception innerException)
        : base(filePath is null ? reason : $"{filePath}: {reason}", innerException)
    {
        FilePath = filePath;
        Reason = reason;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public RosSecurityException(string message)
        : base(message)
    {
        Reason = message;
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public RosSecurityException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>Creates an exception with no details.</summary>
    public RosSecurityException()
    {
        Reason = string.Empty;
    }

    /// <summary>The file to blame, or null.</summary>
    public string? FilePath { get; }

    /// <summary>Why, without the file name.</summary>
    public string Reason { get; }
}
