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

type NumArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;
type NumCtor = { new (n: number): NumArray };

const NUMERIC: Partial<Record<ColumnType, { arrow: () => DataType; array: NumCtor }>> = {
  UTINYINT: { arrow: () => new Uint8(), array: Uint8Array },
  USMALLINT: { arrow: () => new Uint16(), array: Uint16Array },
  UINTEGER: { arrow: () => new Uint32(), array: Uint32Array },
  DOUBLE: { arrow: () => new Float64(), array: Float64Array },
  UBIGINT: { arrow: () => new Uint64(), array: BigUint64Array },
  TIMESTAMP: { arrow: () => new TimestampMicrosecond(), array: BigInt64Array },
};

function grow<T extends Uint8Array | Int32Array | NumArray>(a: T, need: number): T {
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

  data(nullCount = 0, nullBitmap?: Uint8Array): Data<Utf8> {
    const n = this.length;
    return makeData({
      type: new Utf8(),
      length: n,
      nullCount,
      valueOffsets: this.offsets.slice(0, n + 1),
      data: this.bytes.slice(0, this.offsets[n]),
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
    else if (this.dict) {
      this.indices = new Int32Array(1024);
      this.codes = new Map();
    } else if (type === "VARCHAR") this.utf8 = new Utf8Buffer();
  }

  push(events: readonly FwEvent[]): void {
    const name = this.name;
    const n = this.length + events.length;
    this.valid = grow(this.valid, (n + 7) >> 3);
    if (this.type === "BOOLEAN") this.bits = grow(this.bits, (n + 7) >> 3);
    if (this.numbers) this.numbers = grow(this.numbers, n);
    if (this.indices) this.indices = grow(this.indices, n);
    const ts = this.type === "TIMESTAMP";
    const big = ts || this.type === "UBIGINT";
    for (const e of events) {
      const i = this.length++;
      let v = e[name] as unknown;
      if (ts) v = tsToEpochMs(v as string | null);
      if (v === null || v === undefined) {
        this.nulls++;
        this.utf8?.push(null);
        continue;
      }
      this.valid[i >> 3] |= 1 << (i & 7);
      if (this.numbers) {
        if (big)
          (this.numbers as BigUint64Array)[i] = ts
            ? BigInt(v as number) * 1000n
            : BigInt(v as bigint);
        else (this.numbers as Float64Array)[i] = v as number;
      } else if (this.utf8) this.utf8.push(v as string);
      else if (this.codes && this.indices) {
        let code = this.codes.get(v as string);
        if (code === undefined) {
          code = this.codes.size;
          this.codes.set(v as string, code);
        }
        this.indices[i] = code;
      } else if (v) this.bits[i >> 3] |= 1 << (i & 7);
    }
  }

  vector(): Vector {
    const n = this.length;
    const common = {
      length: n,
      nullCount: this.nulls,
      nullBitmap: this.valid.slice(0, (n + 7) >> 3),
    };
    if (this.utf8) return makeVector(this.utf8.data(common.nullCount, common.nullBitmap));
    if (this.numbers) {
      const type = (NUMERIC[this.type] as { arrow: () => DataType }).arrow();
      // biome-ignore lint/suspicious/noExplicitAny: Arrow's makeData is typed per DataType.
      return makeVector(makeData({ type: type as any, data: this.numbers.slice(0, n), ...common }));
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
      makeData({ type: new Bool(), data: this.bits.slice(0, (n + 7) >> 3), ...common }),
    );
  }
}

export interface EventsEncoderOptions {
  /** The columns to encode, in this order (default: every schema column). */
  columns?: readonly ColumnName[];
  /** Dictionary-encode the string columns (except `raw`): much smaller when values repeat. */
  dictionary?: boolean;
}

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
    for (const b of this.builders) b.push(events);
    this.rows += events.length;
  }

  toTable(): Table {
    const vectors: Record<string, Vector> = {};
    for (const b of this.builders) vectors[b.name] = b.vector();
    return new Table(vectors);
  }

  /** Arrow IPC stream format (what DuckDB-wasm's insertArrowFromIPCStream reads). */
  toIPC(): Uint8Array {
    return tableToIPC(this.toTable(), "stream");
  }
}

/** One batch of events as an Arrow IPC stream. */
export function eventsIPC(events: readonly FwEvent[], options?: EventsEncoderOptions): Uint8Array {
  const encoder = new EventsEncoder(options);
  encoder.push(events);
  return encoder.toIPC();
}
