// Layout and painting behind one message interface, so the same code runs in the worker
// (the page's canvas transferred to it: neither ticks nor rasterising touch the main thread)
// and, where no worker can start, on the main thread in short slices.

import {
  type Context2D,
  fitTransform,
  painter,
  type Scene,
  type Transform,
  type View,
} from "./linkgraph-draw.js";
import { createLayout, type Layout } from "./linkgraph-layout.js";
import { type GraphSketch, type Reduced, reduceGraph } from "./linkgraph-reduce.js";

export type ToEngine =
  | { type: "reduce"; graph: GraphSketch; maxEdges: number }
  | {
      type: "start";
      scene: Scene;
      radius: Float32Array;
      canvas: OffscreenCanvas | HTMLCanvasElement;
      width: number;
      height: number;
      ratio: number;
    }
  | { type: "view"; t: Transform }
  | { type: "hover"; nodes?: number[]; edges?: number[] }
  | { type: "fix"; i: number; x: number; y: number }
  | { type: "release"; i: number }
  | { type: "cool" };

export type FromEngine =
  | { type: "reduced"; reduced: Reduced }
  | {
      type: "positions";
      positions: Float32Array;
      running: boolean;
      ticks: number;
      t: Transform;
    };

// Redraws on the display's beat where the host has one (windows, Chrome's workers).
const nextFrame: (f: () => void) => unknown =
  typeof requestAnimationFrame === "function"
    ? (f) => requestAnimationFrame(f)
    : (f) => setTimeout(f, 16);

export function engine(post: (m: FromEngine) => void, slice = 30): (m: ToEngine) => void {
  let layout: Layout | undefined;
  let paint: ReturnType<typeof painter> | undefined;
  let scene: Scene;
  let context: Context2D;
  let size = { width: 0, height: 0, ratio: 1 };
  const view: View = { pos: new Float32Array(0), t: { x: 0, y: 0, k: 1 }, pinned: new Set() };
  let fit = true; // until the reader zooms, the view follows the layout
  let settled = false;
  let drawn = 0;
  let scheduled = false; // a run() is queued
  let frame: unknown;

  function draw() {
    frame = undefined;
    if (!paint) return;
    if (fit) view.t = fitTransform(scene, view.pos, size.width, size.height);
    paint(context, view, size.width, size.height, size.ratio);
    drawn = performance.now();
  }
  function run() {
    scheduled = false;
    if (!layout) return;
    const running = layout.step(slice);
    view.pos = layout.positions;
    // The first layout shows a frame every 250 ms: more would take the time it needs.
    if (settled || !running || performance.now() - drawn > 250) draw();
    if (!running) settled = true;
    post({
      type: "positions",
      positions: view.pos.slice(),
      running,
      ticks: layout.ticks(),
      t: view.t,
    });
    if (running) schedule();
  }
  const redraw = () => (frame ??= nextFrame(draw));
  function schedule() {
    if (!scheduled) setTimeout(run, 0);
    scheduled = true;
  }

  return (m) => {
    if (m.type === "reduce") {
      // Folding and thresholding a big graph is a long task too: it runs here as well.
      return post({ type: "reduced", reduced: reduceGraph(m.graph, m.maxEdges) });
    }
    if (m.type === "start") {
      scene = m.scene;
      size = m;
      context = m.canvas.getContext("2d") as Context2D;
      paint = painter(scene);
      layout = createLayout({ radius: m.radius, links: scene.links });
    } else if (!layout) {
      return;
    } else if (m.type === "view") {
      fit = false;
      view.t = m.t;
      return void redraw();
    } else if (m.type === "hover") {
      view.hover = m.nodes && { nodes: new Set(m.nodes), edges: new Set(m.edges) };
      return void redraw();
    } else if (m.type === "fix") {
      layout.fix(m.i, m.x, m.y);
      view.pinned.add(m.i);
    } else if (m.type === "release") {
      layout.release(m.i);
      view.pinned.delete(m.i);
    } else {
      layout.cool();
    }
    schedule();
  };
}
