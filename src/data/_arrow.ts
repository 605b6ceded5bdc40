// Events → Arrow IPC for the pages. DuckDB-wasm reads Arrow IPC natively (it has no Parquet
// reader offline), so the pages load `data/events.arrow`: the schema's columns minus the
// heavy text ones the pages never chart (`raw`, `mac`, …). The complete
// table, `raw` included, is `data/events.parquet` (the same file `fwglow convert` writes).
// Names and DuckDB types are those of docs/SCHEMA.md.

import {
  Bool,
  type DataType,
  Dictionary,
  Float64,
  Int8,
  Int16,
  Int32,
  Table,
  TimestampMicrosecond,
  tableToIPC,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import type { ColumnName, FwEvent } from "../lib/schema.js";

type Kind = "dict" | "ts" | "u8" | "u16" | "u32" | "u64" | "f64" | "bool";

/** The page projection: every column the pages or the filter compiler use (no `raw`: see RAW_COLUMNS). */
export const PAGE_COLUMNS: readonly (readonly [ColumnName, Kind])[] = [
  ["file", "dict"],
  ["line", "u32"],
  ["ts", "ts"],
  ["ts_text", "dict"],
  ["host", "dict"],
  ["prefix", "dict"],
  ["chain", "dict"],
  ["in_if", "dict"],
  ["out_if", "dict"],
  ["phys_in", "dict"],
  ["phys_out", "dict"],
  ["family", "u8"],
  ["src", "dict"],
  ["dst", "dict"],
  ["src_v4", "u32"],
  ["dst_v4", "u32"],
  ["src_v6_hi", "u64"],
  ["src_v6_lo", "u64"],
  ["dst_v6_hi", "u64"],
  ["dst_v6_lo", "u64"],
  ["len", "u16"],
  ["tos", "u8"],
  ["ttl", "u8"],
  ["ip_id", "u32"],
  ["df", "bool"],
  ["frag_off", "u16"],
  ["proto", "dict"],
  ["proto_num", "u8"],
  ["spt", "u16"],
  ["dpt", "u16"],
  ["udp_len", "u16"],
  ["window", "u16"],
  ["flags", "dict"],
  ["syn", "bool"],
  ["ack", "bool"],
  ["fin", "bool"],
  ["rst", "bool"],
  ["psh", "bool"],
  ["urg", "bool"],
  ["icmp_type", "u8"],
  ["icmp_code", "u8"],
  ["inner_src", "dict"],
  ["inner_dst", "dict"],
  ["inner_proto", "dict"],
  ["uid", "u32"],
  ["gid", "u32"],
  ["mark", "u32"],
];

function arrowType(kind: Kind, values: readonly unknown[]): DataType {
  switch (kind) {
    case "dict": {
      // The narrowest index type that fits (indices are signed): most columns have a
      // handful of distinct values, and 4-byte indices would dominate the file size.
      const distinct = new Set(values).size;
      const index = distinct < 127 ? new Int8() : distinct < 32767 ? new Int16() : new Int32();
      return new Dictionary(new Utf8(), index);
    }
    case "ts":
      return new TimestampMicrosecond();
    case "u8":
      return new Uint8();
    case "u16":
      return new Uint16();
    case "u32":
      return new Uint32();
    case "u64":
      return new Uint64();
    case "f64":
      return new Float64();
    case "bool":
      return new Bool();
  }
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]` (wall time, no zone) → epoch milliseconds as if UTC. */
export function tsToEpochMs(ts: string | null): number | null {
  if (ts === null) return null;
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?/.exec(ts);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = ""] = m;
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

/** The raw lines, joinable to the events on (file, line): for psad-style regex filters. */
export const RAW_COLUMNS: readonly (readonly [ColumnName, Kind | "utf8"])[] = [
  ["file", "dict"],
  ["line", "u32"],
  ["raw", "utf8"],
];

/** Accumulates events column by column (no per-row objects kept). */
export class EventColumns {
  readonly spec: readonly (readonly [ColumnName, Kind | "utf8"])[];
  readonly columns: Map<ColumnName, unknown[]>;
  rows = 0;

  constructor(spec: readonly (readonly [ColumnName, Kind | "utf8"])[] = PAGE_COLUMNS) {
    this.spec = spec;
    this.columns = new Map(spec.map(([name]) => [name, []]));
  }

  push(events: readonly FwEvent[]): void {
    for (const [name, kind] of this.spec) {
      const out = this.columns.get(name) as unknown[];
      for (const e of events) {
        const v = e[name];
        out.push(kind === "ts" ? tsToEpochMs(v as string | null) : (v ?? null));
      }
    }
    this.rows += events.length;
  }

  toTable(): Table {
    const vectors: Record<string, Vector> = {};
    for (const [name, kind] of this.spec) {
      const values = this.columns.get(name) as unknown[];
      const type = kind === "utf8" ? new Utf8() : arrowType(kind, values);
      vectors[name] =
        kind === "ts"
          ? vectorFromArray(
              values.map((v) => (v === null ? null : new Date(v as number))),
              type,
            )
          : vectorFromArray(values, type);
    }
    return new Table(vectors);
  }

  /** Arrow IPC stream format (what DuckDB-wasm's insertArrowFromIPCStream reads). */
  toIPC(): Uint8Array {
    return tableToIPC(this.toTable(), "stream");
  }
}
