// An interactive gnuplot `splot … with points` (book figures 14-6, 14-13), or a plain
// x/y point plot when z is absent: drag to rotate, hover for the rows behind a point,
// click to select, switch address mapping, export PNG or SVG.
//
//   scatter3d(rows, {x: "src", y: "dst", z: "dp", view: [71, 63], width})
//
// Points are written as pixels (src/lib/plot3d/raster.ts: 10,000 points redraw in a few
// milliseconds) and copied onto the canvas over the axes, ticks and labels, which come from
// a pure scene (src/lib/plot3d/scene.ts) that scatter3dToSvg writes out as SVG.

import { type Axes, buildAxes, type Mapping } from "../lib/plot3d/axes.js";
import { type PointIndex, pointIndex } from "../lib/plot3d/pick.js";
import { packRgba, rasterPlus } from "../lib/plot3d/raster.js";
import {
  axesScene,
  type Frame,
  frame,
  normalizePoints,
  type Points,
  projectPoints,
  type Scene,
} from "../lib/plot3d/scene.js";
import { dragView, formatView, toView, type View, type ViewSpec } from "../lib/plot3d/view.js";

export type { Mapping } from "../lib/plot3d/axes.js";
export type { ViewSpec } from "../lib/plot3d/view.js";

/** A field name, or a function of the row. */
export type Accessor<T> = string | ((row: T, index: number) => unknown);

export interface Scatter3dOptions<T> {
  x: Accessor<T>;
  y: Accessor<T>;
  /** Without z, a plain 2D point plot. */
  z?: Accessor<T>;
  /** Log rows behind each point (pages aggregate duplicates); default: the row's `count`, else 1. */
  count?: Accessor<T>;
  width?: number;
  height?: number;
  /** gnuplot's `set view rot_x, rot_z[, scale[, scale_z]]`; default 60, 30. */
  view?: ViewSpec;
  /** For address columns: psad's dense ranks (default) or numeric address order. */
  mapping?: Mapping;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  zLabel?: string;
  /** gnuplot's first line colour. */
  color?: string;
  /** Tooltip text (plain text, not HTML); default: each axis's original value, and count. */
  tooltip?: (row: T) => string;
  onSelect?: (row: T | undefined) => void;
}

export interface Scatter3dValue<T> {
  view: [number, number];
  mapping: Mapping;
  selected: T | undefined;
}

const DEFAULT_COLOR = "#9400d3";
const HIGHLIGHT = "#e8590c";
const PICK_RADIUS = 8;
const FONT = { title: "14px sans-serif", label: "13px sans-serif", tick: "12px sans-serif" };

/** Rows and options resolved into axes and normalized points for one mapping. */
interface Plot<T> {
  readonly rows: T[];
  readonly mapping: Mapping;
  readonly columns: { x: unknown[]; y: unknown[]; z?: unknown[] };
  readonly counts: Float64Array;
  readonly axes: Axes;
  readonly points: Points;
  /** Half-length of each point's "+" in pixels: larger for more log rows. */
  readonly sizes: Float32Array;
}

function column<T>(rows: T[], accessor: Accessor<T>): unknown[] {
  return typeof accessor === "function"
    ? rows.map(accessor)
    : rows.map((row) => (row as Record<string, unknown>)[accessor]);
}

function countOf(value: unknown): number {
  const n = typeof value === "bigint" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : 1;
}

function preparePlot<T>(
  data: Iterable<T>,
  options: Scatter3dOptions<T>,
  mapping: Mapping,
): Plot<T> {
  const rows = Array.from(data);
  const columns = {
    x: column(rows, options.x),
    y: column(rows, options.y),
    z: options.z === undefined ? undefined : column(rows, options.z),
  };
  const counts = Float64Array.from(column(rows, options.count ?? "count"), countOf);
  const axes = buildAxes(columns, mapping);
  const maxCount = counts.reduce((a, b) => Math.max(a, b), 1);
  const sizes = Float32Array.from(counts, (c) =>
    maxCount > 1 ? 3 + 6 * Math.sqrt((c - 1) / (maxCount - 1)) : 3,
  );
  return { rows, mapping, columns, counts, axes, points: normalizePoints(axes), sizes };
}

function labelsOf<T>(options: Scatter3dOptions<T>) {
  const name = (accessor: Accessor<T> | undefined, fallback: string) =>
    typeof accessor === "string" ? accessor : fallback;
  return {
    title: options.title,
    x: options.xLabel ?? name(options.x, "x"),
    y: options.yLabel ?? name(options.y, "y"),
    z: options.z === undefined ? undefined : (options.zLabel ?? name(options.z, "z")),
  };
}

function defaultSize<T>(options: Scatter3dOptions<T>): { width: number; height: number } {
  const width = options.width ?? 640;
  return { width, height: options.height ?? Math.round(Math.min(width * 0.75, 560)) };
}

/** Projected points of one draw, reused between frames to spare the allocator. */
interface Projected {
  sx: Float32Array;
  sy: Float32Array;
  depth: Float32Array;
}

function projected(length: number): Projected {
  return {
    sx: new Float32Array(length),
    sy: new Float32Array(length),
    depth: new Float32Array(length),
  };
}

function defaultTooltip<T>(
  plot: Plot<T>,
  labels: ReturnType<typeof labelsOf<T>>,
  i: number,
): string {
  const { columns, axes } = plot;
  // Beside an address, its psad rank: the number the axis shows.
  const line = (label: string, raw: unknown, axis: Axes["x"]) =>
    `${label}: ${String(raw)}${plot.mapping === "rank" && axis.kind === "address" ? ` (${axis.values[i]})` : ""}`;
  const lines = [line(labels.x, columns.x[i], axes.x), line(labels.y, columns.y[i], axes.y)];
  if (columns.z && axes.z && labels.z) lines.push(line(labels.z, columns.z[i], axes.z));
  lines.push(`count: ${plot.counts[i]}`);
  return lines.join("\n");
}

/** The axes, ticks and labels (the points are copied over them: see rasterPlus in draw). */
function paintAxes(ctx: CanvasRenderingContext2D, scene: Scene, ink: string): void {
  ctx.lineWidth = 1;
  ctx.strokeStyle = ink;
  ctx.beginPath();
  for (const [x1, y1, x2, y2] of scene.lines) {
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
  }
  ctx.stroke();

  ctx.fillStyle = ink;
  let font = "";
  for (const t of scene.texts) {
    // Setting a font makes the canvas parse it again, even the same one.
    if (FONT[t.role] !== font) ctx.font = font = FONT[t.role];
    ctx.textAlign = t.anchor === "middle" ? "center" : t.anchor;
    ctx.textBaseline = t.baseline === "bottom" ? "alphabetic" : t.baseline;
    if (t.rotate) {
      ctx.save();
      ctx.translate(t.x, t.y);
      ctx.rotate((t.rotate * Math.PI) / 180);
      ctx.fillText(t.text, 0, 0);
      ctx.restore();
    } else {
      ctx.fillText(t.text, t.x, t.y);
    }
  }
}

/** A CSS colour as the packed RGBA word rasterPlus writes (resolved by a 1-pixel canvas). */
const packed = new Map<string, number>();
function packedColor(color: string): number {
  let word = packed.get(color);
  if (word === undefined) {
    const ctx = document
      .createElement("canvas")
      .getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    const [r = 0, g = 0, b = 0, a = 0] = ctx.getImageData(0, 0, 1, 1).data;
    word = packRgba(r, g, b, a);
    packed.set(color, word);
  }
  return word;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The plot at a given view and mapping as a standalone SVG document (points as circles,
 * back to front). Runs anywhere: no DOM needed.
 */
export function scatter3dToSvg<T>(data: Iterable<T>, options: Scatter3dOptions<T>): string {
  const plot = preparePlot(data, options, options.mapping ?? "rank");
  const { width, height } = defaultSize(options);
  const f = frame(width, height, toView(options.view), {
    is3d: plot.points.is3d,
    title: options.title,
  });
  const scene = axesScene(f, plot.axes, labelsOf(options));
  const p = projected(plot.points.length);
  projectPoints(f, plot.points, p);
  return svgDocument(f, scene, p, plot, options.color ?? DEFAULT_COLOR);
}

function svgDocument(
  f: Frame,
  scene: Scene,
  p: Projected,
  plot: Plot<unknown>,
  color: string,
): string {
  const n = (v: number) => Math.round(v * 100) / 100;
  const path = scene.lines
    .map(([x1, y1, x2, y2]) => `M${n(x1)},${n(y1)}L${n(x2)},${n(y2)}`)
    .join("");
  const texts = scene.texts.map((t) => {
    const baseline = { top: "hanging", middle: "middle", bottom: "auto" }[t.baseline];
    const rotate = t.rotate ? ` transform="rotate(${t.rotate} ${n(t.x)} ${n(t.y)})"` : "";
    return `<text x="${n(t.x)}" y="${n(t.y)}" text-anchor="${t.anchor}" dominant-baseline="${baseline}" style="font:${FONT[t.role]}"${rotate}>${escapeXml(t.text)}</text>`;
  });
  const order = Array.from({ length: plot.points.length }, (_, i) => i)
    .filter((i) => !Number.isNaN(p.sx[i] + p.sy[i]))
    .sort((a, b) => p.depth[a] - p.depth[b]);
  const circles = order.map(
    (i) => `<circle cx="${n(p.sx[i])}" cy="${n(p.sy[i])}" r="${n(plot.sizes[i] * 0.7)}"/>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}">`,
    `<path d="${path}" fill="none" stroke="#000" stroke-width="1"/>`,
    `<g fill="#000">${texts.join("")}</g>`,
    `<g fill="${escapeXml(color)}" fill-opacity="0.8">${circles.join("")}</g>`,
    "</svg>",
  ].join("\n");
}

function download(blob: Blob, name: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function button(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.title = title;
  b.addEventListener("click", onClick);
  return b;
}

/**
 * The text colour axes are drawn in, read once per colour scheme: getComputedStyle forces a
 * style recalculation of the whole page, tens of milliseconds when the explorer has just
 * replaced its figures. Unknown (undefined) until a figure is in the page.
 */
const inks = new Map<boolean, string>();
function inkColor(figure: Element): string | undefined {
  const dark = matchMedia("(prefers-color-scheme: dark)").matches;
  let ink = inks.get(dark);
  if (ink === undefined && figure.isConnected) {
    ink = getComputedStyle(figure).color || "#000";
    inks.set(dark, ink);
  }
  return ink;
}

/**
 * The figure element. Its `value` is {view, mapping, selected}; it dispatches "input"
 * when a drag ends, the mapping changes, the view is reset or a point is (de)selected,
 * so it works with Framework's `view()`.
 */
export function scatter3d<T>(
  data: Iterable<T>,
  options: Scatter3dOptions<T>,
): HTMLElement & { value: Scatter3dValue<T> } {
  const { width, height } = defaultSize(options);
  const labels = labelsOf(options);
  const color = options.color ?? DEFAULT_COLOR;
  const rgba = packedColor(color);
  const initialView = toView(options.view);
  const rows = Array.from(data);
  let mapping: Mapping = options.mapping ?? "rank";
  let plot = preparePlot(rows, options, mapping);
  let view: View = initialView;
  let selected = -1;
  let hovered = -1;
  let f: Frame;
  let scene: Scene;
  const p = projected(plot.points.length);
  let index: PointIndex | undefined; // built on the first hover after a redraw
  let frameRequested = false;

  const figure = document.createElement("figure");
  figure.className = "scatter3d";
  figure.style.cssText = `margin: 0; max-width: ${width}px; font: 12px sans-serif;`;
  const stage = document.createElement("div");
  stage.style.cssText = `position: relative; width: ${width}px; height: ${height}px; touch-action: none; cursor: ${plot.points.is3d ? "grab" : "crosshair"};`;
  const dpr = globalThis.devicePixelRatio || 1;
  const layer = (inPage = true) => {
    const c = document.createElement("canvas");
    c.width = Math.round(width * dpr);
    c.height = Math.round(height * dpr);
    c.style.cssText = `position: absolute; left: 0; top: 0; width: ${width}px; height: ${height}px;`;
    if (inPage) stage.append(c);
    return c.getContext("2d") as CanvasRenderingContext2D;
  };
  const main = layer(); // axes, ticks, labels and the points
  const overlay = layer(); // hover and selection marks: redrawn without the 10k points
  // The points as pixels, copied onto `main` over the axes. Kept out of the page: each
  // canvas in it costs the browser a copy of its bitmap per frame that changes it.
  const dots = layer(false);
  const pixels = dots.createImageData(dots.canvas.width, dots.canvas.height);
  const tip = document.createElement("div");
  tip.style.cssText =
    "position: absolute; pointer-events: none; display: none; white-space: pre; padding: 4px 6px; background: var(--theme-background, #fff); border: 1px solid currentColor; border-radius: 3px; font: 12px var(--monospace, monospace); z-index: 1;";
  stage.append(tip);

  const controls = document.createElement("div");
  controls.style.cssText = "display: flex; gap: 8px; align-items: center; margin-top: 4px;";
  const readout = document.createElement("span");
  readout.style.fontVariantNumeric = "tabular-nums";

  function draw(): void {
    frameRequested = false;
    f = frame(width, height, view, { is3d: plot.points.is3d, title: labels.title });
    projectPoints(f, plot.points, p);
    scene = axesScene(f, plot.axes, labels);
    index = undefined;
    main.setTransform(dpr, 0, 0, dpr, 0, 0);
    main.clearRect(0, 0, width, height);
    paintAxes(main, scene, inkColor(figure) ?? "#000");
    rasterPlus(pixels, { ...p, sizes: plot.sizes, length: plot.points.length }, rgba, dpr);
    dots.putImageData(pixels, 0, 0);
    main.setTransform(1, 0, 0, 1, 0, 0);
    main.drawImage(dots.canvas, 0, 0);
    paintMarks();
    readout.textContent = plot.points.is3d ? formatView(view) : "";
  }

  function requestDraw(): void {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(draw);
  }

  let marked = false; // the overlay holds marks
  function paintMarks(): void {
    const marks = [...new Set([selected, hovered])].filter((i) => i >= 0);
    // A canvas never drawn on has no pixels yet: a blank overlay costs nothing per redraw.
    if (!marked && marks.length === 0) return;
    marked = marks.length > 0;
    overlay.setTransform(dpr, 0, 0, dpr, 0, 0);
    overlay.clearRect(0, 0, width, height);
    overlay.strokeStyle = HIGHLIGHT;
    overlay.lineWidth = 2;
    for (const i of marks) {
      overlay.beginPath();
      overlay.arc(p.sx[i], p.sy[i], plot.sizes[i] + 3, 0, 2 * Math.PI);
      overlay.stroke();
    }
  }

  function hover(x: number, y: number): void {
    index ??= pointIndex(p.sx, p.sy, p.depth, plot.points.length, PICK_RADIUS);
    const i = index.nearest(x, y);
    if (i !== hovered) {
      hovered = i;
      paintMarks();
    }
    if (i < 0) {
      tip.style.display = "none";
      return;
    }
    tip.textContent = options.tooltip
      ? options.tooltip(plot.rows[i])
      : defaultTooltip(plot, labels, i);
    tip.style.display = "block";
    // Beside the pointer, on the side with more room. Not measured: reading the tip's size
    // would force a layout of the whole page (tens of milliseconds on the explorer).
    const left = x > width / 2;
    const up = y > height / 2;
    tip.style.left = `${left ? x - 14 : x + 14}px`;
    tip.style.top = `${up ? y - 14 : y + 14}px`;
    tip.style.transform = `translate(${left ? "-100%" : "0"}, ${up ? "-100%" : "0"})`;
  }

  function emit(): void {
    figure.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function select(i: number): void {
    selected = i;
    paintMarks();
    options.onSelect?.(i < 0 ? undefined : plot.rows[i]);
    emit();
  }

  // Dragging rotates (3D only); a press that barely moves is a click that selects.
  let drag: { x: number; y: number; view: View; moved: boolean } | undefined;
  const local = (event: PointerEvent) => {
    const r = stage.getBoundingClientRect();
    return [event.clientX - r.left, event.clientY - r.top];
  };
  stage.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    const [x, y] = local(event);
    stage.setPointerCapture(event.pointerId);
    drag = { x, y, view, moved: false };
  });
  stage.addEventListener("pointermove", (event) => {
    const [x, y] = local(event);
    if (!drag) return hover(x, y);
    const [dx, dy] = [x - drag.x, y - drag.y];
    if (!drag.moved && Math.hypot(dx, dy) < 3) return;
    if (!plot.points.is3d) return;
    if (!drag.moved) {
      drag.moved = true;
      stage.style.cursor = "grabbing";
      tip.style.display = "none";
      hovered = -1;
    }
    view = dragView(drag.view, dx, dy, f.kx, f.ky);
    requestDraw();
  });
  const endDrag = (event: PointerEvent) => {
    if (!drag) return;
    const moved = drag.moved;
    drag = undefined;
    if (plot.points.is3d) stage.style.cursor = "grab";
    if (event.type === "pointercancel") return;
    if (moved) emit();
    else {
      const [x, y] = local(event);
      hover(x, y);
      select(hovered);
    }
  };
  stage.addEventListener("pointerup", endDrag);
  stage.addEventListener("pointercancel", endDrag);
  stage.addEventListener("pointerleave", () => {
    if (drag) return;
    hovered = -1;
    tip.style.display = "none";
    paintMarks();
  });

  controls.append(readout);
  if (plot.points.is3d) {
    controls.append(
      button("Reset", "Back to the initial view", () => {
        view = initialView;
        requestDraw();
        emit();
      }),
    );
  }
  const hasAddresses = [plot.axes.x, plot.axes.y, plot.axes.z].some((a) => a?.kind === "address");
  if (hasAddresses) {
    const choice = document.createElement("select");
    choice.title = "How addresses map to positions";
    for (const [value, text] of [
      ["rank", "rank (psad)"],
      ["address", "address order"],
    ]) {
      choice.append(new Option(text, value, value === mapping, value === mapping));
    }
    choice.addEventListener("change", () => {
      mapping = choice.value as Mapping;
      plot = preparePlot(rows, options, mapping);
      hovered = -1; // its tooltip and ring belong to the old positions
      tip.style.display = "none";
      requestDraw();
      emit();
    });
    controls.append(choice);
  }
  controls.append(
    button("PNG", "Download the current view as PNG", () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
      ctx.scale(dpr, dpr);
      ctx.fillStyle = "#fff"; // black on white whatever the page theme, like gnuplot's png
      ctx.fillRect(0, 0, width, height);
      paintAxes(ctx, scene, "#000");
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(dots.canvas, 0, 0);
      canvas.toBlob((blob) => blob && download(blob, "scatter3d.png"));
    }),
    button("SVG", "Download the current view as SVG", () => {
      const svg = svgDocument(f, scene, p, plot as Plot<unknown>, color);
      download(new Blob([svg], { type: "image/svg+xml" }), "scatter3d.svg");
    }),
  );

  figure.append(stage, controls);
  Object.defineProperty(figure, "value", {
    get: (): Scatter3dValue<T> => ({
      view: [view.rotX, view.rotZ],
      mapping,
      selected: selected < 0 ? undefined : plot.rows[selected],
    }),
  });
  draw();
  // Again once in the page, where the theme's text colour is known.
  if (inkColor(figure) === undefined) requestDraw();
  return figure as HTMLElement & { value: Scatter3dValue<T> };
}
