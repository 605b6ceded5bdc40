// psad 2.4.6's packet parser (`parse_NF_pkt_str` with the default psad.conf), as a line →
// FwEvent function. It reproduces which lines psad accepts and what it extracts, so that
// `fwglow psad` prints exactly psad's rows; the general parser (src/lib/parse) accepts far
// more. Every line psad would drop is reported with a reason instead of vanishing.
import type { FwEvent } from "../schema.js";

export type PsadDropReason =
  | "no IN=/OUT= interface and chain"
  | "unrecognized protocol"
  | "IPv4 UDPLITE"
  | "IPv6 address not in full notation"
  | "strange TCP format"
  | "strange UDP format"
  | "strange ICMP format"
  | "strange IP format"
  | "bad TCP flags"
  | "ICMP echo without ID/SEQ"
  | "bad address"
  | "TCP ACK/RST (IGNORE_CONNTRACK_BUG_PKTS)"
  | "malformed";

export type PsadLineResult =
  | { kind: "event"; event: FwEvent }
  | { kind: "other" }
  | { kind: "drop"; reason: PsadDropReason };

export interface PsadLineOptions {
  file: string;
  /** Keep TCP packets with ACK or RST (psad's IGNORE_CONNTRACK_BUG_PKTS=N). Default false. */
  keepAckRst?: boolean;
}

const V4 = String.raw`(?:[0-2]?\d{1,2}\.){3}[0-2]?\d{1,2}`;
const V6 = "(?:[a-fA-F0-9]{4}:){7}[a-fA-F0-9]{4}";

const RE_PREFIX_TAIL = /\s+(.*?)\s*IN=/y;
const RE_KSTAMP = /\[\s*\d+\.\d+\s*\]\s*/;
const RE_TS_BSD = /^\s*((?:\S+\s+){2}\S+)\s+(\S+)\s+kernel:/;
const RE_TS_ISO = /^\s*([\d-]+T(?:\d{2}:){2}\d{2}\S+)\s+(\S+)\s+kernel:/;
const RE_MAC = /\sMAC=(\S+)/;
const RE_MAC_SPLIT = /^((?:\w{2}:){6})((?:\w{2}:){6})/;
const RE_IPV6 = /HOPLIMIT=\d+\s+FLOWLBL=\d+/;
const RE_DF = /\sDF\s+PROTO/;
const RE_IPOPT = /OPT\s+\((\S+)\)\s+PROTO=/;
const RE_P_ICMP6 = /PROTO=ICMPv6(?:\s|$)/;
const RE_P_ICMP = /PROTO=ICMP(?:\s|$)/;
const RE_P_TCP = /PROTO=TCP(?:\s|$)/;
const RE_P_UDPLITE = /PROTO=UDPLITE(?:\s|$)/;
const RE_P_UDP = /PROTO=UDP(?:\s|$)/;
const RE_P_NUM = /PROTO=(\d+)(?:\s|$)/;
const RE_TCP6 = new RegExp(
  String.raw`SRC=(${V6})\s+DST=(${V6})\s+LEN=(\d+)\s+TC=(\d+)\s+HOPLIMIT=(\d+)\s+FLOWLBL=(\d+)\s+.*PROTO=TCP\s+SPT=(\d+)\s+DPT=(\d+)\s+WINDOW=(\d+)\s+(.*)\s+URGP=`,
);
const RE_TCP4 = new RegExp(
  String.raw`SRC=(${V4})\s+DST=(${V4})\s+LEN=(\d+)\s+TOS=(\S+)\s*.*\s+TTL=(\d+)\s+ID=(\d+)\s*.*\s+PROTO=TCP\s+SPT=(\d+)\s+DPT=(\d+)\s.*\s*WINDOW=(\d+)\s+(.*)\s+URGP=`,
);
const RE_UDP6 = new RegExp(
  String.raw`SRC=(${V6})\s+DST=(${V6})\s+LEN=(\d+)\s+TC=(\d+)\s+HOPLIMIT=(\d+)\s+FLOWLBL=(\d+)\s+PROTO=UDP(?:LITE)?\s+SPT=(\d+)\s+DPT=(\d+)\s+LEN=(\d+)`,
);
const RE_UDP4 = new RegExp(
  String.raw`SRC=(${V4})\s+DST=(${V4})\s+LEN=(\d+)\s+TOS=(\S+)\s.*TTL=(\d+)\s+ID=(\d+)\s*.*\s+PROTO=UDP\s+SPT=(\d+)\s+DPT=(\d+)\s+LEN=(\d+)`,
);
const RE_ICMP6 = new RegExp(
  String.raw`SRC=(${V6})\s+DST=(${V6})\s+LEN=(\d+)\s+TC=(\d+)\s+HOPLIMIT=(\d+)\s+FLOWLBL=(\d+)\s+PROTO=ICMPv6\s+TYPE=(\d+)\s+CODE=(\d+)`,
);
const RE_ICMP4 = new RegExp(
  String.raw`SRC=(${V4})\s+DST=(${V4})\s+LEN=(\d+).*TTL=(\d+)\s+ID=(\d+).*PROTO=ICMP\s+TYPE=(\d+)\s+CODE=(\d+)`,
);
const RE_ECHO = /CODE=(\d+)\s+ID=(\d+)\s+SEQ=(\d+)/;
const RE_ECHO6 = /CODE=\d+\s+ID=(\d+)\s+SEQ=(\d+)/;
const RE_NUM6 = new RegExp(String.raw`SRC=(${V6})\s+DST=(${V6})(?:\s+|$)`);
const RE_NUM4 = new RegExp(
  String.raw`SRC=(${V4})\s+DST=(${V4})\s+LEN=(\d+).*TTL=(\d+)\s+ID=(\d+).*PROTO=`,
);
const RE_TCPOPT = /URGP=\S+\s+OPT\s+\((\S+)\)/;
const RE_SEQACK = /\sSEQ=(\d+)\s+ACK=(\d+)/;
const RE_RES = /\s*RES=\S+\s*/;

/** An event with every column null: the parser fills in what psad extracts. */
function blankEvent(file: string, line: number, raw: string): FwEvent {
  return {
    file,
    line,
    ts: null,
    ts_text: null,
    host: null,
    priority: null,
    kernel_uptime: null,
    prefix: null,
    chain: null,
    in_if: null,
    out_if: null,
    phys_in: null,
    phys_out: null,
    mac: null,
    dst_mac: null,
    src_mac: null,
    ether_type: null,
    family: null,
    src: null,
    dst: null,
    src_v4: null,
    dst_v4: null,
    src_v6_hi: null,
    src_v6_lo: null,
    dst_v6_hi: null,
    dst_v6_lo: null,
    len: null,
    tos: null,
    prec: null,
    ttl: null,
    ip_id: null,
    df: null,
    mf: null,
    ce: null,
    frag_off: null,
    ip_opts: null,
    tc: null,
    flow_label: null,
    proto: null,
    proto_num: null,
    spt: null,
    dpt: null,
    udp_len: null,
    window: null,
    res: null,
    urgp: null,
    flags: null,
    syn: null,
    ack: null,
    fin: null,
    rst: null,
    psh: null,
    urg: null,
    ece: null,
    cwr: null,
    tcp_seq: null,
    tcp_ack: null,
    tcp_opts: null,
    icmp_type: null,
    icmp_code: null,
    icmp_id: null,
    icmp_seq: null,
    icmp_mtu: null,
    spi: null,
    incomplete: null,
    inner_src: null,
    inner_dst: null,
    inner_proto: null,
    inner_spt: null,
    inner_dpt: null,
    uid: null,
    gid: null,
    mark: null,
    raw,
  };
}

function v4int(s: string): number | null {
  let n = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (o > 255) return null;
      n = n * 256 + o;
      o = 0;
    } else o = o * 10 + c - 48;
  }
  if (o > 255) return null;
  return n * 256 + o;
}

function v6compress(groups: string[]): string {
  const g = groups.map((x) => Number.parseInt(x, 16).toString(16));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === "0") j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return g.join(":");
  return `${g.slice(0, best).join(":")}::${g.slice(best + bestLen).join(":")}`;
}

function setAddrs(e: FwEvent, src: string, dst: string, v6: boolean): boolean {
  if (v6) {
    e.family = 6;
    for (const [which, text] of [
      ["src", src],
      ["dst", dst],
    ] as const) {
      const groups = text.toLowerCase().split(":");
      const hex = groups.join("");
      const hi = BigInt(`0x${hex.slice(0, 16)}`);
      const lo = BigInt(`0x${hex.slice(16)}`);
      if (which === "src") {
        e.src = v6compress(groups);
        e.src_v6_hi = hi;
        e.src_v6_lo = lo;
      } else {
        e.dst = v6compress(groups);
        e.dst_v6_hi = hi;
        e.dst_v6_lo = lo;
      }
    }
    return true;
  }
  const s = v4int(src);
  const d = v4int(dst);
  if (s === null || d === null) return false;
  e.family = 4;
  // canonical text (psad prints the logged text; the kernel never logs leading zeros)
  e.src = src;
  e.dst = dst;
  e.src_v4 = s;
  e.dst_v4 = d;
  return true;
}

/** The first `IN=`…`OUT=` pair as psad reads it: [in, out] (empty string = empty). */
function interfaces(s: string): [string, string] | null {
  const i = s.indexOf("IN=");
  if (i < 0) return null;
  let j = i + 3;
  while (j < s.length && !isSpace(s.charCodeAt(j))) j++;
  const inIf = s.slice(i + 3, j);
  // psad: \sOUT= after IN=
  let k = s.indexOf("OUT=", j);
  while (k >= 0 && !isSpace(s.charCodeAt(k - 1))) k = s.indexOf("OUT=", k + 1);
  if (k < 0) return null;
  let l = k + 4;
  while (l < s.length && !isSpace(s.charCodeAt(l))) l++;
  return [inIf, s.slice(k + 4, l)];
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** Cheap test for psad's `/IN.*OUT/` pre-filter. */
export function maybeNetfilter(s: string): boolean {
  const i = s.indexOf("IN");
  return i >= 0 && s.indexOf("OUT", i + 2) >= 0;
}

/** Create psad's line parser. Line numbers are 1-based. */
export function createPsadLineParser(
  opts: PsadLineOptions,
): (text: string, lineNo: number) => PsadLineResult {
  const keepAckRst = opts.keepAckRst ?? false;
  const file = opts.file;
  return (raw, lineNo) => {
    if (!maybeNetfilter(raw)) return { kind: "other" };
    // ENABLE_SYSLOG_FILE=Y: require IN=.*OUT=
    const inPos = raw.indexOf("IN=");
    if (inPos < 0 || raw.indexOf("OUT=", inPos) < 0) return { kind: "other" };
    // psad reads lines with their "\n": patterns ending in \s here also accept the end
    const s = raw;
    const e = blankEvent(file, lineNo, raw);

    // psad: /.*kernel:\s+(.*?)\s*IN=/ — the last "kernel:" that the rest can follow
    let m: RegExpExecArray | null = null;
    for (
      let k = s.lastIndexOf("kernel:");
      k >= 0;
      k = k > 0 ? s.lastIndexOf("kernel:", k - 1) : -1
    ) {
      RE_PREFIX_TAIL.lastIndex = k + 7;
      m = RE_PREFIX_TAIL.exec(s);
      if (m) {
        const p = (m[1] as string).replace(RE_KSTAMP, "");
        e.prefix = p.trim() === "" ? null : p;
        break;
      }
    }
    const ifs = interfaces(s);
    if (!ifs) return { kind: "drop", reason: "no IN=/OUT= interface and chain" };
    const [inIf, outIf] = ifs;
    if (inIf && !outIf) e.chain = "INPUT";
    else if (inIf && outIf) e.chain = "FORWARD";
    else if (!inIf && outIf) e.chain = "OUTPUT";
    else return { kind: "drop", reason: "no IN=/OUT= interface and chain" };
    e.in_if = inIf || null;
    e.out_if = outIf || null;

    m = RE_MAC.exec(s);
    if (m) {
      e.mac = m[1] as string;
      const mm = RE_MAC_SPLIT.exec(m[1] as string);
      if (mm) {
        e.dst_mac = (mm[1] as string).slice(0, -1).toLowerCase();
        e.src_mac = (mm[2] as string).slice(0, -1).toLowerCase();
      }
    }

    m = RE_TS_BSD.exec(s) ?? RE_TS_ISO.exec(s);
    if (m) {
      e.ts_text = m[1] as string;
      e.host = m[2] as string;
    }

    const isV6 = RE_IPV6.test(s);
    if (!isV6) e.df = RE_DF.test(s);
    m = RE_IPOPT.exec(s);
    if (m) e.ip_opts = m[1] as string;

    if (isV6 && RE_P_ICMP6.test(s)) {
      m = RE_ICMP6.exec(s);
      if (!m)
        return {
          kind: "drop",
          reason: /SRC=\S*::/.test(s) ? "IPv6 address not in full notation" : "strange ICMP format",
        };
      setAddrs(e, m[1] as string, m[2] as string, true);
      e.len = +(m[3] as string);
      e.tc = +(m[4] as string);
      e.ttl = +(m[5] as string);
      e.flow_label = +(m[6] as string);
      e.icmp_type = +(m[7] as string);
      e.icmp_code = +(m[8] as string);
      e.proto = "ICMPv6";
      e.proto_num = 58;
      const t = e.icmp_type;
      if (t === 128 || t === 129) {
        const em = RE_ECHO6.exec(s);
        if (em) {
          e.icmp_id = +(em[1] as string);
          e.icmp_seq = +(em[2] as string);
        }
      }
      return { kind: "event", event: e };
    }
    if (RE_P_ICMP.test(s)) {
      if (isV6) return { kind: "drop", reason: "strange ICMP format" };
      m = RE_ICMP4.exec(s);
      if (!m) return { kind: "drop", reason: "strange ICMP format" };
      if (!setAddrs(e, m[1] as string, m[2] as string, false))
        return { kind: "drop", reason: "bad address" };
      e.len = +(m[3] as string);
      e.ttl = +(m[4] as string);
      e.ip_id = +(m[5] as string);
      e.icmp_type = +(m[6] as string);
      e.icmp_code = +(m[7] as string);
      e.proto = "ICMP";
      e.proto_num = 1;
      if (e.icmp_type === 8 || e.icmp_type === 0) {
        const em = RE_ECHO.exec(s);
        if (!em) return { kind: "drop", reason: "ICMP echo without ID/SEQ" };
        // psad stores CODE as icmp_id and ID as icmp_seq (a bug); we keep the real values
        e.icmp_id = +(em[2] as string);
        e.icmp_seq = +(em[3] as string);
      }
      return { kind: "event", event: e };
    }
    if (RE_P_TCP.test(s)) {
      let flags: string;
      if (isV6) {
        m = RE_TCP6.exec(s);
        if (!m)
          return {
            kind: "drop",
            reason: /SRC=\S*::/.test(s)
              ? "IPv6 address not in full notation"
              : "strange TCP format",
          };
        setAddrs(e, m[1] as string, m[2] as string, true);
        e.len = +(m[3] as string);
        e.tc = +(m[4] as string);
        e.ttl = +(m[5] as string);
        e.flow_label = +(m[6] as string);
        e.spt = +(m[7] as string);
        e.dpt = +(m[8] as string);
        e.window = +(m[9] as string);
        flags = m[10] as string;
      } else {
        m = RE_TCP4.exec(s);
        if (!m) return { kind: "drop", reason: "strange TCP format" };
        if (!setAddrs(e, m[1] as string, m[2] as string, false))
          return { kind: "drop", reason: "bad address" };
        e.len = +(m[3] as string);
        const tos = Number.parseInt((m[4] as string).replace(/^0x/i, ""), 16);
        e.tos = Number.isNaN(tos) ? null : tos;
        e.ttl = +(m[5] as string);
        e.ip_id = +(m[6] as string);
        e.spt = +(m[7] as string);
        e.dpt = +(m[8] as string);
        e.window = +(m[9] as string);
        flags = m[10] as string;
      }
      e.proto = "TCP";
      e.proto_num = 6;
      flags = flags.replace(RE_RES, "");
      const shown = flags || "NULL";
      if (!keepAckRst && (shown.includes("ACK") || shown.includes("RST")))
        return { kind: "drop", reason: "TCP ACK/RST (IGNORE_CONNTRACK_BUG_PKTS)" };
      if (
        !(
          (!shown.includes("WIN") && shown.includes("ACK")) ||
          shown.includes("SYN") ||
          shown.includes("RST") ||
          shown.includes("URG") ||
          shown.includes("PSH") ||
          shown.includes("FIN") ||
          shown === "NULL"
        )
      )
        return { kind: "drop", reason: "bad TCP flags" };
      e.flags = flags;
      const words = flags.split(/\s+/);
      e.syn = words.includes("SYN");
      e.ack = words.includes("ACK");
      e.fin = words.includes("FIN");
      e.rst = words.includes("RST");
      e.psh = words.includes("PSH");
      e.urg = words.includes("URG");
      e.ece = words.includes("ECE");
      e.cwr = words.includes("CWR");
      m = RE_TCPOPT.exec(s);
      if (m) e.tcp_opts = m[1] as string;
      m = RE_SEQACK.exec(s);
      if (m) {
        e.tcp_seq = +(m[1] as string);
        e.tcp_ack = +(m[2] as string);
      }
      return { kind: "event", event: e };
    }
    const udplite = RE_P_UDPLITE.test(s);
    if (udplite || RE_P_UDP.test(s)) {
      if (isV6) {
        m = RE_UDP6.exec(s);
        if (!m)
          return {
            kind: "drop",
            reason: /SRC=\S*::/.test(s)
              ? "IPv6 address not in full notation"
              : "strange UDP format",
          };
        setAddrs(e, m[1] as string, m[2] as string, true);
        e.len = +(m[3] as string);
        e.tc = +(m[4] as string);
        e.ttl = +(m[5] as string);
        e.flow_label = +(m[6] as string);
        e.spt = +(m[7] as string);
        e.dpt = +(m[8] as string);
        e.udp_len = +(m[9] as string);
      } else {
        if (udplite) return { kind: "drop", reason: "IPv4 UDPLITE" };
        m = RE_UDP4.exec(s);
        if (!m) return { kind: "drop", reason: "strange UDP format" };
        if (!setAddrs(e, m[1] as string, m[2] as string, false))
          return { kind: "drop", reason: "bad address" };
        e.len = +(m[3] as string);
        const tos = Number.parseInt((m[4] as string).replace(/^0x/i, ""), 16);
        e.tos = Number.isNaN(tos) ? null : tos;
        e.ttl = +(m[5] as string);
        e.ip_id = +(m[6] as string);
        e.spt = +(m[7] as string);
        e.dpt = +(m[8] as string);
        e.udp_len = +(m[9] as string);
      }
      e.proto = udplite ? "UDPLITE" : "UDP";
      e.proto_num = udplite ? 136 : 17;
      return { kind: "event", event: e };
    }
    m = RE_P_NUM.exec(s);
    if (m) {
      e.proto = m[1] as string;
      e.proto_num = Number(m[1]) <= 255 ? Number(m[1]) : null;
      if (isV6) {
        const a = RE_NUM6.exec(s);
        if (!a)
          return {
            kind: "drop",
            reason: /SRC=\S*::/.test(s) ? "IPv6 address not in full notation" : "strange IP format",
          };
        setAddrs(e, a[1] as string, a[2] as string, true);
      } else {
        const a = RE_NUM4.exec(s);
        if (!a) return { kind: "drop", reason: "strange IP format" };
        if (!setAddrs(e, a[1] as string, a[2] as string, false))
          return { kind: "drop", reason: "bad address" };
        e.len = +(a[3] as string);
        e.ttl = +(a[4] as string);
        e.ip_id = +(a[5] as string);
      }
      return { kind: "event", event: e };
    }
    return { kind: "drop", reason: "unrecognized protocol" };
  };
}
