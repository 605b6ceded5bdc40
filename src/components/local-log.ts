// "Open your own log": a file picker and drop zone; the file is parsed in a Web Worker by
// src/lib/parse (local-log.worker.ts) and loaded into the page's DuckDB-wasm as Arrow
// batches, with a progress bar and the line accounting. Nothing is uploaded: the file is
// read with Blob.stream() and every byte stays in this tab.

import type { Malformed } from "../lib/schema.js";
import { parseLocalLog } from "./local-log-parse.js";
import {
  type Counts,
  type LocalLogFromWorker,
  type LocalLogToWorker,
  noCounts,
} from "./local-log-protocol.js";
import { forgetLocalLog, rememberLocalLog, storedLocalLog } from "./local-session.js";
import { malformedList } from "./overview.js";

/** What the component needs of Framework's DuckDBClient. */
export interface DuckDb {
  query(sql: string): Promise<unknown>;
  _db: {
    connect(): Promise<{
      insertArrowFromIPCStream(
        buffer: Uint8Array,
        options: { name: string; schema?: string; create?: boolean },
      ): Promise<void>;
      close(): Promise<void>;
    }>;
  };
}

export interface LocalLogResult {
  name: string;
  counts: Counts;
  malformed: Malformed[];
  /** Parse + insert, milliseconds. */
  ms: number;
  /** Parsing and Arrow encoding alone (in the worker), milliseconds. */
  parseMs: number;
  /** "worker" or "main thread" (when no module worker could start). */
  where: string;
}

const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/**
 * Runs the parse in a module worker, or on the main thread if none starts. The worker ends
 * with its "done" or "error" message.
 */
function startParse(
  req: LocalLogToWorker,
  onMessage: (m: LocalLogFromWorker) => void,
): { where: string } {
  try {
    const worker = new Worker(import.meta.resolve("./local-log.worker.js"), { type: "module" });
    let heard = false;
    let fellBack = false;
    const fallback = () => {
      if (heard || fellBack) return;
      fellBack = true;
      worker.terminate();
      status.where = "main thread";
      parseLocalLog(req, (m) => onMessage(m), true).catch((e) =>
        onMessage({ type: "error", message: String(e) }),
      );
    };
    const status = { where: "worker" };
    worker.onmessage = ({ data }) => {
      heard = true;
      onMessage(data);
      if (data.type === "done" || data.type === "error") worker.terminate();
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (!heard) return fallback();
      worker.terminate();
      onMessage({ type: "error", message: e.message || "worker error" });
    };
    worker.postMessage(req);
    return status;
  } catch {
    parseLocalLog(req, (m) => onMessage(m), true).catch((e) =>
      onMessage({ type: "error", message: String(e) }),
    );
    return { where: "main thread" };
  }
}

let tableSeq = 0;

/**
 * Parses `file` and replaces table `events` of `db` with its events (all schema columns,
 * raw included). Batches are inserted in file order as they arrive, while the worker parses
 * the next; the old table stays queryable until the swap at the end.
 *
 * One worker, not one per part of the file: DuckDB's inserts take about as long as the
 * parse, so on two cores a second parser only takes time from them (measured: 1M lines in
 * 14 s with one worker, 17–20 s with two).
 */
export async function loadLocalLog(
  db: DuckDb,
  file: File,
  opts: { year: number; onProgress?: (c: Counts, total: number) => void; table?: string },
): Promise<LocalLogResult> {
  const t0 = performance.now();
  const temp = `events_local_${++tableSeq}`;
  const target = opts.table ?? "events";
  const conn = await db._db.connect();
  let inserts: Promise<unknown> = Promise.resolve();
  let created = false;
  let counts = noCounts();
  let finish!: (done: { malformed: Malformed[]; ms: number }) => void;
  let fail!: (error: Error) => void;
  const parsed = new Promise<{ malformed: Malformed[]; ms: number }>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const run = startParse({ file, name: file.name, year: opts.year }, (m) => {
    if (m.type === "error") return fail(new Error(m.message));
    counts = m.counts;
    opts.onProgress?.(counts, file.size);
    if (m.type === "batch") {
      const create = !created;
      created = true;
      inserts = inserts.then(() =>
        conn.insertArrowFromIPCStream(m.ipc, { name: temp, schema: "main", create }),
      );
    } else if (m.type === "done") finish(m);
  });
  let result: { malformed: Malformed[]; ms: number };
  try {
    result = await parsed;
    await inserts;
  } catch (error) {
    await db.query(`DROP TABLE IF EXISTS ${temp}`).catch(() => {});
    throw error;
  } finally {
    await conn.close();
  }
  if (!created) {
    throw new Error(
      `no firewall events in ${file.name} (${fmt(counts.lines)} lines: ${fmt(counts.other)} other, ${fmt(counts.malformed)} malformed)`,
    );
  }
  await db.query(`DROP TABLE IF EXISTS ${target}`);
  await db.query(`ALTER TABLE ${temp} RENAME TO ${target}`);
  return {
    name: file.name,
    counts,
    malformed: result.malformed,
    ms: performance.now() - t0,
    parseMs: result.ms,
    where: run.where,
  };
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A local log's line accounting in the shape of the accounting.json loader's output. */
export function localAccounting(r: LocalLogResult) {
  const { lines, events, other, malformed } = r.counts;
  const totals = { lines, events, other, malformed };
  return {
    source: "local" as const,
    files: [{ file: r.name, ...totals }],
    totals,
    malformed: r.malformed,
    malformedListed: r.malformed.length,
  };
}

/** A load by the picker; `restored`: reopened from an earlier page (local-session.ts). */
export type PickedLog = LocalLogResult & { restored: boolean };

/** The picker's element: an input for Framework's `view()`, its value the last load. */
export type LocalLogPicker = HTMLElement & { value: PickedLog | null };

/**
 * The picker + drop zone + progress + accounting. After each load it sets `value` and
 * dispatches "input". The log the reader opened on another page is reopened at once.
 */
export function localLogPicker(db: DuckDb | Promise<DuckDb>): LocalLogPicker {
  const input = el("input", {
    type: "file",
    id: "local-log-file",
    accept: ".log,.gz,.txt,text/plain,application/gzip,*/*",
  });
  const year = el("input", {
    type: "number",
    id: "local-log-year",
    min: "1990",
    max: "2100",
    style: "width:5em",
  });
  year.value = String(new Date().getFullYear());
  const yearNote = el(
    "span",
    { class: "muted" },
    " (BSD syslog stamps carry no year; default: the file's modification year)",
  );
  const progress = el("progress", {
    id: "local-log-progress",
    max: "1",
    value: "0",
    style: "width:100%;display:none",
  });
  const status = el("div", { id: "local-log-status", "aria-live": "polite" });
  const zone = el(
    "div",
    {
      class: "local-log-drop",
      style: "border:2px dashed var(--theme-foreground-faint,#bbb);padding:1em;border-radius:6px",
    },
    el("b", {}, "Open your own log"),
    " — drop an iptables / ip6tables / nftables log here (plain or .gz), or pick one: ",
    input,
    el("br"),
    el("label", {}, "Year of the first syslog stamp: ", year),
    yearNote,
    el(
      "p",
      { class: "muted", style: "margin:.3em 0 0" },
      "The file is parsed in your browser by the same parser as the fwglow command line and loaded into DuckDB-wasm in this tab. Nothing is uploaded.",
    ),
    progress,
    status,
  );
  let busy = false;
  let yearEdited = false;
  year.addEventListener("input", () => (yearEdited = true));
  const yearFrom = (f: File) => {
    if (!yearEdited) year.value = String(new Date(f.lastModified).getFullYear());
  };
  const picker = Object.assign(zone, { value: null as PickedLog | null });
  async function open(file: File, restored = false) {
    if (busy) return;
    busy = true;
    progress.style.display = "";
    progress.value = 0;
    status.textContent = `${restored ? "Reopening your log" : "Reading"} ${file.name}…`;
    const y = Number(year.value) || new Date(file.lastModified).getFullYear();
    try {
      const r = await loadLocalLog(await db, file, {
        year: y,
        onProgress: (c, total) => {
          progress.value = total ? c.bytes / total : 0;
          status.textContent = `${file.name}: ${fmt(c.lines)} lines read — ${fmt(c.events)} events, ${fmt(c.other)} other, ${fmt(c.malformed)} malformed`;
        },
      });
      progress.value = 1;
      // Not awaited: copying a large file into IndexedDB must not delay the first view.
      if (!restored) rememberLocalLog({ file, year: y }).catch(() => {});
      const back = el(
        "button",
        { type: "button", id: "local-log-forget" },
        "Back to the bundled log",
      );
      back.addEventListener("click", async () => {
        await forgetLocalLog().catch(() => {});
        location.reload();
      });
      status.replaceChildren(
        el(
          "div",
          { id: "local-log-accounting" },
          el("b", {}, file.name),
          `: ${fmt(r.counts.lines)} lines = ${fmt(r.counts.events)} events + ${fmt(r.counts.other)} other + ${fmt(r.counts.malformed)} malformed — parsed and loaded in ${(r.ms / 1000).toFixed(1)} s (${r.where}; parsing ${(r.parseMs / 1000).toFixed(1)} s of it). The overview and the explorer show this log until you go `,
          back,
          ".",
        ),
        ...(r.counts.malformed > 0
          ? [
              el(
                "details",
                {},
                el("summary", {}, `Malformed lines (${fmt(r.counts.malformed)})`),
                malformedList(r.malformed, r.counts.malformed),
              ),
            ]
          : []),
      );
      picker.value = { ...r, restored };
      picker.dispatchEvent(new Event("input", { bubbles: true }));
    } catch (error) {
      // A remembered log that no longer loads is forgotten: the next page shows the bundled one.
      if (restored) forgetLocalLog().catch(() => {});
      status.replaceChildren(
        el(
          "span",
          { class: "explorer-error" },
          `Could not load ${file.name}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    } finally {
      busy = false;
    }
  }
  input.addEventListener("change", () => {
    const f = input.files?.[0];
    if (f) {
      yearFrom(f);
      open(f);
    }
  });
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.style.background = "var(--theme-background-alt, #f4f4f4)";
  });
  zone.addEventListener("dragleave", () => (zone.style.background = ""));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.style.background = "";
    const f = e.dataTransfer?.files?.[0];
    if (f) {
      yearFrom(f);
      open(f);
    }
  });
  storedLocalLog().then((log) => {
    if (!log) return;
    year.value = String(log.year);
    yearEdited = true;
    open(log.file, true);
  });
  return picker;
}
