// The link graph in headless Chromium (test/browser/linkgraph-page.ts): a 5,000-edge scan
// graph drawn whole, a 20,000-edge one reduced to the size limit with the reduction stated on
// the figure, and the interactions a static PNG lacks: hover, click → log rows, drag → pin,
// export. Timings are bench/linkgraph.ts's business.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Browser, launch } from "./harness.js";
import { type LinkGraphSite, serveLinkGraphPage } from "./linkgraph-page.js";

let site: LinkGraphSite;
let browser: Browser;
before(async () => {
  site = await serveLinkGraphPage();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

test("5,000 edges: every node and edge drawn", async () => {
  const { page, result } = await site.open(browser, "edges=5000&max=6000");
  assert.equal(result.edges, 5001);
  assert.equal(result.note, `5,001 edges, ${result.nodes.toLocaleString("en-US")} nodes`);
  assert.ok(result.ticks > 0);
  await page.close();
});

test("20,000 edges: reduced to 5,000 with the reduction stated", async () => {
  const { page, result } = await site.open(browser, "edges=20000&max=5000");
  assert.equal(result.edges, 20000);
  assert.match(result.note, /^showing 5,000 of 20,000 edges and [\d,]+ of [\d,]+ nodes/);
  await page.close();
});

test("hover, click for rows, drag to pin, export", async () => {
  const { page } = await site.open(browser, "edges=150");
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
  await page.close();
});
