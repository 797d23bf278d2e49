// Drives Foxglove's own client (@foxglove/ws-protocol FoxgloveClient over the ws package) on
// foxglove.websocket.v1 for the xunit tests: usage `node foxglove-client.mjs URL`. Every protocol event the
// client decodes is written out; stdin commands make it subscribe, advertise, publish and use parameters.
// FOXGLOVE_QUIET=1 records message data sequence numbers instead of writing each message (see "summary").
import WebSocket from "ws";
import wsProtocol from "@foxglove/ws-protocol";
const { FoxgloveClient } = wsProtocol;
import { emit, exitAfterFlush, hex, fromHex, onCommands, sequenceOf, watchdog } from "./foxglove-common.mjs";

watchdog(Number(process.env.FOXGLOVE_WATCHDOG ?? 60));
const url = process.argv[2];
const quiet = process.env.FOXGLOVE_QUIET === "1";
const ws = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
ws.on("unexpected-response", (_req, res) => {
  emit("http", { status: res.statusCode });
  exitAfterFlush(0);
});
const client = new FoxgloveClient({ ws });
const channels = new Map();
const sequences = [];
let messages = 0;

client.on("open", () => emit("open", { protocol: ws.protocol }));
client.on("serverInfo", (info) => emit("serverInfo", info));
client.on("advertise", (list) => {
  for (const c of list) channels.set(c.topic, c);
  emit("advertise", { channels: list });
});
client.on("unadvertise", (ids) => emit("unadvertise", { channelIds: ids }));
client.on("message", ({ subscriptionId, timestamp, data }) => {
  messages++;
  if (quiet) sequences.push(sequenceOf(data));
  else emit("message", { subscriptionId, timestamp, payload: hex(data) });
});
client.on("time", ({ timestamp }) => emit("time", { timestamp }));
client.on("status", (s) => emit("status", s));
client.on("removeStatus", (s) => emit("removeStatus", s));
client.on("parameterValues", (p) => emit("parameterValues", p));
client.on("error", (e) => emit("error", { message: String(e?.message ?? e) }));
client.on("close", (e) => {
  emit("close", { code: e.code, reason: String(e.reason ?? "") });
  exitAfterFlush(0);
});

onCommands(async (c) => {
  switch (c.cmd) {
    case "subscribe": {
      const channel = channels.get(c.topic);
      if (!channel) throw new Error(`no channel advertised on ${c.topic}`);
      emit("subscribed", { topic: c.topic, id: client.subscribe(channel.id) });
      break;
    }
    case "unsubscribe":
      client.unsubscribe(c.id);
      break;
    case "advertise":
      emit("advertised", {
        topic: c.topic,
        id: client.advertise({ topic: c.topic, encoding: c.encoding, schemaName: c.schemaName, schema: c.schema }),
      });
      break;
    case "unadvertise":
      client.unadvertise(c.id);
      break;
    case "publish":
      client.sendMessage(c.channelId, fromHex(c.hex));
      break;
    case "getParameters":
      client.getParameters(c.names, c.id);
      break;
    case "setParameters":
      client.setParameters(c.parameters, c.id);
      break;
    case "subscribeParameterUpdates":
      client.subscribeParameterUpdates(c.names);
      break;
    case "unsubscribeParameterUpdates":
      client.unsubscribeParameterUpdates(c.names);
      break;
    case "summary":
      emit("summary", { messages, sequences });
      break;
    case "close":
      client.close();
      break;
    default:
      throw new Error(`unknown command ${c.cmd}`);
  }
});
