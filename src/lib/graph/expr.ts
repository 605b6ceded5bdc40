// A small, safe interpreter for the Perl expressions AfterGlow configuration values use.
// Tokenizer → recursive-descent parser → closures. Nothing is ever executed as code: the
// only operations are the ones below, on strings and numbers.
//
// Supported: string ('…', "…") and number literals, barewords (as strings), $fields[N],
// $type, field(), match(), regex_replace(), subnet(), any_regex(), get_severity(),
// substr(), lc(), uc(), length(), int(), defined(); == != < > <= >= <=> eq ne lt gt le ge;
// =~ and !~ with /re/flags, m{re}, or a string; ! not && || and or; ?: ; + - * / % . ;
// `EXPR if COND`, `EXPR unless COND`; parentheses.
import ipaddr from "ipaddr.js";
import { perlRegex, RegexError } from "./regex.js";

/** A Perl scalar: a string, a number or undef. */
export type Value = string | number | undefined;

/** What an expression can see while it is evaluated for one row. */
export interface EvalContext {
  /** The row (after clustering), as AfterGlow's @fields. */
  fields: readonly string[];
  /** "source" | "event" | "target" | "sourcetarget" | "edge" (AfterGlow's $type). */
  type: string;
  /** The value of the node being evaluated (what field(), match(), regex_replace() see). */
  field: string | undefined;
  /** Two-column mode (source → target): field() of a target is column 1. */
  twoColumn?: boolean;
}

export type Compiled = (ctx: EvalContext) => Value;

/** A syntax or semantic error in an expression; `column` is 1-based within the expression. */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------- Perl scalar semantics

const NUM_PREFIX = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/;

/** Perl's string → number conversion: leading whitespace and a numeric prefix, else 0. */
export function perlNum(v: Value): number {
  if (typeof v === "number") return v;
  if (v === undefined || v === "") return 0;
  const fast = Number(v);
  if (!Number.isNaN(fast) && !/[xXbBoO]/.test(v)) return fast;
  const m = NUM_PREFIX.exec(v);
  if (m) return Number(m[1]);
  const t = v.trimStart().toLowerCase();
  if (/^[+-]?inf(inity)?/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan/.test(t)) return Number.NaN;
  return 0;
}

/** Perl's number → string conversion (%.15g). */
export function perlStr(v: Value): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Inf" : "-Inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const s = v.toPrecision(15);
  if (s.includes("e")) {
    const [mant, exp] = s.split("e") as [string, string];
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    const e = Number(exp);
    return `${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/** Perl truthiness: undef, "", "0" and 0 are false. */
export function perlTrue(v: Value): boolean {
  if (v === undefined) return false;
  if (typeof v === "number") return v !== 0;
  return v !== "" && v !== "0";
}

const TRUE: Value = 1;
const FALSE: Value = "";
const bool = (b: boolean): Value => (b ? TRUE : FALSE);

// ---------------------------------------------------------------- tokenizer

type TokKind = "num" | "str" | "regex" | "ident" | "var" | "op" | "eof";
interface Token {
  kind: TokKind;
  value: string;
  flags?: string;
  pos: number;
}

const OPERATORS = [
  "<=>",
  "==",
  "!=",
  "<=",
  ">=",
  "=~",
  "!~",
  "&&",
  "||",
  "//",
  "**",
  "->",
  "++",
  "--",
  "+=",
  "-=",
  ".=",
  "<",
  ">",
  "!",
  "?",
  ":",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ".",
  "+",
  "-",
  "*",
  "/",
  "%",
  ";",
  "=",
];

const CLOSING: Record<string, string> = { "(": ")", "[": "]", "{": "}", "<": ">" };

function readDelimited(src: string, start: number, open: string): [string, number] {
  const close = CLOSING[open] ?? open;
  let depth = 1;
  let out = "";
  let i = start;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === "\\" && i + 1 < src.length) {
      const d = src[i + 1] as string;
      // \<delimiter> is the delimiter itself; other escapes are left for the regex engine
      out += `\\${d}`;
      i += 2;
      continue;
    }
    if (c === open && open !== close) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return [out, i + 1];
    }
    out += c;
    i++;
  }
  throw new ExprError(`unterminated regex or string starting with '${open}'`, start);
}

function unescapeDouble(body: string, pos: number): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === "\\" && i + 1 < body.length) {
      const d = body[++i] as string;
      const map: Record<string, string> = {
        n: "\n",
        t: "\t",
        r: "\r",
        f: "\f",
        a: "\x07",
        e: "\x1b",
        "0": "\0",
      };
      if (d === "x") {
        const m = /^\{([0-9A-Fa-f]+)\}|^[0-9A-Fa-f]{1,2}/.exec(body.slice(i + 1));
        if (m) {
          out += String.fromCodePoint(Number.parseInt(m[1] ?? m[0], 16));
          i += m[0].length;
        } else out += "\0";
      } else out += map[d] ?? d;
      continue;
    }
    if ((c === "$" || c === "@") && /[A-Za-z_{:]/.test(body[i + 1] ?? "")) {
      throw new ExprError(
        `variable interpolation ("${c}${body.slice(i + 1, i + 8)}…") inside a double-quoted string is not supported; use the . operator`,
        pos + i + 1,
      );
    }
    out += c;
  }
  return out;
}

export function tokenize(src: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  const prevAllowsRegex = (): boolean => {
    const p = toks[toks.length - 1];
    if (!p) return true;
    if (p.kind === "op") return p.value !== ")" && p.value !== "]" && p.value !== "}";
    if (p.kind === "ident") return ["if", "unless", "and", "or", "not", "return"].includes(p.value);
    return false;
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "#") break; // comment to end
    const start = i;
    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const m =
        /^(?:0[xX][0-9A-Fa-f_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)/.exec(
          src.slice(i),
        );
      const text = (m as RegExpExecArray)[0];
      const clean = text.replace(/_/g, "");
      let value: number;
      if (/^0[xX]/.test(clean)) value = Number.parseInt(clean.slice(2), 16);
      else if (/^0[bB]/.test(clean)) value = Number.parseInt(clean.slice(2), 2);
      else if (/^0\d+$/.test(clean)) value = Number.parseInt(clean, 8);
      else value = Number(clean);
      toks.push({ kind: "num", value: String(value), pos: start });
      i += text.length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let body = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) {
          body += src.slice(j, j + 2);
          j += 2;
        } else body += src[j++];
      }
      if (j >= src.length) throw new ExprError(`unterminated string starting with ${c}`, start + 1);
      const value = c === '"' ? unescapeDouble(body, start + 1) : body.replace(/\\([\\'])/g, "$1");
      toks.push({ kind: "str", value, pos: start });
      i = j + 1;
      continue;
    }
    if (c === "/" && prevAllowsRegex()) {
      const [body, end] = readDelimited(src, i + 1, "/");
      const flags = /^[a-z]*/.exec(src.slice(end))?.[0] ?? "";
      toks.push({ kind: "regex", value: body, flags, pos: start });
      i = end + flags.length;
      continue;
    }
    if (c === "$" || c === "@" || c === "%") {
      if (c === "$" && src[i + 1] === "_" && !/\w/.test(src[i + 2] ?? "")) {
        toks.push({ kind: "var", value: "$_", pos: start });
        i += 2;
        continue;
      }
      const m = /^[$@%][A-Za-z_]\w*/.exec(src.slice(i));
      if (m && (c !== "%" || prevAllowsRegex())) {
        toks.push({ kind: "var", value: m[0], pos: start });
        i += m[0].length;
        continue;
      }
      if (c === "$")
        throw new ExprError(`unsupported variable '${src.slice(i, i + 6)}…'`, start + 1);
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*(?:::\w+)*/.exec(src.slice(i)) as RegExpExecArray;
      const word = m[0];
      // m/…/, m{…}, qr/…/
      if ((word === "m" || word === "qr") && /^[^\w\s]/.test(src[i + word.length] ?? "")) {
        const open = src[i + word.length] as string;
        const [body, end] = readDelimited(src, i + word.length + 1, open);
        const flags = /^[a-z]*/.exec(src.slice(end))?.[0] ?? "";
        toks.push({ kind: "regex", value: body, flags, pos: start });
        i = end + flags.length;
        continue;
      }
      if (
        ["s", "tr", "y", "qx", "q", "qq", "qw"].includes(word) &&
        /^[^\w\s,;)=]/.test(src[i + word.length] ?? "")
      ) {
        throw new ExprError(`Perl operator '${word}' is not supported`, start + 1);
      }
      toks.push({ kind: "ident", value: word, pos: start });
      i += word.length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      toks.push({ kind: "op", value: op, pos: start });
      i += op.length;
      continue;
    }
    throw new ExprError(`unexpected character '${c}'`, start + 1);
  }
  toks.push({ kind: "eof", value: "", pos: src.length });
  return toks;
}

// ---------------------------------------------------------------- parser → closures

// biome-ignore lint/complexity/noBannedTypes: reserved for future options
export type CompileOptions = {};

const FUNCTIONS = [
  "field",
  "match",
  "regex_replace",
  "subnet",
  "any_regex",
  "get_severity",
  "substr",
  "lc",
  "uc",
  "length",
  "int",
  "abs",
  "defined",
];

const WORD_OPS = new Set([
  "eq",
  "ne",
  "lt",
  "gt",
  "le",
  "ge",
  "cmp",
  "and",
  "or",
  "not",
  "if",
  "unless",
  "x",
  "xor",
]);

const regexCache = new Map<string, RegExp>();
function dynRegex(src: string): RegExp {
  let re = regexCache.get(src);
  if (!re) {
    re = perlRegex(src);
    if (regexCache.size > 10000) regexCache.clear();
    regexCache.set(src, re);
  }
  return re;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i] as Token;
  }
  private next(): Token {
    return this.toks[this.i++] as Token;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.kind === "op" && t.value === v;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t.kind === "ident" && t.value === v;
  }
  private expectOp(v: string): void {
    const t = this.next();
    if (t.kind !== "op" || t.value !== v) throw this.error(`expected '${v}'`, t);
  }
  private error(msg: string, t: Token = this.peek()): ExprError {
    const found = t.kind === "eof" ? "end of expression" : `'${t.value}'`;
    return new ExprError(`${msg}, found ${found}`, t.pos + 1);
  }

  parseStatement(): Compiled {
    const body = this.parseExpr();
    let result = body;
    if (this.isWord("if") || this.isWord("unless")) {
      const neg = this.next().value === "unless";
      const cond = this.parseExpr();
      result = (ctx) => {
        const c = cond(ctx);
        return perlTrue(c) !== neg ? body(ctx) : c;
      };
    }
    while (this.isOp(";")) this.next();
    const t = this.peek();
    if (t.kind !== "eof") {
      if (
        t.kind === "op" &&
        (t.value === "=" ||
          (t.value.endsWith("=") && t.value.length === 2 && "+-.".includes(t.value[0] as string)))
      )
        throw new ExprError(
          "assignments are not supported in configuration expressions",
          t.pos + 1,
        );
      if (t.kind === "op" && t.value === "{")
        throw new ExprError(
          "blocks ({ … }) are not supported; write VALUE if (CONDITION)",
          t.pos + 1,
        );
      throw this.error("unexpected token after the expression");
    }
    return result;
  }

  private parseExpr(): Compiled {
    return this.parseLowOr();
  }

  private parseLowOr(): Compiled {
    let left = this.parseLowAnd();
    while (this.isWord("or") || this.isWord("xor")) {
      const op = this.next().value;
      const l = left;
      const r = this.parseLowAnd();
      left =
        op === "or"
          ? (ctx) => {
              const a = l(ctx);
              return perlTrue(a) ? a : r(ctx);
            }
          : (ctx) => bool(perlTrue(l(ctx)) !== perlTrue(r(ctx)));
    }
    return left;
  }

  private parseLowAnd(): Compiled {
    let left = this.parseLowNot();
    while (this.isWord("and")) {
      this.next();
      const l = left;
      const r = this.parseLowNot();
      left = (ctx) => {
        const a = l(ctx);
        return perlTrue(a) ? r(ctx) : a;
      };
    }
    return left;
  }

  private parseLowNot(): Compiled {
    if (this.isWord("not")) {
      this.next();
      const e = this.parseLowNot();
      return (ctx) => bool(!perlTrue(e(ctx)));
    }
    return this.parseTernary();
  }

  private parseTernary(): Compiled {
    const cond = this.parseOrOr();
    if (!this.isOp("?")) return cond;
    this.next();
    const a = this.parseTernary();
    this.expectOp(":");
    const b = this.parseTernary();
    return (ctx) => (perlTrue(cond(ctx)) ? a(ctx) : b(ctx));
  }

  private parseOrOr(): Compiled {
    let left = this.parseAndAnd();
    while (this.isOp("||") || this.isOp("//")) {
      const op = this.next().value;
      const l = left;
      const r = this.parseAndAnd();
      left =
        op === "||"
          ? (ctx) => {
              const a = l(ctx);
              return perlTrue(a) ? a : r(ctx);
            }
          : (ctx) => {
              const a = l(ctx);
              return a !== undefined ? a : r(ctx);
            };
    }
    return left;
  }

  private parseAndAnd(): Compiled {
    let left = this.parseEquality();
    while (this.isOp("&&")) {
      this.next();
      const l = left;
      const r = this.parseEquality();
      left = (ctx) => {
        const a = l(ctx);
        return perlTrue(a) ? r(ctx) : a;
      };
    }
    return left;
  }

  private parseEquality(): Compiled {
    let left = this.parseRelational();
    for (;;) {
      const t = this.peek();
      const op =
        t.kind === "op" && ["==", "!=", "<=>"].includes(t.value)
          ? t.value
          : t.kind === "ident" && ["eq", "ne", "cmp"].includes(t.value)
            ? t.value
            : undefined;
      if (!op) return left;
      this.next();
      const l = left;
      const r = this.parseRelational();
      switch (op) {
        case "==":
          left = (ctx) => bool(perlNum(l(ctx)) === perlNum(r(ctx)));
          break;
        case "!=":
          left = (ctx) => bool(perlNum(l(ctx)) !== perlNum(r(ctx)));
          break;
        case "<=>":
          left = (ctx) => {
            const a = perlNum(l(ctx));
            const b = perlNum(r(ctx));
            return a < b ? -1 : a > b ? 1 : a === b ? 0 : undefined;
          };
          break;
        case "eq":
          left = (ctx) => bool(perlStr(l(ctx)) === perlStr(r(ctx)));
          break;
        case "ne":
          left = (ctx) => bool(perlStr(l(ctx)) !== perlStr(r(ctx)));
          break;
        default:
          left = (ctx) => {
            const a = perlStr(l(ctx));
            const b = perlStr(r(ctx));
            return a < b ? -1 : a > b ? 1 : 0;
          };
      }
    }
  }

  private parseRelational(): Compiled {
    let left = this.parseAdditive();
    for (;;) {
      const t = this.peek();
      const op =
        t.kind === "op" && ["<", ">", "<=", ">="].includes(t.value)
          ? t.value
          : t.kind === "ident" && ["lt", "gt", "le", "ge"].includes(t.value)
            ? t.value
            : undefined;
      if (!op) return left;
      this.next();
      const l = left;
      const r = this.parseAdditive();
      const numeric = !/^[a-z]/.test(op);
      const cmp: (a: number | string, b: number | string) => boolean =
        op === "<" || op === "lt"
          ? (a, b) => a < b
          : op === ">" || op === "gt"
            ? (a, b) => a > b
            : op === "<=" || op === "le"
              ? (a, b) => a <= b
              : (a, b) => a >= b;
      left = numeric
        ? (ctx) => bool(cmp(perlNum(l(ctx)), perlNum(r(ctx))))
        : (ctx) => bool(cmp(perlStr(l(ctx)), perlStr(r(ctx))));
    }
  }

  private parseAdditive(): Compiled {
    let left = this.parseMultiplicative();
    while (this.isOp("+") || this.isOp("-") || this.isOp(".")) {
      const op = this.next().value;
      const l = left;
      const r = this.parseMultiplicative();
      left =
        op === "+"
          ? (ctx) => perlNum(l(ctx)) + perlNum(r(ctx))
          : op === "-"
            ? (ctx) => perlNum(l(ctx)) - perlNum(r(ctx))
            : (ctx) => perlStr(l(ctx)) + perlStr(r(ctx));
    }
    return left;
  }

  private parseMultiplicative(): Compiled {
    let left = this.parseBinding();
    while (this.isOp("*") || this.isOp("/") || this.isOp("%") || this.isWord("x")) {
      const t = this.next();
      const op = t.value;
      const l = left;
      const r = this.parseBinding();
      if (op === "x") {
        left = (ctx) => {
          const count = Math.trunc(perlNum(r(ctx)));
          if (count > 10000) throw new ExprError("repetition count too large", t.pos + 1);
          return perlStr(l(ctx)).repeat(Math.max(0, count));
        };
      } else if (op === "*") left = (ctx) => perlNum(l(ctx)) * perlNum(r(ctx));
      else if (op === "/")
        left = (ctx) => {
          const d = perlNum(r(ctx));
          if (d === 0) return undefined; // Perl dies ("Illegal division by zero"): no value
          return perlNum(l(ctx)) / d;
        };
      else
        left = (ctx) => {
          const d = Math.trunc(perlNum(r(ctx)));
          if (d === 0) return undefined;
          const a = Math.trunc(perlNum(l(ctx)));
          return ((a % d) + d) % d;
        };
    }
    return left;
  }

  private parseBinding(): Compiled {
    const left = this.parseUnary();
    if (!(this.isOp("=~") || this.isOp("!~"))) return left;
    const neg = this.next().value === "!~";
    const t = this.peek();
    let test: (ctx: EvalContext) => RegExpExecArray | null;
    if (t.kind === "regex") {
      this.next();
      let re: RegExp;
      try {
        re = perlRegex(t.value, t.flags);
      } catch (e) {
        throw new ExprError((e as Error).message, t.pos + 1);
      }
      test = (ctx) => {
        re.lastIndex = 0;
        return re.exec(perlStr(left(ctx)));
      };
    } else {
      const rhs = this.parseUnary();
      test = (ctx) => {
        let re: RegExp;
        try {
          re = dynRegex(perlStr(rhs(ctx)));
        } catch (e) {
          throw new ExprError((e as Error).message, t.pos + 1);
        }
        return re.exec(perlStr(left(ctx)));
      };
    }
    return (ctx) => bool((test(ctx) !== null) !== neg);
  }

  private parseUnary(): Compiled {
    if (this.isOp("!")) {
      this.next();
      const e = this.parseUnary();
      return (ctx) => bool(!perlTrue(e(ctx)));
    }
    if (this.isOp("-")) {
      this.next();
      const e = this.parseUnary();
      return (ctx) => {
        const v = e(ctx);
        if (typeof v === "string" && /^[A-Za-z_]/.test(v)) return `-${v}`;
        return -perlNum(v);
      };
    }
    if (this.isOp("+")) {
      this.next();
      return this.parseUnary();
    }
    if (this.isOp("++") || this.isOp("--"))
      throw new ExprError("++ and -- are not supported", this.peek().pos + 1);
    return this.parsePrimary();
  }

  private parseArgs(): Compiled[] {
    const args: Compiled[] = [];
    if (!this.isOp("(")) return args;
    this.next();
    if (this.isOp(")")) {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.parseTernary());
      if (this.isOp(",")) {
        this.next();
        if (this.isOp(")")) break;
        continue;
      }
      break;
    }
    this.expectOp(")");
    return args;
  }

  private parsePrimary(): Compiled {
    const t = this.next();
    switch (t.kind) {
      case "num": {
        const v = Number(t.value);
        return () => v;
      }
      case "str": {
        const v = t.value;
        return () => v;
      }
      case "regex": {
        throw new ExprError(
          'a regex must be used with =~ or !~ (e.g. $fields[0] =~ /re/), or passed to match("re")',
          t.pos + 1,
        );
      }
      case "var":
        return this.parseVariable(t);
      case "ident":
        return this.parseIdent(t);
      case "op":
        if (t.value === "(") {
          if (this.isOp(")")) {
            this.next();
            return () => undefined;
          }
          const e = this.parseExpr();
          this.expectOp(")");
          return e;
        }
        throw this.error("expected a value", t);
      default:
        throw this.error("expected a value", t);
    }
  }

  private parseVariable(t: Token): Compiled {
    if (t.value === "$fields") {
      if (!this.isOp("[")) throw this.error("expected '[' after $fields");
      this.next();
      const idx = this.parseExpr();
      this.expectOp("]");
      return (ctx) => {
        let n = Math.trunc(perlNum(idx(ctx)));
        if (n < 0) n += ctx.fields.length;
        return ctx.fields[n];
      };
    }
    if (t.value === "$type") return (ctx) => ctx.type;
    if (t.value === "$_") return (ctx) => ctx.field;
    if (t.value === "@fields")
      throw new ExprError("@fields as a whole is not supported; use $fields[N]", t.pos + 1);
    const internal = /^\$(source|event|target)(Count|Name|Map|FanOut|ColorMap)\b/.test(t.value);
    throw new ExprError(
      internal
        ? `AfterGlow's internal variable ${t.value} is not available; only $fields[N], $type and the helper functions are`
        : `unknown variable ${t.value}; only $fields[N] and $type are available`,
      t.pos + 1,
    );
  }

  private parseIdent(t: Token): Compiled {
    const name = t.value;
    if (WORD_OPS.has(name)) throw this.error("expected a value", t);
    if (!this.isOp("(")) {
      if (name === "field") return (ctx) => ctx.field;
      if (FUNCTIONS.includes(name))
        throw new ExprError(`${name} needs parentheses: ${name}(…)`, t.pos + 1);
      if (name === "undef") return () => undefined;
      // a Perl bareword is its own name as a string ("red" and red are the same)
      return () => name;
    }
    const argTok = this.peek();
    const args = this.parseArgs();
    const arg = (k: number): Compiled => args[k] ?? (() => undefined);
    const need = (min: number, max: number) => {
      if (args.length < min || args.length > max)
        throw new ExprError(
          `${name}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? "" : "s"}, got ${args.length}`,
          t.pos + 1,
        );
    };
    const constRegex = (k: number): ((ctx: EvalContext) => RegExp) => {
      const a = arg(k);
      return (ctx) => {
        try {
          return dynRegex(perlStr(a(ctx)));
        } catch (e) {
          throw new ExprError(`${name}(): ${(e as Error).message}`, argTok.pos + 1);
        }
      };
    };
    switch (name) {
      case "field":
        need(0, 0);
        return (ctx) => fieldOf(ctx, ctx.twoColumn === true);
      case "match": {
        need(1, 1);
        const re = constRegex(0);
        return (ctx) => bool(re(ctx).test(perlStr(ctx.field)));
      }
      case "regex_replace": {
        need(1, 1);
        const re = constRegex(0);
        return (ctx) => {
          const m = re(ctx).exec(perlStr(ctx.field));
          if (!m) return undefined;
          return m.length > 1 ? m[1] : 1;
        };
      }
      case "any_regex": {
        need(1, 1);
        const re = constRegex(0);
        return (ctx) => bool(ctx.fields.some((f) => re(ctx).test(f)));
      }
      case "subnet": {
        need(2, 2);
        const a = arg(0);
        const b = arg(1);
        return (ctx) => bool(subnet(perlStr(a(ctx)), perlStr(b(ctx))));
      }
      case "get_severity": {
        need(1, 2);
        const a = arg(0);
        const b = arg(1);
        return (ctx) => getSeverity(perlNum(a(ctx)), perlNum(b(ctx)));
      }
      case "substr": {
        need(2, 3);
        const [s, o, l] = [arg(0), arg(1), arg(2)];
        const hasLen = args.length === 3;
        return (ctx) => {
          const str = perlStr(s(ctx));
          let off = Math.trunc(perlNum(o(ctx)));
          if (off < 0) off += str.length;
          if (off < 0 || off > str.length) return undefined;
          if (!hasLen) return str.slice(off);
          const len = Math.trunc(perlNum(l(ctx)));
          if (len < 0) return str.slice(off, Math.max(off, str.length + len));
          return str.slice(off, off + len);
        };
      }
      case "lc":
      case "uc":
      case "length":
      case "int":
      case "abs":
      case "defined": {
        need(0, 1);
        const a = args.length ? arg(0) : (ctx: EvalContext) => ctx.field;
        if (name === "lc") return (ctx) => perlStr(a(ctx)).toLowerCase();
        if (name === "uc") return (ctx) => perlStr(a(ctx)).toUpperCase();
        if (name === "length")
          return (ctx) => {
            const v = a(ctx);
            return v === undefined ? undefined : perlStr(v).length;
          };
        if (name === "int") return (ctx) => Math.trunc(perlNum(a(ctx)));
        if (name === "abs") return (ctx) => Math.abs(perlNum(a(ctx)));
        return (ctx) => bool(a(ctx) !== undefined);
      }
      default:
        throw new ExprError(
          `unknown function ${name}(); supported: ${FUNCTIONS.map((f) => `${f}()`).join(", ")}`,
          t.pos + 1,
        );
    }
  }
}

function fieldOf(ctx: EvalContext, twoColumn: boolean): Value {
  // AfterGlow's field(): the value of the column the current node type is read from
  switch (ctx.type) {
    case "source":
    case "sourcetarget":
      return ctx.fields[0];
    case "event":
      return ctx.fields[1];
    case "target":
      return twoColumn ? ctx.fields[1] : ctx.fields[2];
    default:
      return twoColumn ? ctx.fields[1] : undefined;
  }
}

/** AfterGlow's subnet(value, "net/len"): IPv4 as AfterGlow does it; IPv6 too (an addition). */
export function subnet(value: string, cidr: string): boolean {
  const slash = cidr.indexOf("/");
  if (slash < 0) return false;
  const net = cidr.slice(0, slash);
  const lenText = cidr.slice(slash + 1);
  const parts = value.split(".");
  if (parts.length === 4) {
    const ip = parts.reduce((acc, p) => ((acc << 8) | (perlNum(p) & 255)) >>> 0, 0);
    const np = net.split(".");
    while (np.length < 4) np.push("0");
    const network = np.slice(0, 4).reduce((acc, p) => ((acc << 8) | (perlNum(p) & 255)) >>> 0, 0);
    const len = Math.trunc(perlNum(lenText));
    if (len <= 0) return true;
    if (len >= 32) return ip === network;
    const mask = (0xffffffff << (32 - len)) >>> 0;
    return (ip & mask) >>> 0 === (network & mask) >>> 0;
  }
  if (value.includes(":")) {
    try {
      const addr = ipaddr.parse(value.trim());
      const range = ipaddr.parseCIDR(cidr.trim());
      return addr.kind() === range[0].kind() && addr.match(range);
    } catch {
      return false;
    }
  }
  return false;
}

/** AfterGlow's get_severity(value, steps=10): green (#60BB22) → red (#CC0000). */
export function getSeverity(value: number, stepsIn: number): string {
  const steps = stepsIn || 10;
  let x = Math.trunc(value + 0.5 * Math.sign(value));
  if (x >= steps) x = steps;
  const start = 0x60bb22;
  const end = 0xcc0000;
  const interp = (b: number, e: number): number =>
    b < e ? (e - b) * (x / steps) + b : (b - e) * (1 - x / steps) + e;
  const r = Math.trunc(interp((start >> 16) & 255, (end >> 16) & 255));
  const g = Math.trunc(interp((start >> 8) & 255, (end >> 8) & 255));
  const b = Math.trunc(interp(start & 255, end & 255));
  const v = (((r << 8) | g) << 8) | b;
  return `#${(v >>> 0).toString(16).toUpperCase().padStart(6, "0")}`;
}

/** Compiles one configuration value into a closure; throws ExprError on anything unsupported. */
export function compileExpression(src: string, _opts: CompileOptions = {}): Compiled {
  let toks: Token[];
  try {
    toks = tokenize(src);
  } catch (e) {
    if (e instanceof RegexError) throw new ExprError(e.message, 1);
    throw e;
  }
  if (toks.length === 1) return () => undefined;
  return new Parser(toks).parseStatement();
}
