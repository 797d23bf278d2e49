namespace SwarmCoverage.Mcap;

/// <summary>
/// A file that is not valid MCAP, or that exceeds the bounds the reader was given. The message is one line
/// naming the source (usually the file path), the byte offset of the record from the start of the file, the
/// record's opcode and what is wrong; the same facts are in the properties.
/// </summary>
public sealed class McapFormatException : Exception
{
    /// <summary>Creates the exception with a message built from the parts.</summary>
    public McapFormatException(string source, long offset, McapOpcode? opcode, string detail)
        : base(Format(source, offset, opcode, detail))
    {
        Source = source;
        Offset = offset;
        Opcode = opcode;
        Detail = detail;
    }

    /// <summary>Creates the exception with a message built from the parts and the exception that caused it.</summary>
    public McapFormatException(string source, long offset, McapOpcode? opcode, string detail, Exception inner)
        : base(Format(source, offset, opcode, detail), inner)
    {
        Source = source;
        Offset = offset;
        Opcode = opcode;
        Detail = detail;
    }

    public McapFormatException() : base("invalid MCAP file") => Detail = Message;

    public McapFormatException(string message) : base(message) => Detail = message;

    public McapFormatException(string message, Exception inner) : base(message, inner) => Detail = message;

    /// <summary>The file (or other source) the record was read from.</summary>
    public new string? Source { get; }

    /// <summary>Byte offset from the start of the file of the record at fault (of the chunk, for a record inside one).</summary>
    public long Offset { get; }

    /// <summary>Opcode of the record at fault, when one was read.</summary>
    public McapOpcode? Opcode { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Detail { get; }

    private static string Format(string source, long offset, McapOpcode? opcode, string detail)
    {
        string record = opcode is { } op ? $" {McapOpcodes.Name(op)} record (opcode 0x{(byte)op:X2}):" : "";
        return $"{source}: offset {offset}:{record} {detail}";
    }
}
