// Messages between the local-log component and its worker (or its main-thread fallback).
import type { Malformed } from "../lib/schema.js";

export interface LocalLogToWorker {
  file: Blob & { name?: string };
  name: string;
  year: number;
  /** Events per Arrow batch. */
  batchEvents?: number;
}

export interface Counts {
  lines: number;
  events: number;
  other: number;
  malformed: number;
  /** Bytes of the file read so far (compressed size for gzip). */
  bytes: number;
}

export const noCounts = (): Counts => ({ lines: 0, events: 0, other: 0, malformed: 0, bytes: 0 });

export type LocalLogFromWorker =
  | { type: "batch"; ipc: Uint8Array; rows: number; counts: Counts }
  | { type: "progress"; counts: Counts }
  | { type: "done"; counts: Counts; malformed: Malformed[]; ms: number }
  | { type: "error"; message: string };
