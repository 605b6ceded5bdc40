// The chapter-14 pages in headless Chromium (dist/ from `npm run build`): every figure of
// every page is drawn with no error and no request leaving 127.0.0.1; each figure's live
// DuckDB-wasm query returns one row per mark; figure 14-14 matches psad 2.4.6's output;
// load times (cold cache, fresh profile per page): first figure ≤ 3 s, all figures ≤ 6 s.
// Screenshots: test-output/screenshots/chapter14_*.png.

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pagePaths } from "../../observablehq.config.js";
import { FIGURES } from "../../src/chapter14/figures.js";
import {
  distDir,
  errorCells,
  fileNameFor,
  launch,
  projectDir,
  type Site,
  screenshotDir,
  serveDist,
  settled,
  watch,
} from "./harness.js";

const FIRST_MS = Number(process.env.C14_FIRST_MS ?? 3000);
const ALL_MS = Number(process.env.C14_ALL_MS ?? 6000);

const chapterPages = pagePaths().filter((p) => p.startsWith("/chapter14/"));
const pageId = (path: string) => path.replace(/^\/chapter14\/?/, "") || "index";

/** psad 2.4.6's --CSV output for figure 14-14 (test/fixtures/afterglow/fig14-14.csv). */
function golden1414() {
  const lines = readFileSync(join(projectDir, "test/fixtures/afterglow/fig14-14.csv"), "utf-8")
    .trim()
    .split("\n");
  const rows = lines.map((l) => l.split(", "));
  return {
    rows: rows.length,
    sources: new Set(rows.map((r) => r[0])),
    destinations: new Set(rows.map((r) => r[1])),
    ports: new Set(rows.map((r) => r[2])),
    distinct: new Set(lines).size,
  };
}

const timings: { path: string; first: number; all: number; figures: number }[] = [];

describe("chapter 14 pages in Chromium", { timeout: 15 * 60_000 }, () => {
  let site: Site;

  before(async () => {
    assert.ok(
      existsSync(join(distDir, "chapter14", "index.html")),
      "dist/ is missing the chapter: run `npm run build` first",
    );
    await mkdir(screenshotDir, { recursive: true });
    site = await serveDist();
  });

  after(async () => {
    await site?.close();
    if (timings.length) {
      process.stdout.write("\nchapter 14 load times (cold cache):\n");
      for (const t of timings)
        process.stdout.write(
          `  ${t.path.padEnd(24)} first figure ${Math.round(t.first)} ms, all ${t.figures} figures ${Math.round(t.all)} ms\n`,
        );
    }
  });

  test("the config lists the index and six section pages", () => {
    assert.deepEqual(chapterPages.map(pageId).sort(), [
      "compromise",
      "index",
      "nachi",
      "scans",
      "slammer",
      "spikes",
      "sweeps",
    ]);
  });

  for (const path of chapterPages) {
    const id = pageId(path);
    const expected = FIGURES.filter((f) => f.page === id).map((f) => f.id);
    test(`page ${path}`, async () => {
      const browser = await launch(); // fresh profile: cold cache
      const page = await browser.context.newPage();
      try {
        const w = await watch(page, site.origin);
        const response = await page.goto(site.origin + path, { waitUntil: "load" });
        assert.equal(response?.status(), 200);
        if (expected.length) {
          await page.waitForFunction(
            (n) => Object.keys(window.__chapter14 ?? {}).length >= n,
            expected.length,
            { timeout: 30_000, polling: 50 },
          );
        }
        await settled(page, 120_000);
        if (expected.length) {
          await page.waitForFunction(
            (n) => document.querySelectorAll(".c14-result").length >= n,
            expected.length,
            { timeout: 120_000 },
          );
        }
        await page.waitForTimeout(1500); // let link-graph layouts settle for the screenshot
        await page.screenshot({
          path: join(screenshotDir, `${fileNameFor(path)}.png`),
          fullPage: true,
        });
        assert.deepEqual(await errorCells(page), [], "error cells");

        if (expected.length) {
          const drawn = await page.evaluate(() => window.__chapter14 ?? {});
          assert.deepEqual(Object.keys(drawn).sort(), [...expected].sort(), "figures drawn");
          const times = Object.values(drawn);
          const first = Math.min(...times);
          const all = Math.max(...times);
          timings.push({ path, first, all, figures: times.length });

          // one card per figure, each with the figure, its SQL and the live result
          for (const fig of expected) {
            const card = page.locator(`.card#fig-${fig}`);
            assert.equal(await card.count(), 1, `card of figure ${fig}`);
            assert.match(
              (await card.locator("h2").first().textContent()) ?? "",
              new RegExp(`^Figure ${fig} `),
            );
            assert.equal(
              await card.locator("pre[data-language='sql']").count(),
              1,
              `SQL of ${fig}`,
            );
            const marks = await card.locator(".c14-figure").getAttribute("data-marks");
            const rows = await card.locator(".c14-result").getAttribute("data-rows");
            assert.ok(Number(marks) > 0, `${fig}: marks`);
            assert.equal(rows, marks, `${fig}: live query rows = figure marks`);
            assert.ok(
              (await card.locator(".c14-export button").count()) >= 2,
              `${fig}: export buttons`,
            );
          }
          // Plot figures really draw their marks; canvases are not blank
          const svgMarks = await page.$$eval(
            ".c14-figure svg [aria-label='dot'] circle, .c14-figure svg [aria-label='line'] path",
            (e) => e.length,
          );
          const canvases = await page.$$eval(
            ".c14-figure canvas",
            (cs) => cs.filter((c) => (c as HTMLCanvasElement).width > 0).length,
          );
          assert.ok(svgMarks + canvases > 0, "drawn marks");
        }

        if (id === "compromise") {
          const g = golden1414();
          const link = page.locator("#fig-14-14 .c14-link");
          assert.equal(await link.getAttribute("data-sources"), String(g.sources.size));
          assert.equal(await link.getAttribute("data-source-values"), "11.11.79.67");
          assert.equal(
            await link.getAttribute("data-events"),
            String(g.destinations.size),
            "destinations of psad's rows",
          );
          assert.equal(
            await link.getAttribute("data-targets"),
            String(g.ports.size),
            "ports of psad's rows",
          );
          assert.equal(
            await link.getAttribute("data-target-values"),
            [...g.ports].sort().join(" "),
          );
          assert.equal(
            await page.locator("#fig-14-14 .c14-result").getAttribute("data-rows"),
            String(g.distinct),
          );
          const text = (await page.textContent("#fig-14-14")) ?? "";
          assert.ok(text.includes(`psad prints ${g.rows} rows`), "141 rows in the prose");
          assert.ok(
            ((await page.textContent("#fig-14-13")) ?? "").includes(
              "only 11.11.79.67 sends outbound SYNs",
            ),
          );
        }
        if (id === "index") {
          const body = (await page.textContent("#observablehq-main")) ?? "";
          for (const f of FIGURES) assert.ok(body.includes(f.title), `index lists ${f.id}`);
        }
        assert.deepEqual(w.problems, [], "errors and foreign requests");
        const t = timings.find((x) => x.path === path);
        if (t) {
          assert.ok(
            t.first <= FIRST_MS,
            `first figure after ${Math.round(t.first)} ms (target ${FIRST_MS})`,
          );
          assert.ok(
            t.all <= ALL_MS,
            `all figures after ${Math.round(t.all)} ms (target ${ALL_MS})`,
          );
        }
      } finally {
        await page.close();
        await browser.close();
      }
    });
  }
});
