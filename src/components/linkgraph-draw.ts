// Paints a link graph on a 2D canvas — an OffscreenCanvas in the layout worker, or a page
// canvas (fallback, PNG export). Everything it needs is plain data so it can be posted.

import { drawShape } from "./linkgraph-shapes.js";

export type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** What does not change while the graph is shown. */
export interface Scene {
  shape: string[];
  fill: string[];
  label: string[];
  /** Half extents of each node's shape, graph units. */
  ex: Float32Array;
  ey: Float32Array;
  /** Rank of each node by row count (0: busiest): who gets a label first. */
  rank: Uint32Array;
  labels: "beside" | "inside" | "none";
  labelColor: string;
  /** Edges as node-index pairs, and each edge's width class (see `edgeWidth`). */
  links: Uint32Array;
  bucket: Uint8Array;
}

export interface Transform {
  x: number;
  y: number;
  k: number;
}

/** What changes: positions, view, highlight, pins. */
export interface View {
  pos: Float32Array;
  t: Transform;
  hover?: { nodes: Set<number>; edges: Set<number> };
  pinned: Set<number>;
}

export const BUCKETS = 6;

/** Edge width classes by count: sqrt scale, one stroke per class instead of one per edge. */
export function edgeBuckets(counts: ArrayLike<number>): Uint8Array {
  let max = 1;
  for (let i = 0; i < counts.length; ++i) max = Math.max(max, counts[i]);
  const out = new Uint8Array(counts.length);
  if (max > 1)
    for (let i = 0; i < counts.length; ++i)
      out[i] = Math.round(Math.sqrt((counts[i] - 1) / (max - 1)) * (BUCKETS - 1));
  return out;
}
export const edgeWidth = (b: number) => 0.6 + b * 0.7;

/** Up to 300 nodes all get labels; beyond, the busiest, more of them as one zooms in. */
export function labelled(scene: Scene, view: View, i: number): boolean {
  const n = scene.rank.length;
  return (
    scene.labels !== "none" &&
    (n <= 300 || scene.rank[i] < 120 * view.t.k ** 2 || (view.hover?.nodes.has(i) ?? false))
  );
}

/** The transform that fits every node into w × h. */
export function fitTransform(scene: Scene, pos: Float32Array, w: number, h: number): Transform {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < scene.ex.length; ++i) {
    x0 = Math.min(x0, pos[i * 2] - scene.ex[i]);
    x1 = Math.max(x1, pos[i * 2] + scene.ex[i]);
    y0 = Math.min(y0, pos[i * 2 + 1] - scene.ey[i]);
    y1 = Math.max(y1, pos[i * 2 + 1] + scene.ey[i]);
  }
  if (!(x1 >= x0)) return { x: w / 2, y: h / 2, k: 1 };
  // Room on the right for the labels beside the nodes.
  const k = Math.min(4, (0.95 * w) / (x1 - x0 + 80), (0.95 * h) / (y1 - y0 + 20));
  return { x: w / 2 - (k * (x0 + x1)) / 2, y: h / 2 - (k * (y0 + y1)) / 2, k };
}

/** A painter for one scene: `(context, view, width, height, pixelRatio) => void`. */
export function painter(scene: Scene) {
  const { shape, fill, ex, ey, links, bucket } = scene;
  const n = ex.length;
  const byBucket: number[][] = Array.from({ length: BUCKETS }, () => []);
  bucket.forEach((b, i) => {
    byBucket[b]?.push(i);
  });

  // Nodes are stamped from small bitmaps, one per look and zoom level: a software canvas
  // (no GPU) blits them far faster than it fills thousands of curved paths.
  const sprites = new Map<string, OffscreenCanvas>();
  function sprite(i: number, k: number, ratio: number, pinned: boolean): OffscreenCanvas {
    const key = `${shape[i]} ${fill[i]} ${ex[i]} ${ey[i]} ${k} ${ratio} ${pinned}`;
    let img = sprites.get(key);
    if (!img) {
      if (sprites.size > 1000) sprites.clear();
      const s = k * ratio;
      img = new OffscreenCanvas(Math.ceil(2 * ex[i] * s + 4), Math.ceil(2 * ey[i] * s + 4));
      const g = img.getContext("2d") as OffscreenCanvasRenderingContext2D;
      g.beginPath();
      if (drawShape(g, shape[i], img.width / 2, img.height / 2, ex[i] * s, ey[i] * s)) {
        g.fillStyle = fill[i];
        g.fill();
        if (pinned) {
          g.lineWidth = 1.5 * ratio;
          g.stroke();
        }
      }
      sprites.set(key, img);
    }
    return img;
  }

  function line(c: Context2D, pos: Float32Array, e: number) {
    const s = links[e * 2];
    const t = links[e * 2 + 1];
    c.moveTo(pos[s * 2], pos[s * 2 + 1]);
    c.lineTo(pos[t * 2], pos[t * 2 + 1]);
  }

  // Edges in graph units; nodes and labels in screen pixels (labels keep their size).
  return function paint(c: Context2D, view: View, w: number, h: number, ratio: number) {
    const { pos, t, hover, pinned } = view;
    const dim = hover ? 0.12 : 1;
    c.save();
    c.setTransform(ratio, 0, 0, ratio, 0, 0);
    c.globalAlpha = 1;
    c.fillStyle = "white";
    c.fillRect(0, 0, w, h);
    c.save();
    c.translate(t.x, t.y);
    c.scale(t.k, t.k);
    c.strokeStyle = "#777";
    c.globalAlpha = 0.6 * dim;
    byBucket.forEach((list, b) => {
      c.lineWidth = edgeWidth(b) / Math.sqrt(t.k);
      c.beginPath();
      for (const e of list) line(c, pos, e);
      c.stroke();
    });
    if (hover) {
      c.globalAlpha = 1;
      c.strokeStyle = "#222";
      for (const e of hover.edges) {
        c.lineWidth = (edgeWidth(bucket[e]) + 0.5) / Math.sqrt(t.k);
        c.beginPath();
        line(c, pos, e);
        c.stroke();
      }
    }
    c.restore();
    // Sprites at zoom levels a quarter-octave apart, stretched to the exact size.
    const q = 2 ** (Math.round(Math.log2(t.k) * 4) / 4);
    const stamp = (i: number) => {
      const x = t.x + t.k * pos[i * 2];
      const y = t.y + t.k * pos[i * 2 + 1];
      const rx = ex[i] * t.k;
      const ry = ey[i] * t.k;
      if (x < -rx || x > w + rx || y < -ry || y > h + ry) return;
      if (rx < 1.5 && !pinned.has(i)) {
        c.fillStyle = fill[i];
        c.fillRect(x - rx, y - ry, 2 * rx, 2 * ry);
      } else {
        const img = sprite(i, q, ratio, pinned.has(i));
        const f = t.k / q / ratio;
        c.drawImage(
          img,
          x - (img.width * f) / 2,
          y - (img.height * f) / 2,
          img.width * f,
          img.height * f,
        );
      }
    };
    c.globalAlpha = dim;
    for (let i = 0; i < n; ++i) stamp(i);
    c.globalAlpha = 1;
    if (hover) for (const i of hover.nodes) stamp(i);
    if (scene.labels !== "none") {
      const inside = scene.labels === "inside";
      const size = inside ? 10 * t.k : 10; // AfterGlow's fontsize=10
      if (size >= 5) {
        c.font = `${size}px sans-serif`;
        c.fillStyle = scene.labelColor;
        c.textAlign = inside ? "center" : "left";
        c.textBaseline = "middle";
        for (let i = 0; i < n; ++i) {
          const x = t.x + t.k * pos[i * 2];
          const y = t.y + t.k * pos[i * 2 + 1];
          if (x < -200 || x > w || y < 0 || y > h || !labelled(scene, view, i)) continue;
          c.globalAlpha = hover && !hover.nodes.has(i) ? dim : 1;
          c.fillText(scene.label[i], inside ? x : x + ex[i] * t.k + 2, y);
        }
      }
    }
    c.restore();
  };
}
