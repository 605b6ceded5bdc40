// Parser throughput: `node --import tsx bench/parse.ts [file …]` (default: the Scan34 log).
// Bytes are read and decoded as `fwglow convert` does (inputs.ts: 64 KiB pieces, nodeDecoder).
import { basename } from "node:path";
import { nodeDecoder, resolveInputs } from "../src/cli/inputs.js";
import { parseStream } from "../src/lib/parse/index.js";

const files = process.argv.slice(2);
if (files.length === 0) files.push("data/scan34-iptablesyslog.gz");
for (const path of files) {
  const [source] = await resolveInputs([path], { stdin: process.stdin });
  for (let run = 0; run < 3; ++run) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    let lines = 0;
    let events = 0;
    let malformed = 0;
    for await (const batch of parseStream(source.open(), {
      file: basename(path),
      year: 2005,
      decoder: nodeDecoder,
    })) {
      lines += batch.lines;
      events += batch.events.length;
      malformed += batch.malformed.length;
    }
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    console.log(
      `${basename(path)}: ${lines} lines (${events} events, ${malformed} malformed) in ${seconds.toFixed(2)} s = ${Math.round(lines / seconds).toLocaleString("en")} lines/s (CPU ${cpuSeconds.toFixed(2)} s = ${Math.round(lines / cpuSeconds).toLocaleString("en")} lines/CPU-s; other processes share the cores)`,
    );
  }
}
