// Reads a ROS 2 MCAP recording with Foxglove's own libraries only (@mcap/core's indexed reader, @foxglove/rosmsg's
// schema parser, @foxglove/rosmsg2-serialization's CDR reader), the way the Foxglove app opens a rosbag2 file, and
// prints JSON: the header, the metadata, per topic its schema name, message count and every decoding error, and for
// the topics asked for every decoded message (sequence, logTime, message), NaN/Infinity spelt as strings.
//   node mcap-ros2.mjs FILE [TOPIC_REGEX]
import { open } from "node:fs/promises";

import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import { McapIndexedReader } from "@mcap/core";
import { FileHandleReadable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";

const [file, pattern] = process.argv.slice(2);
if (!file) {
  console.error("usage: node mcap-ros2.mjs FILE [TOPIC_REGEX]");
  process.exit(2);
}
const keep = pattern ? new RegExp(pattern) : null;
const handle = await open(file, "r");
const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(handle), decompressHandlers: await loadDecompressHandlers() });
const readers = new Map();
const topics = {};
for (const [id, channel] of reader.channelsById) {
  const schema = reader.schemasById.get(channel.schemaId);
  const entry = { schema: schema?.name ?? null, schemaEncoding: schema?.encoding ?? null, messageEncoding: channel.messageEncoding, count: 0, errors: [] };
  topics[channel.topic] = entry;
  try {
    const text = new TextDecoder().decode(schema.data);
    readers.set(id, new MessageReader(parse(text, { ros2: true })));
  } catch (e) {
    entry.errors.push(`schema: ${e.message}`);
  }
  if (keep && keep.test(channel.topic)) entry.messages = [];
}
for await (const m of reader.readMessages({ validateCrcs: true })) {
  const channel = reader.channelsById.get(m.channelId);
  const entry = topics[channel.topic];
  entry.count++;
  const r = readers.get(m.channelId);
  if (!r) continue;
  try {
    const decoded = r.readMessage(m.data);
    if (entry.messages) entry.messages.push({ sequence: m.sequence, logTime: m.logTime.toString(), message: decoded });
  } catch (e) {
    if (entry.errors.length < 5) entry.errors.push(`message ${m.sequence}: ${e.message}`);
  }
}
const metadata = [];
for await (const md of reader.readMetadata()) metadata.push({ name: md.name, metadata: Object.fromEntries(md.metadata) });
await handle.close();
const replacer = (_, v) => (typeof v === "bigint" ? v.toString() : typeof v === "number" && !Number.isFinite(v) ? String(v) : ArrayBuffer.isView(v) ? Array.from(v) : v);
process.stdout.write(JSON.stringify({ header: reader.header, metadata, topics, statistics: { messageCount: reader.statistics?.messageCount?.toString() } }, replacer));
