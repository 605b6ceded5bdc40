// Writes FwEvents to a zstd Parquet file with exactly the schema's column names and DuckDB types
// (src/lib/schema.ts), through DuckDB's C API (@duckdb/node-api), in one streaming pass.
//
// - The main thread (which parses) packs events into column chunks of 2,048 rows: numbers,
//   validity masks and DuckDB's 16-byte string slots (short strings inline) into one
//   transferable ArrayBuffer, the UTF-8 bytes of the longer strings into another (structured
//   clones of JS strings cost more than the rest together). The worker hands both back once
//   DuckDB has copied them, and they are filled again: a fresh buffer costs a page fault per
//   4 KB written.
// - A worker thread (parquet-worker.ts) runs a single
//   `COPY (FROM fwglow_events()) TO tmp (FORMAT parquet, COMPRESSION zstd)`; the table function
//   takes the chunks as they are posted and copies them into DuckDB's vectors. DuckDB encodes
//   and compresses on its own thread, so parsing, filling and encoding overlap.
// - At most MAX_IN_FLIGHT chunks are posted but not yet taken, so memory does not grow with the
//   input; DuckDB holds one row group at a time. Nothing is written twice, nothing is merged.
// - Order (file, line) is the order of `write()` calls. The output appears atomically (written
//   to a temp name in the same directory, renamed by `close()`).
import { rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";
import { COLUMNS, type ColumnType, type FwEvent } from "../lib/schema.js";

const VECTOR_SIZE = 2048;
/**
 * Chunks posted to the worker and not yet taken by DuckDB (~2 MB each). DuckDB takes them in
 * bursts between row groups; 32 rather than 8 keeps the parser from stalling meanwhile
 * (7 % faster on a loaded machine, for 50 MB more peak memory).
 */
const MAX_IN_FLIGHT = 32;
/** DuckDB threads: one encodes while the JS threads parse and fill; more only add overhead here. */
const DUCKDB_THREADS = 1;

/** SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` → microseconds since the epoch (as a double: exact below 2^53,
 * i.e. until year 2255), or NaN when the text is not such a stamp.
 */
export function tsToMicros(ts: string): number {
  if (ts.length < 19 || ts.charCodeAt(4) !== 45 || ts.charCodeAt(10) !== 32) return Number.NaN;
  // Date.UTC(y, m, d, hh, mm, ss) is the day's value plus the time's, exactly (integers far
  // below 2^53); consecutive stamps mostly share the day.
  if (!ts.startsWith(lastDay)) {
    lastDay = ts.slice(0, 10);
    lastDayMs = Date.UTC(digitsAt(ts, 0, 4), digitsAt(ts, 5, 2) - 1, digitsAt(ts, 8, 2));
  }
  const ms =
    lastDayMs +
    digitsAt(ts, 11, 2) * 3_600_000 +
    digitsAt(ts, 14, 2) * 60_000 +
    digitsAt(ts, 17, 2) * 1000;
  let micros = 0;
  if (ts.length > 20 && ts.charCodeAt(19) === 46) {
    const digits = ts.slice(20, 26).padEnd(6, "0");
    if (!/^\d{6}$/.test(digits)) return Number.NaN;
    micros = Number(digits);
  }
  return ms * 1000 + micros;
}

let lastDay = "\u0000"; // never a prefix of a stamp
let lastDayMs = Number.NaN;

/** The decimal number in ts[i, i + len), NaN if a character is not a digit. */
function digitsAt(ts: string, i: number, len: number): number {
  let v = 0;
  for (let k = i; k < i + len; k++) {
    const d = ts.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return v;
}

// ---- The protocol between EventParquetWriter and parquet-worker.ts ----

/** Indexes into the shared Int32Array `ctl`. */
export const CTL_POSTED = 0; // chunks (and the final end/abort message) posted by the main thread
export const CTL_CONSUMED = 1; // messages taken by the worker
export const CTL_STATE = 2; // RUNNING, then FINISHED or FAILED
export const STATE_FINISHED = 1;
export const STATE_FAILED = 2;

/** Per-column null state of a chunk (the byte at `LAYOUT.nullsOffset + column`). */
export const NO_NULL = 0;
export const SOME_NULL = 1;
export const ALL_NULL = 2;

export interface RowsMessage {
  kind: "rows";
  n: number;
  /**
   * Values and validity masks at the offsets of LAYOUT. A VARCHAR column's values are
   * DuckDB's 16-byte string slots (`duckdb_string_t`): the UTF-8 byte length, then the bytes
   * themselves when they fit in 12 (zero-padded); a longer string's bytes are in `text`.
   */
  num: ArrayBuffer;
  /** The strings longer than INLINE bytes, column after column, row after row. */
  text: ArrayBuffer;
  textBytes: number;
}
/** A chunk's buffers, handed back by the worker for reuse. */
export interface FreeMessage {
  num: ArrayBuffer;
  text: ArrayBuffer;
}
export type ChunkMessage = RowsMessage | { kind: "end" } | { kind: "abort" };
export type WorkerResult = { ok: true; rows: number } | { ok: false; message: string };
export interface WorkerData {
  port: MessagePort;
  /** Where the worker posts FreeMessages. */
  recycle: MessagePort;
  ctl: SharedArrayBuffer;
  sql: string;
  threads: number;
}

interface ColumnLayout {
  name: keyof FwEvent;
  type: ColumnType;
  /** Byte width of a value (TIMESTAMP: int64 micros; VARCHAR: a duckdb_string_t). */
  width: number;
  /** Byte offsets of the values and the validity mask in `num`. */
  offset: number;
  validity: number;
  /** Position among the VARCHAR columns, -1 for the others. */
  stringIndex: number;
}

/** The longest string DuckDB keeps in its 16-byte slot; longer ones live on its heap. */
export const INLINE = 12;

const WIDTH: Record<ColumnType, number> = {
  VARCHAR: 16,
  UTINYINT: 1,
  BOOLEAN: 1,
  USMALLINT: 2,
  UINTEGER: 4,
  DOUBLE: 8,
  UBIGINT: 8,
  TIMESTAMP: 8,
};

function layout() {
  const validityBytes = VECTOR_SIZE / 8;
  let at = 0;
  let strings = 0;
  const columns: ColumnLayout[] = COLUMNS.map(([name, type]) => {
    const width = WIDTH[type];
    at = Math.ceil(at / 8) * 8;
    const offset = at;
    at += width * VECTOR_SIZE;
    const validity = at;
    at += validityBytes;
    const stringIndex = type === "VARCHAR" ? strings++ : -1;
    return { name, type, width, offset, validity, stringIndex };
  });
  // Whole words, for the Uint32Array view of string slots.
  const bytes = Math.ceil((at + columns.length) / 8) * 8;
  return { columns, validityBytes, strings, nullsOffset: at, bytes };
}

export const LAYOUT = layout();

// ---- Packing events into a chunk (main thread) ----

/**
 * Copies `v` to `to[at…]` while it is ASCII (up to MAC= length, this beats a native UTF-8
 * call); returns how many characters were copied.
 */
function copyAscii(v: string, to: Uint8Array, at: number): number {
  let k = 0;
  for (; k < v.length; k++) {
    const ch = v.charCodeAt(k);
    if (ch >= 0x80) break;
    to[at + k] = ch;
  }
  return k;
}

/** One VARCHAR column of a chunk: the UTF-8 bytes of its long strings; grown by doubling, reused. */
class TextSink {
  buf = Buffer.allocUnsafe(1 << 16);
  end = 0;

  /**
   * Puts `v` in its string slot (the `words`/`bytes` views of the chunk at byte `at`): inline
   * when its UTF-8 fits, else its length there and its bytes here.
   */
  put(v: string, bytes: Uint8Array, words: Uint32Array, at: number): void {
    const length = v.length;
    if (length <= INLINE && copyAscii(v, bytes, at + 4) === length) {
      words[at >> 2] = length;
      return;
    }
    let buf = this.buf;
    const end = this.end;
    if (end + 3 * length > buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * buf.length, end + 3 * length));
      buf.copy(grown, 0, 0, end);
      this.buf = buf = grown;
    }
    const written = length <= 48 && copyAscii(v, buf, end) === length ? length : buf.write(v, end);
    words[at >> 2] = written;
    if (written <= INLINE) bytes.set(buf.subarray(end, end + written), at + 4);
    else this.end = end + written;
  }
}

/**
 * Packs `n` events into `num` (values, a bit per null in the validity masks, string slots)
 * and the long strings into `sinks`; `nulls[c]` gets the null count of column c.
 */
type RowPacker = (
  events: readonly FwEvent[],
  n: number,
  num: ArrayBuffer,
  bytes: Uint8Array,
  words: Uint32Array,
  sinks: readonly TextSink[],
  nulls: Int32Array,
) => void;

/**
 * One generated function for all columns, row by row: `e.name` is a plain property load (with
 * the column name in a variable the loads are megamorphic), and each event is read while it is
 * in the cache rather than once per column.
 */
function rowPacker(): RowPacker {
  const state: string[] = [];
  const setup: string[] = [];
  const row: string[] = [];
  const done: string[] = [];
  LAYOUT.columns.forEach((col, c) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(col.name)) throw new Error(`bad column name ${col.name}`);
    const isNull = `{ bytes[${col.validity} + byte] |= bit; n${c}++; }`;
    setup.push(`let n${c} = 0;`);
    done.push(`nulls[${c}] = n${c};`);
    const view = (ctor: string, length = "n") =>
      `const a${c} = new ${ctor}(num, ${col.offset}, ${length});`;
    if (col.type === "VARCHAR") {
      setup.push(`const s${c} = sinks[${col.stringIndex}];`);
      row.push(
        `{ const v = e.${col.name}; if (v !== null) s${c}.put(v, bytes, words, ${col.offset} + 16 * i); else ${isNull} }`,
      );
    } else if (col.type === "TIMESTAMP") {
      // int64 microseconds as little-endian 32-bit halves (no BigInt per row); consecutive
      // events mostly share their stamp (the same string), so the last conversion is kept.
      state.push(`let last${c} = null; let micros${c} = NaN;`);
      setup.push(view("Uint32Array", "2 * n"));
      row.push(`{ const v = e.${col.name};
        if (v !== last${c}) { last${c} = v; micros${c} = v === null ? NaN : toMicros(v); }
        const m = micros${c};
        if (m !== m) ${isNull}
        else { const hi = Math.floor(m / 4294967296); a${c}[2 * i] = m - hi * 4294967296; a${c}[2 * i + 1] = hi; } }`);
    } else {
      const ctor =
        col.type === "UBIGINT"
          ? "BigUint64Array"
          : col.type === "DOUBLE"
            ? "Float64Array"
            : `Uint${8 * col.width}Array`;
      setup.push(view(ctor));
      // booleans become 0/1
      row.push(`{ const v = e.${col.name}; if (v === null) ${isNull} else a${c}[i] = v; }`);
    }
  });
  const body = `"use strict"; ${state.join("\n")}
    return function packRows(events, n, num, bytes, words, sinks, nulls) {
      ${setup.join("\n")}
      for (let i = 0; i < n; i++) {
        const e = events[i];
        const byte = i >> 3;
        const bit = 1 << (i & 7);
        ${row.join("\n")}
      }
      ${done.join("\n")}
    };`;
  return new Function("toMicros", body)(tsToMicros) as RowPacker;
}

let packRows: RowPacker | null = null; // made on first use (not in the worker)
const sinks = Array.from({ length: LAYOUT.strings }, () => new TextSink());
const nullCounts = new Int32Array(LAYOUT.columns.length);

/** Chunk buffers to fill: those the worker handed back, or new ones. */
class BufferPool {
  private readonly nums: ArrayBuffer[] = [];
  private readonly texts: ArrayBuffer[] = [];

  constructor(private readonly recycle: MessagePort) {}

  private drain(): void {
    for (let r = receiveMessageOnPort(this.recycle); r; r = receiveMessageOnPort(this.recycle)) {
      const free = r.message as FreeMessage;
      this.nums.push(free.num);
      this.texts.push(free.text);
    }
  }

  /** A zeroed buffer for the values and validity masks. */
  num(): ArrayBuffer {
    this.drain();
    const num = this.nums.pop();
    if (!num) return new ArrayBuffer(LAYOUT.bytes);
    new Uint8Array(num).fill(0);
    return num;
  }

  /** A buffer of at least `bytes` bytes for the strings. */
  text(bytes: number): ArrayBuffer {
    this.drain();
    const text = this.texts.pop();
    return text && text.byteLength >= bytes ? text : new ArrayBuffer(Math.ceil(1.25 * bytes));
  }

  close(): void {
    this.recycle.close();
  }
}

/** Packs `events` (at most VECTOR_SIZE) into one chunk message. */
function pack(events: readonly FwEvent[], pool: BufferPool): RowsMessage {
  const n = events.length;
  const num = pool.num();
  const bytes = new Uint8Array(num);
  packRows ??= rowPacker();
  packRows(events, n, num, bytes, new Uint32Array(num), sinks, nullCounts);
  for (let c = 0; c < LAYOUT.columns.length; c++) {
    const nulls = nullCounts[c];
    bytes[LAYOUT.nullsOffset + c] = nulls === 0 ? NO_NULL : nulls === n ? ALL_NULL : SOME_NULL;
    // The packer sets a bit per null; DuckDB's validity masks have a bit per valid row.
    const valid = LAYOUT.columns[c].validity;
    if (nulls > 0 && nulls < n) {
      for (let k = valid; k < valid + LAYOUT.validityBytes; k++) bytes[k] = ~bytes[k];
    }
  }
  return { kind: "rows", n, num, ...takeText(pool) };
}

/** The sinks' bytes, column after column; empties the sinks. */
function takeText(pool: BufferPool): { text: ArrayBuffer; textBytes: number } {
  let total = 0;
  for (const sink of sinks) total += sink.end;
  const text = new Uint8Array(pool.text(total));
  let base = 0;
  for (const sink of sinks) {
    if (sink.end > 0) text.set(sink.buf.subarray(0, sink.end), base);
    base += sink.end;
    sink.end = 0;
  }
  return { text: text.buffer, textBytes: total };
}

// ---- The writer ----

/** Atomics.waitAsync (in Node since 16; typed only in TypeScript's lib es2024). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, index: number, value: number): { async: boolean; value: unknown };
  }
).waitAsync;

export interface ParquetWriterOptions {
  /** Parquet row group size. Default 32,768: DuckDB holds a row group in memory (~2 KB a row). */
  rowGroupSize?: number;
  /** Keep only rows for which this SQL boolean expression over the schema's columns holds. */
  whereSql?: string;
}

/**
 * The worker: bundled beside this module when the CLI runs as a bundle (bin/fwglow.js), else
 * its TypeScript source through tsx's loader, like the rest of the CLI.
 */
function startWorker(data: WorkerData): Worker {
  const options = { workerData: data, transferList: [data.port, data.recycle] };
  if (import.meta.url.endsWith(".mjs"))
    return new Worker(new URL("./parquet-worker.mjs", import.meta.url), options);
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./parquet-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** Streams FwEvents into a zstd Parquet file. `write()` in order, then `close()` (or `abort()`). */
export class EventParquetWriter {
  /** Events received. */
  rows = 0;
  private pending: FwEvent[] = [];
  private posted = 0;
  private closed = false;
  private readonly ctl: Int32Array;
  private readonly result: Promise<WorkerResult>;

  private constructor(
    readonly out: string,
    private readonly tmp: string,
    private readonly port: MessagePort,
    private readonly pool: BufferPool,
    ctl: SharedArrayBuffer,
    private readonly worker: Worker,
  ) {
    this.ctl = new Int32Array(ctl);
    this.result = new Promise<WorkerResult>((ok) => {
      port.once("message", (r: WorkerResult) => ok(r));
      worker.once("error", (e) => ok({ ok: false, message: `parquet worker: ${e.message}` }));
      worker.once("exit", (code) => {
        // The result may still be queued on the port.
        const queued = receiveMessageOnPort(port);
        ok(
          queued
            ? (queued.message as WorkerResult)
            : { ok: false, message: `parquet worker exited (${code}) without a result` },
        );
      });
    });
  }

  static async open(out: string, options: ParquetWriterOptions = {}): Promise<EventParquetWriter> {
    const dir = dirname(out);
    const st = await stat(dir).catch(() => null);
    if (!st?.isDirectory()) throw new Error(`output directory does not exist: ${dir}`);
    const tmp = join(dir, `.${basename(out)}.fwglow-${process.pid}-${Date.now()}.tmp`);
    const where = options.whereSql ? ` WHERE (${options.whereSql})` : "";
    // zstd level 1, not DuckDB's default 3: 13 % less encoding CPU (on the pipeline's slower
    // side) and no larger files here (generated 1M lines: 102.9 MB against 105.1 MB).
    const sql =
      `COPY (FROM fwglow_events()${where}) TO ${sqlString(tmp)} (FORMAT parquet, ` +
      `COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE ${options.rowGroupSize ?? 32_768})`;
    const { port1, port2 } = new MessageChannel();
    const recycle = new MessageChannel();
    const ctl = new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT);
    const worker = startWorker({
      port: port2,
      recycle: recycle.port2,
      ctl,
      sql,
      threads: DUCKDB_THREADS,
    });
    const pool = new BufferPool(recycle.port1);
    return new EventParquetWriter(out, tmp, port1, pool, ctl, worker);
  }

  /** Appends events (in order). Waits while the worker is MAX_IN_FLIGHT chunks behind. */
  async write(events: readonly FwEvent[]): Promise<void> {
    if (this.closed) throw new Error("writer is closed");
    this.rows += events.length;
    for (const e of events) {
      this.pending.push(e);
      if (this.pending.length === VECTOR_SIZE) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    const chunk = pack(this.pending, this.pool);
    this.pending = [];
    await this.post(chunk);
  }

  private async post(message: ChunkMessage): Promise<void> {
    for (;;) {
      if (Atomics.load(this.ctl, CTL_STATE) !== 0) await this.failed();
      const consumed = Atomics.load(this.ctl, CTL_CONSUMED);
      if (this.posted - consumed < MAX_IN_FLIGHT) break;
      const wait = waitAsync(this.ctl, CTL_CONSUMED, consumed);
      if (wait.async) await wait.value;
    }
    this.port.postMessage(message, message.kind === "rows" ? [message.num, message.text] : []);
    this.posted++;
    Atomics.store(this.ctl, CTL_POSTED, this.posted);
    Atomics.notify(this.ctl, CTL_POSTED);
  }

  /** Throws the worker's error (it stopped before the end of the input). */
  private async failed(): Promise<never> {
    const r = await this.result;
    throw new Error(r.ok ? "parquet worker finished early" : r.message);
  }

  /** Finishes the file. Returns the number of rows written. */
  async close(): Promise<number> {
    if (this.closed) throw new Error("writer is closed");
    try {
      if (this.pending.length > 0) await this.flush();
      this.closed = true;
      await this.post({ kind: "end" });
      const r = await this.result;
      if (!r.ok) throw new Error(r.message);
      await rename(this.tmp, this.out);
      return r.rows;
    } finally {
      this.closed = true;
      await this.dispose();
    }
  }

  /** Discards everything; the output file is not created. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.port.postMessage({ kind: "abort" } satisfies ChunkMessage);
      Atomics.store(this.ctl, CTL_POSTED, ++this.posted);
      Atomics.notify(this.ctl, CTL_POSTED);
      await this.result;
    }
    await this.dispose();
  }

  private async dispose(): Promise<void> {
    this.pending = [];
    this.port.close();
    this.pool.close();
    await this.worker.terminate();
    await rm(this.tmp, { force: true });
  }
}
