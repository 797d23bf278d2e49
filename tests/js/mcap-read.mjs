// Reads an MCAP file with Foxglove's @mcap/core, the independent implementation the C# McapReader and
// McapWriter are checked against (docs/mcap.md, "How it is tested"), and prints what it found as JSON:
//   node mcap-read.mjs FILE
// "indexed": McapIndexedReader over @mcap/nodejs FileHandleReadable with @mcap/support's decompressors
//            (footer, summary, chunk indexes, message indexes; chunk and summary CRCs checked), or its error;
// "stream":  McapStreamReader fed the whole file (validateCrcs on: chunk CRCs), the records and chunks it returned
//            before the data ran out or an error, and whether it saw the footer and closing magic;
// "dataSectionCrc": the data section CRC computed here with @foxglove/crc against the one in DataEnd.
// Message data is given as its length and SHA-256 so that large messages stay small in the output.
import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";

import { crc32 } from "@foxglove/crc";
import { McapIndexedReader, McapStreamReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";

const file = process.argv[2];
if (!file) {
  console.error("usage: node mcap-read.mjs FILE");
  process.exit(2);
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const message = (m) => ({
  channelId: m.channelId,
  sequence: m.sequence,
  logTime: m.logTime.toString(),
  publishTime: m.publishTime.toString(),
  size: m.data.byteLength,
  sha256: sha256(m.data),
});
const schema = (s) => ({ id: s.id, name: s.name, encoding: s.encoding, sha256: sha256(s.data), size: s.data.byteLength });
const channel = (c) => ({
  id: c.id,
  schemaId: c.schemaId,
  topic: c.topic,
  messageEncoding: c.messageEncoding,
  metadata: Object.fromEntries([...c.metadata.entries()].sort()),
});

const decompressHandlers = await loadDecompressHandlers();
const out = {};

// The indexed reader: random access through the summary.
{
  const handle = await open(file, "r");
  try {
    const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers });
    const messages = [];
    for await (const m of reader.readMessages({ validateCrcs: true })) messages.push(message(m));
    const attachments = [];
    for await (const a of reader.readAttachments({ validateCrcs: true })) {
      attachments.push({ name: a.name, mediaType: a.mediaType, logTime: a.logTime.toString(), createTime: a.createTime.toString(), sha256: sha256(a.data) });
    }
    const metadata = [];
    for await (const m of reader.readMetadata()) metadata.push({ name: m.name, metadata: Object.fromEntries([...m.metadata.entries()].sort()) });
    const s = reader.statistics;
    out.indexed = {
      header: reader.header,
      footer: { summaryStart: reader.footer.summaryStart.toString(), summaryOffsetStart: reader.footer.summaryOffsetStart.toString(), summaryCrc: reader.footer.summaryCrc },
      schemas: [...reader.schemasById.values()].map(schema),
      channels: [...reader.channelsById.values()].map(channel),
      statistics: s && {
        messageCount: s.messageCount.toString(),
        schemaCount: s.schemaCount,
        channelCount: s.channelCount,
        attachmentCount: s.attachmentCount,
        metadataCount: s.metadataCount,
        chunkCount: s.chunkCount,
        messageStartTime: s.messageStartTime.toString(),
        messageEndTime: s.messageEndTime.toString(),
        channelMessageCounts: Object.fromEntries([...s.channelMessageCounts.entries()].map(([k, v]) => [k, v.toString()])),
      },
      chunkIndexes: reader.chunkIndexes.map((c) => ({
        chunkStartOffset: c.chunkStartOffset.toString(),
        chunkLength: c.chunkLength.toString(),
        compression: c.compression,
        messageStartTime: c.messageStartTime.toString(),
        messageEndTime: c.messageEndTime.toString(),
        messageIndexChannels: [...c.messageIndexOffsets.keys()],
      })),
      summaryOffsetOpcodes: [...reader.summaryOffsetsByOpcode.keys()].sort((a, b) => a - b),
      dataEndOffset: reader.dataEndOffset.toString(),
      dataSectionCrc: reader.dataSectionCrc ?? 0,
      messages,
      attachments,
      metadata,
    };
  } catch (error) {
    out.indexed = { error: String(error?.message ?? error) };
  } finally {
    await handle.close();
  }
}

const bytes = await readFile(file);

// The data section CRC, computed independently of both implementations.
if (out.indexed.dataEndOffset !== undefined) {
  const computed = crc32(bytes.subarray(0, Number(out.indexed.dataEndOffset)));
  out.dataSectionCrc = { computed, recorded: out.indexed.dataSectionCrc };
}

// The streaming reader: in file order, as a reader of a file still being written would see it.
{
  const reader = new McapStreamReader({ decompressHandlers, validateCrcs: true, includeChunks: true });
  const counts = {};
  const chunks = [];
  const messages = [];
  const channels = [];
  let header;
  let error;
  try {
    reader.append(bytes);
    for (let record; (record = reader.nextRecord()); ) {
      counts[record.type] = (counts[record.type] ?? 0) + 1;
      if (record.type === "Message") messages.push(message(record));
      else if (record.type === "Channel") channels.push(channel(record));
      else if (record.type === "Header") header = record;
      else if (record.type === "Chunk") {
        chunks.push({ compression: record.compression, uncompressedCrc: record.uncompressedCrc, uncompressedSize: record.uncompressedSize.toString(), compressedSize: record.records.byteLength });
      }
    }
  } catch (e) {
    error = String(e?.message ?? e);
  }
  out.stream = { header, done: reader.done(), bytesRemaining: reader.bytesRemaining(), error, counts, chunks, channels, messages };
}

process.stdout.write(JSON.stringify(out));
