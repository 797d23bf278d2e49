namespace SwarmCoverage.Mcap;

/// <summary>Record opcodes of the MCAP format (docs/mcap.md, "Records"). 0x80 and up are private records.</summary>
#pragma warning disable CA1028 // The opcode is one byte on the wire.
public enum McapOpcode : byte
#pragma warning restore CA1028
{
    Header = 0x01,
    Footer = 0x02,
    Schema = 0x03,
    Channel = 0x04,
    Message = 0x05,
    Chunk = 0x06,
    MessageIndex = 0x07,
    ChunkIndex = 0x08,
    Attachment = 0x09,
    AttachmentIndex = 0x0A,
    Statistics = 0x0B,
    Metadata = 0x0C,
    MetadataIndex = 0x0D,
    SummaryOffset = 0x0E,
    DataEnd = 0x0F,
}

internal static class McapOpcodes
{
    /// <summary>The 8 bytes a file starts and ends with: 0x89 "MCAP" '0' CR LF (major version '0').</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'M', (byte)'C', (byte)'A', (byte)'P', (byte)'0', (byte)'\r', (byte)'\n'];

    public const int MagicLength = 8;

    /// <summary>Opcode byte and uint64 content length in front of every record.</summary>
    public const int RecordPrefixLength = 9;

    /// <summary>Footer content: summary_start, summary_offset_start (uint64 each) and summary_crc (uint32).</summary>
    public const int FooterContentLength = 20;

    public static string Name(McapOpcode op) => op switch
    {
        McapOpcode.Header => "Header",
        McapOpcode.Footer => "Footer",
        McapOpcode.Schema => "Schema",
        McapOpcode.Channel => "Channel",
        McapOpcode.Message => "Message",
        McapOpcode.Chunk => "Chunk",
        McapOpcode.MessageIndex => "MessageIndex",
        McapOpcode.ChunkIndex => "ChunkIndex",
        McapOpcode.Attachment => "Attachment",
        McapOpcode.AttachmentIndex => "AttachmentIndex",
        McapOpcode.Statistics => "Statistics",
        McapOpcode.Metadata => "Metadata",
        McapOpcode.MetadataIndex => "MetadataIndex",
        McapOpcode.SummaryOffset => "SummaryOffset",
        McapOpcode.DataEnd => "DataEnd",
        _ when (byte)op >= 0x80 => "private",
        _ => "unknown",
    };
}
