// Bytes → lines: gzip sniffing (1f 8b), streaming UTF-8 decoding (invalid bytes become
// U+FFFD), splitting on "\n" with a trailing "\r" dropped. Standard web streams only, so
// the same code runs in Node and in the browser.

/** Lines decoded from one input chunk; `error` ends the input (a broken gzip stream). */
export interface LineChunk {
  lines: string[];
  error?: string;
}

/** A longer line keeps only its first MAX_LINE characters, so one line cannot exhaust memory. */
const MAX_LINE = 1 << 24;

/**
 * Bytes → text, with the semantics of `new TextDecoder("utf-8")` (the default): invalid
 * bytes become U+FFFD, a leading BOM is dropped. `decode(bytes, {stream: true})` per chunk,
 * then `decode()` at the end. A host may supply a cheaper one (the CLI: latin1 for ASCII chunks).
 */
export interface Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}

/** The lines of a byte stream, plain or gzip, a few thousand at a time. Never throws for content. */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array>,
  decoder: Decoder = new TextDecoder("utf-8"),
): AsyncGenerator<LineChunk> {
  const source = chunks[Symbol.asyncIterator]();
  // Enough bytes to recognize gzip's magic.
  const head: Uint8Array[] = [];
  let headLength = 0;
  while (headLength < 2) {
    const r = await source.next();
    if (r.done) break;
    head.push(r.value);
    headLength += r.value.length;
  }
  const first = head.length === 1 ? head[0] : concat(head);
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  const bytes = gzip ? gunzip(first, source) : plain(first, source);

  const parts: string[] = []; // the unfinished last line
  let partLength = 0;
  for (;;) {
    let text: string;
    let error: string | undefined;
    const r = await bytes.next();
    if (r.done) {
      text = decoder.decode();
    } else if (typeof r.value === "string") {
      error = r.value;
      text = decoder.decode();
    } else {
      text = decoder.decode(r.value, { stream: true });
    }
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      let line = text.slice(start, nl);
      if (parts.length > 0) {
        parts.push(line);
        line = parts.join("").slice(0, MAX_LINE);
        parts.length = 0;
        partLength = 0;
      }
      lines.push(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
      start = nl + 1;
    }
    if (start < text.length && partLength < MAX_LINE) {
      parts.push(text.slice(start));
      partLength += text.length - start;
    }
    if (r.done || error !== undefined) {
      if (parts.length > 0) {
        const line = parts.join("").slice(0, MAX_LINE);
        lines.push(line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);
      }
      yield error === undefined ? { lines } : { lines, error };
      return;
    }
    if (lines.length > 0) yield { lines };
  }
}

async function* plain(
  first: Uint8Array,
  source: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array | string> {
  if (first.length > 0) yield first;
  for (;;) {
    const r = await source.next();
    if (r.done) return;
    yield r.value;
  }
}

/** Decompressed chunks; a decompression error is yielded as its message, then the end. */
async function* gunzip(
  first: Uint8Array,
  source: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array | string> {
  const stream = new DecompressionStream("gzip");
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let sourceFailed = false;
  let sourceError: unknown;
  // Feed the decompressor concurrently with reading from it (it applies backpressure).
  const pump = (async () => {
    try {
      await writer.write(first as Uint8Array<ArrayBuffer>);
      for (;;) {
        let r: IteratorResult<Uint8Array>;
        try {
          r = await source.next();
        } catch (error) {
          sourceFailed = true;
          sourceError = error;
          await writer.abort(error);
          return;
        }
        if (r.done) break;
        await writer.write(r.value as Uint8Array<ArrayBuffer>);
      }
      await writer.close();
    } catch {
      // The decompressor failed: the reader sees the same error.
    }
  })();
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (error) {
        if (sourceFailed) throw sourceError; // an I/O error, not content: the caller's to handle
        yield `truncated gzip: ${error instanceof Error ? error.message : String(error)}`;
        return;
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    reader.cancel().catch(() => {});
    await source.return?.();
    await pump;
  }
}

function concat(arrays: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let offset = 0;
  for (const a of arrays) {
    out.set(a, offset);
    offset += a.length;
  }
  return out;
}
