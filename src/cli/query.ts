// `fwglow query "SQL"`: DuckDB SQL over the events (a view `events` over Parquet files).
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DuckDBDecimalValue, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { csvCell, csvText } from "../lib/csv.js";
import { type Command, type Io, UsageError } from "./command.js";
import { convertToParquet } from "./convert.js";
import { defaultDataset, fwglowVersion, glob, InputError, parseCli, ROOT } from "./inputs.js";
import { sqlString } from "./parquet.js";
import { bigintJson, writeOut } from "./parse.js";
import { WHERE_OPTIONS, WHERE_USAGE, whereSql } from "./where.js";

export type QueryFormat = "table" | "csv" | "json";

export interface QueryOptions {
  sql: string;
  /** Parquet files (or globs); none → the cached conversion of the bundled default data set. */
  data?: readonly string[];
  format?: QueryFormat;
  /** Restricts the `events` view with this SQL boolean expression (the seam for `--where`). */
  whereSql?: string;
  /** Where the default data set's conversion is cached. */
  cacheDir?: string;
  /** Messages (e.g. "converting the bundled log once"). */
  log?: (line: string) => void;
}

/** An error in the user's SQL: exit code 2. */
export class SqlError extends Error {}

export const DEFAULT_CACHE_DIR = join(ROOT, "node_modules", ".cache", "fwglow");

/**
 * The bundled log converted once to Parquet, cached under `cacheDir` keyed by the log files'
 * size + mtime and fwglow's version; stale entries are removed.
 */
export async function defaultParquet(
  cacheDir = DEFAULT_CACHE_DIR,
  log?: (line: string) => void,
): Promise<string> {
  const dataset = defaultDataset();
  const parts: string[] = [fwglowVersion()];
  for (const f of dataset.files) {
    const st = await stat(f);
    parts.push(`${st.size}-${Math.trunc(st.mtimeMs)}`);
  }
  const key = parts.join("_").replace(/[^\w.-]/g, "-");
  const path = join(cacheDir, `default-${key}.parquet`);
  if ((await stat(path).catch(() => null))?.isFile()) return path;
  await mkdir(cacheDir, { recursive: true });
  log?.(`converting the bundled log once (cached in ${path})`);
  await convertToParquet({ out: path }); // writes to a temp name, then renames: safe if run concurrently
  for (const name of await readdir(cacheDir)) {
    if (
      name.startsWith("default-") &&
      name.endsWith(".parquet") &&
      name !== `default-${key}.parquet`
    ) {
      await rm(join(cacheDir, name), { force: true });
    }
  }
  return path;
}

async function resolveData(options: QueryOptions): Promise<string[]> {
  if (!options.data || options.data.length === 0)
    return [await defaultParquet(options.cacheDir, options.log)];
  const files: string[] = [];
  for (const d of options.data) {
    const st = await stat(d).catch(() => null);
    if (st?.isFile()) files.push(resolve(d));
    else if (st?.isDirectory()) {
      const inDir = await glob(join(d, "*.parquet"));
      if (inDir.length === 0) throw new InputError(`--data ${d}: no .parquet files in directory`);
      files.push(...inDir.map((f) => resolve(f)));
    } else if (/[*?[]/.test(d)) {
      const matches = await glob(d);
      if (matches.length === 0) throw new InputError(`--data ${d}: no files match`);
      files.push(...matches.map((f) => resolve(f)));
    } else throw new InputError(`--data ${d}: no such file`);
  }
  return files;
}

/** A JS value for output: DuckDB numbers stay numbers (`numeric` true), the rest becomes text. */
function plain(v: DuckDBValue): {
  value: string | number | bigint | boolean | null;
  numeric: boolean;
} {
  if (v === null || typeof v === "number" || typeof v === "bigint")
    return { value: v, numeric: v !== null };
  if (typeof v === "boolean" || typeof v === "string") return { value: v, numeric: false };
  if (v instanceof DuckDBDecimalValue) return { value: v.toString(), numeric: true };
  return { value: String(v), numeric: false };
}

function jsonValue(v: DuckDBValue): string {
  const { value, numeric } = plain(v);
  if (value === null) return "null";
  if (typeof value === "bigint") return bigintJson(value);
  if (typeof value === "number")
    return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  if (numeric && typeof value === "string")
    return Math.abs(Number(value)) <= Number.MAX_SAFE_INTEGER ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

function csvValue(v: DuckDBValue): string {
  const { value, numeric } = plain(v);
  if (numeric && typeof value === "string") return value; // decimals: never formula-guarded
  return typeof value === "string" ? csvText(value) : csvCell(value);
}

const MAX_CELL = 80;

function tableCell(v: DuckDBValue): { text: string; right: boolean } {
  const { value, numeric } = plain(v);
  let text = value === null ? "NULL" : String(value);
  text = text.replace(/[\r\n\t]/g, " ");
  if (text.length > MAX_CELL) text = `${text.slice(0, MAX_CELL - 1)}…`;
  return { text, right: numeric };
}

/** Runs `sql` with the `events` view and writes the result to `out` in `format`. */
export async function runQuery(options: QueryOptions, out: NodeJS.WritableStream): Promise<number> {
  const files = await resolveData(options);
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  try {
    let view = `SELECT * FROM read_parquet([${files.map(sqlString).join(", ")}])`;
    if (options.whereSql) view = `${view} WHERE (${options.whereSql})`;
    try {
      await conn.run(`CREATE VIEW events AS ${view}`);
    } catch (error) {
      if (options.whereSql) throw new SqlError(oneLine(error));
      throw new InputError(oneLine(error));
    }
    const format = options.format ?? "table";
    let rowCount = 0;
    try {
      if (format === "table") {
        const reader = await conn.runAndReadAll(options.sql);
        const names = reader.columnNames();
        const rows = reader.getRows().map((r) => r.map(tableCell));
        rowCount = rows.length;
        const widths = names.map((n, c) =>
          Math.max(n.length, ...rows.map((r) => r[c].text.length)),
        );
        const right = names.map((_, c) => rows.some((r) => r[c].right));
        const line = (cells: string[]) => cells.join("  ").trimEnd();
        let text = `${line(names.map((n, c) => (right[c] ? n.padStart(widths[c]) : n.padEnd(widths[c]))))}\n${line(widths.map((w) => "-".repeat(w)))}\n`;
        for (const r of rows) {
          text += `${line(r.map((cell, c) => (cell.right ? cell.text.padStart(widths[c]) : cell.text.padEnd(widths[c]))))}\n`;
          if (text.length > 1 << 16) {
            await writeOut(out, text);
            text = "";
          }
        }
        text += `(${rowCount} row${rowCount === 1 ? "" : "s"})\n`;
        await writeOut(out, text);
      } else {
        const result = await conn.stream(options.sql);
        const names = result.columnNames();
        let text = format === "csv" ? `${names.map(csvText).join(",")}\n` : "[";
        const keys = names.map((n) => JSON.stringify(n));
        for await (const rows of result.yieldRows()) {
          for (const r of rows) {
            if (format === "csv") text += `${r.map(csvValue).join(",")}\n`;
            else
              text += `${rowCount === 0 ? "\n" : ",\n"}{${r.map((v, c) => `${keys[c]}:${jsonValue(v)}`).join(",")}}`;
            rowCount++;
          }
          await writeOut(out, text);
          text = "";
        }
        if (format === "json") text += rowCount === 0 ? "]\n" : "\n]\n";
        await writeOut(out, text);
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new SqlError(oneLine(error));
    }
    return rowCount;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n").filter((l) => l.trim() !== "")[0] ?? "error";
}

const USAGE = `Usage: fwglow query "SQL" [--data PARQUET]... [--format table|csv|json] [--where FILTER]

Runs DuckDB SQL with the events as the view 'events' (columns: docs/SCHEMA.md).
Without --data, the bundled default data set is converted once and cached in
node_modules/.cache/fwglow/.

Options:
  -d, --data FILE   Parquet file(s) from 'fwglow convert' (repeatable; a directory or a glob also works)
  -f, --format F    table (default, cells cut at ${MAX_CELL} characters), csv (RFC 4180, text cells
                    starting with = + - @ TAB CR prefixed with '), json (an array of objects;
                    64-bit integers beyond 2^53-1 as strings)
${WHERE_USAGE}
                      (the view 'events' then holds only the matching events)
  -h, --help        this help

Examples:
  fwglow query "SELECT proto, count(*) AS n FROM events GROUP BY proto ORDER BY n DESC"
  fwglow query "SELECT src, count(*) FROM events WHERE src_v4 BETWEEN 184549376 AND 201326591 GROUP BY src"
  fwglow query "SELECT dst, dpt FROM events" --where "src:11.11.0.0/16 dst:not11.11.0.0/16" --regex "SYN URGP="
Exit status: 0 ok, 1 missing/unreadable data, 2 bad arguments or an SQL error.`;

export const command: Command = {
  name: "query",
  summary: "run DuckDB SQL over the events",
  usage: USAGE,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCli(args, {
      data: { type: "string", short: "d", multiple: true },
      format: { type: "string", short: "f", default: "table" },
      ...WHERE_OPTIONS,
    });
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0 ? "missing SQL" : "give the SQL as one argument (quote it)",
      );
    }
    const format = values.format as QueryFormat;
    if (!["table", "csv", "json"].includes(format))
      throw new UsageError(`--format must be table, csv or json, not '${format}'`);
    try {
      await runQuery(
        {
          sql: positionals[0],
          data: values.data,
          format,
          whereSql: whereSql(values),
          log: (l) => io.stderr.write(`fwglow query: ${l}\n`),
        },
        io.stdout,
      );
      return 0;
    } catch (error) {
      if (error instanceof SqlError) {
        io.stderr.write(`fwglow query: ${error.message}\n`);
        return 2;
      }
      if (error instanceof InputError) {
        io.stderr.write(`fwglow query: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
