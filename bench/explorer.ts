// Explorer latency in Chromium on the built site: for a series of filters, the time from the
// input change to every figure replaced (table, time series, point graph, link graph), and
// how much of it is DuckDB-wasm SQL. Needs `npm run build`.
//
//   node --import tsx bench/explorer.ts [ROUNDS] [--pause MS] [--local LOG]
//
// The first change comes the moment the page's idle work (warm-up, then findings) is done,
// or MS later with --pause (a reader's pause).
// With --local, then opens LOG (e.g. `node --import tsx bench/generate.ts 1000000 /tmp/1m.log`)
// through the page's file picker and reports the parse + load time and the JS heap.
import { launch, serveDist, settled } from "../test/browser/harness.js";

type Win = { __explorer: { updated: Promise<number>; dataset: DOMStringMap } };
// The broadest first: on a fresh page its first run is the slowest update.
const FILTERS: [string, string, string][] = [
  ["psad", "src:not11.11.0.0/16 dst dp", ""],
  ["psad", "src:11.11.0.0/16 dst:not11.11.0.0/16 dp", "SYN URGP="],
  ["psad", "src dst dp:3306", ""],
  ["psad", "src dst ip_len:92", "PROTO=ICMP.*TYPE=8"],
  ["psad", "src dst dp:1434", "PROTO=UDP"],
  ["sql", "proto = 'TCP' AND syn AND NOT ack", ""],
];
const args = process.argv.slice(2);
const localAt = args.indexOf("--local");
const local = localAt >= 0 ? args.splice(localAt, 2)[1] : undefined;
const pauseAt = args.indexOf("--pause");
const pause = pauseAt >= 0 ? Number(args.splice(pauseAt, 2)[1]) : 0;
const rounds = Number(args[0] ?? 3);
const site = await serveDist();
const browser = await launch();
try {
  const page = await browser.context.newPage();
  /** Waits for the explorer's idle work (explorer.ts: the warm-up, then the findings). */
  const done = (work: "warm" | "findings", timeout: number) =>
    page.waitForFunction(
      (work) => (window as unknown as Win).__explorer.dataset[work] === "done",
      work,
      { timeout },
    );
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && console.error(`console: ${m.text()}`));
  const t0 = Date.now();
  await page.goto(`${site.origin}/explorer`, { waitUntil: "domcontentloaded", timeout: 120_000 });
  await settled(page, 120_000);
  await page.waitForFunction(() => (window as unknown as Win).__explorer !== undefined, undefined, {
    timeout: 120_000,
  });
  await page.evaluate(() => (window as unknown as Win).__explorer.updated);
  await done("warm", 120_000);
  console.log(`warmed up: ${Date.now() - t0} ms`);
  await done("findings", 120_000);
  console.log(`page ready (data loaded, first view drawn, findings done): ${Date.now() - t0} ms`);
  await page.waitForTimeout(pause);
  const all: number[] = [];
  const painted: number[] = [];
  const perFilter = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    for (const [mode, text, regex] of FILTERS) {
      const res = await page.evaluate(
        async ({ mode, text, regex }) => {
          const ex = (
            window as unknown as Win & { __explorer: { apply(v: object): Promise<number> } }
          ).__explorer;
          const t0 = performance.now();
          const ms = await ex.apply(
            mode === "psad" ? { mode, fields: text, regex } : { mode, where: text },
          );
          // …and until the next frame is painted (figures drawing in requestAnimationFrame),
          // so the next update does not start behind this one's paint.
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          return {
            ms,
            painted: performance.now() - t0,
            sql: ex.dataset.sqlMs,
            timings: ex.dataset.timings,
            total: ex.dataset.total,
          };
        },
        { mode, text, regex },
      );
      all.push(res.ms);
      painted.push(res.painted);
      const name = `${mode} ${JSON.stringify(text)}${regex ? ` /${regex}/` : ""}`;
      perFilter.set(name, [...(perFilter.get(name) ?? []), res.ms]);
      console.log(
        `${mode} ${JSON.stringify(text)}${regex ? ` /${regex}/` : ""}: ${Math.round(res.ms)} ms total (${Math.round(res.painted)} ms painted), ${res.sql} ms SQL ${res.timings}, ${res.total} rows`,
      );
    }
  }
  const quantile = (v: number[], q: number) =>
    [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(q * v.length))] ?? 0;
  const med = (v: number[]) => quantile(v, 0.5);
  for (const [name, v] of perFilter)
    console.log(
      `  ${name}: median ${Math.round(med(v))} ms, max ${Math.round(Math.max(...v))} ms (${v.length} updates)`,
    );
  console.log(
    `median ${Math.round(med(all))} ms, p90 ${Math.round(quantile(all, 0.9))} ms, max ${Math.round(Math.max(...all))} ms over ${all.length} updates (until painted: median ${Math.round(med(painted))} ms, p90 ${Math.round(quantile(painted, 0.9))} ms, max ${Math.round(Math.max(...painted))} ms)`,
  );
  if (local) {
    const t1 = Date.now();
    await page.setInputFiles("#local-log-file", local);
    await page.locator("#local-log-accounting").waitFor({ timeout: 300_000 });
    const loaded = Date.now() - t1;
    console.log(`local log: ${(await page.textContent("#local-log-accounting"))?.trim()}`);
    console.log(`local log: picked → queryable in ${loaded} ms`);
    await page.evaluate(() => (window as unknown as Win).__explorer.updated);
    // The findings' detections run in the same DuckDB after a load: time filter changes after them.
    const f0 = Date.now();
    await done("warm", 300_000);
    console.log(`local log: warmed up ${Date.now() - f0} ms after the first view`);
    await done("findings", 300_000);
    console.log(`local log: findings done ${Date.now() - f0} ms after the first view`);
    const heap = await page.evaluate(
      () =>
        (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory
          ?.usedJSHeapSize ?? 0,
    );
    console.log(
      `local log: first view drawn ${Date.now() - t1} ms after picking; main-thread JS heap ${(heap / 1e6).toFixed(0)} MB`,
    );
    const localMs: number[] = [];
    for (const [mode, text, regex] of FILTERS) {
      const res = await page.evaluate(
        async ({ mode, text, regex }) => {
          const ex = (
            window as unknown as Win & { __explorer: { apply(v: object): Promise<number> } }
          ).__explorer;
          const ms = await ex.apply(
            mode === "psad" ? { mode, fields: text, regex } : { mode, where: text },
          );
          return {
            ms,
            sql: ex.dataset.sqlMs,
            timings: ex.dataset.timings,
            total: ex.dataset.total,
          };
        },
        { mode, text, regex },
      );
      localMs.push(res.ms);
      console.log(
        `local ${mode} ${JSON.stringify(text)}${regex ? ` /${regex}/` : ""}: ${Math.round(res.ms)} ms total, ${res.sql} ms SQL ${res.timings}, ${res.total} rows`,
      );
    }
    console.log(
      `local log: median ${Math.round(med(localMs))} ms, max ${Math.round(Math.max(...localMs))} ms over ${localMs.length} filter changes`,
    );
  }
} finally {
  await browser.close();
  await site.close();
}
