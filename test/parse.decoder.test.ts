// The parser's cheaper paths give exactly what the plain ones give: the CLI's decoder (latin1
// for ASCII chunks) against TextDecoder, and the MAC= cache against a fresh decode per line.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { nodeDecoder } from "../src/cli/inputs.js";
import type { Decoder, ParseBatch } from "../src/lib/parse/index.js";
import { createLineParser, parseStream } from "../src/lib/parse/index.js";

/** Decodes `chunks` as readLines does: each with {stream: true}, then a final decode(). */
function decodeAll(decoder: Decoder, chunks: Uint8Array[]): string {
  let text = "";
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** `bytes` cut at `cuts` (positions, any order, repeats make empty chunks). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...cuts.map((c) => c % (bytes.length + 1)), bytes.length].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const end of at) {
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

// Bytes that stress the decoder: ASCII runs, BOMs, valid and truncated multi-byte sequences,
// lone continuation bytes, overlongs, surrogates, bytes never valid in UTF-8.
const piece = fc.oneof(
  fc.constantFrom(
    "IN=eth0 ",
    "\n",
    "\xef\xbb\xbf",
    "\xc3\xa9",
    "\xe2\x82\xac",
    "\xf0\x9f\x94\xa5",
    "\xe2\x82",
    "\xf0\x9f",
    "\xc3",
    "\x80",
    "\xbf",
    "\xc0\xaf",
    "\xed\xa0\x80",
    "\xf4\x90\x80\x80",
    "\xff",
    "\xfe",
  ),
  fc.string({ maxLength: 20 }),
);
const byteStrings = fc
  .array(piece, { maxLength: 30 })
  .map((parts) => Uint8Array.from(Buffer.from(parts.join(""), "latin1")));

test("nodeDecoder decodes any bytes, cut anywhere, exactly as TextDecoder", () => {
  fc.assert(
    fc.property(
      byteStrings,
      fc.array(fc.nat(400), { maxLength: 8 }),
      fc.boolean(),
      (bytes, cuts, plainArrays) => {
        const chunks = split(bytes, cuts).map((c) =>
          plainArrays ? Uint8Array.from(c) : Buffer.from(c),
        );
        const expected = decodeAll(new TextDecoder("utf-8"), chunks);
        assert.equal(decodeAll(nodeDecoder(), chunks), expected);
      },
    ),
    { numRuns: 3000 },
  );
});

test("nodeDecoder: the cases around switching between latin1 and utf8", () => {
  const cases: [string, string[]][] = [
    ["BOM first", ["\xef\xbb\xbfab", "cd"]],
    ["BOM after ASCII is content", ["ab", "\xef\xbb\xbfcd"]],
    ["BOM split", ["\xef", "\xbb", "\xbfcd"]],
    ["sequence cut, then ASCII", ["a\xe2\x82", "b"]],
    ["sequence cut, ended by the next chunk", ["a\xe2", "\x82\xac", "b"]],
    ["sequence cut, then empty, then ASCII", ["a\xf0\x9f", "", "xyz"]],
    ["sequence cut at the end", ["ab", "\xf0\x9f\x94"]],
    ["only invalid", ["\xff\xfe", "\x80"]],
  ];
  for (const [name, parts] of cases) {
    const chunks = parts.map((p) => Buffer.from(p, "latin1"));
    assert.equal(
      decodeAll(nodeDecoder(), chunks),
      decodeAll(new TextDecoder("utf-8"), chunks),
      name,
    );
  }
});

async function parseAll(chunks: Uint8Array[], decoder?: () => Decoder): Promise<ParseBatch[]> {
  const batches: ParseBatch[] = [];
  const source = (async function* () {
    yield* chunks;
  })();
  for await (const b of parseStream(source, { file: "t.log", year: 2005, decoder }))
    batches.push(b);
  return batches;
}

test("parseStream with nodeDecoder: the same batches, invalid UTF-8 included", async () => {
  const line = (k: number, extra: string) =>
    `Feb 25 12:11:${String(k % 60).padStart(2, "0")} fw kernel: DROP${extra} IN=eth0 OUT= MAC=00:16:3e:01:02:03:00:0c:29:0a:0b:0${k % 10}:08:00 SRC=61.1.2.${k % 250} DST=11.11.79.${k % 200} LEN=60 TOS=0x00 PREC=0x00 TTL=50 ID=${k} DF PROTO=TCP SPT=${1024 + k} DPT=22 WINDOW=5840 RES=0x00 SYN URGP=0 \n`;
  const extras = ["", " é", "\xe2\x82", "\xff", "\xc3"];
  let text = "";
  for (let k = 0; k < 3000; k++) text += line(k, k % 97 === 0 ? extras[(k / 97) % 5] : "");
  const bytes = Buffer.from(text, "latin1");
  for (const size of [1, 7, 4096, 65536]) {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += size * 13)
      chunks.push(bytes.subarray(at, at + size * 13));
    assert.deepEqual(
      await parseAll(chunks, nodeDecoder),
      await parseAll(chunks),
      `chunks of ${size * 13}`,
    );
  }
});

test("MAC=: cached and repeated values give the same columns as a fresh parse", () => {
  const hex = (n: number) => n.toString(16).padStart(2, "0");
  const macs: string[] = [];
  for (let k = 0; k < 3000; k++) {
    const m = `00:16:3e:${hex(k & 1)}:${hex(k >> 8)}:${hex(k & 255)}:00:0c:29:aa:${hex((k * 7) & 255)}:${hex(k % 13)}:08:00`;
    macs.push(k % 5 === 0 ? m.toUpperCase() : m);
  }
  macs.push(
    "00:16:3e:01:02:03:00:0c:29:0a:0b:0c:86:dd:00:01",
    "00:16:3e:01:02:03:00:0c:29:0a:0b:0c:8g:dd",
    "00:16:3e:01:02:03:00:0c:29:0a:0b:0c",
    "00:16:3E:01:02:0\u0130:00:0c:29:0a:0b:0c:08:00",
    "00:16:3e:01:02:03-00:0c:29:0a:0b:0c:08:00",
    "zz",
  );
  const fields =
    "SRC=1.2.3.4 DST=5.6.7.8 LEN=60 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0";
  const textOf = (m: string) => `kernel: IN=eth0 OUT= MACPROTO=0806 MAC=${m} ${fields}`;
  const pick = (e: unknown) => {
    const { mac, dst_mac, src_mac, ether_type } = e as Record<string, unknown>;
    return { mac, dst_mac, src_mac, ether_type };
  };
  const shared = createLineParser({ file: "t", year: 2005 });
  // Every value in order, again in a different order (cache hits and collisions), and repeated.
  const order = [
    ...macs.keys(),
    ...[...macs.keys()].reverse(),
    ...[...macs.keys()].map((k) => (k * 17) % macs.length),
  ];
  for (const k of order) {
    const text = textOf(macs[k]);
    const r = shared(text, 1);
    const fresh = createLineParser({ file: "t", year: 2005 })(text, 1);
    assert.equal(r.kind, fresh.kind, text);
    if (r.kind === "event" && fresh.kind === "event") {
      // A fresh parser in the same module shares the cache: check against first principles.
      const m = macs[k];
      const ok = m.length >= 41 && [...Array(13).keys()].every((j) => m[3 * j + 2] === ":");
      const low = m.toLowerCase();
      const type = Number.parseInt(low.slice(36, 41).replace(":", ""), 16);
      assert.deepEqual(
        pick(r.event),
        ok
          ? {
              mac: m,
              dst_mac: low.slice(0, 17),
              src_mac: low.slice(18, 35),
              ether_type: /^[0-9a-f]{2}:[0-9a-f]{2}$/.test(low.slice(36, 41)) ? type : null,
            }
          : { mac: m, dst_mac: null, src_mac: null, ether_type: 0x0806 },
        text,
      );
      assert.deepEqual(pick(fresh.event), pick(r.event));
    }
  }
});

test("kernel [uptime]: read in place, the same double as Number() of its text", () => {
  const fields = "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=60 PROTO=UDP SPT=1 DPT=2";
  const parse = createLineParser({ file: "t", year: 2005 });
  fc.assert(
    fc.property(
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.option(fc.stringMatching(/^[0-9]{0,12}$/)),
      (int, fraction) => {
        const text = fraction === null ? int : `${int}.${fraction}`;
        const r = parse(`Feb 25 12:11:24 fw kernel: [ ${text}] ${fields}`, 1);
        assert.equal(r.kind, "event");
        if (r.kind === "event") assert.equal(r.event.kernel_uptime, Number(text), text);
      },
    ),
    { numRuns: 5000 },
  );
});
