// The Findings SQL (src/lib/findings) over the real honeynet events, through @duckdb/node-api
// on the CLI's cached Parquet of the bundled log: the internal network is inferred without
// being told, and 11.11.79.67 comes out as the compromised host with outbound SSH and IRC.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { defaultParquet } from "../src/cli/query.js";
import {
  detections,
  type Finding,
  inNetsSql,
  parseNet,
  parseNets,
  runFindings,
  runInference,
} from "../src/lib/findings/index.js";

describe("findings over the honeynet log", { timeout: 5 * 60_000 }, () => {
  let instance: DuckDBInstance;
  let con: DuckDBConnection;
  const query = async (sql: string) =>
    (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  let findings: Finding[];

  before(async () => {
    const parquet = await defaultParquet();
    instance = await DuckDBInstance.create(":memory:");
    con = await instance.connect();
    await con.run(
      `CREATE TABLE events AS SELECT * FROM read_parquet('${parquet.replaceAll("'", "''")}')`,
    );
  });
  after(() => {
    con?.closeSync?.();
  });

  test("infers 11.11.0.0/16 as the internal network", async () => {
    const { nets, votes } = await runInference(query);
    assert.deepEqual(
      nets.map((n) => n.cidr),
      ["11.11.0.0/16"],
      JSON.stringify(votes),
    );
  });

  test("surfaces 11.11.79.67 as compromised, with outbound SSH and IRC", async () => {
    const { nets } = await runInference(query);
    findings = await runFindings(query, nets);
    const outbound = findings.filter((f) => f.kind === "outbound");
    assert.deepEqual(
      outbound.map((f) => f.subject),
      ["11.11.79.67"],
      "only one internal host opens outbound connections",
    );
    const top = findings[0] as Finding;
    assert.equal(top.subject, "11.11.79.67", "the most severe finding");
    assert.equal(top.severity, "high");
    assert.match(top.title, /SSH/);
    assert.match(top.title, /IRC/);
    assert.match(top.detail, /22 \(SSH\)/);
    assert.match(top.detail, /6667 \(IRC\)/);
    // The chapter's figure 14-14: psad prints 141 rows for the outbound SYNs.
    assert.equal(top.events, 141);
    assert.deepEqual(top.view, {
      mode: "psad",
      fields: "src:11.11.79.67 dst:not11.11.0.0/16 dp",
      regex: "SYN URGP=",
    });
  });

  test("finds the worms, scans, sweeps and spikes of the chapter", async () => {
    const kinds = new Set(findings.map((f) => f.kind));
    for (const k of ["worm", "scan", "sweep", "spike"] as const) assert.ok(kinds.has(k), k);
    const nachi = findings.find((f) => f.id === "worm:nachi");
    assert.equal(nachi?.events, 1158);
    const slammer = findings.find((f) => f.id === "worm:slammer");
    assert.equal(slammer?.events, 5979);
    assert.ok(
      findings.some((f) => f.id === "sweep:TCP/3306"),
      "the MySQL sweep of figure 14-7",
    );
  });

  test("each finding's explorer filter selects its events", async () => {
    const { parseFilter, toSql } = await import("../src/lib/filter/index.js");
    for (const f of findings.filter((x) => x.kind !== "spike" && x.kind !== "sweep")) {
      const where =
        f.view.mode === "psad"
          ? toSql(parseFilter(f.view.fields, { regex: f.view.regex, negRegex: f.view.negRegex }))
          : f.view.where;
      const [row] = await query(`SELECT count(*)::INTEGER AS n FROM events WHERE (${where})`);
      assert.ok(Number(row?.n) >= f.events, `${f.id}: ${row?.n} < ${f.events}`);
    }
  });
});

describe("findings helpers", () => {
  test("parseNet", () => {
    assert.deepEqual(parseNet("11.11.0.0/16"), {
      cidr: "11.11.0.0/16",
      lo: 185270272,
      hi: 185335807,
    });
    assert.equal(parseNet("11.11.5.9/16")?.cidr, "11.11.0.0/16");
    assert.equal(parseNet("10.0.0.1")?.cidr, "10.0.0.1/32");
    assert.equal(parseNet("300.1.1.1/8"), null);
    assert.equal(parseNet("x'; DROP TABLE events"), null);
    assert.deepEqual(parseNets("10.0.0.0/8, nope").invalid, ["nope"]);
  });
  test("no internal network: SQL still valid, nothing inside", () => {
    assert.equal(inNetsSql("src_v4", []), "false");
    assert.equal(detections([]).length, 6);
  });
});
