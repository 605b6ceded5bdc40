// Columns of raw values (numbers, dates, address strings, other text) → plottable axes:
// one coordinate per row, a domain extended to whole ticks (as gnuplot's autoscale
// does) and the ticks themselves.

import { nice, tickIncrement, ticks } from "d3-array";
import { addressFamily, addressKey, denseRanks, formatAddressKey, formatIpv4 } from "./address.js";

/**
 * How address columns become coordinates. "rank": psad's dense ranks 1..N (x and y
 * ranked together when both hold addresses). "address": numeric address order, a linear
 * scale over the 32-bit integer when every address of the axis is IPv4; with any IPv6,
 * over 128-bit keys where IPv4 sits at ::ffff:a.b.c.d, i.e. bunched below global IPv6.
 */
export type Mapping = "rank" | "address";

/** "ordinal": text that is not an address, numbered in order of first appearance, as psad does. */
export type AxisKind = "number" | "address" | "ordinal";

export interface Tick {
  readonly value: number;
  readonly label: string;
}

export interface Axis {
  readonly kind: AxisKind;
  /** The coordinate of each row; NaN where the value is missing or unusable. */
  readonly values: Float64Array;
  readonly domain: readonly [number, number];
  readonly ticks: readonly Tick[];
}

export interface Axes {
  readonly x: Axis;
  readonly y: Axis;
  readonly z?: Axis;
}

/** About how many ticks each axis gets: gnuplot's density for numbers, fewer for addresses. */
const TICK_COUNT = { number: 8, address: 4 };
const MAX_NAMED_ORDINALS = 12;

const isMissing = (v: unknown) => v === null || v === undefined || v === "";

function numberOf(v: unknown): number {
  if (typeof v === "number") return v;
  if (v instanceof Date) return v.getTime();
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return Number.NaN;
}

export function axisKind(values: readonly unknown[]): AxisKind {
  let kind: AxisKind = "number";
  for (const v of values) {
    if (isMissing(v) || Number.isFinite(numberOf(v))) continue;
    if (typeof v !== "string" || addressFamily(v) === undefined) return "ordinal";
    kind = "address";
  }
  return kind;
}

export function buildAxes(
  columns: { x: readonly unknown[]; y: readonly unknown[]; z?: readonly unknown[] },
  mapping: Mapping,
): Axes {
  const xKind = axisKind(columns.x);
  const yKind = axisKind(columns.y);
  // psad numbers the addresses of its src and dst columns as one set.
  const sharedRanks =
    mapping === "rank" && xKind === "address" && yKind === "address"
      ? denseRanks(addressStrings([...columns.x, ...columns.y]))
      : undefined;
  const axis = (values: readonly unknown[], kind: AxisKind) =>
    kind === "address"
      ? mapping === "rank"
        ? rankAxis(values, sharedRanks ?? denseRanks(addressStrings(values)))
        : addressAxis(values)
      : kind === "ordinal"
        ? ordinalAxis(values)
        : numberAxis(values);
  return {
    x: axis(columns.x, xKind),
    y: axis(columns.y, yKind),
    z: columns.z && axis(columns.z, axisKind(columns.z)),
  };
}

function addressStrings(values: readonly unknown[]): string[] {
  return values.filter((v): v is string => typeof v === "string");
}

function numberAxis(raw: readonly unknown[]): Axis {
  const values = Float64Array.from(raw, (v) => (isMissing(v) ? Number.NaN : numberOf(v)));
  return { kind: "number", values, ...linearTicks(values, false) };
}

function rankAxis(raw: readonly unknown[], ranks: Map<string, number>): Axis {
  const values = Float64Array.from(raw, (v) =>
    typeof v === "string" ? (ranks.get(v) ?? NaN) : NaN,
  );
  return { kind: "address", values, ...linearTicks(values, true) };
}

function ordinalAxis(raw: readonly unknown[]): Axis {
  const numbers = new Map<string, number>();
  const values = Float64Array.from(raw, (v) => {
    if (isMissing(v)) return Number.NaN;
    const key = String(v);
    if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
    return numbers.get(key) as number;
  });
  const names = [...numbers.keys()];
  if (names.length > MAX_NAMED_ORDINALS) {
    const scale = linearTicks(values, true);
    const ticks = scale.ticks.map((t) => ({ value: t.value, label: names[t.value - 1] ?? "" }));
    return { kind: "ordinal", values, domain: scale.domain, ticks };
  }
  const ticks = names.map((label, i) => ({ value: i + 1, label }));
  return { kind: "ordinal", values, domain: [0, names.length + 1], ticks };
}

function addressAxis(raw: readonly unknown[]): Axis {
  const strings = addressStrings(raw);
  const ipv4Only = strings.every((s) => addressFamily(s) !== 6);
  const keys = new Map<string, number>();
  for (const s of strings) {
    if (keys.has(s)) continue;
    const key = addressKey(s);
    if (key === undefined) continue;
    // IPv4-only axes use the plain 32-bit integer: the numbers stay exact and small.
    keys.set(s, ipv4Only ? Number(key & 0xffffffffn) : Number(key));
  }
  const values = Float64Array.from(raw, (v) =>
    typeof v === "string" ? (keys.get(v) ?? NaN) : NaN,
  );
  const format = ipv4Only ? formatIpv4 : (n: number) => formatAddressKey(BigInt(n));
  const last = ipv4Only ? 2 ** 32 - 1 : 2 ** 128 - 1;
  return { kind: "address", values, ...addressTicks(extent(values), format, last) };
}

function extent(values: Float64Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/**
 * A domain extended to whole ticks, like gnuplot's autoscale (22..8888 → 0..9000).
 * A single value gets a unit of room on each side (gnuplot's ±1% gives ticks like 0.995,
 * which mean nothing for ranks). Integer axes (ranks, ordinals) get integer ticks only.
 */
export function linearTicks(
  values: Float64Array,
  integer: boolean,
): { domain: [number, number]; ticks: Tick[] } {
  let [lo, hi] = extent(values);
  if (lo === hi) {
    const pad = integer || Number.isInteger(lo) ? 1 : Math.abs(lo) * 0.01 || 1;
    [lo, hi] = [lo - pad, hi + pad];
  }
  [lo, hi] = nice(lo, hi, TICK_COUNT.number);
  let tickValues = ticks(lo, hi, TICK_COUNT.number);
  if (integer && tickIncrement(lo, hi, TICK_COUNT.number) < 1) {
    [lo, hi] = [Math.floor(lo), Math.ceil(hi)];
    tickValues = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  return {
    domain: [lo, hi],
    ticks: tickValues.map((value) => ({ value, label: formatNumber(value) })),
  };
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
}

/**
 * Address ticks on CIDR boundaries: the step is a power of two, so every tick starts a
 * block (11.11.64.0, 11.11.128.0 …) and reads as one. A block end past the last address
 * (256.0.0.0) becomes the last address itself.
 */
export function addressTicks(
  [lo, hi]: [number, number],
  format: (n: number) => string,
  last: number,
): { domain: [number, number]; ticks: Tick[] } {
  if (lo === hi) [lo, hi] = [Math.max(lo - 1, 0), Math.min(hi + 1, last)];
  const span = Math.max(hi - lo, 1);
  const step = 2 ** Math.max(0, Math.ceil(Math.log2(span / TICK_COUNT.address)));
  const start = Math.floor(lo / step) * step;
  const stop = Math.min(Math.max(Math.ceil(hi / step) * step, start + step), last);
  const count = Math.ceil((stop - start) / step);
  const tickList = Array.from({ length: count + 1 }, (_, i) => {
    const value = Math.min(start + i * step, stop);
    return { value, label: format(value) };
  });
  return { domain: [start, stop], ticks: tickList };
}
