// Property: for random psad filters, the JS predicate and the DuckDB SQL select exactly the
// same events (honeynet sample + IPv4/IPv6 test scans, loaded into a table built from COLUMNS).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { type DuckDBAppender, type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { ALIASES, ALL_FIELDS, parseFilter, toPredicate, toSql } from "../src/lib/filter/index.js";
import { createLineParser } from "../src/lib/parse/index.js";
import { psadSees, psadSkip } from "../src/lib/psad/visible.js";
import { COLUMNS, type FwEvent } from "../src/lib/schema.js";

const SCANS = "/work/shared/data/psad/test-scans";

const HONEY = gunzipSync(readFileSync(new URL("../data/scan34-iptablesyslog.gz", import.meta.url)))
  .toString("latin1")
  .split("\n");
const SCAN_FILES = readdirSync(SCANS).map(
  (f) => [f, readFileSync(`${SCANS}/${f}`, "latin1").split("\n")] as const,
);

/**
 * A sample of the shared parser's events (what `fwglow psad`, `fwglow query` and the pages
 * filter): those psad prints and those it skips (TCP ACK/RST, AH/ESP, …).
 */
function loadEvents(): FwEvent[] {
  const events: FwEvent[] = [];
  const parse = createLineParser({ file: "scan34", year: 2005 });
  HONEY.forEach((l, i) => {
    const r = parse(l, i + 1); // the parser needs every line (year rollovers)
    if (i % 12 === 0 && r.kind === "event") events.push(r.event);
  });
  for (const [f, lines] of SCAN_FILES) {
    const p = createLineParser({ file: f });
    lines.forEach((l, i) => {
      const r = p(l, i + 1);
      if (r.kind === "event" && (lines.length < 600 || i % 7 === 0 || i % 7 === 3))
        events.push(r.event);
    });
  }
  return events;
}

function append(app: DuckDBAppender, type: string, v: unknown): void {
  if (v === null || v === undefined) app.appendNull();
  else if (type === "VARCHAR") app.appendVarchar(String(v));
  else if (type === "UINTEGER") app.appendUInteger(v as number);
  else if (type === "UTINYINT") app.appendUTinyInt(v as number);
  else if (type === "USMALLINT") app.appendUSmallInt(v as number);
  else if (type === "UBIGINT") app.appendUBigInt(BigInt(v as bigint));
  else if (type === "DOUBLE") app.appendDouble(v as number);
  else if (type === "BOOLEAN") app.appendBoolean(v as boolean);
  else app.appendNull();
}

let events: FwEvent[] = [];
let db: DuckDBInstance;
let conn: DuckDBConnection;

before(async () => {
  events = loadEvents();
  db = await DuckDBInstance.create(":memory:");
  conn = await db.connect();
  const cols = COLUMNS.map(([n, t]) => `"${n}" ${t}`).join(", ");
  await conn.run(`CREATE TABLE events (idx UINTEGER, ${cols})`);
  const app = await conn.createAppender("events");
  events.forEach((e, i) => {
    app.appendUInteger(i);
    for (const [n, t] of COLUMNS) append(app, t, e[n]);
    app.endRow();
  });
  app.closeSync();
});

after(() => {
  conn?.closeSync();
});

async function sqlRows(where: string): Promise<number[]> {
  const r = await conn.runAndReadAll(`SELECT idx FROM events WHERE ${where} ORDER BY idx`);
  return r.getRows().map((row) => Number(row[0]));
}

function jsRows(pred: (e: FwEvent) => boolean): number[] {
  const out: number[] = [];
  events.forEach((e, i) => {
    if (pred(e)) out.push(i);
  });
  return out;
}

const names = [...ALL_FIELDS, ...Object.keys(ALIASES)];
const v4 = fc.oneof(
  fc.constantFrom(
    "11.11.79.67",
    "11.11.79.83",
    "192.168.10.1",
    "192.168.10.55",
    "10.0.0.1",
    "4.4.4.4",
  ),
  fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
    .map(([a, b]) => `11.11.${a}.${b}`),
);
const v6 = fc.constantFrom(
  "2012:1234:1234::1",
  "2012:1234:1234::/48",
  "2001:db8::/32",
  "2001:db8:0:f101::2",
  "fe80::/10",
  "fe80::213:46ff:fe3a:4136/64",
  "::1",
  "ff02::/16",
  "2012:1234:1234:0:0:0:0:2/127",
);
const regexes = fc.constantFrom(
  "SYN",
  "^INBOUND",
  "tcp|udp",
  "^\\d+$",
  "6\\d{3}",
  "[0-9]+\\.[0-9]+",
  "0x[0-9A-F]{2}",
  "\\bTCP\\b",
  "O.T",
  "^$",
  "eth\\d",
  "\\s",
  "a*",
  "(?:80|443)$",
  "[^0-9]",
  "ICMP|[Ff]",
  "11\\.11\\.79\\.",
  "Mar\\s+1",
  "fe80:",
);
const crit = fc.oneof(
  fc.nat({ max: 70000 }).map(String),
  fc.constantFrom(
    "80",
    "6667",
    "92",
    "0",
    "1",
    "22",
    "135",
    "1434",
    "6",
    "17",
    "64",
    "48",
    "8",
    "3",
  ),
  fc.nat({ max: 70000 }).map((n) => `>${n}`),
  fc.nat({ max: 2000 }).map((n) => `<${n}`),
  regexes.map((r) => `/${r}/`),
  fc.constantFrom(
    "'SYN'",
    "'tcp'",
    "'FORWARD'",
    "'INBOUNDTCP'",
    "'-1'",
    "'NULL'",
    "'0x00'",
    "'br0'",
    "''",
    "'it''s'",
  ),
  v4,
  fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, n]) => `${a}/${n}`),
  fc
    .tuple(v4, fc.constantFrom("255.255.0.0", "255.255.255.0", "255.0.0.0", "255.255.255.252"))
    .map(([a, m]) => `${a}/${m}`),
  v6,
);
const token = fc
  .tuple(fc.constantFrom(...names), fc.option(fc.tuple(fc.boolean(), crit), { nil: undefined }))
  .map(([n, c]) => (c ? `${n}:${c[0] ? "not" : ""}${c[1]}` : n));
const meaningful = fc.constantFrom(
  "dp:80",
  "dp:<1024",
  "sp:>1024",
  "src:11.11.0.0/16",
  "dst:not11.11.0.0/16",
  "src:not11.11.79.67",
  "dst:11.11.79.0/255.255.255.0",
  "proto:'tcp'",
  "proto:not'udp'",
  "flags:'SYN'",
  "flags:/FIN|PSH/",
  "ip_len:>60",
  "ttl:<64",
  "src:2012:1234:1234::/48",
  "dst:notfe80::/10",
  "log_prefix:/OUT/",
  "itype:8",
  "icode:not0",
  "intf:/eth/",
  "chain:'INPUT'",
  "tos:'0x00'",
  "win:>8000",
  "is_ipv6:1",
  "frag_bit:not1",
  "hop_limit:>100",
  "timestamp:/^Mar/",
  "src_mac:/^00:/",
);
const filterText = fc
  .array(fc.oneof(token, meaningful, meaningful), { minLength: 1, maxLength: 4 })
  .map((t) => t.join(" "));

test("predicate and SQL select the same events", async () => {
  assert.ok(events.length > 10000, `events loaded: ${events.length}`);
  assert.ok(events.some((e) => e.family === 6));
  let nonTrivial = 0;
  await fc.assert(
    fc.asyncProperty(
      filterText,
      fc.option(regexes, { nil: undefined }),
      fc.option(regexes, { nil: undefined }),
      async (fields, regex, negRegex) => {
        let f: ReturnType<typeof parseFilter>;
        try {
          f = parseFilter(fields, { regex, negRegex });
        } catch {
          return; // address criteria on non-address fields etc. are rejected, not compiled
        }
        const js = jsRows(toPredicate(f));
        const sql = await sqlRows(toSql(f));
        if (js.length > 0 && js.length < events.length) nonTrivial++;
        assert.deepEqual(
          sql,
          js,
          `filter ${JSON.stringify(fields)} regex=${regex} neg=${negRegex}\nSQL: ${toSql(f)}`,
        );
      },
    ),
    { numRuns: 300 },
  );
  assert.ok(nonTrivial > 30, `non-trivial filters: ${nonTrivial}`);
});

test("every field: printed text in SQL equals the predicate's value", async () => {
  // compare each field's value through a /^…$/ regex-free path: 'string' equality on the exact text
  for (const name of ALL_FIELDS) {
    const f = parseFilter(`${name}:/./`);
    const js = jsRows(toPredicate(f));
    const sql = await sqlRows(toSql(f));
    assert.deepEqual(sql, js, name);
  }
  const fields = parseFilter(ALL_FIELDS.join(" ")).fields;
  const exprs = fields.map(
    (s, i) =>
      `${s.field.kind === "num" ? `coalesce(CAST((${s.field.sql}) AS VARCHAR), '-1')` : `(${s.field.sql})`} AS f${i}`,
  );
  const r = await conn.runAndReadAll(`SELECT idx, ${exprs.join(", ")} FROM events ORDER BY idx`);
  for (const row of r.getRows()) {
    const e = events[Number(row[0])] as FwEvent;
    fields.forEach((s, i) => {
      const v = s.field.value(e);
      assert.equal(String(row[i + 1]), v === null ? "-1" : String(v), `${s.name} of ${e.raw}`);
    });
  }
});

test("the sample holds events psad prints and events it skips", () => {
  const seen = events.filter((e) => psadSees(e)).length;
  assert.ok(events.length > 15000, `events: ${events.length}`);
  assert.ok(seen > 0.8 * events.length && seen < events.length, `psad sees ${seen}`);
  assert.ok(events.some((e) => !psadSees(e) && e.proto === "TCP" && e.ack));
  const reasons = new Set(events.map((e) => psadSkip(e)).filter((r) => r !== null));
  assert.ok(reasons.size >= 3, [...reasons].join(", "));
  assert.ok(events.some((e) => e.family === 6 && psadSees(e)));
});
