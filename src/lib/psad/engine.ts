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
import { createLineParser } from "../parse/index.js";
import type { FwEvent } from "../schema.js";
import { createPsadLineParser, type PsadDropReason, type PsadLineResult } from "./line.js";
import { epochs, type YearHint } from "./time.js";

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
  keepAckRst?: boolean;
  /**
   * Read lines with the general parser instead of psad's: keeps what psad drops (no OUT=,
   * compressed IPv6, AH/ESP/SCTP/GRE, IPv4 UDPLITE, INCOMPLETE headers, …); only the TCP
   * ACK/RST rule (and `keepAckRst`) still applies.
   */
  allEvents?: boolean;
}

/** One psad CSV row for an event: the printed values of the chosen fields. */
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
  private readonly parse: (text: string, lineNo: number) => PsadLineResult;
  private readonly pred;
  private readonly fields: FieldDef[];
  private readonly seen = new Set<string>();
  private readonly re: RegExp | null;
  private readonly neg: RegExp | null;
  private readonly quick: ((raw: string) => boolean) | null;
  private readonly quickNets: QuickNet[];

  constructor(
    private readonly opts: PsadRunOptions,
    private readonly onRow: (line: string) => void = () => {},
  ) {
    this.parse = opts.allEvents
      ? generalParser(opts.file, opts.keepAckRst ?? false)
      : createPsadLineParser({ file: opts.file, keepAckRst: opts.keepAckRst });
    // the regexes are tested on the raw line before parsing (same result, much faster)
    this.re = opts.filter.regex ? new RegExp(opts.filter.regex.portable) : null;
    this.neg = opts.filter.negRegex ? new RegExp(opts.filter.negRegex.portable) : null;
    this.pred = toPredicate({ ...opts.filter, regex: null, negRegex: null });
    this.fields = opts.filter.fields.map((f) => f.field);
    this.quickNets = quickNets(opts.filter);
    this.quick = quickReject(this.quickNets);
  }

  /**
   * The same cheap pre-parse rejection as push() applies, on the bytes of a line
   * (`buf[start, end)`, latin1): lets a byte-level reader skip decoding most lines.
   */
  rejectsBytes(buf: Uint8Array, start: number, end: number): boolean {
    for (const q of this.quickNets) {
      const i = findOnce(buf, start, end, q.key);
      if (i < 0) continue;
      if (findOnce(buf, start, end, q.other) === -2) continue;
      const v = quadAtBytes(buf, i + 4, end);
      if (v >= 0 && (v < q.lo || v > q.hi)) return true;
    }
    return false;
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
    if (this.quick?.(raw)) return true;
    const r = this.parse(raw, n);
    if (r.kind !== "event") {
      if (r.kind === "drop") this.drops.set(r.reason, (this.drops.get(r.reason) ?? 0) + 1);
      return true;
    }
    if (!this.pred(r.event)) return true;
    const values = psadValues(r.event, this.fields);
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

/** The dotted quad at s[i…] followed by whitespace (psad's $ipv4_re), as an integer; -1 if none. */
function quadAt(s: string, i: number): number {
  let n = 0;
  let o = 0;
  let digits = 0;
  let dots = 0;
  for (; i < s.length; i++) {
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
  if (dots !== 3 || digits === 0 || i >= s.length || s.charCodeAt(i) !== 32) return -1;
  return n * 256 + o;
}

interface QuickNet {
  key: string;
  other: string;
  lo: number;
  hi: number;
}

function quickNets(filter: Filter): QuickNet[] {
  const out: QuickNet[] = [];
  for (const spec of filter.fields) {
    const c = spec.criterion;
    if (c?.kind !== "net" || c.family !== 4 || spec.negate) continue;
    const src = spec.name === "src";
    out.push({
      key: src ? "SRC=" : "DST=",
      other: src ? "DST=" : "SRC=",
      lo: Number(c.lo),
      hi: Number(c.hi),
    });
  }
  return out;
}

/**
 * A cheap test that rejects lines an IPv4 src/dst criterion would reject anyway, before the
 * full parse. It only decides when the line has exactly one SRC= and one DST= (so psad's
 * address is unambiguous) and the address is a dotted quad; otherwise the full parse decides.
 */
function quickReject(nets: QuickNet[]): ((raw: string) => boolean) | null {
  if (nets.length === 0) return null;
  return (raw) => {
    for (const q of nets) {
      const i = raw.indexOf(q.key);
      if (i < 0 || raw.indexOf(q.key, i + 4) >= 0) continue;
      const j = raw.indexOf(q.other);
      if (j >= 0 && raw.indexOf(q.other, j + 4) >= 0) continue;
      const v = quadAt(raw, i + 4);
      if (v >= 0 && (v < q.lo || v > q.hi)) return true;
    }
    return false;
  };
}

/** Offset of the only occurrence of a 4-byte ASCII key in buf[start, end); -1 none, -2 several. */
function findOnce(buf: Uint8Array, start: number, end: number, key: string): number {
  const k0 = key.charCodeAt(0);
  const k1 = key.charCodeAt(1);
  const k2 = key.charCodeAt(2);
  const k3 = key.charCodeAt(3);
  let found = -1;
  for (let i = start; i + 3 < end; i++) {
    if (buf[i] === k0 && buf[i + 1] === k1 && buf[i + 2] === k2 && buf[i + 3] === k3) {
      if (found >= 0) return -2;
      found = i;
    }
  }
  return found;
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

/** The general parser, with psad's ACK/RST rule: for `allEvents`. */
function generalParser(
  file: string,
  keepAckRst: boolean,
): (text: string, lineNo: number) => PsadLineResult {
  const parse = createLineParser({ file });
  return (text, lineNo) => {
    const r = parse(text, lineNo);
    if (r.kind === "malformed") return { kind: "drop", reason: "malformed" };
    if (r.kind === "other") return r;
    const e = r.event;
    if (!keepAckRst && e.proto === "TCP" && (e.ack || e.rst || /ACK|RST/.test(e.flags ?? "")))
      return { kind: "drop", reason: "TCP ACK/RST (IGNORE_CONNTRACK_BUG_PKTS)" };
    return r;
  };
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
