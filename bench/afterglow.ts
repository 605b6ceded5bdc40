// Benchmark: `fwglow afterglow -c color.nf` on a 100,000-row psad-style CSV (target ≤ 1 s).
// Run: node --import tsx bench/afterglow.ts [rows]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildGraph, parseConfig, parseCsv, toDot } from "../src/lib/graph/index.js";

const N = Number(process.argv[2] ?? 100_000);
const root = new URL("..", import.meta.url).pathname;
const configPath = join(root, "test/fixtures/afterglow/color.nf");

// deterministic rows: 200 internal sources, 5,000 destinations, 40 ports
let seed = 42;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const ports = [22, 80, 443, 6667, 8888, 21, 25, 53, 110, 143, 3306, 1434, 8080, 3389, 445, 139];
for (let i = 0; ports.length < 40; i++) ports.push(10000 + i);
const lines: string[] = [];
for (let i = 0; i < N; i++) {
  const src = `11.11.${79 + rnd(2)}.${rnd(100)}`;
  const d = rnd(5000);
  const dst = `${60 + (d % 150)}.${(d * 7) % 256}.${(d * 13) % 256}.${d % 251}`;
  lines.push(`${src}, ${dst}, ${ports[rnd(ports.length)]}`);
}
const dir = mkdtempSync(join(tmpdir(), "fwglow-bench-"));
const csvPath = join(dir, "rows.csv");
writeFileSync(csvPath, `${lines.join("\n")}\n`);

// in-process (the library: parse CSV + build graph + write DOT)
const text = readFileSync(csvPath, "utf8");
const cfgText = readFileSync(configPath, "utf8");
const times: number[] = [];
const cpu: number[] = [];
let out = "";
for (let k = 0; k < 3; k++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const cfg = parseConfig(cfgText, "color.nf");
  const { rows } = parseCsv(text);
  const g = buildGraph(rows, { config: cfg });
  out = toDot(g);
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const nodes = out.split("\n").filter((l) => l.endsWith("]")).length;
console.log(
  `library: ${N} rows -> ${nodes} nodes, DOT ${out.length} bytes; best of 3 ${Math.min(...times).toFixed(0)} ms wall, ${Math.min(...cpu).toFixed(0)} ms CPU`,
);

// end to end: the CLI (bin/fwglow.js, its cached bundle), including Node start-up
const bin = join(root, "bin/fwglow.js");
const cli: number[] = [];
const loadavg = (await import("node:os")).loadavg()[0]?.toFixed(1);
console.log(`(load average ${loadavg} on this machine while measuring)`);
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  execFileSync(process.execPath, [
    bin,
    "afterglow",
    "-c",
    configPath,
    "-i",
    csvPath,
    "-w",
    join(dir, "out.dot"),
  ]);
  cli.push(performance.now() - t0);
}
console.log(
  `cli: fwglow afterglow -c color.nf on ${N} rows: best of 3 ${Math.min(...cli).toFixed(0)} ms (wall, incl. start-up)`,
);
