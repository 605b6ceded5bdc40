// Where a log can be cut in two, so that two parsers (the browser's local-log workers) read
// the halves side by side: at a line start near the middle, never inside a gzip stream or a
// journald export record. The second parser resumes from `scanLines` of the first half.

/** Smaller files are not worth a second worker. */
export const MIN_SPLIT_BYTES = 16 << 20;
/** How far past the middle to look for a place to cut. */
const WINDOW = 1 << 20;
/** A line that belongs to a journald export record (a field, "MESSAGE" before binary data, or the blank end). */
const JOURNAL_LINE = /^(?:[A-Z_][A-Z0-9_]*=|MESSAGE\r?$|\r?$)/;

/**
 * The byte offset of a line start near the middle of `file` where parsing can begin afresh,
 * or null (small, gzip, or no such line in the window). The line there and the two before it
 * are not journald record lines, and it starts with an ASCII byte (no BOM to be dropped).
 */
export async function splitPoint(
  file: Blob,
  { minBytes = MIN_SPLIT_BYTES } = {},
): Promise<number | null> {
  if (file.size < minBytes) return null;
  const magic = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (magic[0] === 0x1f && magic[1] === 0x8b) return null;
  const from = file.size >> 1;
  // One char per byte, so string offsets are byte offsets; only ASCII is looked at.
  const text = new TextDecoder("latin1").decode(
    await file.slice(from, from + WINDOW).arrayBuffer(),
  );
  // How many lines in a row, up to the current one, are not journald record lines.
  let plain = 0;
  let start = text.indexOf("\n") + 1; // the first whole line
  if (start === 0) return null;
  for (let nl = text.indexOf("\n", start); nl >= 0; nl = text.indexOf("\n", start)) {
    const line = text.slice(start, nl);
    plain = JOURNAL_LINE.test(line) ? 0 : plain + 1;
    if (plain >= 3 && line.charCodeAt(0) < 0x80) return from + start;
    start = nl + 1;
  }
  return null;
}
