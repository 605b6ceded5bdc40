// psad's `--CSV-fields` language (+ `--CSV-regex` / `--CSV-neg-regex`) → a typed filter.
//
//   fields := token (WS+ token)*
//   token  := NAME | NAME ":" SPEC
//   SPEC   := ["not"] CRIT ["," COUNT] [","] | ["not"] COUNT
//   CRIT   := DIGITS | ">" DIGITS | "<" DIGITS | "/" REGEX "/" | "'" STRING "'"
//           | IPV4 | IPV4 "/" PREFIXLEN | IPV4 "/" DOTTED-NETMASK | IPv6 host or net
//   COUNT  := count | countuniq | countmin | counthour | countday
//           | countminuniq | counthouruniq | countdayuniq
import { ALIASES, ALL_FIELDS, DEFAULT_FIELDS, FIELDS, type FieldDef } from "./fields.js";
import { parseNet } from "./ip.js";
import { portableRegex, RegexError } from "./regex.js";

export type CountMode =
  | "count"
  | "countuniq"
  | "countmin"
  | "counthour"
  | "countday"
  | "countminuniq"
  | "counthouruniq"
  | "countdayuniq";

export const COUNT_MODES: readonly CountMode[] = [
  "count",
  "countuniq",
  "countmin",
  "counthour",
  "countday",
  "countminuniq",
  "counthouruniq",
  "countdayuniq",
];

/** Bucket width in seconds of a time-based count mode, 0 for the others. */
export function countInterval(mode: CountMode): number {
  if (mode.startsWith("countmin")) return 60;
  if (mode.startsWith("counthour")) return 3600;
  if (mode.startsWith("countday")) return 86400;
  return 0;
}
/** Whether a count mode counts distinct values rather than rows. */
export const countIsUniq = (mode: CountMode): boolean => mode.endsWith("uniq");

export type Criterion =
  | { kind: "num"; op: "eq" | "gt" | "lt"; value: number }
  | { kind: "regex"; source: string; portable: string }
  | { kind: "str"; value: string }
  | { kind: "net"; family: 4 | 6; lo: bigint; hi: bigint; text: string };

export interface FieldSpec {
  /** The token as written (`dst:not11.11.0.0/16`). */
  token: string;
  /** Character offset of the token in the fields string. */
  position: number;
  /** psad field name after alias resolution (`DPT` → `dp`). */
  name: string;
  field: FieldDef;
  criterion: Criterion | null;
  negate: boolean;
  count: CountMode | null;
}

export interface RegexSpec {
  source: string;
  portable: string;
}

export interface Filter {
  fields: FieldSpec[];
  /** `--CSV-regex`: must match the raw line. */
  regex: RegexSpec | null;
  /** `--CSV-neg-regex`: must not match the raw line. */
  negRegex: RegexSpec | null;
  /** The one count suffix, if any: which field (index into `fields`) and how. */
  count: { index: number; mode: CountMode } | null;
}

export class FilterError extends Error {
  constructor(
    message: string,
    /** Character offset in the fields string of the offending token (0 for regex options). */
    readonly position: number,
    /** The offending token text. */
    readonly token: string = "",
  ) {
    super(message);
    this.name = "FilterError";
  }
}

function fail(message: string, position: number, token: string, input: string): never {
  const caret = input
    ? `\n  ${input}\n  ${" ".repeat(position)}${"^".repeat(Math.max(1, token.length))}`
    : "";
  throw new FilterError(`${message}${caret}`, position, token);
}

function regexSpec(src: string, what: string): RegexSpec {
  try {
    return { source: src, portable: portableRegex(src) };
  } catch (error) {
    if (error instanceof RegexError)
      throw new FilterError(`${what} /${src}/: ${error.message}`, 0, src);
    throw error;
  }
}

/** Parse a `--CSV-fields` string (empty → psad's default fields) and the regex options. */
export function parseFilter(
  fields: string,
  opts: { regex?: string; negRegex?: string } = {},
): Filter {
  const out: FieldSpec[] = [];
  let count: Filter["count"] = null;
  const re = /\S+/g;
  for (let m = re.exec(fields); m; m = re.exec(fields)) {
    const token = m[0];
    const pos = m.index;
    const colon = token.indexOf(":");
    const rawName = colon < 0 ? token : token.slice(0, colon);
    if (!/^\w+$/.test(rawName)) fail(`'${rawName}' is not a field name`, pos, token, fields);
    const name = ALIASES[rawName] ?? rawName;
    const field = FIELDS.get(name);
    if (!field)
      fail(
        `${rawName} is not a valid packet field; valid fields are: ${ALL_FIELDS.join(" ")} (aliases: ${Object.keys(ALIASES).join(" ")})`,
        pos,
        token,
        fields,
      );
    let spec = colon < 0 ? "" : token.slice(colon + 1);
    const specPos = pos + colon + 1;
    if (colon >= 0 && spec === "")
      fail(`${rawName}: missing criterion after ':'`, pos, token, fields);
    if (spec.endsWith(",")) spec = spec.slice(0, -1);
    let negate = false;
    if (spec.startsWith("not")) {
      negate = true;
      spec = spec.slice(3);
    }
    let mode: CountMode | null = null;
    const cm = /^(?:(.*),)?(count\w*)$/.exec(spec);
    if (cm && (cm[1] !== undefined || !spec.includes(","))) {
      const candidate = cm[2] as string;
      if (!(COUNT_MODES as readonly string[]).includes(candidate))
        fail(
          `unknown count mode '${candidate}' (valid: ${COUNT_MODES.join(" ")})`,
          specPos,
          token,
          fields,
        );
      mode = candidate as CountMode;
      spec = cm[1] ?? "";
    }
    if (mode) {
      if (count) fail("counts against multiple fields are not supported", pos, token, fields);
      const index = out.length;
      if (countInterval(mode) > 0) {
        if (index === 0 || out[0]?.name !== "timestamp")
          fail(
            `${mode}: the first field must be 'timestamp' for time-based counts`,
            pos,
            token,
            fields,
          );
      } else if (index === 0 && countIsUniq(mode)) {
        fail(
          `${mode} on the first field: there is no field before it to group by`,
          pos,
          token,
          fields,
        );
      }
      count = { index, mode };
    }
    let criterion: Criterion | null = null;
    if (spec !== "") {
      criterion = parseCriterion(spec, field, rawName, pos, token, fields);
    } else if (negate && !mode) {
      fail(`${rawName}: 'not' needs a criterion`, pos, token, fields);
    }
    out.push({ token, position: pos, name, field, criterion, negate, count: mode });
  }
  if (out.length === 0) return parseFilter(DEFAULT_FIELDS, opts);
  return {
    fields: out,
    regex: opts.regex ? regexSpec(opts.regex, "--CSV-regex") : null,
    negRegex: opts.negRegex ? regexSpec(opts.negRegex, "--CSV-neg-regex") : null,
    count,
  };
}

function parseCriterion(
  spec: string,
  field: FieldDef,
  rawName: string,
  pos: number,
  token: string,
  input: string,
): Criterion {
  if (/^\d+$/.test(spec))
    return { kind: "num", op: "eq", value: checkedNumber(spec, pos, token, input) };
  const cmp = /^([<>])(\d+)$/.exec(spec);
  if (cmp)
    return {
      kind: "num",
      op: cmp[1] === ">" ? "gt" : "lt",
      value: checkedNumber(cmp[2] as string, pos, token, input),
    };
  const re = /^\/(.*)\/$/.exec(spec);
  if (re) {
    const source = re[1] as string;
    try {
      return { kind: "regex", source, portable: portableRegex(source) };
    } catch (error) {
      if (error instanceof RegexError)
        fail(`${rawName}: regex /${source}/: ${error.message}`, pos, token, input);
      throw error;
    }
  }
  const str = /^'(.*)'$/.exec(spec);
  if (str) return { kind: "str", value: str[1] as string };
  if (/^[\d.]+(\/[\d.]+)?$/.test(spec) || spec.includes(":")) {
    if (field.kind !== "addr")
      fail(`${rawName}: address criteria apply only to src and dst`, pos, token, input);
    const r = parseNet(spec);
    if (typeof r === "string") fail(`${rawName}: ${r}`, pos, token, input);
    return { kind: "net", family: r.family, lo: r.lo, hi: r.hi, text: spec };
  }
  fail(
    `${rawName}: unrecognized criterion '${spec}' (expected n, >n, <n, /regex/, 'string', an address or network, or a count mode)`,
    pos,
    token,
    input,
  );
}

function checkedNumber(s: string, pos: number, token: string, input: string): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) fail(`number ${s} is too large`, pos, token, input);
  return n;
}
