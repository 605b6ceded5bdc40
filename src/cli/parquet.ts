// Writes FwEvents to a zstd Parquet file with exactly the schema's column names and DuckDB types
// (src/lib/schema.ts), through DuckDB's C API (@duckdb/node-api).
//
// How it stays fast and flat in memory:
// - Events are packed into DuckDB data chunks (2,048 rows) by hand: numbers go into typed arrays
//   that are copied into the vectors in one call per column, validity bitmaps are built with
//   plain byte arithmetic, strings are assigned one native call each. (The generic vector
//   wrappers of node-api do per-value BigInt validity arithmetic, several times slower.)
// - A `fwglow_part()` table function hands DuckDB the buffered events of one part (`rowsPerPart`)
//   chunk by chunk; `COPY (… FROM fwglow_part()) TO part` encodes it on DuckDB's thread while
//   parsing continues into the next part, so memory is bounded by two parts of events.
// - `close()` renames a single (zstd) part to the output, or streams all (uncompressed) parts
//   into the zstd output with one `COPY (FROM read_parquet([...]))`, in bounded memory. Insertion order
//   (file, line) is preserved. The output appears atomically (written to a temp name, renamed).
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTableFunction,
  type DuckDBType,
  TIMESTAMP,
  UBIGINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  VARCHAR,
} from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { COLUMNS, type ColumnType, type FwEvent } from "../lib/schema.js";

const VECTOR_SIZE = 2048;

const DUCK_TYPES: Record<ColumnType, DuckDBType> = {
  VARCHAR,
  UINTEGER,
  TIMESTAMP,
  UTINYINT,
  USMALLINT,
  UBIGINT,
  DOUBLE,
  BOOLEAN,
};

/** SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `CREATE TABLE` column list of the schema. */
export function schemaDdl(): string {
  return COLUMNS.map(([name, type]) => `${sqlIdent(name)} ${type}`).join(", ");
}

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` → microseconds since the epoch (as a double: exact below 2^53,
 * i.e. until year 2255), or NaN when the text is not such a stamp.
 */
export function tsToMicros(ts: string): number {
  if (ts.length < 19 || ts.charCodeAt(4) !== 45 || ts.charCodeAt(10) !== 32) return Number.NaN;
  const n = (i: number, len: number): number => {
    let v = 0;
    for (let k = i; k < i + len; k++) {
      const d = ts.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return Number.NaN;
      v = v * 10 + d;
    }
    return v;
  };
  const ms = Date.UTC(n(0, 4), n(5, 2) - 1, n(8, 2), n(11, 2), n(14, 2), n(17, 2));
  let micros = 0;
  if (ts.length > 20 && ts.charCodeAt(19) === 46) {
    const digits = ts.slice(20, 26).padEnd(6, "0");
    if (!/^\d{6}$/.test(digits)) return Number.NaN;
    micros = Number(digits);
  }
  return ms * 1000 + micros;
}

type Filler = (
  vector: duckdb.Vector,
  events: readonly FwEvent[],
  start: number,
  count: number,
) => void;

/** Per-column writers that pack `count` events from `start` into a vector. */
function makeFiller(name: keyof FwEvent, type: ColumnType): Filler {
  const validity = new Uint8Array(VECTOR_SIZE / 8);
  const writeValidity = (vector: duckdb.Vector, hasNull: boolean) => {
    duckdb.vector_ensure_validity_writable(vector);
    if (!hasNull) validity.fill(0xff);
    duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, validity.byteLength);
  };
  const numeric = (array: Uint8Array | Uint16Array | Uint32Array | Float64Array): Filler => {
    return (vector, events, start, count) => {
      validity.fill(0xff);
      let hasNull = false;
      for (let i = 0; i < count; i++) {
        const v = events[start + i][name] as number | boolean | null;
        if (v === null || v === undefined) {
          array[i] = 0;
          validity[i >> 3] &= ~(1 << (i & 7));
          hasNull = true;
        } else {
          array[i] = v as number; // booleans become 0/1
        }
      }
      duckdb.copy_data_to_vector(
        vector,
        0,
        array.buffer as ArrayBuffer,
        0,
        count * array.BYTES_PER_ELEMENT,
      );
      writeValidity(vector, hasNull);
    };
  };
  switch (type) {
    case "VARCHAR":
      return (vector, events, start, count) => {
        validity.fill(0xff);
        let hasNull = false;
        for (let i = 0; i < count; i++) {
          const v = events[start + i][name] as string | null;
          if (v === null || v === undefined) {
            validity[i >> 3] &= ~(1 << (i & 7));
            hasNull = true;
          } else {
            duckdb.vector_assign_string_element(vector, i, v);
          }
        }
        writeValidity(vector, hasNull);
      };
    case "UTINYINT":
    case "BOOLEAN":
      return numeric(new Uint8Array(VECTOR_SIZE));
    case "USMALLINT":
      return numeric(new Uint16Array(VECTOR_SIZE));
    case "UINTEGER":
      return numeric(new Uint32Array(VECTOR_SIZE));
    case "DOUBLE":
      return numeric(new Float64Array(VECTOR_SIZE));
    case "UBIGINT": {
      const array = new BigUint64Array(VECTOR_SIZE);
      return (vector, events, start, count) => {
        validity.fill(0xff);
        let hasNull = false;
        for (let i = 0; i < count; i++) {
          const v = events[start + i][name] as bigint | null;
          if (v === null || v === undefined) {
            array[i] = 0n;
            validity[i >> 3] &= ~(1 << (i & 7));
            hasNull = true;
          } else {
            array[i] = v;
          }
        }
        duckdb.copy_data_to_vector(vector, 0, array.buffer, 0, count * 8);
        writeValidity(vector, hasNull);
      };
    }
    case "TIMESTAMP": {
      // int64 microseconds, written as little-endian 32-bit halves (no BigInt per row).
      const words = new Uint32Array(VECTOR_SIZE * 2);
      return (vector, events, start, count) => {
        validity.fill(0xff);
        let hasNull = false;
        for (let i = 0; i < count; i++) {
          const v = events[start + i][name] as string | null;
          const micros = v === null || v === undefined ? Number.NaN : tsToMicros(v);
          if (Number.isNaN(micros)) {
            words[2 * i] = 0;
            words[2 * i + 1] = 0;
            validity[i >> 3] &= ~(1 << (i & 7));
            hasNull = true;
          } else {
            const hi = Math.floor(micros / 4294967296);
            words[2 * i] = micros - hi * 4294967296;
            words[2 * i + 1] = hi; // two's complement for negative hi via Uint32 wrap
          }
        }
        duckdb.copy_data_to_vector(vector, 0, words.buffer, 0, count * 8);
        writeValidity(vector, hasNull);
      };
    }
  }
}

const STRING_COLUMNS = COLUMNS.filter(([, type]) => type === "VARCHAR").map(([name]) => name);
const OTHER_COLUMNS = COLUMNS.filter(([, type]) => type !== "VARCHAR");
const SEP = "\x1f";
const ESC = "\x1e"; // a field that is exactly ESC is NULL; in text ESC→ESC"0", SEP→ESC"1"
const needsEscape = (v: string): boolean => v.includes(SEP) || v.includes(ESC);

function escapeField(v: string): string {
  return v.replaceAll(ESC, `${ESC}0`).replaceAll(SEP, `${ESC}1`);
}

/**
 * All string columns of an event in one string (one native call per row instead of one per
 * column, which dominates the cost otherwise); unpacked by `unpackSql()` inside DuckDB.
 */
function packStrings(e: FwEvent): string {
  // Every string column is either derived (ts, chain, canonical addresses, lower-case MACs) or
  // a substring of `raw`, so only `raw` and `file` can hold the separator characters.
  const slow = needsEscape(e.raw) || needsEscape(e.file);
  let out = "";
  for (let k = 0; k < STRING_COLUMNS.length; k++) {
    const v = e[STRING_COLUMNS[k]] as string | null;
    if (k > 0) out += SEP;
    if (v === null || v === undefined) out += ESC;
    else out += slow ? escapeField(v) : v;
  }
  return out;
}

/** SELECT list that turns a stage back into the schema, in schema order. */
function unpackSql(): string {
  return COLUMNS.map(([name, type]) => {
    if (type !== "VARCHAR") return sqlIdent(name);
    const f = `p[${STRING_COLUMNS.indexOf(name) + 1}]`;
    return `CASE WHEN ${f} = chr(30) THEN NULL WHEN contains(${f}, chr(30)) THEN replace(replace(${f}, chr(30) || '1', chr(31)), chr(30) || '0', chr(30)) ELSE ${f} END AS ${sqlIdent(name)}`;
  }).join(", ");
}

function packedFiller(): Filler {
  const validity = new Uint8Array(VECTOR_SIZE / 8).fill(0xff);
  return (vector, events, start, count) => {
    for (let i = 0; i < count; i++)
      duckdb.vector_assign_string_element(vector, i, packStrings(events[start + i]));
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, validity.byteLength);
  };
}

export interface ParquetWriterOptions {
  /** Events buffered per part (the memory bound: about 1 KB each, two parts in flight). Default 65,536. */
  rowsPerPart?: number;
  /** Parquet row group size. Default 122,880 (DuckDB's). */
  rowGroupSize?: number;
  /** Keep only rows for which this SQL boolean expression over the schema's columns holds. */
  whereSql?: string;
}

/** Streams FwEvents into a zstd Parquet file. `write()` batches, then `close()` (or `abort()`). */
export class EventParquetWriter {
  /** Events received. */
  rows = 0;
  /** Rows written to parts (fewer than `rows` with `whereSql`). */
  private written = 0;
  private readonly parts: string[] = [];
  private buffer: FwEvent[] = [];
  /** The events the running COPY reads through the `fwglow_part()` table function. */
  private copying: FwEvent[] = [];
  private pendingCopy: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly out: string,
    private readonly tmpDir: string,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly rowsPerPart: number,
    private readonly rowGroupSize: number,
    private readonly whereSql: string | undefined,
  ) {
    const fillers = OTHER_COLUMNS.map(([name, type]) => makeFiller(name, type));
    fillers.push(packedFiller());
    const types = [...OTHER_COLUMNS.map(([, type]) => DUCK_TYPES[type]), VARCHAR];
    const names = [...OTHER_COLUMNS.map(([name]) => name), "packed"];
    conn.registerTableFunction(
      DuckDBTableFunction.create({
        name: "fwglow_part",
        bindFunction: (info) => {
          for (let c = 0; c < names.length; c++) info.addResultColumn(names[c], types[c]);
        },
        initFunction: (info) => {
          info.setInitData({ pos: 0 });
          info.setMaxThreads(1);
        },
        mainFunction: (info, output) => {
          const state = info.initData as { pos: number };
          const events = this.copying;
          const n = Math.min(VECTOR_SIZE, events.length - state.pos);
          output.rowCount = n;
          if (n <= 0) return;
          for (let c = 0; c < fillers.length; c++) {
            fillers[c](duckdb.data_chunk_get_vector(output.chunk, c), events, state.pos, n);
          }
          state.pos += n;
        },
      }),
    );
  }

  static async open(out: string, options: ParquetWriterOptions = {}): Promise<EventParquetWriter> {
    const dir = dirname(out);
    const st = await stat(dir).catch(() => null);
    if (!st?.isDirectory()) throw new Error(`output directory does not exist: ${dir}`);
    const tmpDir = join(dir, `.${basename(out)}.fwglow-${process.pid}-${Date.now()}`);
    await mkdir(tmpDir);
    const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
    const conn = await instance.connect();
    return new EventParquetWriter(
      out,
      tmpDir,
      instance,
      conn,
      options.rowsPerPart ?? 65_536,
      options.rowGroupSize ?? 122_880,
      options.whereSql,
    );
  }

  /** Appends events (in order). May wait for the previous part to be written. */
  async write(events: readonly FwEvent[]): Promise<void> {
    if (this.closed) throw new Error("writer is closed");
    for (const e of events) this.buffer.push(e);
    this.rows += events.length;
    if (this.buffer.length >= this.rowsPerPart) await this.flushPart();
  }

  /**
   * Starts writing the buffered events to a part file; waits for the previous part first.
   * `final` (the only part): zstd, renamed to the output. Otherwise the parts are written
   * uncompressed, so that merging them into the zstd output does not decompress them again.
   */
  private async flushPart(final = false): Promise<void> {
    const failed = await this.pendingCopy;
    if (failed instanceof Error) throw failed;
    this.copying = this.buffer;
    this.buffer = [];
    const part = join(this.tmpDir, `part-${String(this.parts.length).padStart(5, "0")}.parquet`);
    this.parts.push(part);
    this.pendingCopy = this.conn.run(this.copyPart(part, final ? "zstd" : "uncompressed")).then(
      (result) => {
        this.written += Number(result.rowsChanged);
        this.copying = [];
      },
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  }

  private copyPart(part: string, compression: string): string {
    let select = `SELECT ${unpackSql()} FROM (SELECT *, string_split(packed, chr(31)) AS p FROM fwglow_part())`;
    if (this.whereSql) select = `SELECT * FROM (${select}) WHERE (${this.whereSql})`;
    return `COPY (${select}) TO ${sqlString(part)} (${this.copyOptions(compression)})`;
  }

  private copyOptions(compression = "zstd"): string {
    return `FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE ${this.rowGroupSize}`;
  }

  /** Finishes the file. Returns the number of rows written. */
  async close(): Promise<number> {
    if (this.closed) return this.written;
    try {
      if (this.buffer.length > 0 || this.parts.length === 0)
        await this.flushPart(this.parts.length === 0);
      this.closed = true;
      const failed = await this.pendingCopy;
      if (failed instanceof Error) throw failed;
      if (this.parts.length === 1) {
        await rename(this.parts[0], this.out);
      } else {
        const tmp = join(this.tmpDir, "merged.parquet");
        const list = this.parts.map(sqlString).join(", ");
        await this.conn.run(
          `COPY (FROM read_parquet([${list}])) TO ${sqlString(tmp)} (${this.copyOptions()})`,
        );
        await rename(tmp, this.out);
      }
    } finally {
      this.closed = true;
      this.dispose();
      await rm(this.tmpDir, { recursive: true, force: true });
    }
    return this.written;
  }

  /** Discards everything; the output file is not created. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.pendingCopy;
      this.dispose();
    }
    await rm(this.tmpDir, { recursive: true, force: true });
  }

  private dispose(): void {
    this.buffer = [];
    this.copying = [];
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
