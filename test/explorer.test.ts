// The explorer's state and SQL (src/components/explorer-query.ts) in Node: the hash round
// trip, input validation, shell quoting, and every query of an update run through
// @duckdb/node-api over the real honeynet events.

import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { generateLines } from "../bench/generate.js";
import { convertToParquet } from "../src/cli/convert.js";
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
  splitAggregates,
  stateToHash,
} from "../src/components/explorer-query.js";
import { csvCell } from "../src/lib/csv.js";
import {
  ADDRESS_KINDS_SQL,
  ALIASES,
  ANY_ADDRESS,
  FIELDS,
  sqlText,
} from "../src/lib/filter/index.js";

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

// The figures' aggregate (typed keys, tops cut before printing) against the plain GROUP BY of
// every field's printed text: same series, and the tops are true tops with exact counts. Each
// table is grouped with the keys of its own address kinds, and with those of any kind.
describe("explorer aggregates = a plain GROUP BY", { timeout: 5 * 60_000 }, () => {
  let dir: string;
  let instance: DuckDBInstance;
  let con: DuckDBConnection;
  const query = async (sql: string) =>
    (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "fwglow-agg-"));
    // A generated log: IPv6, ICMP errors, portless protocols, noise.
    const log = join(dir, "gen.log");
    await writeFile(log, `${Array.from(generateLines(30_000, 5)).join("\n")}\n`);
    await convertToParquet({ inputs: [log], out: join(dir, "gen.parquet"), year: 2025 });
    instance = await DuckDBInstance.create(":memory:");
    con = await instance.connect();
    const hn = (await defaultParquet()).replaceAll("'", "''");
    await con.run(`CREATE TABLE honeynet AS FROM read_parquet('${hn}')`);
    await con.run(`CREATE TABLE generated AS FROM read_parquet('${join(dir, "gen.parquet")}')`);
    // Text addresses (a Parquet file not written by fwglow): every 7th source a host name.
    await con.run(
      `CREATE TABLE named AS SELECT * REPLACE (CASE WHEN line % 7 = 0 THEN NULL ELSE src_v4 END AS src_v4, CASE WHEN line % 7 = 0 THEN 'host-' || src ELSE src END AS src) FROM honeynet`,
    );
  });
  after(async () => {
    con?.closeSync?.();
    await rm(dir, { recursive: true, force: true });
  });

  const field = (name: string) => {
    const f = FIELDS.get(ALIASES[name] ?? name);
    assert.ok(f, name);
    return f;
  };
  const key = (r: Record<string, unknown>, names: string[]) =>
    JSON.stringify(names.map((n) => (r[n] === null || r[n] === undefined ? null : String(r[n]))));

  /** Every returned row is a reference row with its count; none left out counts more. */
  function isTop(
    got: Record<string, unknown>[],
    ref: Record<string, unknown>[],
    names: string[],
    max: number,
  ) {
    const counts = new Map(ref.map((r) => [key(r, names), Number(r.n)]));
    assert.equal(got.length, Math.min(max, ref.length));
    const kept = new Set<string>();
    for (const r of got) {
      const k = key(r, names);
      assert.equal(Number(r.count), counts.get(k), `count of ${k}`);
      kept.add(k);
    }
    assert.equal(kept.size, got.length, "no row twice");
    const least = Math.min(...got.map((r) => Number(r.count)));
    for (const r of ref)
      if (!kept.has(key(r, names))) assert.ok(Number(r.n) <= least, key(r, names));
  }

  const views: [string, Partial<ExplorerState>][] = [
    ["default (shared grouping)", { fields: "src dst dp", regex: "" }],
    ["separate axes, 2D", { fields: "src dst dp", regex: "", x: "dst", y: "proto", z: "" }],
    [
      "two-column links, numbers",
      { fields: "src", regex: "", ls: "sp", le: "", lt: "ttl", x: "ip_len", y: "dp", z: "sp" },
    ],
    [
      "a raw-line regex (the selection materialized)",
      { fields: "src dst dp", regex: "PROTO=(TCP|UDP)" },
    ],
    ["IPv6 rows (SQL)", { mode: "sql", where: "family = 6" }],
    ["text fields", { fields: "dst", regex: "", ls: "proto", le: "flags", lt: "intf", z: "chain" }],
  ];
  const tables = {
    honeynet: { v6: false, text: false },
    generated: { v6: true, text: false },
    named: { v6: false, text: true },
  };
  for (const [table, expected] of Object.entries(tables)) {
    test(`${table}: address kinds`, async () => {
      await con.run(`CREATE OR REPLACE VIEW events AS FROM ${table}`);
      const [kinds] = await query(ADDRESS_KINDS_SQL);
      assert.deepEqual(kinds, expected);
    });
    for (const [name, view] of views) {
      for (const [keys, kinds] of [
        ["own", expected],
        ["any", ANY_ADDRESS],
      ] as const) {
        test(`${table}: ${name} (${keys} address keys)`, async () => {
          await con.run(`CREATE OR REPLACE VIEW events AS FROM ${table}`);
          const s: ExplorerState = { ...DEFAULT_STATE, ...view };
          const c = compile(s);
          const opts = { pageSize: 50, bucket: "hour", linkMax: 300, pointMax: 700, kinds };
          const got = splitAggregates(await query(queries(c, s, opts).aggregates), !!s.z, !!s.le);
          const w = `(${c.where})`;
          const series = await query(
            `SELECT date_trunc('hour', ts) AS t, count(*)::INTEGER AS n FROM events WHERE ${w} GROUP BY ALL ORDER BY t NULLS LAST`,
          );
          assert.deepEqual(
            got.series.map((r) => [String(r.t), Number(r.n)]),
            series.map((r) => [String(r.t), Number(r.n)]),
          );
          const linkNames = s.le ? ["s", "e", "t"] : ["s", "t"];
          const linkFields = (s.le ? [s.ls, s.le, s.lt] : [s.ls, s.lt]).map(field);
          const links = await query(
            `SELECT ${linkFields.map((f, i) => `${sqlText(f)} AS ${linkNames[i]}`).join(", ")}, count(*) AS n FROM events WHERE ${w} GROUP BY ALL`,
          );
          isTop(got.links, links, linkNames, opts.linkMax);
          const pointNames = s.z ? ["x", "y", "z"] : ["x", "y"];
          const pointFields = (s.z ? [s.x, s.y, s.z] : [s.x, s.y]).map(field);
          const value = (f: ReturnType<typeof field>) =>
            f.kind === "num" ? `(${f.sql})` : `nullif(${f.sql}, '')`;
          // A subquery, not HAVING: DuckDB 1.5 pushes `HAVING y IS NOT NULL` on a CASE alias
          // down to the CASE's column and drops rows (ICMP's dp is 0, its dpt NULL).
          const points = await query(
            `SELECT * FROM (SELECT ${pointFields.map((f, i) => `${value(f)} AS ${pointNames[i]}`).join(", ")}, count(*) AS n FROM events WHERE ${w} GROUP BY ALL) WHERE ${pointNames.map((n) => `${n} IS NOT NULL`).join(" AND ")}`,
          );
          isTop(got.points, points, pointNames, opts.pointMax);
          if (table === "generated" && name.startsWith("IPv6")) {
            assert.ok(
              got.links.some((r) => String(r.s).includes(":")),
              "IPv6 sources among the links",
            );
          }
          if (table === "named" && name.startsWith("default")) {
            assert.ok(
              got.links.some((r) => String(r.s).startsWith("host-")),
              "named sources among the links",
            );
          }
        });
      }
    }
  }
});
