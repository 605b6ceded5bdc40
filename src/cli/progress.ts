// A one-line progress bar on stderr, drawn only when stderr is a TTY.

export interface Progress {
  /** `done` of `total` bytes, `lines` so far. Throttled to ~10 redraws a second. */
  update(done: number, lines: number): void;
  /** Erases the bar. */
  finish(): void;
}

const NONE: Progress = { update() {}, finish() {} };

const MB = 1024 * 1024;

/** A progress bar for `total` bytes, or a no-op when not a TTY or the input is small. */
export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  total: number | null,
  options: { minBytes?: number; label?: string } = {},
): Progress {
  if (!stream.isTTY || total === null || total < (options.minBytes ?? 8 * MB)) return NONE;
  let last = 0;
  let drawn = false;
  const start = performance.now();
  return {
    update(done, lines) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      const fraction = Math.min(1, done / total);
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
      const fill = Math.round(fraction * width);
      const rate = lines / Math.max(0.001, (now - start) / 1000);
      const text = `${options.label ?? ""}[${"#".repeat(fill)}${" ".repeat(width - fill)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${(done / MB).toFixed(1)}/${(total / MB).toFixed(1)} MB ${Math.round(rate).toLocaleString("en-US")} lines/s`;
      stream.write(`\r${text}\x1b[K`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}
