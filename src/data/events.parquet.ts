// Data loader: the selected logs (FWGLOW_LOGS / FWGLOW_YEAR, default the bundled honeynet
// log) as zstd Parquet with every schema column, `raw` included — written by
// `convertToParquet`, the code of `fwglow convert`. Offered as a download by the pages; the
// pages themselves query events.arrow (DuckDB-wasm has no Parquet reader offline).
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { convertToParquet } from "../cli/convert.js";
import { selectLogs } from "./_logs.js";

const selection = selectLogs();
const dir = await mkdtemp(join(tmpdir(), "fwglow-loader-"));
try {
  const out = join(dir, "events.parquet");
  await convertToParquet({ inputs: selection.inputs, out, year: selection.year });
  await pipeline(createReadStream(out), process.stdout, { end: false });
} finally {
  await rm(dir, { recursive: true, force: true });
}
