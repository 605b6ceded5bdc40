// From axes and a view to pixels: where the points go, and the base box, ticks and labels
// of a gnuplot splot (or, without z, of a plain 2D plot), as lines and texts that a
// canvas or an SVG writer can draw alike.

import type { Axes, Axis } from "./axes.js";
import { apply, type Projection, projection, type View } from "./view.js";

/** gnuplot's `set ticslevel 0.5`: the base plane sits half the z range below its minimum. */
const TICSLEVEL = 0.5;
/** gnuplot fits the halved cube with 4/7 of the plot size (its "magic number"). */
const FIT = 4 / 7;
const TICK_LENGTH = 0.05; // of the normalized cube's side (2)
const TICK_LABEL_GAP = 8;
const AXIS_LABEL_GAP = 30;
const CHAR_WIDTH = 7; // to clear tick labels without measuring text: layout stays pure

/** The rows' coordinates normalized to the cube [-1, 1]³ (z = 0 for 2D). */
export interface Points {
  readonly length: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly z: Float32Array;
  readonly is3d: boolean;
}

export function normalizePoints(axes: Axes): Points {
  const length = axes.x.values.length;
  const x = normalize(axes.x, 0);
  const y = normalize(axes.y, 0);
  const z = axes.z ? normalize(axes.z, TICSLEVEL) : new Float32Array(length);
  return { length, x, y, z, is3d: axes.z !== undefined };
}

function normalize(axis: Axis, floorLevel: number): Float32Array {
  return Float32Array.from(axis.values, (v) => normalized(axis, v, floorLevel));
}

/** An axis value in [-1, 1]; `floorLevel` leaves room below the domain (z's base plane). */
function normalized(axis: Axis, value: number, floorLevel: number): number {
  const [lo, hi] = axis.domain;
  const floor = lo - (hi - lo) * floorLevel;
  return ((value - floor) * 2) / (hi - floor) - 1;
}

/** Pixels: the figure size, and the affine map from the view to the plot area. */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly projection: Projection;
  readonly cx: number;
  readonly cy: number;
  readonly kx: number;
  readonly ky: number;
  readonly is3d: boolean;
}

const MARGIN_2D = { top: 20, right: 20, bottom: 50, left: 70 };
const TITLE_HEIGHT = 28;

export function frame(
  width: number,
  height: number,
  view: View,
  options: { is3d: boolean; title?: string },
): Frame {
  const top = options.title ? TITLE_HEIGHT : 0;
  if (!options.is3d) {
    // A plain x/y plot: the 0,0 view, its half-cube stretched over the plot area.
    const m = MARGIN_2D;
    const w = width - m.left - m.right;
    const h = height - top - m.top - m.bottom;
    return {
      width,
      height,
      projection: { x: [0.5, 0, 0], y: [0, 0.5, 0], depth: [0, 0, 1] },
      cx: m.left + w / 2,
      cy: top + m.top + h / 2,
      kx: w,
      ky: h,
      is3d: false,
    };
  }
  const h = height - top;
  return {
    width,
    height,
    projection: projection(view),
    cx: width / 2,
    cy: top + h / 2,
    kx: width * FIT,
    ky: h * FIT,
    is3d: true,
  };
}

/** Screen position (pixels, y down) of a normalized point. */
export function toScreen(f: Frame, x: number, y: number, z: number): [number, number] {
  const p = f.projection;
  return [f.cx + f.kx * apply(p.x, x, y, z), f.cy - f.ky * apply(p.y, x, y, z)];
}

/** Projects every point into sx/sy (pixels) and depth (larger is nearer the viewer). */
export function projectPoints(
  f: Frame,
  points: Points,
  out: { sx: Float32Array; sy: Float32Array; depth: Float32Array },
): void {
  const { x: px, y: py, depth: pd } = f.projection;
  const [ax, bx, cxz] = [f.kx * px[0], f.kx * px[1], f.kx * px[2]];
  const [ay, by, cyz] = [-f.ky * py[0], -f.ky * py[1], -f.ky * py[2]];
  for (let i = 0; i < points.length; i++) {
    const x = points.x[i];
    const y = points.y[i];
    const z = points.z[i];
    out.sx[i] = f.cx + ax * x + bx * y + cxz * z;
    out.sy[i] = f.cy + ay * x + by * y + cyz * z;
    out.depth[i] = pd[0] * x + pd[1] * y + pd[2] * z;
  }
}

export type Anchor = "start" | "middle" | "end";
export type Baseline = "top" | "middle" | "bottom";

export interface Text {
  readonly x: number;
  readonly y: number;
  readonly text: string;
  readonly anchor: Anchor;
  readonly baseline: Baseline;
  readonly role: "title" | "label" | "tick";
  /** Degrees, clockwise. */
  readonly rotate?: number;
}

export interface Scene {
  readonly lines: [number, number, number, number][];
  readonly texts: Text[];
}

export interface Labels {
  readonly title?: string;
  readonly x?: string;
  readonly y?: string;
  readonly z?: string;
}

export function axesScene(f: Frame, axes: Axes, labels: Labels): Scene {
  const scene: Scene = { lines: [], texts: [] };
  if (labels.title) {
    scene.texts.push(text(f.width / 2, 8, labels.title, "middle", "top", "title"));
  }
  if (f.is3d && axes.z) box3d(scene, f, axes, labels, axes.z);
  else box2d(scene, f, axes, labels);
  return { lines: scene.lines, texts: scene.texts.map((t) => keepInside(t, f.width)) };
}

/** Shifts unrotated text that would run off the left or right edge (width estimated). */
function keepInside(t: Text, width: number): Text {
  if (t.rotate) return t;
  const w = t.text.length * CHAR_WIDTH;
  const left = t.x - (t.anchor === "start" ? 0 : t.anchor === "middle" ? w / 2 : w);
  const shift = left < 2 ? 2 - left : left + w > width - 2 ? width - 2 - (left + w) : 0;
  return shift ? { ...t, x: t.x + shift } : t;
}

function text(
  x: number,
  y: number,
  content: string,
  anchor: Anchor,
  baseline: Baseline,
  role: Text["role"],
  rotate?: number,
): Text {
  return { x, y, text: content, anchor, baseline, role, ...(rotate ? { rotate } : {}) };
}

/** Anchor and baseline for text placed from a point in screen direction (ux, uy). */
function alignAway(ux: number, uy: number): { anchor: Anchor; baseline: Baseline } {
  return {
    anchor: ux > 0.35 ? "start" : ux < -0.35 ? "end" : "middle",
    baseline: uy > 0.35 ? "top" : uy < -0.35 ? "bottom" : "middle",
  };
}

function box2d(scene: Scene, f: Frame, axes: Axes, labels: Labels): void {
  const corner = (x: number, y: number) => toScreen(f, x, y, 0);
  const [left, bottom] = corner(-1, -1);
  const [right, top] = corner(1, 1);
  scene.lines.push(
    [left, bottom, right, bottom],
    [right, bottom, right, top],
    [right, top, left, top],
    [left, top, left, bottom],
  );
  const tick = 6;
  for (const t of axes.x.ticks) {
    const [x] = corner(normalized(axes.x, t.value, 0), -1);
    scene.lines.push([x, bottom, x, bottom - tick], [x, top, x, top + tick]);
    scene.texts.push(text(x, bottom + TICK_LABEL_GAP, t.label, "middle", "top", "tick"));
  }
  for (const t of axes.y.ticks) {
    const [, y] = corner(-1, normalized(axes.y, t.value, 0));
    scene.lines.push([left, y, left + tick, y], [right, y, right - tick, y]);
    scene.texts.push(text(left - TICK_LABEL_GAP, y, t.label, "end", "middle", "tick"));
  }
  if (labels.x) {
    const y = bottom + TICK_LABEL_GAP + AXIS_LABEL_GAP;
    scene.texts.push(text((left + right) / 2, y, labels.x, "middle", "top", "label"));
  }
  if (labels.y) {
    const x = left - TICK_LABEL_GAP - widestLabel(axes.y) - 8;
    scene.texts.push(text(x, (top + bottom) / 2, labels.y, "middle", "bottom", "label", -90));
  }
}

const widestLabel = (axis: Axis) =>
  CHAR_WIDTH * Math.max(0, ...axis.ticks.map((t) => t.label.length));

function box3d(scene: Scene, f: Frame, axes: Axes, labels: Labels, zAxis: Axis): void {
  const depth = (x: number, y: number, z: number) => apply(f.projection.depth, x, y, z);
  const at = (x: number, y: number, z: number) => toScreen(f, x, y, z);
  const line = (a: number[], b: number[]) => {
    const [x1, y1] = at(a[0], a[1], a[2]);
    const [x2, y2] = at(b[0], b[1], b[2]);
    scene.lines.push([x1, y1, x2, y2]);
  };
  // The base rectangle, at the floor below the z range.
  const corners = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ];
  corners.forEach(([x, y], i) => {
    const [nx, ny] = corners[(i + 1) % 4];
    line([x, y, -1], [nx, ny, -1]);
  });

  // x ticks go on the base edge nearer the viewer (y = -1 or +1), y ticks likewise
  // (x = ±1): at gnuplot's default view, the front-left and front-right edges.
  const xEdge = depth(0, 1, -1) > depth(0, -1, -1) + 1e-9 ? 1 : -1;
  const yEdge = depth(1, 0, -1) > depth(-1, 0, -1) + 1e-9 ? 1 : -1;
  edgeTicks(scene, f, axes.x, labels.x, (t, across) => [t, across * xEdge, -1]);
  edgeTicks(scene, f, axes.y, labels.y, (t, across) => [across * yEdge, t, -1]);

  // The z axis stands at the leftmost corner of the base, from the floor to the top.
  const [cx, cy] = corners.reduce((a, b) =>
    at(b[0], b[1], -1)[0] < at(a[0], a[1], -1)[0] ? b : a,
  );
  const [bottomX, bottomY] = at(cx, cy, -1);
  const [, topY] = at(cx, cy, 1);
  if (Math.abs(topY - bottomY) < MIN_AXIS_LENGTH) return; // looking down the z axis
  line([cx, cy, -1], [cx, cy, 1]);
  const stride = labelStride(
    zAxis,
    (value) => at(cx, cy, normalized(zAxis, value, TICSLEVEL)),
    MIN_LABEL_SPACING,
  );
  zAxis.ticks.forEach((t, i) => {
    const [x, y] = at(cx, cy, normalized(zAxis, t.value, TICSLEVEL));
    scene.lines.push([x, y, x + 6, y]);
    if (i % stride === 0)
      scene.texts.push(text(x - TICK_LABEL_GAP, y, t.label, "end", "middle", "tick"));
  });
  if (labels.z) {
    const x = bottomX - TICK_LABEL_GAP - widestLabel(zAxis) - 12;
    const [, y] = at(cx, cy, normalized(zAxis, zAxis.domain[1], TICSLEVEL) - 0.25);
    // No room on the left: above the axis instead, clear of the tick labels.
    const label =
      x - labels.z.length * CHAR_WIDTH < 2
        ? text(bottomX, Math.min(topY, bottomY) - 14, labels.z, "middle", "bottom", "label")
        : text(x, y, labels.z, "end", "middle", "label");
    scene.texts.push(label);
  }
}

/** An axis shorter than this on screen (seen end-on) gets no ticks or labels. */
const MIN_AXIS_LENGTH = 24;
const MIN_LABEL_SPACING = 14;

/** Label every n-th tick so that labels stay apart when the axis is foreshortened. */
function labelStride(
  axis: Axis,
  screen: (value: number) => [number, number],
  minSpacing: number,
): number {
  if (axis.ticks.length < 2) return 1;
  const [x1, y1] = screen(axis.ticks[0].value);
  const [x2, y2] = screen(axis.ticks[1].value);
  return Math.max(1, Math.ceil(minSpacing / Math.max(Math.hypot(x2 - x1, y2 - y1), 1e-6)));
}

/**
 * Ticks along one base edge: marks pointing into the base (mirrored on the opposite edge,
 * as gnuplot's default `mirror`), labels outward, and the axis label beyond them.
 * `point(t, across)` gives the normalized point at tick position t on the tick edge
 * (across = 1) or on the opposite edge (across = -1).
 */
function edgeTicks(
  scene: Scene,
  f: Frame,
  axis: Axis,
  label: string | undefined,
  point: (t: number, across: number) => number[],
): void {
  const at = (p: number[]) => toScreen(f, p[0], p[1], p[2]);
  const inward = (p: number[], q: number[]) => p.map((v, i) => v + (q[i] - v) * (TICK_LENGTH / 2));
  const [mx, my] = at(point(0, 1));
  const [ox, oy] = at(point(0, -1));
  const length = Math.hypot(mx - ox, my - oy);
  const [ux, uy] = length > 1e-6 ? [(mx - ox) / length, (my - oy) / length] : [0, 1];
  const align = alignAway(ux, uy);
  const [sx, sy] = at(point(-1, 1));
  const [ex, ey] = at(point(1, 1));
  if (Math.hypot(ex - sx, ey - sy) < MIN_AXIS_LENGTH) return; // seen end-on
  // Labels side by side along a level edge need their width; stacked ones, their height.
  const level = Math.abs(ex - sx) / Math.hypot(ex - sx, ey - sy);
  const stride = labelStride(
    axis,
    (value) => at(point(normalized(axis, value, 0), 1)),
    MIN_LABEL_SPACING + level * (widestLabel(axis) + 4),
  );
  axis.ticks.forEach((t, i) => {
    const n = normalized(axis, t.value, 0);
    for (const across of [1, -1]) {
      const p = point(n, across);
      const [x1, y1] = at(p);
      const [x2, y2] = at(inward(p, point(n, -across)));
      scene.lines.push([x1, y1, x2, y2]);
    }
    if (i % stride) return;
    const [x, y] = at(point(n, 1));
    const gap = TICK_LABEL_GAP;
    scene.texts.push(
      text(x + ux * gap, y + uy * gap, t.label, align.anchor, align.baseline, "tick"),
    );
  });
  if (label) {
    // Beyond the tick labels: further where they run sideways (wide) than up or down.
    const gap = TICK_LABEL_GAP + AXIS_LABEL_GAP * (0.6 + Math.abs(ux) * (widestLabel(axis) / 40));
    scene.texts.push(
      text(mx + ux * gap, my + uy * gap, label, align.anchor, align.baseline, "label"),
    );
  }
}
