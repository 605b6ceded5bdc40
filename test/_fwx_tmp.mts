import { writeFileSync, existsSync, createReadStream, statSync } from "node:fs";
import { parseStream } from "../src/lib/parse/index.js";
import { eventsIPC } from "../src/components/local-log-arrow.js";
const f = "/tmp/fwx/1m.log";
const t0 = performance.now();
let ev = 0, bytes = 0, lines = 0; let pending: any[] = [];
for await (const b of parseStream(createReadStream(f) as any, { file: "1m.log", year: 2025 })) {
  lines += b.lines; pending.push(...b.events);
  if (pending.length >= 32768) { bytes += eventsIPC(pending).length; ev += pending.length; pending = []; }
}
bytes += eventsIPC(pending).length; ev += pending.length;
console.log({lines, ev, mb: bytes/1e6, s: (performance.now()-t0)/1000, rss: process.memoryUsage().rss/1e6});
