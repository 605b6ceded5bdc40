import { Writable } from "node:stream";
import { command } from "./src/cli/psad.ts";
const sink = new Writable({ write(_c, _e, cb) { cb(); } });
for (let i = 0; i < 4; i++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await command.run(["--quiet", "-m", "/tmp/iptables.data", "--CSV", "--CSV-fields", "src:11.11.0.0/16 dst:not11.11.0.0/16 dp", "--CSV-regex", "SYN URGP="], { stdin: process.stdin, stdout: sink, stderr: sink });
  const c = process.cpuUsage(c0);
  console.log("cpu", ((c.user + c.system) / 1000).toFixed(0), "wall", (performance.now() - t0).toFixed(0));
}
