// `npm run bench [-- --big] [-- --lines N] [-- --no-psad]`
//
// End-to-end `fwglow convert` (log → zstd Parquet, a child process per run) on
//   - the bundled honeynet log, decompressed to a temp file, and as .gz,
//   - a generated 1M-line log (bench/generate.ts), and with --big a 5M-line one (peak RSS check),
// with the I/O floor (`wc -l` on the same file, `gzip -dc | wc -l` for .gz) and psad
// (`psad -m FILE --CSV`, when installed) measured in the same run. Peak RSS is the child's
// maximum resident set and CPU seconds (user + sys, all threads) from `/usr/bin/time`; without it,
// peak RSS from /proc/PID/status VmHWM polling and no CPU figure. Wall time is noisy on a
// shared machine: CPU seconds (and lines per CPU second) are the steadier figure.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateFile } from "./generate.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FWGLOW = join(ROOT, "bin", "fwglow.js");
const TIME = "/usr/bin/time";
const PSAD = ["/usr/sbin/psad", "/usr/bin/psad"].find((p) => existsSync(p));

const args = process.argv.slice(2);
const big = args.includes("--big");
const noPsad = args.includes("--no-psad");
const linesArg = args.indexOf("--lines");
const genLines = linesArg >= 0 ? Number(args[linesArg + 1]) : 1_000_000;

interface Run {
  seconds: number;
  rssMB: number | null;
  /** user + sys CPU seconds of the child (null without /usr/bin/time). */
  cpu: number | null;
  code: number;
  stderr: string;
}

/** Runs a command (under a shell: `sh -c`), returning wall seconds, peak RSS and CPU seconds. */
async function measure(cmd: string, argv: string[], opts: { shell?: boolean } = {}): Promise<Run> {
  const useTime = existsSync(TIME);
  const dir = await mkdtemp(join(tmpdir(), "fwglow-bench-"));
  const timeOut = join(dir, "time");
  const [inner, innerArgs] = opts.shell ? ["sh", ["-c", [cmd, ...argv].join(" ")]] : [cmd, argv];
  const [file, fileArgs] = useTime
    ? [TIME, ["-f", "%M %U %S", "-o", timeOut, inner, ...innerArgs]]
    : [inner, innerArgs];
  const started = performance.now();
  const child = spawn(file, fileArgs as string[], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  let hwm = 0;
  const poll = useTime
    ? null
    : setInterval(async () => {
        const status = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "");
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        if (m) hwm = Math.max(hwm, Number(m[1]));
      }, 50);
  const code: number = await new Promise((ok) => child.on("close", (c) => ok(c ?? 1)));
  const seconds = (performance.now() - started) / 1000;
  if (poll) clearInterval(poll);
  let rssMB: number | null = hwm ? hwm / 1024 : null;
  let cpu: number | null = null;
  if (useTime) {
    const last = (await readFile(timeOut, "utf8").catch(() => "")).trim().split("\n").pop() ?? "";
    const [kb, user, sys] = last.split(" ").map(Number);
    if (kb) rssMB = kb / 1024;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpu = user + sys;
  }
  await rm(dir, { recursive: true, force: true });
  return { seconds, rssMB, cpu, code, stderr };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

interface Row {
  label: string;
  lines: number;
  mb: number;
  fwglow: Run;
  wc: Run;
  psad?: Run;
}

async function bench(label: string, file: string, lines: number, withPsad: boolean): Promise<Row> {
  const mb = (await stat(file)).size / 1e6;
  const gz = file.endsWith(".gz");
  const out = join(dirname(file), "bench-out.parquet");
  process.stderr.write(`${label}: wc … `);
  const wc = await measure(gz ? `gzip -dc ${file} | wc -l` : `wc -l ${file}`, [], { shell: true });
  process.stderr.write("fwglow convert … ");
  const fwglow = await measure(process.execPath, [
    FWGLOW,
    "convert",
    file,
    "-o",
    out,
    "--year",
    "2005",
  ]);
  if (fwglow.code !== 0) throw new Error(`fwglow convert failed on ${file}: ${fwglow.stderr}`);
  let psad: Run | undefined;
  if (withPsad && PSAD) {
    process.stderr.write("psad … ");
    psad = await measure(`${PSAD} -m ${file} --CSV > /dev/null`, [], { shell: true });
  }
  process.stderr.write("done\n");
  await rm(out, { force: true });
  return { label, lines, mb, fwglow, wc, psad };
}

function report(rows: Row[]): void {
  const cpu = (r: Run) => (r.cpu === null ? "?" : r.cpu.toFixed(2));
  const header = [
    "input",
    "lines",
    "MB",
    "wall s",
    "lines/s",
    "MB/s",
    "CPU s",
    "lines/CPU-s",
    "peak RSS MB",
    "wc s",
    "wall vs wc",
    "psad wall s",
    "psad CPU s",
    "psad lines/s",
    "ours vs psad",
  ];
  const table = rows.map((r) => [
    r.label,
    fmt(r.lines),
    r.mb.toFixed(1),
    r.fwglow.seconds.toFixed(2),
    fmt(r.lines / r.fwglow.seconds),
    (r.mb / r.fwglow.seconds).toFixed(1),
    cpu(r.fwglow),
    r.fwglow.cpu ? fmt(r.lines / r.fwglow.cpu) : "?",
    r.fwglow.rssMB === null ? "?" : r.fwglow.rssMB.toFixed(0),
    r.wc.seconds.toFixed(3),
    `${(r.fwglow.seconds / r.wc.seconds).toFixed(0)}x slower`,
    r.psad ? r.psad.seconds.toFixed(1) : "-",
    r.psad ? cpu(r.psad) : "-",
    r.psad ? fmt(r.lines / r.psad.seconds) : "-",
    r.psad ? `${(r.psad.seconds / r.fwglow.seconds).toFixed(1)}x faster` : "-",
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((t) => t[c].length)));
  const line = (cells: string[]) =>
    cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join("  ");
  console.log(line(header));
  for (const t of table) console.log(line(t));
}

const dir = await mkdtemp(join(tmpdir(), "fwglow-bench-"));
try {
  const gz = join(ROOT, "data", "scan34-iptablesyslog.gz");
  const plain = join(dir, "honeynet.log");
  await measure(`gzip -dc ${gz} > ${plain}`, [], { shell: true });
  const gzCopy = join(dir, "honeynet.log.gz");
  await measure(`cp ${gz} ${gzCopy}`, [], { shell: true });
  const honeynetLines = 179_752;
  const rows: Row[] = [];
  rows.push(await bench("honeynet.log", plain, honeynetLines, !noPsad));
  rows.push(await bench("honeynet.log.gz", gzCopy, honeynetLines, false));
  const gen = join(dir, `generated-${genLines}.log`);
  process.stderr.write(`generating ${fmt(genLines)} lines …\n`);
  await generateFile(gen, genLines);
  rows.push(await bench(`generated ${fmt(genLines / 1e6)}M`, gen, genLines, false));
  await rm(gen, { force: true });
  if (big) {
    const genBig = join(dir, "generated-5M.log");
    process.stderr.write("generating 5,000,000 lines …\n");
    await generateFile(genBig, 5_000_000);
    rows.push(await bench("generated 5M", genBig, 5_000_000, false));
    await rm(genBig, { force: true });
  }
  console.log(
    `\nfwglow convert (log → zstd Parquet, --year 2005), node ${process.version}, ${PSAD ? `psad: ${PSAD}` : "psad: not installed"}`,
  );
  report(rows);
  const target = rows.find((r) => r.label.startsWith("generated") && r.lines === genLines);
  if (target) {
    const rate = target.lines / target.fwglow.seconds;
    const perCpu = target.fwglow.cpu ? target.lines / target.fwglow.cpu : null;
    console.log(
      `\ntarget ≥150,000 lines/s on the generated log: ${fmt(rate)} lines/s wall ${rate >= 150_000 ? "OK" : "BELOW TARGET"}` +
        (perCpu
          ? ` (${fmt(perCpu)} lines per CPU second: on 2 idle cores at most ~${fmt(2 * perCpu)} lines/s)`
          : ""),
    );
  }
  const big5 = rows.find((r) => r.label === "generated 5M");
  if (big5?.fwglow.rssMB) {
    console.log(
      `5M-line peak RSS < 500 MB: ${big5.fwglow.rssMB.toFixed(0)} MB ${big5.fwglow.rssMB < 500 ? "OK" : "OVER"}`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
