// The link graph in headless Chromium: a scan-shaped graph of 5,000 and 20,000 edges through
// the real AfterGlow model, bundled with esbuild (component + worker) and served locally.
// Reports time to a settled, drawn layout and the main thread's long tasks; checks hover,
// click → rows, drag → pin and export. Slow and needs Chromium: runs with FWGLOW_BROWSER=1
// (`FWGLOW_BROWSER=1 node --import tsx --test test/linkgraph-browser.test.ts`).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { chromium, type Page } from "playwright-core";

const enabled = process.env.FWGLOW_BROWSER === "1";
const out = join(tmpdir(), `fwglow-linkgraph-${process.pid}`);

// The page: psad-style "src, dst, dp" rows from a few scanners fanning out over honeynet
// hosts and ports plus background sources, built into a Graph with the book's color.nf.
const PAGE = `
import { linkGraph } from "${join(import.meta.dirname, "../src/components/linkgraph.ts")}";
import { buildGraph } from "${join(import.meta.dirname, "../src/lib/graph/model.ts")}";
import { parseConfig } from "${join(import.meta.dirname, "../src/lib/graph/config.ts")}";
const q = new URLSearchParams(location.search);
const E = Number(q.get("edges"));
let s = 1;
const rand = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const common = [21, 22, 23, 25, 53, 80, 110, 135, 139, 443, 445, 1433, 3306, 6667, 8080];
const scanners = [0, 1, 2, 3, 4, 5].map((i) => \`\${60 + i * 17}.\${i * 53}.\${i * 29}.\${10 + i}\`);
const rows = [];
const pairs = new Set();
while (pairs.size < E) {
  const scan = rand() < 0.7;
  const src = scan ? scanners[Math.floor(rand() ** 2 * 6)] : \`\${20 + Math.floor(rand() * 200)}.\${Math.floor(rand() * 255)}.\${Math.floor(rand() * 255)}.\${Math.floor(rand() * 255)}\`;
  const dst = scan ? \`11.11.\${72 + Math.floor(rand() * 8)}.\${1 + Math.floor(rand() * 250)}\` : \`11.11.79.\${1 + Math.floor(rand() * 120)}\`;
  const dp = scan && rand() < 0.4 ? 1024 + Math.floor(rand() * 4000) : common[Math.floor(rand() ** 2 * common.length)];
  const n = rand() < 0.1 ? 1 + Math.floor(rand() * 20) : 1;
  for (let k = 0; k < n; ++k) rows.push([src, " " + dst, " " + dp]);
  pairs.add(src + "," + dst).add(dst + "," + dp);
}
const graph = buildGraph(rows, { config: parseConfig(${JSON.stringify(await readFile(join(import.meta.dirname, "fixtures/afterglow/color.nf"), "utf8"))}, "color.nf") });
const longtasks = [];
const t0 = performance.now();
new PerformanceObserver((l) => l.getEntries().forEach((e) => e.startTime >= t0 && longtasks.push(Math.round(e.duration)))).observe({ type: "longtask" });
setTimeout(async () => {
  const el = linkGraph(graph, { width: 900, height: 650, maxEdges: Number(q.get("max") ?? 5000), rows });
  document.body.append(el);
  const settled = await el.settled;
  window.el = el;
  window.result = { nodes: graph.nodes.length, edges: graph.edges.length, ms: Math.round(settled.ms), ticks: settled.ticks, longtasks, note: el.querySelector("span").textContent };
});
`;

let server: ReturnType<typeof createServer>;
let origin = "";
before(async () => {
  if (!enabled) return;
  await build({
    stdin: { contents: PAGE, loader: "ts", resolveDir: import.meta.dirname },
    entryPoints: {
      "linkgraph-layout.worker": join(
        import.meta.dirname,
        "../src/components/linkgraph-layout.worker.ts",
      ),
    },
    bundle: true,
    format: "esm",
    splitting: true,
    outdir: out,
    logLevel: "error",
  });
  server = createServer(async (req, res) => {
    const name = new URL(req.url ?? "/", "http://x").pathname.slice(1) || "index.html";
    if (name === "index.html")
      return res.end(
        '<!doctype html><meta charset="utf-8"><script type="module" src="stdin.js"></script>',
      );
    const body = await readFile(join(out, name)).catch(() => undefined);
    if (body) res.writeHead(200, { "content-type": "text/javascript" }).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
after(() => server?.close());

async function open(
  query: string,
): Promise<{ page: Page; result: Record<string, unknown>; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
    ],
  });
  const page = await browser.newPage({ viewport: { width: 940, height: 1000 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${origin}/index.html?${query}`);
  await page.waitForFunction(() => "result" in window, null, { timeout: 120_000 });
  assert.deepEqual(errors, []);
  const result = await page.evaluate(
    () => (window as unknown as { result: Record<string, unknown> }).result,
  );
  return { page, result, close: () => browser.close() };
}

for (const [edges, max] of [
  [5000, 6000],
  [20000, 5000],
] as const) {
  test(`${edges} edges: laid out in the worker, main thread free`, { skip: !enabled }, async () => {
    const { result, close } = await open(`edges=${edges}&max=${max}`);
    console.log(JSON.stringify(result));
    assert.ok(
      (result.longtasks as number[]).every((d) => d < 200),
      "no long task ≥ 200 ms",
    );
    if (edges > max) assert.match(String(result.note), /^showing 5,000 of 20,0\d\d edges/);
    await close();
  });
}

test("hover, click for rows, drag to pin, export", { skip: !enabled }, async () => {
  const { page, close } = await open("edges=150");
  // A node's screen position from the SVG export (an ellipse's path starts at its right end).
  const node = await page.evaluate(() => {
    const el = (window as unknown as { el: HTMLElement & { toSVG(): string } }).el;
    const svg = el.toSVG();
    const [, tx, ty, k] = (
      /translate\(([-\d.e]+),([-\d.e]+)\) scale\(([-\d.e]+)\)/.exec(svg) ?? []
    ).map(Number);
    const m = /<path d="M([-\d.e]+),([-\d.e]+)C[^"]*" fill="[^"]*"><title>([^<]*)</.exec(svg) ?? [];
    const box = (el.querySelector("canvas") as HTMLCanvasElement).getBoundingClientRect();
    return {
      x: box.left + (tx as number) + (k as number) * (Number(m[1]) - 3),
      y: box.top + (ty as number) + (k as number) * Number(m[2]),
      label: m[3],
    };
  });
  await page.mouse.move(node.x, node.y);
  await page.waitForFunction(
    (label) =>
      document
        .querySelector("figure div[style*='pointer-events']")
        ?.textContent?.startsWith(label ?? ""),
    node.label,
  );
  await page.mouse.click(node.x, node.y);
  await page.waitForSelector("table tbody tr");
  const value = await page.evaluate(() => {
    const v = (
      window as unknown as {
        el: { value: { node: { label: string }; indices: number[]; rows: unknown[] } };
      }
    ).el.value;
    return { label: v.node.label, indices: v.indices.length, rows: v.rows.length };
  });
  assert.equal(value.label, node.label);
  assert.ok(value.indices > 0 && value.rows === value.indices);
  await page.mouse.down();
  await page.mouse.move(node.x + 60, node.y + 40, { steps: 8 });
  await page.mouse.up();
  assert.ok(
    await page.evaluate(() =>
      /stroke="black"/.test((window as unknown as { el: { toSVG(): string } }).el.toSVG()),
    ),
    "pinned",
  );
  const png = await page.evaluate(
    async () => (await (window as unknown as { el: { toPNG(): Promise<Blob> } }).el.toPNG()).size,
  );
  assert.ok(png > 10_000);
  await close();
});
