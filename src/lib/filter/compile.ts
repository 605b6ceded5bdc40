// The two back ends of a Filter: a JavaScript predicate over FwEvent and a DuckDB WHERE
// expression over the `events` table. Both implement psad's matching rules:
// - numeric criteria (also negated) first require the value to be a number: a missing
//   value (psad's -1) or text that is not all digits never matches;
// - 'string' compares the printed text exactly; /regex/ searches the printed text;
// - an address criterion is false for the other family, and a negated one is true for it
//   (psad's NetAddr::IP->within); rows without an address never match either way;
// - criteria on different fields are ANDed, then --CSV-regex / --CSV-neg-regex on `raw`.
import type { FwEvent } from "../schema.js";
import { type FieldDef, renderValue, sqlText } from "./fields.js";
import type { Criterion, FieldSpec, Filter } from "./parse.js";

type Pred = (e: FwEvent) => boolean;

function numericValue(f: FieldDef, e: FwEvent): number | null {
  const v = f.value(e);
  if (v === null) return null;
  if (typeof v === "number") return v;
  return /^\d+$/.test(v) ? Number(v) : null;
}

function criterionPred(spec: FieldSpec, c: Criterion): Pred {
  const f = spec.field;
  const neg = spec.negate;
  switch (c.kind) {
    case "num": {
      const n = c.value;
      const test =
        c.op === "eq"
          ? (v: number) => v === n
          : c.op === "gt"
            ? (v: number) => v > n
            : (v: number) => v < n;
      return (e) => {
        const v = numericValue(f, e);
        return v !== null && test(v) !== neg;
      };
    }
    case "str":
      return (e) => (renderValue(f.value(e)) === c.value) !== neg;
    case "regex": {
      const re = new RegExp(c.portable);
      return (e) => re.test(renderValue(f.value(e))) !== neg;
    }
    case "net": {
      const which = f.name === "dst" ? "dst" : "src";
      return (e) => {
        if (e.family === 4) {
          const v = which === "src" ? e.src_v4 : e.dst_v4;
          if (v === null) return false;
          const inside = c.family === 4 && BigInt(v) >= c.lo && BigInt(v) <= c.hi;
          return inside !== neg;
        }
        if (e.family === 6) {
          const hi = which === "src" ? e.src_v6_hi : e.dst_v6_hi;
          const lo = which === "src" ? e.src_v6_lo : e.dst_v6_lo;
          if (hi === null || lo === null) return false;
          const v = (BigInt(hi) << 64n) | BigInt(lo);
          const inside = c.family === 6 && v >= c.lo && v <= c.hi;
          return inside !== neg;
        }
        return false;
      };
    }
  }
}

/** The filter as a predicate over events (criteria and both regexes). */
export function toPredicate(filter: Filter): (e: FwEvent) => boolean {
  const preds: Pred[] = [];
  if (filter.regex) {
    const re = new RegExp(filter.regex.portable);
    preds.push((e) => re.test(e.raw));
  }
  if (filter.negRegex) {
    const re = new RegExp(filter.negRegex.portable);
    preds.push((e) => !re.test(e.raw));
  }
  for (const spec of filter.fields)
    if (spec.criterion) preds.push(criterionPred(spec, spec.criterion));
  if (preds.length === 0) return () => true;
  if (preds.length === 1) return preds[0] as Pred;
  return (e) => {
    for (const p of preds) if (!p(e)) return false;
    return true;
  };
}

/** A SQL string literal: single quotes doubled (DuckDB does not treat backslashes specially). */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const MASK64 = (1n << 64n) - 1n;
const ubig = (n: bigint): string => `${n.toString()}::UBIGINT`;

function v6RangeSql(hiCol: string, loCol: string, lo: bigint, hi: bigint): string {
  const lh = lo >> 64n;
  const hh = hi >> 64n;
  const ll = lo & MASK64;
  const hl = hi & MASK64;
  if (lh === hh) {
    if (ll === 0n && hl === MASK64) return `${hiCol} = ${ubig(lh)}`;
    return `(${hiCol} = ${ubig(lh)} AND ${loCol} BETWEEN ${ubig(ll)} AND ${ubig(hl)})`;
  }
  // prefix ≤ 64: the low half is free (the range is aligned)
  return `${hiCol} BETWEEN ${ubig(lh)} AND ${ubig(hh)}`;
}

function criterionSql(spec: FieldSpec, c: Criterion): string {
  const f = spec.field;
  const neg = spec.negate;
  switch (c.kind) {
    case "num": {
      const op = c.op === "eq" ? "=" : c.op === "gt" ? ">" : "<";
      const nop = c.op === "eq" ? "<>" : c.op === "gt" ? "<=" : ">=";
      const cmp = neg ? nop : op;
      if (f.kind === "num") {
        const v = `(${f.sql})`;
        return `(${v} IS NOT NULL AND ${v} ${cmp} ${c.value})`;
      }
      const t = `(${f.sql})`;
      return `coalesce(regexp_full_match(${t}, '[0-9]+') AND TRY_CAST(${t} AS DOUBLE) ${cmp} ${c.value}, false)`;
    }
    case "str": {
      const e = `(${sqlText(f)} = ${sqlString(c.value)})`;
      return neg ? `(NOT ${e})` : e;
    }
    case "regex": {
      const e = `regexp_matches(${sqlText(f)}, ${sqlString(c.portable)})`;
      return neg ? `(NOT ${e})` : e;
    }
    case "net": {
      const which = f.name === "dst" ? "dst" : "src";
      const inside =
        c.family === 4
          ? `coalesce(family = 4 AND ${which}_v4 BETWEEN ${c.lo} AND ${c.hi}, false)`
          : `coalesce(family = 6 AND ${v6RangeSql(`${which}_v6_hi`, `${which}_v6_lo`, c.lo, c.hi)}, false)`;
      const present = `((family = 4 AND ${which}_v4 IS NOT NULL) OR (family = 6 AND ${which}_v6_hi IS NOT NULL AND ${which}_v6_lo IS NOT NULL))`;
      return `(${present} AND ${neg ? "NOT " : ""}${inside})`;
    }
  }
}

/**
 * The filter as a DuckDB (1.1.1, no extensions) boolean expression over the schema columns
 * of table `events`, for `WHERE …`. User text only appears inside escaped string literals;
 * numbers are validated integers; identifiers come from the schema.
 */
export function toSql(filter: Filter): string {
  const parts: string[] = [];
  if (filter.regex) parts.push(`regexp_matches(raw, ${sqlString(filter.regex.portable)})`);
  if (filter.negRegex)
    parts.push(`NOT regexp_matches(raw, ${sqlString(filter.negRegex.portable)})`);
  for (const spec of filter.fields)
    if (spec.criterion) parts.push(criterionSql(spec, spec.criterion));
  return parts.length === 0 ? "TRUE" : parts.join(" AND ");
}
