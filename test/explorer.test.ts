// The explorer's state and SQL (src/components/explorer-query.ts) in Node: the hash round
// trip, input validation, shell quoting, and every query of an update run through
// @duckdb/node-api over the real honeynet events.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { defaultParquet } from "../src/cli/query.js";
import {
  commandLine,
  compile,
  DEFAULT_STATE,
  type ExplorerState,
  hashToState,
  InputError,
  queries,
  shellQuote,
  stateToHash,
} from "../src/components/explorer-query.js";
import { csvCell } from "../src/lib/csv.js";

describe("explorer state", () => {
  test("hash round trip keeps every field", () => {
    const s: ExplorerState = {
      ...DEFAULT_STATE,
      mode: "sql",
      where: "dpt = 22 AND src LIKE '11.%' -- & # ?",
      page: 3,
      z: "",
      config: 'color.source="red"\n',
      bucket: "day",
    };
    assert.deepEqual(hashToState(stateToHash(s)), s);
    assert.equal(stateToHash(DEFAULT_STATE), "#");
  });
  test("a finding's link: psad mode without the default regex", () => {
    const s = hashToState("#mode=psad&fields=src%3A1.2.3.4+dp");
    assert.equal(s.fields, "src:1.2.3.4 dp");
    assert.equal(s.regex, "");
  });
  test("bad input is an InputError with a position", () => {
    assert.throws(
      () => compile({ ...DEFAULT_STATE, fields: "src dp:abc" }),
      (e: unknown) => e instanceof InputError && e.where === "fields" && e.position === 4,
    );
    assert.throws(
      () => compile({ ...DEFAULT_STATE, regex: "(" }),
      (e: unknown) => e instanceof InputError && e.where === "regex",
    );
    assert.throws(
      () => compile({ ...DEFAULT_STATE, mode: "sql", where: "true; DROP TABLE events" }),
      (e: unknown) => e instanceof InputError && e.where === "sql" && e.position === 4,
    );
  });
  test("shell quoting and CSV cells", () => {
    assert.equal(shellQuote("src:11.11.0.0/16"), "src:11.11.0.0/16");
    assert.equal(shellQuote("it's $(rm -rf /)"), `'it'\\''s $(rm -rf /)'`);
    assert.equal(csvCell("=cmd()"), "'=cmd()");
    assert.equal(csvCell('a,"b"'), '"a,""b"""');
    assert.equal(csvCell(null), "");
    const c = compile(DEFAULT_STATE);
    assert.equal(
      commandLine(c, DEFAULT_STATE, null),
      "fwglow psad --CSV --keep-ack-rst --CSV-fields 'src:11.11.0.0/16 dst:not11.11.0.0/16 dp' --CSV-regex 'SYN URGP='",
    );
  });
});

describe("explorer SQL over the honeynet log", { timeout: 5 * 60_000 }, () => {
  let instance: DuckDBInstance;
  let con: DuckDBConnection;
  const query = async (sql: string) =>
    (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  before(async () => {
    const parquet = await defaultParquet();
    instance = await DuckDBInstance.create(":memory:");
    con = await instance.connect();
    await con.run(
      `CREATE TABLE events AS SELECT * FROM read_parquet('${parquet.replaceAll("'", "''")}')`,
    );
  });
  after(() => con?.closeSync?.());

  async function update(s: ExplorerState) {
    const c = compile(s);
    const sql = queries(c, s, { pageSize: 50, bucket: "hour", linkMax: 1500, pointMax: 10000 });
    await query(sql.select);
    return {
      c,
      series: await query(sql.series),
      rows: await query(sql.rows),
      points: await query(sql.points),
      links: await query(sql.links),
    };
  }

  test("figure 14-14: the compromised host's outbound connections", async () => {
    const r = await update({ ...DEFAULT_STATE, fields: "src:11.11.0.0/16 dst:not11.11.0.0/16 dp" });
    const total = r.series.reduce((a, x) => a + Number(x.n), 0);
    assert.ok(total >= 141, `${total}`);
    assert.ok(r.rows.length === 50 && r.rows.every((x) => typeof x.raw === "string"));
    const sources = new Set(r.links.map((x) => x.s));
    assert.ok(sources.has("11.11.79.67"));
    assert.ok(r.links.some((x) => x.t === "6667") && r.links.some((x) => x.t === "22"));
    assert.ok(r.points.every((p) => p.z !== null));
  });

  test("SQL mode and paging", async () => {
    const s: ExplorerState = {
      ...DEFAULT_STATE,
      mode: "sql",
      where: "proto = 'UDP' AND dpt = 1434",
      page: 2,
      z: "",
      le: "",
    };
    const r = await update(s);
    assert.equal(
      r.series.reduce((a, x) => a + Number(x.n), 0),
      5979,
    );
    assert.equal(r.rows.length, 50);
    assert.ok(r.links.every((x) => !("e" in x)));
  });
});
