// IP addresses as the kernel logs them (dotted quads; IPv6 in full `%pI6` form or, from
// other loggers, compressed) → canonical text and integers. Hand-written rather than
// ipaddr.js: it runs on every event, and only these two exact jobs are needed.

/** A parsed IPv6 address: RFC 5952 text and the two 64-bit halves. */
export interface V6 {
  text: string;
  hi: bigint;
  lo: bigint;
}

/** The dotted quad `s[start, end)` as an unsigned integer, or -1 when it is not one. */
export function parseV4(s: string, start: number, end: number): number {
  let int = 0;
  let octets = 0;
  let value = -1;
  for (let i = start; i <= end; ++i) {
    const c = i < end ? s.charCodeAt(i) : 46; // a virtual final "."
    if (c === 46) {
      if (value < 0 || ++octets > 4) return -1;
      int = int * 256 + value;
      value = -1;
    } else if (c >= 48 && c <= 57) {
      value = value < 0 ? c - 48 : value * 10 + c - 48;
      if (value > 255) return -1;
    } else {
      return -1;
    }
  }
  return octets === 4 ? int : -1;
}

/** Canonical text of the quad `s[start, end)` parsed as `int`: the slice unless it has leading zeros. */
export function v4Text(s: string, start: number, end: number, int: number): string {
  const a = int >>> 24;
  const b = (int >>> 16) & 255;
  const c = (int >>> 8) & 255;
  const d = int & 255;
  const length = 3 + width(a) + width(b) + width(c) + width(d);
  return end - start === length ? s.slice(start, end) : `${a}.${b}.${c}.${d}`;
}

function width(octet: number): number {
  return octet < 10 ? 1 : octet < 100 ? 2 : 3;
}

/** Parses `s[start, end)` as an IPv6 address (full, compressed, or with a trailing dotted quad). */
export function parseV6(s: string, start: number, end: number): V6 | null {
  const groups: number[] = [];
  let gap = -1; // index in groups where "::" stood
  let i = start;
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return null;
    gap = 0;
    i += 2;
    if (i === end) return finish(groups, gap);
  }
  while (i < end) {
    let j = i;
    let value = 0;
    while (j < end && j - i < 5) {
      const d = hexDigit(s.charCodeAt(j));
      if (d < 0) break;
      value = value * 16 + d;
      ++j;
    }
    if (j < end && s.charCodeAt(j) === 46) {
      // trailing IPv4 part, e.g. ::ffff:192.0.2.1
      const v4 = parseV4(s, i, end);
      if (v4 < 0 || groups.length > 6) return null;
      groups.push(v4 >>> 16, v4 & 0xffff);
      return finish(groups, gap);
    }
    if (j === i || j - i > 4 || groups.length === 8) return null;
    groups.push(value);
    if (j === end) break;
    if (s.charCodeAt(j) !== 58) return null;
    if (s.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return null;
      gap = groups.length;
      i = j + 2;
      if (i === end) break;
    } else {
      i = j + 1;
      if (i === end) return null; // trailing single ":"
    }
  }
  return finish(groups, gap);
}

function finish(groups: number[], gap: number): V6 | null {
  if (gap < 0) {
    if (groups.length !== 8) return null;
  } else {
    if (groups.length > 7) return null;
    groups.splice(gap, 0, ...new Array<number>(8 - groups.length).fill(0));
  }
  const hi = (BigInt(groups[0] * 65536 + groups[1]) << 32n) | BigInt(groups[2] * 65536 + groups[3]);
  const lo = (BigInt(groups[4] * 65536 + groups[5]) << 32n) | BigInt(groups[6] * 65536 + groups[7]);
  return { text: formatV6(groups), hi, lo };
}

/** RFC 5952: lower case, no leading zeros, the longest run (≥ 2) of zero groups as "::". */
function formatV6(g: number[]): string {
  // IPv4-mapped addresses keep the dotted quad (RFC 5952 §5).
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${g[6] >>> 8}.${g[6] & 255}.${g[7] >>> 8}.${g[7] & 255}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      ++i;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) ++j;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    g
      .slice(from, to)
      .map((x) => x.toString(16))
      .join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
