// Checks SwarmCoverage.Ros2's message definitions and CDR bytes against Foxglove's independent ROS 2 libraries:
// @foxglove/rosmsg parses each definition, @foxglove/rosmsg2-serialization's MessageReader decodes our bytes and its
// MessageWriter encodes the expected value, and a walk of the parsed definition over @foxglove/cdr's CdrWriter
// encodes it big-endian (CDR_BE), which MessageWriter does not offer.
//
// stdin:  {"cases": [{"name", "definition", "cdr": hex of our serialization, "value": canonical expected value}]}
// stdout: {"results": [{"name", "parsed", "decoded": {"value": {"message", "readBytes"}} or {"error"},
//                        "written": {"value": hex} or {"error"}, "bigEndian": {"value": hex} or {"error"}}
//                       or {"name", "error"} when the definition does not parse]}
//
// Canonical values (the same on the C# side, docs/ros2-wire.md): objects with keys lower-cased and without
// underscores, numbers as "d:" + the 16 hex digits of their float64 bits ("d:NaN" for any NaN), 64-bit integers as
// "i:" + decimal, strings as "s:" + text, booleans as "b:true"/"b:false", arrays and typed arrays as arrays.
import { parse } from "@foxglove/rosmsg";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg2-serialization";
import { CdrWriter, EncapsulationKind } from "@foxglove/cdr";
import { readFileSync } from "node:fs";

const normalize = (name) => name.toLowerCase().replaceAll("_", "");

function f64Hex(n) {
  if (Number.isNaN(n)) return "d:NaN";
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  return "d:" + view.getBigUint64(0).toString(16).padStart(16, "0");
}

function hexF64(text) {
  if (text === "d:NaN") return NaN;
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt("0x" + text.slice(2)));
  return view.getFloat64(0);
}

function canonical(value) {
  if (typeof value === "number") return f64Hex(value);
  if (typeof value === "bigint") return "i:" + value.toString();
  if (typeof value === "string") return "s:" + value;
  if (typeof value === "boolean") return "b:" + value;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value, canonical);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value).sort()) out[normalize(key)] = canonical(value[key]);
    return out;
  }
  throw new Error(`cannot canonicalize ${String(value)}`);
}

// The JavaScript value MessageWriter expects for a field of primitive type, from its canonical form.
function primitive(type, v) {
  switch (type) {
    case "string":
      return v.slice(2);
    case "bool":
      return v === "b:true";
    case "int64":
    case "uint64":
      return BigInt(v.slice(2));
    case "time":
    case "duration":
      return { sec: hexF64(v.sec), nanosec: hexF64(v.nanosec) };
    default:
      return hexF64(v);
  }
}

function fromCanonical(obj, fields, types) {
  const out = {};
  for (const f of fields) {
    if (f.isConstant === true) continue;
    const v = obj[normalize(f.name)];
    if (v === undefined) throw new Error(`expected value has no ${f.name}`);
    if (f.isComplex === true) {
      const nested = types.get(f.type);
      out[f.name] = f.isArray === true ? v.map((e) => fromCanonical(e, nested, types)) : fromCanonical(v, nested, types);
    } else {
      out[f.name] = f.isArray === true ? v.map((e) => primitive(f.type, e)) : primitive(f.type, v);
    }
  }
  return out;
}

const hasData = (fields) => fields.some((f) => f.isConstant !== true);

// Plain CDR through @foxglove/cdr's primitives, in the writer's byte order; strings as UTF-8 bytes.
function writeStruct(writer, fields, value, types) {
  if (!hasData(fields)) {
    writer.uint8(0); // rosidl's structure_needs_at_least_one_member
    return;
  }
  for (const f of fields) {
    if (f.isConstant === true) continue;
    const v = value[f.name];
    if (f.isArray === true) {
      if (f.arrayLength === undefined) writer.sequenceLength(v.length);
      for (const e of v) writeOne(writer, f, e, types);
    } else {
      writeOne(writer, f, v, types);
    }
  }
}

const utf8 = new TextEncoder();

function writeOne(writer, f, v, types) {
  if (f.isComplex === true) {
    writeStruct(writer, types.get(f.type), v, types);
    return;
  }
  switch (f.type) {
    case "bool": writer.uint8(v ? 1 : 0); break;
    case "int8": writer.int8(v); break;
    case "uint8": writer.uint8(v); break;
    case "int16": writer.int16(v); break;
    case "uint16": writer.uint16(v); break;
    case "int32": writer.int32(v); break;
    case "uint32": writer.uint32(v); break;
    case "int64": writer.int64(v); break;
    case "uint64": writer.uint64(v); break;
    case "float32": writer.float32(v); break;
    case "float64": writer.float64(v); break;
    case "time":
    case "duration": writer.int32(v.sec); writer.uint32(v.nanosec); break;
    case "string": {
      const bytes = utf8.encode(v);
      writer.uint32(bytes.length + 1);
      writer.uint8Array(bytes);
      writer.uint8(0);
      break;
    }
    default: throw new Error(`unsupported type ${f.type}`);
  }
}

const hex = (bytes) => Buffer.from(bytes).toString("hex").toUpperCase();

// Each step on its own: one that throws is reported as that step's error, the others still run.
function attempt(step) {
  try {
    return { value: step() };
  } catch (e) {
    return { error: String(e?.message ?? e) };
  }
}

const input = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const c of input.cases) {
  const parsedStep = attempt(() => parse(c.definition, { ros2: true }));
  if (parsedStep.error !== undefined) {
    results.push({ name: c.name, error: parsedStep.error });
    continue;
  }
  const parsed = parsedStep.value;
  const types = new Map(parsed.map((d) => [d.name ?? "", d.definitions]));
  const root = parsed[0].definitions;

  const decoded = attempt(() => {
    const reader = new MessageReader(parsed);
    const message = reader.readMessage(Buffer.from(c.cdr, "hex"));
    return { message: canonical(message), readBytes: reader.lastReadByteLength() };
  });
  const value = fromCanonical(c.value, root, types);
  const written = attempt(() => hex(new MessageWriter(parsed).writeMessage(value)));
  const bigEndian = attempt(() => {
    const be = new CdrWriter({ kind: EncapsulationKind.CDR_BE });
    writeStruct(be, root, value, types);
    return hex(be.data);
  });

  results.push({
    name: c.name,
    parsed: parsed.map((d) => ({
      name: d.name ?? null,
      definitions: d.definitions.map((f) => ({
        name: f.name,
        type: f.type,
        isConstant: f.isConstant === true,
        isArray: f.isArray === true,
        arrayLength: f.arrayLength ?? null,
        isComplex: f.isComplex === true,
        value: f.isConstant === true ? String(f.value) : null,
      })),
    })),
    decoded,
    written,
    bigEndian,
  });
}
process.stdout.write(JSON.stringify({ results }));
