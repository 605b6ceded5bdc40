import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  FilterError,
  parseFilter,
  parseNet,
  portableRegex,
  sqlString,
  toPredicate,
  toSql,
} from "../src/lib/filter/index.js";
import { createLineParser } from "../src/lib/parse/index.js";
import type { FwEvent } from "../src/lib/schema.js";

const parse = createLineParser({ file: "t" });
function ev(raw: string): FwEvent {
  const r = parse(raw, 1);
  assert.equal(r.kind, "event", raw);
  return (r as { event: FwEvent }).event;
}
const TCP = ev(
  "Feb 25 12:11:24 bridge kernel: INBOUND TCP: IN=br0 PHYSIN=eth0 OUT=br0 PHYSOUT=eth1 SRC=220.228.136.38 DST=11.11.79.83 LEN=64 TOS=0x00 PREC=0x00 TTL=47 ID=17159 DF PROTO=TCP SPT=1629 DPT=139 WINDOW=44620 RES=0x00 SYN URGP=0 ",
);
const V6 = ev(
  "Dec 20 20:10:51 rohan kernel: [  499.178765] DROP IN=eth0 OUT= MAC=00:1b:f9:76:9c:e4:0a:13:33:3a:33:36:86:ed SRC=2012:1234:1234:0000:0000:0000:0000:0001 DST=2012:1234:1234:0000:0000:0000:0000:0002 LEN=60 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=26732 DPT=78 WINDOW=8192 RES=0x00 SYN URGP=0 ",
);
const PING = ev(
  "Mar 23 21:29:27 linux kernel: [1503546.179768] ICMP IN=eth0 OUT= MAC=23:87:fc:c6:24:58:00:21:3f:98:99:78:09:00 SRC=192.168.10.55 DST=192.168.10.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=18443 PROTO=ICMP TYPE=8 CODE=0 ID=2158 SEQ=512",
);
const m = (fields: string, e: FwEvent, opts = {}) => toPredicate(parseFilter(fields, opts))(e);

describe("parseFilter", () => {
  test("typed AST: names, aliases, criteria, negation, counts", () => {
    const f = parseFilter(
      "timestamp DPT:1434,counthour SRC:not11.11.0.0/16 flags:'SYN' ip_len:>60 log_prefix:/IN/",
    );
    assert.deepEqual(
      f.fields.map((s) => [s.name, s.criterion?.kind ?? null, s.negate, s.count]),
      [
        ["timestamp", null, false, null],
        ["dp", "num", false, "counthour"],
        ["src", "net", true, null],
        ["flags", "str", false, null],
        ["ip_len", "num", false, null],
        ["log_prefix", "regex", false, null],
      ],
    );
    assert.deepEqual(f.count, { index: 1, mode: "counthour" });
    assert.equal(parseFilter("").fields.length, 11); // psad's default fields
    assert.equal(parseFilter("src dp:count,").count?.mode, "count");
    assert.equal(parseFilter("timestamp dp:countdayuniq").count?.mode, "countdayuniq"); // psad breaks on this one
  });

  test("errors carry the token's position and point at it", () => {
    try {
      parseFilter("src dst bogus:1");
      assert.fail("no error");
    } catch (e) {
      assert.ok(e instanceof FilterError);
      assert.equal(e.position, 8);
      assert.equal(e.token, "bogus:1");
      assert.match(
        e.message,
        /bogus is not a valid packet field; valid fields are: timestamp syslog_host src dst/,
      );
      assert.match(e.message, /\n {10}\^{7}$/);
    }
    assert.throws(() => parseFilter("dp:1,count sp:countuniq"), /multiple fields/);
    assert.throws(() => parseFilter("dp:counthour"), /first field must be 'timestamp'/);
    assert.throws(() => parseFilter("src dp:countfoo"), /unknown count mode/);
    assert.throws(() => parseFilter("dp:11.11.0.0/16"), /only to src and dst/);
    assert.throws(() => parseFilter("src:11.11.0.0/33"), /prefix length/);
    assert.throws(() => parseFilter("src:11.11.0.0/255.0.255.0"), /not contiguous/);
    assert.throws(() => parseFilter("src:300.1.1.1"), /not an IPv4 address/);
    assert.throws(() => parseFilter("dp:abc"), /unrecognized criterion/);
    assert.throws(() => parseFilter("dp:99999999999999999999"), /too large/);
  });

  test("regexes: constructs that differ between JS and RE2 are rejected", () => {
    assert.throws(() => parseFilter("src", { regex: "(a)\\1" }), /backreference/);
    assert.throws(() => parseFilter("src", { regex: "a(?=b)" }), /lookahead/);
    assert.throws(() => parseFilter("src", { negRegex: "(?<!a)b" }), /lookbehind/);
    assert.throws(() => parseFilter("log_prefix:/(?i)in/"), /group \(\?i/);
    assert.throws(() => parseFilter("src", { regex: "a++" }), /possessive/);
    assert.throws(() => parseFilter("src", { regex: "\\p{L}" }), /escape \\p/);
    assert.throws(() => parseFilter("src", { regex: "[]a]" }), /starting with \]/);
    assert.throws(
      () => parseFilter("src", { regex: "(" }),
      /Invalid regular expression|Unterminated group/,
    );
    assert.equal(
      portableRegex("a.b\\sc\\S[\\s,]"),
      "a[^\\n]b[\\t\\n\\x0B\\f\\r ]c[^\\t\\n\\x0B\\f\\r ][\\t\\n\\x0B\\f\\r ,]",
    );
  });
});

describe("matching (psad's rules)", () => {
  test("numbers, strings, regexes, negation", () => {
    assert.ok(m("dp:139", TCP));
    assert.ok(!m("dp:not139", TCP));
    assert.ok(m("ip_len:>63 ip_len:<65", TCP));
    assert.ok(m("flags:'SYN' proto:'tcp' log_prefix:'INBOUNDTCP' tos:'0x00'", TCP));
    assert.ok(m("intf:br0 chain:FORWARD".replace(/:(\w+)/g, ":'$1'"), TCP));
    assert.ok(m("flags:/^SYN$/", TCP));
    // missing numbers (-1) never match a numeric criterion, negated or not
    assert.ok(!m("itype:8", TCP));
    assert.ok(!m("itype:not8", TCP));
    assert.ok(m("itype:'-1'", TCP));
    // proto is text: numeric criteria only match numeric protocols
    assert.ok(!m("proto:6", TCP));
  });

  test("addresses: CIDR, dotted netmask, host; families never cross", () => {
    assert.ok(m("dst:11.11.0.0/16", TCP));
    assert.ok(m("dst:11.11.79.0/255.255.255.0", TCP));
    assert.ok(m("dst:11.11.79.83", TCP));
    assert.ok(!m("dst:not11.11.0.0/16", TCP));
    assert.ok(m("src:2012:1234:1234::/48", V6));
    assert.ok(m("src:2012:1234:1234::1", V6));
    assert.ok(!m("src:11.11.0.0/16", V6));
    assert.ok(m("src:not11.11.0.0/16", V6)); // psad keeps IPv6 rows under an IPv4 'not'
    assert.ok(!m("src:2012::/16", TCP));
    assert.ok(m("src:not2012::/16", TCP));
  });

  test("regexes on the raw line", () => {
    assert.ok(m("src", TCP, { regex: "SYN URGP=" }));
    assert.ok(!m("src", TCP, { negRegex: "SRC=220\\." }));
  });

  test("ICMP echo: real ID and SEQ (psad swaps them)", () => {
    assert.ok(m("icmp_id:2158 icmp_seq:512 sp:0 dp:0", PING));
  });
});

describe("toSql", () => {
  test("user text only inside escaped literals", () => {
    assert.equal(sqlString("it's"), "'it''s'");
    const sql = toSql(
      parseFilter("log_prefix:'a''b' flags:/x'y/", { regex: "'; DROP TABLE events; --" }),
    );
    assert.match(sql, /regexp_matches\(raw, '''; DROP TABLE events; --'\)/);
    assert.ok(sql.includes("= 'a''''b'")); // psad keeps the text between the quotes: a''b
  });

  test("ranges are integers", () => {
    assert.match(toSql(parseFilter("src:11.11.0.0/16")), /src_v4 BETWEEN 185270272 AND 185335807/);
    assert.match(
      toSql(parseFilter("dst:2001:db8::/32")),
      /dst_v6_hi BETWEEN 2306139568115548160::UBIGINT AND 2306139572410515455::UBIGINT/,
    );
    assert.match(
      toSql(parseFilter("dst:2001:db8::1")),
      /dst_v6_hi = 2306139568115548160::UBIGINT AND dst_v6_lo BETWEEN 1::UBIGINT AND 1::UBIGINT/,
    );
    assert.equal(toSql(parseFilter("src dst")), "TRUE");
  });

  test("parseNet", () => {
    assert.deepEqual(parseNet("11.11.79.67/24"), { family: 4, lo: 185290496n, hi: 185290751n });
    assert.deepEqual(parseNet("::ffff:1.2.3.4"), {
      family: 6,
      lo: 0xffff01020304n,
      hi: 0xffff01020304n,
    });
  });
});
