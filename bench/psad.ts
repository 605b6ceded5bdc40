// `fwglow psad` vs psad 2.4.6 on the Scan34 log, side by side, same command (figure 14-14),
// and the same question answered from the converted Parquet by `fwglow query --where`.
// Run: node --import tsx bench/psad.ts [--runs N] [--no-psad]
// All read the same decompressed file (query: its Parquet, converted once, not timed); outputs
// are compared row for row. The floor of a one-shot query is reported too: starting node and
// loading DuckDB's native library, with no query at all.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 3;
const withPsad = !args.includes("--no-psad") && existsSync("/usr/sbin/psad");

const dir = mkdtempSync(join(tmpdir(), "fwglow-bench-psad-"));
const log = join(dir, "iptables.data");
writeFileSync(log, gunzipSync(readFileSync(join(root, "data/scan34-iptablesyslog.gz"))));
const CMD = [
  "--CSV",
  "--CSV-fields",
  "src:11.11.0.0/16 dst:not11.11.0.0/16 dp",
  "--CSV-regex",
  "SYN URGP=",
];

interface Run {
  wall: number;
  cpu: number;
  out: Buffer;
}

/** Runs a command; wall time and the child's user+system CPU seconds (from /usr/bin/time). */
function time(cmd: string, argv: string[]): Promise<Run> {
  return new Promise((ok, fail) => {
    const timeFile = join(dir, "time.txt");
    const t0 = performance.now();
    const p = spawn("/usr/bin/time", ["-f", "%U %S", "-o", timeFile, cmd, ...argv], {
      cwd: dir,
      env: { ...process.env, TZ: "UTC" },
      stdio: ["ignore", "pipe", "ignore"],
    });
    const chunks: Buffer[] = [];
    p.stdout.on("data", (c: Buffer) => chunks.push(c));
    p.on("error", fail);
    p.on("close", () => {
      const wall = (performance.now() - t0) / 1000;
      const [u, s] = readFileSync(timeFile, "utf8").trim().split(/\s+/).slice(-2).map(Number);
      ok({ wall, cpu: (u ?? 0) + (s ?? 0), out: Buffer.concat(chunks) });
    });
  });
}

// the same code as one esbuild bundle: shows how much of our time is tsx's start-up
const bundle = join(dir, "psad-bundle.mjs");
const esbuild = await import("esbuild");
await esbuild.build({
  stdin: {
    contents: `import { command } from "./src/cli/psad.ts";
process.exitCode = await command.run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });`,
    resolveDir: root,
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  outfile: bundle,
  logLevel: "warning",
});

const parquet = join(dir, "events.parquet");
await time(process.execPath, [join(root, "bin/fwglow.js"), "convert", "-q", log, "-o", parquet]);
const QUERY = [
  "query",
  "SELECT src, dst, dpt FROM events",
  "--data",
  parquet,
  "--where",
  CMD[2] as string,
  "--regex",
  CMD[4] as string,
  "--format",
  "csv",
];
const floorScript = join(dir, "floor.mjs");
writeFileSync(
  floorScript,
  `await import(${JSON.stringify(import.meta.resolve("@duckdb/node-api"))});`,
);

// the whole CLI as one bundle, for `fwglow query`; beside node_modules so its packages resolve
const mainBundle = join(root, "node_modules/.cache/fwglow-bench/main.mjs");
await esbuild.build({
  entryPoints: [join(root, "src/cli/main.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  outfile: mainBundle,
  logLevel: "warning",
});

const fw: Run[] = [];
const fwb: Run[] = [];
const fq: Run[] = [];
const fqb: Run[] = [];
const floor: Run[] = [];
for (let i = 0; i < runs; i++) {
  fw.push(
    await time(process.execPath, [
      join(root, "bin/fwglow.js"),
      "psad",
      "--quiet",
      "-m",
      log,
      ...CMD,
    ]),
  );
  fwb.push(await time(process.execPath, [bundle, "--quiet", "-m", log, ...CMD]));
  fq.push(await time(process.execPath, [join(root, "bin/fwglow.js"), ...QUERY]));
  fqb.push(await time(process.execPath, [mainBundle, ...QUERY]));
  floor.push(await time(process.execPath, [floorScript]));
}
const best = (rs: Run[], k: "wall" | "cpu") => Math.min(...rs.map((r) => r[k]));
const fmt = (x: number) => `${x.toFixed(2)} s`;
console.log(
  `input: ${log} (179,752 lines), command: psad -m FILE ${CMD.map((a) => (a.includes(" ") ? `"${a}"` : a)).join(" ")}`,
);
console.log(
  `fwglow psad (bin/fwglow.js, tsx): best of ${runs}: wall ${fmt(best(fw, "wall"))}, cpu ${fmt(best(fw, "cpu"))}, ${fw[0]?.out.toString().split("\n").length - 1} rows`,
);
console.log(
  `fwglow psad (esbuild bundle):    best of ${runs}: wall ${fmt(best(fwb, "wall"))}, cpu ${fmt(best(fwb, "cpu"))}`,
);
console.log(
  `fwglow query --where (bin/fwglow.js, tsx) on the Parquet: best of ${runs}: wall ${fmt(best(fq, "wall"))}, cpu ${fmt(best(fq, "cpu"))}`,
);
console.log(
  `fwglow query --where (esbuild bundle):    best of ${runs}: wall ${fmt(best(fqb, "wall"))}, cpu ${fmt(best(fqb, "cpu"))}`,
);
console.log(
  `floor of any one-shot DuckDB query (node + loading @duckdb/node-api, no query): wall ${fmt(best(floor, "wall"))}, cpu ${fmt(best(floor, "cpu"))}`,
);
/** psad's CSV rows as plain CSV ("a, b" → "a,b"), for comparing with `query --format csv`. */
const rows = (out: Buffer) => out.toString().replaceAll(", ", ",").trimEnd().split("\n");
const [queryOut, bundleOut, psadOut] = [fq, fqb, fw].map((rs) => rs[0]?.out ?? Buffer.alloc(0));
const queryRows = rows(queryOut).slice(1); // without the header
const same =
  JSON.stringify(queryRows) === JSON.stringify(rows(psadOut)) && bundleOut.equals(queryOut);
console.log(`query rows = psad rows: ${same} (${queryRows.length})`);
if (withPsad) {
  const ps = await time("/usr/sbin/psad", ["-m", log, ...CMD]);
  console.log(`psad 2.4.6:  wall ${fmt(ps.wall)}, cpu ${fmt(ps.cpu)}`);
  console.log(
    `identical output: ${ps.out.equals(fw[0]?.out as Buffer) && ps.out.equals(fwb[0]?.out as Buffer)}`,
  );
  for (const [what, rs] of [
    ["psad, bin/fwglow.js", fw],
    ["psad, bundle", fwb],
    ["query --where, bin/fwglow.js", fq],
    ["query --where, bundle", fqb],
    ["floor: node + DuckDB load", floor],
  ] as const)
    console.log(
      `speed-up (${what}): ${(ps.wall / best(rs, "wall")).toFixed(1)}x wall, ${(ps.cpu / best(rs, "cpu")).toFixed(1)}x cpu`,
    );
} else {
  console.log(
    "psad not installed (apt-get install --no-install-recommends psad): comparison skipped",
  );
}
rmSync(dir, { recursive: true, force: true });
