// The explorer (/explorer) and the Findings panel in Chromium, on the built site (dist/):
// findings name 11.11.79.67 with its outbound SSH and IRC without being told, a finding opens
// its view, bad input is shown inline and keeps the last result, the hash reproduces a view,
// filter changes update every figure (timed), the Parquet export holds the matching rows
// (read back by native DuckDB), and a local log (gzip) is parsed in a worker and queried —
// with no request leaving 127.0.0.1.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { tableFromIPC } from "apache-arrow";
import type { Page } from "playwright-core";
import { generateLines } from "../../bench/generate.js";
import { defaultParquet } from "../../src/cli/query.js";
import { layout } from "../../src/cli/render.js";
import { compile, DEFAULT_STATE } from "../../src/components/explorer-query.js";
import { BATCH_EVENTS } from "../../src/components/local-log-parse.js";
import { parseStream } from "../../src/lib/parse/index.js";
import { COLUMNS, type FwEvent } from "../../src/lib/schema.js";
import {
  type Browser,
  distDir,
  errorCells,
  launch,
  projectDir,
  type Site,
  serveDist,
  settled,
  watch,
} from "./harness.js";

type Win = { __explorer: { updated: Promise<number>; lastMs: number; dataset: DOMStringMap } };

/** Clicks an export button and saves its download under test-output/. */
async function saveExport(page: Page, id: string, name: string) {
  const dir = join(distDir, "..", "test-output");
  await mkdir(dir, { recursive: true });
  const t0 = performance.now();
  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: 60_000 }).catch(async (e) => {
      throw new Error(`#${id}: no download (${await page.textContent("#export-note")}): ${e}`);
    }),
    page.click(`#${id}`),
  ]);
  const path = join(dir, name);
  await download.saveAs(path);
  return { path, ms: performance.now() - t0 };
}

/** Pixels of the point marks' colour (#9400d3) in the page's canvases or in a PNG file. */
async function markPixels(page: Page, from: { selector?: string; png?: string }): Promise<number> {
  return page.evaluate(async ({ selector, png }) => {
    const canvases = selector ? [...document.querySelectorAll<HTMLCanvasElement>(selector)] : [];
    if (png) {
      const img = new Image();
      img.src = `data:image/png;base64,${png}`;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      (c.getContext("2d") as CanvasRenderingContext2D).drawImage(img, 0, 0);
      canvases.push(c);
    }
    let n = 0;
    for (const c of canvases) {
      const ctx = c.getContext("2d") as CanvasRenderingContext2D;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4)
        if (d[i] === 0x94 && d[i + 1] === 0 && d[i + 2] === 0xd3 && d[i + 3] === 255) n++;
    }
    return n;
  }, from);
}

/** Comparable cell values: bigints as text (Arrow and DuckDB both return them for UBIGINT). */
const cell = (v: unknown) => (typeof v === "bigint" ? String(v) : v);

async function ready(page: Page): Promise<void> {
  await settled(page);
  await page.waitForFunction(() => (window as unknown as Win).__explorer !== undefined, undefined, {
    timeout: 60_000,
  });
  await page.evaluate(() => (window as unknown as Win).__explorer.updated);
}

async function outboundFinding(page: Page): Promise<string> {
  const li = page.locator('#findings-list li[data-kind="outbound"]');
  await li.first().waitFor({ timeout: 60_000 });
  assert.deepEqual(await li.evaluateAll((els) => els.map((e) => e.getAttribute("data-subject"))), [
    "11.11.79.67",
  ]);
  const text = (await li.first().textContent()) ?? "";
  assert.match(text, /SSH/);
  assert.match(text, /IRC/);
  assert.match(text, /6667 \(IRC\)/);
  assert.match(text, /22 \(SSH\)/);
  // The most severe finding comes first.
  assert.equal(
    await page.locator("#findings-list li").first().getAttribute("data-subject"),
    "11.11.79.67",
  );
  assert.equal(await page.inputValue("#findings-networks"), "11.11.0.0/16");
  return text;
}

describe("explorer in Chromium", { timeout: 10 * 60_000 }, () => {
  let site: Site;
  let browser: Browser;
  before(async () => {
    assert.ok(
      existsSync(join(distDir, "explorer.html")),
      "dist/explorer.html is missing: run `npm run build`",
    );
    site = await serveDist();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  test("overview: the Findings panel names 11.11.79.67", async () => {
    const page = await browser.context.newPage();
    const w = await watch(page, site.origin);
    await page.goto(`${site.origin}/`);
    await settled(page);
    await outboundFinding(page);
    const href = await page
      .locator('#findings-list li[data-kind="outbound"] a')
      .getAttribute("href");
    assert.ok(href?.startsWith("./explorer#"), String(href));
    assert.deepEqual(await errorCells(page), []);
    assert.deepEqual(w.problems, []);
    await page.close();
  });

  test("explorer: findings, filters, errors, URL state, timing", async () => {
    const page = await browser.context.newPage();
    const w = await watch(page, site.origin);
    await page.goto(`${site.origin}/explorer`, { waitUntil: "domcontentloaded", timeout: 120_000 });
    await ready(page);
    await outboundFinding(page);
    // The idle warm-up (one off-screen pass over every row) finishes without an error.
    await page.waitForFunction(() => (window as unknown as Win).__explorer.dataset.warm === "done");
    for (const id of [
      "#explorer-series svg",
      "#explorer-points canvas",
      "#explorer-links canvas",
      "#explorer-table tbody tr",
    ])
      assert.ok(await page.locator(id).count(), `${id} drawn`);
    // The points are really painted, on the page and in the figure's PNG: at least one pixel
    // of the marks' colour per point.
    const pointCount = Number(
      (await page.textContent("#explorer-points .muted"))
        ?.match(/^([\d,]+) distinct points/)?.[1]
        ?.replaceAll(",", ""),
    );
    assert.ok(pointCount > 0, "points drawn");
    const onPage = await markPixels(page, { selector: "#explorer-points canvas" });
    assert.ok(onPage >= pointCount, `${onPage} marked pixels for ${pointCount} points`);
    const [png] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#explorer-points figure.scatter3d button", { hasText: "PNG" }).click(),
    ]);
    const pngPath = join(distDir, "..", "test-output", "explorer-points.png");
    await mkdir(dirname(pngPath), { recursive: true });
    await png.saveAs(pngPath);
    const inPng = await markPixels(page, { png: (await readFile(pngPath)).toString("base64") });
    assert.equal(inPng, onPage, "the PNG holds the points as drawn");

    // Open the finding: its view is applied.
    await page.locator('#findings-list li[data-kind="outbound"] a').first().click();
    await page.evaluate(() => (window as unknown as Win).__explorer.updated);
    assert.equal(
      await page.inputValue("#explorer-fields"),
      "src:11.11.79.67 dst:not11.11.0.0/16 dp",
    );
    const total = Number(
      await page.evaluate(() => (window as unknown as Win).__explorer.dataset.total),
    );
    assert.ok(total >= 141, `rows of the compromised host: ${total}`);
    const cells = await page.locator("#explorer-table tbody tr:not(.raw-line)").allTextContents();
    assert.ok(
      cells.every((t) => t.includes("11.11.79.67")),
      "every row from 11.11.79.67",
    );
    const table = cells.join("\n");
    assert.ok(/\b22\b/.test(table) || total > 50, "SSH rows");
    // Raw lines expand.
    await page.locator(".raw-toggle").first().click();
    assert.match(
      (await page.locator("tr.raw-line:not([hidden])").first().textContent()) ?? "",
      /SRC=11\.11\.79\.67/,
    );
    // Command line.
    assert.match(
      (await page.textContent("#explorer-command")) ?? "",
      /^fwglow psad --CSV --keep-ack-rst --CSV-fields 'src:11\.11\.79\.67 dst:not11\.11\.0\.0\/16 dp' --CSV-regex 'SYN URGP='/,
    );

    // A bad criterion: error with its position, last result kept.
    const hashBefore = await page.evaluate(() => location.hash);
    await page.fill("#explorer-fields", "src:11.11.79.67 dp:notanumber");
    await page.locator("#explorer-error").waitFor({ state: "visible" });
    const err = (await page.textContent("#explorer-error")) ?? "";
    assert.match(err, /\^/, err);
    assert.match(err, /last valid result/);
    assert.equal(
      Number(await page.evaluate(() => (window as unknown as Win).__explorer.dataset.total)),
      total,
    );

    // SQL mode refuses ';'.
    await page.check("#mode-sql");
    await page.fill("#explorer-where", "TRUE; DROP TABLE events");
    await page.waitForFunction(
      () => document.querySelector("#explorer-error")?.textContent?.includes("';' is not allowed"),
      undefined,
      { timeout: 30_000 },
    );
    await page.fill("#explorer-where", "proto = 'UDP' AND dpt = 1434");
    await page.waitForFunction(
      () => (window as unknown as Win).__explorer.dataset.total === "5979",
      undefined,
      { timeout: 30_000 },
    );
    assert.match(
      (await page.textContent("#explorer-command")) ?? "",
      /^fwglow query --format csv '/,
    );
    // Pages follow the log order (the page query streams in storage order when it can).
    const lineNumbers = async () =>
      (
        await page
          .locator("#explorer-table tbody tr:not(.raw-line) td:nth-child(2)")
          .allTextContents()
      ).map((t) => Number(t.split(":").pop()));
    const rows1 = await lineNumbers();
    assert.equal(rows1.length, 50);
    assert.ok(
      rows1.every((n, i) => i === 0 || n > (rows1[i - 1] as number)),
      "rows in log order",
    );
    await page.click("#page-next");
    await page.evaluate(() => (window as unknown as Win).__explorer.updated);
    const rows2 = await lineNumbers();
    assert.equal(rows2.length, 50);
    assert.ok((rows2[0] as number) > (rows1[49] as number), "page 2 follows page 1");
    assert.match((await page.textContent("#explorer-pager")) ?? "", /page 2 of 120/);
    await page.click("#page-first");
    await page.evaluate(() => (window as unknown as Win).__explorer.updated);

    // The URL reproduces the view.
    const hash = await page.evaluate(() => location.hash);
    assert.notEqual(hash, hashBefore);
    const page2 = await browser.context.newPage();
    const w2 = await watch(page2, site.origin);
    await page2.goto(`${site.origin}/explorer${hash}`, {
      waitUntil: "domcontentloaded",
      timeout: 120_000,
    });
    await ready(page2);
    assert.equal(
      await page2.evaluate(() => (window as unknown as Win).__explorer.dataset.total),
      "5979",
    );
    assert.equal(await page2.inputValue("#explorer-where"), "proto = 'UDP' AND dpt = 1434");
    assert.deepEqual(w2.problems, []);
    await page2.close();

    // Timing: a filter change → every figure replaced.
    await page.check("#mode-psad");
    await page.evaluate(() => (window as unknown as Win).__explorer.updated);
    const times: number[] = [];
    for (const f of [
      "src dst dp:3306",
      "src:11.11.0.0/16 dst:not11.11.0.0/16 dp",
      "src dst ip_len:92",
      "src:not11.11.0.0/16 dst dp",
    ]) {
      await page.fill("#explorer-fields", f);
      await page.waitForTimeout(200); // the 150 ms input debounce
      times.push(await page.evaluate(() => (window as unknown as Win).__explorer.updated));
      assert.equal(await page.inputValue("#explorer-fields"), f);
      // The URL keeps what differs from the defaults.
      assert.equal(
        new URLSearchParams(new URL(page.url()).hash.slice(1)).get("fields"),
        f === DEFAULT_STATE.fields ? null : f,
      );
    }
    process.stdout.write(
      `# explorer update times (ms): ${times.map((t) => Math.round(t)).join(", ")}\n`,
    );
    assert.ok(times.every((t) => t > 0));

    assert.deepEqual(await errorCells(page), []);
    assert.deepEqual(w.problems, []);
    await page.close();
  });

  test("explorer: every export opens in its tool and matches the command line", async () => {
    const page = await browser.context.newPage();
    const w = await watch(page, site.origin);
    await page.goto(`${site.origin}/explorer`, { waitUntil: "domcontentloaded", timeout: 120_000 });
    await ready(page);
    const text = async (id: string, name: string) =>
      readFile((await saveExport(page, id, name)).path, "utf8");
    /** Parses XML (GraphML, SVG) in Chromium: [root element, count of each tag, parse error]. */
    const xml = (source: string, type: string, tags: string[]) =>
      page.evaluate(
        ({ source, type, tags }) => {
          const doc = new DOMParser().parseFromString(source, type as DOMParserSupportedType);
          const error = doc.querySelector("parsererror")?.textContent ?? null;
          const counts = tags.map((t) => doc.getElementsByTagName(t).length);
          return { root: doc.documentElement.localName, counts, error };
        },
        { source, type, tags },
      );

    // psad CSV: byte for byte what the page's own command line prints.
    const psadCsv = await text("export-psad", "explorer-psad.csv");
    const cmd = (await page.textContent("#explorer-command")) ?? "";
    const expected = `fwglow psad --CSV --keep-ack-rst --CSV-fields '${DEFAULT_STATE.fields}' --CSV-regex '${DEFAULT_STATE.regex}'`;
    assert.ok(cmd.startsWith(expected), cmd);
    const cli = await new Promise<string>((ok, fail) =>
      execFile(
        process.execPath,
        [
          join(projectDir, "bin", "fwglow.js"),
          ...["psad", "--CSV", "--keep-ack-rst", "--CSV-fields", DEFAULT_STATE.fields],
          ...["--CSV-regex", DEFAULT_STATE.regex],
        ],
        { maxBuffer: 1 << 26 },
        (e, out) => (e ? fail(e) : ok(out)),
      ),
    );
    assert.equal(psadCsv.split("\n").length - 1, 141);
    assert.equal(psadCsv, cli);

    // RFC 4180 CSV: DuckDB reads it back, raw lines (with their commas and quotes) intact.
    const csvPath = (await saveExport(page, "export-csv", "explorer-export.csv")).path;
    const instance = await DuckDBInstance.create();
    const conn = await instance.connect();
    const [csv] = (
      await conn.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, count(DISTINCT raw)::INTEGER AS raws, arg_min(raw, line) AS first FROM read_csv('${csvPath}', header = true)`,
      )
    ).getRowObjects();
    const firstRaw = await page.locator("tr.raw-line code").first().textContent();
    assert.deepEqual(csv, { n: 141, raws: 141, first: firstRaw });

    // DOT: Graphviz (the WebAssembly build `fwglow render` uses) lays it out; GraphML (Gephi's
    // format) parses as XML with the same nodes and edges.
    const dot = await text("export-dot", "explorer.dot");
    const laidOut = JSON.parse(await layout(dot, "json", "dot")) as {
      objects?: unknown[];
      edges?: unknown[];
    };
    const nodes = laidOut.objects?.length ?? 0;
    const edges = laidOut.edges?.length ?? 0;
    assert.ok(nodes > 2 && edges > 1, `${nodes} nodes, ${edges} edges`);
    const graphml = await xml(await text("export-graphml", "explorer.graphml"), "application/xml", [
      "node",
      "edge",
    ]);
    assert.deepEqual(graphml, { root: "graphml", counts: [nodes, edges], error: null });

    // SVGs parse, with one circle per point and one titled mark per node; PNGs decode.
    const points = Number(
      (await page.textContent("#explorer-points .muted"))?.match(/^([\d,]+) distinct/)?.[1],
    );
    for (const [id, tag, count] of [
      ["export-series-svg", "rect", -1],
      ["export-points-svg", "circle", points],
      ["export-links-svg", "title", nodes], // a titled mark per node
    ] as const) {
      const svg = await xml(await text(id, `${id}.svg`), "image/svg+xml", [tag]);
      assert.equal(svg.error, null, id);
      assert.equal(svg.root, "svg", id);
      assert.ok(count < 0 ? (svg.counts[0] ?? 0) > 0 : svg.counts[0] === count, `${id}: ${tag}`);
    }
    for (const id of ["export-series-png", "export-links-png"]) {
      const png = await readFile((await saveExport(page, id, `${id}.png`)).path);
      const size = await page.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        return [img.naturalWidth, img.naturalHeight];
      }, png.toString("base64"));
      assert.ok((size[0] ?? 0) > 100 && (size[1] ?? 0) > 100, `${id}: ${size}`);
    }
    assert.deepEqual(w.problems, []);
    await page.close();
  });

  test("explorer: the Parquet export holds the matching rows, every column, zstd", async () => {
    const page = await browser.context.newPage();
    const w = await watch(page, site.origin);
    await page.goto(`${site.origin}/explorer`, { waitUntil: "domcontentloaded", timeout: 120_000 });
    await ready(page);
    const total = Number(
      await page.evaluate(() => (window as unknown as Win).__explorer.dataset.total),
    );
    assert.equal(total, 141, "the default view on the bundled log");
    const shownLines = (
      await page
        .locator("#explorer-table tbody tr:not(.raw-line) td:nth-child(2)")
        .allTextContents()
    ).map((t) => t.trim());
    await page.locator(".raw-toggle").first().click();
    const firstRaw = await page.locator("tr.raw-line:not([hidden]) code").first().textContent();

    const parquet = await saveExport(page, "export-parquet", "explorer-export.parquet");
    const arrowFile = await saveExport(page, "export-arrow", "explorer-export.arrow");
    const bytes = (path: string) => readFile(path).then((b) => b.length);
    process.stdout.write(
      `# explorer export of ${total} rows: Parquet ${await bytes(parquet.path)} B in ${Math.round(parquet.ms)} ms, Arrow IPC ${await bytes(arrowFile.path)} B in ${Math.round(arrowFile.ms)} ms\n`,
    );

    const instance = await DuckDBInstance.create();
    const conn = await instance.connect();
    const read = async (sql: string) =>
      (await conn.runAndReadAll(sql.replaceAll("$F", `'${parquet.path}'`))).getRowObjects();
    try {
      // Every schema column with its own type (ts a TIMESTAMP, ports unsigned, …).
      assert.deepEqual(
        (await read("DESCRIBE SELECT * FROM $F")).map((r) => [r.column_name, r.column_type]),
        COLUMNS.map(([name, type]) => [name, type]),
      );
      assert.deepEqual(await read("SELECT DISTINCT compression FROM parquet_metadata($F)"), [
        { compression: "ZSTD" },
      ]);
      const [counts] = await read(
        "SELECT count(*)::INTEGER AS n, count(ts)::INTEGER AS ts, count(DISTINCT src)::INTEGER AS srcs FROM $F",
      );
      assert.equal(counts?.n, total);
      assert.equal(counts?.ts, total, "every row keeps its timestamp");
      // The page's rows, in the page's order.
      const rows = await read(
        "SELECT * REPLACE (epoch_ms(ts)::DOUBLE AS ts), file || ':' || line AS at FROM $F",
      );
      assert.deepEqual(
        rows.slice(0, shownLines.length).map((r) => r.at),
        shownLines,
      );
      assert.equal(rows[0]?.raw, firstRaw);
      // The same rows as the CLI's own Parquet of the bundled log, filtered natively.
      const keys = "file, line, ts, src, dst, dpt, proto, raw";
      const exported = `SELECT ${keys} FROM $F`;
      const cli = `SELECT ${keys} FROM '${await defaultParquet()}' WHERE (${compile(DEFAULT_STATE).where})`;
      const [diff] = await read(
        `SELECT count(*)::INTEGER AS n FROM ((${exported} EXCEPT ALL ${cli}) UNION ALL (${cli} EXCEPT ALL ${exported}))`,
      );
      assert.equal(diff?.n, 0, "rows that differ from the CLI's");
      // The same values as the Arrow IPC export of the same selection, column by column.
      const arrowRows = tableFromIPC(await readFile(arrowFile.path))
        .toArray()
        .map((r) => r.toJSON() as Record<string, unknown>);
      assert.equal(new Set(arrowRows.map((r) => r.src)).size, counts?.srcs);
      assert.equal(rows.length, arrowRows.length);
      for (const [i, r] of rows.entries()) {
        for (const [name] of COLUMNS) {
          assert.deepEqual(cell(r[name]), cell(arrowRows[i]?.[name]), `row ${i} ${name}`);
        }
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
    assert.deepEqual(w.problems, []);
    await page.close();
  });

  type Accounting = { lines: number; events: number; other: number; malformed: number };
  const n = (x: number) => new Intl.NumberFormat("en-US").format(x);

  /** The Node parser's accounting and events of `text`: what the page must show for it. */
  async function parseInNode(text: string, file: string) {
    const want: Accounting = { lines: 0, events: 0, other: 0, malformed: 0 };
    const events: FwEvent[] = [];
    async function* one() {
      yield new TextEncoder().encode(text);
    }
    for await (const b of parseStream(one(), { file, year: 2025 })) {
      want.lines += b.lines;
      want.events += b.events.length;
      want.other += b.other;
      want.malformed += b.malformed.length;
      events.push(...b.events);
    }
    return { want, events };
  }

  /** Opens `file` in the page's picker (year 2025); returns the accounting, checked against `want`. */
  async function openLocal(page: Page, file: string, want: Accounting) {
    await page.fill("#local-log-year", "2025");
    await page.setInputFiles("#local-log-file", file);
    await page.locator("#local-log-accounting").waitFor({ timeout: 120_000 });
    const acc = (await page.textContent("#local-log-accounting")) ?? "";
    assert.ok(
      acc.includes(
        `${n(want.lines)} lines = ${n(want.events)} events + ${n(want.other)} other + ${n(want.malformed)} malformed`,
      ),
      acc,
    );
    return acc;
  }

  test("a large plain log is loaded batch after batch, in order, as one parse would", async () => {
    const dir = join(distDir, "..", "test-output");
    await mkdir(dir, { recursive: true });
    const text = `${Array.from(generateLines(80_000, 11)).join("\n")}\n`;
    const file = join(dir, "local-large.log");
    await writeFile(file, text);
    const { want, events } = await parseInNode(text, "local-large.log");
    assert.ok(events.length > BATCH_EVENTS, "more than one batch");
    const late = events.find((e) => e.line > 70_000 && e.ts !== null); // of the second batch
    const page = await browser.context.newPage();
    const w = await watch(page, site.origin);
    await page.goto(`${site.origin}/explorer`, { waitUntil: "domcontentloaded", timeout: 120_000 });
    await ready(page);
    const acc = await openLocal(page, file, want);
    assert.match(acc, /\(worker;/);
    await page.evaluate(() => (window as unknown as Win).__explorer.updated);
    assert.equal(
      await page.evaluate(() => (window as unknown as Win).__explorer.dataset.sorted),
      "true",
    );
    // A line of the second batch: its number, text and timestamp as one parse gives them.
    const e = late as FwEvent;
    const where = `line = ${e.line} AND raw = '${e.raw.replaceAll("'", "''")}' AND CAST(ts AS VARCHAR) = '${e.ts}'`;
    await page.evaluate(
      (where) =>
        (
          window as unknown as Win & { __explorer: { apply(v: object): Promise<number> } }
        ).__explorer.apply({ mode: "sql", where }),
      where,
    );
    assert.equal(
      await page.evaluate(() => (window as unknown as Win).__explorer.dataset.total),
      "1",
    );
    assert.deepEqual(w.problems, []);
    // Forgotten, so that the next test's page does not reopen it.
    await Promise.all([page.waitForEvent("load"), page.click("#local-log-forget")]);
    await ready(page);
    assert.equal(await page.locator("#local-log-accounting").count(), 0);
    await page.close();
  });

  test("a local gzip log is parsed in the browser and explored", async () => {
    const dir = join(distDir, "..", "test-output");
    await mkdir(dir, { recursive: true });
    const text = `${Array.from(generateLines(20_000, 7)).join("\n")}\n`;
    const file = join(dir, "local-test.log.gz");
    await writeFile(file, gzipSync(text));
    const { want } = await parseInNode(text, "local-test.log.gz");
    const page = await browser.context.newPage();
    const w = await watch(page, site.origin);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.method()));
    await page.goto(`${site.origin}/explorer`, { waitUntil: "domcontentloaded", timeout: 120_000 });
    await ready(page);
    const acc = await openLocal(page, file, want);
    assert.match(acc, /\(worker;/, "parsed in a Web Worker");
    await page.waitForFunction(
      () => (window as unknown as Win).__explorer.dataset.total !== undefined,
    );
    await page.evaluate(() => (window as unknown as Win).__explorer.updated);
    assert.equal(
      await page.evaluate(() => (window as unknown as Win).__explorer.dataset.total),
      String(want.events),
    );
    assert.ok(!requests.includes("POST"), "nothing uploaded");
    assert.deepEqual(w.problems, []);

    await page.close();

    // The overview shows the same log, reopened from this browser's storage.
    const overview = await browser.context.newPage();
    const wo = await watch(overview, site.origin);
    await overview.goto(`${site.origin}/`, { waitUntil: "domcontentloaded", timeout: 120_000 });
    await overview.locator("#local-log-accounting").waitFor({ timeout: 120_000 });
    await overview.waitForFunction(
      (events) => document.querySelector("#total-events")?.textContent === events,
      n(want.events),
      { timeout: 60_000 },
    );
    assert.match((await overview.textContent("main")) ?? "", /opened from your disk/);
    assert.deepEqual(await errorCells(overview), []);
    assert.deepEqual(wo.problems, []);
    await overview.close();

    // So does the explorer, keeping the view of the address (a finding's link).
    const again = await browser.context.newPage();
    const wa = await watch(again, site.origin);
    await again.goto(`${site.origin}/explorer#mode=sql&where=TRUE`, {
      waitUntil: "domcontentloaded",
      timeout: 120_000,
    });
    await ready(again);
    await again.locator("#local-log-accounting").waitFor({ timeout: 120_000 });
    await again.waitForFunction(
      (events) => (window as unknown as Win).__explorer.dataset.total === events,
      String(want.events),
      { timeout: 60_000 },
    );
    assert.equal(await again.inputValue("#explorer-where"), "TRUE");
    assert.deepEqual(wa.problems, []);

    // Back to the bundled log: forgotten, and the page shows the honeynet events again.
    await Promise.all([again.waitForEvent("load"), again.click("#local-log-forget")]);
    await ready(again);
    assert.notEqual(
      await again.evaluate(() => (window as unknown as Win).__explorer.dataset.total),
      String(want.events),
    );
    assert.equal(await again.locator("#local-log-accounting").count(), 0);
    assert.deepEqual(await errorCells(again), []);
    await again.close();
  });
});
