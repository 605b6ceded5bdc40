// A deterministic synthetic netfilter log with a realistic mix: TCP/UDP/ICMP over IPv4, IPv6
// (TCP, ICMPv6), ICMP errors with bracketed inner headers, several prefixes (plain, UFW,
// EdgeOS with DESCR, Shorewall), non-firewall noise lines and a few malformed records.
//
//   node --import tsx bench/generate.ts LINES [OUT]      (stdout when OUT is absent)
import { createWriteStream } from "node:fs";
import { fileURLToPath } from "node:url";

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export interface MixCounts {
  lines: number;
  noise: number;
  malformed: number;
}

/** Yields the lines (without newline) of an `n`-line log. Same n, same seed → same bytes. */
export function* generateLines(n: number, seed = 34): Generator<string> {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const v4 = () =>
    `${pick([11, 24, 61, 62, 66, 80, 193, 200, 202, 211, 218, 220, 222])}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  const inside = () => `11.11.${int(0, 255)}.${int(1, 254)}`;
  const v6 = () =>
    pick([
      () => `2001:0db8:0000:f101:0000:0000:0000:${int(1, 65535).toString(16).padStart(4, "0")}`,
      () => `2001:db8::${int(1, 65535).toString(16)}`,
      () =>
        `fe80::${int(0, 65535).toString(16)}:${int(0, 65535).toString(16)}:fe${int(16, 255).toString(16)}:${int(0, 65535).toString(16)}`,
    ])();
  // MAC= is (the firewall's NIC, the L2 neighbour): only as many pairs as hosts on its
  // segments, here 2 NICs × 60 neighbours (drawn from a second generator, also deterministic).
  const macRng = rng(seed + 1);
  const hex = () =>
    Math.floor(macRng() * 256)
      .toString(16)
      .padStart(2, "0");
  const nics = [0, 1].map(() => `00:16:3e:${hex()}:${hex()}:${hex()}`);
  const neighbours = Array.from({ length: 60 }, () => `00:0c:29:${hex()}:${hex()}:${hex()}`);
  const macs = nics.flatMap((nic) => neighbours.map((n) => `${nic}:${n}:08:00`));
  const mac = () => pick(macs);
  const ports = [22, 23, 25, 53, 80, 110, 135, 139, 443, 445, 1433, 3306, 3389, 5900, 8080];
  let month = 1;
  let day = 25;
  let sec = 12 * 3600;
  for (let i = 0; i < n; i++) {
    sec += int(0, 3);
    if (sec >= 86400) {
      sec -= 86400;
      day++;
      if (day > DAYS[month]) {
        day = 1;
        month = (month + 1) % 12;
      }
    }
    const hh = String(Math.floor(sec / 3600)).padStart(2, "0");
    const mm = String(Math.floor((sec % 3600) / 60)).padStart(2, "0");
    const ss = String(sec % 60).padStart(2, "0");
    const stamp = `${MONTHS[month]} ${String(day).padStart(2, " ")} ${hh}:${mm}:${ss}`;
    const x = r();
    const id = int(0, 65535);
    const ttl = int(30, 128);
    if (x < 0.03) {
      yield `${stamp} fw1 ${pick(["sshd[2211]: Failed password for root from 61.1.2.3 port 4242 ssh2", "CRON[881]: (root) CMD (run-parts /etc/cron.hourly)", "kernel: eth0: link up, 100Mbps, full-duplex", "dhclient: DHCPACK from 10.0.0.1"])}`;
      continue;
    }
    if (x < 0.032) {
      // Malformed: cut off mid-record, or a bad address.
      yield r() < 0.5
        ? `${stamp} fw1 kernel: DROP IN=eth0 OUT= MAC=${mac()} SRC=${v4()} DST=${inside()} LEN=60 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id} DF PROTO=TCP SPT=`
        : `${stamp} fw1 kernel: DROP IN=eth0 OUT= SRC=300.1.2.3 DST=${inside()} LEN=60 TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id} PROTO=UDP SPT=53 DPT=53 LEN=40`;
      continue;
    }
    const prefix = pick([
      "INBOUND TCP: ",
      "[UFW BLOCK] ",
      "[WAN_LOCAL-default-D]",
      "DROP ",
      "Shorewall:net2fw:DROP:",
      "",
    ]);
    const descr = prefix.startsWith("[WAN") ? 'DESCR="WAN to router" ' : "";
    const head = `${stamp} fw1 kernel: [${int(1000, 999999)}.${String(int(0, 999999)).padStart(6, "0")}] ${prefix}${descr}IN=eth0 OUT= MAC=${mac()}`;
    if (x < 0.12) {
      // IPv6
      const src = v6();
      const dst = v6();
      if (r() < 0.6) {
        yield `${head} SRC=${src} DST=${dst} LEN=80 TC=0 HOPLIMIT=${int(32, 255)} FLOWLBL=${int(0, 1048575)} PROTO=TCP SPT=${int(1024, 65535)} DPT=${pick(ports)} WINDOW=${int(1024, 65535)} RES=0x00 SYN URGP=0 `;
      } else {
        yield `${head} SRC=${src} DST=${dst} LEN=104 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=ICMPv6 TYPE=${pick([128, 135, 136])} CODE=0 ID=${id} SEQ=${int(1, 100)} `;
      }
      continue;
    }
    const ip = `SRC=${v4()} DST=${inside()} LEN=${int(40, 1500)} TOS=0x00 PREC=0x00 TTL=${ttl} ID=${id}${r() < 0.5 ? " DF" : ""}`;
    if (x < 0.72) {
      const flags = pick([
        "SYN",
        "SYN",
        "SYN",
        "ACK",
        "ACK PSH",
        "ACK FIN",
        "RST",
        "URG PSH FIN",
        "ACK RST",
        "",
      ]);
      yield `${head} ${ip} PROTO=TCP SPT=${int(1024, 65535)} DPT=${pick(ports)} WINDOW=${int(0, 65535)} RES=0x00 ${flags}${flags ? " " : ""}URGP=0 `;
    } else if (x < 0.87) {
      yield `${head} ${ip} PROTO=UDP SPT=${int(1024, 65535)} DPT=${pick([53, 123, 137, 161, 500, 1434])} LEN=${int(16, 512)} `;
    } else if (x < 0.95) {
      yield `${head} ${ip} PROTO=ICMP TYPE=8 CODE=0 ID=${int(0, 65535)} SEQ=${int(0, 65535)} `;
    } else {
      // ICMP error quoting the offending datagram
      const code = pick([1, 3, 4, 13]);
      const mtu = code === 4 ? " MTU=1400" : "";
      yield `${head} ${ip} PROTO=ICMP TYPE=3 CODE=${code} [SRC=${inside()} DST=${v4()} LEN=${int(40, 100)} TOS=0x00 PREC=0x00 TTL=${int(1, 64)} ID=${int(0, 65535)} PROTO=UDP SPT=${int(1024, 65535)} DPT=53 LEN=${int(16, 80)} ]${mtu} `;
    }
  }
}

/** Writes an `n`-line log to `path`. */
export async function generateFile(path: string, n: number, seed = 34): Promise<void> {
  const out = createWriteStream(path);
  let text = "";
  for (const line of generateLines(n, seed)) {
    text += `${line}\n`;
    if (text.length > 1 << 20) {
      if (!out.write(text)) await new Promise<void>((ok) => out.once("drain", () => ok()));
      text = "";
    }
  }
  await new Promise<void>((ok, fail) => {
    out.once("error", fail);
    out.end(text, () => ok());
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const n = Number(process.argv[2] ?? 1_000_000);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write("usage: generate.ts LINES [OUT]\n");
    process.exit(2);
  }
  const outPath = process.argv[3];
  if (outPath) await generateFile(outPath, n);
  else for (const line of generateLines(n)) process.stdout.write(`${line}\n`);
}
