// EventParquetWriter: one streaming COPY through a worker. Order across chunks, exact values of
// every type, null vs empty string, awkward text, empty input, whereSql, abort, atomic output.
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { EventParquetWriter } from "../src/cli/parquet.js";
import { COLUMNS, type FwEvent } from "../src/lib/schema.js";

const TEXTS = [
  "",
  "a",
  "exactly12byt", // the longest string DuckDB stores inline
  "thirteen byte",
  "NUL\0inside",
  'it\'s "quoted", with, commas\tand tabs',
  "ünïcødé ≥ 12 bytes ✓",
  "日本",
  "emoji 🔥 outside the BMP",
  "\x1f\x1e separators",
  "back\\slash\r\nnewline",
];

function event(i: number): FwEvent {
  const e = Object.fromEntries(COLUMNS.map(([n]) => [n, null])) as unknown as FwEvent;
  e.file = i < 3000 ? "a.log" : "b-with-a-long-file-name.log";
  e.line = i + 1;
  e.ts =
    i % 7 === 0
      ? null
      : `2005-02-25 12:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}${i % 3 ? ".25" : i % 5 ? ".000001" : ""}`;
  e.ts_text = i % 7 === 0 ? null : "Feb 25 12:00:00";
  e.family = i % 2 ? 6 : 4;
  e.src_v4 = i % 2 ? null : 4294967295 - i;
  e.src_v6_hi = i % 2 ? 0xffffffffffffffffn - BigInt(i) : null;
  e.src_v6_lo = i % 2 ? BigInt(i) << 32n : null;
  e.kernel_uptime = i % 4 ? i + 0.5 : null;
  e.syn = i % 3 === 0;
  e.ack = i % 10 === 0 ? null : i % 2 === 0;
  e.dpt = i % 65536;
  e.ttl = i % 256;
  e.flags = i % 5 === 0 ? "" : i % 5 === 1 ? null : "SYN";
  e.prefix = TEXTS[i % TEXTS.length];
  e.inner_src = i % 997 === 0 ? "2001:db8::1" : null; // nearly always null
  e.raw = `line ${i} ${TEXTS[(i * 7) % TEXTS.length]} ${"x".repeat(i % 40)}`;
  return e;
}

async function rows(path: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create();
  const conn = await instance.connect();
  const reader = await conn.runAndReadAll(sql.replaceAll("$F", `'${path}'`));
  const out = reader
    .getRows()
    .map((r) => r.map((v) => (typeof v === "object" && v !== null ? String(v) : v)));
  conn.closeSync();
  instance.closeSync();
  return out;
}

const CHECKED = [
  "file",
  "line",
  "ts",
  "ts_text",
  "family",
  "src_v4",
  "src_v6_hi",
  "src_v6_lo",
  "kernel_uptime",
  "syn",
  "ack",
  "dpt",
  "ttl",
  "flags",
  "prefix",
  "inner_src",
  "raw",
] as const;

test("chunks stream in order with exact values", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fwglow-pq-"));
  try {
    const out = join(dir, "e.parquet");
    const w = await EventParquetWriter.open(out, { rowGroupSize: 2000 });
    const all = Array.from({ length: 5500 }, (_, i) => event(i));
    // Batches that do not line up with the 2,048-row chunks.
    for (let i = 0; i < all.length; i += 700) await w.write(all.slice(i, i + 700));
    assert.equal(await w.close(), 5500);
    assert.deepEqual(await readdir(dir), ["e.parquet"], "no temp file left");
    const got = await rows(
      out,
      `SELECT ${CHECKED.map((c) => (c === "ts" ? "strftime(ts, '%Y-%m-%d %H:%M:%S.%f')" : c)).join(", ")} FROM $F`,
    );
    assert.equal(got.length, 5500);
    for (let i = 0; i < all.length; i++) {
      const e = all[i];
      const want = CHECKED.map((c) => {
        const v = e[c];
        if (c === "ts" && typeof v === "string")
          return v.length === 19 ? `${v}.000000` : v.padEnd(26, "0");
        return v;
      });
      assert.deepEqual(got[i], want, `row ${i}`);
    }
    const [[compression, groups]] = await rows(
      out,
      "SELECT list(DISTINCT compression)::VARCHAR, count(DISTINCT row_group_id) FROM parquet_metadata($F)",
    );
    assert.equal(compression, "[ZSTD]");
    assert.equal(groups, 3n);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("empty input still writes the schema; whereSql filters", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fwglow-pq-"));
  try {
    const empty = join(dir, "empty.parquet");
    const w = await EventParquetWriter.open(empty);
    assert.equal(await w.close(), 0);
    const cols = await rows(
      empty,
      "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM $F)",
    );
    assert.deepEqual(
      cols,
      COLUMNS.map(([n, t]) => [n, t]),
    );
    const filtered = join(dir, "f.parquet");
    const w2 = await EventParquetWriter.open(filtered, { whereSql: "syn AND dpt < 300" });
    await w2.write(Array.from({ length: 5000 }, (_, i) => event(i)));
    assert.equal(await w2.close(), 100);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("abort leaves no file; a bad whereSql fails the writer", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fwglow-pq-"));
  try {
    const w = await EventParquetWriter.open(join(dir, "a.parquet"));
    await w.write(Array.from({ length: 5000 }, (_, i) => event(i)));
    await w.abort();
    assert.deepEqual(await readdir(dir), []);
    const bad = await EventParquetWriter.open(join(dir, "b.parquet"), {
      whereSql: "no_such_column",
    });
    await assert.rejects(async () => {
      for (let k = 0; k < 20; k++)
        await bad.write(Array.from({ length: 2048 }, (_, i) => event(i)));
      await bad.close();
    }, /no_such_column/);
    await bad.abort();
    assert.deepEqual(await readdir(dir), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
