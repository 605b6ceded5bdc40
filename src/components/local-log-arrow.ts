// Parsed events → Arrow IPC record batches with every column of docs/SCHEMA (raw included),
// built column by column into typed arrays (no per-row objects are kept between batches),
// for DuckDB-wasm's insertArrowFromIPCStream. Runs in the local-log worker (and in Node for
// the benchmark): no DOM, no Node APIs.

import {
  Bool,
  type DataType,
  Float64,
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
  vectorFromArray,
} from "apache-arrow";
import { tsToEpochMs } from "../data/_arrow.js";
import { COLUMNS, type ColumnName, type ColumnType, type FwEvent } from "../lib/schema.js";

type NumArray = Uint8Array | Uint16Array | Uint32Array | Float64Array | BigUint64Array | BigInt64Array;

function numeric(type: ColumnType): { arrow: DataType; make: (n: number) => NumArray } | null {
  switch (type) {
    case "UTINYINT":
      return { arrow: new Uint8(), make: (n) => new Uint8Array(n) };
    case "USMALLINT":
      return { arrow: new Uint16(), make: (n) => new Uint16Array(n) };
    case "UINTEGER":
      return { arrow: new Uint32(), make: (n) => new Uint32Array(n) };
    case "DOUBLE":
      return { arrow: new Float64(), make: (n) => new Float64Array(n) };
    case "UBIGINT":
      return { arrow: new Uint64(), make: (n) => new BigUint64Array(n) };
    case "TIMESTAMP":
      return { arrow: new TimestampMicrosecond(), make: (n) => new BigInt64Array(n) };
    default:
      return null;
  }
}

/** One batch of events (any length) as an Arrow table with the schema's columns. */
export function eventsTable(events: readonly FwEvent[]): Table {
  const n = events.length;
  const vectors: Record<string, Vector> = {};
  for (const [name, type] of COLUMNS as readonly (readonly [ColumnName, ColumnType])[]) {
    const num = numeric(type);
    if (type === "BOOLEAN") {
      const values = new Uint8Array((n + 7) >> 3);
      const valid = new Uint8Array((n + 7) >> 3);
      let nulls = 0;
      for (let i = 0; i < n; i++) {
        const v = (events[i] as FwEvent)[name];
        if (v === null || v === undefined) {
          nulls++;
          continue;
        }
        valid[i >> 3] |= 1 << (i & 7);
        if (v) values[i >> 3] |= 1 << (i & 7);
      }
      vectors[name] = makeVector(
        makeData({ type: new Bool(), length: n, nullCount: nulls, data: values, nullBitmap: valid }),
      );
    } else if (num) {
      const data = num.make(n);
      const valid = new Uint8Array((n + 7) >> 3);
      let nulls = 0;
      const big = type === "UBIGINT" || type === "TIMESTAMP";
      for (let i = 0; i < n; i++) {
        let v = (events[i] as FwEvent)[name] as unknown;
        if (type === "TIMESTAMP") v = tsToEpochMs(v as string | null);
        if (v === null || v === undefined) {
          nulls++;
          continue;
        }
        valid[i >> 3] |= 1 << (i & 7);
        if (big) (data as BigInt64Array)[i] = type === "TIMESTAMP" ? BigInt(v as number) * 1000n : BigInt(v as bigint);
        else (data as Float64Array)[i] = v as number;
      }
      vectors[name] = makeVector(
        // biome-ignore lint/suspicious/noExplicitAny: Arrow's makeData is typed per DataType.
        makeData({ type: num.arrow as any, length: n, nullCount: nulls, data, nullBitmap: valid }),
      );
    } else {
      const values = new Array<string | null>(n);
      for (let i = 0; i < n; i++) values[i] = ((events[i] as FwEvent)[name] as string | null) ?? null;
      vectors[name] = vectorFromArray(values, new Utf8());
    }
  }
  return new Table(vectors);
}

/** The batch as an Arrow IPC stream. */
export function eventsIPC(events: readonly FwEvent[]): Uint8Array {
  return tableToIPC(eventsTable(events), "stream");
}
