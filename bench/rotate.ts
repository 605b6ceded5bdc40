// The 3D point graph under the mouse in Chromium: the explorer's point graph with 10,000
// points (the honeynet log's most frequent src/dst/dp triples), rotated by dragging and then
// hovered, as a reader would. Reports every frame's interval (requestAnimationFrame) and the
// long tasks (over 50 ms) while the mouse moves. Needs `npm run build`.
//
//   node --import tsx bench/rotate.ts [STEPS]
import { launch, serveDist, settled } from "../test/browser/harness.js";

type Win = {
  __explorer: { updated: Promise<number>; dataset: DOMStringMap };
  __frames?: number[];
  __long?: number[];
};
const steps = Number(process.argv[2] ?? 120);
const site = await serveDist();
const browser = await launch();
try {
  const page = await browser.context.newPage();
  // Every TCP/UDP/ICMP triple: far more than the 10,000 points drawn.
  await page.goto(`${site.origin}/explorer#fields=src+dst+dp&regex=`, {
    waitUntil: "domcontentloaded",
    timeout: 120_000,
  });
  await settled(page, 120_000);
  await page.waitForFunction(() => (window as unknown as Win).__explorer !== undefined);
  await page.evaluate(() => (window as unknown as Win).__explorer.updated);
  await page.waitForFunction(
    () => (window as unknown as Win).__explorer.dataset.findings === "done",
    undefined,
    { timeout: 120_000 },
  );
  const caption = await page.textContent("#explorer-points .muted");
  const stage = page.locator("#explorer-points figure.scatter3d > div").first();
  await stage.scrollIntoViewIfNeeded();
  // The reader scrolls to the figure, then takes the mouse: let the scrolled page paint first.
  await page.waitForTimeout(1000);
  const box = await stage.boundingBox();
  if (!box) throw new Error("no point graph");
  // A string, not a function: tsx would wrap the inner named closures in a `__name` helper
  // that does not exist in the page.
  const record = () =>
    page.evaluate(`(() => {
      const w = window;
      w.__frames = [];
      w.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__long?.push(e.duration);
      }).observe({ type: "longtask" });
      let last = performance.now();
      requestAnimationFrame(function tick(t) {
        w.__frames?.push(t - last);
        last = t;
        if (w.__frames) requestAnimationFrame(tick);
      });
    })()`);
  const collect = () =>
    page.evaluate(() => {
      const w = window as unknown as Win;
      const out = { frames: w.__frames ?? [], long: w.__long ?? [] };
      w.__frames = undefined;
      return out;
    });
  const report = (what: string, r: { frames: number[]; long: number[] }) => {
    const f = r.frames.slice(1).sort((a, b) => a - b);
    const q = (p: number) => f[Math.min(f.length - 1, Math.floor(p * f.length))] ?? 0;
    console.log(
      `${what}: ${f.length} frames, median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, longest ${q(1).toFixed(1)} ms; long tasks (>50 ms): ${r.long.length}${r.long.length ? ` (longest ${Math.max(...r.long).toFixed(0)} ms)` : ""}`,
    );
  };
  console.log(`point graph: ${caption?.trim()}`);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await record();
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    const a = (2 * Math.PI * i) / steps;
    await page.mouse.move(cx + 150 * Math.sin(a), cy + 80 * Math.sin(2 * a));
  }
  await page.mouse.up();
  report(`rotating (${steps} drag steps)`, await collect());
  await record();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(box.x + (box.width * i) / (steps + 1), cy + 60 * Math.sin(i / 7));
  }
  report(`hovering (${steps} moves)`, await collect());
} finally {
  await browser.close();
  await site.close();
}
