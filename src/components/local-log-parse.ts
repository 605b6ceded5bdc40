// The parsing loop of a local log: file → src/lib/parse → Arrow IPC batches. Runs in the
// worker; the component falls back to running it on the main thread (the parser yields
// between chunks, so the page stays responsive, only slower) when no worker starts.

import { EventsEncoder } from "../lib/arrow/events.js";
import { parseStream } from "../lib/parse/index.js";
import type { Malformed } from "../lib/schema.js";
import {
  type Counts,
  type LocalLogFromWorker,
  type LocalLogToWorker,
  noCounts,
} from "./local-log-protocol.js";

/** Malformed lines kept as examples (all are counted). */
export const MALFORMED_EXAMPLES = 50;

/** Events per Arrow batch (about 40 MB of IPC for a typical log). */
export const BATCH_EVENTS = 65536;

/** Bytes per read of the file: fewer, larger reads than Blob.stream()'s 64 KiB chunks. */
const READ_BYTES = 4 << 20;

async function* chunksOf(file: Blob, counts: Counts): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < file.size; at += READ_BYTES) {
    const value = new Uint8Array(await file.slice(at, at + READ_BYTES).arrayBuffer());
    counts.bytes += value.byteLength;
    yield value;
  }
}

export async function parseLocalLog(
  req: LocalLogToWorker,
  post: (m: LocalLogFromWorker, transfer?: Transferable[]) => void,
  /** On the main thread: give the page a turn every ~100 ms. */
  yieldToPage = false,
): Promise<void> {
  const t0 = performance.now();
  const batchEvents = req.batchEvents ?? BATCH_EVENTS;
  const counts = noCounts();
  const malformed: Malformed[] = [];
  /**
   * One encoder for every batch: its buffers are reused. Events go into it as the parser
   * yields them, so they die young (a batch of them held until encoding would outlive the
   * young generation and make every collection a full one).
   */
  const encoder = new EventsEncoder();
  let lastProgress = 0;
  const flush = () => {
    if (encoder.rows === 0) return;
    const ipc = encoder.toIPC();
    const rows = encoder.rows;
    encoder.reset();
    post({ type: "batch", ipc, rows, counts: { ...counts } }, [ipc.buffer]);
  };
  for await (const batch of parseStream(chunksOf(req.file, counts), {
    file: req.name,
    year: req.year,
  })) {
    counts.lines += batch.lines;
    counts.other += batch.other;
    counts.malformed += batch.malformed.length;
    counts.events += batch.events.length;
    for (const m of batch.malformed) if (malformed.length < MALFORMED_EXAMPLES) malformed.push(m);
    encoder.push(batch.events);
    if (encoder.rows >= batchEvents) flush();
    const now = performance.now();
    if (now - lastProgress > 100) {
      lastProgress = now;
      post({ type: "progress", counts: { ...counts } });
      if (yieldToPage) await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  flush();
  post({ type: "done", counts: { ...counts }, malformed, ms: performance.now() - t0 });
}
