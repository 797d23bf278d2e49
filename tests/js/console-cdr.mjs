// The operator console's own CDR codec (src/SwarmCoverage.Nodes/Live/Console/cdr.js) against Foxglove's
// (@foxglove/rosmsg2-serialization), for the xunit tests: usage `node console-cdr.mjs SCHEMAS.json`, where the file
// maps each ROS type name to the definition the controller's server advertises. Prints one JSON object:
//   schemas: per type, the console's schema check on the server's definition (null: the layout it reads);
//   decoded: messages written by Foxglove's MessageWriter and read by the console, field by field;
//   encoded: messages written by the console and read by Foxglove's MessageReader;
//   truncated: per type, how many of the payload's prefixes the console refused with an Error (all of them should be).
import fs from "node:fs";
import { parse } from "@foxglove/rosmsg";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg2-serialization";
import * as cdr from "../../src/SwarmCoverage.Nodes/Live/Console/cdr.js";

const schemas = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const defs = (type) => parse(schemas[type], { ros2: true });
const write = (type, msg) => new MessageWriter(defs(type)).writeMessage(msg);
const read = (type, bytes) => new MessageReader(defs(type)).readMessage(bytes);
const out = { schemas: {}, decoded: {}, encoded: {}, truncated: {} };

for (const type of Object.keys(schemas)) out.schemas[type] = cdr.checkSchema(type, schemas[type]);

const header = { stamp: { sec: 1700000000, nanosec: 123456789 }, frame_id: "world" };
const status = {
  header, tick: 4242n, active_robots: 998, stale_robots: 2, epsilon_m: 0.3, energy_eps: 1.25, chi2_eps: 0.0625,
  energy_distance_m: 0.0317, min_pairwise_distance_m: Infinity, clipped_share: 0.5, control_latency_s: 0.00042,
  observer_dropped_ticks: 7n,
};
const n = 5;
const tickInput = {
  header, tick: 99n, clock_timestamp: -5n, clock_frequency: 1000000000n, emergency_stop: true,
  status: Uint8Array.from([0, 1, 2, 1, 1]), taken: Uint8Array.from([0, 1, 0, 1, 1]),
  x: Float64Array.from([0.5, 1, 1.5, 2, 2.5]), y: Float64Array.from([0.25, 0.5, 0.75, 1, 1.25]),
  z: new Float64Array(n), yaw: Float64Array.from([0, 0.5, -0.5, 3.1, -3.1]), age_s: Float64Array.from([9, 0, 0.6, 0.01, 0.02]),
};
const grid = {
  header, info: {
    map_load_time: { sec: 3, nanosec: 4 }, resolution: 0.05, width: 3, height: 2,
    origin: { position: { x: -1.5, y: -1, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
  },
  data: Int8Array.from([0, 10, 100, -1, 50, 99]),
};
// ASCII only: @foxglove/cdr 3.5.0's writer counts a string's UTF-16 units, not its UTF-8 bytes, so it cuts non-ASCII
// text short (its reader is right); the console's UTF-8 is checked through that reader below.
const log = { stamp: { sec: 5, nanosec: 6 }, level: 30, name: "swarm_coverage", msg: "target from foxglove refused", file: "f.cs", function: "F", line: 12 };

const payloads = {
  "swarm_coverage_msgs/msg/Status": write("swarm_coverage_msgs/msg/Status", status),
  "swarm_coverage_msgs/msg/TickInput": write("swarm_coverage_msgs/msg/TickInput", tickInput),
  "nav_msgs/msg/OccupancyGrid": write("nav_msgs/msg/OccupancyGrid", grid),
  "rcl_interfaces/msg/Log": write("rcl_interfaces/msg/Log", log),
};

const s = cdr.decodeStatus(payloads["swarm_coverage_msgs/msg/Status"]);
out.decoded.status = { ...s, minDistance: String(s.minDistance) };
const t = cdr.decodeTickInput(payloads["swarm_coverage_msgs/msg/TickInput"]);
out.decoded.tickInput = { tick: t.tick, clockTimestamp: t.clockTimestamp, clockFrequency: t.clockFrequency, emergencyStop: t.emergencyStop, frameId: t.header.frameId, sec: t.header.sec, nanosec: t.header.nanosec, status: [...t.status], taken: [...t.taken], x: [...t.x], y: [...t.y], yaw: [...t.yaw], age: [...t.age] };
const g = cdr.decodeOccupancyGrid(payloads["nav_msgs/msg/OccupancyGrid"]);
out.decoded.grid = { info: g.info, data: [...g.data], frameId: g.header.frameId };
out.decoded.log = cdr.decodeLog(payloads["rcl_interfaces/msg/Log"]);

// The console's encoder, read by Foxglove's reader.
const mine = cdr.encodeOccupancyGrid({
  header: { sec: 0, nanosec: 0, frameId: "map" },
  info: { mapLoadTime: { sec: 0, nanosec: 0 }, resolution: 0.1, width: 4, height: 3, origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } },
  data: Int8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 0]),
});
const back = read("nav_msgs/msg/OccupancyGrid", mine);
out.encoded.grid = { frameId: back.header.frame_id, resolution: back.info.resolution, width: back.info.width, height: back.info.height, originW: back.info.origin.orientation.w, data: [...back.data] };
out.encoded.utf8FrameId = read("nav_msgs/msg/OccupancyGrid", cdr.encodeOccupancyGrid({
  header: { sec: 0, nanosec: 0, frameId: "carte élevée" },
  info: { resolution: 1, width: 1, height: 1, origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } },
  data: Int8Array.from([1]),
})).header.frame_id;
out.encoded.stop = read("std_msgs/msg/Bool", cdr.encodeBool(true)).data;
out.encoded.release = read("std_msgs/msg/Bool", cdr.encodeBool(false)).data;

// Every prefix of every payload is refused with an Error (the console then says which topic it could not decode).
const decoders = {
  "swarm_coverage_msgs/msg/Status": cdr.decodeStatus,
  "swarm_coverage_msgs/msg/TickInput": cdr.decodeTickInput,
  "nav_msgs/msg/OccupancyGrid": cdr.decodeOccupancyGrid,
  "rcl_interfaces/msg/Log": cdr.decodeLog,
};
for (const [type, bytes] of Object.entries(payloads)) {
  let refused = 0, examples = [];
  // Log ends with fields the console does not read (file, function, line): only the prefixes up to msg can fail.
  let need = bytes.length;
  if (type === "rcl_interfaces/msg/Log") {
    const r = new cdr.CdrReader(bytes);
    r.i32(); r.u32(); r.u8(); r.string(); r.string();
    need = r.pos;
  }
  for (let k = 0; k < need; k++) {
    try {
      decoders[type](bytes.subarray(0, k));
    } catch (e) {
      if (e instanceof Error) { refused++; if (examples.length < 2) examples.push(e.message); }
    }
  }
  out.truncated[type] = { prefixes: need, refused, examples };
}
// A sequence that claims more elements than the payload holds is refused before anything is allocated.
const huge = Uint8Array.from(payloads["nav_msgs/msg/OccupancyGrid"]);
new DataView(huge.buffer).setUint32(huge.length - 6 - 4, 0x7fffffff, true);
try { cdr.decodeOccupancyGrid(huge); out.hugeSequence = "accepted"; } catch (e) { out.hugeSequence = e.message; }

console.log(JSON.stringify(out, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
