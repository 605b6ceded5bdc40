// Which logs the data loaders read, and parsing them with the CLI's code
// (src/cli/inputs.ts resolves inputs and years exactly as `fwglow convert` does).
//
//   FWGLOW_LOGS  files, directories (their regular files, sorted, not recursive) or globs
//                (`*`, `?`, `[...]`, `**`), separated by ":" or newlines; relative paths are
//                relative to the project directory. Default: the bundled data set
//                (data/default.json: the Scan34 honeynet log, year 2005).
//   FWGLOW_YEAR  the year of the first yearless (BSD syslog) stamp of every file. Default:
//                the year in data/default.json for the bundled log, else from each file's
//                modification time (minus the Dec→Jan rollovers in it), like the CLI.

import { isAbsolute, resolve } from "node:path";
import { type InputSource, ROOT, resolveInputs, yearOf } from "../cli/inputs.js";
import { countRollovers, type ParseBatch, parseStream } from "../lib/parse/index.js";

export type { ParseBatch };

export const projectDir = ROOT;

export interface LogSelection {
  /** `fwglow convert` arguments: files, directories, globs; empty = the bundled data set. */
  inputs: string[];
  /** FWGLOW_YEAR, if set. */
  year: number | undefined;
  /** Where the selection came from, for captions. */
  source: "default" | "FWGLOW_LOGS";
}

function parseYear(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  if (!/^\d{4}$/.test(text.trim()))
    throw new Error(`FWGLOW_YEAR must be a year like 2005, not '${text}'`);
  return Number(text);
}

/** The logs selected by FWGLOW_LOGS / FWGLOW_YEAR, else the bundled default data set. */
export function selectLogs(env: NodeJS.ProcessEnv = process.env): LogSelection {
  const year = parseYear(env.FWGLOW_YEAR);
  const spec = env.FWGLOW_LOGS?.trim();
  if (!spec) return { inputs: [], year, source: "default" };
  const inputs = spec
    .split(/[:\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (inputs.includes("-"))
    throw new Error("FWGLOW_LOGS: '-' (stdin) is not supported by the data loaders");
  return {
    inputs: inputs.map((s) => (isAbsolute(s) ? s : resolve(ROOT, s))),
    year,
    source: "FWGLOW_LOGS",
  };
}

/** The selected files (throws for a missing file or a glob that matches nothing). */
export function resolveSelection(selection: LogSelection): Promise<InputSource[]> {
  return resolveInputs(selection.inputs, { stdin: process.stdin });
}

/** Parses the selected logs with the CLI's parser and year logic, file by file. */
export async function* parseLogs(
  sources: readonly InputSource[],
  selection: LogSelection,
): AsyncGenerator<{ source: InputSource; year: number; batch: ParseBatch }> {
  for (const source of sources) {
    const year = await yearOf(source, selection.year, countRollovers);
    for await (const batch of parseStream(source.open(), { file: source.name, year })) {
      yield { source, year, batch };
    }
  }
}
