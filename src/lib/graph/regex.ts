// Perl regular expressions → JavaScript RegExp, for the subset AfterGlow configs use.
// What cannot be translated faithfully is rejected with a message, never guessed.

export class RegexError extends Error {}

const POSIX_CLASSES: Record<string, string> = {
  alpha: "A-Za-z",
  digit: "0-9",
  alnum: "A-Za-z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  word: "A-Za-z0-9_",
  cntrl: "\\x00-\\x1f\\x7f",
  print: "\\x20-\\x7e",
  graph: "\\x21-\\x7e",
};

/** Escapes every RegExp metacharacter of `s`. */
export function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/**
 * Translates the body of a Perl regex (`pattern`, without delimiters) with Perl `flags`
 * (i, m, s, x; g and o are accepted and ignored) into a JavaScript RegExp.
 */
export function perlRegex(pattern: string, flags = ""): RegExp {
  let jsFlags = "";
  let extended = false;
  for (const f of flags) {
    if (f === "i" || f === "m" || f === "s") {
      if (!jsFlags.includes(f)) jsFlags += f;
    } else if (f === "x") extended = true;
    else if (f === "g" || f === "o") {
      /* no effect on a single match */
    } else throw new RegexError(`unsupported regex flag '${f}'`);
  }
  let out = "";
  let inClass = false;
  let classStart = false;
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const d = pattern[i + 1];
      if (d === undefined) throw new RegexError("regex ends with a lone backslash");
      i += 2;
      switch (d) {
        case "A":
          if (inClass) throw new RegexError("\\A inside a character class");
          out += "(?<![\\s\\S])";
          break;
        case "z":
          if (inClass) throw new RegexError("\\z inside a character class");
          out += "(?![\\s\\S])";
          break;
        case "Z":
          if (inClass) throw new RegexError("\\Z inside a character class");
          out += "(?=\\n?(?![\\s\\S]))";
          break;
        case "h":
          out += inClass ? " \\t" : "[ \\t]";
          break;
        case "e":
          out += "\\x1b";
          break;
        case "N":
          if (inClass) throw new RegexError("\\N inside a character class");
          out += "[^\\n]";
          break;
        case "Q": {
          const end = pattern.indexOf("\\E", i);
          const lit = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
          out += escapeRegExp(lit);
          i = end < 0 ? n : end + 2;
          break;
        }
        case "E":
          break;
        case "x": {
          if (pattern[i] === "{") {
            const end = pattern.indexOf("}", i);
            if (end < 0) throw new RegexError("unterminated \\x{...}");
            const code = Number.parseInt(pattern.slice(i + 1, end), 16);
            if (!Number.isFinite(code) || code > 0xffff)
              throw new RegexError(`unsupported \\x{${pattern.slice(i + 1, end)}}`);
            out += `\\u${code.toString(16).padStart(4, "0")}`;
            i = end + 1;
          } else {
            const m = /^[0-9A-Fa-f]{1,2}/.exec(pattern.slice(i));
            const hex = m ? m[0] : "";
            out += `\\x${hex.padStart(2, "0")}`;
            i += hex.length;
          }
          break;
        }
        case "d":
        case "D":
        case "w":
        case "W":
        case "s":
        case "S":
        case "t":
        case "n":
        case "r":
        case "f":
          out += `\\${d}`;
          break;
        case "b":
        case "B":
          // \b inside a class is a backspace in both languages
          out += `\\${d}`;
          break;
        case "G":
        case "K":
        case "X":
        case "C":
        case "R":
        case "p":
        case "P":
        case "l":
        case "u":
        case "L":
        case "U":
        case "g":
        case "k":
        case "o":
        case "v":
        case "V":
        case "H":
          throw new RegexError(`Perl regex escape \\${d} is not supported`);
        default:
          if (/[1-9]/.test(d)) {
            if (inClass) throw new RegexError("octal escapes are not supported");
            out += `\\${d}`;
          } else if (d === "0") {
            out += "\\x00";
          } else if (/[A-Za-z]/.test(d)) {
            throw new RegexError(`unknown regex escape \\${d}`);
          } else {
            // an escaped punctuation character is that character
            out += /[\\^$.*+?()[\]{}|/-]/.test(d) ? `\\${d}` : d;
          }
      }
      classStart = false;
      continue;
    }
    if (inClass) {
      if (c === "]" && !classStart) {
        inClass = false;
        out += "]";
        i++;
        continue;
      }
      if (c === "[" && pattern[i + 1] === ":") {
        const end = pattern.indexOf(":]", i + 2);
        if (end < 0) throw new RegexError("unterminated POSIX class");
        let name = pattern.slice(i + 2, end);
        const negated = name.startsWith("^");
        if (negated) name = name.slice(1);
        const cls = POSIX_CLASSES[name];
        if (cls === undefined || negated)
          throw new RegexError(`unsupported POSIX class [:${pattern.slice(i + 2, end)}:]`);
        out += cls;
        i = end + 2;
        classStart = false;
        continue;
      }
      if (c === "[") {
        out += "\\[";
        i++;
        classStart = false;
        continue;
      }
      if (classStart && c === "]") {
        out += "\\]";
        i++;
        classStart = false;
        continue;
      }
      if (c === "^" && out.endsWith("[")) {
        out += "^";
        i++;
        continue; // classStart stays true: "[^]]" has a literal ]
      }
      out += c;
      i++;
      classStart = false;
      continue;
    }
    if (extended && /\s/.test(c)) {
      i++;
      continue;
    }
    if (extended && c === "#") {
      while (i < n && pattern[i] !== "\n") i++;
      continue;
    }
    switch (c) {
      case "[":
        inClass = true;
        classStart = true;
        out += "[";
        i++;
        continue;
      case "$": {
        const next = pattern[i + 1];
        if (next !== undefined && /[A-Za-z_{]/.test(next))
          throw new RegexError("variables inside regexes ($name) are not supported");
        // Perl's $ also matches before a final newline
        out += jsFlags.includes("m") ? "$" : "(?=\\n?(?![\\s\\S]))";
        i++;
        continue;
      }
      case "@": {
        const next = pattern[i + 1];
        if (next !== undefined && /[A-Za-z_{]/.test(next))
          throw new RegexError("arrays inside regexes (@name) are not supported; write \\@");
        out += "@";
        i++;
        continue;
      }
      case "(": {
        if (pattern[i + 1] === "?") {
          const rest = pattern.slice(i + 2);
          if (rest.startsWith(":") || rest.startsWith("=") || rest.startsWith("!")) {
            out += `(?${rest[0]}`;
            i += 3;
          } else if (rest.startsWith("<=") || rest.startsWith("<!")) {
            out += `(?${rest.slice(0, 2)}`;
            i += 4;
          } else if (/^<[A-Za-z_]\w*>/.test(rest)) {
            out += "(?<";
            i += 3;
          } else if (rest.startsWith("#")) {
            const end = pattern.indexOf(")", i);
            if (end < 0) throw new RegexError("unterminated (?#...) comment");
            i = end + 1;
          } else {
            throw new RegexError(`regex construct '(?${rest.slice(0, 2)}' is not supported`);
          }
        } else {
          out += "(";
          i++;
        }
        continue;
      }
      case "*":
      case "+":
      case "?":
      case "}": {
        out += c;
        i++;
        if (pattern[i] === "+")
          throw new RegexError("possessive quantifiers (*+, ++, ?+) are not supported");
        continue;
      }
      default:
        out += c;
        i++;
    }
  }
  if (inClass) throw new RegexError("unterminated character class");
  try {
    return new RegExp(out, jsFlags);
  } catch (e) {
    throw new RegexError(`invalid regex /${pattern}/: ${(e as Error).message}`);
  }
}
