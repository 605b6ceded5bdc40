// `fwglow parse`: firewall logs → NDJSON or CSV on stdout, one record per event. Also the
// NDJSON / CSV value encoders shared with `fwglow query`.
//
// Encoding decisions (documented in --help):
// - NDJSON: one object per event with the schema's column names in schema order; null columns
//   are omitted. 64-bit integers (the UBIGINT IPv6 halves) are JSON numbers when they are at most
//   2^53-1 (exactly representable in every JSON reader), else decimal strings: a reader that
//   needs them exact should accept both (`BigInt(value)` does). Booleans are true/false.
// - CSV: RFC 4180 (CRLF-free: rows end in LF; fields holding , " CR or LF are quoted, quotes
//   doubled), a header row with the column names, null = empty field. Text cells that start
//   with = + - @ TAB or CR get a leading ' so spreadsheets do not evaluate them as formulas;
//   numbers (and booleans) are written as they are and never prefixed, so -1 stays -1. Only
//   text columns can be altered this way (e.g. a log prefix "-DROP-" becomes "'-DROP-").

import { csvCell } from "../lib/csv.js";
import { countRollovers, parseStream } from "../lib/parse/index.js";
import { COLUMNS, type FwEvent } from "../lib/schema.js";
import { type Command, type Io, UsageError } from "./command.js";
import { fmt, summary } from "./convert.js";
import { InputError, parseCli, parseYear, resolveInputs, yearOf } from "./inputs.js";

/** A JSON value for a 64-bit integer: a number when exactly representable, else a string. */
export function bigintJson(v: bigint): string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
    ? v.toString()
    : `"${v}"`;
}

/** One event as an NDJSON line (without the newline). */
export function eventJson(e: FwEvent): string {
  let out = "{";
  let first = true;
  for (const [name] of COLUMNS) {
    const v = e[name];
    if (v === null || v === undefined) continue;
    out += first ? `"${name}":` : `,"${name}":`;
    first = false;
    if (typeof v === "bigint") out += bigintJson(v);
    else out += JSON.stringify(v);
  }
  return `${out}}`;
}

/** A CSV row (without the newline). */
export function csvRow(values: readonly unknown[]): string {
  return values.map(csvCell).join(",");
}

export const CSV_HEADER = COLUMNS.map(([name]) => name).join(",");

/** One event as a CSV row in schema order. */
export function eventCsv(e: FwEvent): string {
  let out = "";
  for (let i = 0; i < COLUMNS.length; i++) {
    if (i > 0) out += ",";
    out += csvCell(e[COLUMNS[i][0]]);
  }
  return out;
}

/** Writes text, waiting for the stream to drain when its buffer is full. */
export async function writeOut(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise((ok) => stream.once("drain", ok));
}

const USAGE = `Usage: fwglow parse [FILE|DIR|GLOB|-]... [--format ndjson|csv] [--year Y]

Parses iptables / ip6tables / nftables log lines (plain or gzip) and writes one record per event
to stdout. With no input, the bundled default data set is parsed.

Options:
  -f, --format F   ndjson (default) or csv
  --year Y         year of the first record of each file (default: modification year minus rollovers)
  -q, --quiet      no summary, no malformed-line messages
  -h, --help       this help

ndjson: one JSON object per event with the column names of docs/SCHEMA.md; null columns are
  omitted. The 64-bit IPv6 halves (src_v6_hi, …) are JSON numbers when <= 2^53-1, else strings.
csv: RFC 4180 with a header row, null = empty field. Text cells starting with = + - @ TAB CR get
  a leading ' (spreadsheet formula-injection guard); numbers are never altered.
Malformed lines are reported on stderr as FILE:LINE: REASON, then a summary.
Exit status: 0 ok, 1 missing/unreadable input, 2 bad arguments.`;

export const command: Command = {
  name: "parse",
  summary: "parse firewall logs to NDJSON or CSV",
  usage: USAGE,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCli(args, {
      format: { type: "string", short: "f", default: "ndjson" },
      year: { type: "string" },
      quiet: { type: "boolean", short: "q" },
    });
    const format = values.format;
    if (format !== "ndjson" && format !== "csv")
      throw new UsageError(`--format must be ndjson or csv, not '${format}'`);
    const year = values.year === undefined ? undefined : parseYear(values.year);
    const started = performance.now();
    let sources: Awaited<ReturnType<typeof resolveInputs>>;
    try {
      sources = await resolveInputs(positionals, {
        stdin: io.stdin,
        spoolStdin: year === undefined,
      });
    } catch (error) {
      if (error instanceof InputError) {
        io.stderr.write(`fwglow parse: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    const accounting = { lines: 0, events: 0, other: 0, malformed: 0 };
    try {
      if (format === "csv") await writeOut(io.stdout, `${CSV_HEADER}\n`);
      const encode = format === "csv" ? eventCsv : eventJson;
      for (const source of sources) {
        const y = await yearOf(source, year, countRollovers);
        for await (const batch of parseStream(source.open(), { file: source.name, year: y })) {
          accounting.lines += batch.lines;
          accounting.events += batch.events.length;
          accounting.other += batch.other;
          accounting.malformed += batch.malformed.length;
          if (!values.quiet) {
            for (const m of batch.malformed) io.stderr.write(`${m.file}:${m.line}: ${m.reason}\n`);
          }
          if (batch.events.length === 0) continue;
          let text = "";
          for (const e of batch.events) text += `${encode(e)}\n`;
          await writeOut(io.stdout, text);
        }
      }
    } finally {
      for (const s of sources) await s.cleanup?.();
    }
    if (!values.quiet) {
      io.stderr.write(
        `fwglow parse: ${summary(accounting, (performance.now() - started) / 1000)}\n`,
      );
      if (accounting.malformed > 0)
        io.stderr.write(
          `fwglow parse: ${fmt(accounting.malformed)} malformed lines (listed above)\n`,
        );
    }
    return 0;
  },
};
