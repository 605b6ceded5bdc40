// The netfilter fields, `IN=… OUT=… SRC=… PROTO=… …` as the kernel's nf_log_ipv4/ipv6
// write them: one left-to-right scan of space-separated tokens. Keys mean different things
// before and after PROTO= (LEN, ID, SEQ, OPT), and inside the bracketed copy of the
// offending packet that ICMP errors carry (`[SRC=… DST=… PROTO=UDP SPT=… DPT=… ]`).
import type { FwEvent } from "../schema.js";
import { parseV4, parseV6, v4Text } from "./address.js";
import { Interner, Words } from "./intern.js";

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffffffff;

const PROTO_NUMBERS: Record<string, number> = {
  ICMP: 1,
  IGMP: 2,
  TCP: 6,
  UDP: 17,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPv6: 58,
  SCTP: 132,
  UDPLITE: 136,
};

// What the fields after PROTO= belong to.
const OTHER = 0;
const TCP = 1;
const UDP = 2;
const ICMP = 3;

// The keys the scan knows (matched in place, no slice per token); Key and KEY_NAMES in the same order.
enum Key {
  IN,
  OUT,
  PHYSIN,
  PHYSOUT,
  MAC,
  MACSRC,
  MACDST,
  MACPROTO,
  SRC,
  DST,
  LEN,
  TOS,
  PREC,
  TTL,
  HOPLIMIT,
  ID,
  TC,
  FLOWLBL,
  FRAG,
  PROTO,
  SPT,
  DPT,
  SEQ,
  ACK,
  WINDOW,
  RES,
  URGP,
  TYPE,
  CODE,
  MTU,
  SPI,
  UID,
  GID,
  MARK,
}
const KEY_NAMES = [
  "IN",
  "OUT",
  "PHYSIN",
  "PHYSOUT",
  "MAC",
  "MACSRC",
  "MACDST",
  "MACPROTO",
  "SRC",
  "DST",
  "LEN",
  "TOS",
  "PREC",
  "TTL",
  "HOPLIMIT",
  "ID",
  "TC",
  "FLOWLBL",
  "FRAG",
  "PROTO",
  "SPT",
  "DPT",
  "SEQ",
  "ACK",
  "WINDOW",
  "RES",
  "URGP",
  "TYPE",
  "CODE",
  "MTU",
  "SPI",
  "UID",
  "GID",
  "MARK",
];
const KEYS = new Words(KEY_NAMES);

// The bare words it knows.
const WORDS = new Words([
  "SYN",
  "ACK",
  "FIN",
  "RST",
  "PSH",
  "URG",
  "ECE",
  "CWR",
  "DF",
  "MF",
  "CE",
  "OPT",
  "INCOMPLETE",
]);

const interfaces = new Interner();
const protos = new Interner();
const flagTexts = new Interner();

/**
 * Where the netfilter record of a line starts (its `IN=`), or -1 if it has none: `IN=`
 * (possibly glued to the prefix: `…attemptsIN=br0`) followed by the fields the kernel
 * always writes next.
 */
export function findRecord(s: string, from: number): number {
  for (let k = s.indexOf("IN=", from); k >= 0; k = s.indexOf("IN=", k + 3)) {
    if (k >= 4 && s.startsWith("PHYS", k - 4)) continue;
    let next = s.indexOf(" ", k + 3);
    if (next < 0) return -1;
    while (s.charCodeAt(next) === 32) ++next;
    if (
      s.startsWith("OUT=", next) ||
      s.startsWith("SRC=", next) ||
      s.startsWith("MAC", next) ||
      s.startsWith("PHYSIN=", next) ||
      s.startsWith("ARP ", next)
    ) {
      return k;
    }
  }
  return -1;
}

/** Reads the fields of the record starting at `at` into `e`; returns why it cannot, or null. */
export function parseFields(s: string, at: number, e: FwEvent): string | null {
  numberError = null;
  const n = s.length;
  let i = at;
  let depth = 0; // inside [ … ] of an ICMP error
  let transport = -1; // OTHER, TCP, UDP, ICMP once PROTO= is read
  let innerTransport = -1;
  let tcpHeader = false; // WINDOW= read
  let flagsStart = -1; // where the TCP flags are on the line
  let flagsEnd = -1;
  let flagWords: string[] | null = null; // when they are not one run
  let sawIn = false;
  while (i < n) {
    if (s.charCodeAt(i) === 32) {
      ++i;
      continue;
    }
    if (s.charCodeAt(i) === 91) {
      ++depth;
      ++i;
    }
    // The token s[i, end): keys are short, so look for "=" by hand, then for the end.
    let eq = -1;
    let end = i;
    for (let c = s.charCodeAt(end); end < n && c !== 32; c = s.charCodeAt(++end)) {
      if (c === 61) {
        eq = end;
        end = s.indexOf(" ", eq);
        if (end < 0) end = n;
        break;
      }
    }
    if (end === i) continue;
    if (eq >= 0) {
      const key = KEYS.index(s, i, eq);
      const name = key < 0 ? "" : KEY_NAMES[key];
      let vs = eq + 1;
      let ve = end;
      let closes = 0;
      if (s.charCodeAt(vs) === 34) {
        // DESCR="…" (Ubiquiti) may hold spaces
        const quote = s.indexOf('"', vs + 1);
        if (quote < 0) return `unterminated quote in ${s.slice(i, eq)}=`;
        ++vs;
        ve = quote;
        end = quote + 1;
      } else {
        while (ve > vs && s.charCodeAt(ve - 1) === 93) {
          --ve;
          ++closes;
        }
      }
      let reason: string | null = null;
      if (depth === 0) {
        switch (key) {
          case Key.IN:
            if (!sawIn) e.in_if = vs < ve ? interfaces.get(s, vs, ve) : null;
            sawIn = true;
            break;
          case Key.OUT:
            e.out_if = vs < ve ? interfaces.get(s, vs, ve) : null;
            break;
          case Key.PHYSIN:
            e.phys_in = vs < ve ? interfaces.get(s, vs, ve) : null;
            break;
          case Key.PHYSOUT:
            e.phys_out = vs < ve ? interfaces.get(s, vs, ve) : null;
            break;
          case Key.MAC:
            if (vs < ve) mac(s, vs, ve, e);
            break;
          case Key.MACSRC:
            e.src_mac = vs < ve ? s.slice(vs, ve).toLowerCase() : null;
            break;
          case Key.MACDST:
            e.dst_mac = vs < ve ? s.slice(vs, ve).toLowerCase() : null;
            break;
          case Key.MACPROTO:
            e.ether_type = num(s, name, vs, ve, U16, HEX);
            break;
          case Key.SRC:
          case Key.DST:
            if ((key === Key.SRC ? e.src : e.dst) === null) reason = address(s, name, vs, ve, e);
            break;
          case Key.LEN:
            if (transport < 0) {
              if (e.len === null) e.len = num(s, name, vs, ve, U16, DEC);
            } else if (transport === UDP) {
              e.udp_len = num(s, name, vs, ve, U16, DEC);
            }
            break;
          case Key.TOS:
            e.tos = num(s, name, vs, ve, U8, HEX);
            break;
          case Key.PREC:
            e.prec = num(s, name, vs, ve, U8, HEX);
            break;
          case Key.TTL:
          case Key.HOPLIMIT:
            e.ttl = num(s, name, vs, ve, U8, DEC);
            break;
          case Key.ID:
            if (transport === ICMP) {
              e.icmp_id = num(s, name, vs, ve, U16, DEC);
            } else if (transport < 0) {
              e.ip_id = num(s, name, vs, ve, U32, DEC);
            }
            break;
          case Key.TC:
            e.tc = num(s, name, vs, ve, U8, DEC);
            break;
          case Key.FLOWLBL:
            e.flow_label = num(s, name, vs, ve, 0xfffff, DEC);
            break;
          case Key.FRAG:
            e.frag_off = num(s, name, vs, ve, U16, DEC);
            break;
          case Key.PROTO:
            if (transport < 0) {
              reason = proto(s, vs, ve, e);
              transport = kind(e.proto ?? "");
            }
            break;
          case Key.SPT:
            e.spt = num(s, name, vs, ve, U16, DEC);
            break;
          case Key.DPT:
            e.dpt = num(s, name, vs, ve, U16, DEC);
            break;
          case Key.SEQ:
            if (transport === ICMP) {
              e.icmp_seq = num(s, name, vs, ve, U16, DEC);
            } else {
              e.tcp_seq = num(s, name, vs, ve, U32, DEC);
            }
            break;
          case Key.ACK:
            e.tcp_ack = num(s, name, vs, ve, U32, DEC);
            break;
          case Key.WINDOW:
            e.window = num(s, name, vs, ve, U16, DEC);
            tcpHeader = true;
            break;
          case Key.RES:
            e.res = num(s, name, vs, ve, U8, HEX);
            break;
          case Key.URGP:
            e.urgp = num(s, name, vs, ve, U16, DEC);
            break;
          case Key.TYPE:
            e.icmp_type = num(s, name, vs, ve, U8, DEC);
            break;
          case Key.CODE:
            e.icmp_code = num(s, name, vs, ve, U8, DEC);
            break;
          case Key.MTU:
            e.icmp_mtu = num(s, name, vs, ve, U16, DEC);
            break;
          case Key.SPI:
            e.spi = num(s, name, vs, ve, U32, HEX_OR_DEC);
            break;
          case Key.UID:
            e.uid = num(s, name, vs, ve, U32, DEC);
            break;
          case Key.GID:
            e.gid = num(s, name, vs, ve, U32, DEC);
            break;
          case Key.MARK:
            e.mark = num(s, name, vs, ve, U32, HEX_OR_DEC);
            break;
        }
      } else if (depth === 1) {
        // The offending packet's header: only what identifies its flow.
        switch (key) {
          case Key.SRC:
          case Key.DST: {
            const a = vs < ve ? ip(s, vs, ve) : null;
            if (!a) reason = `bad inner ${name} address "${s.slice(vs, ve)}"`;
            else if (key === Key.SRC) e.inner_src ??= a;
            else e.inner_dst ??= a;
            break;
          }
          case Key.PROTO:
            if (e.inner_proto === null && vs < ve) {
              e.inner_proto = protos.get(s, vs, ve);
              innerTransport = kind(e.inner_proto);
            }
            break;
          case Key.SPT:
          case Key.DPT:
            if (innerTransport === TCP || innerTransport === UDP || innerTransport === OTHER) {
              const v = dec(s, vs, ve, U16);
              if (v < 0) reason = `inner ${bad(s, name, vs, ve, U16)}`;
              else if (key === Key.SPT) e.inner_spt ??= v;
              else e.inner_dpt ??= v;
            }
            break;
        }
      }
      reason ??= numberError;
      if (reason !== null) return reason;
      depth -= closes;
      if (depth < 0) return `unbalanced "]" after ${s.slice(i, eq)}=`;
      i = end;
      continue;
    }

    // A bare word: a marker (DF, SYN, …), "OPT (…)", "INCOMPLETE [n bytes]", or a lone "]".
    let te = end;
    let closes = 0;
    while (te > i && s.charCodeAt(te - 1) === 93) {
      --te;
      ++closes;
    }
    const word = WORDS.find(s, i, te);
    if (word === "OPT" && s.startsWith(" (", end)) {
      const close = s.indexOf(")", end + 2);
      if (close < 0) return "unterminated OPT (";
      if (depth === 0) {
        const opts = s.slice(end + 2, close).trim();
        if (transport < 0) e.ip_opts = e.ip_opts === null ? opts : `${e.ip_opts} ${opts}`;
        else e.tcp_opts = opts;
      }
      i = close + 1;
      continue;
    }
    if (word === "INCOMPLETE" && s.startsWith(" [", end)) {
      const close = s.indexOf("]", end + 2);
      if (close < 0 || !s.startsWith(" bytes", close - 6)) return "unterminated INCOMPLETE [";
      const bytes = dec(s, end + 2, close - 6, U16);
      if (bytes < 0) return `bad INCOMPLETE [${s.slice(end + 2, close)}]`;
      if (depth === 0) e.incomplete = bytes;
      i = close + 1;
      continue;
    }
    if (depth === 0) {
      if (word.length === 3 && word !== "OPT" && transport === TCP) {
        // TCP flags as logged; normally one run ("ACK PSH FIN") that one slice covers
        if (flagsStart < 0) {
          flagsStart = i;
          flagsEnd = te;
        } else if (flagWords === null && flagsEnd === i - 1) {
          flagsEnd = te;
        } else {
          flagWords ??= s.slice(flagsStart, flagsEnd).split(" ");
          flagWords.push(word);
        }
      } else if (word === "DF") e.df = true;
      else if (word === "MF") e.mf = true;
      else if (word === "CE") e.ce = true;
      else if (word === "INCOMPLETE")
        e.mf = true; // an IPv6 fragment header's M flag
      else if (s.startsWith("FRAG:", i)) {
        e.frag_off = dec(s, i + 5, te, U16);
        if (e.frag_off < 0) return bad(s, "FRAG:", i + 5, te, U16);
      } else if (s.startsWith("ID:", i)) {
        // IPv6 fragment identification, %08x
        e.ip_id = hex(s, i + 3, te, U32, false);
        if (e.ip_id < 0) return bad(s, "ID:", i + 3, te, U32);
      }
    }
    depth -= closes;
    if (depth < 0) return `unbalanced "]"`;
    i = end;
  }

  if (depth > 0) return "cut off inside the bracketed header of an ICMP error";
  if (e.src === null)
    return e.mac !== null && s.includes("ARP ", at) ? "ARP record (no SRC=)" : "missing SRC=";
  if (e.dst === null) return "missing DST=";
  if (e.proto === null) return "missing PROTO=";
  if (e.incomplete === null && !e.frag_off) {
    if ((transport === TCP || transport === UDP) && (e.spt === null || e.dpt === null)) {
      return `PROTO=${e.proto} without ${e.spt === null ? "SPT=" : "DPT="}`;
    }
    if (transport === ICMP && (e.icmp_type === null || e.icmp_code === null)) {
      return `PROTO=${e.proto} without ${e.icmp_type === null ? "TYPE=" : "CODE="}`;
    }
  }
  if (e.family === 4) {
    e.df ??= false;
    e.mf ??= false;
    e.ce ??= false;
  } else {
    e.mf ??= false;
  }
  if (transport === TCP && (tcpHeader || flagsStart >= 0 || e.spt !== null)) {
    const flags = flagWords
      ? flagWords.join(" ")
      : flagsStart < 0
        ? ""
        : flagTexts.get(s, flagsStart, flagsEnd);
    e.flags = flags;
    if (flags !== lastFlags) {
      lastFlags = flags;
      lastFlagBits =
        (flags.includes("SYN") ? 1 : 0) |
        (flags.includes("ACK") ? 2 : 0) |
        (flags.includes("FIN") ? 4 : 0) |
        (flags.includes("RST") ? 8 : 0) |
        (flags.includes("PSH") ? 16 : 0) |
        (flags.includes("URG") ? 32 : 0) |
        (flags.includes("ECE") ? 64 : 0) |
        (flags.includes("CWR") ? 128 : 0);
    }
    const bits = lastFlagBits;
    e.syn = (bits & 1) !== 0;
    e.ack = (bits & 2) !== 0;
    e.fin = (bits & 4) !== 0;
    e.rst = (bits & 8) !== 0;
    e.psh = (bits & 16) !== 0;
    e.urg = (bits & 32) !== 0;
    e.ece = (bits & 64) !== 0;
    e.cwr = (bits & 128) !== 0;
  }
  e.chain = e.in_if ? (e.out_if ? "FORWARD" : "INPUT") : e.out_if ? "OUTPUT" : null;
  return null;
}

// The flags of the last TCP event (the same interned text mostly repeats).
let lastFlags = "";
let lastFlagBits = 0;

/** What follows PROTO=: the kernel decodes these by name; a number means it did not. */
function kind(proto: string): number {
  switch (proto) {
    case "TCP":
      return TCP;
    case "UDP":
    case "UDPLITE":
      return UDP;
    case "ICMP":
    case "ICMPv6":
      return ICMP;
    default:
      return OTHER;
  }
}

function proto(s: string, vs: number, ve: number, e: FwEvent): string | null {
  if (vs === ve) return "empty PROTO=";
  const name = protos.get(s, vs, ve);
  const known = PROTO_NUMBERS[name];
  if (known !== undefined) {
    e.proto = name;
    e.proto_num = known;
    return null;
  }
  const number = dec(s, vs, ve, U8);
  if (number >= 0) {
    e.proto = name;
    e.proto_num = number;
    return null;
  }
  if (/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) {
    e.proto = name; // a name we do not know the number of
    return null;
  }
  return `bad PROTO=${name}`;
}

function address(s: string, key: string, vs: number, ve: number, e: FwEvent): string | null {
  if (vs === ve) return `empty ${key}=`;
  const family = hasColon(s, vs, ve) ? 6 : 4;
  if (e.family !== null && e.family !== family)
    return `${key}= is IPv${family}, SRC= was IPv${e.family}`;
  const src = key === "SRC";
  if (family === 4) {
    const int = parseV4(s, vs, ve);
    if (int < 0) return `bad ${key} address "${s.slice(vs, ve)}"`;
    if (src) {
      e.src = v4Text(s, vs, ve, int);
      e.src_v4 = int;
    } else {
      e.dst = v4Text(s, vs, ve, int);
      e.dst_v4 = int;
    }
  } else {
    const a = parseV6(s, vs, ve);
    if (!a) return `bad ${key} address "${s.slice(vs, ve)}"`;
    if (src) {
      e.src = a.text;
      e.src_v6_hi = a.hi;
      e.src_v6_lo = a.lo;
    } else {
      e.dst = a.text;
      e.dst_v6_hi = a.hi;
      e.dst_v6_lo = a.lo;
    }
  }
  e.family = family;
  return null;
}

/** Canonical text of an inner address, or null. */
function ip(s: string, vs: number, ve: number): string | null {
  if (hasColon(s, vs, ve)) return parseV6(s, vs, ve)?.text ?? null;
  const int = parseV4(s, vs, ve);
  return int < 0 ? null : v4Text(s, vs, ve, int);
}

function hasColon(s: string, vs: number, ve: number): boolean {
  for (let k = vs; k < ve; ++k) if (s.charCodeAt(k) === 58) return true;
  return false;
}

/** MAC=dst:src:type[:more] (14+ bytes) → mac, dst_mac, src_mac, ether_type. */
function mac(s: string, vs: number, ve: number, e: FwEvent): void {
  // Consecutive lines mostly repeat the last value; then a small cache keyed in place.
  let m = lastMac;
  if (!sameBackwards(m.text, s, vs, ve)) {
    const slot = macSlot(s, vs, ve);
    const cached = macCache[slot];
    if (cached !== undefined && sameBackwards(cached.text, s, vs, ve)) m = cached;
    else macCache[slot] = m = decodeMac(s.slice(vs, ve));
    lastMac = m;
  }
  e.mac = m.text;
  if (m.dst === null) return; // not dst:src:type
  e.dst_mac = m.dst;
  e.src_mac = m.src;
  e.ether_type = m.type;
}

/** A MAC= value and its parts (dst null when it is not `dst:src:type`). */
interface MacParts {
  text: string;
  dst: string | null;
  src: string | null;
  type: number | null;
}

/**
 * A firewall's MAC= values are (its NIC, the L2 neighbour) pairs: as many as hosts on its
 * segments. A direct-mapped cache of them; a collision just replaces the entry.
 */
const MAC_SLOTS = 1024;
const macCache: (MacParts | undefined)[] = new Array<MacParts | undefined>(MAC_SLOTS);
let lastMac: MacParts = { text: "", dst: null, src: null, type: null };

function macSlot(s: string, vs: number, ve: number): number {
  let h = ve - vs;
  for (let k = vs; k < ve; ++k) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
  return (h ^ (h >>> 10) ^ (h >>> 20)) & (MAC_SLOTS - 1);
}

/** `text === s.slice(vs, ve)`, compared from the end (where MACs of one segment differ). */
function sameBackwards(text: string, s: string, vs: number, ve: number): boolean {
  let k = text.length;
  if (k !== ve - vs) return false;
  while (k > 0) if (text.charCodeAt(--k) !== s.charCodeAt(--ve)) return false;
  return true;
}

function decodeMac(mac: string): MacParts {
  const none: MacParts = { text: mac, dst: null, src: null, type: null };
  if (mac.length < 41) return none;
  for (let k = 2; k < 41; k += 3) if (mac.charCodeAt(k) !== 58) return none;
  const text = isLowerAscii(mac) ? mac : mac.toLowerCase();
  const hi = hex(text, 36, 38, U8, false);
  const lo = hex(text, 39, 41, U8, false);
  return {
    text: mac,
    dst: text.slice(0, 17),
    src: text.slice(18, 35),
    type: hi >= 0 && lo >= 0 ? hi * 256 + lo : null,
  };
}

/** No upper-case letters and nothing beyond ASCII: toLowerCase() would return the same text. */
function isLowerAscii(s: string): boolean {
  for (let k = 0; k < s.length; ++k) {
    const c = s.charCodeAt(k);
    if (c >= 128 || (c >= 65 && c <= 90)) return false;
  }
  return true;
}

const DEC = 0;
const HEX = 1;
const HEX_OR_DEC = 2; // "0x…" or decimal

/** Why a number of the current line could not be read (the first one). */
let numberError: string | null = null;

/** The number `key=s[vs, ve)` if it is at most max; else null, and numberError says why. */
function num(
  s: string,
  key: string,
  vs: number,
  ve: number,
  max: number,
  base: number,
): number | null {
  const v = base === DEC ? dec(s, vs, ve, max) : hex(s, vs, ve, max, base === HEX_OR_DEC);
  if (v >= 0) return v;
  numberError ??= bad(s, key, vs, ve, max);
  return null;
}

/** The decimal number in s[a, b) if it is at most max, else -1. */
function dec(s: string, a: number, b: number, max: number): number {
  if (a >= b || b - a > 10) return -1;
  let v = 0;
  for (let k = a; k < b; ++k) {
    const d = s.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v > max ? -1 : v;
}

/** `0x…` hex in s[a, b) (bare hex digits too, or decimal if decimalOk) if at most max, else -1. */
function hex(s: string, a: number, b: number, max: number, decimalOk: boolean): number {
  if (s.charCodeAt(a) === 48 && (s.charCodeAt(a + 1) | 32) === 120) a += 2;
  else if (decimalOk) return dec(s, a, b, max);
  if (a >= b || b - a > 8) return -1;
  let v = 0;
  for (let k = a; k < b; ++k) {
    const c = s.charCodeAt(k);
    const d = c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v > max ? -1 : v;
}

function bad(s: string, key: string, vs: number, ve: number, max: number): string {
  if (vs === ve) return `empty ${key}${key.endsWith(":") ? "" : "="}`;
  const value = s.slice(vs, Math.min(ve, vs + 40));
  return `${key}${key.endsWith(":") ? "" : "="}${value} is not a number in 0..${max}`;
}
