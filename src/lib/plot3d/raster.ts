// The point marks written straight into pixels: gnuplot's point type 1, "+", as one
// horizontal and one vertical bar per point. 10,000 points are two loops over a typed
// array and one putImageData, where the canvas API took 20,000 fillRect calls, each
// recorded and then rasterized by the browser.

/** A pixel buffer as ImageData holds it: RGBA bytes, row by row. */
export interface Pixels {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

export interface PlusMarks {
  /** Centres in CSS pixels; a NaN coordinate means no point. */
  readonly sx: ArrayLike<number>;
  readonly sy: ArrayLike<number>;
  /** Half-length of each bar in CSS pixels. */
  readonly sizes: ArrayLike<number>;
  readonly length: number;
}

/** RGBA bytes as one 32-bit word in this machine's byte order (the view rasterPlus writes through). */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  return new Uint32Array(new Uint8Array([r, g, b, a]).buffer)[0] as number;
}

/**
 * Clears `pixels` and draws every mark in `rgba` (packRgba). `scale` is device pixels per
 * CSS pixel; bars are one CSS pixel thick. Marks are snapped to whole device pixels and
 * clipped to the buffer.
 */
export function rasterPlus(pixels: Pixels, marks: PlusMarks, rgba: number, scale: number): void {
  const { width, height } = pixels;
  const words = new Uint32Array(pixels.data.buffer, pixels.data.byteOffset, width * height);
  words.fill(0);
  const thick = Math.max(1, Math.round(scale));
  const lead = thick >> 1;
  // One rectangle, clipped; plain stores (a fill() call per 1-pixel row costs more).
  const bar = (x0: number, x1: number, y0: number, y1: number) => {
    const left = Math.max(0, x0);
    const right = Math.min(width - 1, x1);
    const bottom = Math.min(height - 1, y1);
    for (let y = Math.max(0, y0); y <= bottom; y++) {
      const row = y * width;
      for (let x = left; x <= right; x++) words[row + x] = rgba;
    }
  };
  for (let i = 0; i < marks.length; i++) {
    const x = Math.round((marks.sx[i] as number) * scale);
    const y = Math.round((marks.sy[i] as number) * scale);
    if (Number.isNaN(x + y)) continue;
    const r = Math.round((marks.sizes[i] as number) * scale);
    bar(x - r, x + r, y - lead, y - lead + thick - 1);
    bar(x - lead, x - lead + thick - 1, y - r, y + r);
  }
}
