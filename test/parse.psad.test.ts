// Against psad 2.4.6: for every CSV row psad printed (default fields) the shared parser's
// events give the same row, once psad's visibility rules (src/lib/psad/visible.ts) are applied.
import assert from "node:assert/strict";
import { createReadStream, readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { parseFilter } from "../src/lib/filter/index.js";
import { parseStream } from "../src/lib/parse/index.js";
import { csvLine, psadValues } from "../src/lib/psad/engine.js";
import { psadFilter, psadSees } from "../src/lib/psad/visible.js";
import type { FwEvent } from "../src/lib/schema.js";

const fixtures = new URL("fixtures/", import.meta.url);

async function parseFile(path: URL, year: number) {
  const events: FwEvent[] = [];
  let lines = 0;
  let other = 0;
  let malformed = 0;
  for await (const batch of parseStream(createReadStream(path), { file: "f", year })) {
    events.push(...batch.events);
    lines += batch.lines;
    other += batch.other;
    malformed += batch.malformed.length;
  }
  return { events, lines, other, malformed };
}

/** psad's default fields, rendered as psad prints them. */
const DEFAULT = psadFilter(parseFilter("")).fields.map((f) => f.field);

/** Our event as a psad default-fields CSV row. */
const psadRow = (e: FwEvent): string => csvLine(psadValues(e, DEFAULT));

/** The rows psad 2.4.6 prints for a file's events (default fields, default psad.conf). */
const psadRows = (events: FwEvent[]): string[] => events.filter((e) => psadSees(e)).map(psadRow);

function compare(ours: string[], psad: string[]): void {
  assert.equal(ours.length, psad.length, "row count");
  for (let i = 0; i < psad.length; ++i) assert.equal(ours[i], psad[i], `row ${i + 1}`);
}

test("Scan34 honeynet log: every row of psad's default CSV (165,718)", async () => {
  const { events, lines, other, malformed } = await parseFile(
    new URL("../data/scan34-iptablesyslog.gz", import.meta.url),
    2005,
  );
  assert.equal(lines, 179752);
  assert.equal(events.length, 179730);
  assert.equal(other, 16); // kernel start-up and bridge messages
  assert.equal(malformed, 6); // "SRC=219.255.10.22.DST=…": psad drops these too
  const psad = gunzipSync(readFileSync(new URL("psad-golden/honeynet-default.csv.gz", fixtures)))
    .toString("utf8")
    .split("\n")
    .filter(Boolean);
  assert.equal(psad.length, 165718);
  compare(psadRows(events), psad);
});

// Counts per psad test scan: lines, events, and the events psad drops by its documented rules.
const scans: Record<string, [lines: number, events: number, psadRows: number]> = {
  ack_scan_1000_1150: [302, 302, 0],
  fin_scan_1000_1150: [302, 302, 302],
  fwknop_spa_pkt: [1, 1, 1],
  invalid_icmp_type_code: [5, 5, 5],
  ipv4_igmp: [4, 4, 4],
  ipv4_valid_ping: [5, 5, 5],
  ipv6_invalid_icmp6_type_code: [2, 2, 2],
  ipv6_ms_sql_server_sig_match: [1, 1, 1],
  ipv6_ping_scan: [2, 2, 2],
  ipv6_tcp_connect_nmap_default_scan: [1009, 1009, 1003],
  mirai_default_credentials_scan: [11, 11, 11],
  ms_sql_server_sig_match: [2, 2, 2],
  null_scan_1000_1150: [303, 303, 303],
  proto_scan: [510, 510, 502],
  reputation_scan: [7, 7, 7],
  syn_scan_1000_1500: [1002, 1002, 1002],
  syn_scan_1000_1500_localhost: [1002, 1002, 1002],
  syn_scan_1000_1500_multi_dst: [4008, 4008, 4008],
  syn_scan_1000_1500_zeroip: [1002, 1002, 1002],
  syn_sweep: [12, 12, 12],
  "syslog_time_fmt1.log": [6, 6, 6],
  topera_ipv6_syn_scan_no_ip_opts: [1058, 1058, 1058],
  topera_ipv6_syn_scan_with_ip_opts: [1046, 1046, 1046],
  udp_scan_1000_1150: [302, 302, 302],
  xmas_scan_1000_1150: [302, 302, 302],
};

test("psad test scans: every scan has expected counts", () => {
  assert.deepEqual(readdirSync(new URL("psad-scans/", fixtures)).sort(), Object.keys(scans).sort());
});

for (const [name, [lines, events, rows]] of Object.entries(scans)) {
  test(`psad test scan ${name}: same rows as psad's CSV`, async () => {
    const parsed = await parseFile(new URL(`psad-scans/${name}`, fixtures), 2015);
    assert.equal(parsed.lines, lines);
    assert.equal(parsed.events.length, events);
    assert.equal(parsed.other + parsed.malformed, lines - events);
    // (ipv6_ms_sql_server_sig_match is `grep -H` output: psad's timestamp keeps the "file:")
    const psad = readFileSync(new URL(`psad-golden/${name}.default.csv`, fixtures), "utf8")
      .split("\n")
      .filter(Boolean);
    assert.equal(psad.length, rows);
    compare(psadRows(parsed.events), psad);
  });
}
