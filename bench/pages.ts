// `npm run bench:pages`: for each page of the built site (dist/), in headless Chromium with a
// fresh profile (cold cache), the time from navigation start to
//   - the first figure: the first Plot svg with marks, or canvas figure (scatter3d, link
//     graph), inside a .card,
//   - all figures settled: no cell still loading, the last figure drawn,
// plus the number of figures and the bytes transferred. Run `npm run build` first.
//   node --import tsx bench/pages.ts [--runs 3] [path …]

import { existsSync } from "node:fs";
import { join } from "node:path";
import { distDir, launch, serveDist, sitePages, watch } from "../test/browser/harness.js";

declare global {
  interface Window {
    __fwglowBench?: { first: number | null; last: number | null; figures: number };
  }
}
/**
 * Runs in the page before any script: watches the DOM for figures. A string, not a function,
 * so no transpiler helper (tsx's __name) leaks into the page.
 */
const observeFigures = `(() => {
  const state = { first: null, last: null, figures: 0 };
  window.__fwglowBench = state;
  const seen = new WeakSet();
  const check = () => {
    for (const fig of document.querySelectorAll(".card svg, .card canvas")) {
      if (seen.has(fig) || fig.closest("figure canvas ~ canvas")) continue;
      if (fig.tagName === "svg" && !fig.querySelector("[aria-label] > *")) continue;
      if (fig.tagName === "CANVAS" && fig.width === 0) continue;
      seen.add(fig);
      const t = performance.now();
      if (state.first === null) state.first = t;
      state.last = t;
      state.figures++;
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
})();`;

interface Result {
  path: string;
  first: number | null;
  settled: number | null;
  figures: number;
  bytes: number;
  problems: number;
}

async function measure(origin: string, path: string): Promise<Result> {
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    const w = await watch(page, origin);
    let bytes = 0;
    page.on("response", async (r) => {
      const len = Number(r.headers()["content-length"] ?? 0);
      bytes += Number.isFinite(len) ? len : 0;
    });
    await page.addInitScript(observeFigures);
    await page.goto(origin + path, { waitUntil: "load" });
    await page
      .waitForFunction(
        () => document.querySelectorAll("observablehq-loading").length === 0,
        undefined,
        { timeout: 120_000, polling: 50 },
      )
      .catch(() => {});
    // Wait until no new figure has appeared for a second, once there is one (the explorer
    // draws only after loading its data into DuckDB), for at most two minutes.
    let last = -1;
    for (const t0 = Date.now(); Date.now() - t0 < 120_000; ) {
      await page.waitForTimeout(1000);
      const now = await page.evaluate(() => window.__fwglowBench?.figures ?? 0);
      if (now === last && now > 0) break;
      last = now;
    }
    const s = await page.evaluate(() => window.__fwglowBench);
    return {
      path,
      first: s?.first ?? null,
      settled: s?.last ?? null,
      figures: s?.figures ?? 0,
      bytes,
      problems: w.problems.length,
    };
  } finally {
    await browser.close();
  }
}

const argv = process.argv.slice(2);
const runsAt = argv.indexOf("--runs");
const runs = runsAt >= 0 ? Number(argv.splice(runsAt, 2)[1]) : 1;
const paths = argv.length ? argv : sitePages();
if (!existsSync(join(distDir, "index.html"))) {
  process.stderr.write("bench:pages: dist/ is missing; run `npm run build` first\n");
  process.exit(1);
}
const site = await serveDist();
const fmt = (ms: number | null) => (ms === null ? "—" : `${(ms / 1000).toFixed(2)} s`);
const rows: string[][] = [];
try {
  for (const path of paths) {
    for (let i = 0; i < runs; i++) {
      const r = await measure(site.origin, path);
      rows.push([
        r.path + (runs > 1 ? ` #${i + 1}` : ""),
        fmt(r.first),
        fmt(r.settled),
        String(r.figures),
        `${(r.bytes / 1e6).toFixed(1)} MB`,
        String(r.problems),
      ]);
      process.stderr.write(".");
    }
  }
} finally {
  await site.close();
}
process.stderr.write("\n");
const head = ["page", "first figure", "all figures", "figures", "transferred", "problems"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
const line = (r: string[]) =>
  `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(" | ")} |`;
process.stdout.write(
  `${[line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n")}\n`,
);
