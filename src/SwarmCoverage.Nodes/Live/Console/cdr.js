// The few ROS 2 messages the console reads and writes, in CDR as ROS 2 puts it on the wire (docs/console.md "Wire"):
// a 4-byte encapsulation header (0x00 0x01 little endian, 0x00 0x00 big endian), then each primitive aligned to its
// size counted from the end of that header; strings and sequences are a uint32 length first (strings count their
// NUL). Every read is bounds-checked: a short or malformed payload throws an Error that names the field.

const utf8 = new TextDecoder("utf-8", { fatal: false });

export class CdrReader {
  /** @param {Uint8Array} bytes the payload, encapsulation header included */
  constructor(bytes) {
    if (bytes.byteLength < 4) throw new Error(`payload of ${bytes.byteLength} bytes: shorter than its encapsulation header`);
    if (bytes[0] !== 0 || bytes[1] > 1) throw new Error(`encapsulation ${bytes[0]} ${bytes[1]}: not plain CDR`);
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.le = bytes[1] === 1;
    this.pos = 4;
    this.field = "";
  }

  align(n) {
    const r = (this.pos - 4) % n;
    if (r !== 0) this.pos += n - r;
  }

  need(n) {
    if (this.pos + n > this.bytes.byteLength)
      throw new Error(`payload ends at byte ${this.bytes.byteLength}; ${this.field || "a field"} needs ${this.pos + n}`);
  }

  u8() { this.need(1); return this.bytes[this.pos++]; }
  bool() { return this.u8() !== 0; }
  i32() { this.align(4); this.need(4); const v = this.view.getInt32(this.pos, this.le); this.pos += 4; return v; }
  u32() { this.align(4); this.need(4); const v = this.view.getUint32(this.pos, this.le); this.pos += 4; return v; }
  f32() { this.align(4); this.need(4); const v = this.view.getFloat32(this.pos, this.le); this.pos += 4; return v; }
  f64() { this.align(8); this.need(8); const v = this.view.getFloat64(this.pos, this.le); this.pos += 8; return v; }
  /** A 64-bit integer as a Number (exact below 2^53: ticks, counters). */
  u64() { this.align(8); this.need(8); const v = this.view.getBigUint64(this.pos, this.le); this.pos += 8; return Number(v); }
  i64() { this.align(8); this.need(8); const v = this.view.getBigInt64(this.pos, this.le); this.pos += 8; return Number(v); }

  string() {
    const n = this.u32();
    if (n === 0) return "";
    this.need(n);
    const s = utf8.decode(this.bytes.subarray(this.pos, this.pos + n - 1));
    this.pos += n;
    return s;
  }

  count(elementSize) {
    const n = this.u32();
    if (n * elementSize > this.bytes.byteLength - this.pos)
      throw new Error(`${this.field || "a sequence"} claims ${n} elements; the payload holds ${this.bytes.byteLength - this.pos} more bytes`);
    return n;
  }

  u8s() { const n = this.count(1); const a = this.bytes.slice(this.pos, this.pos + n); this.pos += n; return a; }
  i8s() { const a = this.u8s(); return new Int8Array(a.buffer, 0, a.length); }

  f64s() {
    const n = this.count(8);
    const a = new Float64Array(n);
    if (n === 0) return a;
    this.align(8);
    this.need(8 * n);
    for (let i = 0; i < n; i++) a[i] = this.view.getFloat64(this.pos + 8 * i, this.le);
    this.pos += 8 * n;
    return a;
  }
}

export class CdrWriter {
  constructor(capacity = 256) {
    this.buf = new ArrayBuffer(capacity);
    this.view = new DataView(this.buf);
    this.bytes = new Uint8Array(this.buf);
    this.bytes.set([0, 1, 0, 0]);
    this.pos = 4;
  }

  reserve(n) {
    if (this.pos + n <= this.buf.byteLength) return;
    let size = this.buf.byteLength * 2;
    while (size < this.pos + n) size *= 2;
    const next = new ArrayBuffer(size);
    new Uint8Array(next).set(this.bytes.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next);
    this.bytes = new Uint8Array(next);
  }

  align(n) {
    const r = (this.pos - 4) % n;
    if (r !== 0) { this.reserve(n - r); this.bytes.fill(0, this.pos, this.pos + n - r); this.pos += n - r; }
  }

  u8(v) { this.reserve(1); this.bytes[this.pos++] = v; }
  bool(v) { this.u8(v ? 1 : 0); }
  i32(v) { this.align(4); this.reserve(4); this.view.setInt32(this.pos, v, true); this.pos += 4; }
  u32(v) { this.align(4); this.reserve(4); this.view.setUint32(this.pos, v, true); this.pos += 4; }
  f32(v) { this.align(4); this.reserve(4); this.view.setFloat32(this.pos, v, true); this.pos += 4; }
  f64(v) { this.align(8); this.reserve(8); this.view.setFloat64(this.pos, v, true); this.pos += 8; }

  string(s) {
    const b = new TextEncoder().encode(s);
    this.u32(b.length + 1);
    this.reserve(b.length + 1);
    this.bytes.set(b, this.pos);
    this.bytes[this.pos + b.length] = 0;
    this.pos += b.length + 1;
  }

  i8s(a) {
    this.u32(a.length);
    this.reserve(a.length);
    this.bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.length), this.pos);
    this.pos += a.length;
  }

  /** The payload written so far (a copy). */
  finish() { return this.bytes.slice(0, this.pos); }
}

// ---- The messages, field by field, in the order of their .msg files. ----

function header(r) {
  r.field = "header.stamp";
  const sec = r.i32();
  const nanosec = r.u32();
  r.field = "header.frame_id";
  return { sec, nanosec, frameId: r.string() };
}

function writeHeader(w, h) {
  w.i32(h.sec ?? 0);
  w.u32(h.nanosec ?? 0);
  w.string(h.frameId ?? "");
}

/** swarm_coverage_msgs/msg/Status */
export function decodeStatus(bytes) {
  const r = new CdrReader(bytes);
  const m = { header: header(r) };
  r.field = "Status"; // the rest are fixed-size: one name covers them
  m.tick = r.u64();
  m.activeRobots = r.u32();
  m.staleRobots = r.u32();
  m.epsilon = r.f64();
  m.energyEps = r.f64();
  m.chi2Eps = r.f64();
  m.energyDistance = r.f64();
  m.minDistance = r.f64();
  m.clippedShare = r.f64();
  m.controlLatency = r.f64();
  m.observerDroppedTicks = r.u64();
  return m;
}

/** swarm_coverage_msgs/msg/TickInput */
export function decodeTickInput(bytes) {
  const r = new CdrReader(bytes);
  const m = { header: header(r) };
  r.field = "tick";
  m.tick = r.u64();
  m.clockTimestamp = r.i64();
  m.clockFrequency = r.i64();
  m.emergencyStop = r.bool();
  r.field = "status"; m.status = r.u8s();
  r.field = "taken"; m.taken = r.u8s();
  r.field = "x"; m.x = r.f64s();
  r.field = "y"; m.y = r.f64s();
  r.field = "z"; m.z = r.f64s();
  r.field = "yaw"; m.yaw = r.f64s();
  r.field = "age_s"; m.age = r.f64s();
  const n = m.status.length;
  for (const k of ["taken", "x", "y", "z", "yaw", "age"])
    if (m[k].length !== n) throw new Error(`TickInput: ${k} has ${m[k].length} entries, status ${n}`);
  return m;
}

/** nav_msgs/msg/OccupancyGrid */
export function decodeOccupancyGrid(bytes) {
  const r = new CdrReader(bytes);
  const m = { header: header(r) };
  r.field = "info";
  const loadSec = r.i32();
  const loadNanosec = r.u32();
  const info = { mapLoadTime: { sec: loadSec, nanosec: loadNanosec } };
  info.resolution = r.f32();
  info.width = r.u32();
  info.height = r.u32();
  info.origin = {
    position: { x: r.f64(), y: r.f64(), z: r.f64() },
    orientation: { x: r.f64(), y: r.f64(), z: r.f64(), w: r.f64() },
  };
  m.info = info;
  r.field = "data";
  m.data = r.i8s();
  if (m.data.length !== info.width * info.height)
    throw new Error(`OccupancyGrid: data has ${m.data.length} cells; width x height is ${info.width * info.height}`);
  return m;
}

export function encodeOccupancyGrid(m) {
  const w = new CdrWriter(128 + m.data.length);
  writeHeader(w, m.header);
  const i = m.info;
  w.i32(i.mapLoadTime?.sec ?? 0);
  w.u32(i.mapLoadTime?.nanosec ?? 0);
  w.f32(i.resolution);
  w.u32(i.width);
  w.u32(i.height);
  const p = i.origin.position, q = i.origin.orientation;
  for (const v of [p.x, p.y, p.z, q.x, q.y, q.z, q.w]) w.f64(v);
  w.i8s(m.data);
  return w.finish();
}

/** rcl_interfaces/msg/Log */
export function decodeLog(bytes) {
  const r = new CdrReader(bytes);
  r.field = "stamp";
  const sec = r.i32();
  const nanosec = r.u32();
  r.field = "level";
  const level = r.u8();
  r.field = "name"; const name = r.string();
  r.field = "msg"; const msg = r.string();
  return { sec, nanosec, level, name, msg };
}

/** std_msgs/msg/Bool */
export function encodeBool(v) {
  const w = new CdrWriter(8);
  w.bool(v);
  return w.finish();
}

// ---- Schema check: the console reads these layouts, so it refuses a channel whose advertised schema differs. ----

/** The fields of a type as the decoders above read them: "type name", types without "/msg/". */
export const Layouts = {
  "swarm_coverage_msgs/msg/Status": [
    "std_msgs/Header header", "uint64 tick", "uint32 active_robots", "uint32 stale_robots", "float64 epsilon_m",
    "float64 energy_eps", "float64 chi2_eps", "float64 energy_distance_m", "float64 min_pairwise_distance_m",
    "float64 clipped_share", "float64 control_latency_s", "uint64 observer_dropped_ticks",
  ],
  "swarm_coverage_msgs/msg/TickInput": [
    "std_msgs/Header header", "uint64 tick", "int64 clock_timestamp", "int64 clock_frequency", "bool emergency_stop",
    "uint8[] status", "uint8[] taken", "float64[] x", "float64[] y", "float64[] z", "float64[] yaw", "float64[] age_s",
  ],
  "nav_msgs/msg/OccupancyGrid": ["std_msgs/Header header", "MapMetaData info", "int8[] data"],
  "rcl_interfaces/msg/Log": [
    "builtin_interfaces/Time stamp", "uint8 level", "string name", "string msg", "string file", "string function", "uint32 line",
  ],
  "std_msgs/msg/Bool": ["bool data"],
};

/** The top-level fields of a ros2msg definition (comments, constants and the dependencies after "===" dropped). */
export function schemaFields(text) {
  const fields = [];
  for (const raw of String(text).split("\n")) {
    if (/^={3,}/.test(raw.trim())) break;
    const line = raw.replace(/#.*/, "").trim();
    if (!line) continue;
    const m = /^(\S+)\s+([A-Za-z_][A-Za-z0-9_]*)(\s*(=)?.*)$/.exec(line);
    if (!m || m[4] === "=") continue; // a constant
    fields.push(`${m[1].replace("/msg/", "/")} ${m[2]}`);
  }
  return fields;
}

/** null when the advertised schema is the layout this console reads, else why not. */
export function checkSchema(schemaName, schema) {
  const want = Layouts[schemaName];
  if (!want) return `no decoder for ${schemaName}`;
  const got = schemaFields(schema);
  if (got.length !== want.length || got.some((f, i) => f !== want[i]))
    return `${schemaName}: the server's schema (${got.join("; ")}) is not the layout this console reads (${want.join("; ")})`;
  return null;
}
