// Shared by the foxglove-*.mjs drivers of the xunit tests (tests/SwarmCoverage.Foxglove.Tests): the test writes
// one JSON command a line on stdin; the driver writes one JSON event a line on stdout.
import readline from "node:readline";

export function emit(event, data = {}) {
  process.stdout.write(
    JSON.stringify({ event, ...data }, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) + "\n",
  );
}

export function hex(view) {
  const bytes = view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return Buffer.from(bytes).toString("hex");
}

export function fromHex(text) {
  return new Uint8Array(Buffer.from(text, "hex"));
}

/** The first 4 payload bytes as a little-endian sequence number (what the tests put there), or -1. */
export function sequenceOf(view) {
  const bytes = view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  if (bytes.byteLength < 4) return -1;
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
}

/** Exits once everything written to stdout so far is flushed (a pipe may take writes asynchronously). */
export function exitAfterFlush(code) {
  process.stdout.write("", () => process.exit(code));
}

/** Runs handle(command) for each stdin line, one after the other. */
export function onCommands(handle) {
  const rl = readline.createInterface({ input: process.stdin });
  let chain = Promise.resolve();
  rl.on("line", (line) => {
    if (!line.trim()) return;
    chain = chain
      .then(() => handle(JSON.parse(line)))
      .catch((e) => emit("driverError", { message: String(e?.stack ?? e) }));
  });
  rl.on("close", () => chain.then(() => exitAfterFlush(0)));
}

/** Ends the process if the test forgets it (the C# side kills it sooner on timeout). */
export function watchdog(seconds) {
  setTimeout(() => {
    emit("watchdog", { seconds });
    process.exit(3);
  }, seconds * 1000).unref();
}

/** A small deterministic generator (mulberry32) for the fuzzing command. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
