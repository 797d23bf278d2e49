namespace SwarmCoverage.Sim.Sdf;

/// <summary>
/// An SDF world the simulator cannot read: malformed XML, an unknown element, a bad value or a
/// construct it does not support. The message starts with <c>file:line:</c> and names the element.
/// </summary>
public sealed class SdfFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SdfFormatException()
    {
        SourceName = string.Empty;
        ElementName = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public SdfFormatException(string message)
        : base(message)
    {
        SourceName = string.Empty;
        ElementName = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    public SdfFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        SourceName = string.Empty;
        ElementName = string.Empty;
    }

    /// <summary>Creates the exception for <paramref name="elementName"/> at <paramref name="line"/> of <paramref name="sourceName"/>.</summary>
    public SdfFormatException(string sourceName, int line, string elementName, string detail, Exception? innerException = null)
        : base($"{sourceName}:{line}: <{elementName}>: {detail}", innerException)
    {
        SourceName = sourceName;
        Line = line;
        ElementName = elementName;
    }

    /// <summary>The file (or name given to the parser).</summary>
    public string SourceName { get; }

    /// <summary>1-based line of the offending element (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>Name of the offending element.</summary>
    public string ElementName { get; }
}
