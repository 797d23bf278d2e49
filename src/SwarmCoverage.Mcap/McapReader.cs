using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;

namespace SwarmCoverage.Mcap;

/// <summary>
/// Reads an MCAP file for replay (docs/mcap.md, "What the reader does"): the Header at construction, then
/// messages, one record at a time from the start of the stream to its end, decompressing chunks and checking
/// every CRC that is not zero. Schemas and channels are known before the first message on them (all of them
/// at once when the summary could be read first). A file that ends early is read up to its last complete
/// record and reported by <see cref="IsTruncated"/>; anything malformed, or beyond the bounds of
/// <see cref="McapReaderOptions"/>, is a <see cref="McapFormatException"/> naming the offset and record.
/// <para>Not thread-safe. A message's data is valid until the next read.</para>
/// </summary>
public sealed class McapReader : IDisposable
{
    private const int MessageFieldsLength = 2 + 4 + 8 + 8;
    private const int FooterAndMagicLength = McapOpcodes.RecordPrefixLength + McapOpcodes.FooterContentLength + McapOpcodes.MagicLength;

    private readonly Stream _stream;
    private readonly string _source;
    private readonly McapReaderOptions _options;
    private readonly long _origin;
    private readonly long _length = -1;
    private readonly byte[] _readBuffer = new byte[64 << 10];
    private int _readPosition;
    private int _readLength;
    private long _offset;
    private byte[] _record = new byte[4096];
    private int _recordLength;
    private readonly Crc32? _dataCrc;
    private readonly Crc32? _summaryCrc;
    private bool _inSummary;
    private long _summaryStartSeen;

    private readonly Dictionary<ushort, McapSchema> _schemas = [];
    private readonly Dictionary<ushort, McapChannel> _channels = [];
    private readonly List<McapMetadata> _metadata = [];
    private readonly List<McapAttachment> _attachments = [];
    private readonly ChunkDecompressor _decompressor = new();

    // Exact log-time merge across chunks (docs/mcap.md, "Reading order").
    private readonly bool _merge;
    private readonly Dictionary<long, int> _chunkByOffset = [];
    private ulong[] _suffixMinStart = [];
    private ulong _bound = ulong.MaxValue;
    private long _dataLimit = long.MaxValue;
    private readonly List<Unit> _units = [];
    private long _bufferedBytes;
    private Unit? _finished;
    private int _unitOrdinal;
    private bool _endOfData;
    private bool _disposed;

    /// <summary>Opens <paramref name="path"/> and reads its Header.</summary>
    public static McapReader Open(string path, McapReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        try
        {
            return new McapReader(stream, path, options);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the magic and Header from <paramref name="stream"/> (its current position is offset 0);
    /// <paramref name="source"/> names it in errors. When the stream is seekable, the footer and summary are
    /// read first so that channels and statistics are known up front and messages come in exact log-time order.
    /// </summary>
    public McapReader(Stream stream, string source, McapReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        if (!stream.CanRead) throw new ArgumentException("the stream is not readable", nameof(stream));
        _stream = stream;
        _source = source;
        _options = options ?? new McapReaderOptions();
        _options.Validate();
        if (_options.ValidateCrcs)
        {
            _dataCrc = new Crc32();
            _summaryCrc = new Crc32();
        }
        if (stream.CanSeek)
        {
            _origin = stream.Position;
            _length = stream.Length - _origin;
            if (ReadSummaryFirst()) _merge = _options.Order == McapReadOrder.LogTime && _chunkByOffset.Count > 0;
            stream.Position = _origin;
        }
        Header = ReadHeader();
    }

    /// <summary>The file's Header record.</summary>
    public McapHeader Header { get; }

    /// <summary>Schemas by id, as far as the file has been read (all of them up front when the summary was read first).</summary>
    public IReadOnlyDictionary<ushort, McapSchema> Schemas => _schemas;

    /// <summary>Channels by id, as far as the file has been read (all of them up front when the summary was read first).</summary>
    public IReadOnlyDictionary<ushort, McapChannel> Channels => _channels;

    /// <summary>The summary's Statistics record, when the file has one and it has been read (up front on a seekable stream).</summary>
    public McapStatistics? Statistics { get; private set; }

    /// <summary>Metadata records read so far.</summary>
    public IReadOnlyList<McapMetadata> Metadata => _metadata;

    /// <summary>Attachment records read so far.</summary>
    public IReadOnlyList<McapAttachment> Attachments => _attachments;

    /// <summary>True once the Footer and closing magic have been read.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>True once the end of the stream was reached without a Footer and closing magic.</summary>
    public bool IsTruncated { get; private set; }

    /// <summary>When truncated: the offset at which the incomplete record starts (the length of the intact part).</summary>
    public long TruncatedAt { get; private set; } = -1;

    /// <summary>True when messages come in exact log-time order across chunks (the summary's chunk indexes were read first).</summary>
    public bool IsExactLogTimeOrder => _merge;

    /// <summary>
    /// The next message, or false at the end of the data. Its channel is in <see cref="Channels"/>; its data
    /// is valid until the next call.
    /// </summary>
    public bool TryReadMessage(out McapMessage message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Release(_finished);
        _finished = null;
        for (; ; )
        {
            Unit? head = Head();
            if (head is not null && (!_merge || _endOfData || head.HeadTime <= _bound))
            {
                message = Emit(head);
                return true;
            }
            if (_endOfData)
            {
                message = default;
                return false;
            }
            ReadDataRecord();
        }
    }

    /// <summary>All remaining messages; each one's data is valid until the enumeration moves on.</summary>
    public IEnumerable<McapMessage> ReadMessages()
    {
        while (TryReadMessage(out McapMessage message)) yield return message;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Release(_finished);
        foreach (Unit unit in _units) Release(unit);
        _units.Clear();
        _decompressor.Dispose();
        if (!_options.LeaveOpen) _stream.Dispose();
    }

    // ---- the data section, one record at a time ----

    private McapHeader ReadHeader()
    {
        Span<byte> magic = stackalloc byte[McapOpcodes.MagicLength];
        int got = ReadBytes(magic);
        if (got < magic.Length || !magic.SequenceEqual(McapOpcodes.Magic))
            throw new McapFormatException(_source, 0, null, got < magic.Length ? $"only {got} bytes: not an MCAP file" : "does not start with the MCAP magic (0x89 MCAP0 CR LF): not an MCAP file");
        _dataCrc?.Append(magic);
        long at = _offset;
        if (ReadRecord(out McapOpcode opcode) != ReadStatus.Record)
            throw new McapFormatException(_source, at, null, "the file ends before the Header record is complete");
        if (opcode != McapOpcode.Header)
            throw new McapFormatException(_source, at, opcode, "the first record must be the Header");
        var f = new FieldReader(_record.AsSpan(0, _recordLength), new RecordLocation(_source, at, opcode));
        return new McapHeader(f.String("profile"), f.String("library"));
    }

    /// <summary>Reads one record of the data section and acts on it; at DataEnd, reads the summary and footer too.</summary>
    private void ReadDataRecord()
    {
        long at = _offset;
        if (at == _dataLimit)
        {
            // The footer says the summary (or the footer) starts here, and no DataEnd record came before it.
            _inSummary = true;
            _summaryStartSeen = at;
            ReadSummarySection();
            return;
        }
        ReadStatus status = ReadRecord(out McapOpcode opcode);
        if (status != ReadStatus.Record)
        {
            EndTruncated(at);
            return;
        }
        var location = new RecordLocation(_source, at, opcode);
        ReadOnlySpan<byte> content = _record.AsSpan(0, _recordLength);
        switch (opcode)
        {
            case McapOpcode.Schema:
                AddSchema(content, location);
                break;
            case McapOpcode.Channel:
                AddChannel(content, location);
                break;
            case McapOpcode.Message:
                LoadMessage(content, location);
                break;
            case McapOpcode.Chunk:
                LoadChunk(content, location);
                break;
            case McapOpcode.Attachment:
                AddAttachment(content, location);
                break;
            case McapOpcode.Metadata:
                AddMetadata(content, location);
                break;
            case McapOpcode.MessageIndex:
                break;
            case McapOpcode.DataEnd:
                {
                    var f = new FieldReader(content, location);
                    uint crc = f.U32("data_section_crc");
                    if (_dataCrc is not null && crc != 0 && crc != _dataCrc.GetCurrentHashAsUInt32())
                        throw location.Error($"data section CRC is 0x{_dataCrc.GetCurrentHashAsUInt32():X8} but the record says 0x{crc:X8}");
                    _inSummary = true;
                    _summaryStartSeen = _offset;
                    ReadSummarySection();
                    break;
                }
            case McapOpcode.Footer:
                // A file without a DataEnd record: the footer follows the data directly.
                ReadFooter(content, location);
                break;
            case McapOpcode.Header:
                throw location.Error("a second Header record");
            case McapOpcode.ChunkIndex or McapOpcode.AttachmentIndex or McapOpcode.MetadataIndex
                or McapOpcode.Statistics or McapOpcode.SummaryOffset:
                throw location.Error("this record belongs in the summary section, not before the DataEnd record");
            default:
                // Private (0x80 and up) and future records are skipped, as the format asks.
                break;
        }
    }

    private void ReadSummarySection()
    {
        for (; ; )
        {
            long at = _offset;
            ReadStatus status = ReadRecord(out McapOpcode opcode);
            if (status != ReadStatus.Record)
            {
                EndTruncated(at);
                return;
            }
            var location = new RecordLocation(_source, at, opcode);
            ReadOnlySpan<byte> content = _record.AsSpan(0, _recordLength);
            if (opcode == McapOpcode.Footer)
            {
                ReadFooter(content, location);
                return;
            }
            ReadSummaryRecord(content, location);
        }
    }

    private void ReadSummaryRecord(ReadOnlySpan<byte> content, RecordLocation location)
    {
        switch (location.Opcode)
        {
            case McapOpcode.Schema:
                AddSchema(content, location);
                break;
            case McapOpcode.Channel:
                AddChannel(content, location);
                break;
            case McapOpcode.Statistics:
                Statistics ??= ParseStatistics(content, location);
                break;
            case McapOpcode.ChunkIndex or McapOpcode.AttachmentIndex or McapOpcode.MetadataIndex or McapOpcode.SummaryOffset:
                break;
            case McapOpcode.Header or McapOpcode.Message or McapOpcode.Chunk or McapOpcode.MessageIndex
                or McapOpcode.Attachment or McapOpcode.Metadata or McapOpcode.DataEnd or McapOpcode.Footer:
                throw location.Error("this record is not allowed in the summary section");
            default:
                break;
        }
    }

    /// <summary>The Footer's content has been read (and added to the summary CRC up to its CRC field); checks it, then the closing magic.</summary>
    private void ReadFooter(ReadOnlySpan<byte> content, RecordLocation location)
    {
        if (content.Length != McapOpcodes.FooterContentLength)
            throw location.Error($"content is {content.Length} bytes, not {McapOpcodes.FooterContentLength}");
        var f = new FieldReader(content, location);
        ulong summaryStart = f.U64("summary_start");
        ulong summaryOffsetStart = f.U64("summary_offset_start");
        uint crc = f.U32("summary_crc");
        if (summaryStart != 0 && (!_inSummary || summaryStart != (ulong)_summaryStartSeen))
            throw location.Error($"summary_start {summaryStart} is not where the summary starts ({(_inSummary ? _summaryStartSeen : location.Offset)})");
        if (summaryOffsetStart != 0 && (summaryStart == 0 || summaryOffsetStart < summaryStart || summaryOffsetStart > (ulong)location.Offset))
            throw location.Error($"summary_offset_start {summaryOffsetStart} is outside the summary section");
        if (_summaryCrc is not null && crc != 0 && summaryStart != 0 && crc != _summaryCrc.GetCurrentHashAsUInt32())
            throw location.Error($"summary CRC is 0x{_summaryCrc.GetCurrentHashAsUInt32():X8} but the footer says 0x{crc:X8}");

        Span<byte> magic = stackalloc byte[McapOpcodes.MagicLength];
        long magicAt = _offset;
        int got = ReadBytes(magic);
        _endOfData = true;
        if (got < magic.Length)
        {
            EndTruncated(magicAt);
            return;
        }
        if (!magic.SequenceEqual(McapOpcodes.Magic))
            throw new McapFormatException(_source, magicAt, null, "the Footer is not followed by the closing MCAP magic");
        Span<byte> extra = stackalloc byte[1];
        if (ReadBytes(extra) != 0)
            throw new McapFormatException(_source, _offset - 1, null, "bytes follow the closing MCAP magic");
        IsComplete = true;
    }

    private void EndTruncated(long at)
    {
        _endOfData = true;
        if (!_options.AllowTruncated)
            throw new McapFormatException(_source, at, null, "the file ends before its Footer and closing magic (truncated)");
        IsTruncated = true;
        TruncatedAt = at;
    }

    private enum ReadStatus
    {
        Record,
        End,
        Truncated,
    }

    /// <summary>
    /// Reads one record's opcode and content into <see cref="_record"/>, adding its bytes to the running
    /// CRC. A record cut off by the end of the stream is <see cref="ReadStatus.Truncated"/>; its length is
    /// checked against the bytes left in the stream (when known) and the bounds before it is allocated.
    /// </summary>
    private ReadStatus ReadRecord(out McapOpcode opcode)
    {
        long at = _offset;
        Span<byte> prefix = stackalloc byte[McapOpcodes.RecordPrefixLength];
        int got = ReadBytes(prefix);
        opcode = (McapOpcode)prefix[0];
        if (got == 0) return ReadStatus.End;
        if (got < prefix.Length) return ReadStatus.Truncated;
        if (prefix[0] == 0) throw new McapFormatException(_source, at, null, "opcode 0x00 is not a valid record");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(prefix[1..]);
        long end = at + McapOpcodes.RecordPrefixLength;
        bool fits = length <= (ulong)(long.MaxValue - end);
        if (fits) end += (long)length;
        if (!_inSummary && at < _dataLimit && (!fits || end > _dataLimit))
            throw new McapFormatException(_source, at, opcode, $"content length {length} runs past the end of the data section at {_dataLimit}");
        if (_length >= 0 && (!fits || end > _length)) return ReadStatus.Truncated;
        if (length > (ulong)_options.MaxRecordSize)
            throw new McapFormatException(_source, at, opcode, $"content length {length} exceeds the reader's MaxRecordSize {_options.MaxRecordSize}");
        int count = (int)length;
        if (_length >= 0)
        {
            EnsureRecordCapacity(count);
            got = ReadBytes(_record.AsSpan(0, count));
        }
        else
        {
            // Length unknown: grow with the data that actually arrives, so a lying length costs no more than the stream holds.
            got = 0;
            while (got < count)
            {
                EnsureRecordCapacity(Math.Min(count, Math.Max(got * 2, 64 << 10)));
                int n = ReadBytes(_record.AsSpan(got, Math.Min(count, _record.Length) - got));
                if (n == 0) break;
                got += n;
            }
        }
        if (got < count) return ReadStatus.Truncated;
        _recordLength = count;
        ReadOnlySpan<byte> content = _record.AsSpan(0, count);
        if (!_inSummary)
        {
            if (opcode != McapOpcode.DataEnd && opcode != McapOpcode.Footer)
            {
                _dataCrc?.Append(prefix);
                _dataCrc?.Append(content);
            }
        }
        else if (_summaryCrc is not null)
        {
            // The summary CRC runs from the summary's start through the footer's summary_offset_start field.
            _summaryCrc.Append(prefix);
            _summaryCrc.Append(opcode == McapOpcode.Footer ? content[..Math.Min(16, count)] : content);
        }
        return ReadStatus.Record;
    }

    private void EnsureRecordCapacity(int count)
    {
        if (_record.Length < count) Array.Resize(ref _record, Math.Max(count, (int)Math.Min(Array.MaxLength, (long)_record.Length * 2)));
    }

    /// <summary>Reads up to <paramref name="destination"/>'s length from the stream; fewer bytes only at its end.</summary>
    private int ReadBytes(Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            if (_readPosition == _readLength)
            {
                int left = destination.Length - total;
                if (left >= _readBuffer.Length)
                {
                    int direct = _stream.Read(destination[total..]);
                    if (direct == 0) break;
                    total += direct;
                    continue;
                }
                _readPosition = 0;
                _readLength = _stream.Read(_readBuffer);
                if (_readLength == 0) break;
            }
            int n = Math.Min(destination.Length - total, _readLength - _readPosition);
            _readBuffer.AsSpan(_readPosition, n).CopyTo(destination[total..]);
            _readPosition += n;
            total += n;
        }
        _offset += total;
        return total;
    }

    // ---- records ----

    private void AddSchema(ReadOnlySpan<byte> content, RecordLocation location)
    {
        var f = new FieldReader(content, location);
        ushort id = f.U16("id");
        string name = f.String("name");
        string encoding = f.String("encoding");
        byte[] data = f.PrefixedBytes("data").ToArray();
        if (id == 0) return; // a Schema with id 0 is invalid and ignored, as the format says
        var schema = new McapSchema(id, name, encoding, data);
        if (_schemas.TryGetValue(id, out McapSchema? existing))
        {
            if (!existing.SameAs(schema)) throw location.Error($"schema {id} differs from an earlier Schema record with the same id");
            return;
        }
        _schemas.Add(id, schema);
    }

    private void AddChannel(ReadOnlySpan<byte> content, RecordLocation location)
    {
        var f = new FieldReader(content, location);
        ushort id = f.U16("id");
        ushort schemaId = f.U16("schema_id");
        string topic = f.String("topic");
        string encoding = f.String("message_encoding");
        Dictionary<string, string> metadata = f.StringMap("metadata");
        McapSchema? schema = null;
        if (schemaId != 0 && !_schemas.TryGetValue(schemaId, out schema))
            throw location.Error($"channel {id} ({topic}) refers to schema {schemaId}, which no earlier Schema record defines");
        var channel = new McapChannel(id, schema, topic, encoding, metadata);
        if (_channels.TryGetValue(id, out McapChannel? existing))
        {
            if (!existing.SameAs(channel)) throw location.Error($"channel {id} ({topic}) differs from an earlier Channel record with the same id");
            return;
        }
        _channels.Add(id, channel);
    }

    private void AddMetadata(ReadOnlySpan<byte> content, RecordLocation location)
    {
        var f = new FieldReader(content, location);
        string name = f.String("name");
        var values = new SortedDictionary<string, string>(f.StringMap("metadata"), StringComparer.Ordinal);
        _metadata.Add(new McapMetadata(name, values));
    }

    private void AddAttachment(ReadOnlySpan<byte> content, RecordLocation location)
    {
        var f = new FieldReader(content, location);
        ulong logTime = f.U64("log_time");
        ulong createTime = f.U64("create_time");
        string name = f.String("name");
        string mediaType = f.String("media_type");
        ReadOnlySpan<byte> data = f.LongPrefixedBytes("data");
        int crcCovers = f.Position;
        uint crc = f.U32("crc");
        if (_options.ValidateCrcs && crc != 0)
        {
            uint actual = Crc32.HashToUInt32(content[..crcCovers]);
            if (actual != crc) throw location.Error($"attachment '{name}' CRC is 0x{actual:X8} but the record says 0x{crc:X8}");
        }
        _attachments.Add(new McapAttachment(logTime, createTime, name, mediaType, data.ToArray()));
    }

    private static McapStatistics ParseStatistics(ReadOnlySpan<byte> content, RecordLocation location)
    {
        var f = new FieldReader(content, location);
        return new McapStatistics(
            f.U64("message_count"), f.U16("schema_count"), f.U32("channel_count"), f.U32("attachment_count"),
            f.U32("metadata_count"), f.U32("chunk_count"), f.U64("message_start_time"), f.U64("message_end_time"),
            f.U16U64Map("channel_message_counts"));
    }

    /// <summary>A Message record outside any chunk: a unit of one message.</summary>
    private void LoadMessage(ReadOnlySpan<byte> content, RecordLocation location)
    {
        CheckMessage(content, location);
        int size = McapOpcodes.RecordPrefixLength + content.Length;
        byte[] data = ArrayPool<byte>.Shared.Rent(size);
        data[0] = (byte)McapOpcode.Message;
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(1), (ulong)content.Length);
        content.CopyTo(data.AsSpan(McapOpcodes.RecordPrefixLength));
        Entry[] entries = ArrayPool<Entry>.Shared.Rent(1);
        entries[0] = new Entry(BinaryPrimitives.ReadUInt64LittleEndian(content[6..]), McapOpcodes.RecordPrefixLength, content.Length);
        AddUnit(new Unit(data, size, entries, 1, _unitOrdinal++), location);
    }

    private ushort CheckMessage(ReadOnlySpan<byte> content, RecordLocation location)
    {
        if (content.Length < MessageFieldsLength)
            throw location.Error($"content is {content.Length} bytes, less than the {MessageFieldsLength} of its fixed fields");
        ushort channelId = BinaryPrimitives.ReadUInt16LittleEndian(content);
        if (!_channels.ContainsKey(channelId))
            throw location.Error($"message on channel {channelId}, which no earlier Channel record defines");
        return channelId;
    }

    /// <summary>
    /// Decompresses a Chunk (bounded by <see cref="McapReaderOptions.MaxChunkSize"/> before allocating), checks
    /// its CRC, registers the schemas and channels in it and queues its messages as one unit, sorted by log
    /// time unless the order is the file's.
    /// </summary>
    private void LoadChunk(ReadOnlySpan<byte> content, RecordLocation location)
    {
        var f = new FieldReader(content, location);
        ulong startTime = f.U64("message_start_time");
        ulong endTime = f.U64("message_end_time");
        ulong uncompressedSize = f.U64("uncompressed_size");
        uint crc = f.U32("uncompressed_crc");
        string compression = f.String("compression");
        ReadOnlySpan<byte> compressed = f.LongPrefixedBytes("records");
        if (uncompressedSize > (ulong)_options.MaxChunkSize)
            throw location.Error($"uncompressed_size {uncompressedSize} exceeds the reader's MaxChunkSize {_options.MaxChunkSize}");
        if (compression is not ("" or "zstd" or "lz4"))
            throw location.Error($"unsupported compression '{compression}' (this reader knows zstd, lz4 and none)");
        if (compression == "" && uncompressedSize != (ulong)compressed.Length)
            throw location.Error($"uncompressed chunk holds {compressed.Length} bytes of records but its uncompressed_size is {uncompressedSize}");
        if (compression == "lz4" && uncompressedSize > ((ulong)compressed.Length * 256) + (64 << 10))
            throw location.Error($"uncompressed_size {uncompressedSize} is more than {compressed.Length} bytes of LZ4 can hold");
        if (compression == "zstd")
        {
            ulong frameSize;
            try
            {
                frameSize = ZstdSharp.Decompressor.GetDecompressedSize(compressed);
            }
            catch (ZstdSharp.ZstdException e)
            {
                throw location.Error($"zstd frame header is invalid: {e.Message}");
            }
            if (frameSize != 0 && frameSize != uncompressedSize)
                throw location.Error($"the zstd frame says {frameSize} bytes but uncompressed_size is {uncompressedSize}");
        }
        int size = (int)uncompressedSize;
        if (_merge)
        {
            if (!_chunkByOffset.TryGetValue(location.Offset, out int index))
                throw location.Error("this chunk is not in the summary's chunk indexes");
            _bound = _suffixMinStart[index + 1];
            if (_bufferedBytes + size > _options.MaxBufferedBytes)
                throw location.Error($"merging chunks that overlap in log time would hold more than MaxBufferedBytes ({_options.MaxBufferedBytes}) of decompressed chunks; read in file order");
        }

        byte[] records = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        Entry[]? entries = null;
        try
        {
            Span<byte> target = records.AsSpan(0, size);
            if (size > 0 || compression == "" || compressed.Length > 0)
            {
                if (_decompressor.Decompress(compression, compressed, target) is { } error) throw location.Error(error);
            }
            if (_options.ValidateCrcs && crc != 0)
            {
                uint actual = Crc32.HashToUInt32(target);
                if (actual != crc) throw location.Error($"uncompressed records have CRC 0x{actual:X8} but the chunk says 0x{crc:X8}");
            }
            entries = ArrayPool<Entry>.Shared.Rent(Math.Clamp(size / 64, 16, 1 << 16));
            int count = 0;
            int at = 0;
            while (at < size)
            {
                var inner = new RecordLocation(_source, location.Offset, McapOpcode.Chunk, at);
                if (size - at < McapOpcodes.RecordPrefixLength) throw inner.Error($"{size - at} bytes left, too few for a record");
                var opcode = (McapOpcode)target[at];
                ulong length = BinaryPrimitives.ReadUInt64LittleEndian(target[(at + 1)..]);
                int body = at + McapOpcodes.RecordPrefixLength;
                inner = inner with { Opcode = opcode };
                if (length > (ulong)(size - body)) throw inner.Error($"content length {length} runs past the end of the chunk's {size} bytes");
                ReadOnlySpan<byte> record = target.Slice(body, (int)length);
                switch (opcode)
                {
                    case McapOpcode.Message:
                        CheckMessage(record, inner);
                        ulong logTime = BinaryPrimitives.ReadUInt64LittleEndian(record[6..]);
                        if (_merge && (logTime < startTime || logTime > endTime))
                            throw inner.Error($"log_time {logTime} is outside the chunk's [{startTime}, {endTime}]");
                        if (count == entries.Length) Grow(ref entries);
                        entries[count++] = new Entry(logTime, body, (int)length);
                        break;
                    case McapOpcode.Schema:
                        AddSchema(record, inner);
                        break;
                    case McapOpcode.Channel:
                        AddChannel(record, inner);
                        break;
                    case 0:
                        throw inner.Error("opcode 0x00 is not a valid record");
                    case McapOpcode.Header or McapOpcode.Footer or McapOpcode.Chunk or McapOpcode.MessageIndex
                        or McapOpcode.ChunkIndex or McapOpcode.Attachment or McapOpcode.AttachmentIndex or McapOpcode.Statistics
                        or McapOpcode.Metadata or McapOpcode.MetadataIndex or McapOpcode.SummaryOffset or McapOpcode.DataEnd:
                        throw inner.Error("this record is not allowed inside a chunk");
                    default:
                        break;
                }
                at = body + (int)length;
            }
            if (_options.Order == McapReadOrder.LogTime) SortByLogTime(entries.AsSpan(0, count));
            var unit = new Unit(records, size, entries, count, _unitOrdinal++);
            records = null!;
            entries = null;
            AddUnit(unit, location);
        }
        finally
        {
            if (records is not null) ArrayPool<byte>.Shared.Return(records);
            if (entries is not null) ArrayPool<Entry>.Shared.Return(entries);
        }
    }

    private static void Grow(ref Entry[] entries)
    {
        Entry[] bigger = ArrayPool<Entry>.Shared.Rent(entries.Length * 2);
        entries.AsSpan().CopyTo(bigger);
        ArrayPool<Entry>.Shared.Return(entries);
        entries = bigger;
    }

    /// <summary>Stable sort by log time (ties keep file order: the offset); skipped when already in order, as a recorder writes them.</summary>
    private static void SortByLogTime(Span<Entry> entries)
    {
        for (int i = 1; i < entries.Length; i++)
        {
            if (entries[i].LogTime < entries[i - 1].LogTime)
            {
                entries.Sort(static (a, b) => a.LogTime != b.LogTime ? a.LogTime.CompareTo(b.LogTime) : a.Offset.CompareTo(b.Offset));
                return;
            }
        }
    }

    // ---- units: decompressed chunks (or single messages) whose messages are handed out in order ----

    private void AddUnit(Unit unit, RecordLocation location)
    {
        if (unit.Count == 0)
        {
            Release(unit);
            return;
        }
        _units.Add(unit);
        _bufferedBytes += unit.Length;
        if (_merge && _bufferedBytes > _options.MaxBufferedBytes)
            throw location.Error($"merging chunks that overlap in log time would hold more than MaxBufferedBytes ({_options.MaxBufferedBytes}); read in file order");
    }

    /// <summary>The unit whose next message comes first: the lowest (log time, unit order) when merging, else the oldest unit.</summary>
    private Unit? Head()
    {
        if (_units.Count == 0) return null;
        if (!_merge) return _units[0];
        Unit best = _units[0];
        for (int i = 1; i < _units.Count; i++)
            if (_units[i].HeadTime < best.HeadTime) best = _units[i];
        return best;
    }

    private McapMessage Emit(Unit unit)
    {
        Entry e = unit.Entries[unit.Next++];
        ReadOnlySpan<byte> fields = unit.Data.AsSpan(e.Offset, MessageFieldsLength);
        ushort channelId = BinaryPrimitives.ReadUInt16LittleEndian(fields);
        var message = new McapMessage(
            _channels[channelId],
            BinaryPrimitives.ReadUInt32LittleEndian(fields[2..]),
            BinaryPrimitives.ReadUInt64LittleEndian(fields[6..]),
            BinaryPrimitives.ReadUInt64LittleEndian(fields[14..]),
            new ReadOnlyMemory<byte>(unit.Data, e.Offset + MessageFieldsLength, e.Length - MessageFieldsLength));
        if (unit.Next == unit.Count)
        {
            _units.Remove(unit);
            _bufferedBytes -= unit.Length;
            _finished = unit;
        }
        return message;
    }

    private static void Release(Unit? unit)
    {
        if (unit is null || unit.Data.Length == 0) return;
        ArrayPool<byte>.Shared.Return(unit.Data);
        ArrayPool<Entry>.Shared.Return(unit.Entries);
        unit.Data = [];
    }

    private readonly record struct Entry(ulong LogTime, int Offset, int Length);

    private sealed class Unit(byte[] data, int length, Entry[] entries, int count, int ordinal)
    {
        public byte[] Data { get; set; } = data;

        public int Length { get; } = length;

        public Entry[] Entries { get; } = entries;

        public int Count { get; } = count;

        public int Ordinal { get; } = ordinal;

        public int Next { get; set; }

        public ulong HeadTime => Entries[Next].LogTime;
    }

    // ---- the summary, read first on a seekable stream ----

    /// <summary>
    /// Reads the footer at the end of a seekable stream and, if there is a summary, its schemas, channels,
    /// statistics and chunk indexes (checking the summary CRC). False when the stream does not end with a
    /// footer and magic (a truncated file: the data section is then read as it is).
    /// </summary>
    private bool ReadSummaryFirst()
    {
        if (_length < McapOpcodes.MagicLength + FooterAndMagicLength) return false;
        long footerAt = _length - FooterAndMagicLength;
        Span<byte> tail = stackalloc byte[FooterAndMagicLength];
        _stream.Position = _origin + footerAt;
        _stream.ReadExactly(tail);
        if (!tail[^McapOpcodes.MagicLength..].SequenceEqual(McapOpcodes.Magic)) return false;
        var location = new RecordLocation(_source, footerAt, McapOpcode.Footer);
        if (tail[0] != (byte)McapOpcode.Footer || BinaryPrimitives.ReadUInt64LittleEndian(tail[1..]) != McapOpcodes.FooterContentLength)
            throw new McapFormatException(_source, footerAt, null, "the closing magic is not preceded by a Footer record");
        var f = new FieldReader(tail.Slice(McapOpcodes.RecordPrefixLength, McapOpcodes.FooterContentLength), location);
        ulong summaryStart = f.U64("summary_start");
        ulong summaryOffsetStart = f.U64("summary_offset_start");
        uint crc = f.U32("summary_crc");
        if (summaryStart == 0)
        {
            _dataLimit = footerAt;
            return true;
        }
        if (summaryStart < McapOpcodes.MagicLength + McapOpcodes.RecordPrefixLength || summaryStart > (ulong)footerAt)
            throw location.Error($"summary_start {summaryStart} is outside the file");
        if (summaryOffsetStart != 0 && (summaryOffsetStart < summaryStart || summaryOffsetStart > (ulong)footerAt))
            throw location.Error($"summary_offset_start {summaryOffsetStart} is outside the summary section");
        long regionLength = footerAt - (long)summaryStart;
        if (regionLength > _options.MaxRecordSize)
            throw location.Error($"the summary section is {regionLength} bytes, more than the reader's MaxRecordSize {_options.MaxRecordSize}");
        byte[] region = new byte[regionLength];
        _stream.Position = _origin + (long)summaryStart;
        _stream.ReadExactly(region);
        if (_options.ValidateCrcs && crc != 0)
        {
            var check = new Crc32();
            check.Append(region);
            check.Append(tail[..(McapOpcodes.RecordPrefixLength + 16)]);
            if (check.GetCurrentHashAsUInt32() != crc)
                throw location.Error($"summary CRC is 0x{check.GetCurrentHashAsUInt32():X8} but the footer says 0x{crc:X8}");
        }
        _dataLimit = (long)summaryStart;

        var chunkStarts = new List<(long Offset, ulong StartTime)>();
        var later = new List<(int Start, int Length, RecordLocation Location)>();
        int at = 0;
        while (at < region.Length)
        {
            long recordAt = (long)summaryStart + at;
            if (region.Length - at < McapOpcodes.RecordPrefixLength)
                throw new McapFormatException(_source, recordAt, null, "the summary section ends inside a record");
            var opcode = (McapOpcode)region[at];
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(region.AsSpan(at + 1));
            var recordLocation = new RecordLocation(_source, recordAt, opcode);
            if (length > (ulong)(region.Length - at - McapOpcodes.RecordPrefixLength))
                throw recordLocation.Error($"content length {length} runs past the end of the summary section");
            ReadOnlySpan<byte> content = region.AsSpan(at + McapOpcodes.RecordPrefixLength, (int)length);
            at += McapOpcodes.RecordPrefixLength + (int)length;
            if (opcode == McapOpcode.ChunkIndex)
            {
                var c = new FieldReader(content, recordLocation);
                ulong startTime = c.U64("message_start_time");
                c.U64("message_end_time");
                ulong chunkStart = c.U64("chunk_start_offset");
                ulong chunkLength = c.U64("chunk_length");
                if (chunkStart < McapOpcodes.MagicLength || chunkLength > summaryStart || chunkStart > summaryStart - chunkLength)
                    throw recordLocation.Error($"chunk at {chunkStart} of {chunkLength} bytes is outside the data section");
                if (!_chunkByOffset.TryAdd((long)chunkStart, -1))
                    throw recordLocation.Error($"a second chunk index for the chunk at {chunkStart}");
                chunkStarts.Add(((long)chunkStart, startTime));
                continue;
            }
            if (opcode == McapOpcode.Footer) throw recordLocation.Error("a Footer inside the summary section");
            // Schemas first, so that channels find theirs whatever order the summary's groups are in.
            if (opcode == McapOpcode.Schema) ReadSummaryRecord(content, recordLocation);
            else later.Add((at - (int)length, (int)length, recordLocation));
        }
        foreach (var (start, length, recordLocation) in later)
            if (recordLocation.Opcode == McapOpcode.Channel) ReadSummaryRecord(region.AsSpan(start, length), recordLocation);
        foreach (var (start, length, recordLocation) in later)
            if (recordLocation.Opcode != McapOpcode.Channel) ReadSummaryRecord(region.AsSpan(start, length), recordLocation);

        chunkStarts.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        _suffixMinStart = new ulong[chunkStarts.Count + 1];
        _suffixMinStart[chunkStarts.Count] = ulong.MaxValue;
        for (int i = chunkStarts.Count - 1; i >= 0; i--)
        {
            _chunkByOffset[chunkStarts[i].Offset] = i;
            _suffixMinStart[i] = Math.Min(_suffixMinStart[i + 1], chunkStarts[i].StartTime);
        }
        _bound = _suffixMinStart[0];
        return true;
    }
}
