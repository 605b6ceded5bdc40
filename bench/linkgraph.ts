// The link-graph component in headless Chromium (test/browser/linkgraph-page.ts): a
// scan-shaped graph of 5,000 edges drawn whole and one of 20,000 reduced to 5,000, from
// component creation to a settled, drawn layout, with the longest main-thread task. The
// reference, measured in the same run: Graphviz neato (WebAssembly, as `fwglow render`) laying
// out the same 5,000-edge graph's DOT.
//   node --import tsx bench/linkgraph.ts [--runs 3] [--no-neato]
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { layout } from "../src/cli/render.js";
import { parseConfig } from "../src/lib/graph/config.js";
import { toDot } from "../src/lib/graph/dot.js";
import { buildGraph } from "../src/lib/graph/model.js";
import { launch } from "../test/browser/harness.js";
import { serveLinkGraphPage } from "../test/browser/linkgraph-page.js";
import { scanRows } from "../test/browser/scan-rows.js";

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;

const site = await serveLinkGraphPage();
const results: Record<string, { ms: number[]; longest: number[]; note: string }> = {};
try {
  for (const [edges, max] of [
    [5000, 6000],
    [20000, 5000],
  ]) {
    const key = `${edges.toLocaleString("en-US")} edges`;
    results[key] = { ms: [], longest: [], note: "" };
    for (let r = 0; r < runs; r++) {
      const browser = await launch(); // a fresh profile each run: cold cache
      const { result } = await site.open(browser, `edges=${edges}&max=${max}`);
      results[key].ms.push(result.ms);
      results[key].longest.push(Math.max(0, ...result.longtasks));
      results[key].note = result.note;
      await browser.close();
    }
  }
} finally {
  await site.close();
}

console.log(
  `link graph in Chromium, median of ${runs} (creation → first layout settled and drawn):`,
);
for (const [key, r] of Object.entries(results))
  console.log(
    `  ${key}: ${median(r.ms)} ms (runs ${r.ms.join(", ")}), longest main-thread task ${Math.max(...r.longest)} ms — ${r.note}`,
  );

if (!args.includes("--no-neato")) {
  const colorNf = await readFile(
    join(import.meta.dirname, "../test/fixtures/afterglow/color.nf"),
    "utf8",
  );
  const dot = toDot(buildGraph(scanRows(5000), { config: parseConfig(colorNf, "color.nf") }));
  const t0 = performance.now();
  await layout(dot, "svg", "neato");
  const neato = performance.now() - t0;
  const ours = median(results["5,000 edges"]?.ms ?? []);
  console.log(
    `neato (wasm Graphviz) on the same 5,000-edge DOT: ${Math.round(neato)} ms — the browser component is ${(neato / ours).toFixed(1)}x faster`,
  );
}
