// psad's --CSV and --gnuplot modes over a stream of lines: filtering, CSV rows, and the
// gnuplot .dat/.gnu contents. No I/O here: callers push lines and receive strings.
import {
  countInterval,
  countIsUniq,
  type FieldDef,
  type Filter,
  renderValue,
  toPredicate,
} from "../filter/index.js";
import { createLineParser, type LineResult } from "../parse/index.js";
import type { FwEvent } from "../schema.js";
import { epochs, type YearHint } from "./time.js";
import { type PsadSkipReason, psadFilter, psadSkip } from "./visible.js";

/** Why a line gave no row: psad's visibility rules, or a line the shared parser cannot read. */
export type PsadDropReason = PsadSkipReason | "malformed";

export interface PsadRunOptions {
  filter: Filter;
  mode: "csv" | "gnuplot";
  file: string;
  /** Print each distinct row once, in order of first appearance. */
  uniqueLines?: boolean;
  /** Stop after this many rows (psad prints one fewer). 0 = no limit. */
  maxLines?: number;
  /** 1-based first line to read. */
  startLine?: number;
  /** 1-based last line to read (inclusive; psad's is exclusive). */
  endLine?: number;
  /** Keep TCP packets with ACK or RST (psad's `IGNORE_CONNTRACK_BUG_PKTS=N`). */
  keepAckRst?: boolean;
  /**
   * Do not apply psad's visibility rules (`psadSkip`): every event the shared parser reads
   * gives a row, including what psad skips (TCP ACK/RST, no OUT=, compressed IPv6,
   * AH/ESP/SCTP/GRE, IPv4 UDPLITE, INCOMPLETE headers, …).
   */
  allEvents?: boolean;
}

/**
 * One psad CSV row for an event: the printed values of the chosen fields. Give it the
 * fields of a {@link psadFilter}ed filter for psad's own renderings (timestamp, …).
 */
export function psadValues(e: FwEvent, fields: readonly FieldDef[]): string[] {
  return fields.map((f) => renderValue(f.value(e)));
}

/** Join values the psad way: `", "`, never quoted. */
export function csvLine(values: readonly string[]): string {
  return values.join(", ");
}

/** Filter state machine: push lines in order; rows come out through `onRow` (CSV mode). */
export class PsadRun {
  readonly drops = new Map<PsadDropReason, number>();
  lines = 0;
  matched = 0;
  /** Gnuplot mode: the rows kept for the final rendering. */
  readonly rows: string[][] = [];
  done = false;
  private readonly parse: (text: string, lineNo: number) => LineResult;
  private readonly pred;
  private readonly fields: FieldDef[];
  private readonly seen = new Set<string>();
  private readonly re: RegExp | null;
  private readonly neg: RegExp | null;
  private readonly quickNets: QuickNet[];
  private readonly skip: { keepAckRst: boolean } | null;
  private readonly keys = new AddressKeys();

  constructor(
    private readonly opts: PsadRunOptions,
    private readonly onRow: (line: string) => void = () => {},
  ) {
    // the one parser; no year: psad prints the stamps as logged (gnuplot: see time.ts)
    this.parse = createLineParser({ file: opts.file });
    this.skip = opts.allEvents ? null : { keepAckRst: opts.keepAckRst ?? false };
    // the regexes are tested on the raw line before parsing (same result, much faster)
    this.re = opts.filter.regex ? new RegExp(opts.filter.regex.portable) : null;
    this.neg = opts.filter.negRegex ? new RegExp(opts.filter.negRegex.portable) : null;
    const filter = psadFilter(opts.filter);
    this.pred = toPredicate({ ...filter, regex: null, negRegex: null });
    this.fields = filter.fields.map((f) => f.field);
    this.quickNets = quickNets(opts.filter);
  }

  /**
   * The cheap test push() applies before parsing, on a line `text[start, end)`: true when
   * an IPv4 `src`/`dst` criterion would reject the line anyway. It only decides when the
   * line has exactly one `SRC=` (`DST=`) holding a dotted quad and at most one of the
   * other (so the address the parser reads is unambiguous); otherwise the parse decides.
   */
  rejects(text: string, start = 0, end = text.length): boolean {
    if (this.quickNets.length === 0) return false;
    const k = this.keys.reset();
    for (let i = text.indexOf("=", start + 3); i >= 0 && i < end; i = text.indexOf("=", i + 1))
      k.see(text.charCodeAt(i - 3), text.charCodeAt(i - 2), text.charCodeAt(i - 1), i + 1);
    for (const q of this.quickNets) {
      const at = k.valueAt(q.src);
      if (at < 0) continue;
      const v = quadAt(text, at, end);
      if (v >= 0 && (v < q.lo || v > q.hi)) return true;
    }
    return false;
  }

  /**
   * {@link rejects} on the bytes of a line, `buf[start, end)` (latin1): lets a byte-level
   * reader skip decoding most lines.
   */
  rejectsBytes(buf: Uint8Array, start: number, end: number): boolean {
    if (this.quickNets.length === 0) return false;
    const k = this.keys.reset();
    for (let i = start + 3; i < end; i++)
      if (buf[i] === 61)
        k.see(buf[i - 3] as number, buf[i - 2] as number, buf[i - 1] as number, i + 1);
    for (const q of this.quickNets) {
      const at = k.valueAt(q.src);
      if (at < 0) continue;
      const v = quadAtBytes(buf, at, end);
      if (v >= 0 && (v < q.lo || v > q.hi)) return true;
    }
    return false;
  }

  private drop(why: PsadDropReason): void {
    this.drops.set(why, (this.drops.get(why) ?? 0) + 1);
  }

  /** Feed the next line (without its terminator). Returns false once no more lines are needed. */
  push(raw: string): boolean {
    if (this.done) return false;
    const n = ++this.lines;
    const { startLine, endLine } = this.opts;
    if (endLine && n > endLine) {
      this.done = true;
      return false;
    }
    if (startLine && n < startLine) return true;
    if (this.re && !this.re.test(raw)) return true;
    if (this.neg?.test(raw)) return true;
    if (this.rejects(raw)) return true;
    const r = this.parse(raw, n);
    if (r.kind !== "event") {
      if (r.kind === "malformed") this.drop("malformed");
      return true;
    }
    const e = r.event;
    if (this.skip) {
      const why = psadSkip(e, this.skip);
      if (why !== null) {
        this.drop(why);
        return true;
      }
    }
    if (!this.pred(e)) return true;
    const values = psadValues(e, this.fields);
    if (this.opts.mode === "gnuplot") {
      this.rows.push(values);
      this.matched++;
    } else {
      const line = csvLine(values);
      if (this.opts.uniqueLines) {
        if (this.seen.has(line)) return true;
        this.seen.add(line);
      }
      this.matched++;
      this.onRow(line);
    }
    if (this.opts.maxLines && this.matched >= this.opts.maxLines) {
      this.done = true;
      return false;
    }
    return true;
  }
}

/** The dotted quad at s[i…] followed by a space (psad's $ipv4_re), as an integer; -1 if none. */
function quadAt(s: string, i: number, end: number): number {
  let n = 0;
  let o = 0;
  let digits = 0;
  let dots = 0;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      o = o * 10 + c - 48;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      n = n * 256 + o;
      o = 0;
      digits = 0;
    } else break;
  }
  if (dots !== 3 || digits === 0 || i >= end || s.charCodeAt(i) !== 32) return -1;
  return n * 256 + o;
}

/** The `SRC=` and `DST=` keys of one line: where the (last) value starts, how many. */
class AddressKeys {
  private src = -1;
  private srcN = 0;
  private dst = -1;
  private dstN = 0;
  reset(): this {
    this.src = this.dst = -1;
    this.srcN = this.dstN = 0;
    return this;
  }
  /** The 3 characters a, b, c before an "=" whose value starts at `value`. */
  see(a: number, b: number, c: number, value: number): void {
    if (a === 83 && b === 82 && c === 67) {
      this.src = value; // SRC=
      this.srcN++;
    } else if (a === 68 && b === 83 && c === 84) {
      this.dst = value; // DST=
      this.dstN++;
    }
  }
  /** Where the SRC= (src) or DST= value starts, if unambiguous: one of it, at most one of the other. */
  valueAt(src: boolean): number {
    if (src) return this.srcN === 1 && this.dstN <= 1 ? this.src : -1;
    return this.dstN === 1 && this.srcN <= 1 ? this.dst : -1;
  }
}

function quadAtBytes(buf: Uint8Array, i: number, end: number): number {
  let n = 0;
  let o = 0;
  let digits = 0;
  let dots = 0;
  for (; i < end; i++) {
    const c = buf[i] as number;
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      o = o * 10 + c - 48;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      n = n * 256 + o;
      o = 0;
      digits = 0;
    } else break;
  }
  if (dots !== 3 || digits === 0 || i >= end || buf[i] !== 32) return -1;
  return n * 256 + o;
}

interface QuickNet {
  /** The criterion is on `src` (else `dst`). */
  src: boolean;
  lo: number;
  hi: number;
}

/** The IPv4 network criteria on src/dst that {@link PsadRun.rejects} can test on the text. */
function quickNets(filter: Filter): QuickNet[] {
  const out: QuickNet[] = [];
  for (const spec of filter.fields) {
    const c = spec.criterion;
    if (c?.kind !== "net" || c.family !== 4 || spec.negate) continue;
    out.push({ src: spec.name === "src", lo: Number(c.lo), hi: Number(c.hi) });
  }
  return out;
}

// ---------------------------------------------------------------- gnuplot .dat

/** How psad maps a text field to a number (`%gnuplot_non_digit_packet_fields`). */
const HASHENTRY = new Set([
  "src_mac",
  "dst_mac",
  "tos",
  "ip_opts",
  "frag_bit",
  "flags",
  "tcp_opts",
  "chain",
  "log_prefix",
  "syslog_host",
]);

function proto2int(p: string): number {
  if (/^\d+$/.test(p)) return Number(p);
  if (p === "udplite") return 136;
  if (p === "icmp6") return 58;
  if (/tcp/i.test(p)) return 6;
  if (/udp/i.test(p)) return 17;
  if (/icmp/i.test(p)) return 1;
  return -1;
}

function intf2int(s: string): number {
  const m = /(\d+)$/.exec(s);
  return m ? Number(m[1]) : -1;
}

function addrKey(a: string): [number, bigint] {
  if (a.includes(":")) {
    return [6, BigInt(`0x${a.replaceAll(":", "").padEnd(32, "0")}`)];
  }
  let n = 0n;
  for (const o of a.split(".")) n = n * 256n + BigInt(Number(o) || 0);
  return [4, n];
}

export interface GnuplotData {
  /** Data lines (without the header), e.g. `1, 6, 80  ### 1=11.11.79.67 6=81.196.20.134 `. */
  lines: string[];
  /** Numeric columns per row (for plotting without re-reading the .dat). */
  columns: number;
}

/**
 * The .dat rows psad writes for the rows kept by a gnuplot-mode run: addresses ranked,
 * text fields numbered by first appearance, timestamps as epoch seconds, then counts.
 */
export function gnuplotData(
  filter: Filter,
  rows: readonly string[][],
  yearHint: YearHint,
  opts: { threeD?: boolean; sortStyle?: "time" | "value" } = {},
): GnuplotData {
  const specs = filter.fields;
  // 1. address ranks over the src/dst columns of all rows
  const addrCols = specs.flatMap((s, i) => (s.name === "src" || s.name === "dst" ? [i] : []));
  const addrs = new Map<string, [number, bigint]>();
  for (const r of rows)
    for (const i of addrCols) {
      const a = r[i] as string;
      if (!addrs.has(a)) addrs.set(a, addrKey(a));
    }
  const rank = new Map<string, number>();
  const sorted = [...addrs.entries()].sort(
    (x, y) => x[1][0] - y[1][0] || (x[1][1] < y[1][1] ? -1 : x[1][1] > y[1][1] ? 1 : 0),
  );
  for (let k = 0; k < sorted.length; k++) rank.set((sorted[k] as [string, unknown])[0], k + 1);
  // 2. timestamps
  const tsCol = specs.findIndex((s) => s.name === "timestamp");
  const times =
    tsCol >= 0
      ? epochs(
          rows.map((r) => r[tsCol] as string),
          yearHint,
        )
      : [];
  // 3. per-row values and comments
  const hash = new Map<string, Map<string, number>>();
  const mapped: { vals: (number | string)[]; comment: string }[] = rows.map((r, ri) => {
    let comment = "";
    const vals = specs.map((s, i) => {
      const v = r[i] as string;
      let rv: number | string = v;
      let c = "";
      if (s.name === "timestamp") {
        const t = times[ri];
        if (t !== null && t !== undefined) {
          rv = t;
          c = v;
        }
      } else if (s.name === "src" || s.name === "dst") {
        rv = rank.get(v) as number;
        c = v;
      } else if (s.name === "proto") {
        rv = proto2int(v);
        c = v;
      } else if (s.name === "intf") {
        rv = intf2int(v);
        c = v;
      } else if (HASHENTRY.has(s.name)) {
        let m = hash.get(s.name);
        if (!m) {
          m = new Map();
          hash.set(s.name, m);
        }
        let k = m.get(v);
        if (k === undefined) {
          k = m.size + 1;
          m.set(v, k);
        }
        rv = k;
        c = v;
      }
      // psad appends "value=original " when the original is true in Perl ("" and "0" are false)
      if (c !== "" && c !== "0") comment += `${rv}=${c} `;
      return rv;
    });
    return { vals, comment };
  });

  if (!filter.count) {
    return {
      lines: mapped.map(
        ({ vals, comment }) => vals.join(", ") + (comment ? `  ### ${comment}` : ""),
      ),
      columns: specs.length,
    };
  }

  // 4. counts
  const { index: k, mode } = filter.count;
  const interval = countInterval(mode);
  const uniq = countIsUniq(mode);
  const t0 = interval && mapped.length ? Number(mapped[0]?.vals[0]) : 0;
  // psad's buckets: anchored at the first row's time t0, labelled by their start T and
  // holding T < t <= T + interval (the first bucket also holds t0 itself)
  const bucket = (t: number) =>
    t === t0 ? t0 : t0 + (Math.ceil((t - t0) / interval) - 1) * interval;
  const keyLen = k === 0 ? 1 : !uniq && opts.threeD ? k + 1 : k;
  interface Group {
    key: (number | string)[];
    n: number;
    distinct: Set<string>;
    comment: string;
  }
  const groups = new Map<string, Group>();
  for (const { vals, comment } of mapped) {
    const key = vals.slice(0, keyLen);
    if (interval) key[0] = bucket(Number(key[0]));
    const id = key.join("\u0000");
    let g = groups.get(id);
    if (!g) {
      g = { key, n: 0, distinct: new Set(), comment: "" };
      groups.set(id, g);
    }
    if (uniq) g.distinct.add(String(vals[k]));
    else g.n++;
    g.comment = comment;
  }
  const list = [...groups.values()].map((g) => ({ ...g, n: uniq ? g.distinct.size : g.n }));
  const cmpKey = (a: Group, b: Group) => {
    for (let i = 0; i < a.key.length; i++) {
      const x = a.key[i] as number | string;
      const y = b.key[i] as number | string;
      if (typeof x === "number" && typeof y === "number") {
        if (x !== y) return x - y;
      } else if (String(x) !== String(y)) return String(x) < String(y) ? -1 : 1;
    }
    return 0;
  };
  const sortStyle = interval ? "time" : (opts.sortStyle ?? "value");
  if (keyLen === 1 && sortStyle === "value") list.sort((a, b) => b.n - a.n || cmpKey(a, b));
  else list.sort(cmpKey);
  return {
    lines: list.map((g) => [...g.key, g.n].join(", ") + (g.comment ? `  ### ${g.comment}` : "")),
    columns: keyLen + 1,
  };
}

// ---------------------------------------------------------------- gnuplot .gnu

export interface GnuplotPlotOptions {
  prefix: string;
  /** Data and image file names (default PREFIX.dat, PREFIX.png). */
  datFile?: string;
  pngFile?: string;
  /** The --CSV-fields text (title and axis labels use it, as psad does). */
  fieldsText: string;
  commandLine?: string;
  title?: string;
  legendTitle?: string;
  graphStyle?: string;
  view?: string;
  xRange?: string;
  yRange?: string;
  zRange?: string;
  xLabel?: string;
  yLabel?: string;
  zLabel?: string;
  threeD?: boolean;
  interactive?: boolean;
  grayscale?: boolean;
}

export const GRAPH_STYLES = [
  "lines",
  "points",
  "linespoints",
  "dots",
  "impulses",
  "steps",
  "fsteps",
  "histeps",
  "boxes",
] as const;

/** A gnuplot double-quoted string. */
export function gpString(s: string): string {
  return `"${s
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replace(/[\r\n]/g, " ")}"`;
}
/** A gnuplot single-quoted string ('' is a quote). */
export function gpSingle(s: string): string {
  return `'${s.replaceAll("'", "''").replace(/[\r\n]/g, " ")}'`;
}

export function gnuplotHeader(commandLine: string): string[] {
  const hashes = "#".repeat(76);
  return [
    "#",
    hashes,
    "#",
    "# Generated by fwglow psad (psad 2.4.6 compatible)",
    `# Command line: ${commandLine.replace(/[\r\n]/g, " ")}`,
    "#",
    hashes,
    "#",
    "",
  ];
}

export class GnuplotOptionError extends Error {}

/** The .gnu file (gnuplot 5 syntax). `columns` is the number of data columns in the .dat. */
export function gnuplotScript(filter: Filter, columns: number, o: GnuplotPlotOptions): string {
  const tokens = o.fieldsText.trim().split(/\s+/);
  if (o.view && !/^\d+(?:\.\d+)?(?:,\d+(?:\.\d+)?){1,3}$/.test(o.view))
    throw new GnuplotOptionError("--gnuplot-view must be a coordinate pair such as 60,30");
  const names = filter.fields.map((f) => f.name);
  const out = gnuplotHeader(o.commandLine ?? "");
  const title = o.title ?? `psad iptables log visualization: ${o.fieldsText}`.replaceAll("_", "");
  out.push("reset", `set title ${gpString(title)}`);
  if (!o.interactive) {
    out.push("set terminal png transparent nocrop enhanced");
    if (o.grayscale) out.push("set monochrome");
    out.push(`set output ${gpString(o.pngFile ?? `${o.prefix}.png`)}`);
  }
  if (names[0] === "timestamp") {
    out.push(
      "set xdata time",
      'set timefmt "%s"',
      'set format x "%m/%d"',
      `set xlabel ${gpString(o.xLabel ?? "time")}`,
    );
    if (o.xRange) {
      const m = /^([^\s":]+):([^\s":]+)$/.exec(o.xRange);
      if (!m)
        throw new GnuplotOptionError(
          "--gnuplot-x-range must be <start>:<end>, e.g. 1140887484:1143867180",
        );
      out.push(`set xrange [${gpString(m[1] as string)}:${gpString(m[2] as string)}]`);
    }
  } else {
    out.push(`set xlabel ${gpString(o.xLabel ?? (tokens[0] ?? "").replaceAll("_", ""))}`);
    if (o.xRange) out.push(`set xrange [${range(o.xRange, "x")}]`);
  }
  out.push(`set ylabel ${gpString(o.yLabel ?? (tokens[1] ?? "").replaceAll("_", ""))}`);
  if (o.yRange) out.push(`set yrange [${range(o.yRange, "y")}]`);
  const legend = o.legendTitle ?? `(${names.join(",")})`.replaceAll("_", "");
  const dat = gpSingle(o.datFile ?? `${o.prefix}.dat`);
  if (columns >= 3) {
    const zl =
      o.zLabel ??
      (filter.count
        ? countIsUniq(filter.count.mode)
          ? "countuniq"
          : "count"
        : (tokens[2] ?? "").replaceAll("_", ""));
    out.push(`set zlabel ${gpString(zl)}`);
    if (o.zRange) out.push(`set zrange [${range(o.zRange, "z")}]`);
    if (o.view) out.push(`set view ${o.view}`);
    out.push(
      `splot ${dat} using 1:2:3 with ${style(o.graphStyle, "points")} title ${gpSingle(legend)}`,
    );
  } else {
    out.push(
      `plot ${dat} using 1:2 with ${style(o.graphStyle, "linespoints")} title ${gpSingle(legend)}`,
    );
  }
  if (o.interactive) out.push("pause mouse close");
  return `${out.join("\n")}\n`;
}

function range(r: string, axis: string): string {
  if (!/^-?\d+(?:\.\d+)?:-?\d+(?:\.\d+)?$/.test(r))
    throw new GnuplotOptionError(`--gnuplot-${axis}-range must be <start>:<end>, e.g. 1:10`);
  return r;
}

function style(s: string | undefined, dflt: string): string {
  if (!s) return dflt;
  if (!(GRAPH_STYLES as readonly string[]).includes(s))
    throw new GnuplotOptionError(`--gnuplot-graph-style must be one of: ${GRAPH_STYLES.join(" ")}`);
  return s;
}
