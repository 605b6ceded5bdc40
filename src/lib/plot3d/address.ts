// IP addresses as numbers, for plotting: one 128-bit key space for both families.
// IPv4 a.b.c.d is keyed as its IPv4-mapped IPv6 address ::ffff:a.b.c.d, so one numeric
// sort orders a mixed column (::1 < every IPv4 address < 2000::/3 and the rest of IPv6).

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;
const MAPPED_BASE = 0xffffn << 32n;

export type AddressFamily = 4 | 6;

function parseIpv4(text: string): bigint | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split(".").reduce((n, octet) => (n << 8n) | BigInt(octet), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const address = text.replace(/%.*$/, ""); // a zone (fe80::1%eth0) does not change the number
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string): string[] | undefined => {
    if (half === "") return [];
    const parts = half.split(":");
    const last = parts[parts.length - 1];
    const v4 = last.includes(".") ? parseIpv4(last) : undefined;
    if (last.includes(".")) {
      if (v4 === undefined) return undefined;
      parts.splice(-1, 1, ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
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
  if (parseIpv4(text) !== undefined) return 4;
  return text.includes(":") && parseIpv6(text) !== undefined ? 6 : undefined;
}

/** The 128-bit key of an address (IPv4 as ::ffff:a.b.c.d), or undefined if not an address. */
export function addressKey(text: string): bigint | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return MAPPED_BASE | v4;
  return text.includes(":") ? parseIpv6(text) : undefined;
}

/** An IPv4 address as its 32-bit integer, or undefined. */
export function ipv4Number(text: string): number | undefined {
  const v4 = parseIpv4(text);
  return v4 === undefined ? undefined : Number(v4);
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
  const keys = new Map<string, bigint>();
  for (const address of addresses) {
    if (keys.has(address)) continue;
    const key = addressKey(address);
    if (key !== undefined) keys.set(address, key);
  }
  // Equal keys (e.g. "::FFFF:1.2.3.4" and "1.2.3.4") share a rank: they are one address.
  const distinct = [...new Set(keys.values())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rankOfKey = new Map(distinct.map((key, i) => [key, i + 1]));
  return new Map([...keys].map(([address, key]) => [address, rankOfKey.get(key) as number]));
}
