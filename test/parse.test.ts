// The parser on real samples and hand-written tricky lines: field-level expectations.
import assert from "node:assert/strict";
import { createReadStream, readFileSync } from "node:fs";
import { test } from "node:test";
import type { ParseBatch } from "../src/lib/parse/index.js";
import { countRollovers, createLineParser, parseStream } from "../src/lib/parse/index.js";
import type { FwEvent, Malformed } from "../src/lib/schema.js";

const fixtures = new URL("fixtures/", import.meta.url);

async function* bytes(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === "string" ? new TextEncoder().encode(part) : part;
}

async function collect(batches: AsyncIterable<ParseBatch>) {
  const events: FwEvent[] = [];
  const malformed: Malformed[] = [];
  let lines = 0;
  let other = 0;
  for await (const batch of batches) {
    assert.equal(batch.lines, batch.events.length + batch.malformed.length + batch.other);
    events.push(...batch.events);
    malformed.push(...batch.malformed);
    lines += batch.lines;
    other += batch.other;
  }
  return { events, malformed, lines, other };
}

/** The one event of a line (fails if the line is not one). */
function event(line: string, year = 2024): FwEvent {
  const r = createLineParser({ file: "t", year })(line, 1);
  assert.equal(r.kind, "event", r.kind === "malformed" ? r.reason : "other");
  return (r as { event: FwEvent }).event;
}

/** Asserts the listed fields of an event (only those). */
function expect(e: FwEvent, fields: Partial<FwEvent>): void {
  const actual = Object.fromEntries(Object.keys(fields).map((k) => [k, e[k as keyof FwEvent]]));
  assert.deepEqual(actual, fields);
}

test("sample files: line accounting and counts", async () => {
  const expected: Record<
    string,
    [lines: number, events: number, other: number, malformed: number]
  > = {
    "formats.log": [8, 8, 0, 0],
    "logstash-firewalls.log": [7, 7, 0, 0],
    "mixed-small.log": [25, 23, 1, 1],
    "outbound-synthetic.log": [146, 146, 0, 0],
    "rollover.log": [6, 6, 0, 0],
    "wazuh-iptables.log": [9, 9, 0, 0],
  };
  for (const [name, [lines, events, other, malformed]] of Object.entries(expected)) {
    const r = await collect(
      parseStream(createReadStream(new URL(`samples/${name}`, fixtures)), {
        file: name,
        year: 2024,
      }),
    );
    assert.deepEqual(
      [r.lines, r.events.length, r.other, r.malformed.length],
      [lines, events, other, malformed],
      name,
    );
    for (const e of r.events) assert.equal(e.file, name);
  }
});

test("mixed-small.log: chains, prefixes, the cut-off line", async () => {
  const r = await collect(
    parseStream(createReadStream(new URL("samples/mixed-small.log", fixtures)), {
      file: "m",
      year: 2007,
    }),
  );
  assert.deepEqual(
    r.malformed.map((m) => [m.line, m.reason]),
    [[22, "empty DPT="]],
  );
  const count = (f: (e: FwEvent) => boolean) => r.events.filter(f).length;
  assert.equal(
    count((e) => e.chain === "FORWARD"),
    10,
  );
  assert.equal(
    count((e) => e.chain === "OUTPUT"),
    1,
  );
  assert.equal(
    count((e) => e.chain === "INPUT"),
    12,
  );
  assert.equal(
    count((e) => e.family === 6),
    2,
  );
  const xmas = r.events.find((e) => e.flags === "URG PSH FIN");
  expect(xmas as FwEvent, { urg: true, psh: true, fin: true, syn: false, ack: false, line: 19 });
  expect(r.events.find((e) => e.line === 20) as FwEvent, {
    flags: "",
    syn: false,
    prefix: "DROP INVALID",
  });
  expect(r.events.find((e) => e.line === 23) as FwEvent, {
    tcp_seq: 123456,
    tcp_ack: 0,
    flags: "CWR ECE SYN",
    cwr: true,
    ece: true,
    syn: true,
  });
});

test("rollover.log: Dec→Jan adds a year; countRollovers agrees", async () => {
  const path = new URL("samples/rollover.log", fixtures);
  assert.equal(await countRollovers(createReadStream(path)), 1);
  const r = await collect(parseStream(createReadStream(path), { file: "r", year: 2006 }));
  assert.deepEqual(
    r.events.map((e) => e.ts),
    [
      "2006-12-31 23:58:01",
      "2006-12-31 23:59:30",
      "2007-01-01 00:00:10",
      "2007-01-01 00:01:10",
      "2007-01-01 01:30:00",
      "2007-01-01 03:00:00",
    ],
  );
  // Without a year, BSD stamps keep their text and no ts.
  const noYear = await collect(parseStream(createReadStream(path), { file: "r" }));
  assert.deepEqual([noYear.events[0].ts, noYear.events[0].ts_text], [null, "Dec 31 23:58:01"]);
});

test("Scan34 line: every field", () => {
  const line =
    "Feb 25 12:11:24 bridge kernel: INBOUND TCP: IN=br0 PHYSIN=eth0 OUT=br0 PHYSOUT=eth1 SRC=220.228.136.38 DST=11.11.79.83 LEN=64 TOS=0x00 PREC=0x00 TTL=47 ID=17159 DF PROTO=TCP SPT=1629 DPT=139 WINDOW=44620 RES=0x00 SYN URGP=0  ";
  const e = event(line, 2005);
  assert.deepEqual(Object.fromEntries(Object.entries(e).filter(([, v]) => v !== null)), {
    file: "t",
    line: 1,
    ts: "2005-02-25 12:11:24",
    ts_text: "Feb 25 12:11:24",
    host: "bridge",
    prefix: "INBOUND TCP:",
    chain: "FORWARD",
    in_if: "br0",
    out_if: "br0",
    phys_in: "eth0",
    phys_out: "eth1",
    family: 4,
    src: "220.228.136.38",
    dst: "11.11.79.83",
    src_v4: 3705964582,
    dst_v4: 185290579,
    len: 64,
    tos: 0,
    prec: 0,
    ttl: 47,
    ip_id: 17159,
    df: true,
    mf: false,
    ce: false,
    proto: "TCP",
    proto_num: 6,
    spt: 1629,
    dpt: 139,
    window: 44620,
    res: 0,
    urgp: 0,
    flags: "SYN",
    syn: true,
    ack: false,
    fin: false,
    rst: false,
    psh: false,
    urg: false,
    ece: false,
    cwr: false,
    raw: line,
  });
});

test("glued prefix (…attemptsIN=br0)", () => {
  const e = event(
    "Feb 26 19:02:37 bridge kernel: Drop TCP after 17 attemptsIN=br0 PHYSIN=eth1 OUT=br0 PHYSOUT=eth0 SRC=11.11.79.67 DST=129.27.3.14 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=57325 DF PROTO=TCP SPT=1068 DPT=6667 WINDOW=5840 RES=0x00 SYN URGP=0  ",
  );
  expect(e, { prefix: "Drop TCP after 17 attempts", in_if: "br0", phys_in: "eth1", dpt: 6667 });
  expect(
    event(
      "Nov 18 13:39:49 OpenWRT kernel: [10051.313745] DROP(src wan)IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=44 TOS=0x00 PREC=0x00 TTL=31 ID=8549 PROTO=TCP SPT=40952 DPT=23 WINDOW=64144 RES=0x00 SYN URGP=0 MARK=0xff00",
    ),
    {
      prefix: "DROP(src wan)",
      kernel_uptime: 10051.313745,
      mark: 0xff00,
    },
  );
  expect(
    event(
      "May 28 17:31:07 server Shorewall:net2fw:DROP:IN=eth1 OUT= SRC=127.0.0.1 DST=1.2.3.4 LEN=60 TOS=0x00 PREC=0x00 TTL=49 ID=6480 DF PROTO=TCP SPT=59088 DPT=8080 WINDOW=2920 RES=0x00 SYN URGP=0",
    ),
    {
      host: "server",
      prefix: "Shorewall:net2fw:DROP:",
    },
  );
});

test("ICMP error: the bracketed inner header is not the packet", () => {
  const e = event(
    "Jul 28 18:11:57 bridge kernel: IN_DROP IN=eth0 OUT= MAC=00:13:46:3a:41:36:00:1b:b9:76:9c:e4:08:00 SRC=10.0.0.138 DST=11.11.79.1 LEN=96 TOS=0x00 PREC=0xC0 TTL=254 ID=63642 PROTO=ICMP TYPE=3 CODE=3 [SRC=11.11.79.1 DST=10.0.0.138 LEN=68 TOS=0x00 PREC=0x00 TTL=0 ID=22458 PROTO=UDP SPT=35080 DPT=33434 LEN=48 ] ",
  );
  expect(e, {
    prefix: "IN_DROP",
    src: "10.0.0.138",
    dst: "11.11.79.1",
    len: 96,
    ttl: 254,
    ip_id: 63642,
    prec: 0xc0,
    proto: "ICMP",
    spt: null,
    dpt: null,
    udp_len: null,
    icmp_type: 3,
    icmp_code: 3,
    icmp_id: null,
    inner_src: "11.11.79.1",
    inner_dst: "10.0.0.138",
    inner_proto: "UDP",
    inner_spt: 35080,
    inner_dpt: 33434,
  });
  // A truncated inner packet (INCOMPLETE inside the brackets) and MTU after them.
  expect(
    event(
      "[ 5.1] IN=eth0 OUT= SRC=192.0.2.1 DST=192.0.2.2 LEN=576 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=4 [SRC=192.0.2.2 DST=198.51.100.1 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=2 DF PROTO=TCP INCOMPLETE [8 bytes] ] MTU=1400 ",
    ),
    {
      incomplete: null,
      icmp_mtu: 1400,
      inner_proto: "TCP",
      inner_spt: null,
      inner_src: "192.0.2.2",
      len: 576,
      df: false,
    },
  );
  // ICMPv6 error with an IPv6 inner header in full notation.
  expect(
    event(
      "DROP IN=eth0 OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=2 CODE=0 [SRC=2001:0db8:0000:0000:0000:0000:0000:0002 DST=2001:0db8:0000:0000:0000:0000:0000:0009 LEN=1500 TC=0 HOPLIMIT=63 FLOWLBL=0 PROTO=UDP SPT=1 DPT=2 LEN=1460 ] MTU=1280 ",
    ),
    {
      family: 6,
      proto: "ICMPv6",
      proto_num: 58,
      icmp_type: 2,
      icmp_mtu: 1280,
      inner_src: "2001:db8::2",
      inner_dst: "2001:db8::9",
      inner_dpt: 2,
      len: 1280,
      ttl: 64,
    },
  );
  // Cut off inside the brackets: malformed.
  const r = createLineParser({ file: "t" })(
    "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=96 PROTO=ICMP TYPE=3 CODE=3 [SRC=5.6.7.8 DST=1.2.3.4 LEN=68 PROTO=UDP SPT=1",
    1,
  );
  assert.deepEqual(r, {
    kind: "malformed",
    reason: "cut off inside the bracketed header of an ICMP error",
  });
});

test("INCOMPLETE, fragments, options, UID/GID/MARK, SPI", () => {
  expect(
    event(
      "Jul 28 18:11:46 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.9 DST=11.11.79.1 LEN=20 TOS=0x00 PREC=0x00 TTL=53 ID=2 PROTO=TCP INCOMPLETE [8 bytes]",
    ),
    {
      incomplete: 8,
      spt: null,
      flags: null,
      syn: null,
    },
  );
  expect(
    event(
      "Jul 28 18:11:50 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.9 DST=11.11.79.1 LEN=60 TOS=0x00 PREC=0x00 TTL=53 ID=6 CE MF FRAG:1234 OPT (07270400000000) PROTO=UDP LEN=40",
    ),
    {
      frag_off: 1234,
      mf: true,
      ce: true,
      df: false,
      ip_opts: "07270400000000",
      spt: null,
      udp_len: 40,
    },
  );
  expect(
    event(
      "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=52 TOS=0x00 PREC=0x00 TTL=53 ID=9 FRAG=8 PROTO=UDP",
    ),
    { frag_off: 8 },
  );
  expect(
    event(
      "IN= OUT=eth0 SRC=1.2.3.4 DST=5.6.7.8 LEN=60 TOS=0x10 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=1 DPT=22 SEQ=4294967295 ACK=7 WINDOW=8192 RES=0x00 ACK PSH URGP=0 OPT (0101080A) UID=1000 GID=100 MARK=0xdeadbeef",
    ),
    {
      chain: "OUTPUT",
      in_if: null,
      out_if: "eth0",
      tos: 16,
      tcp_seq: 4294967295,
      tcp_ack: 7,
      flags: "ACK PSH",
      tcp_opts: "0101080A",
      ip_opts: null,
      uid: 1000,
      gid: 100,
      mark: 0xdeadbeef,
    },
  );
  expect(
    event(
      "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=100 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ESP SPI=0x1000 ",
    ),
    { proto: "ESP", proto_num: 50, spi: 4096 },
  );
  expect(
    event("IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=100 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=47 "),
    { proto: "47", proto_num: 47, spt: null, flags: null },
  );
  // IPv6 fragment header: FRAG:, INCOMPLETE (= more fragments), ID:
  expect(
    event(
      "IN=eth0 OUT= SRC=2001:db8::1 DST=2001:db8::2 LEN=1280 TC=0 HOPLIMIT=64 FLOWLBL=0 FRAG:1232 INCOMPLETE ID:0000abcd PROTO=UDP ",
    ),
    {
      frag_off: 1232,
      mf: true,
      ip_id: 0xabcd,
      df: null,
      incomplete: null,
    },
  );
});

test("IPv6: full and compressed notation → RFC 5952 text and 64-bit halves", () => {
  const full = event(
    "Jul 28 18:12:00 bridge kernel: DROP IN=eth0 OUT= MAC=00:1b:b9:76:9c:e4:00:13:46:3a:41:36:86:dd SRC=2001:0db8:0000:f101:0000:0000:0000:0002 DST=ff02:0000:0000:0000:0000:0001:ff00:0001 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=46395 DPT=80 WINDOW=5760 RES=0x00 SYN URGP=0",
  );
  expect(full, {
    family: 6,
    src: "2001:db8:0:f101::2",
    dst: "ff02::1:ff00:1",
    src_v4: null,
    src_v6_hi: 0x20010db80000f101n,
    src_v6_lo: 2n,
    dst_v6_hi: 0xff02000000000000n,
    dst_v6_lo: 0x00000001ff000001n,
    ttl: 64,
    tc: 0,
    flow_label: 0,
    ether_type: 0x86dd,
    tos: null,
    df: null,
  });
  const compressed = event(
    "DROP IN=eth0 OUT= SRC=2001:DB8:0:F101::2 DST=::ffff:192.0.2.1 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=5 PROTO=UDP SPT=1 DPT=2 LEN=40",
  );
  expect(compressed, {
    src: "2001:db8:0:f101::2",
    dst: "::ffff:192.0.2.1",
    dst_v6_hi: 0n,
    dst_v6_lo: 0xffffc0000201n,
    flow_label: 5,
    udp_len: 40,
  });
  expect(
    event(
      "IN=eth0 OUT= SRC=2001:0db8:0000:0000:0001:0000:0000:0001 DST=0000:0000:0000:0000:0000:0000:0000:0001 LEN=1 TC=0 HOPLIMIT=1 FLOWLBL=0 PROTO=58 ",
    ),
    {
      src: "2001:db8::1:0:0:1", // the first of two equal zero runs
      dst: "::1",
      proto_num: 58,
    },
  );
});

test("framing: <PRI>, RFC 3339, RFC 5424, kernel-only, short-iso, short-monotonic, dmesg -T, Proxmox", () => {
  const fields =
    "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0";
  expect(event(`<4>Jul 28 18:11:45 fw kernel: DROP ${fields}`), {
    priority: 4,
    host: "fw",
    ts: "2024-07-28 18:11:45",
    prefix: "DROP",
  });
  expect(event(`2015-03-07T05:09:30.045015+02:00 servername kernel: DROP: ${fields}`), {
    ts: "2015-03-07 03:09:30.045015",
    ts_text: "2015-03-07T05:09:30.045015+02:00",
    host: "servername",
    prefix: "DROP:",
  });
  expect(event(`2024-01-15T10:23:45+0100 fw kernel: ${fields}`), {
    ts: "2024-01-15 09:23:45",
    ts_text: "2024-01-15T10:23:45+0100",
    prefix: null,
  });
  expect(event(`2024-01-01T00:30:00.123456789-01:30 fw kernel: ${fields}`), {
    ts: "2024-01-01 02:00:00.123456",
  });
  expect(event(`2023-12-31T23:59:59.5+00:00 fw kernel: ${fields}`), {
    ts: "2023-12-31 23:59:59.5",
  });
  expect(
    event(
      `<4>1 2024-01-15T10:23:45.123Z fw.example kernel - - [meta sequenceId="1" x="a\\"]b"] [ 123.5] DROP ${fields}`,
    ),
    {
      priority: 4,
      ts: "2024-01-15 10:23:45.123",
      host: "fw.example",
      kernel_uptime: 123.5,
      prefix: "DROP",
    },
  );
  expect(event(`<6>1 - - kernel - - - ${fields}`), {
    priority: 6,
    ts: null,
    host: null,
    prefix: null,
  });
  expect(event(`[ 1234.567890] DROP ${fields}`), {
    kernel_uptime: 1234.56789,
    ts: null,
    host: null,
    prefix: "DROP",
  });
  expect(event(`[ 1234.567890] fw kernel: DROP ${fields}`), {
    kernel_uptime: 1234.56789,
    host: "fw",
    prefix: "DROP",
  });
  expect(event(`[Mon Jan 15 10:23:45 2024] DROP ${fields}`), {
    ts: "2024-01-15 10:23:45",
    ts_text: "Mon Jan 15 10:23:45 2024",
    prefix: "DROP",
  });
  expect(event(`Jan 15 10:23:45.123456 fw kernel: ${fields}`, 2024), {
    ts: "2024-01-15 10:23:45.123456",
    ts_text: "Jan 15 10:23:45.123456",
  });
  expect(event(`Jan  5 10:23:45 fw ulogd[99]: DROP ${fields}`), {
    host: "fw",
    prefix: "DROP",
    ts: "2024-01-05 10:23:45",
  });
  expect(event(`Feb 29 10:23:45 fw kernel: ${fields}`, 2023), {
    ts: null,
    ts_text: "Feb 29 10:23:45",
  });
  expect(event(`0 5 PVEFW-HOST-IN 09/Nov/2021:10:30:32 +0100 policy DROP: ${fields}`), {
    ts: "2021-11-09 09:30:32",
    ts_text: "09/Nov/2021:10:30:32 +0100",
    prefix: "policy DROP:",
  });
  expect(event(`Jul 14 13:00:12 fw kernel: [UFW BLOCK] ${fields}`), { prefix: "[UFW BLOCK]" });
  expect(event(`Jul 14 13:00:12 fw kernel: filter_IN_public_REJECT: ${fields}`), {
    prefix: "filter_IN_public_REJECT:",
  });
  expect(event(`Jul 14 13:00:12 usg kernel: [WAN_LOCAL-default-D]${fields}`), {
    prefix: "[WAN_LOCAL-default-D]",
  });
  expect(
    event(
      `Jul 14 13:00:12 udm kernel: [WAN_LOCAL-RET-3000] DESCR="[WAN_LOCAL]Block All Traffic" ${fields}`,
    ),
    {
      prefix: '[WAN_LOCAL-RET-3000] DESCR="[WAN_LOCAL]Block All Traffic"',
    },
  );
  expect(event(`file:Mar 17 13:39:13 linux kernel: [956932.5] DROP ${fields}`), {
    ts_text: "Mar 17 13:39:13",
    host: "linux",
    prefix: "DROP",
  });
});

test("MAC=: split, extended ethertype, nft's MACSRC/MACDST/MACPROTO", () => {
  const fields = "SRC=1.2.3.4 DST=5.6.7.8 LEN=68 PROTO=UDP SPT=1 DPT=2 LEN=48";
  expect(
    event(`IN=eth0 OUT= MAC=FF:ff:ff:ff:ff:ff:00:50:56:a3:36:b6:08:00:40:00:00:10 ${fields}`),
    {
      mac: "FF:ff:ff:ff:ff:ff:00:50:56:a3:36:b6:08:00:40:00:00:10",
      dst_mac: "ff:ff:ff:ff:ff:ff",
      src_mac: "00:50:56:a3:36:b6",
      ether_type: 0x0800,
    },
  );
  expect(event(`IN=ppp0 OUT= MAC= ${fields}`), { mac: null, dst_mac: null });
  expect(
    event(`IN=eth0 OUT= MACSRC=00:50:56:a3:36:b6 MACDST=ff:ff:ff:ff:ff:ff MACPROTO=0800 ${fields}`),
    {
      src_mac: "00:50:56:a3:36:b6",
      dst_mac: "ff:ff:ff:ff:ff:ff",
      ether_type: 0x0800,
    },
  );
});

test("lines without OUT= or URGP=; other and malformed lines", () => {
  expect(
    event(
      "Jul 28 18:11:47 fw kernel: DROP IN=eth0 SRC=192.0.2.9 DST=11.11.79.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=3 PROTO=TCP SPT=5000 DPT=23 WINDOW=1024 RES=0x00 SYN",
    ),
    {
      chain: "INPUT",
      out_if: null,
      urgp: null,
      flags: "SYN",
    },
  );
  const parse = createLineParser({ file: "t", year: 2024 });
  const reason = (line: string) => {
    const r = parse(line, 1);
    return r.kind === "malformed" ? r.reason : r.kind;
  };
  assert.equal(reason("Jul 28 18:12:04 bridge sshd[1234]: Accepted publickey for root"), "other");
  assert.equal(
    reason("Jul 28 18:12:04 bridge kernel: device eth0 entered promiscuous mode"),
    "other",
  );
  assert.equal(reason("LOGIN=root from somewhere"), "other");
  assert.equal(reason(""), "other");
  const base =
    "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1";
  assert.equal(
    reason(`${base} DPT=70000 WINDOW=1 RES=0x00 SYN URGP=0`),
    "DPT=70000 is not a number in 0..65535",
  );
  assert.equal(reason(`${base} DPT=`), "empty DPT=");
  assert.equal(reason(base), "PROTO=TCP without DPT=");
  assert.equal(
    reason("IN=eth0 OUT= SRC=219.255.10.22.DST=11.11.79.81 LEN=48 PROTO=TCP SPT=1 DPT=2"),
    'bad SRC address "219.255.10.22.DST=11.11.79.81"',
  );
  assert.equal(reason("IN=eth0 OUT= SRC=1.2.3.4 LEN=48 PROTO=UDP SPT=1 DPT=2"), "missing DST=");
  assert.equal(
    reason("IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:06 ARP HTYPE=1 PTYPE=0x0800"),
    "ARP record (no SRC=)",
  );
  assert.equal(reason("IN=eth0 OUT="), "missing SRC=");
  assert.equal(
    reason("IN=eth0 OUT= SRC=1.2.3.4 DST=1::2 LEN=1 PROTO=UDP"),
    "DST= is IPv6, SRC= was IPv4",
  );
  assert.equal(
    reason("IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=1 TTL=256 PROTO=UDP SPT=1 DPT=2"),
    "TTL=256 is not a number in 0..255",
  );
  assert.equal(
    reason("IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=1 OPT (0101 PROTO=UDP SPT=1 DPT=2"),
    "unterminated OPT (",
  );
  assert.equal(
    reason("IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=1 PROTO=ICMP TYPE=8"),
    "PROTO=ICMP without CODE=",
  );
});

test("journalctl -o export: one event at MESSAGE=, the other lines are other", async () => {
  const record = [
    "__CURSOR=s=abc;i=1",
    "__REALTIME_TIMESTAMP=1705314225123456",
    "__MONOTONIC_TIMESTAMP=1234567",
    "_TRANSPORT=kernel",
    "PRIORITY=4",
    "SYSLOG_IDENTIFIER=kernel",
    "MESSAGE=[UFW BLOCK] IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=1 DPT=22 WINDOW=1 RES=0x00 SYN URGP=0 ",
    "_HOSTNAME=fw",
    "",
    "__CURSOR=s=abc;i=2",
    "__REALTIME_TIMESTAMP=1705314226000000",
    "MESSAGE=usb 1-1: new high-speed USB device",
    "",
  ].join("\n");
  const r = await collect(parseStream(bytes(record), { file: "j" }));
  assert.deepEqual([r.lines, r.events.length, r.other, r.malformed.length], [12, 1, 11, 0]);
  expect(r.events[0], {
    line: 7,
    ts: "2024-01-15 10:23:45.123456",
    ts_text: "1705314225123456",
    host: "fw",
    priority: 4,
    prefix: "[UFW BLOCK]",
    dpt: 22,
  });
  // A binary MESSAGE: "MESSAGE\n", 64-bit little-endian length, the bytes, "\n".
  const message = new TextEncoder().encode(
    "DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 PROTO=UDP SPT=1 DPT=2 LEN=20 \x01",
  );
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(message.length), true);
  const binary = await collect(
    parseStream(
      bytes(
        "__CURSOR=x\n__REALTIME_TIMESTAMP=1705314225000000\nMESSAGE\n",
        length,
        message,
        "\n_HOSTNAME=h\n\n",
      ),
      { file: "j" },
    ),
  );
  assert.deepEqual([binary.lines, binary.events.length, binary.other], [6, 1, 5]);
  expect(binary.events[0], {
    line: 4,
    prefix: "DROP",
    host: "h",
    dpt: 2,
    ts: "2024-01-15 10:23:45.000000",
  });
});

test("bytes: gzip, CRLF, invalid UTF-8, NUL, no final newline, chunk boundaries", async () => {
  const line =
    "Jul 28 18:11:45 fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.9 DST=11.11.79.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=1 PROTO=TCP SPT=5000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0";
  const crlf = await collect(
    parseStream(bytes(`${line}\r\n${line}\r\n`), { file: "c", year: 2024 }),
  );
  assert.equal(crlf.events.length, 2);
  assert.equal(crlf.events[1].raw, line);
  assert.equal(crlf.events[1].line, 2);
  // Invalid UTF-8 in the prefix and a NUL byte elsewhere; split mid-character across chunks.
  const encoded = new TextEncoder().encode(
    `${line.replace("DROP", "DR\u00e9OP")}\nfoo\u0000bar\n${line}`,
  );
  const at = encoded.indexOf(0xc3) + 1;
  const bad = new Uint8Array([0xff, 0xfe]);
  const r = await collect(
    parseStream(bytes(bad, encoded.subarray(0, at), encoded.subarray(at)), {
      file: "u",
      year: 2024,
    }),
  );
  assert.deepEqual([r.lines, r.events.length, r.other], [3, 2, 1]);
  assert.equal(r.events[0].raw.slice(0, 2), "\ufffd\ufffd");
  assert.equal(r.events[0].prefix, "DR\u00e9OP");
  // gzip, fed one byte at a time for the magic.
  const gz = new Uint8Array(
    await new Response(
      new Blob([`${line}\n${line}\n`]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  const g = await collect(
    parseStream(bytes(gz.subarray(0, 1), gz.subarray(1)), { file: "g", year: 2024 }),
  );
  assert.deepEqual([g.lines, g.events.length], [2, 2]);
  // Empty input.
  assert.deepEqual((await collect(parseStream(bytes(), { file: "e" }))).lines, 0);
});

test("mozilla-kernel-netfilter-cases.json: every asserted field", () => {
  const { cases } = JSON.parse(
    readFileSync(new URL("samples/mozilla-kernel-netfilter-cases.json", fixtures), "utf8"),
  );
  const hex = (n: number | null) => (n === null ? null : `0x${n.toString(16).padStart(2, "0")}`);
  for (const c of cases) {
    const e = event(c.input);
    const x = c.expected;
    const ours: Record<string, unknown> = {
      monotonic_timestamp: e.kernel_uptime,
      nf_prefix: e.prefix,
      nf_in_interface: e.in_if ?? "",
      nf_out_interface: e.out_if ?? "",
      nf_src_ip: { value: e.raw.match(/ SRC=(\S+)/)?.[1], representation: `ipv${e.family}` },
      nf_dst_ip: { value: e.raw.match(/ DST=(\S+)/)?.[1], representation: `ipv${e.family}` },
      nf_len: e.len,
      nf_tos: hex(e.tos),
      nf_prec: hex(e.prec),
      nf_ttl: e.ttl,
      nf_hoplimit: e.ttl,
      nf_id: e.ip_id,
      nf_df: e.df,
      nf_tc: e.tc,
      nf_flowlbl: e.flow_label,
      nf_protocol: e.proto,
      nf_spt: e.spt,
      nf_dpt: e.dpt,
      nf_window: e.window,
      nf_res: hex(e.res),
      nf_tcp_ack: e.ack,
      nf_tcp_psh: e.psh,
      nf_urgp: e.urgp,
      nf_uid: e.uid,
      nf_gid: e.gid,
      nf_udp_len: e.udp_len,
      nf_dst_mac: e.dst_mac,
      nf_src_mac: e.src_mac,
      nf_type_mac: e.mac?.slice(36),
      nf_icmp_type: e.icmp_type,
      nf_icmp_code: e.icmp_code,
      nf_icmpv6_type: e.icmp_type,
      nf_icmpv6_code: e.icmp_code,
      nf_icmp_id: e.icmp_id,
      nf_icmp_seq: e.icmp_seq,
    };
    // Mozilla keeps the prefix's trailing space; ours is trimmed.
    const expected = { ...x, nf_prefix: x.nf_prefix.trim() };
    for (const key of Object.keys(expected))
      assert.deepEqual(ours[key], expected[key], `${c.name}: ${key}`);
    // The canonical address columns for its IPv6 case.
    if (e.family === 6) expect(e, { src: "fe80::823f:5dff:fe87:e293", dst: "ff02::1" });
  }
});
