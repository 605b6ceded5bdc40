// `npm run bench [-- --big] [-- --lines N] [-- --no-psad]`: convert, psad and afterglow one
// after the other (never at once: they would share the 2 cores), options going to convert
// (and --no-psad to the psad comparison too).
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
const runs: [string, string[]][] = [
  ["bench/convert.ts", args],
  ["bench/psad.ts", args.filter((a) => a === "--no-psad")],
  ["bench/afterglow.ts", []],
];
for (const [script, argv] of runs) {
  const r = spawnSync(process.execPath, ["--import", "tsx", script, ...argv], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
