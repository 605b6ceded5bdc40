// Properties: no input makes the parser throw, every line is accounted for, and every
// event's columns fit their DuckDB types.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import type { ParseBatch } from "../src/lib/parse/index.js";
import { createLineParser, parseStream } from "../src/lib/parse/index.js";
import type { FwEvent } from "../src/lib/schema.js";
import { COLUMNS } from "../src/lib/schema.js";

const samples = [
  "mixed-small.log",
  "formats.log",
  "logstash-firewalls.log",
  "wazuh-iptables.log",
].flatMap((name) =>
  readFileSync(new URL(`fixtures/samples/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean),
);

const RANGES: Record<string, bigint> = {
  UTINYINT: 0xffn,
  USMALLINT: 0xffffn,
  UINTEGER: 0xffffffffn,
  UBIGINT: 2n ** 64n - 1n,
};
const TIMESTAMP =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?$/;

/** Every column of an event is null or a value of its type. */
function checkEvent(e: FwEvent): void {
  for (const [name, type] of COLUMNS) {
    const v = e[name];
    if (v === null) continue;
    const where = `${name}=${String(v)} in ${JSON.stringify(e.raw.slice(0, 200))}`;
    if (type in RANGES) {
      assert.ok(typeof v === "bigint" || Number.isInteger(v), where);
      const big = BigInt(v as number | bigint);
      assert.ok(big >= 0n && big <= RANGES[type], where);
    } else if (type === "TIMESTAMP") assert.match(v as string, TIMESTAMP, where);
    else if (type === "DOUBLE") assert.ok(Number.isFinite(v), where);
    else if (type === "BOOLEAN") assert.equal(typeof v, "boolean", where);
    else assert.equal(typeof v, "string", where);
  }
  assert.ok(e.src !== null && e.dst !== null && e.family !== null);
}

async function* chunked(data: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let k = 0; at < data.length; ++k) {
    const size = sizes.length ? sizes[k % sizes.length] : data.length;
    yield data.subarray(at, at + size);
    at += size;
  }
}

async function account(batches: AsyncIterable<ParseBatch>) {
  let lines = 0;
  let events = 0;
  const malformed: { line: number; reason: string }[] = [];
  for await (const b of batches) {
    assert.equal(b.lines, b.events.length + b.other + b.malformed.length);
    for (const e of b.events) checkEvent(e);
    lines += b.lines;
    events += b.events.length;
    malformed.push(...b.malformed);
  }
  return { lines, events, malformed };
}

/** Mutations of real lines: cuts, insertions, deletions, swapped characters. */
const mutatedLine = fc
  .tuple(
    fc.constantFrom(...samples),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat(30),
        fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.constantFrom(
            "=",
            " ",
            "[",
            "]",
            "(",
            ")",
            ":",
            "0x",
            "99999",
            "IN=",
            "SRC=",
            "PROTO=",
            "INCOMPLETE [",
            "OPT (",
          ),
        ),
      ),
      { maxLength: 5 },
    ),
  )
  .map(([line, edits]) => {
    for (const [at, remove, insert] of edits) {
      const k = at % (line.length + 1);
      line = line.slice(0, k) + insert + line.slice(k + remove);
    }
    return line;
  });

test("line parser: arbitrary and mutated lines never throw; events fit the schema", () => {
  const parse = createLineParser({ file: "p", year: 2024 });
  let lineNo = 0;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.string({ unit: "binary", maxLength: 300 }),
        mutatedLine,
        mutatedLine,
      ),
      (line) => {
        const r = parse(line, ++lineNo);
        assert.ok(
          r.kind === "event" ||
            r.kind === "other" ||
            (r.kind === "malformed" && r.reason.length > 0),
        );
        if (r.kind === "event") {
          checkEvent(r.event);
          assert.equal(r.event.raw, line);
        }
      },
    ),
    { numRuns: 20000 },
  );
});

test("stream: arbitrary bytes in arbitrary chunks are all accounted for", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 2000 }),
      fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 5 }),
      async (data, sizes) => {
        const r = await account(parseStream(chunked(data, sizes), { file: "b", year: 2024 }));
        if (data[0] === 0x1f && data[1] === 0x8b) return; // gzip: checked below
        const text = new TextDecoder().decode(data);
        const expected = text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
        assert.equal(r.lines, expected);
      },
    ),
    { numRuns: 500 },
  );
});

test("stream: real lines with mutations, CRLF and invalid bytes, in any chunking", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(mutatedLine, { minLength: 1, maxLength: 40 }),
      fc.boolean(),
      fc.array(fc.integer({ min: 1, max: 97 }), { maxLength: 4 }),
      async (lines, crlf, sizes) => {
        const text = lines.join(crlf ? "\r\n" : "\n");
        const data = new TextEncoder().encode(text);
        const r = await account(parseStream(chunked(data, sizes), { file: "m", year: 2024 }));
        assert.equal(r.lines, text.split("\n").length);
        const parse = createLineParser({ file: "m", year: 2024 });
        const expected = text
          .split("\n")
          .map((l) => l.replace(/\r$/, ""))
          .filter((l, k) => parse(l, k + 1).kind === "event").length;
        assert.equal(r.events, expected);
      },
    ),
    { numRuns: 300 },
  );
});

test("truncated or corrupt gzip: the lines before the break, then one malformed entry", async () => {
  const text = readFileSync(new URL("fixtures/samples/mixed-small.log", import.meta.url));
  const gz = gzipSync(text);
  const whole = await account(parseStream(chunked(gz, [100]), { file: "g", year: 2024 }));
  assert.deepEqual([whole.lines, whole.events, whole.malformed.length], [25, 23, 1]);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 2, max: gz.length - 1 }),
      fc.option(fc.nat(255)),
      async (cut, corrupt) => {
        const data = gz.slice(0, cut);
        if (corrupt !== null && cut > 20) data[10 + (corrupt % (cut - 10))] ^= 0xff;
        const r = await account(parseStream(chunked(data, [64]), { file: "g", year: 2024 }));
        const broken = r.malformed.filter((m) => m.reason.startsWith("truncated gzip: "));
        assert.equal(broken.length, 1);
        assert.equal(broken[0].line, r.lines);
        assert.ok(r.lines <= 27);
      },
    ),
    { numRuns: 200 },
  );
});

test("a 1 MB line, and NUL bytes", async () => {
  const fields = "IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 LEN=40 PROTO=UDP SPT=1 DPT=2 LEN=20";
  const long = `Jul 28 18:11:45 fw kernel: ${"x".repeat(1 << 20)} ${fields}`;
  const junk = "\u0000".repeat(1 << 20);
  const data = new TextEncoder().encode(`${long}\n${junk}\n${fields}\n`);
  const r = await account(parseStream(chunked(data, [65536]), { file: "l", year: 2024 }));
  assert.deepEqual([r.lines, r.events], [3, 2]);
});
