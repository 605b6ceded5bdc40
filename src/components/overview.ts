// Components of the overview page (src/index.md): plain functions (data, {width}) => element.
// Data arrive as DuckDB-wasm results (Arrow tables) or plain arrays; counts are cast to
// INTEGER in the SQL so no BigInt reaches Plot. Timestamps are the log's wall time stored as
// if UTC, so every time axis uses UTC to show the times exactly as logged.

import * as Plot from "npm:@observablehq/plot";
import { rows } from "./arrow-rows.js";

type Row = Record<string, unknown>;
export interface Size {
  width: number;
}

/** A DuckDB TIMESTAMP as it arrives in the browser (epoch ms or Date) → Date. */
export function toDate(value: unknown): Date | null {
  if (value == null) return null;
  if (value instanceof Date) return value;
  if (typeof value === "bigint") return new Date(Number(value));
  if (typeof value === "number") return new Date(value);
  return new Date(String(value));
}

const numberFormat = new Intl.NumberFormat("en-US");
/** 179752 → "179,752". */
export function formatCount(n: unknown): string {
  return numberFormat.format(Number(n));
}

/** A wall-clock timestamp as logged: `2005-02-25 12:11:24`. */
export function formatTime(value: unknown): string {
  const d = toDate(value);
  return d ? d.toISOString().slice(0, 19).replace("T", " ") : "—";
}

export interface AccountingTotals {
  lines: number;
  events: number;
  other: number;
  malformed: number;
}

/** Line accounting: how many lines became events, were other messages, or were malformed. */
export function accountingChart(
  totals: AccountingTotals,
  { width }: Size,
): SVGSVGElement | HTMLElement {
  const data = [
    { kind: "events", lines: totals.events },
    { kind: "other", lines: totals.other },
    { kind: "malformed", lines: totals.malformed },
  ];
  return Plot.plot({
    width,
    height: 130,
    marginLeft: 80,
    marginRight: 80,
    x: {
      type: "symlog",
      label: "lines (symlog scale)",
      grid: true,
      ticks: [0, 10, 100, 1_000, 10_000, 100_000, 1_000_000].filter(
        (t) => t <= Math.max(10, totals.lines * 1.5),
      ),
      tickFormat: "~s",
    },
    y: { domain: data.map((d) => d.kind), label: null },
    color: { domain: ["events", "other", "malformed"], range: ["#4269d0", "#97bbf5", "#ff725c"] },
    marks: [
      Plot.barX(data, { x: "lines", y: "kind", fill: "kind", tip: true }),
      Plot.text(data, {
        x: "lines",
        y: "kind",
        text: (d: { lines: number }) => formatCount(d.lines),
        textAnchor: "start",
        dx: 4,
      }),
      Plot.ruleX([0]),
    ],
  });
}

export interface MalformedLine {
  file: string;
  line: number;
  reason: string;
  raw: string;
}

/** Builds an element; text children are set as text, so log contents are escaped. */
function el(
  tag: string,
  attrs: Record<string, string>,
  ...children: (Node | string)[]
): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(typeof c === "string" ? document.createTextNode(c) : c);
  return e;
}

/** The malformed lines as a table; every field is inserted as text (escaped). */
export function malformedList(lines: readonly MalformedLine[], total: number): HTMLElement {
  if (total === 0) return el("p", {}, el("em", {}, "No malformed lines."));
  const body = el(
    "tbody",
    {},
    ...lines.map((m) =>
      el(
        "tr",
        {},
        el("td", {}, String(m.file)),
        el("td", {}, String(m.line)),
        el("td", {}, String(m.reason)),
        el("td", {}, el("code", {}, String(m.raw))),
      ),
    ),
  );
  const head = el(
    "thead",
    {},
    el("tr", {}, ...["file", "line", "reason", "raw"].map((h) => el("th", {}, h))),
  );
  const div = el("div", { class: "malformed-list" }, el("table", {}, head, body));
  if (lines.length < total)
    div.append(el("p", {}, `First ${lines.length} of ${formatCount(total)} listed.`));
  return div;
}

/** Events per hour over the whole period, stacked by protocol. Rows: {hour, proto, events}. */
export function hourlyChart(data: Iterable<unknown>, { width }: Size): SVGSVGElement | HTMLElement {
  const data2 = rows(data).map((d) => ({ ...d, hour: toDate(d.hour) }));
  return Plot.plot({
    width,
    height: 280,
    x: { type: "utc", label: "hour (log time)" },
    y: { grid: true, label: "events per hour" },
    color: { legend: true, label: "protocol" },
    marks: [
      Plot.rectY(data2, {
        x1: "hour",
        x2: (d: Row) => new Date((d.hour as Date).getTime() + 3600_000),
        y: "events",
        fill: "proto",
        tip: true,
        title: (d: Row) => `${formatTime(d.hour)}\n${d.proto}: ${formatCount(d.events)} events`,
      }),
      Plot.ruleY([0]),
    ],
  });
}

/** Horizontal bars of {key, events}, sorted by count. */
export function countBars(
  data: Iterable<unknown>,
  { width, label, color = "#4269d0" }: Size & { label: string; color?: string },
): SVGSVGElement | HTMLElement {
  const data2 = rows(data).map((d) => ({
    key: String(d.key ?? "(none)"),
    events: Number(d.events),
  }));
  // Room for the labels, but never so much that the bars get no width (narrow cards).
  const marginRight = 56;
  const wanted = 10 + 7 * Math.max(4, ...data2.map((d) => d.key.length));
  const marginLeft = Math.max(40, Math.min(wanted, 240, width - marginRight - 80));
  return Plot.plot({
    width: Math.max(width, marginLeft + marginRight + 80),
    height: Math.max(80, 22 * data2.length + 40),
    marginLeft,
    marginRight,
    x: { grid: true, label: "events", axis: "top" },
    y: { label, domain: [...data2].sort((a, b) => b.events - a.events).map((d) => d.key) },
    marks: [
      Plot.barX(data2, { x: "events", y: "key", fill: color, tip: true }),
      Plot.text(data2, {
        x: "events",
        y: "key",
        text: (d: { events: number }) => formatCount(d.events),
        textAnchor: "start",
        dx: 4,
      }),
      Plot.ruleX([0]),
    ],
  });
}
