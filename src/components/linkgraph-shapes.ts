// AfterGlow's node shapes and colours, drawn through the CanvasPath subset that both a
// CanvasRenderingContext2D and d3-path's path() implement: one drawing code for the canvas
// and for SVG export.

import {color as parseColor, rgb} from "d3-color";

/** The drawing calls used by shapes (a canvas context or a d3-path `path()`). */
export interface PathContext {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  bezierCurveTo(x1: number, y1: number, x2: number, y2: number, x: number, y: number): void;
  closePath(): void;
}

export type Kind = "source" | "event" | "target";

/** AfterGlow's defaults: sources and targets are ellipses in DOT, events boxes; the book's
 * figures read as source ellipse, event box, target circle. */
export const defaultShape: Record<Kind, string> = {source: "ellipse", event: "box", target: "circle"};

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

function polygon(c: PathContext, x: number, y: number, rx: number, ry: number, sides: number, start: number) {
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
export function drawShape(c: PathContext, shape: string, x: number, y: number, rx: number, ry: number): boolean {
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

// X11 colour names Graphviz knows and CSS does not; numbered variants are handled below.
const x11: Record<string, string> = {
  lightgoldenrod: "#eedd82",
  navyblue: "#000080",
  violetred: "#d02090",
  lightslateblue: "#8470ff",
  x11gray: "#bebebe",
  x11green: "#00ff00",
};
// X11's name1..name4 are the base colour scaled by these factors.
const shade = [1, 1, 0.932, 0.804, 0.545];

/** A Graphviz/X11 colour name as a CSS colour, or `fallback` when it is not a colour. */
export function cssColor(name: string | undefined | null, fallback = "antiquewhite"): string {
  if (!name) return fallback;
  const n = name.trim().toLowerCase().replace(/\s+/g, "");
  const direct = parseColor(n) ?? (x11[n] ? parseColor(x11[n]) : null);
  if (direct) return direct.formatHex();
  const grey = /^gr[ae]y(\d{1,3})$/.exec(n);
  if (grey && +grey[1] <= 100) {
    const v = Math.round((+grey[1] / 100) * 255);
    return rgb(v, v, v).formatHex();
  }
  const numbered = /^([a-z]+)([1-4])$/.exec(n);
  const base = numbered && (parseColor(numbered[1]) ?? (x11[numbered[1]] ? parseColor(x11[numbered[1]]) : null));
  if (numbered && base) {
    const c = rgb(base);
    const f = shade[+numbered[2]];
    return rgb(c.r * f, c.g * f, c.b * f).formatHex();
  }
  return fallback;
}
