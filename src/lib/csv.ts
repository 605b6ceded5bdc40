// RFC 4180 CSV cells that are safe to open in a spreadsheet: text starting with = + - @ TAB CR
// gets a leading ' (formula-injection guard); numbers are never changed, so -1 stays -1.
// Shared by the CLI (`parse --format csv`, `query --format csv`) and the explorer's exports.

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell: formula-injection guard, then RFC 4180 quoting. */
export function csvText(text: string): string {
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** A cell for a JS value: null → empty; number/bigint/boolean as is; dates as ISO text. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  return csvText(v instanceof Date ? v.toISOString() : String(v));
}
