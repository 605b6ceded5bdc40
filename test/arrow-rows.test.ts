// rows() reads Arrow tables column by column; it must give exactly what StructRow.toJSON()
// gives, for every type the pages get from DuckDB-wasm, nulls, non-ASCII text, chunks and
// slices.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tableFromArrays, tableFromIPC, tableToIPC } from "apache-arrow";
import { rows } from "../src/components/arrow-rows.js";
import { eventsIPC } from "../src/lib/arrow/events.js";
import { parseStream } from "../src/lib/parse/index.js";
import type { FwEvent } from "../src/lib/schema.js";

const viaToJSON = (t: Iterable<unknown>) =>
  Array.from(t, (r) => (r as { toJSON(): Record<string, unknown> }).toJSON());

test("mixed columns: numbers, bigints, text with nulls and non-ASCII", () => {
  const t = tableFromArrays({
    n: Int32Array.from([1, 2, 3, 4]),
    big: BigInt64Array.from([1n, 2n, 3n, 4n]),
    s: ["a", null, "é🙂", ""],
    ascii: ["x", "yy", null, "zzz"],
  });
  assert.deepEqual(rows(t), viaToJSON(t));
  assert.deepEqual(rows(t)[1], { n: 2, big: 2n, s: null, ascii: "yy" });
});

test("every schema column of real events, in several chunks and sliced", async () => {
  const text = [
    "Feb 25 12:11:24 bastion kernel: DROP IN=eth1 OUT= MAC=00:0c:29:1a:2b:3c:00:50:56:c0:00:08:08:00 SRC=11.11.79.67 DST=61.144.156.3 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=TCP SPT=32768 DPT=6667 WINDOW=5840 RES=0x00 SYN URGP=0",
    "Feb 25 12:11:25 bastion kernel: IN=eth0 OUT= SRC=2001:db8::1 DST=2001:db8::2 LEN=72 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=UDP SPT=53 DPT=1434 LEN=32",
    "Feb 25 12:11:26 bastion kernel: Ünïcode IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=92 TOS=0x00 PREC=0x00 TTL=64 ID=2 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1",
  ].join("\n");
  const events: FwEvent[] = [];
  async function* one() {
    yield new TextEncoder().encode(`${text}\n`);
  }
  for await (const b of parseStream(one(), { file: "t.log", year: 2005 })) events.push(...b.events);
  assert.equal(events.length, 3);
  const a = tableFromIPC(eventsIPC(events.slice(0, 2)));
  const b = tableFromIPC(eventsIPC(events.slice(2)));
  const chunked = a.concat(b);
  assert.equal(chunked.batches.length, 2);
  assert.deepEqual(rows(chunked), viaToJSON(chunked));
  const sliced = chunked.slice(1, 3);
  assert.deepEqual(rows(sliced), viaToJSON(sliced));
  const roundTrip = tableFromIPC(tableToIPC(sliced));
  assert.deepEqual(rows(roundTrip), viaToJSON(roundTrip));
  assert.equal(rows(chunked)[2]?.prefix, "Ünïcode");
});

test("plain arrays pass through", () => {
  const data = [{ a: 1 }, { a: 2 }];
  assert.deepEqual(rows(data), data);
});
