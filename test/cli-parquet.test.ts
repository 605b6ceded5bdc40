// EventParquetWriter: multi-part merge, order, types, nulls, separators in text, whereSql.
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { EventParquetWriter } from "../src/cli/parquet.js";
import { COLUMNS, type FwEvent } from "../src/lib/schema.js";

function event(i: number): FwEvent {
  const e = Object.fromEntries(COLUMNS.map(([n]) => [n, null])) as unknown as FwEvent;
  e.file = "t.log";
  e.line = i + 1;
  e.ts =
    i % 7 === 0
      ? null
      : `2005-02-25 12:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.25`;
  e.family = i % 2 ? 6 : 4;
  e.src_v4 = i % 2 ? null : 4294967295 - i;
  e.src_v6_hi = i % 2 ? 0xffffffffffffffffn - BigInt(i) : null;
  e.kernel_uptime = i + 0.5;
  e.syn = i % 3 === 0;
  e.dpt = i % 65536;
  e.flags = i % 5 === 0 ? "" : "SYN";
  e.prefix = i % 11 === 0 ? "odd\x1fsep\x1eesc\x1e1" : null;
  e.raw = `line ${i} ${i % 11 === 0 ? "\x1f\x1e" : ""}ünïcode`;
  return e;
}

async function rows(path: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create();
  const conn = await instance.connect();
  const reader = await conn.runAndReadAll(sql.replace("$F", `'${path}'`));
  const out = reader
    .getRows()
    .map((r) => r.map((v) => (typeof v === "object" && v !== null ? String(v) : v)));
  conn.closeSync();
  instance.closeSync();
  return out;
}

test("parts are merged in order with exact values", async () => {
  const dir = await mkdtemp(join(tmpdir(), "fwglow-pq-"));
  try {
    const out = join(dir, "e.parquet");
    const w = await EventParquetWriter.open(out, { rowsPerPart: 1000 });
    const all = Array.from({ length: 5500 }, (_, i) => event(i));
    for (let i = 0; i < all.length; i += 700) await w.write(all.slice(i, i + 700));
    assert.equal(await w.close(), 5500);
    assert.deepEqual(await readdir(dir), ["e.parquet"], "temp parts removed");
    const got = await rows(
      out,
      "SELECT line, ts, src_v4, src_v6_hi, kernel_uptime, syn, dpt, flags, prefix, raw FROM $F",
    );
    assert.equal(got.length, 5500);
    for (const i of [0, 1, 7, 11, 999, 1000, 4242, 5499]) {
      const e = all[i];
      assert.deepEqual(
        got[i],
        [
          e.line,
          e.ts,
          e.src_v4,
          e.src_v6_hi,
          e.kernel_uptime,
          e.syn,
          e.dpt,
          e.flags,
          e.prefix,
          e.raw,
        ],
        `row ${i}`,
      );
    }
    const [[compression]] = await rows(
      out,
      "SELECT list(DISTINCT compression)::VARCHAR FROM parquet_metadata($F)",
    );
    assert.equal(compression, "[ZSTD]");
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
    const w2 = await EventParquetWriter.open(filtered, {
      rowsPerPart: 100,
      whereSql: "syn AND dpt < 300",
    });
    await w2.write(Array.from({ length: 1000 }, (_, i) => event(i)));
    assert.equal(await w2.close(), 100);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
