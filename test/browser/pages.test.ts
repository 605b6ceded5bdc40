// Opens every page of the built site (dist/, from `npm run build`) in headless Chromium and
// checks it renders: no error cells, page errors, console errors or requests leaving
// 127.0.0.1, and at least one Plot figure with marks or a table with rows. Pages come from
// the pages list in observablehq.config.ts, so new pages are covered automatically; add
// page-specific checks to EXPECT below. Screenshots go to test-output/screenshots/.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { parsedData } from "../../src/data/_parsed.js";
import {
  type Browser,
  contentCounts,
  distDir,
  errorCells,
  fileNameFor,
  launch,
  type Site,
  screenshotDir,
  serveDist,
  settled,
  sitePages,
  watch,
} from "./harness.js";

const numberText = (n: number) => new Intl.NumberFormat("en-US").format(n);

/** Page-specific expectations, run after the generic ones. */
const EXPECT: Record<string, (page: Page) => Promise<void>> = {
  async "/"(page) {
    // The Node side: the same parser over the same log (cached from the build when fresh).
    const { accounting } = await parsedData();
    const { totals } = accounting;
    assert.equal(totals.lines, totals.events + totals.other + totals.malformed, "line accounting");
    // DuckDB-wasm's count(*) over the page's Arrow data equals the parser's event count.
    const shown = (await page.textContent("#total-events"))?.trim();
    assert.equal(shown, numberText(totals.events), "total events on the page");
    const body = (await page.textContent("#observablehq-main")) ?? "";
    assert.ok(body.includes(`${numberText(totals.lines)} log lines`), "line count in the prose");
    if (accounting.source === "default") {
      assert.equal(totals.lines, 179_752, "the bundled honeynet log has 179,752 lines");
      // A real 2005 time axis: the hourly chart's ticks name Feb/March.
      const axis = await page.$$eval(
        "#observablehq-main svg [aria-label='x-axis tick label'] text",
        (ts) => ts.map((t) => t.textContent ?? ""),
      );
      assert.ok(
        axis.some((t) => /2005|Feb|Mar/.test(t)),
        `time axis labels: ${axis.join(", ")}`,
      );
    }
    // Every ```sql block is shown to the reader.
    const sqlBlocks = await page.$$eval(
      "pre[data-language='sql'], pre code.language-sql",
      (e) => e.length,
    );
    assert.ok(sqlBlocks >= 6, `visible SQL blocks: ${sqlBlocks}`);
    // The malformed list is rendered as text, never as markup.
    assert.equal(
      await page.$$eval(".malformed-list script, .malformed-list img", (e) => e.length),
      0,
    );
    const malformedRows = await page.$$eval(".malformed-list tbody tr", (e) => e.length);
    assert.equal(malformedRows, Math.min(totals.malformed, accounting.malformedListed));
  },
};

describe("site pages in Chromium", { timeout: 10 * 60_000 }, () => {
  let site: Site;
  let browser: Browser;

  before(async () => {
    assert.ok(
      existsSync(join(distDir, "index.html")),
      "dist/ is missing: run `npm run build` first",
    );
    await mkdir(screenshotDir, { recursive: true });
    site = await serveDist();
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const path of sitePages()) {
    test(`page ${path}`, async () => {
      const page = await browser.context.newPage();
      try {
        const w = await watch(page, site.origin);
        const response = await page.goto(site.origin + path, { waitUntil: "load" });
        assert.equal(response?.status(), 200, `HTTP status of ${path}`);
        await settled(page);
        // Let resize() cells draw their figures after the last result arrives.
        await page
          .waitForFunction(
            () =>
              document.querySelector("#observablehq-main svg, #observablehq-main table tbody tr"),
            undefined,
            {
              timeout: 15_000,
            },
          )
          .catch(() => {});
        await page.screenshot({
          path: join(screenshotDir, `${fileNameFor(path)}.png`),
          fullPage: true,
        });
        assert.deepEqual(await errorCells(page), [], "error cells");
        const { figures, tables } = await contentCounts(page);
        assert.ok(figures + tables > 0, `no figure with marks and no table with rows on ${path}`);
        await EXPECT[path]?.(page);
        assert.deepEqual(w.problems, [], "errors and foreign requests");
      } finally {
        await page.close();
      }
    });
  }
});
