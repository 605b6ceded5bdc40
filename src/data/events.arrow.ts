// Data loader: the selected logs (FWGLOW_LOGS, default the bundled honeynet log) as an Arrow
// IPC stream for the pages' DuckDB-wasm — the page projection of the schema (no `raw`).
// The complete table is events.parquet. See _logs.ts for the environment variables.
import { parsedData } from "./_parsed.js";

const { ipc } = await parsedData();
process.stdout.write(ipc);
