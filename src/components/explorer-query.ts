// The explorer's state (kept in the URL hash) and the SQL it runs — no DOM, so it is
// testable in Node against @duckdb/node-api. User SQL only ever runs in the reader's own
// DuckDB-wasm, wrapped as `SELECT … FROM events WHERE (…)`, and `;` is refused.

import {
  ALIASES,
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

/**
 * Every SQL query of one explorer update. The filter is evaluated once (`select`: the
 * matching rows' few needed values into a table `explorer_sel` (a plain table: DuckDBClient opens a connection per query, so a TEMP table would vanish), so a raw-line regex runs
 * once, not four times); the figures' queries read `sel`, and the page of rows joins back
 * to `events` for its fields and raw lines.
 */
export function queries(
  c: Compiled,
  s: ExplorerState,
  opts: { pageSize: number; bucket: string; linkMax: number; pointMax: number },
) {
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
  const val = (f: FieldDef) => (f.kind === "num" ? `(${f.sql})` : `nullif(${f.sql}, '')`);
  return {
    select: `CREATE OR REPLACE TABLE explorer_sel AS SELECT file, line, date_trunc('${opts.bucket}', ts) AS t,
  ${val(x)} AS x, ${val(y)} AS y, ${z ? val(z) : "NULL"} AS z,
  ${sqlText(ls)} AS ls, ${le ? sqlText(le) : "NULL"} AS le, ${sqlText(lt)} AS lt
FROM events WHERE ${w}`,
    series: "SELECT t, count(*)::INTEGER AS n FROM explorer_sel GROUP BY 1 ORDER BY 1",
    rows: `WITH p AS (SELECT file, line FROM explorer_sel ORDER BY file, line LIMIT ${opts.pageSize} OFFSET ${s.page * opts.pageSize})
SELECT e.file, e.line::INTEGER AS line, e.raw${cols ? `, ${cols}` : ""} FROM events e JOIN p ON e.file = p.file AND e.line = p.line ORDER BY e.file, e.line`,
    points: `SELECT x, y${z ? ", z" : ""}, count(*)::INTEGER AS count FROM explorer_sel WHERE x IS NOT NULL AND y IS NOT NULL${z ? " AND z IS NOT NULL" : ""} GROUP BY ALL ORDER BY count DESC LIMIT ${opts.pointMax}`,
    links: `SELECT ls AS s${le ? ", le AS e" : ""}, lt AS t, count(*)::INTEGER AS count FROM explorer_sel GROUP BY ALL ORDER BY count DESC, s LIMIT ${opts.linkMax}`,
  };
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
