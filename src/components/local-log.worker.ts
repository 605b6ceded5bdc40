// Parses a local log file (plain or gzip) with src/lib/parse in a Web Worker and posts the
// events as Arrow IPC batches (every schema column, raw included) for DuckDB-wasm, with
// progress and the line accounting. The file never leaves the browser.

import { parseLocalLog } from "./local-log-parse.js";
import type { LocalLogFromWorker, LocalLogToWorker } from "./local-log-protocol.js";

addEventListener("message", async ({ data }: MessageEvent<LocalLogToWorker>) => {
  try {
    await parseLocalLog(data, (m: LocalLogFromWorker, transfer: Transferable[] = []) =>
      postMessage(m, { transfer }),
    );
  } catch (error) {
    postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
});
