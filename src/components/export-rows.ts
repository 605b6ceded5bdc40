// The explorer's matching rows for the Arrow IPC and Parquet exports: every schema column,
// with the schema's types. Framework opens DuckDB-wasm with castTimestampToDate and
// castBigIntToDouble, so a plain SELECT * returns TIMESTAMP as milliseconds (Date64, which
// drops microseconds and which Parquet writers store as a DATE) and UBIGINT as doubles
// (inexact above 2^53, e.g. IPv6 halves). Those columns are selected exactly (microseconds
// since the epoch, a double below 2^53; UBIGINT as text) and rebuilt here.

import type { DataType, Table, Vector } from "apache-arrow";
import { COLUMNS } from "../lib/schema.js";
import type { DuckDb } from "./local-log.js";

type Arrow = typeof import("apache-arrow");

export async function exportRows(db: DuckDb, where: string): Promise<Table> {
  const arrow = await import("npm:apache-arrow");
  const select = COLUMNS.map(([name, type]) =>
    type === "TIMESTAMP"
      ? `epoch_us("${name}") AS "${name}"`
      : type === "UBIGINT"
        ? `"${name}"::VARCHAR AS "${name}"`
        : `"${name}"`,
  );
  const table = (await db.query(
    `SELECT ${select.join(", ")} FROM events WHERE (${where}) ORDER BY file, line`,
  )) as Table;
  // A new table rather than setChild, which keeps the old column type in arrow-js 17.
  const columns: Record<string, Vector> = {};
  for (const [name, type] of COLUMNS) {
    const column = table.getChild(name);
    if (!column) throw new Error(`the events table has no column ${name}`);
    columns[name] =
      type === "TIMESTAMP"
        ? bigIntColumn(arrow, column, new arrow.TimestampMicrosecond(), BigInt64Array)
        : type === "UBIGINT"
          ? bigIntColumn(arrow, column, new arrow.Uint64(), BigUint64Array)
          : column;
  }
  return new arrow.Table(columns);
}

/** `column`'s values (numbers or decimal text) as a 64-bit column of `type`, nulls kept. */
function bigIntColumn(
  arrow: Arrow,
  column: Vector,
  type: DataType,
  Values: BigInt64ArrayConstructor | BigUint64ArrayConstructor,
): Vector {
  const values = new Values(column.length);
  const valid = new Uint8Array((column.length + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < column.length; i++) {
    const v = column.get(i) as number | string | null;
    if (v === null) nulls++;
    else {
      values[i] = BigInt(v);
      valid[i >> 3] |= 1 << (i & 7);
    }
  }
  return arrow.makeVector(
    arrow.makeData({
      type,
      length: column.length,
      nullCount: nulls,
      nullBitmap: valid,
      data: values,
    } as never),
  );
}
