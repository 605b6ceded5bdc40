// IP addresses as numbers, for plotting: one 128-bit key space for both families.
// IPv4 a.b.c.d is keyed as its IPv4-mapped IPv6 address ::ffff:a.b.c.d, so one numeric
// sort orders a mixed column (::1 < every IPv4 address < 2000::/3 and the rest of IPv6).

import { parseV4 } from "../parse/address.js";

const LEADING_ZERO = /(?:^|\.)0\d/;
const HEXTET = /^[0-9a-f]{1,4}$/i;
const MAPPED_BASE = 0xffffn << 32n;

export type AddressFamily = 4 | 6;

/** A dotted quad (no leading zeros) as its 32-bit integer, or undefined. */
export function ipv4Number(text: string): number | undefined {
  const n = parseV4(text, 0, text.length);
  return n < 0 || LEADING_ZERO.test(text) ? undefined : n;
}

function parseIpv6(text: string): bigint | undefined {
  const address = text.replace(/%.*$/, ""); // a zone (fe80::1%eth0) does not change the number
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string): string[] | undefined => {
    if (half === "") return [];
    const parts = half.split(":");
    const last = parts[parts.length - 1];
    const v4 = last.includes(".") ? ipv4Number(last) : undefined;
    if (last.includes(".")) {
      if (v4 === undefined) return undefined;
      parts.splice(-1, 1, (v4 >>> 16).toString(16), (v4 & 0xffff).toString(16));
    }
    return parts.every((part) => HEXTET.test(part)) ? parts : undefined;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(missing).fill("0"), ...tail];
  return all.reduce((n, group) => (n << 16n) | BigInt(`0x${group}`), 0n);
}

/** The family of an address string, or undefined for anything else. */
export function addressFamily(text: string): AddressFamily | undefined {
  if (ipv4Number(text) !== undefined) return 4;
  return text.includes(":") && parseIpv6(text) !== undefined ? 6 : undefined;
}

/** The 128-bit key of an address (IPv4 as ::ffff:a.b.c.d), or undefined if not an address. */
export function addressKey(text: string): bigint | undefined {
  const v4 = ipv4Number(text);
  if (v4 !== undefined) return MAPPED_BASE | BigInt(v4);
  return text.includes(":") ? parseIpv6(text) : undefined;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Formats a 128-bit key: IPv4-mapped keys as dotted quads, the rest as compressed IPv6. */
export function formatAddressKey(key: bigint): string {
  if (key >> 32n === 0xffffn) return formatIpv4(Number(key & 0xffffffffn));
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((key >> BigInt(112 - 16 * i)) & 0xffffn),
  );
  // RFC 5952: compress the longest run (of at least two) of zero groups.
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  const head = hex.slice(0, best.start).join(":");
  const tail = hex.slice(best.start + best.length).join(":");
  return `${head}::${tail}`;
}

/**
 * psad's address numbering for gnuplot: every distinct address, sorted numerically and
 * numbered from 1. Strings that are not addresses are skipped.
 */
export function denseRanks(addresses: Iterable<string>): Map<string, number> {
  // IPv4 (and IPv4-mapped) addresses as plain numbers, sorted natively; the few others as
  // 128-bit keys, ranked before or after the IPv4 block (::1 < ::ffff:0:0/96 < 2000::/3).
  const v4 = new Map<string, number>();
  const v6 = new Map<string, bigint>();
  for (const address of addresses) {
    if (v4.has(address) || v6.has(address)) continue;
    const n = ipv4Number(address);
    if (n !== undefined) v4.set(address, n);
    else {
      const key = address.includes(":") ? parseIpv6(address) : undefined;
      if (key === undefined) continue;
      // Equal keys ("::FFFF:1.2.3.4" and "1.2.3.4") share a rank: they are one address.
      if (key >> 32n === 0xffffn) v4.set(address, Number(key & 0xffffffffn));
      else v6.set(address, key);
    }
  }
  const sixes = [...new Set(v6.values())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const below = sixes.filter((key) => key < MAPPED_BASE).length;
  const fours = Float64Array.from(new Set(v4.values())).sort();
  const rankOf6 = new Map(sixes.map((key, i) => [key, i < below ? i + 1 : i + 1 + fours.length]));
  const rankOf4 = new Map<number, number>();
  for (let i = 0; i < fours.length; i++) rankOf4.set(fours[i] as number, below + i + 1);
  const ranks = new Map<string, number>();
  for (const [address, n] of v4) ranks.set(address, rankOf4.get(n) as number);
  for (const [address, key] of v6) ranks.set(address, rankOf6.get(key) as number);
  return ranks;
}
