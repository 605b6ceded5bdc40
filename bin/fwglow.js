#!/usr/bin/env node
// The CLI is TypeScript with no build step between `npm ci` and `npx fwglow`: this script
// bundles src/cli with esbuild on first use (and again whenever a source file changes) into
// node_modules/.cache/fwglow/cli-KEY/, which starts several times faster than compiling the
// sources through tsx at every run. Without esbuild, or with FWGLOW_NO_BUNDLE=1, tsx runs the
// sources directly.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sources = [join(root, "src", "cli"), join(root, "src", "lib")];

/** A key that changes when any source file is added, removed or modified. */
function sourceKey() {
  const hash = createHash("sha1");
  for (const dir of sources) {
    for (const name of readdirSync(dir, { recursive: true }).sort()) {
      const st = statSync(join(dir, name));
      if (st.isFile()) hash.update(`${dir}/${name}:${st.size}:${st.mtimeMs}\n`);
    }
  }
  return hash.digest("hex").slice(0, 16);
}

/** The bundled CLI's entry, built if need be; null when it cannot be built. */
async function bundledMain() {
  if (process.env.FWGLOW_NO_BUNDLE) return null;
  const cache = join(root, "node_modules", ".cache", "fwglow");
  const dir = join(cache, `cli-${sourceKey()}`);
  const main = join(dir, "main.mjs");
  try {
    statSync(main);
    return main;
  } catch {}
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    return null; // not installed (dev dependency)
  }
  // Build beside the final place and rename: concurrent first runs never see half a bundle.
  const tmp = `${dir}.${process.pid}.tmp`;
  mkdirSync(cache, { recursive: true });
  try {
    await esbuild.build({
      entryPoints: [join(root, "src/cli/main.ts"), join(root, "src/cli/parquet-worker.ts")],
      outdir: tmp,
      outExtension: { ".js": ".mjs" },
      bundle: true,
      splitting: true, // each command stays its own chunk, loaded only when run
      format: "esm",
      platform: "node",
      packages: "external", // resolved from the project's node_modules
      logLevel: "silent",
    });
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
    try {
      statSync(main); // another process won the race
    } catch {
      return null;
    }
  }
  for (const old of readdirSync(cache)) {
    if (old.startsWith("cli-") && join(cache, old) !== dir && !old.endsWith(".tmp"))
      rmSync(join(cache, old), { recursive: true, force: true });
  }
  return main;
}

const main = await bundledMain();
if (main) {
  await import(pathToFileURL(main).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
