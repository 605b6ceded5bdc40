// `fwglow psad`: psad 2.4.6's --CSV and --gnuplot modes (see docs/psad-differences.md).
import { createReadStream } from "node:fs";
import { copyFile, realpath, stat, writeFile } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { DEFAULT_FIELDS, FilterError, parseFilter } from "../lib/filter/index.js";
import {
  GnuplotOptionError,
  type GnuplotPlotOptions,
  gnuplotData,
  gnuplotHeader,
  gnuplotScript,
  PsadRun,
} from "../lib/psad/engine.js";
import { type PsadArgs, PsadUsageError, parsePsadArgs } from "../lib/psad/options.js";
import type { YearHint } from "../lib/psad/time.js";
import { type Command, type Io, UsageError } from "./command.js";
import { defaultDataset } from "./inputs.js";

const usage = `Usage: fwglow psad [-m FILE | --CSV-stdin] (--CSV | --gnuplot) [options]

psad 2.4.6's CSV and gnuplot modes, compatible output, much faster. Without -m and
--CSV-stdin it reads the bundled Scan34 honeynet log (year 2005). Gzip input is detected.

  -m, --messages-file FILE   log file to read (plain or gzip)
  --CSV-stdin                read the log from stdin
  --CSV                      print matching rows, values joined by ", "
  --gnuplot                  write PREFIX.dat and PREFIX.gnu (needs --CSV-fields)
  --CSV-fields "F[:CRIT] …"  fields and criteria; default: ${DEFAULT_FIELDS}
                             CRIT: n  >n  <n  /regex/  'string'  a.b.c.d[/len|/mask]
                             IPv6[/len]  'not' prefix; ,count ,countuniq ,countmin
                             ,counthour ,countday and …uniq forms (gnuplot)
  --CSV-regex RE             raw line must match RE
  --CSV-neg-regex RE         raw line must not match RE
  --CSV-unique-lines         print each distinct row once (first-appearance order)
  --CSV-max-lines N          stop after N rows
  --CSV-start-line N, --CSV-end-line N   read lines N..M (1-based, inclusive)
  --gnuplot-file-prefix P    P.dat, P.gnu, P.png (default psad_iptables)
  --gnuplot-graph-style S    lines points linespoints dots impulses steps …
  --gnuplot-view A,B  --gnuplot-3D  --gnuplot-sort-style time|value
  --gnuplot-{x,y,z}-range a:b  --gnuplot-{x,y,z}-label L  --gnuplot-title T
  --gnuplot-legend-title T  --gnuplot-grayscale  --gnuplot-interactive
  --gnuplot-template F  --gnuplot-dat-file F  --gnuplot-plot-file F  --gnuplot-png-file F
  --year Y                   year of the first syslog stamp (default: from the file's mtime)
  --keep-ack-rst             keep TCP ACK/RST packets (psad drops them)
  --all-events               a row for every event fwglow's parser reads: psad's visibility
                             rules are not applied (keeps TCP ACK/RST, no OUT=, compressed
                             IPv6, AH/ESP/SCTP, IPv4 UDPLITE, INCOMPLETE headers, …)
  --quiet                    no summary of skipped lines on stderr

Long options may be abbreviated to any unique prefix (--CSV-max 300, --gnuplot-graph points).`;

/** The bytes of a stream, gunzipped when they start with the gzip magic. */
async function* plainBytes(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
  const head = first.value as Buffer;
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield head;
    yield* rest;
    return;
  }
  const gunzip = createGunzip();
  (async () => {
    gunzip.write(head);
    for await (const c of rest) {
      if (!gunzip.write(c)) await new Promise((ok) => gunzip.once("drain", ok));
    }
    gunzip.end();
  })().catch((e: unknown) => gunzip.destroy(e as Error));
  yield* gunzip as AsyncIterable<Buffer>;
}

/** Lines (latin1, without terminators) in batches of one input chunk: no per-line await. */
async function* lineBatches(stream: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  let rest = "";
  for await (const chunk of stream) {
    const parts = (rest + chunk.toString("latin1")).split("\n");
    rest = parts.pop() as string;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (p.charCodeAt(p.length - 1) === 13) parts[i] = p.slice(0, -1);
    }
    yield parts;
  }
  if (rest !== "") yield [rest.endsWith("\r") ? rest.slice(0, -1) : rest];
}

/**
 * Reader for a literal --CSV-regex: finds the lines containing it with Buffer.indexOf on
 * the bytes and tests the cheap criteria there; only the lines left are decoded and parsed.
 */
async function literalScan(
  stream: AsyncIterable<Buffer>,
  lit: Buffer,
  psad: PsadRun,
): Promise<void> {
  /** The lines of buf[from, limit) that contain `lit`; `from` starts a line, `limit` ends one. */
  const handle = (buf: Buffer, from: number, limit: number): boolean => {
    let pos = from;
    for (;;) {
      const m = buf.indexOf(lit, pos);
      if (m < 0 || m >= limit) return true;
      const start = m === from ? from : Math.max(from, buf.lastIndexOf(10, m - 1) + 1);
      let end = buf.indexOf(10, m);
      if (end < 0 || end > limit) end = limit;
      pos = end + 1;
      if (psad.rejectsBytes(buf, start, end)) continue;
      const stop = end > start && buf[end - 1] === 13 ? end - 1 : end;
      if (!psad.push(buf.toString("latin1", start, stop))) return false;
    }
  };
  let carry: Buffer | null = null; // the start of a line cut by the end of a chunk
  for await (const chunk of stream) {
    let from = 0;
    if (carry) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      // only the cut line is copied, not the whole chunk
      const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
      carry = null;
      if (!handle(line, 0, line.length)) return;
      from = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last < from) {
      carry = chunk.subarray(from);
      continue;
    }
    if (!handle(chunk, from, last)) return;
    if (last + 1 < chunk.length) carry = chunk.subarray(last + 1);
  }
  if (carry?.length) handle(carry, 0, carry.length);
}

async function yearHint(a: PsadArgs, path: string | null, bundled: boolean): Promise<YearHint> {
  if (a.year !== undefined) return { year: a.year };
  if (bundled) return { year: defaultDataset().year };
  if (path) {
    const m = (await stat(path)).mtime;
    return { endYear: m.getUTCFullYear(), endMonth: m.getUTCMonth() + 1 };
  }
  return {};
}

async function run(argv: string[], io: Io): Promise<number> {
  let a: PsadArgs;
  try {
    a = parsePsadArgs(argv);
  } catch (error) {
    if (error instanceof PsadUsageError) throw new UsageError(error.message);
    throw error;
  }
  if (!a.csv && !a.gnuplot) throw new UsageError("choose --CSV or --gnuplot");
  if (a.gnuplot && !a.csvFields) throw new UsageError("--gnuplot requires --CSV-fields");
  let filter: ReturnType<typeof parseFilter>;
  try {
    filter = parseFilter(a.csvFields ?? "", { regex: a.csvRegex, negRegex: a.csvNegRegex });
  } catch (error) {
    if (error instanceof FilterError) throw new UsageError(error.message);
    throw error;
  }

  let path: string | null = null;
  let bundled = false;
  if (a.csvStdin) {
    path = null;
  } else if (a.messagesFile) {
    path = a.messagesFile;
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      throw new Error(`cannot open ${path}`);
    }
    let dflt: string[] = [];
    try {
      dflt = defaultDataset().files;
    } catch {
      // no bundled data set next to this build
    }
    for (const f of dflt) if ((await realpath(f).catch(() => "")) === real) bundled = true;
  } else {
    path = defaultDataset().files[0] as string;
    bundled = true;
  }

  const prefix = a.filePrefix ?? "psad_iptables";
  const datFile = a.filePrefix ? `${prefix}.dat` : (a.datFile ?? `${prefix}.dat`);
  const plotFile = a.filePrefix ? `${prefix}.gnu` : (a.plotFile ?? `${prefix}.gnu`);
  const cmd = `'fwglow psad ${argv.join(" ")}'`;
  const plotOpts: GnuplotPlotOptions = {
    prefix,
    datFile,
    pngFile: a.filePrefix ? `${prefix}.png` : (a.pngFile ?? `${prefix}.png`),
    fieldsText: a.csvFields ?? "",
    commandLine: cmd,
    title: a.title,
    legendTitle: a.legendTitle,
    graphStyle: a.graphStyle,
    view: a.view,
    xRange: a.xRange,
    yRange: a.yRange,
    zRange: a.zRange,
    xLabel: a.xLabel,
    yLabel: a.yLabel,
    zLabel: a.zLabel,
    threeD: a.threeD,
    interactive: a.interactive,
    grayscale: a.grayscale,
  };
  if (a.gnuplot && !a.template) {
    // check the gnuplot options before reading anything or writing any file
    try {
      gnuplotScript(filter, 3, plotOpts);
      gnuplotScript(filter, 2, plotOpts);
    } catch (error) {
      if (error instanceof GnuplotOptionError) throw new UsageError(error.message);
      throw error;
    }
  }

  const mode = a.gnuplot ? "gnuplot" : "csv";
  const out: string[] = [];
  let outLen = 0;
  const flush = () => {
    if (out.length) io.stdout.write(Buffer.from(out.join(""), "latin1"));
    out.length = 0;
    outLen = 0;
  };
  const psad = new PsadRun(
    {
      filter,
      mode,
      file: path ?? "-",
      uniqueLines: a.uniqueLines,
      maxLines: a.maxLines,
      startLine: a.startLine,
      endLine: a.endLine,
      keepAckRst: a.keepAckRst,
      allEvents: a.allEvents,
    },
    (row) => {
      out.push(row, "\n");
      outLen += row.length;
      if (outLen > 1 << 16) flush();
    },
  );
  const input = path
    ? createReadStream(path, { highWaterMark: 1 << 20 })
    : (io.stdin as unknown as AsyncIterable<Buffer>);
  const literal = filter.regex?.source;
  if (literal && /^[A-Za-z0-9 =_:,-]+$/.test(literal) && !a.startLine && !a.endLine) {
    // fast path: --CSV-regex is a plain string, so only lines containing it are decoded
    // (line numbers are not needed: no --CSV-start-line / --CSV-end-line)
    await literalScan(
      plainBytes(input as AsyncIterable<Buffer>),
      Buffer.from(literal, "latin1"),
      psad,
    );
  } else {
    read: for await (const batch of lineBatches(plainBytes(input as AsyncIterable<Buffer>))) {
      for (const line of batch) if (!psad.push(line)) break read;
    }
  }
  if (path) (input as ReturnType<typeof createReadStream>).destroy();
  flush();

  if (!a.quiet && psad.drops.size) {
    const parts = [...psad.drops.entries()].map(([r, n]) => `${n} ${r}`);
    io.stderr.write(`fwglow psad: skipped as psad does: ${parts.join("; ")}\n`);
  }

  if (mode === "gnuplot") {
    let data: ReturnType<typeof gnuplotData>;
    try {
      data = gnuplotData(filter, psad.rows, await yearHint(a, path, bundled), {
        threeD: a.threeD,
        sortStyle: a.sortStyle,
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const dat = `${[...gnuplotHeader(cmd), ...data.lines].join("\n")}\n`;
    await writeFile(datFile, Buffer.from(dat, "latin1"));
    if (a.template) {
      await copyFile(a.template, plotFile);
    } else {
      let gnu: string;
      try {
        gnu = gnuplotScript(filter, data.columns, plotOpts);
      } catch (error) {
        if (error instanceof GnuplotOptionError) throw new UsageError(error.message);
        throw error;
      }
      await writeFile(plotFile, Buffer.from(gnu, "latin1"));
    }
    if (!a.quiet)
      io.stderr.write(
        `fwglow psad: wrote ${datFile} (${data.lines.length} rows) and ${plotFile}\n`,
      );
  }
  return 0;
}

export const command: Command = {
  name: "psad",
  summary: "psad 2.4.6 --CSV / --gnuplot modes (same output, much faster)",
  usage,
  run,
};
