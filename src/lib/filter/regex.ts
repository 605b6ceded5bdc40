// Regexes that mean the same thing in JavaScript (the predicate back end) and RE2 (DuckDB's
// regexp_matches, the SQL back end) — and, for everything the subset allows, in Perl (psad).
//
// Constructs whose meaning differs between the engines are rejected with a message saying
// why; a few are rewritten into an equivalent explicit form used by both back ends:
//   `.`  → `[^\n]`            (JS's `.` also excludes \r, U+2028, U+2029; RE2's and Perl's don't)
//   `\s` → `[\t\n\x0B\f\r ]`  (JS's \s includes Unicode spaces; RE2's excludes \x0B)
//   `\S` → `[^\t\n\x0B\f\r ]`
// The result is compiled by the JS engine, whose error message is reported for bad syntax.

export class RegexError extends Error {
  constructor(
    message: string,
    /** Offset inside the regex text. */
    readonly offset: number,
  ) {
    super(message);
    this.name = "RegexError";
  }
}

const SPACE = "\\t\\n\\x0B\\f\\r ";
/** Escapes with the same meaning in JS (non-unicode mode), RE2 and Perl. */
const SAFE_ESCAPES = new Set(["d", "D", "w", "W", "b", "B", "t", "n", "r", "f"]);

function reject(what: string, why: string, offset: number): never {
  throw new RegexError(`${what} at offset ${offset} is not supported: ${why}`, offset);
}

/**
 * Check a psad regex and return the portable form used by both back ends
 * (compile it with `new RegExp(portable)` or pass it to `regexp_matches`).
 */
export function portableRegex(src: string): string {
  let out = "";
  let inClass = false;
  let classStart = -1;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === "\\") {
      const n = src[i + 1];
      if (n === undefined) throw new RegexError("the regex ends with a lone backslash", i);
      if (/[1-9]/.test(n))
        reject(`backreference \\${n}`, "RE2 (the SQL back end) has no backreferences", i);
      if (n === "k") reject("named backreference \\k", "RE2 has no backreferences", i);
      if (n === "0")
        reject("octal escape \\0", "octal escapes differ between Perl, JavaScript and RE2", i);
      if (n === "x") {
        if (!/^[0-9A-Fa-f]{2}$/.test(src.slice(i + 2, i + 4)))
          reject(
            "\\x escape",
            "use exactly two hex digits (\\x41); \\x{…} differs between engines",
            i,
          );
        out += src.slice(i, i + 4);
        i += 3;
        continue;
      }
      if (n === "s" || n === "S") {
        if (inClass) {
          if (n === "S") reject("\\S inside [...]", "write the class out explicitly", i);
          out += SPACE;
        } else out += n === "s" ? `[${SPACE}]` : `[^${SPACE}]`;
        i++;
        continue;
      }
      if (/[A-Za-z]/.test(n)) {
        if (!SAFE_ESCAPES.has(n) || (inClass && (n === "b" || n === "B")))
          reject(`escape \\${n}`, "it means different things in Perl, JavaScript and RE2", i);
      }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]" && i > classStart) {
        inClass = false;
      } else if (c === "[" && src[i + 1] === ":") {
        reject("POSIX class [:…:]", "JavaScript has no POSIX classes", i);
      }
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      let j = i + 1;
      if (src[j] === "^") j++;
      if (src[j] === "]")
        reject(
          "a class starting with ]",
          "JavaScript reads [] / [^] as empty/any, RE2 as a literal ]",
          i,
        );
      classStart = j;
      out += src.slice(i, j);
      i = j - 1;
      continue;
    }
    if (c === "(" && src[i + 1] === "?") {
      const n = src[i + 2];
      if (n === ":") {
        out += "(?:";
        i += 2;
        continue;
      }
      if (n === "=" || n === "!")
        reject(`lookahead (?${n}`, "RE2 (the SQL back end) has no lookaround", i);
      if (n === "<" && (src[i + 3] === "=" || src[i + 3] === "!"))
        reject(`lookbehind (?<${src[i + 3]}`, "RE2 (the SQL back end) has no lookaround", i);
      if (n === ">") reject("atomic group (?>", "JavaScript and RE2 have no atomic groups", i);
      reject(
        `group (?${n ?? ""}`,
        "only plain (...) and non-capturing (?:...) groups are portable",
        i,
      );
    }
    if ((c === "+" || c === "*" || c === "?" || c === "}") && src[i + 1] === "+")
      reject("possessive quantifier", "JavaScript and RE2 have no possessive quantifiers", i);
    if (c === ".") {
      out += "[^\\n]";
      continue;
    }
    out += c;
  }
  if (inClass) throw new RegexError("unterminated character class [", classStart - 1);
  try {
    new RegExp(out);
  } catch (error) {
    throw new RegexError((error as Error).message, 0);
  }
  return out;
}
