// AfterGlow's node shapes and colours, drawn through the CanvasPath subset that both a
// CanvasRenderingContext2D and d3-path's path() implement: one drawing code for the canvas
// and for SVG export.

import { X11_RGB } from "../lib/graph/colors.js";

/** The drawing calls used by shapes (a canvas context or a d3-path `path()`). */
export interface PathContext {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  bezierCurveTo(x1: number, y1: number, x2: number, y2: number, x: number, y: number): void;
  closePath(): void;
}

export type Kind = "source" | "event" | "target";

/** The outline a node is drawn with. The model's defaults are AfterGlow's (ellipse, events
 * box); AfterGlow draws them 0.2 in wide, so a target's ellipse is a circle, as in the
 * book's figures; sources stay wider ellipses to tell them apart. */
export function nodeShape(kind: Kind, shape: string | undefined): string {
  if (!shape) return kind === "event" ? "box" : kind === "target" ? "circle" : "ellipse";
  return kind === "target" && shape === "ellipse" ? "circle" : shape;
}

// Bezier handle length for a quarter ellipse.
const K = 0.5522847498;

function ellipse(c: PathContext, x: number, y: number, rx: number, ry: number) {
  c.moveTo(x + rx, y);
  c.bezierCurveTo(x + rx, y + K * ry, x + K * rx, y + ry, x, y + ry);
  c.bezierCurveTo(x - K * rx, y + ry, x - rx, y + K * ry, x - rx, y);
  c.bezierCurveTo(x - rx, y - K * ry, x - K * rx, y - ry, x, y - ry);
  c.bezierCurveTo(x + K * rx, y - ry, x + rx, y - K * ry, x + rx, y);
  c.closePath();
}

function polygon(
  c: PathContext,
  x: number,
  y: number,
  rx: number,
  ry: number,
  sides: number,
  start: number,
) {
  for (let i = 0; i < sides; ++i) {
    const a = start + (2 * Math.PI * i) / sides;
    const px = x + rx * Math.cos(a);
    const py = y + ry * Math.sin(a);
    if (i) c.lineTo(px, py);
    else c.moveTo(px, py);
  }
  c.closePath();
}

function rect(c: PathContext, x: number, y: number, rx: number, ry: number) {
  c.moveTo(x - rx, y - ry);
  c.lineTo(x + rx, y - ry);
  c.lineTo(x + rx, y + ry);
  c.lineTo(x - rx, y + ry);
  c.closePath();
}

// Rounded rectangle (Graphviz Mrecord).
function roundRect(c: PathContext, x: number, y: number, rx: number, ry: number) {
  const r = Math.min(rx, ry) * 0.4;
  const k = r * (1 - K);
  c.moveTo(x - rx + r, y - ry);
  c.lineTo(x + rx - r, y - ry);
  c.bezierCurveTo(x + rx - k, y - ry, x + rx, y - ry + k, x + rx, y - ry + r);
  c.lineTo(x + rx, y + ry - r);
  c.bezierCurveTo(x + rx, y + ry - k, x + rx - k, y + ry, x + rx - r, y + ry);
  c.lineTo(x - rx + r, y + ry);
  c.bezierCurveTo(x - rx + k, y + ry, x - rx, y + ry - k, x - rx, y + ry - r);
  c.lineTo(x - rx, y - ry + r);
  c.bezierCurveTo(x - rx, y - ry + k, x - rx + k, y - ry, x - rx + r, y - ry);
  c.closePath();
}

/** Half width and half height of a shape whose size is `r` (a circle's radius): ellipses
 * and boxes are wider than tall, as Graphviz draws them. */
export function shapeExtent(shape: string, r: number): [number, number] {
  switch (shape) {
    case "ellipse":
      return [r * 1.5, r];
    case "box":
    case "Mrecord":
      return [r * 1.3, r * 0.85];
    case "point":
      return [r * 0.5, r * 0.5];
    default:
      return [r, r];
  }
}

/** Traces a node outline centred on x, y with half extents rx, ry; returns false for
 * shapes with no outline (plaintext). Unknown shapes are ellipses, as in Graphviz. */
export function drawShape(
  c: PathContext,
  shape: string,
  x: number,
  y: number,
  rx: number,
  ry: number,
): boolean {
  const up = -Math.PI / 2;
  switch (shape) {
    case "plaintext":
    case "none":
      return false;
    case "box":
    case "rect":
    case "rectangle":
    case "square":
      rect(c, x, y, rx, ry);
      break;
    case "Mrecord":
      roundRect(c, x, y, rx, ry);
      break;
    case "circle":
    case "point": {
      const r = Math.min(rx, ry);
      ellipse(c, x, y, r, r);
      break;
    }
    case "triangle":
      polygon(c, x, y + ry * 0.25, rx, ry, 3, up);
      break;
    case "invtriangle":
      polygon(c, x, y - ry * 0.25, rx, ry, 3, -up);
      break;
    case "diamond":
      polygon(c, x, y, rx, ry, 4, up);
      break;
    case "pentagon":
      polygon(c, x, y, rx, ry, 5, up);
      break;
    case "octagon":
      polygon(c, x, y, rx, ry, 8, Math.PI / 8);
      break;
    case "polygon": // Graphviz's default polygon has four sides: a box
      rect(c, x, y, rx, ry);
      break;
    default:
      ellipse(c, x, y, rx, ry);
  }
  return true;
}

/** A model colour (an X11 name as Graphviz knows it, or #rrggbb[aa]) as a CSS colour. */
export function cssColor(name: string | undefined, fallback = "antiquewhite"): string {
  const c = name?.trim().toLowerCase() ?? "";
  if (/^#[0-9a-f]{6}([0-9a-f]{2})?$/.test(c)) return c;
  if (c === "invisible" || c === "transparent" || c === "none") return "transparent";
  const rgb = X11_RGB.get(c);
  return rgb ? `rgb(${rgb.join(",")})` : fallback;
}
