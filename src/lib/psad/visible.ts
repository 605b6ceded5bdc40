// What psad 2.4.6 shows of the shared parser's events: which events its `--CSV` and
// `--gnuplot` modes print (`psadSkip`), and how a field is printed (`psadFields`).
//
// Lines are parsed by the one parser (src/lib/parse); psad's own line parser
// (`parse_NF_pkt_str`, default psad.conf) is not ported. Instead, each reason psad has
// to skip a line it reads is one rule below, stated on the `FwEvent` (and, where psad's
// rule is about how the line is laid out rather than about a value, on `raw`).
// test/parse.psad.test.ts and test/psad.test.ts check the result against psad's output.
import { FIELDS, type FieldDef, type Filter } from "../filter/index.js";
import type { FwEvent } from "../schema.js";

/** Why psad does not print an event (the stderr summary of `fwglow psad` counts them). */
export type PsadSkipReason =
  | "TCP ACK/RST (IGNORE_CONNTRACK_BUG_PKTS)"
  | "no IN=/OUT= interface and chain"
  | "unrecognized protocol"
  | "IPv4 UDPLITE"
  | "IPv6 address not in full notation"
  | "strange TCP format"
  | "strange UDP format"
  | "strange ICMP format"
  | "strange IP format"
  | "bad TCP flags"
  | "ICMP echo without ID/SEQ";

export interface PsadVisibility {
  /** Keep TCP packets with ACK or RST (psad's `IGNORE_CONNTRACK_BUG_PKTS=N`). Default false. */
  keepAckRst?: boolean;
}

/**
 * psad 2.4.6's visibility rules: why psad would not print this event, or null if it would.
 * The rules, in psad's order (the first that applies is the reason):
 */
export function psadSkip(e: FwEvent, opts: PsadVisibility = {}): PsadSkipReason | null {
  const raw = e.raw;
  /**
   * 1. Interface and chain. psad reads only lines with `IN=` … `OUT=` (whitespace before
   *    `OUT=`), and needs a non-empty IN or OUT for its chain. So nftables-style lines
   *    without `OUT=`, and lines with both empty, are skipped.
   */
  if (e.chain === null || !hasOut(raw)) return "no IN=/OUT= interface and chain";

  const v6 = e.family === 6;
  /**
   * 2. IPv6 in full notation. psad's IPv6 address pattern is the kernel's `%pI6` form
   *    (8 groups of 4 hex digits): an IPv6 line whose first `SRC=`/`DST=` is compressed
   *    (`2001:db8::1`, as ulogd or a rewritten log writes it) matches none of its patterns.
   *    Numbered protocols too (psad's `SRC=($ipv6_re)\s+DST=($ipv6_re)\s+`).
   */
  if (v6 && !fullV6Pair(raw)) return "IPv6 address not in full notation";

  switch (e.proto) {
    case "TCP": {
      /**
       * 3. TCP header as psad's pattern wants it: IPv4 `LEN= TOS= … TTL= ID=`, IPv6
       *    `LEN= TC= HOPLIMIT= FLOWLBL=`, then `SPT= DPT= … WINDOW= … URGP=`. Lines without
       *    `URGP=` — the kernel's `INCOMPLETE [n bytes]` TCP headers, and truncated lines —
       *    are skipped ("strange TCP format").
       */
      const ipOk = v6
        ? e.len !== null && e.tc !== null && e.ttl !== null && e.flow_label !== null
        : e.len !== null && e.tos !== null && e.ttl !== null && e.ip_id !== null;
      if (!ipOk || e.spt === null || e.dpt === null || e.window === null || e.urgp === null)
        return "strange TCP format";
      /** 4. ACK or RST among the flags: `IGNORE_CONNTRACK_BUG_PKTS=Y`, psad's default. */
      if (!opts.keepAckRst && (e.ack === true || e.rst === true))
        return "TCP ACK/RST (IGNORE_CONNTRACK_BUG_PKTS)";
      /** 5. Flags psad accepts: none (`NULL`), or one of SYN RST URG PSH FIN ACK (ECE/CWR alone: no). */
      const f = e.flags ?? "";
      if (f !== "" && !/SYN|RST|URG|PSH|FIN|ACK/.test(f)) return "bad TCP flags";
      return null;
    }
    case "UDPLITE":
    case "UDP": {
      /** 6. UDPLITE over IPv4: psad's IPv4 UDP pattern wants `PROTO=UDP`. IPv6 UDPLITE is read as UDP. */
      if (e.proto === "UDPLITE" && !v6) return "IPv4 UDPLITE";
      /**
       * 7. UDP header as psad's pattern wants it: IPv4 `LEN= TOS= … TTL= ID=`, IPv6
       *    `LEN= TC= HOPLIMIT= FLOWLBL=` directly followed by `PROTO=` (no extension
       *    headers logged in between), then `SPT= DPT= LEN=`. INCOMPLETE headers and
       *    non-first fragments (no ports) are skipped.
       */
      const ipOk = v6
        ? e.len !== null && e.tc !== null && e.ttl !== null && e.flow_label !== null
        : e.len !== null && e.tos !== null && e.ttl !== null && e.ip_id !== null;
      if (!ipOk || e.spt === null || e.dpt === null || e.udp_len === null)
        return "strange UDP format";
      if (v6 && !protoAfterFlowLabel(raw)) return "strange UDP format";
      return null;
    }
    case "ICMP":
      /**
       * 8. IPv4 ICMP: `LEN= … TTL= ID= … PROTO=ICMP TYPE= CODE=`; echo request/reply (type
       *    8/0) also need `ID= SEQ=` after CODE=. (`PROTO=ICMP` on an IPv6 line: skipped.)
       */
      if (v6 || e.len === null || e.ttl === null || e.ip_id === null) return "strange ICMP format";
      if (e.icmp_type === null || e.icmp_code === null) return "strange ICMP format";
      if ((e.icmp_type === 8 || e.icmp_type === 0) && (e.icmp_id === null || e.icmp_seq === null))
        return "ICMP echo without ID/SEQ";
      return null;
    case "ICMPv6":
      /**
       * 9. ICMPv6 (IPv6 only): `LEN= TC= HOPLIMIT= FLOWLBL=` directly followed by
       *    `PROTO=ICMPv6 TYPE= CODE=`. (`PROTO=ICMPv6` on an IPv4 line: unknown protocol.)
       */
      if (!v6) return "unrecognized protocol";
      if (e.len === null || e.tc === null || e.ttl === null || e.flow_label === null)
        return "strange ICMP format";
      if (e.icmp_type === null || e.icmp_code === null || !protoAfterFlowLabel(raw))
        return "strange ICMP format";
      return null;
    default:
      /**
       * 10. Other protocols: psad knows them only by number (`PROTO=2`, the kernel's way
       *     for protocols it does not decode); named ones it does not know — AH, ESP, SCTP,
       *     GRE — are skipped. IPv4 needs `LEN= … TTL= ID=`.
       */
      if (e.proto === null || !isDigits(e.proto)) return "unrecognized protocol";
      if (!v6 && (e.len === null || e.ttl === null || e.ip_id === null)) return "strange IP format";
      return null;
  }
}

/** Whether psad 2.4.6 prints this event: {@link psadSkip} finds no reason not to. */
export function psadSees(e: FwEvent, opts: PsadVisibility = {}): boolean {
  return psadSkip(e, opts) === null;
}

// ---------------------------------------------------------------- rendering

/**
 * psad's `timestamp`: its pattern `^\s*((?:\S+\s+){2}\S+)\s+(\S+)\s+kernel:` takes the
 * line's first three words, so text glued to the stamp (grep -H's `file:` in
 * `file:Mar 17 13:39:13 host kernel: …`) is part of it; otherwise the stamp as logged.
 */
export function psadTimestamp(e: FwEvent): string {
  const t = e.ts_text;
  if (t === null) return "";
  const raw = e.raw;
  if (raw.startsWith(t)) return t;
  const at = raw.indexOf(t);
  if (at <= 0) return t;
  let start = at;
  while (start > 0 && !isSpaceCode(raw.charCodeAt(start - 1))) start--;
  return raw.slice(start, at + t.length);
}

/**
 * IPv6 with a numbered protocol: psad's pattern (`SRC=… DST=…`) captures only the
 * addresses, so `ip_len`, `hop_limit`, `flow_label` and `tc` stay -1.
 */
const v6Numbered = (e: FwEvent): boolean => e.family === 6 && e.proto !== null && isDigits(e.proto);

function override(name: string, value: FieldDef["value"]): [string, FieldDef] {
  return [name, { ...(FIELDS.get(name) as FieldDef), value }];
}
function v6NumberedMissing(name: string): [string, FieldDef] {
  const shared = FIELDS.get(name) as FieldDef;
  return override(name, (e) => (v6Numbered(e) ? null : shared.value(e)));
}

/** Where psad prints something else than the shared field definition. */
const PSAD_FIELDS: ReadonlyMap<string, FieldDef> = new Map([
  override("timestamp", psadTimestamp),
  v6NumberedMissing("ip_len"),
  v6NumberedMissing("hop_limit"),
  v6NumberedMissing("flow_label"),
  v6NumberedMissing("tc"),
]);

/**
 * The field as psad prints (and matches) it: the shared definition (src/lib/filter/fields.ts),
 * except psad's timestamp and the IPv6 numbered-protocol gaps above.
 */
export function psadField(f: FieldDef): FieldDef {
  return PSAD_FIELDS.get(f.name) ?? f;
}

/** The filter with psad's field definitions (for the predicate and the printed values). */
export function psadFilter(filter: Filter): Filter {
  return { ...filter, fields: filter.fields.map((s) => ({ ...s, field: psadField(s.field) })) };
}

// ---------------------------------------------------------------- helpers on raw

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

function isDigits(s: string): boolean {
  if (s === "") return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** psad's `IN=.*OUT=` with its `\sOUT=`: an `OUT=` after the first `IN=`, preceded by whitespace. */
function hasOut(raw: string): boolean {
  const i = raw.indexOf("IN=");
  if (i < 0) return false;
  for (let k = raw.indexOf("OUT=", i + 3); k >= 0; k = raw.indexOf("OUT=", k + 4))
    if (isSpaceCode(raw.charCodeAt(k - 1))) return true;
  return false;
}

/** 8 groups of 4 hex digits at raw[i…], followed by whitespace or the end; the end offset or -1. */
function fullV6At(raw: string, i: number): number {
  for (let g = 0; g < 8; g++) {
    for (let k = 0; k < 4; k++) {
      const c = raw.charCodeAt(i++) | 32;
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return -1;
    }
    if (g < 7 && raw.charCodeAt(i++) !== 58) return -1;
  }
  return i === raw.length || isSpaceCode(raw.charCodeAt(i)) ? i : -1;
}

/** `SRC=<full> DST=<full>` (psad's `SRC=($ipv6_re)\s+DST=($ipv6_re)`) at the first `SRC=`. */
function fullV6Pair(raw: string): boolean {
  const s = raw.indexOf("SRC=");
  if (s < 0) return false;
  let i = fullV6At(raw, s + 4);
  if (i < 0) return false;
  while (i < raw.length && isSpaceCode(raw.charCodeAt(i))) i++;
  return raw.startsWith("DST=", i) && fullV6At(raw, i + 4) >= 0;
}

/** `FLOWLBL=n` directly followed by `PROTO=` (psad's IPv6 UDP and ICMPv6 patterns). */
function protoAfterFlowLabel(raw: string): boolean {
  const f = raw.indexOf("FLOWLBL=");
  if (f < 0) return false;
  let i = f + 8;
  while (i < raw.length && raw.charCodeAt(i) >= 48 && raw.charCodeAt(i) <= 57) i++;
  const digitsEnd = i;
  while (i < raw.length && isSpaceCode(raw.charCodeAt(i))) i++;
  return i > digitsEnd && digitsEnd > f + 8 && raw.startsWith("PROTO=", i);
}

/**
 * Rule 4 (ACK/RST) as SQL over the `events` table, for pages that reproduce psad's output with
 * DuckDB: the one rule that decides rows on real logs such as Scan34. The other rules concern
 * line layouts that psad cannot read, which the SQL path keeps (see docs/psad-differences.md).
 */
export const PSAD_ACK_RST_SQL = "NOT coalesce(proto = 'TCP' AND (ack OR rst), false)";
