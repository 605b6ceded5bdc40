// `fwglow convert`: firewall logs → zstd Parquet with the event schema. Also the library
// function the Framework data loaders call (`convertToParquet`).
import { createWriteStream, type WriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { countRollovers, parseStream } from "../lib/parse/index.js";
import type { Accounting, Malformed } from "../lib/schema.js";
import { type Command, type Io, UsageError } from "./command.js";
import {
  InputError,
  type InputSource,
  nodeDecoder,
  parseCli,
  parseYear,
  resolveInputs,
  yearOf,
} from "./inputs.js";
import { EventParquetWriter, type ParquetWriterOptions } from "./parquet.js";
import { createProgress } from "./progress.js";
import { WHERE_OPTIONS, WHERE_USAGE, whereSql } from "./where.js";

export interface ConvertProgress {
  /** Bytes read so far (compressed bytes for gzip input) and the total, null when unknown (stdin). */
  bytesRead: number;
  totalBytes: number | null;
  lines: number;
  events: number;
}

export interface ConvertOptions {
  /** FILE | DIR | GLOB | `-` arguments; none or empty → the bundled default data set. */
  inputs?: readonly string[];
  /** Output Parquet path. */
  out: string;
  /** Year of the first yearless stamp of every input (else from mtimes, see inputs.ts). */
  year?: number;
  /** Write every malformed line here as NDJSON `{file, line, reason, raw}`. */
  rejects?: string;
  /** Where `-` reads from (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  onProgress?: (progress: ConvertProgress) => void;
  /** How many malformed records to return (all are counted, and all go to `rejects`). Default 100. */
  keepMalformed?: number;
  /** Keep only rows matching this SQL boolean expression over the schema's columns (the seam for `--where`). */
  whereSql?: string;
  parquet?: ParquetWriterOptions;
}

export interface ConvertResult {
  accounting: Accounting;
  /** The first `keepMalformed` malformed lines. */
  malformed: Malformed[];
  /** Rows in the Parquet file (= events unless `whereSql` dropped some). */
  rows: number;
  seconds: number;
  /** Input bytes (as stored: compressed size for gzip). */
  bytes: number;
  files: { name: string; path: string | null; year: number }[];
}

/** Converts logs to a Parquet file. Throws InputError for missing/unreadable inputs. */
export async function convertToParquet(options: ConvertOptions): Promise<ConvertResult> {
  const started = performance.now();
  const sources = await resolveInputs(options.inputs ?? [], {
    stdin: options.stdin ?? process.stdin,
    spoolStdin: options.year === undefined,
  });
  const accounting: Accounting = { lines: 0, events: 0, other: 0, malformed: 0 };
  const malformed: Malformed[] = [];
  const keep = options.keepMalformed ?? 100;
  const totalBytes = sources.every((s) => s.size !== null)
    ? sources.reduce((sum, s) => sum + (s.size ?? 0), 0)
    : null;
  let bytesRead = 0;
  const files: ConvertResult["files"] = [];
  let rejects: WriteStream | null = null;
  const writer = await EventParquetWriter.open(resolve(options.out), {
    ...options.parquet,
    whereSql: options.whereSql ?? options.parquet?.whereSql,
  });
  try {
    if (options.rejects) rejects = await openRejects(options.rejects);
    for (const source of sources) {
      const year = await yearOf(source, options.year, (chunks) =>
        countRollovers(chunks, nodeDecoder()),
      );
      files.push({ name: source.name, path: source.path, year });
      const chunks = source.open((n) => {
        bytesRead += n;
      });
      for await (const batch of parseStream(chunks, {
        file: source.name,
        year,
        decoder: nodeDecoder,
      })) {
        accounting.lines += batch.lines;
        accounting.events += batch.events.length;
        accounting.other += batch.other;
        accounting.malformed += batch.malformed.length;
        for (const m of batch.malformed) {
          if (malformed.length < keep) malformed.push(m);
          if (rejects && !rejects.write(`${JSON.stringify(m)}\n`)) {
            await new Promise<void>((r) => rejects?.once("drain", () => r()));
          }
        }
        if (batch.events.length > 0) await writer.write(batch.events);
        options.onProgress?.({
          bytesRead,
          totalBytes,
          lines: accounting.lines,
          events: accounting.events,
        });
      }
    }
    const rows = await writer.close();
    if (rejects) await closeStream(rejects);
    return {
      accounting,
      malformed,
      rows,
      seconds: (performance.now() - started) / 1000,
      bytes: bytesRead,
      files,
    };
  } catch (error) {
    await writer.abort();
    if (rejects) await closeStream(rejects).catch(() => {});
    throw error;
  } finally {
    await cleanup(sources);
  }
}

async function cleanup(sources: InputSource[]): Promise<void> {
  for (const s of sources) await s.cleanup?.();
}

async function openRejects(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path);
  await new Promise<void>((ok, fail) => {
    stream.once("open", () => ok());
    stream.once("error", (e) => fail(new InputError(`--rejects ${path}: ${e.message}`)));
  });
  return stream;
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((ok, fail) => {
    stream.once("error", fail);
    stream.end(() => ok());
  });
}

/** `179,752` */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** The one-line summary printed on stderr by convert and parse. */
export function summary(a: Accounting, seconds: number): string {
  return `${fmt(a.lines)} lines: ${fmt(a.events)} events, ${fmt(a.other)} other, ${fmt(a.malformed)} malformed in ${seconds.toFixed(2)} s (${fmt(a.lines / Math.max(seconds, 1e-6))} lines/s)`;
}

const USAGE = `Usage: fwglow convert [FILE|DIR|GLOB|-]... -o OUT.parquet [--year Y] [--rejects FILE]

Converts iptables / ip6tables / nftables log lines to a zstd-compressed Parquet file with the
event schema (docs/SCHEMA.md). Inputs may be plain or gzip-compressed (recognized by content);
a directory means its files, '-' means stdin. With no input, the bundled default data set
(the Scan34 honeynet log, data/default.json) is converted.

Options:
  -o, --output FILE   the Parquet file to write (required)
  --year Y            year of the first record of each file (BSD syslog stamps have no year);
                      default: the file's modification year, minus the Dec→Jan rollovers in it
  --rejects FILE      write the malformed lines as NDJSON {file, line, reason, raw}
${WHERE_USAGE}
  -q, --quiet         no summary
  -h, --help          this help

A summary (lines, events, other, malformed, seconds, lines/s) goes to stderr; a progress bar
too when stderr is a terminal and the input is large.
Exit status: 0 ok, 1 missing/unreadable input or write failure, 2 bad arguments.`;

export const command: Command = {
  name: "convert",
  summary: "convert firewall logs to a Parquet file (the event schema)",
  usage: USAGE,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCli(args, {
      output: { type: "string", short: "o" },
      year: { type: "string" },
      rejects: { type: "string" },
      quiet: { type: "boolean", short: "q" },
      ...WHERE_OPTIONS,
    });
    if (!values.output) throw new UsageError("missing -o OUT.parquet");
    const year = values.year === undefined ? undefined : parseYear(values.year);
    const out = resolve(values.output);
    if ((await stat(out).catch(() => null))?.isDirectory())
      throw new UsageError(`-o ${values.output}: is a directory`);
    let progress: ReturnType<typeof createProgress> | null = null;
    try {
      const result = await convertToParquet({
        inputs: positionals,
        out,
        year,
        rejects: values.rejects,
        whereSql: whereSql(values),
        stdin: io.stdin,
        onProgress: (p) => {
          progress ??= createProgress(io.stderr, p.totalBytes);
          progress.update(p.bytesRead, p.lines);
        },
      });
      (progress as ReturnType<typeof createProgress> | null)?.finish();
      if (!values.quiet) {
        io.stderr.write(
          `fwglow convert: ${summary(result.accounting, result.seconds)} → ${values.output}\n`,
        );
        if (result.accounting.malformed > 0 && !values.rejects) {
          io.stderr.write(
            `fwglow convert: ${fmt(result.accounting.malformed)} malformed lines; --rejects FILE writes them out\n`,
          );
        }
      }
      return 0;
    } catch (error) {
      (progress as ReturnType<typeof createProgress> | null)?.finish();
      if (error instanceof InputError) {
        io.stderr.write(`fwglow convert: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
