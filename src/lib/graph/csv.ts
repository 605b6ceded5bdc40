// AfterGlow's input: CSV, `,` separated, `"` quoting ("" inside quotes is a quote), no
// trimming — psad's ", " separator leaves a leading space that stays part of the value.
// One record per line, like AfterGlow. Unlike Text::CSV (which drops such rows), a stray
// quote in an unquoted field is kept as a character.

/** Splits one line into fields. */
export function parseCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let v = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) {
          v += line.slice(i);
          i = n;
          break;
        }
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // anything between the closing quote and the next comma is kept
      const c = line.indexOf(",", i);
      if (c < 0) {
        out.push(v + line.slice(i));
        return out;
      }
      out.push(v + line.slice(i, c));
      i = c + 1;
    } else {
      const c = line.indexOf(",", i);
      if (c < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

export interface CsvReadOptions {
  /** -b: lines to skip first (AfterGlow skips one fewer: fixed here). */
  skip?: number;
  /** -l: maximum number of lines to read after the skipped ones. */
  maxLines?: number;
}

export interface CsvRows {
  rows: string[][];
  /** 1-based input line number of each row. */
  lines: number[];
}

/** Splits CSV text into rows; blank lines are ignored; a trailing \r is dropped. */
export function parseCsv(text: string, options: CsvReadOptions = {}): CsvRows {
  const skip = options.skip ?? 0;
  const max = options.maxLines ?? Number.POSITIVE_INFINITY;
  const rows: string[][] = [];
  const lines: number[] = [];
  let start = 0;
  let lineNo = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = n;
    lineNo++;
    if (lineNo > skip + max) break;
    if (lineNo > skip) {
      let line = text.slice(start, end);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line !== "") {
        rows.push(parseCsvLine(line));
        lines.push(lineNo);
      }
    }
    start = end + 1;
  }
  return { rows, lines };
}
