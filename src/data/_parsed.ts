// Parses the selected logs once per build and shares the result between the loaders
// (events.arrow.ts, accounting.json.ts): Framework runs each loader in its own process, so
// the first one stores both outputs in src/.observablehq/cache/fwglow/<key>.* and the next
// one reads them. The key covers the selection (paths, sizes, mtimes, year) and the parser
// and loader sources, so a change to either parses again.

import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { InputSource } from "../cli/inputs.js";
import { EventsEncoder, PAGE_COLUMNS, RAW_COLUMNS } from "../lib/arrow/events.js";
import type { Accounting, Malformed } from "../lib/schema.js";
import { type LogSelection, parseLogs, projectDir, resolveSelection, selectLogs } from "./_logs.js";

/** At most this many malformed lines are listed (all are counted). */
export const MALFORMED_LIMIT = 1000;

export interface AccountingJson {
  source: LogSelection["source"];
  files: (Accounting & { file: string; year: number })[];
  totals: Accounting;
  malformed: Malformed[];
  malformedListed: number;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf-8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join(dir, f))
    .sort();
}

/** A key for the selected files and the code that parses them. */
export async function dataKey(
  selection: LogSelection = selectLogs(),
  sources?: readonly InputSource[],
): Promise<string> {
  const files = sources ?? (await resolveSelection(selection));
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ year: selection.year, source: selection.source }));
  for (const f of files) hash.update(`${f.path}\0${f.size}\0${f.mtime?.getTime()}\n`);
  const code = [
    ...sourceFiles(join(projectDir, "src", "lib", "parse")),
    ...sourceFiles(join(projectDir, "src", "lib", "arrow")),
    join(projectDir, "src", "lib", "schema.ts"),
    join(projectDir, "src", "cli", "inputs.ts"),
    ...sourceFiles(join(projectDir, "src", "data")),
  ];
  for (const file of code)
    hash.update(`${relative(projectDir, file)}\0${statSync(file).mtimeMs}\n`);
  return hash.digest("hex").slice(0, 16);
}

const cacheDir = join(projectDir, "src", ".observablehq", "cache", "fwglow");

export interface Parsed {
  /** Arrow IPC stream of the page projection (no raw). */
  ipc: Uint8Array;
  /** Arrow IPC stream of (file, line, raw). */
  rawIpc: Uint8Array;
  accounting: AccountingJson;
}

export async function parsedData(): Promise<Parsed> {
  const selection = selectLogs();
  const sources = await resolveSelection(selection);
  const key = await dataKey(selection, sources);
  const arrowPath = join(cacheDir, `${key}.arrow`);
  const rawPath = join(cacheDir, `${key}.raw.arrow`);
  const jsonPath = join(cacheDir, `${key}.json`);
  if (existsSync(arrowPath) && existsSync(rawPath) && existsSync(jsonPath)) {
    return {
      ipc: await readFile(arrowPath),
      rawIpc: await readFile(rawPath),
      accounting: JSON.parse(await readFile(jsonPath, "utf-8")) as AccountingJson,
    };
  }

  const columns = new EventsEncoder({ columns: PAGE_COLUMNS, dictionary: true });
  const rawColumns = new EventsEncoder({ columns: RAW_COLUMNS, dictionary: true });
  const perFile = new Map<InputSource, Accounting & { file: string; year: number }>();
  const malformed: Malformed[] = [];
  const totals: Accounting = { lines: 0, events: 0, other: 0, malformed: 0 };
  for await (const { source, year, batch } of parseLogs(sources, selection)) {
    let acc = perFile.get(source);
    if (!acc) {
      acc = { file: source.name, year, lines: 0, events: 0, other: 0, malformed: 0 };
      perFile.set(source, acc);
    }
    columns.push(batch.events);
    rawColumns.push(batch.events);
    acc.lines += batch.lines;
    acc.events += batch.events.length;
    acc.other += batch.other;
    acc.malformed += batch.malformed.length;
    totals.lines += batch.lines;
    totals.events += batch.events.length;
    totals.other += batch.other;
    totals.malformed += batch.malformed.length;
    for (const m of batch.malformed) if (malformed.length < MALFORMED_LIMIT) malformed.push(m);
  }
  const accounting: AccountingJson = {
    source: selection.source,
    files: [...perFile.values()],
    totals,
    malformed,
    malformedListed: malformed.length,
  };
  const ipc = columns.toIPC();
  const rawIpc = rawColumns.toIPC();

  await rm(cacheDir, { recursive: true, force: true });
  await mkdir(cacheDir, { recursive: true });
  const tmp = `.${process.pid}.tmp`;
  await writeFile(arrowPath + tmp, ipc);
  await writeFile(rawPath + tmp, rawIpc);
  await rename(rawPath + tmp, rawPath);
  await writeFile(jsonPath + tmp, `${JSON.stringify(accounting)}\n`);
  await rename(arrowPath + tmp, arrowPath);
  await rename(jsonPath + tmp, jsonPath);
  return { ipc, rawIpc, accounting };
}
