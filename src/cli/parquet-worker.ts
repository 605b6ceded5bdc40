// The DuckDB side of EventParquetWriter (parquet.ts), in a worker thread: one streaming
// `COPY (FROM fwglow_events()) TO out (FORMAT parquet, COMPRESSION zstd)`.
//
// DuckDB calls the table function's main callback on this thread (a thread-safe-function call
// that blocks DuckDB's thread until it has run) and the callback has to return a chunk. Here
// it can wait for one: it blocks this thread (Atomics.wait) until the main thread, which
// parses, has posted the next chunk. On the main thread that wait would be a deadlock.
import { type MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import {
  BOOLEAN,
  DOUBLE,
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
import { COLUMNS, type ColumnType } from "../lib/schema.js";
import {
  ALL_NULL,
  type ChunkMessage,
  CTL_CONSUMED,
  CTL_POSTED,
  CTL_STATE,
  type FreeMessage,
  INLINE,
  LAYOUT,
  NO_NULL,
  type RowsMessage,
  STATE_FAILED,
  STATE_FINISHED,
  type WorkerData,
  type WorkerResult,
} from "./parquet.js";

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

const data = workerData as WorkerData;
const port: MessagePort = data.port;
const ctl = new Int32Array(data.ctl);
const ALL_VALID = new Uint8Array(LAYOUT.validityBytes).fill(0xff).buffer;
const NONE_VALID = new ArrayBuffer(LAYOUT.validityBytes);

/** The next chunk from the main thread, waiting for it if need be. */
function nextChunk(): ChunkMessage {
  for (;;) {
    const posted = Atomics.load(ctl, CTL_POSTED);
    const received = receiveMessageOnPort(port);
    if (received) return received.message as ChunkMessage;
    Atomics.wait(ctl, CTL_POSTED, posted);
  }
}

/**
 * Fills the chunk's vectors from one message: one copy per column and per validity mask
 * (string slots included, the short strings inline), then one call per long string (DuckDB
 * copies it to the vector's heap and points its slot there).
 */
function fill(chunk: duckdb.DataChunk, m: RowsMessage): void {
  const n = m.n;
  const nulls = new Uint8Array(m.num, LAYOUT.nullsOffset, COLUMNS.length);
  const text = new Uint8Array(m.text, 0, m.textBytes);
  let at = 0; // long strings are stored column after column
  for (let c = 0; c < COLUMNS.length; c++) {
    const vector = duckdb.data_chunk_get_vector(chunk, c);
    const col = LAYOUT.columns[c];
    const state = nulls[c];
    if (state !== ALL_NULL) {
      duckdb.copy_data_to_vector(vector, 0, m.num, col.offset, n * col.width);
      if (col.stringIndex >= 0) {
        const slots = new Uint32Array(m.num, col.offset, 4 * n);
        for (let i = 0; i < n; i++) {
          const length = slots[4 * i];
          if (length > INLINE) {
            duckdb.vector_assign_string_element_len(vector, i, text.subarray(at, at + length));
            at += length;
          }
        }
      }
    }
    duckdb.vector_ensure_validity_writable(vector);
    if (state === NO_NULL)
      duckdb.copy_data_to_vector_validity(vector, 0, ALL_VALID, 0, LAYOUT.validityBytes);
    else if (state === ALL_NULL)
      duckdb.copy_data_to_vector_validity(vector, 0, NONE_VALID, 0, LAYOUT.validityBytes);
    else duckdb.copy_data_to_vector_validity(vector, 0, m.num, col.validity, LAYOUT.validityBytes);
  }
}

let finished = false;
const instance = await DuckDBInstance.create(":memory:", { threads: String(data.threads) });
const conn = await instance.connect();
conn.registerTableFunction(
  DuckDBTableFunction.create({
    name: "fwglow_events",
    bindFunction: (info) => {
      for (const [name, type] of COLUMNS) info.addResultColumn(name, DUCK_TYPES[type]);
    },
    initFunction: (info) => {
      info.setMaxThreads(1);
    },
    mainFunction: (info, output) => {
      if (finished) {
        output.rowCount = 0;
        return;
      }
      const m = nextChunk();
      Atomics.add(ctl, CTL_CONSUMED, 1);
      Atomics.notify(ctl, CTL_CONSUMED);
      if (m.kind !== "rows") {
        finished = true;
        output.rowCount = 0;
        if (m.kind === "abort") info.setError("aborted");
        return;
      }
      output.rowCount = m.n;
      fill(output.chunk, m);
      data.recycle.postMessage({ num: m.num, text: m.text } satisfies FreeMessage, [m.num, m.text]);
    },
  }),
);

let result: WorkerResult;
try {
  const r = await conn.run(data.sql);
  result = { ok: true, rows: Number(r.rowsChanged) };
  Atomics.store(ctl, CTL_STATE, STATE_FINISHED);
} catch (error) {
  result = { ok: false, message: error instanceof Error ? error.message : String(error) };
  Atomics.store(ctl, CTL_STATE, STATE_FAILED);
} finally {
  conn.closeSync();
  instance.closeSync();
}
Atomics.notify(ctl, CTL_CONSUMED);
port.postMessage(result);
port.close();
data.recycle.close();
