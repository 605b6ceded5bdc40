// Build-time figure data for the chapter-14 pages: every figure's psad command run by the
// psad engine (src/lib/psad) over the selected logs (FWGLOW_LOGS, default the bundled Scan34
// honeynet log), link graphs built by the graph model (src/lib/graph) with color.nf. Each
// page's loader (./<page>.json.ts) writes the result as a small JSON file, so the page draws
// its figures before DuckDB-wasm has even compiled; the SQL in `sql` runs live in the page.

import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { yearOf } from "../../cli/inputs.js";
import { resolveSelection, selectLogs } from "../../data/_logs.js";
import { buildGraph, parseConfig, parseCsvLine, toDot } from "../../lib/graph/index.js";
import { countRollovers } from "../../lib/parse/index.js";
import { readLines } from "../../lib/parse/lines.js";
import { gnuplotData, PsadRun } from "../../lib/psad/engine.js";
import {
  type CompiledFigure,
  commandLine,
  compileFigure,
  EVENTS_VIEW_SQL,
  FIGURES,
  type PageId,
} from "../figures.js";

const here = dirname(fileURLToPath(import.meta.url));
export const COLOR_NF_PATH = join(here, "..", "color.nf");

/** One figure as the page receives it. */
export interface FigureData {
  id: string;
  title: string;
  question: string;
  command: string;
  reconstructed: boolean;
  note?: string;
  kind: CompiledFigure["spec"]["kind"];
  /** psad field names of --CSV-fields. */
  fields: string[];
  /** The psad filter, for the caption: regexes and criteria as written. */
  csvFields: string;
  /** Live SQL (over the `events` view). */
  sql: string;
  /** Rows the figure draws; its marks. Shape depends on `kind` (see below). */
  rows: unknown[][];
  /** Column names of `rows`. */
  columns: string[];
  /** psad's output lines: the CSV rows (--CSV) or the .dat data lines (--gnuplot), if small. */
  psad?: string[];
  /** Number of psad output lines (rows printed or .dat lines). */
  psadLines: number;
  /** Log lines psad matched. */
  matched: number;
  /** Link graphs: the model and its DOT. */
  graph?: unknown;
  dot?: string;
  /** Computed facts for the text. */
  facts: Record<string, unknown>;
}

export interface PageData {
  page: PageId;
  source: string;
  files: string[];
  year: number;
  lines: number;
  colorNf?: string;
  /** Creates the `events` view the figures' SQL reads. */
  viewSql: string;
  figures: FigureData[];
}

/** psad's .dat data line → its numeric values and the "n=original" comment pairs. */
function datLine(line: string): { vals: number[]; names: Map<number, string> } {
  const [data = "", comment = ""] = line.split("  ### ");
  const vals = data.split(", ").map(Number);
  const names = new Map<number, string>();
  for (const pair of comment.trim().split(" ")) {
    const eq = pair.indexOf("=");
    if (eq > 0) {
      const k = Number(pair.slice(0, eq));
      if (!names.has(k)) names.set(k, pair.slice(eq + 1));
    }
  }
  return { vals, names };
}

const MAX_PSAD_LINES = 2000;

function summarize(
  c: CompiledFigure,
  run: PsadRun,
  csv: string[],
  year: number,
  colorNf: string,
): FigureData {
  const { spec, filter } = c;
  const base = {
    id: spec.id,
    title: spec.title,
    question: spec.question,
    command: commandLine(spec),
    reconstructed: spec.reconstructed,
    note: spec.note,
    kind: spec.kind,
    fields: c.names,
    csvFields: c.args.csvFields ?? "",
    sql: c.sql,
    matched: run.matched,
  };
  if (c.args.csv) {
    // --CSV: the rows psad prints; figure rows = distinct rows with their count
    const counts = new Map<string, number>();
    for (const l of csv) counts.set(l, (counts.get(l) ?? 0) + 1);
    const rows = [...counts].map(([l, n]) => [...l.split(", "), n]);
    const cfg = parseConfig(colorNf, "color.nf");
    const graph = buildGraph(csv.map(parseCsvLine), { config: cfg });
    const slim = {
      nodes: graph.nodes.map((n) => ({
        index: n.index,
        id: n.id,
        kind: n.kind,
        roles: n.roles,
        value: n.value,
        label: n.label,
        color: n.color,
        shape: n.shape,
        size: n.size,
        count: n.count,
        counts: n.counts,
        rows: n.rows,
      })),
      edges: graph.edges.map((e) => ({
        index: e.index,
        source: e.source,
        target: e.target,
        kind: e.kind,
        weight: e.weight,
        rows: e.rows,
        color: e.color,
      })),
      attrs: { xlabels: graph.attrs.xlabels, labelColor: graph.attrs.labelColor },
    };
    return {
      ...base,
      rows,
      columns: [...c.names, "packets"],
      psad: csv,
      psadLines: csv.length,
      graph: slim,
      dot: toDot(graph),
      facts: csvFacts(c, rows as (string | number)[][], graph.nodes),
    };
  }
  const dat = gnuplotData(
    filter,
    run.rows,
    { year },
    { threeD: c.args.threeD, sortStyle: c.args.sortStyle },
  );
  const parsed = dat.lines.map(datLine);
  let rows: unknown[][];
  let columns: string[];
  if (spec.kind === "timeseries") {
    columns = ["t", filter.count?.mode.endsWith("uniq") ? "distinct" : "packets"];
    rows = parsed.map((p) => [p.vals[0], p.vals[1]]);
  } else if (spec.kind === "ranked") {
    columns = ["rank", c.names[0] as string, "count"];
    rows = parsed.map((p) => [
      p.vals[0],
      p.names.get(p.vals[0] as number) ?? String(p.vals[0]),
      p.vals[1],
    ]);
  } else if (filter.count) {
    // 3D count: (x rank, y, count) → x as the address
    columns = [c.names[0] as string, c.names[1] as string, "packets"];
    rows = parsed.map((p) => [
      p.names.get(p.vals[0] as number) ?? String(p.vals[0]),
      p.vals[1],
      p.vals[2],
    ]);
  } else {
    // points: one .dat line per log row; identical points merged with a count
    columns = [
      ...c.names,
      "packets",
      ...c.names.filter((n) => n === "src" || n === "dst").map((n) => `${n}_rank`),
    ];
    const merged = new Map<string, unknown[]>();
    for (const [i, r] of run.rows.entries()) {
      const key = r.join(", ");
      const m = merged.get(key);
      if (m) (m[r.length] as number)++;
      else {
        const p = parsed[i] as ReturnType<typeof datLine>;
        const ranks = c.names.flatMap((n, j) => (n === "src" || n === "dst" ? [p.vals[j]] : []));
        merged.set(key, [
          ...r.map((v, j) => (c.names[j] === "src" || c.names[j] === "dst" ? v : Number(v))),
          1,
          ...ranks,
        ]);
      }
    }
    rows = [...merged.values()];
  }
  return {
    ...base,
    rows,
    columns,
    psad: dat.lines.length <= MAX_PSAD_LINES ? dat.lines : undefined,
    psadLines: dat.lines.length,
    facts: gnuplotFacts(c, rows, columns),
  };
}

const iso = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ");

function gnuplotFacts(
  c: CompiledFigure,
  rows: unknown[][],
  columns: string[],
): Record<string, unknown> {
  const f: Record<string, unknown> = { marks: rows.length };
  if (c.spec.kind === "timeseries") {
    const pts = rows as [number, number][];
    const total = pts.reduce((a, [, n]) => a + n, 0);
    const top = [...pts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const median =
      [...pts].map(([, n]) => n).sort((a, b) => a - b)[Math.floor(pts.length / 2)] ?? 0;
    Object.assign(f, {
      total,
      first: pts.length ? iso(pts[0][0]) : null,
      last: pts.length ? iso(pts[pts.length - 1][0]) : null,
      peaks: top.slice(0, 5).map(([t, n]) => ({ time: iso(t), t, value: n })),
      median,
    });
  } else if (c.spec.kind === "ranked") {
    const r = rows as [number, string, number][];
    Object.assign(f, {
      sources: r.length,
      top: r.slice(0, 5).map(([, a, n]) => ({ address: a, value: n })),
      over100: r.filter(([, , n]) => n > 100).length,
      over10: r.filter(([, , n]) => n > 10).length,
      max: r[0]?.[2] ?? 0,
      atMax: r.filter(([, , n]) => n === r[0]?.[2]).length,
    });
  } else if (c.filter.count) {
    const r = rows as [string, number, number][];
    const top = [...r].sort((a, b) => b[2] - a[2]);
    Object.assign(f, {
      sources: new Set(r.map((x) => x[0])).size,
      ports: new Set(r.map((x) => x[1])).size,
      top: top.slice(0, 5).map(([a, p, n]) => ({ address: a, port: p, value: n })),
    });
  } else {
    Object.assign(f, pointFacts(rows as unknown[][], columns));
  }
  return f;
}

function pointFacts(rows: unknown[][], columns: string[]): Record<string, unknown> {
  const col = (name: string) => columns.indexOf(name);
  const pk = col("packets");
  const total = rows.reduce((a, r) => a + (r[pk] as number), 0);
  const bySrc = new Map<string, { dsts: Set<string>; packets: number }>();
  for (const r of rows) {
    const s = String(r[col("src")]).trim();
    let e = bySrc.get(s);
    if (!e) {
      e = { dsts: new Set(), packets: 0 };
      bySrc.set(s, e);
    }
    e.dsts.add(String(r[col("dst")]).trim());
    e.packets += r[pk] as number;
  }
  const sources = [...bySrc]
    .map(([address, e]) => ({ address, destinations: e.dsts.size, packets: e.packets }))
    .sort((a, b) => b.destinations - a.destinations || b.packets - a.packets);
  const third = columns[2] as string;
  const byThird = new Map<string, number>();
  for (const r of rows) {
    const v = String(r[2]).trim();
    byThird.set(v, (byThird.get(v) ?? 0) + (r[pk] as number));
  }
  return {
    rows: total,
    distinct: rows.length,
    sources: sources.slice(0, 8),
    sourceCount: sources.length,
    destinationCount: new Set(rows.map((r) => String(r[col("dst")]).trim())).size,
    /** Sources that reached every destination of the figure. */
    fullSweeps: sources.filter(
      (x) => x.destinations === new Set(rows.map((r) => String(r[col("dst")]).trim())).size,
    ).length,
    internalSources: sources.filter((x) => x.address.startsWith("11.11.")).length,
    third,
    thirdValues: [...byThird]
      .map(([value, packets]) => ({ value, packets }))
      .sort((a, b) => b.packets - a.packets),
  };
}

function csvFacts(
  c: CompiledFigure,
  rows: (string | number)[][],
  nodes: { kind: string }[],
): Record<string, unknown> {
  const columns = [...c.names, "packets"];
  const kinds: Record<string, number> = {};
  for (const n of nodes) kinds[n.kind] = (kinds[n.kind] ?? 0) + 1;
  return { marks: rows.length, nodes: kinds, ...pointFacts(rows, columns) };
}

/** Runs the figures of a page (or all) over the selected logs. */
export async function computePage(page: PageId | "all"): Promise<PageData> {
  const selection = selectLogs();
  const sources = await resolveSelection(selection);
  const figures = FIGURES.filter((f) => page === "all" || f.page === page).map(compileFigure);
  const csv = figures.map(() => [] as string[]);
  let year = 0;
  const runs = figures.map(
    (c, i) =>
      new PsadRun(
        {
          filter: c.filter,
          mode: c.args.gnuplot ? "gnuplot" : "csv",
          file: sources[0]?.name ?? "-",
          maxLines: c.args.maxLines,
          uniqueLines: c.args.uniqueLines,
          keepAckRst: c.args.keepAckRst,
        },
        (row) => csv[i].push(row),
      ),
  );
  let lines = 0;
  for (const [k, source] of sources.entries()) {
    const y = await yearOf(source, selection.year, countRollovers);
    if (k === 0) year = y;
    for await (const { lines: batch } of readLines(source.open())) {
      lines += batch.length;
      for (const line of batch) for (const r of runs) r.push(line);
    }
  }
  const colorNf = await readFile(COLOR_NF_PATH, "utf-8");
  return {
    page: page as PageId,
    source: selection.source,
    files: sources.map((s) => s.name),
    year,
    lines,
    colorNf: figures.some((c) => c.args.csv) ? colorNf : undefined,
    viewSql: EVENTS_VIEW_SQL,
    figures: figures.map((c, i) => summarize(c, runs[i], csv[i], year, colorNf)),
  };
}
