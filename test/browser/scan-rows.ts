// Deterministic psad-style "src, dst, dp" rows shaped like a scan data set: a few scanners
// fanning out over honeynet hosts and ports, plus background sources. `edges` distinct
// src→dst and dst→port pairs (the link graph's edges with AfterGlow's default three columns).
// Shared by the link-graph browser test, its benchmark (in the page) and the neato reference.

const COMMON = [21, 22, 23, 25, 53, 80, 110, 135, 139, 443, 445, 1433, 3306, 6667, 8080];
const SCANNERS = [0, 1, 2, 3, 4, 5].map((i) => `${60 + i * 17}.${i * 53}.${i * 29}.${10 + i}`);

export function scanRows(edges: number): string[][] {
  let s = 1;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const byte = () => Math.floor(rand() * 255);
  const rows: string[][] = [];
  const pairs = new Set<string>();
  while (pairs.size < edges) {
    const scan = rand() < 0.7;
    const src = scan
      ? SCANNERS[Math.floor(rand() ** 2 * 6)]
      : `${20 + Math.floor(rand() * 200)}.${byte()}.${byte()}.${byte()}`;
    const dst = scan
      ? `11.11.${72 + Math.floor(rand() * 8)}.${1 + Math.floor(rand() * 250)}`
      : `11.11.79.${1 + Math.floor(rand() * 120)}`;
    const dp =
      scan && rand() < 0.4
        ? 1024 + Math.floor(rand() * 4000)
        : COMMON[Math.floor(rand() ** 2 * COMMON.length)];
    const n = rand() < 0.1 ? 1 + Math.floor(rand() * 20) : 1;
    for (let k = 0; k < n; ++k) rows.push([src, ` ${dst}`, ` ${dp}`]);
    pairs.add(`${src},${dst}`).add(`${dst},${dp}`);
  }
  return rows;
}
