// Fills Observable Framework's npm cache (`<root>/.observablehq/cache/_npm/`) from
// node_modules so `observable build` / `observable preview` never reach a CDN
// (see ../shared/docs/OFFLINE-BUILD.md and docs/ARCHITECTURE.md).
//
// Framework 1.13.4 resolves `npm:NAME[@range]` against the `<name>@<version>` folder names
// in that cache first, and never downloads a file that already exists there:
//   `_npm/<name>@<version>/_esm.js`          a package's main entry (`npm:name`)
//   `_npm/<name>@<version>/<sub>._esm.js`    a sub-path without extension (`npm:name/sub`)
//   `_npm/<name>@<version>/dist/x.wasm`      other files under their own name
// For each package below we bundle its browser ESM entry with esbuild, keeping the other
// "shared" packages external and pointing those imports at their sibling cache entries
// (relative paths, as Framework itself writes them), so e.g. DuckDB-wasm and the page share
// one apache-arrow. Packages that Framework only names in lazily-loaded code (lodash,
// echarts, …) get empty `<name>@0.0.0` folders so resolving their version needs no registry.
//
// Idempotent: a stamp file records what was built; a second run with the same
// node_modules returns in milliseconds. The layout is Framework-internal: it is pinned to
// @observablehq/framework 1.13.4 — recheck on upgrade.
//
// Usage: node --import tsx scripts/offline-cache.ts [--root src] [--force] [--quiet]

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const SCRIPT_VERSION = 3;
const FRAMEWORK_VERSION = "1.13.4";

/** Packages that get their own cache entry (imports between them stay external). */
const SHARED = [
  "@observablehq/plot",
  "@observablehq/inputs",
  "@duckdb/duckdb-wasm",
  "apache-arrow",
  "d3",
  "d3-dsv",
  "htl",
  "isoformat",
];

/** Files copied verbatim (Framework's DuckDBClient imports them with import.meta.resolve). */
const VERBATIM: Record<string, string[]> = {
  "@duckdb/duckdb-wasm": [
    "dist/duckdb-mvp.wasm",
    "dist/duckdb-browser-mvp.worker.js",
    "dist/duckdb-eh.wasm",
    "dist/duckdb-browser-eh.worker.js",
  ],
  "parquet-wasm": ["esm/parquet_wasm_bg.wasm"],
};

/**
 * Names imported by Framework's client only lazily (recommended libraries, stdlib
 * modules). Framework resolves their versions while bundling its client; an empty folder
 * answers that without a registry request. Installed ones are built for real instead.
 */
const LAZY = [
  "lodash",
  "arquero",
  "echarts",
  "leaflet",
  "mapbox-gl",
  "react",
  "react-dom",
  "topojson-client",
  "parquet-wasm",
  "@viz-js/viz",
  "mermaid",
  "sql.js",
  "katex",
  "vega",
  "vega-lite",
  "vega-lite-api",
  "@uwdata/vgplot",
  "@uwdata/mosaic-core",
  "exceljs",
  "jszip",
  "@observablehq/sample-datasets",
];
const PLACEHOLDER_VERSION = "0.0.0";

/**
 * Download sources that cached files name: DuckDB's extension repositories (also
 * `nightly-` and `community-`), duckdb-wasm's jsDelivr bundles, unpkg (a stylesheet of
 * EXPLAIN's HTML). Nothing here fetches from them (extensions are off, bundles are local);
 * still, each becomes an unresolvable `.invalid` name of the same length, so that no built
 * file names them and a patched wasm keeps every offset. Documentation links in DuckDB's
 * error messages stay as they are.
 */
const UNREACHABLE_HOSTS = ["extensions.duckdb.org", "cdn.jsdelivr.net", "unpkg.com"];

/** `cdn.jsdelivr.net` → `cdn-jsde.invalid`: as long as the host, never resolvable. */
function invalidHost(host: string): string {
  return `${host.replaceAll(".", "-").slice(0, host.length - ".invalid".length)}.invalid`;
}

/** `bytes` with every UNREACHABLE_HOSTS name replaced in place (same length). */
function withoutHosts(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  for (const host of UNREACHABLE_HOSTS) {
    const replacement = invalidHost(host);
    for (let at = out.indexOf(host); at >= 0; at = out.indexOf(host, at + host.length)) {
      out.write(replacement, at, "latin1");
    }
  }
  return out;
}

interface Pkg {
  name: string;
  version: string;
  dir: string;
}

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function parseArgs(argv: string[]): { root: string; force: boolean; quiet: boolean } {
  let root = "src";
  let force = false;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--root") root = argv[++i] ?? root;
    else if (a === "--force") force = true;
    else if (a === "--quiet") quiet = true;
    else throw new Error(`offline-cache: unknown argument ${a}`);
  }
  return { root, force, quiet };
}

function packageName(specifier: string): { name: string; sub: string } {
  const parts = specifier.split("/");
  const n = specifier.startsWith("@") ? 2 : 1;
  return { name: parts.slice(0, n).join("/"), sub: parts.slice(n).join("/") };
}

/** Finds the installed package `name` as Node would from `fromDir` (walking up node_modules). */
async function findPackage(name: string, fromDir: string): Promise<Pkg | undefined> {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    const pj = join(candidate, "package.json");
    if (existsSync(pj)) {
      const { version } = JSON.parse(await readFile(pj, "utf-8")) as { version: string };
      return { name, version, dir: candidate };
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The cache path (relative to `_npm/`) of `name@version` + sub-path, as Framework names it. */
function cacheFile(pkg: { name: string; version: string }, sub: string): string {
  const file =
    sub === ""
      ? "_esm.js"
      : posix.extname(sub) || sub.endsWith("/")
        ? sub
        : `${sub.replace(/\/\+esm$/, "")}._esm.js`;
  return posix.join(`${pkg.name}@${pkg.version}`, file);
}

interface Job {
  pkg: Pkg;
  sub: string;
}

async function bundle(job: Job, npmDir: string, enqueue: (job: Job) => void): Promise<void> {
  const { pkg, sub } = job;
  const outRel = cacheFile(pkg, sub);
  const outFile = join(npmDir, outRel);
  const shared = new Set(SHARED);
  const entry = sub === "" ? pkg.name : `${pkg.name}/${sub}`;
  const result = await esbuild.build({
    entryPoints: [`fwglow-entry:${entry}`],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "inline",
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"' },
    plugins: [
      {
        name: "fwglow-npm-cache",
        setup(build) {
          build.onResolve({ filter: /^fwglow-entry:/ }, async (args) => {
            const r = await build.resolve(args.path.slice("fwglow-entry:".length), {
              kind: "entry-point",
              resolveDir: pkg.dir.slice(0, -`/node_modules/${pkg.name}`.length),
            });
            if (r.errors.length) return { errors: r.errors };
            return { path: r.path };
          });
          build.onResolve({ filter: /^[^./]/ }, async (args) => {
            if (args.kind === "entry-point") return undefined;
            const { name, sub: depSub } = packageName(args.path);
            if (name === pkg.name || !shared.has(name)) return undefined;
            const dep = await findPackage(name, args.resolveDir);
            if (!dep) return undefined;
            enqueue({ pkg: dep, sub: depSub });
            let rel = posix.relative(posix.dirname(outRel), cacheFile(dep, depSub));
            if (!rel.startsWith(".")) rel = `./${rel}`;
            return { path: rel, external: true };
          });
        },
      },
    ],
  });
  const out = result.outputFiles?.[0];
  if (!out) throw new Error(`offline-cache: esbuild produced nothing for ${entry}`);
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, withoutHosts(out.contents));
}

async function inventory(): Promise<{ built: Pkg[]; verbatim: [Pkg, string][]; lazy: string[] }> {
  const built: Pkg[] = [];
  const verbatim: [Pkg, string][] = [];
  const lazy: string[] = [];
  for (const name of SHARED) {
    const pkg = await findPackage(name, projectDir);
    if (!pkg) throw new Error(`offline-cache: ${name} is not installed (run npm ci)`);
    built.push(pkg);
  }
  for (const name of LAZY) {
    const pkg = await findPackage(name, projectDir);
    if (pkg && VERBATIM[name]) built.push(pkg);
    else lazy.push(name);
  }
  for (const pkg of built) {
    for (const file of VERBATIM[pkg.name] ?? []) verbatim.push([pkg, file]);
  }
  return { built, verbatim, lazy };
}

export async function fillOfflineCache(
  options: { root?: string; force?: boolean; quiet?: boolean } = {},
): Promise<{ skipped: boolean; files: number; ms: number }> {
  const start = performance.now();
  const root = resolve(projectDir, options.root ?? "src");
  const npmDir = join(root, ".observablehq", "cache", "_npm");
  const stampFile = join(npmDir, ".fwglow-offline-cache.json");
  const log = options.quiet ? () => {} : (s: string) => process.stderr.write(`${s}\n`);

  const fw = await findPackage("@observablehq/framework", projectDir);
  if (fw?.version !== FRAMEWORK_VERSION) {
    log(
      `offline-cache: warning: @observablehq/framework is ${fw?.version ?? "missing"}, this script knows ${FRAMEWORK_VERSION}'s cache layout`,
    );
  }
  const inv = await inventory();
  const key = createHash("sha256")
    .update(
      JSON.stringify({
        SCRIPT_VERSION,
        fw: fw?.version,
        built: inv.built.map((p) => `${p.name}@${p.version}:${p.dir}`),
        lazy: inv.lazy,
      }),
    )
    .digest("hex");

  if (!options.force && existsSync(stampFile)) {
    try {
      const stamp = JSON.parse(await readFile(stampFile, "utf-8")) as {
        key: string;
        files: string[];
      };
      if (stamp.key === key && stamp.files.every((f) => existsSync(join(npmDir, f)))) {
        return { skipped: true, files: stamp.files.length, ms: performance.now() - start };
      }
    } catch {
      // rebuild below
    }
  }

  log(`offline-cache: filling ${relative(projectDir, npmDir)} from node_modules…`);
  await rm(npmDir, { recursive: true, force: true });
  await mkdir(npmDir, { recursive: true });

  const files: string[] = [];
  const seen = new Set<string>();
  const pending: Promise<void>[] = [];
  const enqueue = (job: Job) => {
    const rel = cacheFile(job.pkg, job.sub);
    if (seen.has(rel)) return;
    seen.add(rel);
    files.push(rel);
    pending.push(bundle(job, npmDir, enqueue));
  };
  for (const pkg of inv.built) enqueue({ pkg, sub: "" });
  for (const [pkg, file] of inv.verbatim) {
    const rel = cacheFile(pkg, file);
    files.push(rel);
    pending.push(
      mkdir(dirname(join(npmDir, rel)), { recursive: true })
        .then(() => readFile(join(pkg.dir, file)))
        .then((bytes) => writeFile(join(npmDir, rel), withoutHosts(bytes))),
    );
  }
  // Drain: bundles enqueue their shared dependencies while they run.
  for (let i = 0; i < pending.length; i++) await pending[i];
  for (const name of inv.lazy) {
    await mkdir(join(npmDir, `${name}@${PLACEHOLDER_VERSION}`), { recursive: true });
  }
  await writeFile(stampFile, `${JSON.stringify({ key, files }, null, 1)}\n`);
  const ms = performance.now() - start;
  log(
    `offline-cache: ${files.length} files, ${inv.lazy.length} placeholders in ${(ms / 1000).toFixed(1)} s`,
  );
  return { skipped: false, files: files.length, ms };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  try {
    await fillOfflineCache(args);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
