// Figure cards of the chapter-14 pages (src/chapter14/*.md): the psad command, the live SQL
// and its result, the figure drawn from the build-time JSON (src/chapter14/data/*.json.ts),
// and export buttons. Each figure records when it was drawn (window.__chapter14[id]) and how
// many marks it draws (data-marks), which the browser test compares with the live query.
//
// Times are the log's wall time stored as if UTC (like the overview page), so every time
// axis is UTC and shows the times exactly as logged, in 2005.

import * as Plot from "npm:@observablehq/plot";
import { brushX } from "d3-brush";
import { select } from "d3-selection";
import type { LinkGraphInput } from "./linkgraph.js";

export interface FigureData {
  id: string;
  title: string;
  question: string;
  command: string;
  reconstructed: boolean;
  note?: string;
  kind: "timeseries" | "ranked" | "points3d" | "points2d" | "linkgraph";
  fields: string[];
  csvFields: string;
  sql: string;
  rows: unknown[][];
  columns: string[];
  psad?: string[];
  psadLines: number;
  matched: number;
  graph?: LinkGraphInput;
  dot?: string;
  facts: Record<string, unknown>;
}

export interface PageData {
  page: string;
  source: string;
  files: string[];
  year: number;
  lines: number;
  colorNf?: string;
  viewSql: string;
  figures: FigureData[];
}

declare global {
  interface Window {
    __chapter14?: Record<string, number>;
  }
}

// ------------------------------------------------------------------ style (once per page)

const STYLE = `
.c14-label { font: 600 12px var(--sans-serif); color: var(--theme-foreground-muted); }
.c14-question { font-style: italic; margin: 0 0 .5em; }
.c14-command pre, .c14-sql pre, .c14-colornf pre { font: 12px/1.4 var(--monospace); white-space: pre-wrap; word-break: break-word; margin: .25em 0 .75em; }
.c14-sql pre { max-height: 340px; overflow: auto; }
.c14-note { font-size: 12px; color: var(--theme-foreground-muted); margin: .25em 0; }
.c14-finding { max-width: none; }
.c14-ok { color: #1b7f3b; font-size: 13px; margin: .25em 0; }
.c14-mismatch { color: #c0392b; font-weight: 600; font-size: 13px; margin: .25em 0; }
.c14-table { font: 12px var(--monospace); max-width: 100%; }
.c14-export, .c14-controls { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
.c14-export button, .c14-controls button { font: 12px var(--sans-serif); }
.c14-brush .selection { fill: #4269d0; fill-opacity: .15; }
`;
if (typeof document !== "undefined" && !document.getElementById("c14-style")) {
  const style = document.createElement("style");
  style.id = "c14-style";
  style.textContent = STYLE;
  document.head.append(style);
}

// ------------------------------------------------------------------ small DOM helpers

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children)
    if (c != null) e.append(typeof c === "string" ? document.createTextNode(c) : c);
  return e;
}

const numberFormat = new Intl.NumberFormat("en-US");
/** 165718 → "165,718". */
export const fmt = (n: unknown): string => numberFormat.format(Number(n));

/** The figure of a page by number ("14-13"). */
export function figure(data: PageData, id: string): FigureData {
  const f = data.figures.find((x) => x.id === id);
  if (!f) throw new Error(`no figure ${id}`);
  return f;
}

/** Records that a figure is on screen (for the load-time test). */
export function drawn(fig: FigureData, node: HTMLElement, marks: number): HTMLElement {
  node.dataset.figure = fig.id;
  node.dataset.marks = String(marks);
  node.classList.add("c14-figure");
  const w = window as Window;
  w.__chapter14 ??= {};
  w.__chapter14[fig.id] ??= performance.now();
  return node;
}

/** "Figure 14-N — title", the question, the psad command. */
export function figureHeader(fig: FigureData): HTMLElement {
  return el(
    "div",
    { class: "c14-head" },
    el("h2", {}, `Figure ${fig.id} — ${fig.title}`),
    el("p", { class: "c14-question" }, fig.question),
    el(
      "div",
      { class: "c14-command" },
      el(
        "span",
        { class: "c14-label" },
        fig.reconstructed
          ? "psad command (reconstructed from the figure — not printed in the book)"
          : "psad command (as in the book)",
      ),
      el("pre", {}, el("code", {}, fig.command)),
      fig.note ? el("p", { class: "c14-note" }, fig.note) : null,
    ),
  );
}

/** The live SQL, shown as compiled (the WHERE comes from src/lib/filter). */
export function sqlBlock(fig: FigureData): HTMLElement {
  return el(
    "div",
    { class: "c14-sql" },
    el(
      "span",
      { class: "c14-label" },
      "The same question in SQL (WHERE compiled from the psad filter; runs live in DuckDB-wasm):",
    ),
    el("pre", { "data-language": "sql" }, el("code", { class: "language-sql" }, fig.sql)),
  );
}

type Row = Record<string, unknown>;
function toRows(table: Iterable<unknown>): Row[] {
  return Array.from(table, (d) => {
    const r = d as { toJSON?: () => Row };
    return typeof r.toJSON === "function" ? r.toJSON() : (d as Row);
  });
}

function cellText(v: unknown, column = ""): string {
  if (typeof v === "number" && /^(minute|hour|day)$/.test(column)) v = new Date(v);
  if (v instanceof Date) return v.toISOString().slice(0, 19).replace("T", " ");
  if (typeof v === "bigint") return String(v);
  return v == null ? "" : String(v);
}

/** The live query's result: row count (against the figure's marks) and its first rows. */
export function queryResult(
  fig: FigureData,
  table: Iterable<unknown> & { numRows?: number },
  ms?: number,
): HTMLElement {
  const rows = toRows(table);
  const marks = fig.rows.length;
  const ok = rows.length === marks;
  const head = rows.length ? Object.keys(rows[0] as Row) : [];
  const shown = rows.slice(0, 5);
  return el(
    "div",
    {
      class: "c14-result",
      "data-figure": fig.id,
      "data-rows": String(rows.length),
      "data-marks": String(marks),
    },
    el(
      "p",
      { class: ok ? "c14-ok" : "c14-mismatch" },
      `DuckDB-wasm: ${fmt(rows.length)} rows${ms !== undefined ? ` in ${fmt(Math.round(ms))} ms` : ""} — `,
      ok
        ? `the figure draws ${fmt(marks)} marks, one per row ✓`
        : `but the figure draws ${fmt(marks)} marks ✗`,
    ),
    rows.length
      ? el(
          "table",
          { class: "c14-table" },
          el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
          el(
            "tbody",
            {},
            ...shown.map((r) => el("tr", {}, ...head.map((h) => el("td", {}, cellText(r[h], h))))),
          ),
        )
      : null,
    rows.length > shown.length
      ? el("p", { class: "c14-note" }, `first ${shown.length} of ${fmt(rows.length)} rows`)
      : null,
  );
}

/**
 * Resolves once `n` figures are drawn (or after `timeout` ms): pages start DuckDB-wasm (tens
 * of MB of events and a wasm compile) only then, so it never delays the figures.
 */
export function afterFigures(n: number, timeout = 8000): Promise<void> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const check = () => {
      if (Object.keys(window.__chapter14 ?? {}).length >= n || performance.now() - t0 > timeout)
        resolve();
      else setTimeout(check, 50);
    };
    check();
  });
}

// ------------------------------------------------------------------ exports

function download(blob: Blob, name: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function button(
  text: string,
  title: string,
  onClick: () => void | Promise<void>,
): HTMLButtonElement {
  const b = el("button", { type: "button", title }, text);
  b.addEventListener("click", () => void onClick());
  return b;
}

const slug = (fig: FigureData) => `fig${fig.id}`;

/** psad CSV of the figure: psad's own rows (--CSV) or the plotted values, `", "`-joined. */
async function figureCsv(fig: FigureData): Promise<string> {
  const { csvLine } = await import("../lib/psad/engine.js");
  if (fig.kind === "linkgraph" && fig.psad) return `${fig.psad.join("\n")}\n`;
  const rows = fig.rows.map((r) =>
    r.map((v, i) =>
      fig.columns[i] === "t"
        ? new Date((v as number) * 1000).toISOString().slice(0, 19).replace("T", " ")
        : String(v),
    ),
  );
  return `${[csvLine(fig.columns.map((c) => (c === "t" ? "timestamp" : c))), ...rows.map(csvLine)].join("\n")}\n`;
}

/** Serialized SVG of an element's first <svg> (Plot figures). */
function svgOf(node: Element): string {
  const svg = node.querySelector("svg");
  if (!svg) return "";
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return new XMLSerializer().serializeToString(clone);
}

export async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const img = new Image();
  img.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = width * 2;
  canvas.height = height * 2;
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  URL.revokeObjectURL(img.src);
  return new Promise((ok, fail) =>
    canvas.toBlob((b) => (b ? ok(b) : fail(new Error("PNG export failed"))), "image/png"),
  );
}

export interface ExportOptions {
  svg?: () => string;
  png?: () => Promise<Blob>;
}

/** CSV (psad format), psad's .dat (gnuplot figures), DOT (link graphs), SVG and PNG. */
export function exportBar(fig: FigureData, o: ExportOptions = {}): HTMLElement {
  const bar = el("div", { class: "c14-export" }, el("span", { class: "c14-label" }, "Export:"));
  bar.append(
    button("CSV", 'psad-style CSV (values joined by ", ")', async () =>
      download(new Blob([await figureCsv(fig)], { type: "text/csv" }), `${slug(fig)}.csv`),
    ),
  );
  if (fig.kind !== "linkgraph" && fig.psad)
    bar.append(
      button(".dat", "psad's gnuplot data file", () =>
        download(
          new Blob([`${fig.psad?.join("\n")}\n`], { type: "text/plain" }),
          `${slug(fig)}.dat`,
        ),
      ),
    );
  if (fig.dot)
    bar.append(
      button("DOT", "AfterGlow-compatible DOT (toDot)", () =>
        download(new Blob([fig.dot as string], { type: "text/vnd.graphviz" }), `${slug(fig)}.dot`),
      ),
    );
  if (o.svg)
    bar.append(
      button("SVG", "the picture as SVG", () =>
        download(new Blob([o.svg?.() ?? ""], { type: "image/svg+xml" }), `${slug(fig)}.svg`),
      ),
    );
  if (o.png)
    bar.append(
      button("PNG", "the picture as PNG", async () =>
        download(await (o.png as () => Promise<Blob>)(), `${slug(fig)}.png`),
      ),
    );
  return bar;
}

export function plotExports(
  fig: FigureData,
  holder: HTMLElement,
  width: number,
  height: number,
): HTMLElement {
  return exportBar(fig, {
    svg: () => svgOf(holder),
    png: () => svgToPng(svgOf(holder), width, height),
  });
}

// ------------------------------------------------------------------ time series

const dateOf = (t: number) => new Date(t * 1000);
const stamp = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");

/**
 * psad's count per bucket as a line over the real 2005 time axis; hover for the bucket and
 * count, drag to zoom into a period, double-click (or "Reset zoom") to zoom out.
 */
export function timeSeries(
  fig: FigureData,
  { width, height = 260 }: { width: number; height?: number },
): HTMLElement {
  const [, yName] = fig.columns;
  const unit = /countmin/.test(fig.command)
    ? "minute"
    : /counthour/.test(fig.command)
      ? "hour"
      : "day";
  const data = fig.rows.map(([t, n]) => ({ time: dateOf(t as number), value: n as number }));
  const yLabel = `${yName === "distinct" ? "distinct ports" : "packets"} per ${unit}`;
  const full: [Date, Date] = data.length
    ? [data[0].time, data[data.length - 1].time]
    : [new Date(0), new Date(1)];
  const root = el("div", { class: "c14-timeseries" });
  const status = el("span", { class: "c14-note" });
  const reset = button("Reset zoom", "show the whole period", () => render(full));
  const holder = el("div");
  const margin = { top: 20, right: 20, bottom: 30, left: 50 };
  function render(domain: [Date, Date]): void {
    const zoomed = domain[0] > full[0] || domain[1] < full[1];
    const inView = data.filter((d) => d.time >= domain[0] && d.time <= domain[1]);
    const chart = Plot.plot({
      width,
      height,
      marginTop: margin.top,
      marginRight: margin.right,
      marginBottom: margin.bottom,
      marginLeft: margin.left,
      x: { type: "utc", domain, label: `${unit} (log time, 2005)` },
      y: { grid: true, label: yLabel, zero: true },
      marks: [
        Plot.ruleY([0]),
        Plot.lineY(inView, {
          x: "time",
          y: "value",
          stroke: "#4269d0",
          strokeWidth: 1,
          curve: "linear",
        }),
        Plot.tip(
          inView,
          Plot.pointerX({
            x: "time",
            y: "value",
            title: (d: { time: Date; value: number }) =>
              `${stamp(d.time)} (${unit} bucket)\n${fmt(d.value)} ${yLabel}`,
          }),
        ),
        Plot.dot(inView, Plot.pointerX({ x: "time", y: "value", r: 3, fill: "#4269d0" })),
      ],
    }) as unknown as SVGSVGElement & {
      scale: (n: string) => { apply: (v: unknown) => number; invert: (v: number) => unknown };
    };
    const x = chart.scale("x");
    const brush = brushX()
      .extent([
        [margin.left, margin.top],
        [width - margin.right, height - margin.bottom],
      ])
      .on("end", (event: { selection: [number, number] | null }) => {
        if (!event.selection) return;
        const [a, b] = event.selection.map((p) => x.invert(p) as Date) as [Date, Date];
        if (b.getTime() - a.getTime() < 60_000) return;
        render([a, b]);
      });
    const g = select(chart as SVGSVGElement)
      .append("g")
      .attr("class", "c14-brush")
      .call(brush);
    g.on("dblclick", () => render(full));
    holder.replaceChildren(chart);
    status.textContent = zoomed
      ? `zoomed: ${stamp(domain[0])} – ${stamp(domain[1])}, ${fmt(inView.length)} of ${fmt(data.length)} buckets`
      : `${fmt(data.length)} ${unit} buckets; drag across the chart to zoom, double-click to zoom out`;
    reset.disabled = !zoomed;
  }
  render(full);
  root.append(
    holder,
    el("div", { class: "c14-controls" }, reset, status),
    plotExports(fig, holder, width, height),
  );
  return drawn(fig, root, data.length);
}

// ------------------------------------------------------------------ 2D point graphs

/** `src dst dp:N` as a 2D point graph of psad's ranks (src × dst); dot area ∝ packets. */
export function pointPairs(
  fig: FigureData,
  { width, height = 360 }: { width: number; height?: number },
): HTMLElement {
  const c = (n: string) => fig.columns.indexOf(n);
  const data = fig.rows.map((r) => ({
    src: r[c("src")] as string,
    dst: r[c("dst")] as string,
    sr: r[c("src_rank")] as number,
    dr: r[c("dst_rank")] as number,
    packets: r[c("packets")] as number,
  }));
  const holder = el("div");
  holder.append(
    Plot.plot({
      width,
      height,
      marginLeft: 50,
      x: { label: "source (psad rank)", grid: true },
      y: { label: "destination (psad rank)", grid: true },
      r: { range: [1.5, 9] },
      marks: [
        Plot.dot(data, { x: "sr", y: "dr", r: "packets", fill: "#9400d3", fillOpacity: 0.6 }),
        Plot.tip(
          data,
          Plot.pointer({
            x: "sr",
            y: "dr",
            title: (d: (typeof data)[number]) => `${d.src} → ${d.dst}\n${fmt(d.packets)} packets`,
          }),
        ),
      ],
    }),
  );
  const root = el("div", {}, holder, plotExports(fig, holder, width, height));
  return drawn(fig, root, data.length);
}

/** A list of computed facts as "value (n)" items. */
export function list<T>(items: readonly T[], f: (x: T) => string): string {
  return items.map(f).join(", ");
}
