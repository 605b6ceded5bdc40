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
      for (let m = 0; m < length; ++m)
        if (v.charCodeAt(m) !== s.charCodeAt(start + m)) continue next;
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
 * compare it cheaply — or "", `index` its position in the list.
 */
export class Words {
  private readonly slots: number[] = new Array<number>(1024).fill(-1);

  constructor(private readonly words: readonly string[]) {
    words.forEach((word, k) => {
      const h = hash(word, 0, word.length);
      if (this.slots[h] >= 0)
        throw new Error(`Words: ${word} collides with ${words[this.slots[h]]}`);
      this.slots[h] = k;
    });
  }

  find(s: string, start: number, end: number): string {
    const k = this.index(s, start, end);
    return k < 0 ? "" : this.words[k];
  }

  /** The position in the constructor's list of the word `s[start, end)` spells, or -1. */
  index(s: string, start: number, end: number): number {
    const length = end - start;
    if (length > 12 || length < 2) return -1;
    const k = this.slots[hash(s, start, end)];
    if (k < 0) return -1;
    const word = this.words[k];
    if (word.length !== length) return -1;
    for (let m = 0; m < length; ++m) if (word.charCodeAt(m) !== s.charCodeAt(start + m)) return -1;
    return k;
  }
}

/** A slot from the length, the first two and the last character (no collisions: checked above). */
function hash(s: string, start: number, end: number): number {
  return (
    ((end - start) * 7 +
      s.charCodeAt(start) * 31 +
      s.charCodeAt(start + 1) * 17 +
      s.charCodeAt(end - 1) * 3) &
    1023
  );
}
