// Runs before `npm run build` / `npm run dev`:
//  1. fills Framework's npm cache from node_modules (offline-cache.ts), so nothing is
//     downloaded;
//  2. drops cached data-loader outputs when the selected logs (FWGLOW_LOGS / FWGLOW_YEAR),
//     the log files themselves or the parsing code changed — Framework only compares a
//     loader's own mtime with its cached output, so it would not notice.

import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { projectDir } from "../src/data/_logs.js";
import { dataKey } from "../src/data/_parsed.js";
import { fillOfflineCache } from "./offline-cache.js";

const cacheDir = join(projectDir, "src", ".observablehq", "cache");
const keyFile = join(cacheDir, "fwglow-data-key.txt");

try {
  await fillOfflineCache({ quiet: process.argv.includes("--quiet") });
  const key = await dataKey();
  const previous = existsSync(keyFile) ? (await readFile(keyFile, "utf-8")).trim() : undefined;
  if (previous !== key) {
    if (previous !== undefined)
      process.stderr.write("prebuild: logs or parser changed; reloading data\n");
    await rm(join(cacheDir, "data"), { recursive: true, force: true });
    await mkdir(cacheDir, { recursive: true });
    await writeFile(keyFile, `${key}\n`);
  }
} catch (error) {
  process.stderr.write(`prebuild: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
