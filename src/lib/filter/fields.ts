// psad's packet field names (its `%pkt_NF_init` keys) mapped onto the event schema.
//
// Each field has one *psad value*: the text psad prints in `--CSV` output and the value its
// criteria compare against. Numeric fields are a number or `null` (psad's `-1`, which no
// numeric criterion ever matches); text fields are always a string (`''` when absent).
// Every field is defined twice — as a JavaScript accessor over an `FwEvent` and as a DuckDB
// SQL expression over the schema columns — and the property test in
// test/filter.property.test.ts checks that both agree on real data.
import type { FwEvent } from "../schema.js";

export type FieldKind = "num" | "str" | "addr";

export interface FieldDef {
  /** psad's field name. */
  name: string;
  kind: FieldKind;
  /** The psad value of this field for an event (number|null for "num", string otherwise). */
  value(e: FwEvent): number | string | null;
  /** SQL expression with the same value (INTEGER/NULL for "num", VARCHAR otherwise). */
  sql: string;
  /** Schema columns the field reads (documentation, and for callers that project columns). */
  columns: readonly (keyof FwEvent)[];
  /**
   * Cheaper grouping than by `sql` (the explorer's figures), for data holding the given kinds
   * of addresses: typed key expressions that fix the value, the value (as `sql` gives it) from
   * the grouped key columns, and whether it is present ('' when absent). Without it, a field
   * groups by `sql` itself.
   */
  keys?(kinds: AddressKinds): {
    sql: string[];
    value(cols: string[]): string;
    present(cols: string[]): string;
  };
}

/**
 * Which kinds of address a data set holds besides IPv4: IPv6, or text that is neither (not
 * from fwglow's parser, which refuses such lines, but a Parquet file from elsewhere may).
 */
export interface AddressKinds {
  v6: boolean;
  text: boolean;
}

/** Every kind: right for any data, and the slowest to group. */
export const ANY_ADDRESS: AddressKinds = { v6: true, text: true };

const isV4 = (which: "src" | "dst") => `family = 4 AND ${which}_v4 IS NOT NULL`;
const isV6 = (which: "src" | "dst") => `family = 6 AND ${which}_v6_hi IS NOT NULL`;
const isText = (which: "src" | "dst") =>
  `NOT coalesce(${isV4(which)} OR ${isV6(which)}, false) AND coalesce(${which}, '') <> ''`;

/** One row (`v6`, `text`): the AddressKinds of table `events`. */
export const ADDRESS_KINDS_SQL = `SELECT coalesce(bool_or(${isV6("src")} OR ${isV6("dst")}), false) AS v6, coalesce(bool_or(${isText("src")} OR ${isText("dst")}), false) AS text FROM events`;

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, "0");

/** A 64-bit half as 4 groups of 4 lower-case hex digits. */
function v6Half(h: bigint): string {
  const s = h.toString(16).padStart(16, "0");
  return `${s.slice(0, 4)}:${s.slice(4, 8)}:${s.slice(8, 12)}:${s.slice(12, 16)}`;
}

/** IPv6 address in the full, uncompressed form psad prints (as the kernel logs it). */
export function fullV6(hi: bigint, lo: bigint): string {
  return `${v6Half(hi)}:${v6Half(lo)}`;
}

function addrText(e: FwEvent, which: "src" | "dst"): string {
  if (e.family === 6) {
    const hi = which === "src" ? e.src_v6_hi : e.dst_v6_hi;
    const lo = which === "src" ? e.src_v6_lo : e.dst_v6_lo;
    if (hi !== null && lo !== null) return fullV6(BigInt(hi), BigInt(lo));
  }
  return (which === "src" ? e.src : e.dst) ?? "";
}

function sqlV6Full(hi: string, lo: string): string {
  const h = `lower(lpad(hex(${hi}), 16, '0') || lpad(hex(${lo}), 16, '0'))`;
  const parts: string[] = [];
  for (let i = 0; i < 8; i++) parts.push(`substr(${h}, ${i * 4 + 1}, 4)`);
  return `concat_ws(':', ${parts.join(", ")})`;
}

/**
 * An address grouped by its integers: the IPv4 quad or the IPv6 high half in one key, the
 * IPv6 low half in a second (NULL for IPv4, which tells the two apart), the text in a third
 * only when neither is set. No text is hashed and no IPv6 text built per row. The parser
 * stores the canonical quad in `src`/`dst` whenever it sets `*_v4`, so the quad printed back
 * is the same.
 */
function addrKeys(which: "src" | "dst"): FieldDef["keys"] {
  const v4 = isV4(which);
  const v6 = isV6(which);
  // A kind the data lacks would only add a key column that is NULL in every row.
  return (kinds) => {
    const sql = [
      `CASE WHEN ${v4} THEN ${which}_v4 ${kinds.v6 ? `WHEN ${v6} THEN ${which}_v6_hi ` : ""}END`,
    ];
    if (kinds.v6) sql.push(`CASE WHEN ${v6} THEN ${which}_v6_lo END`);
    if (kinds.text) sql.push(`CASE WHEN ${v4} OR ${v6} THEN NULL ELSE coalesce(${which}, '') END`);
    const parts = (cols: string[]) => ({
      int: cols[0] as string,
      lo: kinds.v6 ? cols[1] : null,
      text: kinds.text ? cols[kinds.v6 ? 2 : 1] : null,
    });
    return {
      sql,
      value: (cols) => {
        const { int, lo, text } = parts(cols);
        const v6Text = lo ? `WHEN ${lo} IS NOT NULL THEN ${sqlV6Full(int, lo)} ` : "";
        return `CASE ${v6Text}WHEN ${int} IS NOT NULL THEN ${sqlV4Text(int)} ELSE ${text ?? "''"} END`;
      },
      present: (cols) => {
        const { int, text } = parts(cols);
        return text ? `(${int} IS NOT NULL OR ${text} <> '')` : `${int} IS NOT NULL`;
      },
    };
  };
}

function sqlV4Text(int: string): string {
  return `concat_ws('.', ${int} >> 24, (${int} >> 16) & 255, (${int} >> 8) & 255, ${int} & 255)`;
}

const isIcmp = (e: FwEvent): boolean => e.proto === "ICMP" || e.proto === "ICMPv6";
const SQL_IS_ICMP = `proto IN ('ICMP', 'ICMPv6')`;

/** Strip psad's way: every non-word character removed (`INBOUND TCP:` → `INBOUNDTCP`). */
export function stripPrefix(p: string | null): string {
  return p === null ? "" : p.replace(/[^A-Za-z0-9_]/g, "");
}

/**
 * psad's option text: what is inside `OPT (…)` (the column may hold it with or without the
 * wrapper), and only when it has no white space (psad's `OPT\s+\((\S+)\)`), else ''.
 */
function unwrapOpt(s: string | null): string {
  if (s === null) return "";
  const m = /^OPT \(([\s\S]*)\)$/.exec(s);
  const inner = m ? (m[1] as string) : s;
  return inner !== "" && !/[\t\n\v\f\r ]/.test(inner) ? inner : "";
}
const sqlUnwrapOpt = (col: string): string => {
  const inner = `regexp_replace(coalesce(${col}, ''), '^OPT \\(([\\s\\S]*)\\)$', '\\1')`;
  return `CASE WHEN regexp_matches(${inner}, '^[^\\t\\n\\x0B\\f\\r ]+$') THEN ${inner} ELSE '' END`;
};

function num(name: string, col: keyof FwEvent, sql?: string): FieldDef {
  return {
    name,
    kind: "num",
    value: (e) => (e[col] as number | null) ?? null,
    sql: sql ?? `"${col}"`,
    columns: [col],
  };
}

const FIELD_LIST: FieldDef[] = [
  {
    name: "timestamp",
    kind: "str",
    value: (e) => e.ts_text ?? "",
    sql: `coalesce(ts_text, '')`,
    columns: ["ts_text"],
  },
  {
    name: "syslog_host",
    kind: "str",
    value: (e) => e.host ?? "unknown",
    sql: `coalesce(host, 'unknown')`,
    columns: ["host"],
  },
  {
    name: "src",
    kind: "addr",
    value: (e) => addrText(e, "src"),
    sql: `CASE WHEN family = 6 AND src_v6_hi IS NOT NULL THEN ${sqlV6Full("src_v6_hi", "src_v6_lo")} ELSE coalesce(src, '') END`,
    columns: ["family", "src", "src_v4", "src_v6_hi", "src_v6_lo"],
    keys: addrKeys("src"),
  },
  {
    name: "dst",
    kind: "addr",
    value: (e) => addrText(e, "dst"),
    sql: `CASE WHEN family = 6 AND dst_v6_hi IS NOT NULL THEN ${sqlV6Full("dst_v6_hi", "dst_v6_lo")} ELSE coalesce(dst, '') END`,
    columns: ["family", "dst", "dst_v4", "dst_v6_hi", "dst_v6_lo"],
    keys: addrKeys("dst"),
  },
  {
    name: "sp",
    kind: "num",
    value: (e) => (isIcmp(e) ? 0 : e.spt),
    sql: `CASE WHEN ${SQL_IS_ICMP} THEN 0 ELSE spt END`,
    columns: ["proto", "spt"],
  },
  {
    name: "dp",
    kind: "num",
    value: (e) => (isIcmp(e) ? 0 : e.dpt),
    sql: `CASE WHEN ${SQL_IS_ICMP} THEN 0 ELSE dpt END`,
    columns: ["proto", "dpt"],
  },
  {
    name: "proto",
    kind: "str",
    value: (e) => (e.proto === null ? "" : e.proto === "ICMPv6" ? "icmp6" : e.proto.toLowerCase()),
    sql: `CASE WHEN proto = 'ICMPv6' THEN 'icmp6' ELSE lower(coalesce(proto, '')) END`,
    columns: ["proto"],
  },
  {
    // psad: TCP flags minus RES=, `NULL` when none; every other protocol keeps the -1 default.
    name: "flags",
    kind: "str",
    value: (e) => (e.proto === "TCP" ? e.flags || "NULL" : "-1"),
    sql: `CASE WHEN proto = 'TCP' THEN CASE WHEN coalesce(flags, '') = '' THEN 'NULL' ELSE flags END ELSE '-1' END`,
    columns: ["proto", "flags"],
  },
  num("ip_len", "len"),
  {
    name: "ttl",
    kind: "num",
    value: (e) => (e.family === 6 ? null : e.ttl),
    sql: `CASE WHEN family = 6 THEN NULL ELSE ttl END`,
    columns: ["family", "ttl"],
  },
  {
    name: "ip_id",
    kind: "num",
    value: (e) => (e.family === 6 ? null : e.ip_id),
    sql: `CASE WHEN family = 6 THEN NULL ELSE ip_id END`,
    columns: ["family", "ip_id"],
  },
  {
    // psad captures TOS only for IPv4 TCP and UDP, as logged (`0x00`).
    name: "tos",
    kind: "str",
    value: (e) =>
      e.family === 4 && (e.proto === "TCP" || e.proto === "UDP") && e.tos !== null
        ? `0x${hex2(e.tos)}`
        : "",
    sql: `CASE WHEN family = 4 AND proto IN ('TCP', 'UDP') AND tos IS NOT NULL THEN printf('0x%02X', tos) ELSE '' END`,
    columns: ["family", "proto", "tos"],
  },
  num("win", "window"),
  num("itype", "icmp_type"),
  num("icode", "icmp_code"),
  num("icmp_id", "icmp_id"),
  num("icmp_seq", "icmp_seq"),
  {
    name: "intf",
    kind: "str",
    value: (e) => e.in_if ?? e.out_if ?? "",
    sql: `coalesce(in_if, out_if, '')`,
    columns: ["in_if", "out_if"],
  },
  {
    name: "chain",
    kind: "str",
    value: (e) => e.chain ?? "",
    sql: `coalesce(chain, '')`,
    columns: ["chain"],
  },
  {
    name: "log_prefix",
    kind: "str",
    value: (e) => stripPrefix(e.prefix),
    sql: `regexp_replace(coalesce(prefix, ''), '[^A-Za-z0-9_]', '', 'g')`,
    columns: ["prefix"],
  },
  {
    name: "src_mac",
    kind: "str",
    value: (e) => e.src_mac ?? "",
    sql: `coalesce(src_mac, '')`,
    columns: ["src_mac"],
  },
  {
    name: "dst_mac",
    kind: "str",
    value: (e) => e.dst_mac ?? "",
    sql: `coalesce(dst_mac, '')`,
    columns: ["dst_mac"],
  },
  {
    name: "frag_bit",
    kind: "num",
    value: (e) => (e.family !== 6 && e.df === true ? 1 : 0),
    sql: `CASE WHEN family IS DISTINCT FROM 6 AND df IS TRUE THEN 1 ELSE 0 END`,
    columns: ["family", "df"],
  },
  {
    name: "ip_opts",
    kind: "str",
    value: (e) => unwrapOpt(e.ip_opts),
    sql: sqlUnwrapOpt("ip_opts"),
    columns: ["ip_opts"],
  },
  {
    name: "tcp_opts",
    kind: "str",
    value: (e) => unwrapOpt(e.tcp_opts),
    sql: sqlUnwrapOpt("tcp_opts"),
    columns: ["tcp_opts"],
  },
  num("tcp_seq", "tcp_seq"),
  num("tcp_ack", "tcp_ack"),
  num("udp_len", "udp_len"),
  {
    name: "hop_limit",
    kind: "num",
    value: (e) => (e.family === 6 ? e.ttl : null),
    sql: `CASE WHEN family = 6 THEN ttl ELSE NULL END`,
    columns: ["family", "ttl"],
  },
  num("flow_label", "flow_label"),
  num("tc", "tc"),
  {
    name: "is_ipv6",
    kind: "num",
    value: (e) => (e.family === 6 ? 1 : 0),
    sql: `CASE WHEN family = 6 THEN 1 ELSE 0 END`,
    columns: ["family"],
  },
];

/** psad's fields by name, in psad's all-fields order (csv-golden/ALLFIELDS.txt). */
export const FIELDS: ReadonlyMap<string, FieldDef> = new Map(FIELD_LIST.map((f) => [f.name, f]));

/** psad's upper-case aliases (`SRC`, `DPT`, `IN`, …) → field names. */
export const ALIASES: Readonly<Record<string, string>> = {
  SRC: "src",
  DST: "dst",
  SPT: "sp",
  DPT: "dp",
  PROTO: "proto",
  TOS: "tos",
  WIN: "win",
  TYPE: "itype",
  CODE: "icode",
  TTL: "ttl",
  ID: "ip_id",
  SEQ: "icmp_seq",
  LEN: "ip_len",
  IN: "intf",
  OUT: "intf",
};

/** psad's default `--CSV-fields`. */
export const DEFAULT_FIELDS = "timestamp src dst sp dp proto flags ip_len intf chain log_prefix";

/** The all-fields list (psad's printable fields, in order). */
export const ALL_FIELDS: readonly string[] = FIELD_LIST.map((f) => f.name);

/** Render a psad value the way psad prints it: missing numbers are `-1`. */
export function renderValue(v: number | string | null): string {
  return v === null ? "-1" : typeof v === "number" ? String(v) : v;
}

/** SQL expression giving the printed text of a field (numbers as text, missing → '-1'). */
export function sqlText(f: FieldDef): string {
  return f.kind === "num" ? `coalesce(CAST((${f.sql}) AS VARCHAR), '-1')` : `(${f.sql})`;
}
