// A page holding only the link-graph component (bundled with esbuild, its layout worker
// beside it) on a scan-shaped graph built by the real AfterGlow model with the book's
// color.nf. `?edges=N&max=M`: N distinct edges, at most M drawn. The page sets
// `window.result` once the first layout has settled: nodes, edges, ms (creation → settled
// and drawn), ticks, the main thread's long tasks, and the figure's note. Used by
// test/browser/linkgraph.test.ts and bench/linkgraph.ts.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import type { Page } from "playwright-core";
import { serve } from "../../scripts/serve.js";
import type { Browser } from "./harness.js";

const here = import.meta.dirname;

const PAGE = (colorNf: string) => `
import { linkGraph } from "${join(here, "../../src/components/linkgraph.ts")}";
import { buildGraph } from "${join(here, "../../src/lib/graph/model.ts")}";
import { parseConfig } from "${join(here, "../../src/lib/graph/config.ts")}";
import { scanRows } from "${join(here, "scan-rows.ts")}";
const q = new URLSearchParams(location.search);
const rows = scanRows(Number(q.get("edges")));
const graph = buildGraph(rows, { config: parseConfig(${JSON.stringify(colorNf)}, "color.nf") });
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

export interface LinkGraphResult {
  nodes: number;
  edges: number;
  ms: number;
  ticks: number;
  longtasks: number[];
  note: string;
}

export interface LinkGraphSite {
  /** Opens the page for `?query` in a new tab; resolves when the layout has settled. */
  open(browser: Browser, query: string): Promise<{ page: Page; result: LinkGraphResult }>;
  close(): Promise<void>;
}

export async function serveLinkGraphPage(): Promise<LinkGraphSite> {
  const dir = await mkdtemp(join(tmpdir(), "fwglow-linkgraph-"));
  const colorNf = await readFile(join(here, "../fixtures/afterglow/color.nf"), "utf8");
  await build({
    stdin: { contents: PAGE(colorNf), loader: "ts", resolveDir: here },
    entryPoints: {
      "linkgraph-layout.worker": join(here, "../../src/components/linkgraph-layout.worker.ts"),
    },
    bundle: true,
    format: "esm",
    splitting: true,
    outdir: dir,
    logLevel: "error",
  });
  await writeFile(
    join(dir, "index.html"),
    '<!doctype html><meta charset="utf-8"><script type="module" src="stdin.js"></script>',
  );
  const { server, origin } = await serve(dir, 0);
  return {
    async open(browser, query) {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${origin}/index.html?${query}`);
      await page.waitForFunction(() => "result" in window, null, { timeout: 120_000 });
      if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
      const result = await page.evaluate(
        () => (window as unknown as { result: LinkGraphResult }).result,
      );
      return { page, result };
    },
    async close() {
      await new Promise<void>((ok) => server.close(() => ok()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
