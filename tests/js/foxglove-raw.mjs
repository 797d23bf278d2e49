// A raw ws client for the xunit tests (tests/SwarmCoverage.Foxglove.Tests): usage `node foxglove-raw.mjs URL`
// with FOXGLOVE_PROTOCOLS the comma-separated subprotocols to offer (default foxglove.sdk.v1; empty: none).
// It decodes server messages with its own reading of the protocol (JSON text; binary opcode 1 Message Data:
// u32 subscription id, u64 log time, payload; opcode 2 Time: u64), sends raw frames on command (also malformed
// and oversized ones, and seeded random ones), and can stop reading its socket ("pause") to play a slow client.
import WebSocket from "ws";
import { emit, exitAfterFlush, hex, fromHex, onCommands, random, sequenceOf, watchdog } from "./foxglove-common.mjs";

watchdog(Number(process.env.FOXGLOVE_WATCHDOG ?? 60));
const url = process.argv[2];
const offered = process.env.FOXGLOVE_PROTOCOLS ?? "foxglove.sdk.v1";
const protocols = offered === "" ? [] : offered.split(",");
const quiet = process.env.FOXGLOVE_QUIET === "1";
const ws = new WebSocket(url, protocols);
const sequences = [];
let messages = 0;
let sentBytes = 0;

ws.on("unexpected-response", (_req, res) => {
  let body = "";
  res.on("data", (d) => (body += d));
  res.on("end", () => {
    emit("http", { status: res.statusCode, body });
    exitAfterFlush(0);
  });
});
ws.on("open", () => emit("open", { protocol: ws.protocol }));
ws.on("error", (e) => emit("error", { message: String(e?.message ?? e) }));
ws.on("close", (code, reason) => {
  emit("close", { code, reason: reason.toString() });
  exitAfterFlush(0);
});
ws.on("message", (data, isBinary) => {
  if (!isBinary) {
    emit("json", { message: JSON.parse(data.toString("utf8")) });
    return;
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const op = bytes[0];
  if (op === 1 && bytes.byteLength >= 13) {
    messages++;
    const payload = bytes.subarray(13);
    if (quiet) sequences.push(sequenceOf(payload));
    else emit("messageData", { subscriptionId: view.getUint32(1, true), timestamp: view.getBigUint64(5, true), payload: hex(payload) });
  } else if (op === 2 && bytes.byteLength === 9) {
    emit("time", { timestamp: view.getBigUint64(1, true) });
  } else {
    emit("unknownBinary", { hex: hex(bytes) });
  }
});

function send(data) {
  sentBytes += data.length ?? data.byteLength;
  ws.send(data);
}

/** A random frame: often a valid message with fields changed, sometimes bytes. */
function fuzzFrame(next) {
  const ops = ["subscribe", "unsubscribe", "advertise", "unadvertise", "getParameters", "setParameters",
    "subscribeParameterUpdates", "unsubscribeParameterUpdates", "fetchAsset", "nonsense"];
  const values = [null, true, 0, -1, 1.5, 4294967296, "x", "", [], [1, "a"], {}, { id: 1 }, [[1]], 1e308];
  const pick = (a) => a[Math.floor(next() * a.length)];
  const kind = next();
  if (kind < 0.6) {
    const m = { op: pick(ops) };
    for (const f of ["subscriptions", "subscriptionIds", "channels", "channelIds", "parameterNames", "parameters", "id"]) {
      if (next() < 0.4) m[f] = next() < 0.5 ? pick(values) : [pick(values), { id: pick(values), channelId: pick(values), name: pick(values), value: pick(values), type: pick(["float64", "byte_array", "float64_array", "bogus", 3]) }];
    }
    return JSON.stringify(m);
  }
  if (kind < 0.8) {
    const text = JSON.stringify({ op: pick(ops), subscriptions: [{ id: 1, channelId: 1 }] });
    const cut = Math.floor(next() * text.length);
    return text.slice(0, cut) + pick(["", "}", "\"", "[", "\\"]);
  }
  const length = Math.floor(next() * 24);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  if (length > 0 && next() < 0.5) bytes[0] = pick([0, 1, 2, 3, 255]);
  return bytes;
}

onCommands(async (c) => {
  switch (c.cmd) {
    case "json":
      send(JSON.stringify(c.value));
      break;
    case "text":
      send(c.data);
      break;
    case "binary":
      send(fromHex(c.hex));
      break;
    case "textOfSize": {
      // A valid getParameters of exactly c.size bytes (one long ASCII name).
      const base = JSON.stringify({ op: "getParameters", parameterNames: [""] }).length;
      send(JSON.stringify({ op: "getParameters", parameterNames: ["x".repeat(c.size - base)] }));
      break;
    }
    case "binaryOfSize": {
      const bytes = new Uint8Array(c.size);
      bytes[0] = 1;
      send(bytes);
      break;
    }
    case "fuzz": {
      const next = random(c.seed);
      for (let i = 0; i < c.count; i++) send(fuzzFrame(next));
      emit("fuzzed", { count: c.count });
      break;
    }
    case "pause":
      ws.pause();
      emit("paused");
      break;
    case "resume":
      ws.resume();
      emit("resumed");
      break;
    case "summary":
      emit("summary", { messages, sequences, sentBytes });
      break;
    case "close":
      ws.close(1000, "done");
      break;
    default:
      throw new Error(`unknown command ${c.cmd}`);
  }
});
