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
} from "apache-arrow";
import { tsToEpochMs } from "../data/_arrow.js";
import { COLUMNS, type ColumnName, type ColumnType, type FwEvent } from "../lib/schema.js";

type NumArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

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

const encoder = new TextEncoder();
let scratch = new Uint8Array(1 << 20);

/** A Utf8 column straight into one byte buffer + offsets (vectorFromArray is ~10× slower). */
function utf8Vector(events: readonly FwEvent[], name: ColumnName): Vector {
  const n = events.length;
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const v = (events[i] as FwEvent)[name] as string | null;
    if (v === null || v === undefined) {
      nulls++;
    } else {
      valid[i >> 3] |= 1 << (i & 7);
      if (scratch.length - pos < v.length * 3) {
        const bigger = new Uint8Array(Math.max(scratch.length * 2, pos + v.length * 3));
        bigger.set(scratch.subarray(0, pos));
        scratch = bigger;
      }
      pos += encoder.encodeInto(v, scratch.subarray(pos)).written;
    }
    offsets[i + 1] = pos;
  }
  return makeVector(
    makeData({
      type: new Utf8(),
      length: n,
      nullCount: nulls,
      valueOffsets: offsets,
      data: scratch.slice(0, pos),
      nullBitmap: valid,
    }),
  );
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
        makeData({
          type: new Bool(),
          length: n,
          nullCount: nulls,
          data: values,
          nullBitmap: valid,
        }),
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
        if (big)
          (data as BigInt64Array)[i] =
            type === "TIMESTAMP" ? BigInt(v as number) * 1000n : BigInt(v as bigint);
        else (data as Float64Array)[i] = v as number;
      }
      vectors[name] = makeVector(
        // biome-ignore lint/suspicious/noExplicitAny: Arrow's makeData is typed per DataType.
        makeData({ type: num.arrow as any, length: n, nullCount: nulls, data, nullBitmap: valid }),
      );
    } else {
      vectors[name] = utf8Vector(events, name);
    }
  }
  return new Table(vectors);
}

/** The batch as an Arrow IPC stream. */
export function eventsIPC(events: readonly FwEvent[]): Uint8Array {
  return tableToIPC(eventsTable(events), "stream");
}
