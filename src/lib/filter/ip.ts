// Address criteria: IPv4 host / CIDR / dotted netmask and IPv6 host / net, as integer ranges.

/** Strict dotted quad → unsigned 32-bit integer; null when not one. */
export function v4ToInt(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    n = n * 256 + o;
  }
  return n;
}

/** IPv6 text (full, compressed, or with a trailing dotted quad) → 128-bit integer; null when invalid. */
export function v6ToBig(s: string): bigint | null {
  let text = s;
  const v4m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4m) {
    const v4 = v4ToInt(v4m[2] as string);
    if (v4 === null) return null;
    text = `${v4m[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (p: string): number[] | null => {
    if (p === "") return [];
    const out: number[] = [];
    for (const g of p.split(":")) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] as string);
  const rest = halves.length === 2 ? parse(halves[1] as string) : [];
  if (head === null || rest === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else {
    groups = head;
    if (groups.length !== 8) return null;
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

export interface NetRange {
  family: 4 | 6;
  /** Inclusive bounds: 32-bit for IPv4, 128-bit for IPv6. */
  lo: bigint;
  hi: bigint;
}

/** Parse an address criterion; returns an error message instead of a range when invalid. */
export function parseNet(spec: string): NetRange | string {
  if (spec.includes(":")) {
    const [addr, plen, extra] = spec.split("/");
    if (extra !== undefined) return `'${spec}' is not an IPv6 address or network`;
    const n = v6ToBig(addr as string);
    if (n === null) return `'${addr}' is not an IPv6 address`;
    let bits = 128;
    if (plen !== undefined) {
      if (!/^\d{1,3}$/.test(plen) || Number(plen) > 128)
        return `'/${plen}' is not an IPv6 prefix length (0-128)`;
      bits = Number(plen);
    }
    const hostMask = bits === 128 ? 0n : (1n << BigInt(128 - bits)) - 1n;
    const lo = n & ~hostMask & ((1n << 128n) - 1n);
    return { family: 6, lo, hi: lo | hostMask };
  }
  const [addr, mask, extra] = spec.split("/");
  if (extra !== undefined) return `'${spec}' is not an IPv4 address or network`;
  const n = v4ToInt(addr as string);
  if (n === null) return `'${addr}' is not an IPv4 address`;
  let bits = 32;
  if (mask !== undefined) {
    if (/^\d{1,2}$/.test(mask)) {
      bits = Number(mask);
      if (bits > 32) return `'/${mask}' is not an IPv4 prefix length (0-32)`;
    } else {
      const m = v4ToInt(mask);
      if (m === null) return `'/${mask}' is neither a prefix length nor a dotted netmask`;
      // contiguous netmask: ones then zeros
      const inv = ~m >>> 0;
      if ((inv & (inv + 1)) !== 0) return `netmask ${mask} is not contiguous`;
      bits = 32 - Math.log2(inv + 1);
    }
  }
  const hostMask = bits === 0 ? 0xffffffff : bits === 32 ? 0 : (2 ** (32 - bits) - 1) >>> 0;
  const lo = (n & ~hostMask) >>> 0;
  return { family: 4, lo: BigInt(lo), hi: BigInt((lo | hostMask) >>> 0) };
}
