// Parsed events → Arrow IPC, for DuckDB-wasm (it reads Arrow IPC natively and has no Parquet
// reader offline). One encoder for the Framework data loaders (src/data/_parsed.ts: the page
// projection, dictionary-encoded, and the raw lines) and the local-log worker
// (src/components/local-log-parse.ts: every column, one encoder per bounded batch).
// Values go column by column straight into growable typed arrays (no per-row objects are
// kept). Isomorphic: no DOM, no Node APIs. Names and DuckDB types are those of docs/SCHEMA.md.

import {
  Bool,
  type Data,
  type DataType,
  Dictionary,
  Float64,
  Int8,
  Int16,
  Int32,
  makeData,
  makeVector,
  Table,
  TimestampMicrosecond,
  tableToIPC,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  type Vector,
} from "apache-arrow";
import { COLUMNS, type ColumnName, type ColumnType, type FwEvent } from "../schema.js";

/** The page projection: every column the pages or the filter compiler use (no `raw`: see RAW_COLUMNS). */
export const PAGE_COLUMNS: readonly ColumnName[] = [
  "file",
  "line",
  "ts",
  "ts_text",
  "host",
  "prefix",
  "chain",
  "in_if",
  "out_if",
  "phys_in",
  "phys_out",
  "family",
  "src",
  "dst",
  "src_v4",
  "dst_v4",
  "src_v6_hi",
  "src_v6_lo",
  "dst_v6_hi",
  "dst_v6_lo",
  "len",
  "tos",
  "ttl",
  "ip_id",
  "df",
  "frag_off",
  "proto",
  "proto_num",
  "spt",
  "dpt",
  "udp_len",
  "window",
  "flags",
  "syn",
  "ack",
  "fin",
  "rst",
  "psh",
  "urg",
  "icmp_type",
  "icmp_code",
  "inner_src",
  "inner_dst",
  "inner_proto",
  "uid",
  "gid",
  "mark",
];

/** The raw lines, joinable to the events on (file, line): for psad-style regex filters. */
export const RAW_COLUMNS: readonly ColumnName[] = ["file", "line", "raw"];

/** String columns never dictionary-encoded (nearly every value is distinct). */
const UNIQUE_STRINGS: ReadonlySet<ColumnName> = new Set<ColumnName>(["raw"]);

const TYPES = new Map<ColumnName, ColumnType>(COLUMNS);

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` (wall time, no zone) → epoch milliseconds as if UTC. */
export function tsToEpochMs(ts: string | null): number | null {
  if (ts === null) return null;
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?/.exec(ts);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = ""] = m;
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

/** The digit at `i` of `s` (0–9), or -1. */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/**
 * {@link tsToEpochMs} without the regex, for the encoder's hot loop: the day is computed
 * once per distinct date (the last one is cached), the time of day by arithmetic, which is
 * what Date.UTC does (MakeDate(MakeDay(y, mo, d), MakeTime(h, mi, s, ms))). Anything but
 * the plain layout goes to tsToEpochMs itself.
 */
class TsReader {
  private date = "";
  private day = 0;

  read(ts: string): number | null {
    if (ts.length < 19) return tsToEpochMs(ts);
    const y = digit(ts, 0) * 1000 + digit(ts, 1) * 100 + digit(ts, 2) * 10 + digit(ts, 3);
    const h0 = digit(ts, 11);
    const h1 = digit(ts, 12);
    const m0 = digit(ts, 14);
    const m1 = digit(ts, 15);
    const s0 = digit(ts, 17);
    const s1 = digit(ts, 18);
    const sep = ts.charCodeAt(10);
    if (
      (digit(ts, 0) | digit(ts, 1) | digit(ts, 2) | digit(ts, 3)) < 0 ||
      (h0 | h1 | m0 | m1 | s0 | s1) < 0 ||
      (sep !== 32 && sep !== 84) ||
      ts.charCodeAt(13) !== 58 ||
      ts.charCodeAt(16) !== 58
    )
      return tsToEpochMs(ts);
    let ms = 0;
    if (ts.length > 19 && ts.charCodeAt(19) === 46) {
      const f0 = digit(ts, 20);
      if (f0 < 0) ms = 0;
      else {
        const f1 = digit(ts, 21);
        const f2 = f1 < 0 ? -1 : digit(ts, 22);
        ms = f0 * 100 + Math.max(f1, 0) * 10 + Math.max(f2, 0);
      }
    }
    if (!ts.startsWith(this.date, 0) || this.date.length === 0) {
      const mo0 = digit(ts, 5);
      const mo1 = digit(ts, 6);
      const d0 = digit(ts, 8);
      const d1 = digit(ts, 9);
      if ((mo0 | mo1 | d0 | d1) < 0 || ts.charCodeAt(4) !== 45 || ts.charCodeAt(7) !== 45)
        return tsToEpochMs(ts);
      this.date = ts.slice(0, 10);
      this.day = Date.UTC(y, mo0 * 10 + mo1 - 1, d0 * 10 + d1);
    }
    return (
      this.day + (h0 * 10 + h1) * 3_600_000 + (m0 * 10 + m1) * 60_000 + (s0 * 10 + s1) * 1000 + ms
    );
  }
}

type NumArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
type NumCtor = { new (n: number): NumArray };

const NUMERIC: Partial<Record<ColumnType, { arrow: () => DataType; array: NumCtor }>> = {
  UTINYINT: { arrow: () => new Uint8(), array: Uint8Array },
  USMALLINT: { arrow: () => new Uint16(), array: Uint16Array },
  UINTEGER: { arrow: () => new Uint32(), array: Uint32Array },
  DOUBLE: { arrow: () => new Float64(), array: Float64Array },
};

function grow<T extends Uint8Array | Int32Array | NumArray | BigUint64Array>(
  a: T,
  need: number,
): T {
  if (need <= a.length) return a;
  const bigger = new (a.constructor as { new (n: number): T })(Math.max(need, a.length * 2));
  bigger.set(a as never);
  return bigger;
}

const encoder = new TextEncoder();

/** Variable-length UTF-8 bytes + offsets: the storage of a Utf8 column or dictionary. */
class Utf8Buffer {
  offsets = new Int32Array(1024);
  bytes = new Uint8Array(1 << 16);
  length = 0;

  /** Appends `v` (an empty slot for null). */
  push(v: string | null): void {
    const pos = this.offsets[this.length] as number;
    let end = pos;
    if (v !== null) {
      this.bytes = grow(this.bytes, pos + v.length * 3);
      end += encoder.encodeInto(v, this.bytes.subarray(pos)).written;
    }
    this.offsets = grow(this.offsets, this.length + 2);
    this.offsets[++this.length] = end;
  }

  /**
   * Appends the values of `column` of `events` (empty slots for nulls), sets their bits in
   * `valid` (from bit `at`) and returns the number of nulls. The values are joined and
   * encoded by one native call: copying them char by char in JS costs several times more. A
   * block with non-ASCII values is encoded value by value (offsets need each one's length).
   */
  pushColumn(
    events: readonly FwEvent[],
    column: ColumnName,
    valid: Uint8Array,
    at: number,
  ): number {
    const n = events.length;
    const start = this.length;
    this.offsets = grow(this.offsets, start + n + 1);
    const offsets = this.offsets;
    const values: string[] = [];
    let pos = offsets[start] as number;
    let end = pos;
    let nulls = 0;
    for (let k = 0; k < n; k++) {
      const v = (events[k] as FwEvent)[column] as string | null | undefined;
      if (v === null || v === undefined) nulls++;
      else {
        const i = at + k;
        valid[i >> 3] |= 1 << (i & 7);
        values.push(v);
        end += v.length;
      }
      offsets[start + k + 1] = end;
    }
    const joined = values.join("");
    this.bytes = grow(this.bytes, pos + joined.length);
    const { read, written } = encoder.encodeInto(joined, this.bytes.subarray(pos));
    if (read !== joined.length || written !== joined.length) {
      // Not all ASCII: byte offsets differ from string offsets.
      for (let k = 0; k < n; k++) {
        const v = (events[k] as FwEvent)[column] as string | null | undefined;
        if (v !== null && v !== undefined) {
          this.bytes = grow(this.bytes, pos + v.length * 3);
          pos += encoder.encodeInto(v, this.bytes.subarray(pos)).written;
        }
        offsets[start + k + 1] = pos;
      }
    }
    this.length = start + n;
    return nulls;
  }

  /** The column's storage: views of the buffers (`copy`: copies). */
  data(nullCount = 0, nullBitmap?: Uint8Array, copy = true): Data<Utf8> {
    const n = this.length;
    const end = this.offsets[n] as number;
    return makeData({
      type: new Utf8(),
      length: n,
      nullCount,
      valueOffsets: copy ? this.offsets.slice(0, n + 1) : this.offsets.subarray(0, n + 1),
      data: copy ? this.bytes.slice(0, end) : this.bytes.subarray(0, end),
      nullBitmap,
    });
  }
}

/** One column being built: a validity bitmap plus the values in their Arrow layout. */
class ColumnBuilder {
  readonly name: ColumnName;
  private readonly type: ColumnType;
  private readonly dict: boolean;
  private valid = new Uint8Array(128);
  private nulls = 0;
  private length = 0;
  private bits = new Uint8Array(128);
  private numbers: NumArray | null = null;
  /** TIMESTAMP (microseconds, as 32-bit halves: no BigInt per value) and UBIGINT values. */
  private big: BigUint64Array | null = null;
  private ts: TsReader | null = null;
  private utf8: Utf8Buffer | null = null;
  private indices: Int32Array | null = null;
  private codes: Map<string, number> | null = null;

  constructor(name: ColumnName, dictionary: boolean) {
    const type = TYPES.get(name);
    if (!type) throw new Error(`unknown column: ${name}`);
    this.name = name;
    this.type = type;
    this.dict = type === "VARCHAR" && dictionary && !UNIQUE_STRINGS.has(name);
    const num = NUMERIC[type];
    if (num) this.numbers = new num.array(1024);
    else if (type === "TIMESTAMP" || type === "UBIGINT") {
      this.big = new BigUint64Array(1024);
      if (type === "TIMESTAMP") this.ts = new TsReader();
    } else if (this.dict) {
      this.indices = new Int32Array(1024);
      this.codes = new Map();
    } else if (type === "VARCHAR") this.utf8 = new Utf8Buffer();
  }

  push(events: readonly FwEvent[]): void {
    const name = this.name;
    const start = this.length;
    const count = events.length;
    const n = start + count;
    this.valid = grow(this.valid, (n + 7) >> 3);
    const valid = this.valid;
    let nulls = 0;
    if (this.utf8) nulls = this.utf8.pushColumn(events, name, valid, start);
    else if (this.numbers) {
      this.numbers = grow(this.numbers, n);
      const values = this.numbers;
      for (let k = 0; k < count; k++) {
        const v = (events[k] as FwEvent)[name] as number | null | undefined;
        if (v === null || v === undefined) nulls++;
        else {
          const i = start + k;
          valid[i >> 3] |= 1 << (i & 7);
          values[i] = v;
        }
      }
    } else if (this.ts && this.big) {
      this.big = grow(this.big, n);
      const halves = new Uint32Array(this.big.buffer, 0, 2 * n);
      const ts = this.ts;
      for (let k = 0; k < count; k++) {
        const text = (events[k] as FwEvent)[name] as string | null | undefined;
        const ms = text === null || text === undefined ? null : ts.read(text);
        if (ms === null) nulls++;
        else {
          const i = start + k;
          valid[i >> 3] |= 1 << (i & 7);
          // Microseconds as a little-endian int64, exact below 2^53 (years up to ~2255).
          const us = ms * 1000;
          if (us <= Number.MAX_SAFE_INTEGER && us >= -Number.MAX_SAFE_INTEGER) {
            const hi = Math.floor(us / 4294967296);
            halves[2 * i] = us - hi * 4294967296;
            halves[2 * i + 1] = hi;
          } else new BigInt64Array(this.big.buffer, 8 * i, 1)[0] = BigInt(ms) * 1000n;
        }
      }
    } else if (this.big) {
      this.big = grow(this.big, n);
      const values = this.big;
      for (let k = 0; k < count; k++) {
        const v = (events[k] as FwEvent)[name] as bigint | null | undefined;
        if (v === null || v === undefined) nulls++;
        else {
          const i = start + k;
          valid[i >> 3] |= 1 << (i & 7);
          values[i] = BigInt(v);
        }
      }
    } else if (this.codes && this.indices) {
      this.indices = grow(this.indices, n);
      const indices = this.indices;
      const codes = this.codes;
      for (let k = 0; k < count; k++) {
        const v = (events[k] as FwEvent)[name] as string | null | undefined;
        if (v === null || v === undefined) nulls++;
        else {
          const i = start + k;
          valid[i >> 3] |= 1 << (i & 7);
          let code = codes.get(v);
          if (code === undefined) {
            code = codes.size;
            codes.set(v, code);
          }
          indices[i] = code;
        }
      }
    } else {
      this.bits = grow(this.bits, (n + 7) >> 3);
      const bits = this.bits;
      for (let k = 0; k < count; k++) {
        const v = (events[k] as FwEvent)[name];
        if (v === null || v === undefined) nulls++;
        else {
          const i = start + k;
          valid[i >> 3] |= 1 << (i & 7);
          if (v) bits[i >> 3] |= 1 << (i & 7);
        }
      }
    }
    this.nulls += nulls;
    this.length = n;
  }

  /** Empties the column, keeping its buffers (zeroed as far as they were used). */
  reset(): void {
    const n = this.length;
    this.valid.fill(0, 0, (n + 7) >> 3);
    this.bits.fill(0, 0, (n + 7) >> 3);
    this.numbers?.fill(0, 0, n);
    this.big?.fill(0n, 0, n);
    this.indices?.fill(0, 0, n);
    if (this.codes) this.codes = new Map();
    if (this.utf8) this.utf8.length = 0;
    this.length = 0;
    this.nulls = 0;
  }

  /** The column as an Arrow vector: copies of the buffers, or views (`copy` false) for an
   * immediate serialization. */
  vector(copy = true): Vector {
    const n = this.length;
    const cut = <T extends Uint8Array | NumArray | BigUint64Array>(a: T, end: number): T =>
      (copy ? a.slice(0, end) : a.subarray(0, end)) as T;
    const common = {
      length: n,
      nullCount: this.nulls,
      nullBitmap: cut(this.valid, (n + 7) >> 3),
    };
    if (this.utf8) return makeVector(this.utf8.data(common.nullCount, common.nullBitmap, copy));
    if (this.numbers) {
      const type = (NUMERIC[this.type] as { arrow: () => DataType }).arrow();
      // biome-ignore lint/suspicious/noExplicitAny: Arrow's makeData is typed per DataType.
      return makeVector(makeData({ type: type as any, data: cut(this.numbers, n), ...common }));
    }
    if (this.big) {
      const data = cut(this.big, n);
      if (!this.ts) return makeVector(makeData({ type: new Uint64(), data, ...common }));
      return makeVector(
        makeData({
          type: new TimestampMicrosecond(),
          data: new BigInt64Array(data.buffer, data.byteOffset, n),
          ...common,
        }),
      );
    }
    if (this.codes && this.indices) {
      // The narrowest index type that fits (indices are signed): most columns have a
      // handful of distinct values, and 4-byte indices would dominate the file size.
      const distinct = this.codes.size;
      const values = new Utf8Buffer();
      for (const s of this.codes.keys()) values.push(s);
      const indices = this.indices.subarray(0, n);
      const [index, data] =
        distinct < 127
          ? [new Int8(), Int8Array.from(indices)]
          : distinct < 32767
            ? [new Int16(), Int16Array.from(indices)]
            : [new Int32(), indices.slice()];
      return makeVector(
        makeData({
          type: new Dictionary(new Utf8(), index),
          data,
          dictionary: makeVector(values.data()),
          ...common,
        }),
      );
    }
    return makeVector(
      makeData({ type: new Bool(), data: cut(this.bits, (n + 7) >> 3), ...common }),
    );
  }
}

export interface EventsEncoderOptions {
  /** The columns to encode, in this order (default: every schema column). */
  columns?: readonly ColumnName[];
  /** Dictionary-encode the string columns (except `raw`): much smaller when values repeat. */
  dictionary?: boolean;
}

/** Events per block of {@link EventsEncoder.push}. */
const BLOCK = 1024;

/** Accumulates events column by column; `toIPC` encodes everything pushed so far. */
export class EventsEncoder {
  private readonly builders: ColumnBuilder[];
  rows = 0;

  constructor({
    columns = COLUMNS.map(([name]) => name),
    dictionary = false,
  }: EventsEncoderOptions = {}) {
    this.builders = columns.map((name) => new ColumnBuilder(name, dictionary));
  }

  push(events: readonly FwEvent[]): void {
    // Column by column over blocks of events that stay in the CPU cache.
    for (let i = 0; i < events.length; i += BLOCK) {
      const block = events.length <= BLOCK ? events : events.slice(i, i + BLOCK);
      for (const b of this.builders) b.push(block);
    }
    this.rows += events.length;
  }

  /**
   * Empties the encoder for the next batch, keeping its buffers: no allocation, zeroing
   * or growing per batch (an encoder per batch spends most of its time there in browsers).
   * Encodes exactly as a new encoder would.
   */
  reset(): void {
    for (const b of this.builders) b.reset();
    this.rows = 0;
  }

  /** A table of copies of the buffers (later pushes do not change it). */
  toTable(): Table {
    return this.table(true);
  }

  private table(copy: boolean): Table {
    const vectors: Record<string, Vector> = {};
    for (const b of this.builders) vectors[b.name] = b.vector(copy);
    return new Table(vectors);
  }

  /** Arrow IPC stream format (what DuckDB-wasm's insertArrowFromIPCStream reads). */
  toIPC(): Uint8Array {
    // Serializing copies the buffers: the table can be views of the builders'.
    return tableToIPC(this.table(false), "stream");
  }
}

/** One batch of events as an Arrow IPC stream. */
export function eventsIPC(events: readonly FwEvent[], options?: EventsEncoderOptions): Uint8Array {
  const encoder = new EventsEncoder(options);
  encoder.push(events);
  return encoder.toIPC();
}
