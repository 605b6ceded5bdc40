import { createReadStream } from "node:fs";
import { parseStream } from "../src/lib/parse/index.js";
const t0 = performance.now(); let ev=0;
for await (const b of parseStream(createReadStream("/tmp/fwx/1m.log") as any, { file: "1m.log", year: 2025 })) ev += b.events.length;
console.log({ev, s:(performance.now()-t0)/1000}); 
