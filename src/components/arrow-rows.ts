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
  type: { typeId: number; precision?: number };
  length: number;
  offset: number;
  nullCount: number;
  /** Bit `offset + i` set: value i is present. (A slice keeps the whole bitmap but cuts
   * `values` and `valueOffsets` to start at its first value.) */
  nullBitmap?: Uint8Array;
  values: Uint8Array | ArrayLike<unknown>;
  valueOffsets: Int32Array;
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

const INT = 2; // Arrow's Type.Int: values as the typed array Vector.get reads (bigint for 64 bits)
const FLOAT = 3; // Type.Float; precision 0 is half floats, which Vector.get converts
const UTF8 = 5; // Type.Utf8
const utf8 = new TextDecoder();

/** Whether value i of a chunk is present: the validity bitmap read directly (Arrow's own
 * getValid re-checks the chunk's type on every call). */
function validity(data: ArrowData): (i: number) => boolean {
  const bits = data.nullBitmap;
  if (data.nullCount === 0 || !bits || bits.byteLength === 0) return () => true;
  const { offset } = data;
  return (i) => ((bits[(offset + i) >> 3] as number) & (1 << ((offset + i) & 7))) !== 0;
}

/**
 * Column by column: a Utf8 chunk is decoded by one call and cut at its offsets when it is
 * ASCII (one decode per value costs far more), integers and floats come straight from their
 * typed arrays, everything else through Vector.get.
 */
function tableRows(table: ArrowTable): Row[] {
  const out: Row[] = Array.from({ length: table.numRows }, () => ({}));
  for (const { name } of table.schema.fields) {
    const vector = table.getChild(name);
    if (!vector) continue;
    let row = 0;
    for (const data of vector.data) {
      const { typeId } = data.type;
      const valid = validity(data);
      const offsets = data.valueOffsets;
      const text =
        typeId === UTF8
          ? utf8.decode((data.values as Uint8Array).subarray(offsets[0], offsets[data.length]))
          : null;
      const base = text === null ? 0 : (offsets[0] as number);
      const ascii = text !== null && text.length === (offsets[data.length] as number) - base;
      const typed = typeId === INT || (typeId === FLOAT && data.type.precision !== 0);
      for (let i = 0; i < data.length; i++, row++) {
        const r = out[row] as Row;
        if (!ascii && !typed) r[name] = vector.get(row);
        else if (!valid(i)) r[name] = null;
        else if (typed) r[name] = (data.values as ArrayLike<unknown>)[i];
        else
          r[name] = text?.slice((offsets[i] as number) - base, (offsets[i + 1] as number) - base);
      }
    }
  }
  return out;
}
