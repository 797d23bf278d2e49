// Frame times of the operator console in headless chromium (docs/console.md "Frame budget"): the page's own
// requestAnimationFrame intervals and the time each redraw took, while a live run streams its ticks.
//
// usage: node console-frames.mjs CONSOLE_URL [SECONDS=20] [WIDTHxHEIGHT=1280x800]
//   e.g. swarm-coverage simulate --live --params launch/bench_1000.yaml &  node tests/js/console-frames.mjs http://127.0.0.1:8765/
// Prints one JSON object: robots drawn, ticks seen, frames and redraws, and p50 / p95 / p99 / max of both, in ms.
import puppeteer from "puppeteer-core";

const [url, secondsArg = "20", sizeArg = "1280x800"] = process.argv.slice(2);
if (!url) {
  console.error("usage: node console-frames.mjs CONSOLE_URL [SECONDS] [WIDTHxHEIGHT]");
  process.exit(2);
}
const seconds = Number(secondsArg);
const [width, height] = sizeArg.split("x").map(Number);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const quantile = (xs, q) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const summary = (xs) => ({
  count: xs.length,
  p50: quantile(xs, 0.5),
  p95: quantile(xs, 0.95),
  p99: quantile(xs, 0.99),
  max: xs.length ? Math.max(...xs) : null,
});

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: "load" });
  const end = Date.now() + 30000;
  while (!(await page.evaluate(() => swarmConsole.connected && swarmConsole.drawn > 0))) {
    if (Date.now() > end) throw new Error("the console drew no robot within 30 s");
    await sleep(100);
  }
  await sleep(2000); // warm up: trails, plots, the JIT
  const tick0 = await page.evaluate(() => { swarmConsole.resetFrameTimes(); return swarmConsole.tick; });
  await sleep(seconds * 1000);
  const r = await page.evaluate(() => ({ ...swarmConsole.frameTimes(), drawn: swarmConsole.drawn, tick: swarmConsole.tick }));
  console.log(JSON.stringify({
    url, viewport: `${width}x${height}`, seconds, chromium: await browser.version(),
    robots: r.drawn, ticks: r.tick - tick0,
    frameIntervalMs: summary(r.intervals), redrawMs: summary(r.draws), errors,
  }, null, 1));
} finally {
  await browser.close();
}
