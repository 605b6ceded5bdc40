// A log cut in two by splitPoint and parsed as two parts (the second resuming from
// scanLines of the first) gives exactly the events, lines and accounting of one parse.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { type ParseOptions, parseStream, scanLines } from "../src/lib/parse/index.js";
import { splitPoint } from "../src/lib/parse/split.js";

async function* chunks(bytes: Uint8Array, size = 1 << 16): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function parse(bytes: Uint8Array, opts: ParseOptions) {
  const out = { lines: 0, other: 0, events: [] as string[], malformed: [] as string[] };
  for await (const b of parseStream(chunks(bytes), opts)) {
    out.lines += b.lines;
    out.other += b.other;
    for (const e of b.events) out.events.push(JSON.stringify(e));
    for (const m of b.malformed) out.malformed.push(JSON.stringify(m));
  }
  return out;
}

/** Parses whole, then in two parts at splitPoint; returns the cut. */
async function sameInTwoParts(bytes: Uint8Array<ArrayBuffer>, year: number): Promise<number> {
  const cut = await splitPoint(new Blob([bytes]), { minBytes: 0 });
  assert.notEqual(cut, null, "no place to cut");
  const at = cut as number;
  const whole = await parse(bytes, { file: "f", year });
  const first = await parse(bytes.subarray(0, at), { file: "f", year });
  const after = await scanLines(chunks(bytes.subarray(0, at)));
  const second = await parse(bytes.subarray(at), { file: "f", year, after });
  assert.equal(after.lines, first.lines);
  assert.equal(first.lines + second.lines, whole.lines);
  assert.equal(first.other + second.other, whole.other);
  assert.deepEqual([...first.malformed, ...second.malformed], whole.malformed);
  assert.equal(first.events.length + second.events.length, whole.events.length);
  assert.deepEqual([...first.events, ...second.events], whole.events);
  return at;
}

test("the honeynet log parsed in two parts equals one parse", async () => {
  const bytes = gunzipSync(
    readFileSync(new URL("../data/scan34-iptablesyslog.gz", import.meta.url)),
  );
  const at = await sameInTwoParts(bytes, 2005);
  assert.ok(at > bytes.length / 2 && at < bytes.length / 2 + 4096, `cut at ${at}`);
  assert.equal(bytes[at - 1], 10, "the cut is at a line start");
});

const line = (stamp: string, id: number) =>
  `${stamp} fw kernel: DROP IN=eth0 OUT= SRC=192.0.2.${id % 250} DST=11.11.79.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=${id} PROTO=TCP SPT=5000 DPT=22 WINDOW=1024 RES=0x00 SYN URGP=0\n`;

test("the second part goes on in the year after a Dec→Jan rollover in the first", async () => {
  let text = "";
  for (let i = 0; i < 200; i++) text += line(i < 100 ? "Dec 31 23:59:59" : "Jan  1 00:00:01", i);
  // …and a second rollover inside the second part.
  for (let i = 0; i < 300; i++)
    text += line(i < 100 ? "Feb  3 10:00:00" : i < 200 ? "Dec 30 10:00:00" : "Jan  2 10:00:00", i);
  await sameInTwoParts(new TextEncoder().encode(text), 2023);
});

test("a journald export record at the middle is never cut", async () => {
  const record = (i: number) =>
    `__CURSOR=s=a;i=${i}\n__REALTIME_TIMESTAMP=17053142250000${i % 10}0\n_HOSTNAME=fw\nMESSAGE=[UFW BLOCK] IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 PROTO=TCP SPT=1 DPT=22 WINDOW=1 RES=0x00 SYN URGP=0\nPRIORITY=4\n\n`;
  const records = Array.from({ length: 300 }, (_, i) => record(i)).join("");
  const onlyJournal = new TextEncoder().encode(records);
  assert.equal(await splitPoint(new Blob([onlyJournal]), { minBytes: 0 }), null);
  let syslog = "";
  for (let i = 0; i < 100; i++) syslog += line("Mar  1 00:00:00", i);
  const mixed = new TextEncoder().encode(syslog + records + syslog);
  const at = await sameInTwoParts(mixed, 2024);
  assert.ok(at > syslog.length + records.length, "cut after the journald records");
});

test("gzip and small files are not cut", async () => {
  const gz = readFileSync(new URL("../data/scan34-iptablesyslog.gz", import.meta.url));
  assert.equal(await splitPoint(new Blob([gz]), { minBytes: 0 }), null);
  assert.equal(await splitPoint(new Blob([line("Mar  1 00:00:00", 1)])), null);
});
