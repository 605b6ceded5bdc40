// Nearest point in screen space through a uniform grid: built in O(n) after each view
// change, queried by looking at the 3×3 cells around the pointer, so hovering 10,000
// points costs a handful of distance tests.

export interface PointIndex {
  /** The index of the nearest point within `radius` pixels of (x, y) (the front-most
   * among equally near ones), or -1. */
  nearest(x: number, y: number): number;
}

export function pointIndex(
  sx: Float32Array,
  sy: Float32Array,
  depth: Float32Array,
  length: number,
  radius: number,
): PointIndex {
  const cell = Math.max(radius, 1);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < length; i++) {
    if (sx[i] < minX) minX = sx[i];
    if (sx[i] > maxX) maxX = sx[i];
    if (sy[i] < minY) minY = sy[i];
    if (sy[i] > maxY) maxY = sy[i];
  }
  if (!(minX <= maxX)) return { nearest: () => -1 };
  const columns = Math.floor((maxX - minX) / cell) + 1;
  const rows = Math.floor((maxY - minY) / cell) + 1;
  const cellOf = (i: number) =>
    Math.floor((sy[i] - minY) / cell) * columns + Math.floor((sx[i] - minX) / cell);

  // Counting sort of point indices by cell: start[c]..start[c+1] are cell c's points.
  const start = new Int32Array(columns * rows + 1);
  const placed = (i: number) => !Number.isNaN(sx[i] + sy[i]); // missing values have no point
  for (let i = 0; i < length; i++) if (placed(i)) start[cellOf(i) + 1]++;
  for (let c = 0; c < columns * rows; c++) start[c + 1] += start[c];
  const fill = start.slice(0, -1);
  const items = new Int32Array(start[columns * rows]);
  for (let i = 0; i < length; i++) if (placed(i)) items[fill[cellOf(i)]++] = i;

  return {
    nearest(x, y) {
      const column = Math.floor((x - minX) / cell);
      const row = Math.floor((y - minY) / cell);
      let best = -1;
      let bestDistance = radius * radius;
      for (let r = Math.max(row - 1, 0); r <= Math.min(row + 1, rows - 1); r++) {
        for (let c = Math.max(column - 1, 0); c <= Math.min(column + 1, columns - 1); c++) {
          const cellIndex = r * columns + c;
          for (let k = start[cellIndex]; k < start[cellIndex + 1]; k++) {
            const i = items[k];
            const d = (sx[i] - x) ** 2 + (sy[i] - y) ** 2;
            if (d < bestDistance || (d === bestDistance && best >= 0 && depth[i] > depth[best])) {
              best = i;
              bestDistance = d;
            }
          }
        }
      }
      return best;
    },
  };
}
