// Log lines → FwEvents. Every line is accounted for: an event, `other` (not a netfilter
// record), or malformed (a netfilter record that cannot be read, with the reason).
import type { FwEvent, Malformed } from "../schema.js";
import { findRecord, parseFields } from "./fields.js";
import { kernelStamp, leadingBsdMonth, parseHeader, realtimeTs, Years } from "./header.js";
import { Interner } from "./intern.js";
import { type Decoder, readLines } from "./lines.js";

export type { Decoder } from "./lines.js";

export interface ParseOptions {
  /** Basename used in events and malformed reports ("-" for stdin). */
  file: string;
  /**
   * Year of the first BSD-stamped (yearless, `Feb 25 12:11:24`) line; each Dec→Jan
   * rollover afterwards adds one (see {@link countRollovers}). When absent, the `ts` of
   * such lines is null (their `ts_text` is still set): timestamps never take the current
   * date. Stamps with a year (ISO, RFC 5424, journald) do not need it.
   */
  year?: number;
  /**
   * Makes the bytes → text decoder of the stream (one per call); default
   * `new TextDecoder("utf-8")`. Any replacement must decode exactly as that one does.
   */
  decoder?: () => Decoder;
}

export interface ParseBatch {
  events: FwEvent[];
  malformed: Malformed[];
  other: number;
  /** Lines in this batch: events.length + malformed.length + other. */
  lines: number;
}

export type LineResult =
  | { kind: "event"; event: FwEvent }
  | { kind: "other" }
  | { kind: "malformed"; reason: string };

const OTHER: LineResult = Object.freeze({ kind: "other" });

/** What LineParser.line returns: the event, why the record is malformed, or OTHER_LINE. */
type Parsed = FwEvent | string | null;
const OTHER_LINE = null;

function toResult(r: Parsed): LineResult {
  if (r === OTHER_LINE) return OTHER;
  return typeof r === "string" ? { kind: "malformed", reason: r } : { kind: "event", event: r };
}

const prefixes = new Interner();

/** Lines per batch of {@link parseStream}. */
const BATCH_LINES = 1024;

/**
 * Parses a byte stream (plain or gzip, detected by its magic) into batches of a few
 * thousand lines. Never throws for any content: a truncated or corrupt gzip stream ends
 * the input and is reported as one more malformed line ("truncated gzip: …", counted in
 * `lines`, after the lines decoded before the break). Errors of `chunks` itself (I/O)
 * are passed on.
 */
export async function* parseStream(
  chunks: AsyncIterable<Uint8Array>,
  opts: ParseOptions,
): AsyncGenerator<ParseBatch> {
  const parser = new LineParser(opts);
  let batch = newBatch();
  let lineNo = 0;
  for await (const { lines, error } of readLines(chunks, opts.decoder?.())) {
    for (const text of lines) {
      const r = parser.line(text, ++lineNo);
      ++batch.lines;
      if (r === OTHER_LINE) ++batch.other;
      else if (typeof r === "string")
        batch.malformed.push({ file: opts.file, line: lineNo, reason: r, raw: text });
      else batch.events.push(r);
      // A journald record may still fill in the host of its event: do not hand it out yet.
      if (batch.lines >= BATCH_LINES && (!parser.inRecord || batch.lines >= 16 * BATCH_LINES)) {
        yield batch;
        batch = newBatch();
      }
    }
    if (error !== undefined) {
      ++batch.lines;
      batch.malformed.push({ file: opts.file, line: ++lineNo, reason: error, raw: "" });
    }
  }
  if (batch.lines > 0) yield batch;
}

/**
 * A synchronous line parser (for tests and the browser worker). Lines must be fed in
 * order: it carries the year across Dec→Jan rollovers and journald export records across
 * lines. In a journald record, `_HOSTNAME=`/`PRIORITY=` lines after `MESSAGE=` fill in
 * the event already returned for it.
 */
export function createLineParser(opts: ParseOptions): (text: string, lineNo: number) => LineResult {
  const parser = new LineParser(opts);
  return (text, lineNo) => toResult(parser.line(text, lineNo));
}

/**
 * Counts the Dec→Jan rollovers of the yearless (BSD) stamps of a stream, as the parser
 * will see them, so a caller knowing the year of the end of the file (its mtime) can pass
 * `year: endYear - rollovers`. A broken gzip stream just ends the count.
 */
export async function countRollovers(
  chunks: AsyncIterable<Uint8Array>,
  decoder?: Decoder,
): Promise<number> {
  const years = new Years(null);
  for await (const { lines } of readLines(chunks, decoder)) {
    for (const text of lines) {
      const month = leadingBsdMonth(text);
      if (month > 0) years.observe(month);
    }
  }
  return years.rollovers;
}

function newBatch(): ParseBatch {
  return { events: [], malformed: [], other: 0, lines: 0 };
}

/** The header fields a journald export record gives the event of its MESSAGE= line. */
interface Journal {
  ts: string | null;
  ts_text: string | null;
  host: string | null;
  priority: number | null;
  event: FwEvent | null;
  binaryMessage: boolean; // a "MESSAGE" line: the value follows as 8 length bytes + data
}

class LineParser {
  private readonly file: string;
  private readonly years: Years;
  private journal: Journal | null = null;

  constructor(opts: ParseOptions) {
    this.file = opts.file;
    this.years = new Years(opts.year ?? null);
  }

  /** Inside a `journalctl -o export` record. */
  get inRecord(): boolean {
    return this.journal !== null;
  }

  line(text: string, lineNo: number): Parsed {
    if (
      this.journal !== null ||
      (text.charCodeAt(0) === 95 &&
        (text.startsWith("__CURSOR=") || text.startsWith("__REALTIME_TIMESTAMP=")))
    ) {
      return this.journalLine(text, lineNo);
    }
    const at = findRecord(text, 0);
    if (at < 0) {
      const month = leadingBsdMonth(text);
      if (month > 0) this.years.observe(month);
      return OTHER_LINE;
    }
    const e = emptyEvent(this.file, lineNo, text);
    const start = parseHeader(text, at, e, this.years);
    return this.record(text, start, at, e);
  }

  /** The kernel message from `start`: [uptime] stamp, prefix, then the fields at `at`. */
  private record(text: string, start: number, at: number, e: FwEvent): Parsed {
    let p = kernelStamp(text, start, at, e);
    let q = at;
    while (p < q && isSpace(text.charCodeAt(p))) ++p;
    while (q > p && isSpace(text.charCodeAt(q - 1))) --q;
    e.prefix = p < q ? prefixes.get(text, p, q) : null;
    const reason = parseFields(text, at, e);
    return reason === null ? e : reason;
  }

  private journalLine(text: string, lineNo: number): Parsed {
    this.journal ??= {
      ts: null,
      ts_text: null,
      host: null,
      priority: null,
      event: null,
      binaryMessage: false,
    };
    const j = this.journal;
    if (j.binaryMessage) {
      // 64-bit little-endian length, then the value: its high bytes are NULs.
      j.binaryMessage = false;
      let start = 0;
      for (let k = 0; k < 8 && k < text.length; ++k) if (text.charCodeAt(k) === 0) start = k + 1;
      return this.journalMessage(text, start, lineNo);
    }
    if (text === "") {
      this.journal = null; // the blank line ending the record
      return OTHER_LINE;
    }
    if (text === "MESSAGE") {
      j.binaryMessage = true;
      return OTHER_LINE;
    }
    const eq = text.indexOf("=");
    const value = text.slice(eq + 1);
    switch (text.slice(0, eq)) {
      case "__REALTIME_TIMESTAMP":
        j.ts_text = value;
        j.ts = realtimeTs(value);
        break;
      case "_HOSTNAME":
        j.host = value;
        if (j.event) j.event.host = value;
        break;
      case "PRIORITY": {
        const pri = /^[0-7]$/.test(value) ? Number(value) : null;
        j.priority = pri;
        if (j.event) j.event.priority = pri;
        break;
      }
      case "MESSAGE":
        return this.journalMessage(text, eq + 1, lineNo);
    }
    return OTHER_LINE;
  }

  private journalMessage(text: string, start: number, lineNo: number): Parsed {
    const j = this.journal as Journal;
    const at = findRecord(text, start);
    if (at < 0) return OTHER_LINE;
    const e = emptyEvent(this.file, lineNo, text);
    e.ts = j.ts;
    e.ts_text = j.ts_text;
    e.host = j.host;
    e.priority = j.priority;
    const r = this.record(text, start, at, e);
    if (r === e) j.event = e;
    return r;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** An event with every column null, in schema order (one object shape for all events). */
function emptyEvent(file: string, line: number, raw: string): FwEvent {
  return {
    file,
    line,
    ts: null,
    ts_text: null,
    host: null,
    priority: null,
    kernel_uptime: null,
    prefix: null,
    chain: null,
    in_if: null,
    out_if: null,
    phys_in: null,
    phys_out: null,
    mac: null,
    dst_mac: null,
    src_mac: null,
    ether_type: null,
    family: null,
    src: null,
    dst: null,
    src_v4: null,
    dst_v4: null,
    src_v6_hi: null,
    src_v6_lo: null,
    dst_v6_hi: null,
    dst_v6_lo: null,
    len: null,
    tos: null,
    prec: null,
    ttl: null,
    ip_id: null,
    df: null,
    mf: null,
    ce: null,
    frag_off: null,
    ip_opts: null,
    tc: null,
    flow_label: null,
    proto: null,
    proto_num: null,
    spt: null,
    dpt: null,
    udp_len: null,
    window: null,
    res: null,
    urgp: null,
    flags: null,
    syn: null,
    ack: null,
    fin: null,
    rst: null,
    psh: null,
    urg: null,
    ece: null,
    cwr: null,
    tcp_seq: null,
    tcp_ack: null,
    tcp_opts: null,
    icmp_type: null,
    icmp_code: null,
    icmp_id: null,
    icmp_seq: null,
    icmp_mtu: null,
    spi: null,
    incomplete: null,
    inner_src: null,
    inner_dst: null,
    inner_proto: null,
    inner_spt: null,
    inner_dpt: null,
    uid: null,
    gid: null,
    mark: null,
    raw,
  };
}
