// Data loader: the chapter-14 index — the data set as psad sees it (lines read, rows kept,
// lines dropped and why) and the list of figures with their commands.

import { resolveSelection, selectLogs } from "../../data/_logs.js";
import { parseFilter } from "../../lib/filter/index.js";
import { readLines } from "../../lib/parse/lines.js";
import { PsadRun } from "../../lib/psad/engine.js";
import { commandLine, FIGURES } from "../figures.js";

const selection = selectLogs();
const sources = await resolveSelection(selection);
const run = new PsadRun({
  filter: parseFilter(""),
  mode: "gnuplot",
  file: sources[0]?.name ?? "-",
});
const prefixes = new Map<string, number>();
for (const source of sources)
  for await (const { lines } of readLines(source.open()))
    for (const line of lines) {
      const before = run.matched;
      run.push(line);
      if (run.matched > before) {
        const row = run.rows[run.rows.length - 1] as string[];
        const p = row[row.length - 1] as string; // log_prefix, the last default field
        prefixes.set(p, (prefixes.get(p) ?? 0) + 1);
        run.rows.length = 0; // only counts are needed
      }
    }
process.stdout.write(
  JSON.stringify({
    source: selection.source,
    files: sources.map((s) => s.name),
    lines: run.lines,
    kept: run.matched,
    drops: Object.fromEntries(run.drops),
    prefixes: [...prefixes].sort((a, b) => b[1] - a[1]),
    figures: FIGURES.map((f) => ({
      id: f.id,
      page: f.page,
      title: f.title,
      command: commandLine(f),
      reconstructed: f.reconstructed,
    })),
  }),
);
