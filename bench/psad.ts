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
function time(cmd: string, argv: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((ok, fail) => {
    const timeFile = join(dir, "time.txt");
    const t0 = performance.now();
    const p = spawn("/usr/bin/time", ["-f", "%U %S", "-o", timeFile, cmd, ...argv], {
      cwd: dir,
      env: { ...process.env, TZ: "UTC", ...env },
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

// bin/fwglow.js runs the CLI as an esbuild bundle (built by the convert above); FWGLOW_NO_BUNDLE=1
// runs the TypeScript sources through tsx instead, to show what the bundle saves.
const BIN = join(root, "bin/fwglow.js");
const TSX = { FWGLOW_NO_BUNDLE: "1" };
const PSAD = ["psad", "--quiet", "-m", log, ...CMD];
const fw: Run[] = [];
const fwt: Run[] = [];
const fq: Run[] = [];
const fqt: Run[] = [];
const floor: Run[] = [];
const bare: Run[] = [];
for (let i = 0; i < runs; i++) {
  fw.push(await time(process.execPath, [BIN, ...PSAD]));
  fwt.push(await time(process.execPath, [BIN, ...PSAD], TSX));
  fq.push(await time(process.execPath, [BIN, ...QUERY]));
  fqt.push(await time(process.execPath, [BIN, ...QUERY], TSX));
  floor.push(await time(process.execPath, [floorScript]));
  bare.push(await time(process.execPath, ["-e", "0"]));
}
const best = (rs: Run[], k: "wall" | "cpu") => Math.min(...rs.map((r) => r[k]));
const fmt = (x: number) => `${x.toFixed(2)} s`;
console.log(
  `input: ${log} (179,752 lines), command: psad -m FILE ${CMD.map((a) => (a.includes(" ") ? `"${a}"` : a)).join(" ")}`,
);
console.log(
  `fwglow psad (bin/fwglow.js):          best of ${runs}: wall ${fmt(best(fw, "wall"))}, cpu ${fmt(best(fw, "cpu"))}, ${fw[0]?.out.toString().split("\n").length - 1} rows`,
);
console.log(
  `fwglow psad (sources through tsx):    best of ${runs}: wall ${fmt(best(fwt, "wall"))}, cpu ${fmt(best(fwt, "cpu"))}`,
);
console.log(
  `fwglow query --where (bin/fwglow.js) on the Parquet: best of ${runs}: wall ${fmt(best(fq, "wall"))}, cpu ${fmt(best(fq, "cpu"))}`,
);
console.log(
  `fwglow query --where (sources through tsx):          best of ${runs}: wall ${fmt(best(fqt, "wall"))}, cpu ${fmt(best(fqt, "cpu"))}`,
);
console.log(
  `floor of any one-shot DuckDB query (node + loading @duckdb/node-api, no query): wall ${fmt(best(floor, "wall"))}, cpu ${fmt(best(floor, "cpu"))}`,
);
console.log(
  `floor of any Node.js command (node -e 0): wall ${fmt(best(bare, "wall"))}, cpu ${fmt(best(bare, "cpu"))}`,
);
/** psad's CSV rows as plain CSV ("a, b" → "a,b"), for comparing with `query --format csv`. */
const rows = (out: Buffer) => out.toString().replaceAll(", ", ",").trimEnd().split("\n");
const [queryOut, tsxOut, psadOut] = [fq, fqt, fw].map((rs) => rs[0]?.out ?? Buffer.alloc(0));
const queryRows = rows(queryOut).slice(1); // without the header
const same = JSON.stringify(queryRows) === JSON.stringify(rows(psadOut)) && tsxOut.equals(queryOut);
console.log(`query rows = psad rows: ${same} (${queryRows.length})`);
if (withPsad) {
  const ps = await time("/usr/sbin/psad", ["-m", log, ...CMD]);
  console.log(`psad 2.4.6:  wall ${fmt(ps.wall)}, cpu ${fmt(ps.cpu)}`);
  console.log(
    `identical output: ${ps.out.equals(fw[0]?.out as Buffer) && ps.out.equals(fwt[0]?.out as Buffer)}`,
  );
  for (const [what, rs] of [
    ["psad, bin/fwglow.js", fw],
    ["psad, sources through tsx", fwt],
    ["query --where, bin/fwglow.js", fq],
    ["query --where, sources through tsx", fqt],
    ["floor: node + DuckDB load", floor],
    ["floor: node -e 0", bare],
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
