// The operator console in a real browser, for the xunit tests (tests/SwarmCoverage.App.Tests/Live/ConsoleBrowserTests.cs):
// Debian's chromium, headless, driven by puppeteer-core, against the console a `simulate --live` serves; what the
// console does is checked by an independent observer, Foxglove's own client (@foxglove/ws-protocol) with its ROS 2
// codec (@foxglove/rosmsg, @foxglove/rosmsg2-serialization), connected to the same server.
//
// usage: node console-browser.mjs CONSOLE_URL   then one JSON command a line on stdin:
//   {"op":"field","screenshots":DIR}   the scripted field session; emits "field" with everything it saw
//   {"op":"estop"}                     the emergency stop and its confirmed release; emits "estop"
//   {"op":"token","token":T}           a page without the token asks for it; emits "token"
//   {"op":"lost"} / {"op":"reconnected"}  waits for the page to show the connection lost / back; emits that event
//   {"op":"robots","count":N}          waits for the page to draw N robots; emits "robots"
//   {"op":"firefox","count":N,"screenshots":DIR}  the same page in Firefox ESR: N robots drawn, a phone screenshot
import WebSocket from "ws";
import wsProtocol from "@foxglove/ws-protocol";
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import puppeteer from "puppeteer-core";
import path from "node:path";
import { emit, onCommands, watchdog } from "./foxglove-common.mjs";

const { FoxgloveClient } = wsProtocol;
watchdog(240);
const consoleUrl = process.argv[2];
const wsUrl = consoleUrl.replace(/^http/, "ws").replace(/\?.*$/, ""); // https: gives wss:
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const APPROACH_TICKS = 4000; // 200 simulated seconds at 20 Hz: several times what the robots take on an idle machine

export const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

async function waitFor(what, check, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

// ---- The independent observer ----

class Observer {
  constructor(url) {
    this.ws = new WebSocket(url, ["foxglove.websocket.v1"]);
    this.client = new FoxgloveClient({ ws: this.ws });
    this.readers = new Map();
    this.topics = new Map();
    this.ticks = new Map(); // log time (string ns) -> tick
    this.commands = new Map(); // log time -> { n, nonzero }
    this.maps = []; // { data, wallMs }
    this.tickInputs = [];
    this.robots = 0;
    this.params = [];
    this.client.on("parameterValues", (p) => this.params.push(p));
    this.client.on("advertise", (list) => {
      for (const c of list) {
        const wanted = c.topic === "/swarm_coverage/tick_input" || c.topic === "/swarm_coverage/target_map" || c.topic.endsWith("/cmd_vel");
        if (!wanted) continue;
        if (c.topic.endsWith("/cmd_vel")) this.robots++;
        const id = this.client.subscribe(c.id);
        this.readers.set(id, new MessageReader(parse(c.schema, { ros2: true })));
        this.topics.set(id, c.topic);
      }
    });
    this.client.on("message", ({ subscriptionId, timestamp, data }) => {
      const topic = this.topics.get(subscriptionId);
      const m = this.readers.get(subscriptionId).readMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const key = String(timestamp);
      if (topic === "/swarm_coverage/tick_input") {
        this.ticks.set(key, Number(m.tick));
        this.tickInputs.push(m);
        if (this.tickInputs.length > 4000) this.tickInputs.splice(0, 1000);
      } else if (topic === "/swarm_coverage/target_map") {
        const last = this.maps.at(-1);
        const d = Int8Array.from(m.data);
        if (!last || last.data.length !== d.length || last.data.some((v, i) => v !== d[i])) this.maps.push({ data: d, info: m.info, wallMs: Date.now() });
      } else {
        const tw = m.linear ? m : m.twist;
        const c = this.commands.get(key) ?? { n: 0, nonzero: 0 };
        c.n++;
        if (tw.linear.x !== 0 || tw.angular.z !== 0) c.nonzero++;
        this.commands.set(key, c);
      }
    });
  }

  get lastTick() {
    return this.tickInputs.at(-1);
  }

  /** Per tick from `after` on: [tick, robots commanded, robots commanded non-zero]. */
  commandsByTick(after) {
    const rows = [];
    for (const [key, c] of this.commands) {
      const tick = this.ticks.get(key);
      if (tick !== undefined && tick > after && c.n === this.robots) rows.push([tick, c.n, c.nonzero]);
    }
    return rows.sort((a, b) => a[0] - b[0]);
  }

  getParameter(name) {
    const id = `obs${this.params.length}-${Math.random()}`;
    this.client.getParameters([name], id);
    return waitFor(`parameter ${name}`, () => this.params.find((p) => p.id === id)).then((p) => p.parameters[0]?.value);
  }

  close() {
    this.client.close();
  }
}

// ---- The browser ----

let browser;
let page;
const errors = [];
let bytesServed = 0;

/** @param insecure accept the test's self-signed certificate (a TLS run) */
async function openBrowser(insecure = false) {
  browser = await puppeteer.launch({
    executablePath: chromiumPath,
    headless: true,
    acceptInsecureCerts: insecure,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", ...(insecure ? ["--ignore-certificate-errors"] : [])],
  });
}

async function newPage(url, viewport = { width: 1280, height: 800 }) {
  const context = await browser.createBrowserContext(); // its own session storage
  const p = await context.newPage();
  await p.setViewport(viewport);
  p.on("console", (m) => { if (m.type() === "error") errors.push(`console: ${m.text()}`); });
  p.on("pageerror", (e) => errors.push(`page: ${e.message}`));
  p.on("requestfailed", (r) => errors.push(`request failed: ${r.method()} ${r.resourceType()} ${r.url()} ${r.failure()?.errorText}`));
  p.on("response", async (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
    else if (r.request().resourceType() !== "websocket") {
      try { bytesServed += (await r.buffer()).length; } catch { /* a redirect or a websocket */ }
    }
  });
  await p.goto(url, { waitUntil: "load" });
  return p;
}

const state = (p) => p.evaluate(() => ({
  connected: swarmConsole.connected, robots: swarmConsole.robots, drawn: swarmConsole.drawn, tick: swarmConsole.tick,
  estop: swarmConsole.emergencyStop, mapVersion: swarmConsole.mapVersion, painting: swarmConsole.painting,
  conn: document.getElementById("conn").dataset.state, summaryRobots: document.getElementById("summary").dataset.robots,
}));

async function setField(p, name, text) {
  const sel = `input[data-param="${name}"]`;
  await p.click(sel);
  await p.keyboard.down("Control");
  await p.keyboard.press("KeyA");
  await p.keyboard.up("Control");
  await p.keyboard.type(text);
  await p.keyboard.press("Enter");
}

async function paramRow(p, name) {
  return p.$eval(`.param[data-name="${name}"]`, (row) => ({
    state: row.dataset.state ?? "", result: row.querySelector(".result").textContent, value: row.querySelector("[data-param]").value,
  }));
}

async function drag(p, points) {
  const first = await p.evaluate(([x, y]) => swarmConsole.screenPoint(x, y), points[0]);
  await p.mouse.move(first.x, first.y);
  await p.mouse.down();
  for (const pt of points.slice(1)) {
    const s = await p.evaluate(([x, y]) => swarmConsole.screenPoint(x, y), pt);
    await p.mouse.move(s.x, s.y, { steps: 4 });
  }
  await p.mouse.up();
}

const centroid = (map) => {
  const { width, height, resolution, origin } = map.info;
  let m = 0, x = 0, y = 0;
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++) {
      const v = Math.max(0, map.data[j * width + i]);
      m += v; x += v * (origin.position.x + (i + 0.5) * resolution); y += v * (origin.position.y + (j + 0.5) * resolution);
    }
  return { mass: m, x: x / m, y: y / m };
};

const massNear = (map, cx, cy, r) => {
  const { width, height, resolution, origin } = map.info;
  let near = 0, all = 0;
  for (let j = 0; j < height; j++)
    for (let i = 0; i < width; i++) {
      const v = Math.max(0, map.data[j * width + i]);
      all += v;
      if (Math.hypot(origin.position.x + (i + 0.5) * resolution - cx, origin.position.y + (j + 0.5) * resolution - cy) < r) near += v;
    }
  return near / all;
};

function shareNear(t, cx, cy, r) {
  let k = 0;
  for (let i = 0; i < t.x.length; i++) if (Math.hypot(t.x[i] - cx, t.y[i] - cy) < r) k++;
  return k / t.x.length;
}

function meanDistance(t, cx, cy) {
  let s = 0;
  for (let i = 0; i < t.x.length; i++) s += Math.hypot(t.x[i] - cx, t.y[i] - cy);
  return s / t.x.length;
}

async function field(cmd) {
  const out = {};
  const obs = new Observer(wsUrl);
  await waitFor("the observer's first tick", () => obs.lastTick && obs.maps.length > 0);
  out.observerRobots = obs.robots;
  if (!browser) await openBrowser();
  page = await newPage(consoleUrl);
  const p = page;
  await waitFor("the console connected with robots drawn", async () => { const s = await state(p); return s.connected && s.drawn > 0 && s.mapVersion > 0; });
  await sleep(1500); // trails
  out.loaded = await state(p);
  out.title = await p.title();
  out.laptopScreenshot = path.join(cmd.screenshots, "console-laptop.png");
  await p.screenshot({ path: out.laptopScreenshot });

  // A tap on a robot names it and says its state.
  const r0 = obs.lastTick;
  const at0 = await p.evaluate(([x, y]) => swarmConsole.screenPoint(x, y), [r0.x[0], r0.y[0]]);
  await p.mouse.click(at0.x, at0.y);
  await sleep(300);
  out.tapped = await p.$eval("#robot-info", (i) => ({ hidden: i.hidden, robot: i.dataset.robot ?? "", text: i.textContent }));

  // A parameter change applied, and a refused one shown with the server's reason and snapped back.
  await setField(p, "velocity_gain", "0.3");
  await waitFor("velocity_gain applied", async () => (await paramRow(p, "velocity_gain")).state === "applied");
  out.applied = { row: await paramRow(p, "velocity_gain"), observer: await obs.getParameter("/swarm_coverage.velocity_gain") };
  await setField(p, "safety.radius_m", "-1");
  await waitFor("safety.radius_m refused", async () => (await paramRow(p, "safety.radius_m")).state === "refused");
  out.refused = { row: await paramRow(p, "safety.radius_m"), observer: await obs.getParameter("/swarm_coverage.safety.radius_m") };
  // The server's status message is listed, and dismissed.
  const msgs = () => p.$$eval("#messages li", (lis) => lis.map((li) => ({ level: li.dataset.level, text: li.querySelector(".text").textContent })));
  out.messages = await msgs();
  const refusal = await p.$$("#messages li[data-level='2'] button");
  if (refusal.length) await refusal[0].click();
  out.messagesAfterDismiss = await msgs();

  // Drag the centre of the first mixture component: the controller's target.means follow.
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.click("#tool-move");
  const means = await p.evaluate(() => swarmConsole.value("target.means"));
  const to = [means[0] + 0.5, means[1] - 0.7]; // toward the bottom, away from where the next step paints
  const mapsBeforeDrag = obs.maps.length;
  await drag(p, [[means[0], means[1]], [means[0] + 0.25, means[1] - 0.35], to]);
  const dragged = await waitFor("the moved mean", async () => { const v = await obs.getParameter("/swarm_coverage.target.means"); return v[0] !== means[0] ? v : null; }, 10000);
  await waitFor("the target map of the moved component", () => obs.maps.length > mapsBeforeDrag, 10000).catch(() => {});
  out.drag = { from: means, to, observed: dragged, newMap: obs.maps.length > mapsBeforeDrag };
  await p.click("button[data-tool=view]");

  // Paint a target: clear, paint the upper right, paint the lower left and undo that stroke, send.
  const arena = await p.evaluate(() => { const r = document.getElementById("arena").getBoundingClientRect(); return { w: r.width, h: r.height }; });
  const map0 = obs.maps.at(-1);
  const o = map0.info.origin.position, W = map0.info.width * map0.info.resolution, H = map0.info.height * map0.info.resolution;
  const paintAt = { x: o.x + 0.2 * W, y: o.y + 0.72 * H }; // upper left: away from both components
  const undoAt = { x: o.x + 0.85 * W, y: o.y + 0.2 * H };
  out.arenaPixels = arena;
  out.paintAt = paintAt;
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.click("#clear");
  await p.click("button[data-tool=add]");
  await p.$eval("#brush", (b) => { b.value = "0.14"; b.dispatchEvent(new Event("input")); });
  const r = 0.1 * W;
  for (let k = 0; k < 3; k++)
    await drag(p, [[paintAt.x - r, paintAt.y], [paintAt.x, paintAt.y + r], [paintAt.x + r, paintAt.y], [paintAt.x, paintAt.y - r], [paintAt.x - r, paintAt.y]]);
  // Erase a small spot at the centre of the painted disc.
  await p.click("button[data-tool=erase]");
  await p.$eval("#brush", (b) => { b.value = "0.03"; b.dispatchEvent(new Event("input")); });
  await drag(p, [[paintAt.x - 0.01 * W, paintAt.y], [paintAt.x + 0.01 * W, paintAt.y]]);
  await p.click("button[data-tool=add]");
  await drag(p, [[undoAt.x - r, undoAt.y], [undoAt.x + r, undoAt.y]]);
  await p.click("#undo");
  const before = meanDistance(obs.lastTick, paintAt.x, paintAt.y);
  const near = 0.28 * W; // the painted disc: the strokes' radius and the brush's
  const shareBefore = shareNear(obs.lastTick, paintAt.x, paintAt.y, near);
  const mapsBefore = obs.maps.length;
  out.paintScreenshot = path.join(cmd.screenshots, "console-painting.png");
  await p.screenshot({ path: out.paintScreenshot });
  await p.click("#send");
  const painted = await waitFor("the target map the painted target gives", () => obs.maps.length > mapsBefore && obs.maps.at(-1), 20000);
  const cell = (m, x, y) => m.data[Math.floor((y - m.info.origin.position.y) / m.info.resolution) * m.info.width + Math.floor((x - m.info.origin.position.x) / m.info.resolution)];
  out.paintedMap = { ...centroid(painted), erasedCentre: cell(painted, paintAt.x, paintAt.y), paintedRing: cell(painted, paintAt.x + r, paintAt.y), nearPaint: massNear(painted, paintAt.x, paintAt.y, near), nearUndone: massNear(painted, undoAt.x, undoAt.y, 0.1 * W), nearPaintBefore: massNear(map0, paintAt.x, paintAt.y, near) };
  await waitFor("the page to leave painting", async () => !(await state(p)).painting, 10000);
  out.paintNote = await p.$eval("#tool-note", (n) => n.textContent);
  // Bounded in simulated time (ticks), not wall time: a loaded machine runs the simulation behind its speed factor.
  const paintTick = Number(obs.lastTick.tick);
  const gathered = () => shareNear(obs.lastTick, paintAt.x, paintAt.y, near) >= 0.5 && meanDistance(obs.lastTick, paintAt.x, paintAt.y) < 0.75 * before;
  await waitFor("the robots gathering in the painted area", () => gathered() || Number(obs.lastTick.tick) - paintTick > APPROACH_TICKS, 150000).catch(() => {});
  out.approach = { before, after: meanDistance(obs.lastTick, paintAt.x, paintAt.y), shareBefore, shareAfter: shareNear(obs.lastTick, paintAt.x, paintAt.y, near), near, ticks: Number(obs.lastTick.tick) - paintTick };

  // A painted target of nothing: refused by the server, the reason shown.
  await p.click("#clear");
  await p.click("#send");
  await waitFor("the empty target's refusal", async () => (await p.$eval("#tool-note", (n) => n.dataset.kind)) === "error", 10000).catch(() => {});
  out.emptyNote = await p.$eval("#tool-note", (n) => ({ kind: n.dataset.kind, text: n.textContent }));
  await p.click("#discard");
  await p.click("button[data-tool=view]");

  // A phone: no sideways scrolling, the stop button on screen at the top and after scrolling to the bottom.
  await p.setViewport({ width: 360, height: 740, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await sleep(1200);
  const onScreen = () => p.$eval("#estop", (b) => { const r = b.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth && r.width >= 44; });
  out.phone = { scrollWidth: await p.evaluate(() => document.documentElement.scrollWidth), stopOnScreen: await onScreen() };
  out.phoneScreenshot = path.join(cmd.screenshots, "console-phone.png");
  await p.screenshot({ path: out.phoneScreenshot });
  await p.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await sleep(200);
  out.phone.stopOnScreenScrolled = await onScreen();
  out.phone.robots = (await state(p)).drawn;
  out.bytesServed = bytesServed;
  out.errors = errors.slice();
  obs.close();
  await p.close();
  return out;
}

async function estop() {
  const out = {};
  const obs = new Observer(wsUrl);
  await waitFor("the observer's first tick", () => obs.lastTick);
  if (!browser) await openBrowser();
  const p = await newPage(consoleUrl);
  await waitFor("the console connected with robots drawn", async () => { const s = await state(p); return s.connected && s.drawn > 0; });
  await waitFor("the robots moving", () => obs.commandsByTick(0).some((x) => x[2] > 0), 10000);
  // The emergency stop: one tap; every command zero within two ticks of the tick the page showed.
  await p.click("#estop");
  const clickedAt = Number(await p.$eval("#estop", (b) => b.dataset.tick));
  await waitFor("the page showing the stop", async () => (await state(p)).estop, 10000);
  await waitFor("ticks after the stop", () => obs.commandsByTick(clickedAt).length >= 6, 10000);
  const rows = obs.commandsByTick(clickedAt);
  const firstZero = rows.find(([, , nz], i) => nz === 0 && rows.slice(i).every((x) => x[2] === 0));
  // The tick from which the controller had the stop in force (its own tick_input says so): the page-to-server
  // delay is the socket's and the machine's; the controller's part is that commands are zero from that tick on.
  const inForce = obs.tickInputs.find((t) => Number(t.tick) > clickedAt && t.emergency_stop);
  out.estop = { clickedAt, inForceTick: inForce ? Number(inForce.tick) : null, rows: rows.slice(0, 8), firstZeroTick: firstZero ? firstZero[0] : null, banner: await p.$eval("#banner-text", (b) => b.textContent), button: await p.$eval("#estop", (b) => b.textContent) };

  // Release needs a confirmation: cancel keeps it stopped, confirm releases.
  await p.click("#estop");
  out.dialogOpen = await p.$eval("#release-dialog", (d) => d.open);
  await p.click("#release-cancel");
  await sleep(600);
  out.afterCancel = { estop: (await state(p)).estop, dialogOpen: await p.$eval("#release-dialog", (d) => d.open), nonzero: obs.commandsByTick(clickedAt).slice(-3).map((x) => x[2]) };
  await p.click("#estop");
  await p.click("#release-confirm");
  await waitFor("the page showing the release", async () => !(await state(p)).estop, 10000);
  const releasedAt = obs.lastTick ? Number(obs.lastTick.tick) : 0;
  await waitFor("moving again", () => obs.commandsByTick(releasedAt).some((x) => x[2] > 0), 10000).catch(() => {});
  out.afterRelease = { moving: obs.commandsByTick(releasedAt).some((x) => x[2] > 0) };

  // Stopped again: the release dialog closed with Esc (or a phone's back gesture) releases nothing, even after a
  // release was confirmed once.
  await p.click("#estop");
  await waitFor("the page showing the second stop", async () => (await state(p)).estop, 10000);
  const second = Number(obs.lastTick.tick);
  await p.click("#estop");
  const escOpen = await p.$eval("#release-dialog", (d) => d.open);
  await p.keyboard.press("Escape");
  await sleep(600);
  out.afterEscape = { dialogWasOpen: escOpen, estop: (await state(p)).estop, nonzero: obs.commandsByTick(second + 2).map((x) => x[2]) };
  await p.click("#estop");
  await p.click("#release-confirm");
  await waitFor("the page showing the second release", async () => !(await state(p)).estop, 10000);

  out.errors = errors.slice();
  obs.close();
  await p.close();
  return out;
}

async function token(cmd) {
  if (!browser) await openBrowser();
  page = await newPage(consoleUrl);
  const p = page;
  const out = {};
  await waitFor("the token form", () => p.$eval("#token-form", (f) => !f.hidden), 20000);
  out.asked = { conn: (await state(p)).conn, banner: await p.$eval("#banner-text", (b) => b.textContent) };
  await p.type("#token-input", cmd.token);
  await p.keyboard.press("Enter");
  await waitFor("connected with the token", async () => (await state(p)).connected && (await state(p)).robots > 0, 20000);
  out.connected = await state(p);
  out.url = p.url();
  out.stored = await p.evaluate(() => sessionStorage.getItem("swarm_coverage.token"));

  // Loaded with ?token=: it connects, and the token leaves the address bar at once.
  const p2 = await newPage(`${consoleUrl}?token=${encodeURIComponent(cmd.token)}`);
  out.urlWithToken = { immediately: p2.url() };
  await waitFor("the second page connected", async () => (await state(p2)).connected, 20000);
  out.urlWithToken.connected = true;
  out.urlWithToken.stored = await p2.evaluate(() => sessionStorage.getItem("swarm_coverage.token"));
  await p2.close();
  out.errors = errors.filter((e) => !e.includes("WebSocket")); // the refused upgrade is logged by the browser itself
  return out;
}

/** Firefox ESR (puppeteer over WebDriver BiDi): the page connects and draws every robot, with no page error; a phone-size screenshot. */
async function firefox(cmd) {
  const ff = await puppeteer.launch({ browser: "firefox", executablePath: process.env.FIREFOX ?? "/usr/bin/firefox-esr", headless: true });
  try {
    const p = await ff.newPage();
    const pageErrors = [];
    p.on("pageerror", (e) => pageErrors.push(e.message));
    await p.setViewport({ width: 360, height: 740 });
    await p.goto(consoleUrl, { waitUntil: "load" });
    await waitFor(`${cmd.count} robots drawn in Firefox`, async () => (await state(p)).drawn === cmd.count, 30000);
    const out = { version: await ff.version(), state: await state(p) };
    out.scrollWidth = await p.evaluate(() => document.documentElement.scrollWidth);
    out.stopOnScreen = await p.$eval("#estop", (b) => { const r = b.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth; });
    out.screenshot = `${cmd.screenshots}/console-firefox-phone.png`;
    await p.screenshot({ path: out.screenshot });
    out.errors = pageErrors;
    return out;
  } finally {
    await ff.close();
  }
}

onCommands(async (cmd) => {
  try {
    if (cmd.op === "field") emit("field", await field(cmd));
    else if (cmd.op === "token") emit("token", await token(cmd));
    else if (cmd.op === "firefox") emit("firefox", await firefox(cmd));
    else if (cmd.op === "estop") emit("estop", await estop());
    else if (cmd.op === "lost") {
      await waitFor("the page showing the connection lost", async () => ["lost", "refused", "connecting"].includes((await state(page)).conn) && !(await state(page)).connected, 20000);
      const banner = await page.$eval("#banner-text", (b) => b.textContent);
      // A stop tapped now cannot reach anyone: the page must say so, not look as if it stopped.
      await page.click("#estop");
      const afterTap = await page.$eval("#banner", (b) => ({ kind: b.dataset.kind, text: b.querySelector("#banner-text").textContent, hidden: b.hidden }));
      emit("lost", { state: await state(page), banner, afterTap });
    } else if (cmd.op === "reconnected") {
      await waitFor("the page connected again", async () => (await state(page)).connected && (await state(page)).robots > 0, 40000);
      emit("reconnected", { state: await state(page) });
    } else if (cmd.op === "robots") {
      if (!browser) await openBrowser(!!cmd.insecure);
      page ??= await newPage(consoleUrl);
      await waitFor(`${cmd.count} robots drawn`, async () => (await state(page)).drawn === cmd.count, 60000);
      emit("robots", { state: await state(page), url: page.url(), errors: errors.slice() });
    } else if (cmd.op === "close") {
      await browser?.close();
      browser = undefined;
      emit("closed");
    }
  } catch (e) {
    emit(cmd.op, { error: String(e?.stack ?? e), errors: errors.slice() });
  }
});
