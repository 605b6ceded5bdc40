// Most field values repeat from line to line (interfaces, prefixes, flags, stamps).
// Handing out the same string object instead of a fresh slice each time saves most of the
// parser's garbage and the memory of every batch held downstream.

/** A small cache of recent values of one field. */
export class Interner {
  private readonly values: string[] = [];
  private next = 0;

  /** `s.slice(start, end)`, the cached copy when there is one. */
  get(s: string, start: number, end: number): string {
    const length = end - start;
    const values = this.values;
    for (let k = 0; k < values.length; ++k) {
      const v = values[k];
      if (v.length === length && s.startsWith(v, start)) return v;
    }
    const v = s.slice(start, end);
    if (values.length < 16) values.push(v);
    else values[this.next++ & 15] = v;
    return v;
  }
}

/**
 * The entry of `table` that `s[start, end)` spells, or "" — a table's strings are
 * literals, so callers can `switch` on the result without slicing the line.
 */
export function lookup(byLength: readonly (readonly string[])[], s: string, start: number, end: number): string {
  const candidates = byLength[end - start];
  if (candidates === undefined) return "";
  for (let k = 0; k < candidates.length; ++k) if (s.startsWith(candidates[k], start)) return candidates[k];
  return "";
}

/** Groups strings by length, for {@link lookup}. */
export function byLength(table: readonly string[]): string[][] {
  const groups: string[][] = [];
  for (const name of table) (groups[name.length] ??= []).push(name);
  return groups;
}
