// DuckDB-wasm results (Arrow tables) → plain row objects for the components. No imports:
// the Arrow classes are DuckDB-wasm's own, so the table is read through its public shape.

type Row = Record<string, unknown>;

/** Arrow table / array of rows → plain objects, the values StructRow.toJSON() gives. */
export function rows(data: Iterable<unknown>): Row[] {
  const table = data as Partial<ArrowTable>;
  if (table.schema && typeof table.getChild === "function") return tableRows(table as ArrowTable);
  return Array.from(data, (d) => {
    const r = d as { toJSON?: () => Row };
    return typeof r.toJSON === "function" ? r.toJSON() : (d as Row);
  });
}

/** What rows() reads of an Arrow table (duck-typed: the pages' Arrow is DuckDB-wasm's). */
interface ArrowData {
  type: { typeId: number };
  length: number;
  offset: number;
  nullCount: number;
  values: Uint8Array;
  valueOffsets: Int32Array;
  getValid(index: number): boolean;
}
interface ArrowVector {
  length: number;
  data: ArrowData[];
  get(index: number): unknown;
}
interface ArrowTable {
  numRows: number;
  schema: { fields: { name: string }[] };
  getChild(name: string): ArrowVector | null;
}

const UTF8 = 5; // Arrow's Type.Utf8
const utf8 = new TextDecoder();

/**
 * Column by column: a Utf8 chunk is decoded by one call and cut at its offsets when it is
 * ASCII (one decode per value costs far more), everything else through Vector.get.
 */
function tableRows(table: ArrowTable): Row[] {
  const out: Row[] = Array.from({ length: table.numRows }, () => ({}));
  for (const { name } of table.schema.fields) {
    const vector = table.getChild(name);
    if (!vector) continue;
    let row = 0;
    for (const data of vector.data) {
      const text =
        data.type.typeId === UTF8
          ? utf8.decode(
              data.values.subarray(
                data.valueOffsets[data.offset],
                data.valueOffsets[data.offset + data.length],
              ),
            )
          : null;
      const base = text === null ? 0 : (data.valueOffsets[data.offset] as number);
      const ascii =
        text !== null &&
        text.length === (data.valueOffsets[data.offset + data.length] as number) - base;
      for (let i = 0; i < data.length; i++, row++) {
        const r = out[row] as Row;
        if (!ascii) r[name] = vector.get(row);
        else if (data.nullCount > 0 && !data.getValid(i)) r[name] = null;
        else {
          const at = data.offset + i;
          r[name] = text.slice(
            (data.valueOffsets[at] as number) - base,
            (data.valueOffsets[at + 1] as number) - base,
          );
        }
      }
    }
  }
  return out;
}
