// The explorer (/explorer): a psad filter or a SQL WHERE clause → the matching rows (paged,
// raw lines expandable), a time series, a point graph and a link graph, all updated together
// from one DuckDB-wasm table `events` (every schema column, raw included). Invalid input is
// shown inline and the last good result stays. The state lives in the URL hash.

import * as Plot from "npm:@observablehq/plot";
import { csvCell } from "../lib/csv.js";
import { ADDRESS_KINDS_SQL, type AddressKinds, ANY_ADDRESS } from "../lib/filter/index.js";
import type { ExplorerView } from "../lib/findings/index.js";
import {
  buildGraph,
  ConfigError,
  type Graph,
  parseConfig,
  toDot,
  toGraphML,
} from "../lib/graph/index.js";
import { COLUMNS } from "../lib/schema.js";
import { rows as toRows } from "./arrow-rows.js";
import {
  autoBucket,
  type Compiled,
  commandLine,
  compile,
  DEFAULT_STATE,
  type ExplorerState,
  exportSql,
  hashToState,
  InputError,
  queries,
  splitAggregates,
  stateToHash,
} from "./explorer-query.js";
import { toParquet } from "./export-parquet.js";
import { exportRows } from "./export-rows.js";
import { findingsPanel } from "./findings.js";
import { linkGraph } from "./linkgraph.js";
import { type DuckDb, localLogPicker, type PickedLog } from "./local-log.js";
import { toDate } from "./overview.js";
import { scatter3d, scatter3dToSvg } from "./scatter3d.js";

type Row = Record<string, unknown>;
const PAGE = 50;
const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function download(data: BlobPart | Uint8Array, name: string, type: string) {
  const a = document.createElement("a");
  // Arrow's and parquet-wasm's bytes are typed Uint8Array<ArrayBufferLike>; never shared memory.
  a.href = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 2000);
}

/**
 * The bundled data as one `events` table with every schema column: the page projection
 * (events.arrow) beside the raw lines (events-raw.arrow); columns the projection leaves out
 * are NULL (the bundled honeynet log is IPv4 only), ts_text is re-read from the raw line.
 * Both files hold the events of one parse in the same order (src/data/_parsed.ts), so the
 * rows pair up by position: no join on (file, line) and no sort (2.5 s of the page's load).
 */
export async function prepareBundled(db: DuckDb): Promise<void> {
  const have = new Set(
    toRows(
      (await db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'events_page'",
      )) as Iterable<unknown>,
    ).map((r) => String(r.column_name)),
  );
  const cols = COLUMNS.map(([name, type]) => {
    if (name === "raw") return "r.raw";
    if (name === "ts_text" && !have.has("ts_text"))
      return `nullif(regexp_extract(r.raw, '^(?:<\\d+>)?([A-Z][a-z]{2} [ 0-9]\\d \\d\\d:\\d\\d:\\d\\d)', 1), '') AS ts_text`;
    if (have.has(name)) return `p."${name}"::${type} AS "${name}"`;
    return `NULL::${type} AS "${name}"`;
  });
  await db.query(
    `CREATE OR REPLACE TABLE events AS SELECT ${cols.join(", ")} FROM events_page p POSITIONAL JOIN raw_lines r`,
  );
  await db.query("DROP TABLE IF EXISTS events_page");
  await db.query("DROP TABLE IF EXISTS raw_lines");
}

const DEFAULT_CONFIG = (
  net: string,
) => `# AfterGlow colours (edit me): $fields[0] = source, [1] = event, [2] = target
color.source="lightblue" if ($fields[0]=~/^${net.replace(/\.0(\.0)*\/\d+$/, "").replaceAll(".", "\\.")}\\./)
color.source="red"
color.event="yellow" if ($fields[2]==6667)
color.event="orange" if ($fields[2]==22)
color.event="palegreen"
color.target="red" if ($fields[2]==6667)
color.target="orangered" if ($fields[2]==22)
color.target="lightgray"
`;

export interface ExplorerElement extends HTMLElement {
  /** Resolves after the update in flight (for tests and the benchmark). */
  updated: Promise<number>;
  /** Milliseconds of the last update (input → every figure replaced). */
  lastMs: number;
  apply(view: Partial<ExplorerState>): Promise<number>;
}

export function explorer(
  db: DuckDb,
  options: { width?: number; source?: string } = {},
): ExplorerElement {
  const width = Math.max(480, options.width ?? 900);
  let state: ExplorerState = hashToState(location.hash);
  let dataName: string | null = null; // a local file's name, for the command line
  let bucket: "minute" | "hour" | "day" = "hour";
  /** `events` is stored in (file, line) order: the page of rows needs no sort. */
  let sorted = false;
  /** The kinds of address in `events`: the figures group by fewer keys when IPv4 is all. */
  let kinds: AddressKinds = ANY_ADDRESS;
  const q = async (sql: string) => toRows((await db.query(sql)) as Iterable<unknown>);
  // The update's queries share one connection: DuckDBClient.query opens and closes one per
  // query, two more round trips to DuckDB's worker each (its answer waits for the close).
  type Conn = { query(sql: string): Promise<Iterable<unknown>> };
  let conn: Promise<Conn | null> | null = null;
  const uq = async (sql: string) => {
    conn ??= (db._db.connect() as unknown as Promise<Conn>).then(
      (c) => (typeof c.query === "function" ? c : null),
      () => null,
    );
    const c = await conn;
    return c ? toRows(await c.query(sql)) : q(sql);
  };

  // ---- inputs
  const modePsad = el("input", {
    type: "radio",
    name: "explorer-mode",
    value: "psad",
    id: "mode-psad",
  });
  const modeSql = el("input", {
    type: "radio",
    name: "explorer-mode",
    value: "sql",
    id: "mode-sql",
  });
  const fields = el("input", {
    type: "text",
    id: "explorer-fields",
    spellcheck: "false",
    style: "width:100%;font-family:var(--monospace)",
  });
  const regex = el("input", {
    type: "text",
    id: "explorer-regex",
    spellcheck: "false",
    style: "width:100%;font-family:var(--monospace)",
  });
  const neg = el("input", {
    type: "text",
    id: "explorer-neg",
    spellcheck: "false",
    style: "width:100%;font-family:var(--monospace)",
  });
  const where = el("textarea", {
    id: "explorer-where",
    rows: "2",
    spellcheck: "false",
    style: "width:100%;font-family:var(--monospace)",
  });
  const cols = el("input", {
    type: "text",
    id: "explorer-cols",
    spellcheck: "false",
    style: "width:100%;font-family:var(--monospace)",
  });
  const error = el("pre", {
    id: "explorer-error",
    class: "explorer-error",
    style: "color:#d62728;white-space:pre-wrap;display:none;margin:.3em 0",
  });
  const notes = el("div", { class: "muted", style: "font-size:.85em" });
  const psadBox = el(
    "div",
    { id: "explorer-psad" },
    el("label", {}, "psad fields and criteria (", el("code", {}, "--CSV-fields"), ")", fields),
    el(
      "div",
      { class: "grid grid-cols-2", style: "gap:1em;margin:0" },
      el("label", {}, "regex on the raw line (", el("code", {}, "--CSV-regex"), ")", regex),
      el("label", {}, "negated regex (", el("code", {}, "--CSV-neg-regex"), ")", neg),
    ),
  );
  const sqlBox = el(
    "div",
    { id: "explorer-sql" },
    el("label", {}, el("code", {}, "SELECT … FROM events WHERE ("), where, el("code", {}, ")")),
    el("label", {}, "fields shown (psad names)", cols),
  );
  const form = el(
    "div",
    { class: "card", id: "explorer-form" },
    el(
      "div",
      {},
      el("label", {}, modePsad, " psad filter"),
      " ",
      el("label", {}, modeSql, " SQL WHERE"),
      " ",
      el(
        "span",
        { class: "muted", style: "font-size:.85em" },
        "— SQL runs only in DuckDB-wasm in this tab",
      ),
    ),
    psadBox,
    sqlBox,
    error,
    notes,
  );

  // ---- outputs
  const summary = el("h3", { id: "explorer-summary", "aria-live": "polite" });
  const tableBox = el("div", { id: "explorer-table", style: "overflow:auto;max-height:520px" });
  const pager = el("div", { id: "explorer-pager" });
  const seriesBox = el("div", { id: "explorer-series" });
  const bucketSel = el(
    "select",
    { id: "explorer-bucket" },
    ...["auto", "minute", "hour", "day"].map((b) => el("option", { value: b }, b)),
  );
  const axisSel = (id: string, allowNone: boolean) =>
    el("select", { id }, ...(allowNone ? [el("option", { value: "" }, "(none: 2D)")] : []));
  const xSel = axisSel("explorer-x", false);
  const ySel = axisSel("explorer-y", false);
  const zSel = axisSel("explorer-z", true);
  const pointsBox = el("div", { id: "explorer-points" });
  const lsSel = axisSel("explorer-ls", false);
  const leSel = axisSel("explorer-le", true);
  const ltSel = axisSel("explorer-lt", false);
  const config = el("textarea", {
    id: "explorer-config",
    rows: "6",
    spellcheck: "false",
    style: "width:100%;font-family:var(--monospace);font-size:12px",
  });
  const configError = el("pre", {
    id: "explorer-config-error",
    style: "color:#d62728;white-space:pre-wrap;display:none",
  });
  const linkBox = el("div", { id: "explorer-links" });
  const cmd = el("pre", {
    id: "explorer-command",
    style: "white-space:pre-wrap;word-break:break-all",
  });
  const exportNote = el("div", { id: "export-note", class: "muted", style: "font-size:.85em" });
  const button = (label: string, id: string, f: () => unknown) => {
    const b = el("button", { type: "button", id }, label);
    b.addEventListener("click", async () => {
      try {
        await f();
      } catch (e) {
        exportNote.textContent = `${label}: ${e instanceof Error ? e.message : String(e)}`;
      }
    });
    return b;
  };

  let good: {
    c: Compiled;
    graph: Graph | null;
    points: Row[];
    seriesSvg: SVGSVGElement | HTMLElement | null;
    lg: ReturnType<typeof linkGraph> | null;
  } = {
    c: { where: "TRUE", fields: [], notes: [] },
    graph: null,
    points: [],
    seriesSvg: null,
    lg: null,
  };

  const exports = el(
    "div",
    { class: "card", id: "explorer-exports" },
    el("h2", {}, "Export"),
    el(
      "div",
      { style: "display:flex;gap:.4em;flex-wrap:wrap" },
      button("psad CSV", "export-psad", async () => {
        const rows = await q(exportSql(good.c, false));
        const names = good.c.fields.map((f) => f.name);
        download(
          rows.map((r) => names.map((n) => String(r[n] ?? "")).join(", ")).join("\n") +
            (rows.length ? "\n" : ""),
          "psad.csv",
          "text/csv",
        );
      }),
      button("CSV (RFC 4180)", "export-csv", async () => {
        const rows = await q(exportSql(good.c, true));
        const names = ["file", "line", ...good.c.fields.map((f) => f.name), "raw"];
        const lines = [
          names.map(csvCell).join(","),
          ...rows.map((r) => names.map((n) => csvCell(r[n])).join(",")),
        ];
        download(`${lines.join("\r\n")}\r\n`, "events.csv", "text/csv");
      }),
      button("Arrow IPC", "export-arrow", async () => {
        // Framework's npm: import: the Arrow that DuckDB-wasm's results use.
        const arrow = await import("npm:apache-arrow");
        download(
          arrow.tableToIPC(await exportRows(db, good.c.where), "file"),
          "events.arrow",
          "application/vnd.apache.arrow.file",
        );
      }),
      button("Parquet (zstd)", "export-parquet", async () => {
        download(
          await toParquet(await exportRows(db, good.c.where)),
          "events.parquet",
          "application/vnd.apache.parquet",
        );
      }),
      button(
        "time series SVG",
        "export-series-svg",
        () =>
          good.seriesSvg && download(svgText(good.seriesSvg), "timeseries.svg", "image/svg+xml"),
      ),
      button(
        "time series PNG",
        "export-series-png",
        async () =>
          good.seriesSvg && download(await svgToPng(good.seriesSvg), "timeseries.png", "image/png"),
      ),
      button("point graph SVG", "export-points-svg", () =>
        download(scatter3dToSvg(good.points, pointOptions()), "points.svg", "image/svg+xml"),
      ),
      button(
        "link graph SVG",
        "export-links-svg",
        () => good.lg && download(good.lg.toSVG(), "linkgraph.svg", "image/svg+xml"),
      ),
      button(
        "link graph PNG",
        "export-links-png",
        async () => good.lg && download(await good.lg.toPNG(), "linkgraph.png", "image/png"),
      ),
      button(
        "DOT",
        "export-dot",
        () => good.graph && download(toDot(good.graph), "linkgraph.dot", "text/vnd.graphviz"),
      ),
      button(
        "GraphML",
        "export-graphml",
        () => good.graph && download(toGraphML(good.graph), "linkgraph.graphml", "application/xml"),
      ),
    ),
    el(
      "p",
      { class: "muted", style: "font-size:.85em" },
      "Arrow IPC and Parquet (zstd) hold every matching row with every column and type. The Parquet file is written in this tab by parquet-wasm: DuckDB-wasm writes Parquet only with its parquet extension, which this offline site cannot download. On the command line, ",
      el("code", {}, "fwglow convert"),
      " writes a whole log as Parquet.",
    ),
    exportNote,
    el("h3", {}, "The same on the command line"),
    cmd,
  );

  const findingsBox = el("div", { id: "explorer-findings" });
  const root = el(
    "div",
    { class: "fwglow-explorer" },
    el("div", { id: "explorer-source" }),
    findingsBox,
    form,
    el("div", { class: "card" }, summary, tableBox, pager),
    el(
      "div",
      { class: "card" },
      el("h2", {}, "Over time"),
      el("label", {}, "bucket ", bucketSel),
      seriesBox,
    ),
    el(
      "div",
      { class: "card" },
      el("h2", {}, "Point graph"),
      el(
        "div",
        { style: "display:flex;gap:1em;flex-wrap:wrap" },
        el("label", {}, "x ", xSel),
        el("label", {}, "y ", ySel),
        el("label", {}, "z ", zSel),
      ),
      pointsBox,
    ),
    el(
      "div",
      { class: "card" },
      el("h2", {}, "Link graph"),
      el(
        "div",
        { style: "display:flex;gap:1em;flex-wrap:wrap" },
        el("label", {}, "source ", lsSel),
        el("label", {}, "event ", leSel),
        el("label", {}, "target ", ltSel),
      ),
      el("details", {}, el("summary", {}, "AfterGlow configuration"), config, configError),
      linkBox,
    ),
    exports,
  ) as unknown as ExplorerElement;
  root.lastMs = 0;

  const source = root.querySelector("#explorer-source") as HTMLElement;
  const sourceLabel = el(
    "p",
    { id: "explorer-data" },
    options.source ?? "Data: the bundled honeynet log.",
  );
  const picker = localLogPicker(db);
  picker.addEventListener("input", () => picker.value && onLocal(picker.value));
  source.append(sourceLabel, picker);

  function pointOptions() {
    return {
      x: "x",
      y: "y",
      z: state.z ? "z" : undefined,
      count: "count",
      width: Math.min(width, 900),
      view: [71, 63] as [number, number],
      xLabel: state.x,
      yLabel: state.y,
      zLabel: state.z || undefined,
    };
  }

  // ---- state ↔ inputs
  function fieldOptions(sel: HTMLSelectElement, value: string, names: string[]) {
    const keepNone = sel.querySelector("option[value='']");
    sel.replaceChildren(
      ...(keepNone ? [keepNone] : []),
      ...names.map((n) => el("option", { value: n }, n)),
    );
    if (value && !names.includes(value)) sel.append(el("option", { value }, value));
    sel.value = value;
  }
  function toInputs() {
    modePsad.checked = state.mode === "psad";
    modeSql.checked = state.mode === "sql";
    psadBox.style.display = state.mode === "psad" ? "" : "none";
    sqlBox.style.display = state.mode === "sql" ? "" : "none";
    fields.value = state.fields;
    regex.value = state.regex;
    neg.value = state.neg;
    where.value = state.where;
    cols.value = state.cols;
    bucketSel.value = state.bucket;
    config.value = state.config || DEFAULT_CONFIG(internalNet);
  }
  function fromInputs() {
    state = {
      ...state,
      mode: modeSql.checked ? "sql" : "psad",
      fields: fields.value,
      regex: regex.value,
      neg: neg.value,
      where: where.value,
      cols: cols.value,
      bucket: bucketSel.value as ExplorerState["bucket"],
      x: xSel.value || state.x,
      y: ySel.value || state.y,
      z: zSel.value,
      ls: lsSel.value || state.ls,
      le: leSel.value,
      lt: ltSel.value || state.lt,
      config: config.value === DEFAULT_CONFIG(internalNet) ? "" : config.value,
    };
  }

  function showError(e: unknown) {
    error.style.display = "";
    for (const i of [fields, regex, neg, where, cols]) i.removeAttribute("aria-invalid");
    if (e instanceof InputError) {
      const input = { fields, regex, neg, sql: where, cols }[e.where];
      input.setAttribute("aria-invalid", "true");
      let text = e.message;
      if (e.position !== null && !text.includes("\n  "))
        text += `\n  ${input.value}\n  ${" ".repeat(e.position)}^`;
      error.textContent = `${text}\n(showing the last valid result)`;
      if (e.position !== null) {
        input.focus();
        input.setSelectionRange?.(e.position, e.position);
      }
    } else {
      error.textContent = `${e instanceof Error ? e.message : String(e)}\n(showing the last valid result)`;
    }
  }

  // ---- the update
  let seq = 0;
  let internalNet = "11.11.0.0/16";
  let invalidateLg: () => void = () => {};
  async function update(): Promise<number> {
    const me = ++seq;
    const t0 = performance.now();
    let c: Compiled;
    try {
      c = compile(state);
    } catch (e) {
      showError(e);
      return -1;
    }
    const names = c.fields.map((f) => f.name);
    const axisNames = [...new Set([...names, "src", "dst", "sp", "dp", "proto", "ip_len", "ttl"])];
    fieldOptions(xSel, state.x, axisNames);
    fieldOptions(ySel, state.y, axisNames);
    fieldOptions(zSel, state.z, axisNames);
    fieldOptions(lsSel, state.ls, axisNames);
    fieldOptions(leSel, state.le, axisNames);
    fieldOptions(ltSel, state.lt, axisNames);
    let cfgError: string | null = null;
    let cfg: ReturnType<typeof parseConfig> | undefined;
    try {
      cfg = parseConfig(config.value, "config");
    } catch (e) {
      cfgError = e instanceof ConfigError || e instanceof Error ? e.message : String(e);
    }
    const timings: Record<string, number> = {};
    let opts: ReturnType<typeof queryOptions>;
    let rows: Row[];
    let series: Row[];
    let points: Row[];
    let links: Row[];
    try {
      opts = queryOptions();
      const sql = queries(c, state, opts);
      // The last link graph's layout stops here, not when the new one is drawn: on two cores
      // its worker would take half the CPU from DuckDB's (the old graph stays, as laid out).
      invalidateLg();
      // Both queries go to DuckDB's worker at once (it runs them one after the other): no
      // idle round trip in between, and the aggregate's rows (thousands) are converted
      // while the page of rows is queried. A newer update makes this one stop before drawing.
      const timed = async (name: string, text: string) => {
        const t = performance.now();
        const r = await uq(text);
        timings[name] = Math.round(performance.now() - t);
        return r;
      };
      const [agg, r] = await Promise.all([
        timed("aggregates", sql.aggregates),
        timed("rows", sql.rows),
      ]);
      rows = r;
      ({ series, points, links } = splitAggregates(agg, !!state.z, !!state.le));
      root.dataset.sqlMs = String(Math.round(performance.now() - t0));
    } catch (e) {
      if (me === seq) showError(e);
      return -1;
    }
    if (me !== seq) return -1;
    error.style.display = "none";
    for (const i of [fields, regex, neg, where, cols]) i.removeAttribute("aria-invalid");
    notes.textContent = c.notes.join("; ");
    const total = series.reduce((a, r) => a + Number(r.n), 0);
    let tDraw = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      timings[name] = Math.round(now - tDraw);
      tDraw = now;
    };

    // Table
    summary.textContent = `${fmt(total)} matching events${total > PAGE ? ` — rows ${fmt(state.page * PAGE + 1)}–${fmt(Math.min(total, (state.page + 1) * PAGE))}` : ""}`;
    tableBox.replaceChildren(rowsTable(rows, names));
    const pages = Math.max(1, Math.ceil(total / PAGE));
    const nav = (label: string, page: number, id: string) => {
      const b = el("button", { type: "button", id }, label);
      b.disabled = page < 0 || page >= pages || page === state.page;
      b.addEventListener("click", () => {
        state.page = page;
        changed(false);
      });
      return b;
    };
    pager.replaceChildren(
      nav("« first", 0, "page-first"),
      nav("‹ previous", state.page - 1, "page-prev"),
      ` page ${fmt(state.page + 1)} of ${fmt(pages)} `,
      nav("next ›", state.page + 1, "page-next"),
      nav("last »", pages - 1, "page-last"),
    );
    lap("drawTable");

    // Time series
    const svg = seriesPlot(series, opts.bucket, width);
    seriesBox.replaceChildren(svg ?? el("em", {}, "No timestamps in the matching events."));
    lap("drawSeries");

    // Point graph
    const pointRows = countedPoints(points);
    pointsBox.replaceChildren(
      pointRows.length
        ? scatter3d(pointRows, pointOptions())
        : el("em", {}, "No points (every row lacks one of the axes)."),
      el(
        "div",
        { class: "muted", style: "font-size:.85em" },
        `${fmt(pointRows.length)} distinct points${pointRows.length >= 10000 ? " (the 10,000 most frequent)" : ""}; point size = log rows.`,
      ),
    );
    lap("drawPoints");

    // Link graph
    configError.style.display = cfgError ? "" : "none";
    configError.textContent = cfgError
      ? `${cfgError}\n(drawn with the last valid configuration)`
      : "";
    if (cfg) lastCfg = cfg;
    let graph: Graph | null = null;
    let lg: ReturnType<typeof linkGraph> | null = null;
    try {
      const tuples = linkTuples(links, !!state.le);
      graph = buildGraph(tuples, { config: lastCfg, twoColumn: !state.le });
      const stop = new Promise((resolve) => (invalidateLg = () => resolve(undefined)));
      lg = tuples.length
        ? linkGraph(graph, {
            width: Math.min(width, 900),
            height: 520,
            invalidation: stop,
            rows: links,
          })
        : null;
      linkBox.replaceChildren(
        lg ?? el("em", {}, "No rows to draw."),
        el(
          "div",
          { class: "muted", style: "font-size:.85em" },
          `${fmt(tuples.length)} distinct ${state.le ? "source/event/target" : "source/target"} rows${tuples.length >= 1500 ? " (the 1,500 most frequent)" : ""}, as AfterGlow would get them from psad --CSV --CSV-unique-lines.`,
        ),
      );
    } catch (e) {
      configError.style.display = "";
      configError.textContent = `${e instanceof Error ? e.message : String(e)}`;
    }

    lap("drawLinks");
    root.dataset.timings = JSON.stringify(timings);
    cmd.textContent = commandLine(c, state, dataName);
    good = { c, graph, points: pointRows, seriesSvg: svg, lg };
    root.lastMs = performance.now() - t0;
    root.dataset.updateMs = String(Math.round(root.lastMs));
    root.dataset.total = String(total);
    return root.lastMs;
  }
  let lastCfg = parseConfig("", "config");

  function queryOptions() {
    const b = state.bucket === "auto" ? bucket : state.bucket;
    return { pageSize: PAGE, bucket: b, linkMax: 1500, pointMax: 10000, sorted, kinds };
  }

  /**
   * Once per data set, when the page is idle: every row through the aggregate and the
   * figures, off screen. The first broad filter a reader then asks for runs on compiled
   * code and an already grown DuckDB heap: on a fresh page of the honeynet log its update
   * took 480–680 ms without this, 210–270 ms with it.
   */
  async function warmUp(isCurrent: () => boolean): Promise<void> {
    const view: ExplorerState = { ...state, mode: "sql", where: "TRUE" };
    const opts = queryOptions();
    const agg = await uq(queries(compile(view), view, opts).aggregates);
    if (!isCurrent()) return;
    const { series, points, links } = splitAggregates(agg, !!view.z, !!view.le);
    seriesPlot(series, opts.bucket, width);
    if (points.length) scatter3d(countedPoints(points), pointOptions());
    buildGraph(linkTuples(links, !!view.le), { config: lastCfg, twoColumn: !view.le });
  }

  function changed(resetPage = true) {
    if (resetPage) state.page = 0;
    history.replaceState(null, "", stateToHash(state));
    root.updated = update();
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  const onInput = () => {
    fromInputs();
    psadBox.style.display = state.mode === "psad" ? "" : "none";
    sqlBox.style.display = state.mode === "sql" ? "" : "none";
    clearTimeout(timer);
    timer = setTimeout(() => changed(), 150);
  };
  for (const i of [fields, regex, neg, where, cols, config]) i.addEventListener("input", onInput);
  for (const i of [modePsad, modeSql, bucketSel, xSel, ySel, zSel, lsSel, leSel, ltSel])
    i.addEventListener("change", () => {
      fromInputs();
      psadBox.style.display = state.mode === "psad" ? "" : "none";
      sqlBox.style.display = state.mode === "sql" ? "" : "none";
      changed(
        i !== xSel &&
          i !== ySel &&
          i !== zSel &&
          i !== lsSel &&
          i !== leSel &&
          i !== ltSel &&
          i !== bucketSel,
      );
    });
  addEventListener("hashchange", () => {
    state = hashToState(location.hash);
    toInputs();
    root.updated = update();
  });

  root.apply = (view) => {
    state = {
      ...DEFAULT_STATE,
      regex: "",
      ...view,
      page: 0,
    };
    toInputs();
    changed();
    // Not smooth: an animated scroll repaints the page while the update's queries run.
    root.scrollIntoView?.({ block: "start" });
    return root.updated;
  };

  function openFinding(v: ExplorerView) {
    root.apply(
      v.mode === "psad"
        ? { mode: "psad", fields: v.fields, regex: v.regex ?? "", neg: v.negRegex ?? "" }
        : { mode: "sql", where: v.where, cols: v.fields ?? DEFAULT_STATE.cols },
    );
    form.scrollIntoView?.({ behavior: "smooth" });
  }

  let dataSet = 0; // which data set is loaded: work for an older one stops
  async function dataChanged() {
    const me = ++dataSet;
    const isCurrent = () => me === dataSet;
    root.dataset.findings = "running";
    root.dataset.warm = "pending";
    const [span] = await q("SELECT epoch_ms(max(ts)) - epoch_ms(min(ts)) AS span FROM events");
    bucket = autoBucket(Number(span?.span ?? 0));
    // Rows out of (file, line) order in storage (rowid) order? Then pages need ORDER BY.
    const [order] = await q(
      "SELECT count(*)::INTEGER AS n FROM (SELECT file, line, lag(file) OVER (ORDER BY rowid) AS pf, lag(line) OVER (ORDER BY rowid) AS pl FROM events) WHERE pf > file OR (pf = file AND pl >= line)",
    );
    sorted = Number(order?.n ?? 1) === 0;
    root.dataset.sorted = String(sorted);
    const [k] = await q(ADDRESS_KINDS_SQL);
    kinds = { v6: k?.v6 !== false, text: k?.text !== false };
    toInputs();
    root.updated = update();
    // First the view, then the warm-up, then the findings: when a finding can be clicked,
    // the explorer is warm (and its first view did not queue behind the detections).
    const warmed = root.updated
      .then(() => new Promise((ok) => (globalThis.requestIdleCallback ?? setTimeout)(ok)))
      .then(() => warmUp(isCurrent))
      .then(
        () => {
          if (isCurrent()) root.dataset.warm = "done";
        },
        () => {}, // only a speed-up: the reader's own update reports any error
      );
    const panel = findingsPanel(
      async (sql) => {
        await warmed;
        return db.query(sql) as Promise<Iterable<unknown>>;
      },
      { onOpen: openFinding },
    );
    findingsBox.replaceChildren(panel);
    panel.ready.then(() => {
      if (!isCurrent()) return;
      root.dataset.findings = "done";
      const nets = (panel.querySelector("#findings-networks") as HTMLInputElement | null)?.value
        .split(",")[0]
        ?.trim();
      if (nets && nets !== internalNet) {
        const wasDefault = state.config === "";
        internalNet = nets;
        if (wasDefault) config.value = DEFAULT_CONFIG(internalNet);
      }
    });
    return root.updated;
  }

  function onLocal(r: PickedLog) {
    dataName = r.name;
    sourceLabel.textContent = `Data: your file ${r.name} (${fmt(r.counts.events)} events), in this browser only.`;
    // A log just picked has its own networks: start from an unfiltered view. A log reopened
    // from another page keeps the view in the address (a finding's link, say).
    if (!r.restored) {
      state = { ...DEFAULT_STATE, fields: "src dst dp proto", regex: "" };
      history.replaceState(null, "", stateToHash(state));
    }
    root.updated = dataChanged();
  }

  toInputs();
  root.updated = dataChanged();
  return root;
}

/** The time series (`t`, `n` per bucket) as bars, or null when no row has a timestamp. */
function seriesPlot(series: Row[], unit: "minute" | "hour" | "day", width: number) {
  const data = series.filter((r) => r.t != null).map((r) => ({ t: toDate(r.t), n: Number(r.n) }));
  if (!data.length) return null;
  const step = { minute: 60e3, hour: 3600e3, day: 864e5 }[unit];
  return Plot.plot({
    width,
    height: 220,
    x: { type: "utc", label: `${unit} (log time)` },
    y: { grid: true, label: `events per ${unit}` },
    marks: [
      Plot.rectY(data, {
        x1: "t",
        x2: (d: { t: Date }) => new Date(d.t.getTime() + step),
        y: "n",
        fill: "#4269d0",
        tip: true,
      }),
      Plot.ruleY([0]),
    ],
  });
}

const countedPoints = (points: Row[]) => points.map((r) => ({ ...r, count: Number(r.count) }));

const linkTuples = (links: Row[], withEvent: boolean) =>
  links.map((r) =>
    withEvent ? [String(r.s), String(r.e), String(r.t)] : [String(r.s), String(r.t)],
  );

function rowsTable(rows: Row[], names: string[]): HTMLElement {
  const head = el(
    "thead",
    {},
    el("tr", {}, el("th", {}, ""), el("th", {}, "line"), ...names.map((n) => el("th", {}, n))),
  );
  const body = el("tbody");
  for (const r of rows) {
    const toggle = el(
      "button",
      {
        type: "button",
        class: "raw-toggle",
        title: "show the raw log line",
        "aria-expanded": "false",
      },
      "▸",
    );
    const tr = el(
      "tr",
      {},
      el("td", {}, toggle),
      el("td", {}, `${String(r.file)}:${String(r.line)}`),
      ...names.map((n) => el("td", {}, String(r[n] ?? ""))),
    );
    const rawTr = el(
      "tr",
      { class: "raw-line", hidden: "" },
      el(
        "td",
        { colspan: String(names.length + 2) },
        el("code", { style: "white-space:pre-wrap;word-break:break-all" }, String(r.raw ?? "")),
      ),
    );
    toggle.addEventListener("click", () => {
      const open = rawTr.hidden;
      rawTr.hidden = !open;
      toggle.textContent = open ? "▾" : "▸";
      toggle.setAttribute("aria-expanded", String(open));
    });
    body.append(tr, rawTr);
  }
  return el("table", { class: "explorer-rows", style: "font-size:12px" }, head, body);
}

function svgText(node: Element): string {
  const svg = node instanceof SVGSVGElement ? node : node.querySelector("svg");
  if (!svg) throw new Error("no SVG to export");
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return new XMLSerializer().serializeToString(copy);
}

async function svgToPng(node: Element): Promise<Blob> {
  const text = svgText(node);
  const svg = node instanceof SVGSVGElement ? node : (node.querySelector("svg") as SVGSVGElement);
  const w = svg.width.baseVal.value || 640;
  const h = svg.height.baseVal.value || 240;
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = w * 2;
  canvas.height = h * 2;
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.scale(2, 2);
  ctx.drawImage(img, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"),
  );
}
