import { readFileSync } from "node:fs";
import { createPsadLineParser } from "./src/lib/psad/line.ts";
const lines = readFileSync("/tmp/iptables.data", "latin1").split("\n");
const p = createPsadLineParser({ file: "x" });
for (let k = 0; k < 3; k++) {
  const c0 = process.cpuUsage();
  let n = 0;
  for (let i = 0; i < lines.length; i++) if (p(lines[i] as string, i + 1).kind === "event") n++;
  const c1 = process.cpuUsage(c0);
  console.log("parse", c1.user / 1000, n);
}
const c0 = process.cpuUsage();
let x = 0;
for (const l of lines) { const i = l.indexOf("IN="); const j = l.lastIndexOf("kernel:"); x += i + j; }
console.log("indexOf", process.cpuUsage(c0).user / 1000);
