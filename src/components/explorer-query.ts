// The explorer's state (kept in the URL hash) and the SQL it runs — no DOM, so it is
// testable in Node against @duckdb/node-api. User SQL only ever runs in the reader's own
// DuckDB-wasm, wrapped as `SELECT … FROM events WHERE (…)`, and `;` is refused.

import {
  type AddressKinds,
  ALIASES,
  ANY_ADDRESS,
  FIELDS,
  type FieldDef,
  FilterError,
  parseFilter,
  sqlText,
  toSql,
} from "../lib/filter/index.js";

export interface ExplorerState {
  mode: "psad" | "sql";
  /** psad --CSV-fields (psad mode). */
  fields: string;
  regex: string;
  neg: string;
  /** SQL WHERE (sql mode). */
  where: string;
  /** psad field names shown in sql mode. */
  cols: string;
  page: number;
  /** Point graph axes (psad field names; z "" = 2D). */
  x: string;
  y: string;
  z: string;
  /** Link graph columns. */
  ls: string;
  le: string;
  lt: string;
  /** AfterGlow config text ("" = the default). */
  config: string;
  /** Time series bucket. */
  bucket: "auto" | "minute" | "hour" | "day";
}

export const DEFAULT_STATE: ExplorerState = {
  mode: "psad",
  fields: "src:11.11.0.0/16 dst:not11.11.0.0/16 dp",
  regex: "SYN URGP=",
  neg: "",
  where: "proto = 'TCP' AND syn AND NOT ack",
  cols: "timestamp src dst sp dp proto flags",
  page: 0,
  x: "src",
  y: "dst",
  z: "dp",
  ls: "src",
  le: "dst",
  lt: "dp",
  config: "",
  bucket: "auto",
};

const KEYS = Object.keys(DEFAULT_STATE) as (keyof ExplorerState)[];

/** State → hash (only what differs from the defaults, so links stay short). */
export function stateToHash(s: ExplorerState): string {
  const p = new URLSearchParams();
  for (const k of KEYS) if (String(s[k]) !== String(DEFAULT_STATE[k])) p.set(k, String(s[k]));
  const t = p.toString();
  return t ? `#${t}` : "#";
}

/** Hash → state; unknown keys ignored, bad values replaced by defaults. */
export function hashToState(hash: string): ExplorerState {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  const s: ExplorerState = { ...DEFAULT_STATE };
  // A finding's link sets a mode without the other mode's defaults.
  if (p.has("mode") && p.get("mode") === "sql" && !p.has("where")) s.where = "TRUE";
  if (p.get("mode") === "psad" && p.has("fields") && !p.has("regex")) s.regex = "";
  for (const k of KEYS) {
    const v = p.get(k);
    if (v === null) continue;
    if (k === "page") s.page = Math.max(0, Math.floor(Number(v)) || 0);
    else if (k === "mode") s.mode = v === "sql" ? "sql" : "psad";
    else if (k === "bucket")
      s.bucket = (["auto", "minute", "hour", "day"] as const).find((b) => b === v) ?? "auto";
    else (s as unknown as Record<string, string>)[k] = v;
  }
  return s;
}

export interface Compiled {
  where: string;
  fields: FieldDef[];
  /** Notes for the reader (ignored count suffixes, …). */
  notes: string[];
}

export class InputError extends Error {
  constructor(
    message: string,
    readonly where: "fields" | "regex" | "neg" | "sql" | "cols",
    readonly position: number | null = null,
  ) {
    super(message);
  }
}

function fieldList(names: string, where: "cols" | "fields"): FieldDef[] {
  const out: FieldDef[] = [];
  for (const m of names.matchAll(/\S+/g)) {
    const name = m[0].split(":")[0] as string;
    const f = FIELDS.get(ALIASES[name] ?? name);
    if (!f) throw new InputError(`${name} is not a psad field`, where, m.index ?? 0);
    if (!out.includes(f)) out.push(f);
  }
  return out;
}

/** Validates and compiles the state's filter. Throws InputError. */
export function compile(s: ExplorerState): Compiled {
  const notes: string[] = [];
  if (s.mode === "psad") {
    let filter: ReturnType<typeof parseFilter>;
    try {
      filter = parseFilter(s.fields, { regex: s.regex || undefined, negRegex: s.neg || undefined });
    } catch (error) {
      if (error instanceof FilterError) {
        const target = /^--CSV-regex/.test(error.message)
          ? "regex"
          : /^--CSV-neg-regex/.test(error.message)
            ? "neg"
            : "fields";
        throw new InputError(error.message, target, target === "fields" ? error.position : null);
      }
      throw error;
    }
    if (filter.count)
      notes.push(
        `the count suffix (${filter.count.mode}) is for gnuplot; the explorer shows every matching row`,
      );
    const fields: FieldDef[] = [];
    for (const spec of filter.fields) if (!fields.includes(spec.field)) fields.push(spec.field);
    return { where: toSql(filter), fields, notes };
  }
  const where = s.where.trim();
  if (where === "") throw new InputError("empty WHERE clause (write TRUE for every row)", "sql", 0);
  const semi = where.indexOf(";");
  if (semi >= 0) throw new InputError("';' is not allowed: one WHERE clause only", "sql", semi);
  const fields = fieldList(s.cols || "timestamp src dst dp proto", "cols");
  return { where, fields, notes };
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A field as grouping columns `${prefix}0…` of the aggregate (see FieldDef.keys). */
function grouped(f: FieldDef, prefix: string, kinds: AddressKinds) {
  const keys = f.keys?.(kinds);
  const exprs = keys?.sql ?? [`(${f.sql})`];
  const cols = exprs.map((_, i) => `${prefix}${i}`);
  const value = keys ? keys.value(cols) : (cols[0] as string);
  return {
    select: exprs.map((e, i) => `${e} AS ${cols[i]}`).join(", "),
    cols: cols.join(", "),
    /** The typed value (number or text), as `f.sql` gives it. */
    value,
    /** The text psad prints. */
    text: f.kind === "num" ? `coalesce(CAST(${value} AS VARCHAR), '-1')` : value,
    present: keys
      ? keys.present(cols)
      : f.kind === "num"
        ? `${cols[0]} IS NOT NULL`
        : `nullif(${cols[0]}, '') IS NOT NULL`,
  };
}

/**
 * The SQL of one explorer update: two queries, each a single pass over `events` with the
 * filter evaluated once (so a raw-line regex runs twice per update, not once per figure).
 *
 * - `rows`: the page of matching rows, every shown field and the raw line. When the table
 *   is stored in (file, line) order (`opts.sorted`, checked when the data is loaded) it has
 *   no ORDER BY: DuckDB keeps insertion order, so the LIMIT streams and stops after the
 *   page instead of sorting every match.
 * - `aggregates`: the time series, the point graph and the link graph as one GROUPING SETS
 *   aggregate over typed keys (addresses by their integers, see FieldDef.keys), grouped
 *   once and materialized; the top points and links are cut on those keys, and only the
 *   rows kept are printed. Its rows carry `kind`: 0 = series (`t`, `n`), 1 = points (`x`, `y`, `z`,
 *   `count`), 2 = links (`s`, `e`, `lt`, `count`) — see splitAggregates.
 */
export function queries(
  c: Compiled,
  s: ExplorerState,
  opts: {
    pageSize: number;
    bucket: string;
    linkMax: number;
    pointMax: number;
    sorted?: boolean;
    /** The data's address kinds (ADDRESS_KINDS_SQL): fewer group keys. Default: any. */
    kinds?: AddressKinds;
  },
) {
  const kinds = opts.kinds ?? ANY_ADDRESS;
  const w = `(${c.where})`;
  const cols = c.fields.map((f) => `${sqlText(f)} AS ${q(f.name)}`).join(", ");
  const axis = (name: string) => {
    const f = FIELDS.get(ALIASES[name] ?? name);
    if (!f) throw new InputError(`${name} is not a psad field`, "fields");
    return f;
  };
  const x = axis(s.x);
  const y = axis(s.y);
  const z = s.z ? axis(s.z) : null;
  const ls = axis(s.ls);
  const le = s.le ? axis(s.le) : null;
  const lt = axis(s.lt);
  const bucket = (["minute", "hour", "day"] as const).find((b) => b === opts.bucket) ?? "hour";
  const source = grouped(ls, "ls", kinds);
  const event = le && grouped(le, "le", kinds);
  const target = grouped(lt, "lt", kinds);
  const link = event ? [source, event, target] : [source, target];
  // The default view draws the same three fields in both graphs: then one grouping set
  // serves both (each row hashed once).
  const shared = !!z && !!le && x === ls && y === le && z === lt;
  const point = shared
    ? link
    : [grouped(x, "px", kinds), grouped(y, "py", kinds), ...(z ? [grouped(z, "pz", kinds)] : [])];
  const keys = (set: typeof link) => set.map((g) => g.cols).join(", ");
  const pointSet = shared ? "gl" : "gp";
  const aggregates = `WITH k AS (SELECT date_trunc('${bucket}', ts) AS t, ${[...(shared ? [] : point), ...link].map((g) => g.select).join(", ")}
  FROM events WHERE ${w}),
g AS MATERIALIZED (SELECT *, GROUPING(t) AS gt, ${shared ? "" : `GROUPING(${keys(point)}) AS gp, `}GROUPING(${keys(link)}) AS gl, count(*) AS n
  FROM k GROUP BY GROUPING SETS ((t), ${shared ? "" : `(${keys(point)}), `}(${keys(link)}))),
p AS (SELECT * FROM g WHERE ${pointSet} = 0 AND ${point.map((g) => g.present).join(" AND ")} ORDER BY n DESC LIMIT ${opts.pointMax}),
l AS (SELECT * FROM g WHERE gl = 0 ORDER BY n DESC, ${keys(link)} LIMIT ${opts.linkMax})
SELECT 0 AS kind, t, n::INTEGER AS n FROM g WHERE gt = 0
UNION ALL BY NAME
SELECT 1 AS kind, ${point.map((g, i) => `${g.value} AS ${["x", "y", "z"][i]}`).join(", ")}, n::INTEGER AS count FROM p
UNION ALL BY NAME
SELECT 2 AS kind, ${source.text} AS s, ${event ? `${event.text} AS e, ` : ""}${target.text} AS lt, n::INTEGER AS count FROM l`;
  return {
    rows: `SELECT file, line::INTEGER AS line, raw${cols ? `, ${cols}` : ""} FROM events WHERE ${w}${opts.sorted ? "" : " ORDER BY file, line"} LIMIT ${opts.pageSize} OFFSET ${s.page * opts.pageSize}`,
    aggregates,
    // One figure at a time, for Node (tests): the same aggregate through a view
    // (`select` defines it; nothing is materialized). The page uses `aggregates`.
    select: `CREATE OR REPLACE VIEW explorer_agg AS ${aggregates}`,
    series: "SELECT t, n FROM explorer_agg WHERE kind = 0 ORDER BY t",
    points: `SELECT x, y${z ? ", z" : ""}, count FROM explorer_agg WHERE kind = 1 ORDER BY count DESC`,
    links: `SELECT s${le ? ", e" : ""}, lt AS t, count FROM explorer_agg WHERE kind = 2 ORDER BY count DESC, s`,
  };
}

type Row = Record<string, unknown>;
/** The `aggregates` result → the series (by time), the points and the links (`t` = target). */
export function splitAggregates(rows: Iterable<Row>, withZ: boolean, withE: boolean) {
  const series: Row[] = [];
  const points: Row[] = [];
  const links: Row[] = [];
  for (const r of rows) {
    const kind = Number(r.kind);
    if (kind === 0) series.push({ t: r.t, n: r.n });
    else if (kind === 1)
      points.push(
        withZ ? { x: r.x, y: r.y, z: r.z, count: r.count } : { x: r.x, y: r.y, count: r.count },
      );
    else
      links.push(
        withE ? { s: r.s, e: r.e, t: r.lt, count: r.count } : { s: r.s, t: r.lt, count: r.count },
      );
  }
  const time = (v: unknown) =>
    v == null ? Number.POSITIVE_INFINITY : Number(v instanceof Date ? v.getTime() : v);
  series.sort((a, b) => time(a.t) - time(b.t));
  // UNION ALL keeps each part's order, but do not rely on it.
  points.sort((a, b) => Number(b.count) - Number(a.count));
  links.sort(
    (a, b) =>
      Number(b.count) - Number(a.count) ||
      (String(a.s) < String(b.s) ? -1 : String(a.s) > String(b.s) ? 1 : 0),
  );
  return { series, points, links };
}

/** All matching rows for export: the shown fields as psad prints them. */
export function exportSql(c: Compiled, withRaw: boolean): string {
  const cols = c.fields.map((f) => `${sqlText(f)} AS ${q(f.name)}`).join(", ");
  return `SELECT ${withRaw ? "file, line::INTEGER AS line, " : ""}${cols}${withRaw ? ", raw" : ""} FROM events WHERE (${c.where}) ORDER BY file, line`;
}

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The equivalent command line (`fwglow psad` for psad filters, `fwglow query` for SQL). */
export function commandLine(c: Compiled, s: ExplorerState, file: string | null): string {
  const m = file ? ` -m ${shellQuote(file)}` : "";
  if (s.mode === "psad") {
    let cmd = `fwglow psad --CSV --keep-ack-rst${m} --CSV-fields ${shellQuote(s.fields.trim())}`;
    if (s.regex) cmd += ` --CSV-regex ${shellQuote(s.regex)}`;
    if (s.neg) cmd += ` --CSV-neg-regex ${shellQuote(s.neg)}`;
    return cmd;
  }
  const sql = `SELECT ${c.fields.map((f) => `${sqlText(f)} AS ${q(f.name)}`).join(", ")} FROM events WHERE (${c.where}) ORDER BY file, line`;
  return `fwglow query --format csv${file ? ` --data ${shellQuote(`${file}.parquet`)}` : ""} ${shellQuote(sql)}`;
}

/** A time bucket for a span in milliseconds. */
export function autoBucket(spanMs: number): "minute" | "hour" | "day" {
  if (spanMs <= 2 * 86400e3) return "minute";
  if (spanMs <= 120 * 86400e3) return "hour";
  return "day";
}
