// Writes an MCAP file with Foxglove's @mcap/core McapWriter, for the C# McapReader to read
// (docs/mcap.md, "How it is tested"), and prints a JSON manifest of what it wrote:
//   node mcap-write.mjs FILE COMPRESSION CHUNKED SEED [BIG]
// COMPRESSION: none | zstd (@foxglove/wasm-zstd) | lz4 (lz4js, LZ4 frame format); CHUNKED: true | false;
// SEED: the seed of the deterministic generator of payloads and log-time jitter; BIG: add a 9 MiB message,
// which makes a chunk of more than one 4 MiB LZ4 block. Log times jitter, so messages are not in log-time
// order within or across chunks. The file is read back with McapIndexedReader before the manifest is printed.
import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";

import zstd from "@foxglove/wasm-zstd";
import { McapIndexedReader, McapStreamReader, McapWriter } from "@mcap/core";
import { FileHandleReadable, FileHandleWritable } from "@mcap/nodejs";
import { loadDecompressHandlers } from "@mcap/support";
import lz4 from "lz4js";

const [file, compression, chunkedArg, seedArg, bigArg] = process.argv.slice(2);
if (!file || !["none", "zstd", "lz4"].includes(compression) || !["true", "false"].includes(chunkedArg) || seedArg === undefined) {
  console.error("usage: node mcap-write.mjs FILE none|zstd|lz4 true|false SEED [BIG]");
  process.exit(2);
}
const chunked = chunkedArg === "true";
const big = bigArg === "BIG";

// mulberry32: a small deterministic generator, so a seed always gives the same file.
let state = Number(seedArg) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const payload = (size, compressible) => {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = compressible ? (i * 7 + (i >> 9)) & 0xff : Math.floor(random() * 256);
  return data;
};
const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

await zstd.isLoaded;
const compressChunk =
  compression === "zstd"
    ? (data) => ({ compression: "zstd", compressedData: new Uint8Array(zstd.compress(data, 3)) })
    : compression === "lz4"
      ? (data) => ({ compression: "lz4", compressedData: new Uint8Array(lz4.compress(data)) })
      : undefined;

const handle = await open(file, "w");
const writer = new McapWriter({ writable: new FileHandleWritable(handle), useChunks: chunked, chunkSize: 64 * 1024, compressChunk });
await writer.start({ profile: "ros2", library: "@mcap/core test writer" });
const text = new TextEncoder();
const schemas = [
  { name: "geometry_msgs/msg/Twist", encoding: "ros2msg", data: text.encode("Vector3 linear\nVector3 angular\n") },
  { name: "std_msgs/msg/String", encoding: "ros2msg", data: text.encode("string data\n") },
];
const schemaIds = [];
for (const s of schemas) schemaIds.push(await writer.registerSchema(s));
const channels = [];
for (let i = 0; i < 5; i++) {
  const info = {
    schemaId: i === 4 ? 0 : schemaIds[i % 2],
    topic: `/robot_${i}/cmd_vel`,
    messageEncoding: "cdr",
    metadata: new Map([["offered_qos_profiles", `- history: keep_last\n  depth: ${i + 1}\n`]]),
  };
  channels.push({ id: await writer.registerChannel(info), ...info });
}
const manifest = [];
for (let i = 0; i < 600; i++) {
  const c = channels[Math.floor(random() * channels.length)];
  const logTime = BigInt(1_000_000_000 + i * 1000 + Math.floor(random() * 6000) - 3000);
  const size = i % 97 === 0 ? 20000 : Math.floor(random() * 200);
  const data = payload(size, i % 3 === 0);
  const m = { channelId: c.id, sequence: i, logTime, publishTime: logTime + 17n, data };
  await writer.addMessage(m);
  manifest.push({ channelId: m.channelId, sequence: m.sequence, logTime: logTime.toString(), publishTime: m.publishTime.toString(), size, sha256: sha256(data) });
  if (big && i === 300) {
    const bigData = payload(9 * 1024 * 1024, true);
    const b = { channelId: channels[0].id, sequence: 100000, logTime, publishTime: logTime, data: bigData };
    await writer.addMessage(b);
    manifest.push({ channelId: b.channelId, sequence: b.sequence, logTime: logTime.toString(), publishTime: logTime.toString(), size: bigData.byteLength, sha256: sha256(bigData) });
  }
}
await writer.addMetadata({ name: "run", metadata: new Map([["seed", seedArg], ["controller", "lloyd"]]) });
const attachment = text.encode("world: square\nrobots: 5\n");
await writer.addAttachment({ name: "config.yaml", mediaType: "application/yaml", logTime: 5n, createTime: 4n, data: attachment });
await writer.end();
await handle.close();

// Read it back (indexed when chunked: unchunked messages are not indexed), so that the manifest describes a
// file that @mcap/core itself accepts.
let count = 0;
if (chunked) {
  const check = await open(file, "r");
  const reader = await McapIndexedReader.Initialize({ readable: new FileHandleReadable(check), decompressHandlers: await loadDecompressHandlers() });
  for await (const m of reader.readMessages()) count += m.channelId >= 0 ? 1 : 0;
  await check.close();
} else {
  const reader = new McapStreamReader({ validateCrcs: true });
  reader.append(await readFile(file));
  for (let record; (record = reader.nextRecord()); ) count += record.type === "Message" ? 1 : 0;
  if (!reader.done()) throw new Error("the stream reader did not reach the footer");
}
if (count !== manifest.length) throw new Error(`read back ${count} messages, wrote ${manifest.length}`);

process.stdout.write(
  JSON.stringify({
    header: { profile: "ros2", library: "@mcap/core test writer" },
    schemas: schemas.map((s, i) => ({ id: schemaIds[i], name: s.name, encoding: s.encoding, sha256: sha256(s.data) })),
    channels: channels.map((c) => ({ id: c.id, schemaId: c.schemaId, topic: c.topic, messageEncoding: c.messageEncoding, metadata: Object.fromEntries(c.metadata) })),
    messages: manifest,
    metadata: [{ name: "run", metadata: { controller: "lloyd", seed: seedArg } }],
    attachments: [{ name: "config.yaml", mediaType: "application/yaml", logTime: "5", createTime: "4", sha256: sha256(attachment) }],
  }),
);
