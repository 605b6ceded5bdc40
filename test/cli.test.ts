// End-to-end tests of `fwglow convert | parse | query`: the real CLI on the real honeynet log.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { tsToMicros } from "../src/cli/parquet.js";
import { csvRow, eventJson } from "../src/cli/parse.js";
import { csvCell, csvText } from "../src/lib/csv.js";
import { COLUMNS, type FwEvent } from "../src/lib/schema.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "fwglow.js");
const HONEYNET_GZ = join(ROOT, "data", "scan34-iptablesyslog.gz");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function fwglow(
  args: string[],
  input?: Buffer | string,
  env: Record<string, string> = {},
): Promise<Result> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", fail);
    child.on("close", (code) =>
      ok({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    child.stdin.end(input ?? "");
  });
}

async function queryJson(sql: string, data: string): Promise<Record<string, unknown>[]> {
  const r = await fwglow(["query", sql, "--data", data, "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>[];
}

let dir = "";
let honeynetLines: string[] = [];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "fwglow-cli-test-"));
  honeynetLines = gunzipSync(await readFile(HONEYNET_GZ))
    .toString("latin1")
    .split("\n");
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("fwglow convert on the honeynet log", () => {
  let parquet = "";
  let convert: Result;
  before(async () => {
    parquet = join(dir, "honeynet.parquet");
    // No input: the bundled default data set, year 2005 from data/default.json.
    convert = await fwglow(["convert", "-o", parquet, "--rejects", join(dir, "rejects.ndjson")]);
  });

  test("accounts for every line", () => {
    assert.equal(convert.code, 0, convert.stderr);
    assert.match(
      convert.stderr,
      /179,752 lines: 179,730 events, 16 other, 6 malformed in [\d.]+ s \([\d,]+ lines\/s\)/,
    );
  });

  test("rows = events; timestamps in 2005", async () => {
    const [row] = await queryJson(
      "SELECT count(*) AS n, min(ts) AS lo, max(ts) AS hi, count(DISTINCT file) AS files FROM events",
      parquet,
    );
    assert.deepEqual(row, {
      n: 179730,
      lo: "2005-02-25 12:11:24",
      hi: "2005-03-31 23:57:48",
      files: 1,
    });
  });

  test("the Parquet schema is the contract", async () => {
    const rows = await queryJson(`DESCRIBE SELECT * FROM events`, parquet);
    assert.deepEqual(
      rows.map((r) => [r.column_name, r.column_type]),
      COLUMNS.map(([n, t]) => [n, t]),
    );
    const [meta] = await queryJson(
      `SELECT list(DISTINCT compression) AS c FROM parquet_metadata('${parquet.replaceAll("'", "''")}')`,
      parquet,
    );
    assert.deepEqual(meta.c, "['ZSTD']");
  });

  test("counts by proto and chain", async () => {
    const rows = await queryJson(
      "SELECT proto, chain, count(*) AS n FROM events GROUP BY ALL ORDER BY n DESC",
      parquet,
    );
    assert.deepEqual(rows, [
      { proto: "TCP", chain: "FORWARD", n: 162461 },
      { proto: "UDP", chain: "FORWARD", n: 12371 },
      { proto: "ICMP", chain: "FORWARD", n: 4878 },
      { proto: "UDP", chain: "INPUT", n: 20 },
    ]);
  });

  test("a CIDR query with integer bounds matches grep", async () => {
    // 61.0.0.0/8 = 1023410176 .. 1040187391
    const [row] = await queryJson(
      "SELECT count(*) AS n FROM events WHERE src_v4 BETWEEN 1023410176 AND 1040187391",
      parquet,
    );
    const grep = honeynetLines.filter((l) => l.includes(" SRC=61.")).length;
    assert.equal(row.n, grep);
    assert.equal(row.n, 10831);
  });

  test("a flag query", async () => {
    const [row] = await queryJson(
      "SELECT count(*) FILTER (WHERE flags = 'SYN') AS syn_only, count(*) FILTER (WHERE syn AND NOT ack) AS syn, count(*) FILTER (WHERE rst) AS rst FROM events",
      parquet,
    );
    // 148,449 log lines have flags exactly "SYN"; 6 of them are the malformed records.
    const grep = honeynetLines.filter((l) => / RES=0x00 SYN URGP/.test(l)).length;
    assert.equal(grep, 148449);
    assert.equal(row.syn_only, 148443);
    assert.equal(row.syn, 148449);
    assert.equal(typeof row.rst, "number");
  });

  test("the rejects file holds the malformed lines", async () => {
    const lines = (await readFile(join(dir, "rejects.ndjson"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 6);
    for (const m of lines) {
      assert.deepEqual(Object.keys(m), ["file", "line", "reason", "raw"]);
      assert.equal(m.file, "scan34-iptablesyslog.gz");
      assert.equal(m.raw, honeynetLines[m.line - 1]);
      assert.ok(m.reason.length > 0);
    }
    assert.equal(lines[0].line, 13458);
    assert.match(lines[0].raw, /SRC=219\.255\.10\.22\.DST=11\.11\.79\.81/);
  });

  test("table and csv output", async () => {
    const t = await fwglow([
      "query",
      "SELECT proto, count(*) AS n FROM events GROUP BY proto ORDER BY n DESC",
      "-d",
      parquet,
    ]);
    assert.equal(t.code, 0, t.stderr);
    assert.equal(
      t.stdout,
      "proto       n\n-----  ------\nTCP    162461\nUDP     12391\nICMP     4878\n(3 rows)\n",
    );
    const c = await fwglow([
      "query",
      "SELECT -1 AS neg, '-1' AS txt, 'a,b' AS q, NULL AS z",
      "-d",
      parquet,
      "-f",
      "csv",
    ]);
    assert.equal(c.stdout, 'neg,txt,q,z\n-1,\'-1,"a,b",\n');
  });

  test("--where compiles psad criteria: the book's figure 14-14 selection (141 rows, psad's count)", async () => {
    const args = ["--where", "src:11.11.0.0/16 dst:not11.11.0.0/16", "--regex", "SYN URGP="];
    const q = await fwglow([
      "query",
      "SELECT count(*) AS n, count(DISTINCT dst) AS d, min(src) AS s, max(src) AS t FROM events",
      "-d",
      parquet,
      "-f",
      "csv",
      ...args,
    ]);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(q.stdout, "n,d,s,t\n141,40,11.11.79.67,11.11.79.67\n");
    const out = join(dir, "outbound.parquet");
    const c = await fwglow(["convert", "-o", out, "-q", ...args]);
    assert.equal(c.code, 0, c.stderr);
    const n = await fwglow(["query", "SELECT count(*) AS n FROM events", "-d", out, "-f", "csv"]);
    assert.equal(n.stdout, "n\n141\n");
  });

  test("--where errors point at the token, exit 2", async () => {
    const q = await fwglow(["query", "SELECT 1", "-d", parquet, "--where", "dst:11.11.0.0/99"]);
    assert.equal(q.code, 2);
    assert.match(q.stderr, /prefix length/);
    assert.match(q.stderr, /\^/);
    const r = await fwglow(["query", "SELECT 1", "-d", parquet, "--regex", "(a"]);
    assert.equal(r.code, 2);
  });
});

describe("fwglow parse", () => {
  const sample = () => `${honeynetLines.slice(0, 3).join("\n")}\n`;

  test("ndjson from stdin: field values of a real line", async () => {
    const r = await fwglow(["parse", "-", "--year", "2005"], sample());
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(events.length, 3);
    const e = events[0];
    assert.equal(e.file, "-");
    assert.equal(e.line, 1);
    assert.equal(e.ts, "2005-02-25 12:11:24");
    assert.equal(e.ts_text, "Feb 25 12:11:24");
    assert.equal(e.host, "bridge");
    assert.equal(e.prefix, "INBOUND TCP:");
    assert.equal(e.chain, "FORWARD");
    assert.equal(e.in_if, "br0");
    assert.equal(e.phys_in, "eth0");
    assert.equal(e.phys_out, "eth1");
    assert.equal(e.src, "220.228.136.38");
    assert.equal(e.src_v4, ((220 * 256 + 228) * 256 + 136) * 256 + 38);
    assert.equal(e.dst, "11.11.79.83");
    assert.equal(e.ttl, 47);
    assert.equal(e.ip_id, 17159);
    assert.equal(e.df, true);
    assert.equal(e.proto, "TCP");
    assert.equal(e.spt, 1629);
    assert.equal(e.dpt, 139);
    assert.equal(e.window, 44620);
    assert.equal(e.flags, "SYN");
    assert.equal(e.syn, true);
    assert.equal(e.ack, false);
    assert.equal(e.raw, honeynetLines[0]);
    assert.equal("src_v6_hi" in e, false, "null columns are omitted");
    assert.match(r.stderr, /3 lines: 3 events, 0 other, 0 malformed/);
  });

  test("csv: header and values", async () => {
    const r = await fwglow(["parse", "--format", "csv", "--year", "2005", "-"], sample());
    assert.equal(r.code, 0, r.stderr);
    const [header, first] = r.stdout.split("\n");
    const names = header.split(",");
    assert.deepEqual(
      names,
      COLUMNS.map(([n]) => n),
    );
    const cells = first.split(",");
    const cell = (name: string) => cells[(names as string[]).indexOf(name)];
    assert.equal(cell("src"), "220.228.136.38");
    assert.equal(cell("dpt"), "139");
    assert.equal(cell("syn"), "true");
    assert.equal(cell("mac"), "");
    assert.equal(cell("ts"), "2005-02-25 12:11:24");
    assert.equal(cell("raw"), honeynetLines[0]);
  });

  test("gzip input recognized by content, whatever the name", async () => {
    const path = join(dir, "compressed.log");
    await writeFile(path, gzipSync(sample()));
    const r = await fwglow(["parse", path, "--year", "2005", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(events.length, 3);
    assert.equal(events[2].file, "compressed.log");
    assert.equal(events[2].raw, honeynetLines[2]);
  });

  test("malformed lines are reported on stderr", async () => {
    const r = await fwglow(
      ["parse", "-", "--year", "2005"],
      `${honeynetLines[13457]}\nhello world\n`,
    );
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^-:1: .*SRC/m);
    assert.match(r.stderr, /2 lines: 0 events, 1 other, 1 malformed/);
  });

  test("convert from stdin", async () => {
    const out = join(dir, "stdin.parquet");
    const r = await fwglow(["convert", "-", "-o", out, "--year", "2005"], gzipSync(sample()));
    assert.equal(r.code, 0, r.stderr);
    const rows = await queryJson("SELECT file, line, dpt FROM events ORDER BY line", out);
    assert.deepEqual(rows, [
      { file: "-", line: 1, dpt: 139 },
      { file: "-", line: 2, dpt: 139 },
      { file: "-", line: 3, dpt: 135 },
    ]);
  });

  test("the bundled CLI and its sources through tsx (FWGLOW_NO_BUNDLE=1) write the same file", async () => {
    const input = gzipSync(honeynetLines.slice(0, 5000).join("\n"));
    const bundled = join(dir, "bundled.parquet");
    const sources = join(dir, "sources.parquet");
    const a = await fwglow(["convert", "-", "-o", bundled, "--year", "2005"], input);
    assert.equal(a.code, 0, a.stderr);
    const b = await fwglow(["convert", "-", "-o", sources, "--year", "2005"], input, {
      FWGLOW_NO_BUNDLE: "1",
    });
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stderr, /5,000 lines: 5,000 events/);
    assert.deepEqual(await readFile(sources), await readFile(bundled));
  });
});

describe("encoders", () => {
  test("csv quoting (RFC 4180)", () => {
    assert.equal(csvText("plain"), "plain");
    assert.equal(csvText("a,b"), '"a,b"');
    assert.equal(csvText('say "hi"'), '"say ""hi"""');
    assert.equal(csvText("two\nlines"), '"two\nlines"');
    assert.equal(csvText("cr\rhere"), '"cr\rhere"');
    assert.equal(csvRow(["x", null, 3, true, 5n]), "x,,3,true,5");
  });

  test("csv formula-injection guard", () => {
    assert.equal(csvText("=1+1"), "'=1+1");
    assert.equal(csvText("+cmd"), "'+cmd");
    assert.equal(csvText("-DROP-"), "'-DROP-");
    assert.equal(csvText("@SUM(A1)"), "'@SUM(A1)");
    assert.equal(csvText("\tx"), "'\tx");
    assert.equal(csvText("\rx"), '"\'\rx"');
    assert.equal(csvText('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    // numbers are not text: never prefixed
    assert.equal(csvCell(-1), "-1");
    assert.equal(csvCell(-0.5), "-0.5");
    assert.equal(csvText("a=b"), "a=b");
  });

  test("ndjson: bigints exact, nulls omitted", () => {
    const e = Object.fromEntries(COLUMNS.map(([n]) => [n, null])) as unknown as FwEvent;
    e.file = "f";
    e.line = 1;
    e.raw = "r";
    e.src_v6_hi = 0x20010db800000000n;
    e.src_v6_lo = 2n;
    const json = eventJson(e);
    assert.equal(
      json,
      '{"file":"f","line":1,"src_v6_hi":"2306139568115548160","src_v6_lo":2,"raw":"r"}',
    );
    assert.equal(BigInt(JSON.parse(json).src_v6_hi), 0x20010db800000000n);
  });

  test("timestamp text → microseconds", () => {
    assert.equal(tsToMicros("2005-02-25 12:11:24"), Date.UTC(2005, 1, 25, 12, 11, 24) * 1000);
    assert.equal(
      tsToMicros("2024-01-02 03:04:05.123456"),
      Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 123456,
    );
    assert.equal(
      tsToMicros("2024-01-02 03:04:05.5"),
      Date.UTC(2024, 0, 2, 3, 4, 5) * 1000 + 500000,
    );
    assert.ok(Number.isNaN(tsToMicros("Feb 25 12:11:24")));
  });
});

describe("errors and exit codes", () => {
  test("no command → usage, exit 2", async () => {
    const r = await fwglow([]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /convert/);
  });

  test("bad arguments → one line, exit 2", async () => {
    for (const args of [
      ["convert", "x.log"],
      ["convert", "-o", join(dir, "x.parquet"), "--year", "05"],
      ["convert", "--bogus"],
      ["parse", "--format", "xml"],
      ["query"],
      ["query", "SELECT 1", "--format", "yaml"],
    ]) {
      const r = await fwglow(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  test("missing files → exit 1", async () => {
    for (const args of [
      ["convert", join(dir, "nope.log"), "-o", join(dir, "x.parquet")],
      ["parse", join(dir, "nope.log")],
      ["parse", join(dir, "nope-*.log")],
      ["query", "SELECT 1", "--data", join(dir, "nope.parquet")],
    ]) {
      const r = await fwglow(args);
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^fwglow \w+: .*nope/);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
  });

  test("bad SQL → one line, exit 2", async () => {
    const out = join(dir, "small.parquet");
    const c = await fwglow(["convert", "-", "-o", out, "--year", "2005"], `${honeynetLines[0]}\n`);
    assert.equal(c.code, 0, c.stderr);
    const r = await fwglow(["query", "SELEKT nothing FROM events", "--data", out]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^fwglow query: .*syntax error/i);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    const r2 = await fwglow(["query", "SELECT no_such_column FROM events", "--data", out]);
    assert.equal(r2.code, 2);
  });
});
