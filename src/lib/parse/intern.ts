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
    next: for (let k = 0; k < values.length; ++k) {
      const v = values[k];
      if (v.length !== length) continue;
      for (let m = 0; m < length; ++m) if (v.charCodeAt(m) !== s.charCodeAt(start + m)) continue next;
      return v;
    }
    const v = s.slice(start, end);
    if (values.length < 16) values.push(v);
    else values[this.next++ & 15] = v;
    return v;
  }
}

/**
 * A fixed set of words (field keys, markers) matched in place, without slicing the line:
 * `find` returns the entry that `s[start, end)` spells — a literal, so callers can
 * `switch` on it — or "".
 */
export class Words {
  private readonly slots: string[] = new Array<string>(1024).fill("");

  constructor(words: readonly string[]) {
    for (const word of words) {
      const h = hash(word, 0, word.length);
      if (this.slots[h] !== "") throw new Error(`Words: ${word} collides with ${this.slots[h]}`);
      this.slots[h] = word;
    }
  }

  find(s: string, start: number, end: number): string {
    const length = end - start;
    if (length > 12 || length < 2) return "";
    const word = this.slots[hash(s, start, end)];
    if (word.length !== length) return "";
    for (let k = 0; k < length; ++k) if (word.charCodeAt(k) !== s.charCodeAt(start + k)) return "";
    return word;
  }
}

/** A slot from the length, the first two and the last character (no collisions: checked above). */
function hash(s: string, start: number, end: number): number {
  return (
    ((end - start) * 7 + s.charCodeAt(start) * 31 + s.charCodeAt(start + 1) * 17 + s.charCodeAt(end - 1) * 3) &
    1023
  );
}
