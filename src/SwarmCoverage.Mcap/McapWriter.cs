using System.IO.Hashing;

namespace SwarmCoverage.Mcap;

/// <summary>
/// Writes an MCAP file to a stream as it goes (docs/mcap.md, "What the writer writes"): magic and Header at
/// construction; Schema and Channel records into the current chunk when they are added, so they precede
/// every message on them; messages buffered into a chunk that is compressed and written, whole and in one
/// <see cref="Stream.Write(ReadOnlySpan{byte})"/> call, followed by its MessageIndex records, when it reaches
/// <see cref="McapWriterOptions.ChunkSize"/> or on <see cref="Flush"/>; and at <see cref="Complete"/> the
/// DataEnd record, the summary (schemas, channels, statistics, chunk/attachment/metadata indexes), the
/// SummaryOffset records, the Footer and the closing magic.
/// <para>
/// A process killed between chunks leaves a file without a footer whose complete chunks any streaming
/// reader still reads: every chunk (and every Metadata or Attachment record) is flushed through the stream
/// once written, so none waits in a stream buffer (a <see cref="FileStream"/>'s, say) for the next write.
/// That hands it to the operating system, which survives the process, not the machine. The stream need
/// not be seekable: offsets are counted, not asked of the stream.
/// </para>
/// <para>
/// Not thread-safe: one thread writes (the recorder's). <see cref="AddMessage"/> allocates nothing in steady
/// state: the chunk, compression and index buffers are reused and only grow to the largest chunk.
/// </para>
/// </summary>
public sealed class McapWriter : IDisposable
{
    /// <summary>The largest message data <see cref="AddMessage"/> accepts: 256 MiB.</summary>
    public const int MaxMessageSize = 256 << 20;

    /// <summary>channel_id, sequence, log_time, publish_time.</summary>
    private const int MessageFieldsLength = 2 + 4 + 8 + 8;

    private readonly Stream _stream;
    private readonly McapWriterOptions _options;
    private readonly ChunkCompressor _compressor;
    private readonly Crc32 _dataCrc = new();
    private readonly ByteBuffer _chunk;
    private readonly ByteBuffer _out;
    private readonly List<McapSchema> _schemas = [];
    private readonly List<ChannelState> _channels = [];
    private ChannelState?[] _channelsById = new ChannelState?[16];
    private readonly List<ChannelState> _chunkChannels = [];
    private readonly List<ChunkIndexEntry> _chunkIndexes = [];
    private readonly List<(ulong Offset, ulong Length, string Name)> _metadataIndexes = [];
    private readonly List<AttachmentIndexEntry> _attachmentIndexes = [];
    private long _position;
    private ulong _chunkStart;
    private ulong _chunkEnd;
    private int _chunkMessages;
    private ulong _messageCount;
    private ulong _messageStart;
    private ulong _messageEnd;
    private bool _completed;
    private bool _faulted;
    private bool _disposed;

    /// <summary>Starts a file on <paramref name="stream"/>: writes the magic and the Header.</summary>
    public McapWriter(Stream stream, McapWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("the stream is not writable", nameof(stream));
        _options = options ?? new McapWriterOptions();
        _options.Validate();
        _stream = stream;
        _compressor = new ChunkCompressor(_options.Compression, _options.ZstdLevel);
        int capacity = _options.ChunkSize + (_options.ChunkSize >> 3) + 1024;
        _chunk = new ByteBuffer(capacity);
        _out = new ByteBuffer(_compressor.MaximumOutputSize(capacity) + 1024);

        _out.Bytes(McapOpcodes.Magic);
        int at = _out.BeginRecord(McapOpcode.Header);
        _out.String(_options.Profile);
        _out.String(_options.Library);
        _out.EndRecord(at);
        WriteOut();
    }

    /// <summary>
    /// Creates (or overwrites) the file at <paramref name="path"/> and starts writing it; the writer owns the
    /// file (<see cref="McapWriterOptions.LeaveOpen"/> is ignored). Others may read the file while it is written.
    /// </summary>
    public static McapWriter Create(string path, McapWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options = (options ?? new McapWriterOptions()) with { LeaveOpen = false };
        options.Validate();
        // No FileStream buffer: the writer hands it whole record groups, so one would only copy them.
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete, 0);
        try
        {
            return new McapWriter(stream, options);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Bytes written to the stream so far (the offset of the next record).</summary>
    public long Position => _position;

    /// <summary>Messages added so far.</summary>
    public ulong MessageCount => _messageCount;

    /// <summary>Chunks written to the stream so far.</summary>
    public int ChunkCount => _chunkIndexes.Count;

    /// <summary>
    /// Adds a schema; returns its id (1, 2, ...). For ROS 2: name "pkg/msg/Type", encoding "ros2msg" and the
    /// concatenated .msg text as data.
    /// </summary>
    public ushort AddSchema(string name, string encoding, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(encoding);
        EnsureWritable();
        if (_schemas.Count >= ushort.MaxValue) throw new InvalidOperationException("an MCAP file holds at most 65535 schemas");
        var schema = new McapSchema((ushort)(_schemas.Count + 1), name, encoding, data.ToArray());
        _schemas.Add(schema);
        WriteSchema(_chunk, schema);
        return schema.Id;
    }

    /// <summary>
    /// Adds a channel on <paramref name="schemaId"/> (0 for none, else a value <see cref="AddSchema"/> returned);
    /// returns its id (1, 2, ...). For ROS 2: message encoding "cdr" and metadata "offered_qos_profiles".
    /// </summary>
    public ushort AddChannel(ushort schemaId, string topic, string messageEncoding, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(messageEncoding);
        EnsureWritable();
        if (schemaId > _schemas.Count) throw new ArgumentOutOfRangeException(nameof(schemaId), schemaId, "no schema has this id");
        if (_channels.Count >= ushort.MaxValue) throw new InvalidOperationException("an MCAP file holds at most 65535 channels");
        ushort id = (ushort)(_channels.Count + 1);
        var channel = new McapChannel(id, schemaId == 0 ? null : _schemas[schemaId - 1], topic, messageEncoding, metadata);
        var state = new ChannelState(channel);
        _channels.Add(state);
        if (id >= _channelsById.Length) Array.Resize(ref _channelsById, Math.Min(65536, _channelsById.Length * 2));
        _channelsById[id] = state;
        WriteChannel(_chunk, channel);
        return id;
    }

    /// <summary>
    /// Adds one message to the current chunk; writes the chunk once it is full. Times are nanoseconds in the
    /// recorder's epoch; messages may be added in any time order (readers sort by log time).
    /// </summary>
    public void AddMessage(ushort channelId, uint sequence, ulong logTime, ulong publishTime, ReadOnlySpan<byte> data)
    {
        EnsureWritable();
        ChannelState? state = channelId < _channelsById.Length ? _channelsById[channelId] : null;
        if (state is null) throw new ArgumentOutOfRangeException(nameof(channelId), channelId, "no channel has this id");

        if (data.Length > MaxMessageSize)
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, $"a message holds at most {MaxMessageSize} bytes");
        // A message that would overflow the chunk starts a new one, so a large message gets a chunk of its own.
        int recordLength = McapOpcodes.RecordPrefixLength + MessageFieldsLength + data.Length;
        if (_chunkMessages > 0 && _chunk.Length + recordLength > _options.ChunkSize) WriteChunk();

        ulong offset = (ulong)_chunk.Length;
        int at = _chunk.BeginRecord(McapOpcode.Message);
        _chunk.U16(channelId);
        _chunk.U32(sequence);
        _chunk.U64(logTime);
        _chunk.U64(publishTime);
        _chunk.Bytes(data);
        _chunk.EndRecord(at);

        if (state.IndexCount == 0) _chunkChannels.Add(state);
        state.AddIndex(logTime, offset);
        state.MessageCount++;
        if (_chunkMessages == 0 || logTime < _chunkStart) _chunkStart = logTime;
        if (_chunkMessages == 0 || logTime > _chunkEnd) _chunkEnd = logTime;
        _chunkMessages++;
        if (_messageCount == 0 || logTime < _messageStart) _messageStart = logTime;
        if (_messageCount == 0 || logTime > _messageEnd) _messageEnd = logTime;
        _messageCount++;

        if (_chunk.Length >= _options.ChunkSize) WriteChunk();
    }

    /// <summary>
    /// Writes a Metadata record (outside chunks, as the format requires) and indexes it in the summary.
    /// Keys are written in ordinal order.
    /// </summary>
    public void AddMetadata(string name, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        EnsureWritable();
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in values) sorted[k] = v;
        _out.Reset();
        int at = _out.BeginRecord(McapOpcode.Metadata);
        _out.String(name);
        _out.StringMap([.. sorted]);
        _out.EndRecord(at);
        _metadataIndexes.Add(((ulong)_position, (ulong)_out.Length, name));
        WriteOut();
    }

    /// <summary>Writes an Attachment record (outside chunks) with its CRC, and indexes it in the summary.</summary>
    public void AddAttachment(string name, string mediaType, ulong logTime, ulong createTime, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(mediaType);
        EnsureWritable();
        _out.Reset();
        int at = _out.BeginRecord(McapOpcode.Attachment);
        int fieldsStart = _out.Length;
        _out.U64(logTime);
        _out.U64(createTime);
        _out.String(name);
        _out.String(mediaType);
        _out.U64((ulong)data.Length);
        _out.Bytes(data);
        _out.U32(Crc32.HashToUInt32(_out.Span[fieldsStart..]));
        _out.EndRecord(at);
        _attachmentIndexes.Add(new AttachmentIndexEntry((ulong)_position, (ulong)_out.Length, logTime, createTime, (ulong)data.Length, name, mediaType));
        WriteOut();
    }

    /// <summary>
    /// Writes the current chunk (if it holds any record) and flushes the stream, so that everything added so
    /// far survives the process being killed (not a power loss: that needs <see cref="FileStream.Flush(bool)"/>). Calling it after every control tick makes chunks small; a
    /// recorder would call it every second or so.
    /// </summary>
    public void Flush()
    {
        EnsureWritable();
        WriteChunk();
        Flush(_stream);
    }

    /// <summary>
    /// Writes the last chunk, the DataEnd record, the summary, the summary offsets, the footer and the closing
    /// magic, and flushes. Nothing can be added afterwards.
    /// </summary>
    public void Complete()
    {
        EnsureWritable();
        WriteChunk();

        _out.Reset();
        int at = _out.BeginRecord(McapOpcode.DataEnd);
        _out.U32(_dataCrc.GetCurrentHashAsUInt32());
        _out.EndRecord(at);
        WriteOut();

        // The summary, grouped by opcode; Channels precede Statistics since it counts messages per channel.
        ulong summaryStart = (ulong)_position;
        var groups = new List<(McapOpcode Opcode, ulong Start, ulong Length)>();
        _out.Reset();
        void Group(McapOpcode opcode, int start)
        {
            if (_out.Length > start) groups.Add((opcode, summaryStart + (ulong)start, (ulong)(_out.Length - start)));
        }

        int groupStart = _out.Length;
        foreach (var schema in _schemas) WriteSchema(_out, schema);
        Group(McapOpcode.Schema, groupStart);

        groupStart = _out.Length;
        foreach (var state in _channels) WriteChannel(_out, state.Channel);
        Group(McapOpcode.Channel, groupStart);

        groupStart = _out.Length;
        at = _out.BeginRecord(McapOpcode.Statistics);
        _out.U64(_messageCount);
        _out.U16((ushort)_schemas.Count);
        _out.U32((uint)_channels.Count);
        _out.U32((uint)_attachmentIndexes.Count);
        _out.U32((uint)_metadataIndexes.Count);
        _out.U32((uint)_chunkIndexes.Count);
        _out.U64(_messageCount == 0 ? 0 : _messageStart);
        _out.U64(_messageCount == 0 ? 0 : _messageEnd);
        int mapAt = _out.BeginU32Length();
        foreach (var state in _channels)
        {
            _out.U16(state.Channel.Id);
            _out.U64(state.MessageCount);
        }
        _out.EndU32Length(mapAt);
        _out.EndRecord(at);
        Group(McapOpcode.Statistics, groupStart);

        groupStart = _out.Length;
        foreach (var chunk in _chunkIndexes)
        {
            at = _out.BeginRecord(McapOpcode.ChunkIndex);
            _out.U64(chunk.MessageStartTime);
            _out.U64(chunk.MessageEndTime);
            _out.U64(chunk.ChunkStart);
            _out.U64(chunk.ChunkLength);
            mapAt = _out.BeginU32Length();
            foreach (var (channelId, offset) in chunk.MessageIndexOffsets)
            {
                _out.U16(channelId);
                _out.U64(offset);
            }
            _out.EndU32Length(mapAt);
            _out.U64(chunk.MessageIndexLength);
            _out.String(_compressor.Name);
            _out.U64(chunk.CompressedSize);
            _out.U64(chunk.UncompressedSize);
            _out.EndRecord(at);
        }
        Group(McapOpcode.ChunkIndex, groupStart);

        groupStart = _out.Length;
        foreach (var a in _attachmentIndexes)
        {
            at = _out.BeginRecord(McapOpcode.AttachmentIndex);
            _out.U64(a.Offset);
            _out.U64(a.Length);
            _out.U64(a.LogTime);
            _out.U64(a.CreateTime);
            _out.U64(a.DataSize);
            _out.String(a.Name);
            _out.String(a.MediaType);
            _out.EndRecord(at);
        }
        Group(McapOpcode.AttachmentIndex, groupStart);

        groupStart = _out.Length;
        foreach (var (offset, length, name) in _metadataIndexes)
        {
            at = _out.BeginRecord(McapOpcode.MetadataIndex);
            _out.U64(offset);
            _out.U64(length);
            _out.String(name);
            _out.EndRecord(at);
        }
        Group(McapOpcode.MetadataIndex, groupStart);

        ulong summaryOffsetStart = summaryStart + (ulong)_out.Length;
        foreach (var (opcode, start, length) in groups)
        {
            at = _out.BeginRecord(McapOpcode.SummaryOffset);
            _out.U8((byte)opcode);
            _out.U64(start);
            _out.U64(length);
            _out.EndRecord(at);
        }

        // The summary CRC covers the summary, the summary offsets and the footer up to its CRC field.
        _out.U8((byte)McapOpcode.Footer);
        _out.U64(McapOpcodes.FooterContentLength);
        _out.U64(summaryStart);
        _out.U64(groups.Count == 0 ? 0 : summaryOffsetStart);
        _out.U32(Crc32.HashToUInt32(_out.Span));
        _out.Bytes(McapOpcodes.Magic);
        WriteOut();
        Flush(_stream);
        _completed = true;
    }

    /// <summary>
    /// Completes the file if it is not completed yet (unless a write to the stream failed before, since the
    /// file is then broken anyway), then closes the stream unless <see cref="McapWriterOptions.LeaveOpen"/>.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            if (!_completed && !_faulted) Complete();
        }
        finally
        {
            _disposed = true;
            _compressor.Dispose();
            if (!_options.LeaveOpen) _stream.Dispose();
        }
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed) throw new InvalidOperationException("the MCAP file is already completed");
        if (_faulted) throw new InvalidOperationException("an earlier write to the stream failed; the MCAP file is incomplete");
    }

    private static void WriteSchema(ByteBuffer buffer, McapSchema schema)
    {
        int at = buffer.BeginRecord(McapOpcode.Schema);
        buffer.U16(schema.Id);
        buffer.String(schema.Name);
        buffer.String(schema.Encoding);
        buffer.PrefixedBytes(schema.Data.Span);
        buffer.EndRecord(at);
    }

    private static void WriteChannel(ByteBuffer buffer, McapChannel channel)
    {
        int at = buffer.BeginRecord(McapOpcode.Channel);
        buffer.U16(channel.Id);
        buffer.U16(channel.SchemaId);
        buffer.String(channel.Topic);
        buffer.String(channel.MessageEncoding);
        buffer.StringMap(channel.MetadataEntries);
        buffer.EndRecord(at);
    }

    /// <summary>
    /// Compresses the buffered records into a Chunk record, appends one MessageIndex record per channel with
    /// messages in the chunk (ascending channel id), and writes both in one call. Nothing is written for an
    /// empty chunk.
    /// </summary>
    private void WriteChunk()
    {
        if (_chunk.Length == 0) return;
        ReadOnlySpan<byte> records = _chunk.Span;
        ulong chunkStart = (ulong)_position;
        _out.Reset();
        int at = _out.BeginRecord(McapOpcode.Chunk);
        _out.U64(_chunkMessages == 0 ? 0 : _chunkStart);
        _out.U64(_chunkMessages == 0 ? 0 : _chunkEnd);
        _out.U64((ulong)records.Length);
        _out.U32(Crc32.HashToUInt32(records));
        _out.String(_compressor.Name);
        int sizeAt = _out.Length;
        _out.U64(0);
        int compressed = _compressor.Compress(records, _out.GetSpan(_compressor.MaximumOutputSize(records.Length)));
        _out.Advance(compressed);
        _out.PatchU64(sizeAt, (ulong)compressed);
        _out.EndRecord(at);
        ulong chunkLength = (ulong)_out.Length;

        _chunkChannels.Sort(static (a, b) => a.Channel.Id.CompareTo(b.Channel.Id));
        var offsets = new KeyValuePair<ushort, ulong>[_chunkChannels.Count];
        for (int i = 0; i < _chunkChannels.Count; i++)
        {
            ChannelState state = _chunkChannels[i];
            offsets[i] = new(state.Channel.Id, chunkStart + (ulong)_out.Length);
            at = _out.BeginRecord(McapOpcode.MessageIndex);
            _out.U16(state.Channel.Id);
            int arrayAt = _out.BeginU32Length();
            ReadOnlySpan<ulong> entries = state.Index;
            for (int k = 0; k < entries.Length; k++) _out.U64(entries[k]);
            _out.EndU32Length(arrayAt);
            _out.EndRecord(at);
            state.ClearIndex();
        }
        _chunkIndexes.Add(new ChunkIndexEntry(
            _chunkMessages == 0 ? 0 : _chunkStart, _chunkMessages == 0 ? 0 : _chunkEnd,
            chunkStart, chunkLength, offsets, (ulong)_out.Length - chunkLength, (ulong)compressed, (ulong)records.Length));
        WriteOut();
        _chunk.Reset();
        _chunkChannels.Clear();
        _chunkMessages = 0;
    }

    /// <summary>
    /// Writes <see cref="_out"/> to the stream in one call and flushes it through to the operating system, adding
    /// it to the data CRC and the position.
    /// </summary>
    private void WriteOut()
    {
        ReadOnlySpan<byte> bytes = _out.Span;
        try
        {
            _stream.Write(bytes);
            _stream.Flush();
        }
        catch
        {
            _faulted = true;
            throw;
        }
        _dataCrc.Append(bytes);
        _position += bytes.Length;
        _out.Reset();
    }

    private void Flush(Stream stream)
    {
        try
        {
            stream.Flush();
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <summary>A channel and the MessageIndex entries (log time, offset pairs) of the current chunk.</summary>
    private sealed class ChannelState(McapChannel channel)
    {
        private ulong[] _index = new ulong[32];

        public McapChannel Channel { get; } = channel;

        public ulong MessageCount { get; set; }

        public int IndexCount { get; private set; }

        public ReadOnlySpan<ulong> Index => _index.AsSpan(0, IndexCount * 2);

        public void AddIndex(ulong logTime, ulong offset)
        {
            if ((IndexCount + 1) * 2 > _index.Length) Array.Resize(ref _index, _index.Length * 2);
            _index[IndexCount * 2] = logTime;
            _index[(IndexCount * 2) + 1] = offset;
            IndexCount++;
        }

        public void ClearIndex() => IndexCount = 0;
    }

    private sealed record ChunkIndexEntry(
        ulong MessageStartTime, ulong MessageEndTime, ulong ChunkStart, ulong ChunkLength,
        KeyValuePair<ushort, ulong>[] MessageIndexOffsets, ulong MessageIndexLength, ulong CompressedSize, ulong UncompressedSize);

    private sealed record AttachmentIndexEntry(ulong Offset, ulong Length, ulong LogTime, ulong CreateTime, ulong DataSize, string Name, string MediaType);
}
