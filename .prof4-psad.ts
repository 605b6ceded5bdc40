import { createReadStream, readFileSync } from "node:fs";
for (let k = 0; k < 3; k++) {
  let c0 = process.cpuUsage();
  let n = 0; let rest = "";
  for await (const chunk of createReadStream("/tmp/iptables.data", { highWaterMark: 1 << 20 })) {
    const parts = (rest + (chunk as Buffer).toString("latin1")).split("\n"); rest = parts.pop()!; n += parts.length;
  }
  let c = process.cpuUsage(c0); console.log("stream+split", (c.user/1000).toFixed(0), (c.system/1000).toFixed(0), n);
  c0 = process.cpuUsage();
  const b = readFileSync("/tmp/iptables.data");
  c = process.cpuUsage(c0); console.log("readFileSync", (c.user/1000).toFixed(0), (c.system/1000).toFixed(0));
  c0 = process.cpuUsage();
  const s = b.toString("latin1");
  c = process.cpuUsage(c0); console.log("latin1", (c.user/1000).toFixed(0), (c.system/1000).toFixed(0));
  c0 = process.cpuUsage();
  const re = /SYN URGP=/; let m = 0;
  for (const l of s.split("\n")) if (re.test(l)) m++;
  c = process.cpuUsage(c0); console.log("split+re", (c.user/1000).toFixed(0), (c.system/1000).toFixed(0), m);
  c0 = process.cpuUsage();
  m = 0; for (const l of s.split("\n")) if (l.includes("SYN URGP=")) m++;
  c = process.cpuUsage(c0); console.log("split+includes", (c.user/1000).toFixed(0), (c.system/1000).toFixed(0), m);
}
