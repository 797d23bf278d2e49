// SwarmCoverage operator console (docs/console.md): a Foxglove WebSocket client in the page. It shows the arena
// (the target density as a heat map, every robot, their trails), the status, the server's messages and the live
// parameters; it paints a target, drags a mixture component, sets parameters and stops the swarm. Everything it
// sends goes through the server's one door, exactly as a Foxglove client's messages do.

import { FoxgloveLink, State } from "./foxglove.js";
import * as cdr from "./cdr.js";

const MetadataKey = "swarm_coverage.console";
const TokenKey = "swarm_coverage.token";
const TrailSeconds = 5;
const TrailSamples = 25; // one sample every TrailSeconds / TrailSamples of tick time
const HistorySeconds = 60;
const HistoryPoints = 600;

const $ = (id) => document.getElementById(id);

// ---- Token: taken from ?token= once, kept in session storage, removed from the address bar. ----

function takeTokenFromUrl() {
  const url = new URL(location.href);
  if (!url.searchParams.has("token")) return;
  const t = url.searchParams.get("token");
  if (t) sessionStorage.setItem(TokenKey, t);
  url.searchParams.delete("token");
  history.replaceState(null, "", url.pathname + (url.search ? url.search : "") + url.hash);
}

function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const token = sessionStorage.getItem(TokenKey);
  return `${scheme}//${location.host}/` + (token ? `?token=${encodeURIComponent(token)}` : "");
}

// ---- State ----

const S = {
  info: null, // the server's description (serverInfo.metadata[MetadataKey])
  robots: [],
  arena: { x0: 0, y0: 0, x1: 1, y1: 1, dim: 2 },
  prefix: "/swarm_coverage.",
  values: new Map(), // parameter name (without prefix) -> value in force
  descriptors: new Map(),
  tick: null, // the last TickInput
  status: null,
  map: null, // { info, data: Uint8Array 0..100, frameId, version }
  mapImage: null,
  paint: null, // Uint8Array being painted, or null
  undo: [],
  tool: "view",
  sentMapVersion: -1, // map version when a painted target was sent, else -1
  trails: null,
  history: new Map(),
  lastSample: -Infinity,
  connected: false,
  estopSent: null,
  badChannels: new Map(),
  drag: null,
  estopTick: null,
  selected: null, // the robot tapped in View
  stopPending: null,
  tickWall: 0,
  sentGrid: null,
};

const frames = { intervals: new Float64Array(8192), draws: new Float64Array(8192), n: 0, nd: 0, last: 0, drawn: 0 };
let dirty = true;
let nextSetId = 1;
const pendingSets = new Map();

// ---- The link ----

const link = new FoxgloveLink(socketUrl, {
  state: onState,
  serverInfo: onServerInfo,
  advertise: onAdvertise,
  unadvertise: () => {},
  message: onMessage,
  status: (m) => onStatus(m),
  removeStatus: (ids) => ids.forEach(removeMessage),
  parameterValues: onParameterValues,
});

function onState(state, detail) {
  const conn = $("conn");
  conn.dataset.state = state;
  S.connected = state === State.Connected;
  const banner = $("banner");
  const text = {
    connecting: "connecting",
    connected: "connected",
    lost: "connection lost",
    refused: "cannot connect",
  }[state];
  conn.textContent = text;
  updatePaintButtons();
  if (!S.connected) pendingSets.clear(); // their replies will not come on a new connection
  if (S.connected) S.tickWall = performance.now(); // ticks are due from now on (the watchdog below)
  if (state === State.Connected) {
    // An alarm about a stop that was never sent ends with the reconnection (the messages keep it); one about a stop
    // sent and not yet confirmed stays until the controller's tick confirms it.
    if (banner.dataset.kind === "alarm" && !S.stopPending) banner.dataset.kind = "";
    if (banner.dataset.kind !== "stop" && banner.dataset.kind !== "alarm") banner.hidden = true;
    $("token-form").hidden = true;
    updateStopBanner();
    return;
  }

  if (state === State.Connecting) return;
  banner.hidden = false;
  banner.dataset.kind = "conn";
  $("token-form").hidden = true;
  if (state === State.Lost) {
    $("banner-text").textContent = `Connection lost${detail ? ` (${detail})` : ""}: reconnecting. Commands shown are the last received.`;
    return;
  }

  // Refused before the WebSocket opened: the server is down, or it wants a token (or it has too many clients).
  fetch(location.pathname, { cache: "no-store" }).then(
    async (r) => {
      await r.text();
      if (!r.ok) throw new Error(String(r.status));
      const had = !!sessionStorage.getItem(TokenKey);
      $("banner-text").textContent = had
        ? "The server refused the connection: the token is wrong (or the server has too many clients)."
        : "The server refused the connection: it needs a token.";
      $("token-form").hidden = false;
    },
    () => { $("banner-text").textContent = "Cannot reach the server: retrying."; },
  );
}

function onServerInfo(info) {
  S.info = null; // a reconnect may reach another server
  const meta = info.metadata?.[MetadataKey];
  if (!meta) {
    addMessage({ level: 2, message: `this server does not describe a SwarmCoverage controller (no ${MetadataKey} metadata)`, id: "console.meta" });
    return;
  }

  try {
    S.info = JSON.parse(meta);
  } catch (e) {
    addMessage({ level: 2, message: `the server's ${MetadataKey} metadata is not JSON: ${e.message}`, id: "console.meta" });
    return;
  }

  const I = S.info;
  S.prefix = I.parameterPrefix;
  if (S.robots.length !== I.robots.length || S.robots.some((r, i) => r !== I.robots[i])) {
    S.robots = I.robots;
    S.trails = null;
  }
  S.arena = { x0: I.arena.min[0], y0: I.arena.min[1] ?? 0, x1: I.arena.max[0], y1: I.arena.max[1] ?? 1, dim: I.arena.min.length };
  // JSON has no infinity: an unbounded side is null.
  I.parameters = I.parameters.map((d) => ({ ...d, min: d.min ?? -Infinity, max: d.max ?? Infinity }));
  S.descriptors = new Map(I.parameters.map((d) => [d.name, d]));
  const T = I.topics;
  for (const t of [T.tickInput, T.status, T.targetMap, T.rosout]) if (t) link.subscribe(t);
  link.subscribeParameterUpdates();
  link.publishes(T.targetGrid, "nav_msgs/msg/OccupancyGrid");
  link.publishes(T.emergencyStop, "std_msgs/msg/Bool");
  const twoD = S.arena.dim === 2;
  for (const b of document.querySelectorAll("#tool-group button[data-tool=add], #tool-group button[data-tool=erase]")) b.disabled = !twoD;
  if (!twoD) {
    setTool("view");
    note("Painting needs a 2-D arena; this one is 3-D (send a Target message instead).");
  }
  resize();
  $("brush-out").textContent = `${brushMetres().toFixed(2)} m`;
  dirty = true;
}

function onAdvertise(channels) {
  for (const c of channels) {
    if (!link.wanted.has(c.topic)) continue;
    const why = c.encoding !== "cdr" ? `${c.topic}: encoding ${c.encoding}, not cdr` : cdr.checkSchema(c.schemaName, c.schema);
    if (why) {
      S.badChannels.set(c.topic, why);
      addMessage({ level: 2, message: `console cannot read ${c.topic}: ${why}`, id: `console.schema.${c.topic}` });
    } else S.badChannels.delete(c.topic);
  }
}

function onMessage(topic, bytes) {
  if (!S.info || S.badChannels.has(topic)) return;
  const T = S.info.topics;
  try {
    if (topic === T.tickInput) onTickInput(cdr.decodeTickInput(bytes));
    else if (topic === T.status) onStatusMessage(cdr.decodeStatus(bytes));
    else if (topic === T.targetMap) onTargetMap(cdr.decodeOccupancyGrid(bytes));
    else if (topic === T.rosout) onLog(cdr.decodeLog(bytes));
  } catch (e) {
    addMessage({ level: 2, message: `console could not decode ${topic}: ${e.message}`, id: `console.decode.${topic}` });
  }
}

// ---- Ticks, trails, status ----

function tickSeconds(m) {
  return m.header.sec + m.header.nanosec * 1e-9;
}

function onTickInput(m) {
  S.tickWall = performance.now();
  const n = m.x.length;
  const wasStopped = S.tick?.emergencyStop;
  S.tick = m;
  if (!S.trails || S.trails.n !== n) {
    S.trails = { n, x: new Float32Array(n * TrailSamples), y: new Float32Array(n * TrailSamples), head: 0, count: 0 };
    S.lastSample = -Infinity;
  }
  const t = tickSeconds(m);
  if (t - S.lastSample >= TrailSeconds / TrailSamples || t < S.lastSample) {
    const tr = S.trails;
    if (t < S.lastSample) tr.count = 0; // time went back: a new run
    S.lastSample = t;
    for (let i = 0; i < n; i++) {
      tr.x[i * TrailSamples + tr.head] = m.x[i];
      tr.y[i * TrailSamples + tr.head] = m.y[i];
    }
    tr.head = (tr.head + 1) % TrailSamples;
    tr.count = Math.min(TrailSamples, tr.count + 1);
  }
  if (wasStopped !== m.emergencyStop) updateStopBanner();
  if (S.selected !== null && S.selected !== undefined) showSelected();
  const sb = $("summary");
  sb.textContent = `${n} robots · tick ${m.tick} · ${t.toFixed(1)} s`;
  sb.dataset.robots = String(n);
  sb.dataset.tick = String(m.tick);
  dirty = true;
}

const Metrics = [
  { key: "activeRobots", name: "active robots", fmt: (v) => String(v) },
  { key: "staleRobots", name: "stale robots", fmt: (v) => String(v) },
  { key: "chi2Eps", name: "chi2_eps", fmt: (v) => v.toPrecision(3) },
  { key: "energyDistance", name: "energy distance", fmt: (v) => `${v.toPrecision(3)} m` },
  { key: "minDistance", name: "min distance", fmt: (v) => (Number.isFinite(v) ? `${v.toFixed(3)} m` : "-") },
  { key: "clippedShare", name: "clipped", fmt: (v) => `${(100 * v).toFixed(0)} %` },
  { key: "controlLatency", name: "control latency", fmt: (v) => `${(1000 * v).toFixed(2)} ms` },
];

function buildMetrics() {
  const box = $("metrics");
  for (const m of Metrics) {
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = m.name;
    const value = document.createElement("span");
    value.className = "value";
    value.id = `metric-${m.key}`;
    value.textContent = "-";
    const plot = document.createElement("canvas");
    plot.id = `plot-${m.key}`;
    box.append(name, value, plot);
    S.history.set(m.key, { t: new Float64Array(HistoryPoints), v: new Float64Array(HistoryPoints), head: 0, count: 0, last: -Infinity });
  }
}

let plotsDue = 0;

function onStatusMessage(m) {
  S.status = m;
  const t = tickSeconds(m);
  for (const k of Metrics) {
    const v = m[k.key];
    $(`metric-${k.key}`).textContent = k.fmt(v);
    const h = S.history.get(k.key);
    if (t < h.last) h.count = 0;
    if (t - h.last >= HistorySeconds / HistoryPoints || h.count === 0) {
      h.t[h.head] = t;
      h.v[h.head] = Number.isFinite(v) ? v : NaN;
      h.head = (h.head + 1) % HistoryPoints;
      h.count = Math.min(HistoryPoints, h.count + 1);
      h.last = t;
    }
  }
  const now = performance.now();
  if (now >= plotsDue) {
    plotsDue = now + 250;
    drawPlots(t);
  }
}

function drawPlots(now) {
  for (const k of Metrics) {
    const c = $(`plot-${k.key}`);
    const w = c.clientWidth, hgt = c.clientHeight;
    if (w === 0) continue;
    const dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(w * dpr)) { c.width = Math.round(w * dpr); c.height = Math.round(hgt * dpr); }
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    const h = S.history.get(k.key);
    let lo = Infinity, hi = -Infinity;
    for (let j = 0; j < h.count; j++) {
      const v = h.v[(h.head - h.count + j + HistoryPoints) % HistoryPoints];
      if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
    if (!(hi >= lo)) continue;
    if (hi === lo) { hi += 1e-9 + Math.abs(hi) * 0.05; lo -= 1e-9 + Math.abs(lo) * 0.05; }
    g.strokeStyle = "#1f6feb";
    g.lineWidth = 1.2;
    g.beginPath();
    let pen = false;
    for (let j = 0; j < h.count; j++) {
      const i = (h.head - h.count + j + HistoryPoints) % HistoryPoints;
      const v = h.v[i];
      if (!Number.isFinite(v)) { pen = false; continue; }
      const x = w * (1 - (now - h.t[i]) / HistorySeconds);
      const y = hgt - 2 - (hgt - 4) * (v - lo) / (hi - lo);
      if (pen) g.lineTo(x, y); else g.moveTo(x, y);
      pen = true;
    }
    g.stroke();
  }
}

// ---- The target map and the heat map ----

const Ramp = [[13, 8, 135], [84, 2, 163], [139, 10, 165], [185, 50, 137], [219, 92, 104], [244, 136, 73], [254, 188, 43], [240, 249, 33]];
const Lut = new Uint8Array(101 * 3);
for (let v = 0; v <= 100; v++) {
  const f = (v / 100) * (Ramp.length - 1), i = Math.min(Ramp.length - 2, Math.floor(f)), u = f - i;
  for (let c = 0; c < 3; c++) Lut[3 * v + c] = Math.round(Ramp[i][c] * (1 - u) + Ramp[i + 1][c] * u);
}

function onTargetMap(m) {
  const n = m.data.length;
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = m.data[i] < 0 ? 0 : Math.min(100, m.data[i]);
  const prev = S.map;
  if (prev && prev.data.length === n && prev.info.width === m.info.width && prev.data.every((v, i) => v === data[i])) return;
  S.map = { info: m.info, frameId: m.header.frameId, data, version: (prev?.version ?? 0) + 1 };
  S.mapImage = heatImage(S.map.info.width, S.map.info.height, data, S.mapImage);
  if (S.paint && S.paint.length !== n) {
    // The map's grid changed under the painting (grid_spacing): it no longer fits; start again on the new one.
    S.sentMapVersion = -1;
    endPaint();
    note("The target map's grid changed: the painting was dropped; paint again.", true);
  } else if (S.sentMapVersion >= 0 && S.map.version > S.sentMapVersion) {
    // The controller's map is its discretized, normalized target: the painting taken looks like what was sent.
    const took = correlation(S.sentGrid, data) > 0.8;
    S.sentMapVersion = -1;
    endPaint();
    note(took ? "The controller took the painted target: it is the target in force."
      : "The target changed, but not to the painting (another client or a parameter?): check the messages.", !took);
  }
  updatePaintButtons();
  dirty = true;
}

function correlation(a, b) {
  if (!a || a.length !== b.length) return 0;
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
  ma /= a.length; mb /= b.length;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) { const x = a[i] - ma, y = b[i] - mb; ab += x * y; aa += x * x; bb += y * y; }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

function heatImage(w, h, data, reuse) {
  const c = reuse && reuse.width === w && reuse.height === h ? reuse : Object.assign(document.createElement("canvas"), { width: w, height: h });
  const g = c.getContext("2d");
  const img = g.createImageData(w, h);
  const px = img.data;
  for (let j = 0; j < h; j++) {
    const row = (h - 1 - j) * w; // grid row 0 is the arena's bottom edge
    for (let i = 0; i < w; i++) {
      const v = data[j * w + i], o = 4 * (row + i);
      px[o] = Lut[3 * v]; px[o + 1] = Lut[3 * v + 1]; px[o + 2] = Lut[3 * v + 2]; px[o + 3] = 255;
    }
  }
  g.putImageData(img, 0, 0);
  return c;
}

// ---- Drawing ----

const canvas = $("arena");
const ctx = canvas.getContext("2d", { alpha: false });
let view = { w: 1, h: 1, s: 1, dpr: 1 };

function resize() {
  const wrap = $("arena-wrap");
  const a = S.arena;
  const aw = a.x1 - a.x0, ah = a.y1 - a.y0;
  let w = wrap.clientWidth;
  let h = (w * ah) / aw;
  const maxH = window.innerWidth > 760 ? window.innerHeight - 120 : window.innerHeight * 0.75;
  if (h > maxH && maxH > 100) { h = maxH; w = (h * aw) / ah; }
  const dpr = window.devicePixelRatio || 1;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  canvas.style.margin = "0 auto";
  canvas.width = Math.max(1, Math.round(w * dpr));
  canvas.height = Math.max(1, Math.round(h * dpr));
  view = { w, h, s: w / aw, dpr };
  dirty = true;
}

const px = (x) => (x - S.arena.x0) * view.s;
const py = (y) => (S.arena.y1 - y) * view.s;
const wx = (p) => S.arena.x0 + p / view.s;
const wy = (p) => S.arena.y1 - p / view.s;

function draw() {
  const g = ctx;
  g.setTransform(view.dpr, 0, 0, view.dpr, 0, 0);
  g.fillStyle = "#0d1117";
  g.fillRect(0, 0, view.w, view.h);

  // Heat map: the painted grid while painting, else the target in force.
  const map = S.map;
  if (map) {
    const img = S.paint ? S.paintImage : S.mapImage;
    const i = map.info, o = i.origin.position;
    g.imageSmoothingEnabled = true;
    g.drawImage(img, px(o.x), py(o.y + i.height * i.resolution), i.width * i.resolution * view.s, i.height * i.resolution * view.s);
  }

  // Mixture components: an ellipse at one sigma around each mean.
  // Only with the Move tool: the mixture is the inline target's, and a painted grid may be the target in force.
  const comps = S.tool === "move" ? components() : [];
  if (comps.length) {
    g.strokeStyle = "rgba(255,255,255,0.7)";
    g.setLineDash([4, 4]);
    g.lineWidth = 1;
    g.beginPath();
    for (const c of comps) {
      g.moveTo(px(c.x) + c.sx * view.s, py(c.y));
      g.ellipse(px(c.x), py(c.y), c.sx * view.s, c.sy * view.s, 0, 0, 2 * Math.PI);
    }
    g.stroke();
    g.setLineDash([]);
    {
      g.fillStyle = "#fff";
      g.beginPath();
      for (const c of comps) { g.moveTo(px(c.x) + 7, py(c.y)); g.arc(px(c.x), py(c.y), 7, 0, 2 * Math.PI); }
      g.fill();
    }
  }

  const t = S.tick;
  let drawn = 0;
  if (t) {
    const n = t.x.length;
    // Trails: the last seconds, one path for all robots.
    const tr = S.trails;
    if (tr && tr.count > 1) {
      g.strokeStyle = "rgba(120,200,255,0.45)";
      g.lineWidth = 1;
      g.beginPath();
      for (let r = 0; r < n; r++) {
        const base = r * TrailSamples;
        for (let k = 0; k < tr.count; k++) {
          const idx = base + ((tr.head - tr.count + k + TrailSamples) % TrailSamples);
          const X = px(tr.x[idx]), Y = py(tr.y[idx]);
          if (k === 0) g.moveTo(X, Y); else g.lineTo(X, Y);
        }
        g.lineTo(px(t.x[r]), py(t.y[r]));
      }
      g.stroke();
    }

    // Robots: a disc at half the safety radius (the distance the filter keeps between centres), a heading line.
    const radius = Math.max(2.5, 0.5 * (S.values.get("safety.radius_m") ?? 0.2) * view.s);
    const active = new Path2D(), other = new Path2D(), heads = new Path2D();
    for (let r = 0; r < n; r++) {
      const X = px(t.x[r]), Y = py(t.y[r]);
      const path = t.status[r] === 1 ? active : other;
      path.moveTo(X + radius, Y);
      path.arc(X, Y, radius, 0, 2 * Math.PI);
      heads.moveTo(X, Y);
      heads.lineTo(X + radius * 1.6 * Math.cos(t.yaw[r]), Y - radius * 1.6 * Math.sin(t.yaw[r]));
      drawn++;
    }
    g.fillStyle = "rgba(56,139,253,0.85)";
    g.fill(active);
    g.fillStyle = "rgba(140,140,140,0.75)";
    g.fill(other);
    g.strokeStyle = "#ffb000"; // stale or awaiting a pose: marked with a ring
    g.lineWidth = 1.5;
    g.stroke(other);
    g.strokeStyle = t.emergencyStop ? "#ff4040" : "#ffffff";
    g.lineWidth = t.emergencyStop ? 2 : 1;
    g.stroke(heads);
    if (t.emergencyStop) {
      g.strokeStyle = "#ff4040";
      g.lineWidth = 2;
      g.stroke(active);
    }
  }

  // The robot tapped, ringed.
  if (t && S.selected !== null && S.selected !== undefined && S.selected < t.x.length) {
    g.strokeStyle = "#ffe14d";
    g.lineWidth = 2;
    g.beginPath();
    g.arc(px(t.x[S.selected]), py(t.y[S.selected]), Math.max(6, 0.5 * (S.values.get("safety.radius_m") ?? 0.2) * view.s + 4), 0, 2 * Math.PI);
    g.stroke();
  }

  // The brush outline under the pointer.
  if (S.cursor && (S.tool === "add" || S.tool === "erase")) {
    g.strokeStyle = S.tool === "add" ? "#fff" : "#ff8080";
    g.lineWidth = 1;
    g.beginPath();
    g.arc(S.cursor.x, S.cursor.y, brushMetres() * view.s, 0, 2 * Math.PI);
    g.stroke();
  }
  frames.drawn = drawn;
}

function frame(now) {
  if (frames.last > 0) {
    frames.intervals[frames.n % frames.intervals.length] = now - frames.last;
    frames.n++;
  }
  frames.last = now;
  if (dirty) {
    dirty = false;
    const t0 = performance.now();
    draw();
    frames.draws[frames.nd % frames.draws.length] = performance.now() - t0;
    frames.nd++;
  }
  requestAnimationFrame(frame);
}

// ---- Painting ----

function brushMetres() {
  return Number($("brush").value) * (S.arena.x1 - S.arena.x0);
}

function startPaint() {
  if (S.paint || !S.map) return;
  S.paint = S.map.data.slice();
  S.undo = [];
  S.paintImage = heatImage(S.map.info.width, S.map.info.height, S.paint, null);
  $("paint-badge").hidden = false;
  updatePaintButtons();
}

function endPaint() {
  S.paint = null;
  S.undo = [];
  $("paint-badge").hidden = true;
  updatePaintButtons();
  dirty = true;
}

function updatePaintButtons() {
  $("undo").disabled = !S.paint || S.undo.length === 0;
  $("discard").disabled = !S.paint;
  $("send").disabled = !S.paint || !S.connected;
  $("clear").disabled = S.arena.dim !== 2 || !S.map;
}

function pushUndo() {
  S.undo.push(S.paint.slice());
  if (S.undo.length > 40) S.undo.shift();
}

function dab(x, y, erase) {
  const i = S.map.info, o = i.origin.position, res = i.resolution;
  const r = brushMetres();
  const c0 = Math.max(0, Math.floor((x - r - o.x) / res)), c1 = Math.min(i.width - 1, Math.floor((x + r - o.x) / res));
  const r0 = Math.max(0, Math.floor((y - r - o.y) / res)), r1 = Math.min(i.height - 1, Math.floor((y + r - o.y) / res));
  for (let j = r0; j <= r1; j++) {
    const cy = o.y + (j + 0.5) * res;
    for (let k = c0; k <= c1; k++) {
      const cx = o.x + (k + 0.5) * res;
      const d2 = ((cx - x) ** 2 + (cy - y) ** 2) / (r * r);
      if (d2 >= 1) continue;
      const f = 1 - d2;
      const idx = j * i.width + k;
      S.paint[idx] = erase ? Math.max(0, S.paint[idx] - Math.ceil(60 * f)) : Math.min(100, S.paint[idx] + Math.ceil(35 * f));
    }
  }
}

function strokeTo(x, y, erase) {
  const last = S.stroke;
  const step = Math.max(brushMetres() / 3, 1e-6);
  const d = Math.hypot(x - last.x, y - last.y);
  const k = Math.max(1, Math.ceil(d / step));
  for (let s = 1; s <= k; s++) dab(last.x + ((x - last.x) * s) / k, last.y + ((y - last.y) * s) / k, erase);
  S.stroke = { x, y };
  S.paintImage = heatImage(S.map.info.width, S.map.info.height, S.paint, S.paintImage);
  dirty = true;
}

function sendPaint() {
  if (!S.paint || !S.map) return;
  const m = S.map;
  const data = new Int8Array(S.paint.length);
  for (let i = 0; i < data.length; i++) data[i] = S.paint[i];
  const bytes = cdr.encodeOccupancyGrid({ header: { sec: 0, nanosec: 0, frameId: m.frameId }, info: m.info, data });
  if (!link.publish(S.info.topics.targetGrid, bytes)) {
    note("Not connected: the target was not sent.", true);
    return;
  }
  S.sentMapVersion = m.version;
  S.sentGrid = S.paint.slice();
  const version = m.version;
  note("Sent: waiting for the controller to take it…");
  setTimeout(() => {
    if (S.sentMapVersion === version) note("No new target map 5 s after sending: the controller has not taken it; check the messages.", true);
  }, 5000);
}

// ---- Mixture components ----

function components() {
  if (S.arena.dim !== 2 || S.values.get("target.type") !== "gaussian_mixture") return [];
  const means = S.drag?.means ?? S.values.get("target.means");
  const sig = S.values.get("target.sigmas");
  if (!Array.isArray(means) || means.length % 2 !== 0) return [];
  const out = [];
  for (let k = 0; k < means.length / 2; k++)
    out.push({ x: means[2 * k], y: means[2 * k + 1], sx: sig?.[2 * k] ?? 0.1, sy: sig?.[2 * k + 1] ?? 0.1 });
  return out;
}

// ---- Pointer ----

function pointerWorld(e) {
  const r = canvas.getBoundingClientRect();
  const x = e.clientX - r.left, y = e.clientY - r.top;
  return { cx: x, cy: y, x: wx(x), y: wy(y) };
}

canvas.addEventListener("pointerdown", (e) => {
  const p = pointerWorld(e);
  if (S.tool === "view") {
    selectRobotAt(p.cx, p.cy);
    return;
  }
  if ((S.tool === "add" || S.tool === "erase") && S.map) {
    canvas.setPointerCapture(e.pointerId);
    startPaint();
    pushUndo();
    S.stroke = { x: p.x, y: p.y };
    dab(p.x, p.y, S.tool === "erase");
    strokeTo(p.x, p.y, S.tool === "erase");
    updatePaintButtons();
  } else if (S.tool === "move") {
    const comps = components();
    let best = -1, bestD = 24;
    comps.forEach((c, k) => {
      const d = Math.hypot(px(c.x) - p.cx, py(c.y) - p.cy);
      if (d < bestD) { bestD = d; best = k; }
    });
    if (best >= 0) {
      canvas.setPointerCapture(e.pointerId);
      S.drag = { k: best, means: [...S.values.get("target.means")] };
    }
  }
});

canvas.addEventListener("pointermove", (e) => {
  const p = pointerWorld(e);
  S.cursor = { x: p.cx, y: p.cy };
  if (S.stroke && (e.buttons & 1)) strokeTo(p.x, p.y, S.tool === "erase");
  if (S.drag) {
    const a = S.arena;
    S.drag.means[2 * S.drag.k] = Math.min(a.x1, Math.max(a.x0, p.x));
    S.drag.means[2 * S.drag.k + 1] = Math.min(a.y1, Math.max(a.y0, p.y));
  }
  dirty = true;
});

function endPointer() {
  S.stroke = null;
  if (S.drag) {
    const means = S.drag.means.map((v) => Math.round(v * 1000) / 1000);
    S.drag = null;
    setParameter("target.means", means);
  }
  dirty = true;
}

canvas.addEventListener("pointerup", endPointer);
canvas.addEventListener("pointercancel", endPointer);
canvas.addEventListener("pointerleave", () => { S.cursor = null; dirty = true; });

// ---- The robot under a tap (View): its name, state and pose, kept up to date every tick ----

const StatusNames = ["awaiting a first pose", "active", "stale"];

function selectRobotAt(cx, cy) {
  const t = S.tick;
  S.selected = null;
  if (t) {
    let best = 20; // px: a finger's width
    for (let r = 0; r < t.x.length; r++) {
      const d = Math.hypot(px(t.x[r]) - cx, py(t.y[r]) - cy);
      if (d < best) { best = d; S.selected = r; }
    }
  }
  showSelected();
  dirty = true;
}

function showSelected() {
  const info = $("robot-info");
  const t = S.tick, r = S.selected;
  if (r === null || r === undefined || !t || r >= t.x.length) {
    info.hidden = true;
    return;
  }
  const name = S.robots[r] ?? `robot ${r}`;
  const deg = (t.yaw[r] * 180) / Math.PI;
  info.hidden = false;
  info.dataset.robot = name;
  info.textContent = `${name}: ${StatusNames[t.status[r]] ?? `status ${t.status[r]}`}, at (${t.x[r].toFixed(2)}, ${t.y[r].toFixed(2)}) m, heading ${deg.toFixed(0)}°, pose ${t.age[r].toFixed(2)} s old`;
}

// ---- Tools ----

function setTool(tool) {
  S.tool = tool;
  for (const b of document.querySelectorAll("#tool-group button")) b.classList.toggle("on", b.dataset.tool === tool);
  if (tool === "move")
    note(components().length === 0 ? "No mixture component to move: the inline target is not a Gaussian mixture." : "Drag a component's centre: it sets target.means (the inline mixture becomes the target).");
  dirty = true;
}

function note(text, error = false) {
  const n = $("tool-note");
  n.textContent = text;
  n.dataset.kind = error ? "error" : "info";
}

for (const b of document.querySelectorAll("#tool-group button")) b.addEventListener("click", () => setTool(b.dataset.tool));
$("brush").addEventListener("input", () => { $("brush-out").textContent = `${brushMetres().toFixed(2)} m`; dirty = true; });
$("undo").addEventListener("click", () => {
  if (!S.paint || !S.undo.length) return;
  S.paint = S.undo.pop();
  S.paintImage = heatImage(S.map.info.width, S.map.info.height, S.paint, S.paintImage);
  updatePaintButtons();
  dirty = true;
});
$("clear").addEventListener("click", () => {
  if (!S.map) return;
  startPaint();
  pushUndo();
  S.paint.fill(0);
  S.paintImage = heatImage(S.map.info.width, S.map.info.height, S.paint, S.paintImage);
  updatePaintButtons();
  dirty = true;
});
$("discard").addEventListener("click", () => { S.sentMapVersion = -1; endPaint(); note(""); });
$("send").addEventListener("click", sendPaint);

// ---- Emergency stop ----

function updateStopBanner() {
  const stopped = !!S.tick?.emergencyStop;
  // A dialog opened for an earlier stop must not release a later one, nor one already released.
  if ($("release-dialog").open && !stopped) $("release-dialog").close("cancel");
  if (S.stopPending !== null && stopped === S.stopPending.on) {
    S.stopPending = null;
    if ($("banner").dataset.kind === "alarm") $("banner").dataset.kind = "";
  }
  const b = $("estop");
  b.dataset.state = stopped ? "on" : "off";
  b.textContent = stopped ? "RELEASE" : "STOP";
  b.setAttribute("aria-label", stopped ? "Release the emergency stop" : "Emergency stop");
  const banner = $("banner");
  if (stopped) {
    banner.hidden = false;
    banner.dataset.kind = "stop";
    $("token-form").hidden = true;
    $("banner-text").textContent = "EMERGENCY STOP: every robot is commanded zero.";
  } else if (banner.dataset.kind === "stop" || banner.dataset.kind === "") {
    banner.hidden = true;
    banner.dataset.kind = "";
  }
}

function sendStop(on) {
  const what = on ? "emergency stop" : "release";
  if (!link.publish(S.info?.topics.emergencyStop ?? "", cdr.encodeBool(on))) {
    const why = !link.connected ? "not connected" : !link.has("clientPublish") ? "this server takes no client messages" : "the stop topic is not advertised";
    addMessage({ level: 2, message: `${why}: the ${what} was NOT sent`, id: "console.estop" });
    showStopAlarm(`The ${what} was NOT sent (${why}).`);
    return false;
  }
  // Confirmed only by the controller's own tick; until then the operator is told it is not.
  S.stopPending = { on, at: performance.now() };
  return true;
}

function showStopAlarm(text) {
  const banner = $("banner");
  banner.hidden = false;
  banner.dataset.kind = "alarm";
  $("token-form").hidden = true;
  $("banner-text").textContent = text;
}

// Watchdog: a stop or release the controller has not confirmed within a second, and ticks that stopped coming while
// the socket still looks open (a half-open connection on a failing Wi-Fi).
setInterval(() => {
  const now = performance.now();
  if (S.stopPending && now - S.stopPending.at > 1000)
    showStopAlarm(`${S.stopPending.on ? "STOP" : "RELEASE"} NOT CONFIRMED: the controller has not shown it for ${((now - S.stopPending.at) / 1000).toFixed(0)} s. Check the robots.`);
  const stale = S.connected && S.tickWall > 0 && now - S.tickWall > 1500;
  const conn = $("conn");
  if (stale) {
    conn.dataset.state = "lost";
    conn.textContent = `no data for ${((now - S.tickWall) / 1000).toFixed(0)} s`;
  } else if (S.connected && conn.dataset.state !== "connected") {
    conn.dataset.state = "connected";
    conn.textContent = "connected";
  }
}, 250);

$("estop").addEventListener("click", () => {
  if (S.tick?.emergencyStop) {
    $("release-dialog").returnValue = ""; // Esc or a back gesture closes it without this becoming "release"
    $("release-dialog").showModal();
    return;
  }
  S.estopTick = S.tick?.tick ?? null;
  $("estop").dataset.tick = String(S.estopTick);
  sendStop(true);
});

$("release-dialog").addEventListener("close", () => {
  if ($("release-dialog").returnValue === "release" && S.tick?.emergencyStop) sendStop(false);
});

// ---- Messages ----

const messageItems = new Map();
let messageSeq = 0;

function addMessage(m) {
  const list = $("messages");
  const id = m.id ?? `m${++messageSeq}`;
  messageItems.get(id)?.remove();
  const li = document.createElement("li");
  li.dataset.level = String(m.level);
  li.dataset.id = id;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = m.message;
  const x = document.createElement("button");
  x.type = "button";
  x.className = "small";
  x.textContent = "×";
  x.setAttribute("aria-label", "Dismiss");
  x.addEventListener("click", () => removeMessage(id));
  li.append(text, x);
  list.prepend(li);
  messageItems.set(id, li);
  while (list.children.length > 50) {
    const last = list.lastElementChild;
    messageItems.delete(last.dataset.id);
    last.remove();
  }
  $("dismiss-all").hidden = false;
}

function removeMessage(id) {
  messageItems.get(id)?.remove();
  messageItems.delete(id);
  if (messageItems.size === 0) $("dismiss-all").hidden = true;
}

$("dismiss-all").addEventListener("click", () => [...messageItems.keys()].forEach(removeMessage));

function onStatus(m) {
  // A refused setParameters is answered with this error before the reply that carries the values in force.
  if (m.level === 2 && m.message.startsWith("parameters not set"))
    for (const p of pendingSets.values()) if (!p.refusal && m.message.includes(`'${S.prefix}${p.name}'`)) p.refusal = m.message;
  if (m.level === 2 && S.info && m.message.includes(`'${S.info.topics.targetGrid}'`) && S.sentMapVersion >= 0) {
    S.sentMapVersion = -1;
    note(`Refused: ${m.message}`, true);
  }
  addMessage(m);
}

function onLog(l) {
  if (l.level < 30) return; // warnings and errors only
  addMessage({ level: l.level >= 40 ? 2 : 1, message: `[${l.name}] ${l.msg}` });
}

// ---- Parameters ----

function fmt(v) {
  if (!Number.isFinite(v)) return v > 0 ? "∞" : "-∞";
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(0) : String(v);
}

function rangeText(d) {
  if (d.type === "double" || d.type === "integer")
    return `${d.minExclusive ? "(" : "["}${fmt(d.min)}, ${fmt(d.max)}]${d.unit ? ` ${d.unit}` : ""}`;
  if (d.allowed?.length) return d.allowed.join(" | ");
  return d.unit ? d.unit : "";
}

/** A slider's span around the value in force: linear over a modest range, logarithmic over a wide one. */
function sliderSpan(d, v) {
  if (d.type !== "double" && d.type !== "integer") return null;
  const lo = Number.isFinite(d.min) ? d.min : -Infinity, hi = Number.isFinite(d.max) ? d.max : Infinity;
  if (Number.isFinite(lo) && Number.isFinite(hi) && hi - lo <= 100 && !(lo >= 0 && v > 0 && hi / v >= 100)) return { log: false, lo, hi };
  if (!(v > 0)) return null;
  return { log: true, lo: Math.max(lo > 0 ? lo : v / 1e3, v / 20), hi: Math.min(hi, v * 20) };
}

function buildParameters() {
  const box = $("params");
  box.replaceChildren();
  for (const d of S.info.parameters) {
    if (!d.runTime || !S.values.has(d.name)) continue;
    const row = document.createElement("div");
    row.className = "param";
    row.dataset.name = d.name;
    row.innerHTML = `<div class="head"><span class="name"></span><span class="range"></span></div><div class="row"></div><div class="result" role="status"></div><div class="desc"></div>`;
    row.querySelector(".name").textContent = d.name;
    row.querySelector(".range").textContent = rangeText(d);
    row.querySelector(".desc").textContent = d.description;
    const line = row.querySelector(".row");
    let input;
    if (d.allowed?.length) {
      input = document.createElement("select");
      for (const a of d.allowed) input.append(new Option(a, a));
    } else if (d.type === "bool") {
      input = Object.assign(document.createElement("input"), { type: "checkbox" });
    } else if (d.type === "double" || d.type === "integer") {
      input = Object.assign(document.createElement("input"), { type: "number", step: "any", inputMode: "decimal" });
      const slider = Object.assign(document.createElement("input"), { type: "range", min: "0", max: "1000", step: "1" });
      slider.setAttribute("aria-label", `${d.name} slider`);
      slider.addEventListener("input", () => {
        const span = slider.span;
        if (!span) return;
        const u = Number(slider.value) / 1000;
        const v = span.log ? span.lo * (span.hi / span.lo) ** u : span.lo + u * (span.hi - span.lo);
        input.value = d.type === "integer" ? String(Math.round(v)) : String(Number(v.toPrecision(4)));
      });
      slider.addEventListener("change", () => commit(d, input, row));
      line.append(slider);
      row.slider = slider;
    } else {
      input = Object.assign(document.createElement("input"), { type: "text", className: "wide", spellcheck: false });
    }
    input.setAttribute("aria-label", d.name);
    input.dataset.param = d.name;
    input.addEventListener("change", () => commit(d, input, row));
    line.append(input);
    row.input = input;
    box.append(row);
    showValue(row, d, S.values.get(d.name));
  }
}

/** The parameter's row, or null (rows are rebuilt on every connection). */
function rowOf(name) {
  return document.querySelector(`.param[data-name="${CSS.escape(name)}"]`);
}

function showValue(row, d, v) {
  const input = row.input;
  if (d.type === "bool") input.checked = !!v;
  else if (Array.isArray(v)) input.value = v.join(", ");
  else input.value = String(v);
  if (row.slider) {
    const span = sliderSpan(d, Number(v));
    row.slider.span = span;
    row.slider.hidden = !span;
    if (span) {
      const u = span.log ? Math.log(v / span.lo) / Math.log(span.hi / span.lo) : (v - span.lo) / (span.hi - span.lo);
      row.slider.value = String(Math.round(1000 * Math.min(1, Math.max(0, u))));
    }
  }
}

function parseInput(d, input) {
  if (d.type === "bool") return { value: input.checked };
  const text = input.value.trim();
  if (d.type === "double" || d.type === "integer") {
    if (text === "" || !Number.isFinite(Number(text))) return { error: text === "" ? "not a number" : `'${text}' is not a number` };
    return { value: Number(text), type: d.type === "double" ? "float64" : undefined };
  }
  if (d.type === "double_array") {
    const parts = text === "" ? [] : text.split(/[\s,;]+/).filter(Boolean);
    const xs = parts.map(Number);
    const bad = parts.find((p, i) => !Number.isFinite(xs[i]));
    if (bad !== undefined) return { error: `'${bad}' is not a number` };
    return { value: xs, type: "float64_array" };
  }
  if (d.type === "string_array") return { value: text === "" ? [] : text.split(",").map((x) => x.trim()).filter(Boolean) };
  return { value: text };
}

function commit(d, input, row) {
  const parsed = parseInput(d, input);
  if (parsed.error) {
    row.dataset.state = "refused";
    row.querySelector(".result").textContent = `${parsed.error}; not sent`;
    showValue(row, d, S.values.get(d.name));
    return;
  }
  setParameter(d.name, parsed.value, parsed.type);
}

function setParameter(name, value, type) {
  const d = S.descriptors.get(name);
  const row = rowOf(name);
  const id = `console.set.${nextSetId++}`;
  const p = { name: S.prefix + name, value };
  const hint = type ?? (d?.type === "double" ? "float64" : d?.type === "double_array" ? "float64_array" : undefined);
  if (hint) p.type = hint;
  if (!link.setParameters([p], id)) {
    if (row) { row.dataset.state = "refused"; row.querySelector(".result").textContent = "not connected: not sent"; showValue(row, d, S.values.get(name)); }
    return;
  }
  pendingSets.set(id, { name });
  if (row) { row.dataset.state = "pending"; row.querySelector(".result").textContent = "sent…"; }
}

function onParameterValues(params, id) {
  for (const p of params) {
    if (!p.name.startsWith(S.prefix)) continue;
    S.values.set(p.name.slice(S.prefix.length), p.value);
  }
  const pending = id ? pendingSets.get(id) : undefined;
  if (id === "console.all") buildParameters();
  else {
    for (const p of params) {
      const name = p.name.slice(S.prefix.length);
      const row = rowOf(name);
      if (!row) continue;
      if (pending && pending.name === name) continue;
      if (document.activeElement !== row.input) showValue(row, S.descriptors.get(name), S.values.get(name));
    }
  }
  if (pending) {
    pendingSets.delete(id);
    const row = rowOf(pending.name);
    if (row) {
      const d = S.descriptors.get(pending.name);
      showValue(row, d, S.values.get(pending.name));
      if (pending.refusal) {
        row.dataset.state = "refused";
        row.querySelector(".result").textContent = pending.refusal.replace(/^parameters not set, none applied: /, "refused: ").replace(/ \(op: setParameters\)$/, "");
      } else {
        row.dataset.state = "applied";
        row.querySelector(".result").textContent = "applied";
      }
    } else if (pending.refusal) note(`Refused: ${pending.refusal}`, true);
  }
  dirty = true;
}

// ---- Start ----

$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const t = $("token-input").value;
  if (t) sessionStorage.setItem(TokenKey, t);
  $("token-input").value = "";
  link.reconnectNow();
});

takeTokenFromUrl();
buildMetrics();
$("brush-out").textContent = "";
new ResizeObserver(resize).observe($("arena-wrap"));
window.addEventListener("resize", resize);
updatePaintButtons();
link.start();
requestAnimationFrame(frame);

/** What the page shows, for a reader that is not a person: the browser tests and the frame-time benchmark. */
window.swarmConsole = Object.freeze({
  get connected() { return S.connected; },
  get robots() { return S.tick ? S.tick.x.length : 0; },
  get drawn() { return frames.drawn; },
  get tick() { return S.tick?.tick ?? null; },
  get emergencyStop() { return !!S.tick?.emergencyStop; },
  get mapVersion() { return S.map?.version ?? 0; },
  get painting() { return !!S.paint; },
  value: (name) => S.values.get(name),
  /** World coordinates of a point of the arena canvas, relative to the viewport (for a pointer at x, y metres). */
  screenPoint(x, y) { const r = canvas.getBoundingClientRect(); return { x: r.left + px(x), y: r.top + py(y) }; },
  frameTimes() {
    const n = Math.min(frames.n, frames.intervals.length), nd = Math.min(frames.nd, frames.draws.length);
    return { intervals: Array.from(frames.intervals.subarray(0, n)), draws: Array.from(frames.draws.subarray(0, nd)) };
  },
  resetFrameTimes() { frames.n = 0; frames.nd = 0; frames.last = 0; },
});
