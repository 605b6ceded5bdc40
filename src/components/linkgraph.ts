// Interactive AfterGlow link graph (figures 14-8, 14-12, 14-14): the graph model drawn on a
// canvas in AfterGlow's look, laid out by d3-force and painted in a Web Worker, with hover, drag, pin,
// zoom, the log rows behind any node or edge, and SVG/PNG export of the current view.

import { drag } from "d3-drag";
import { path } from "d3-path";
import { type Quadtree, quadtree } from "d3-quadtree";
import { select } from "d3-selection";
import { zoom, zoomIdentity } from "d3-zoom";
import type { Graph, GraphAttrs, GraphEdge, GraphNode } from "../lib/graph/model.js";
import {
  BUCKETS,
  edgeBuckets,
  edgeWidth,
  labelled,
  painter,
  type Scene,
  type Transform,
  type View,
} from "./linkgraph-draw.js";
import type { FromEngine, ToEngine } from "./linkgraph-engine.js";
import {
  adjacency,
  neighbourhood,
  type Reduced,
  sketch,
  type ViewNode,
} from "./linkgraph-reduce.js";
import {
  cssColor,
  drawShape,
  nodeShape,
  type PathContext,
  shapeExtent,
} from "./linkgraph-shapes.js";

export interface LinkGraphSelection {
  node?: ViewNode;
  edge?: { source: ViewNode; target: ViewNode; count: number };
  /** The model nodes (several for a folded "+N" node) or model edges behind it. */
  models: (GraphNode | GraphEdge)[];
  /** Every row index behind the node or edge. */
  indices: readonly number[];
  /** The rows themselves (from `rows` or `rowsFor`), at most `rowLimit` of them. */
  rows: unknown[];
}

export interface LinkGraphOptions {
  width?: number;
  height?: number;
  /** Edge budget: beyond it leaves are folded and light edges hidden (stated on the figure). */
  maxEdges?: number;
  /** AfterGlow's xlabels=1 (beside), xlabels=0 (inside, the book's look), -n; default: the graph's. */
  labels?: "beside" | "inside" | "none";
  /** The rows the graph was built from, indexed by the model's row indices… */
  rows?: readonly unknown[];
  /** …or a lookup from row indices to rows (e.g. a DuckDB query). */
  rowsFor?: (indices: readonly number[]) => unknown[] | Promise<unknown[]>;
  rowLimit?: number;
  onSelect?: (selection: LinkGraphSelection | null) => void;
  /** Framework's `invalidation`: stops the layout worker when the cell reruns. */
  invalidation?: Promise<unknown>;
}

export interface LinkGraphElement extends HTMLElement {
  value: LinkGraphSelection | null;
  /** Resolves once the first layout has settled and been drawn. */
  settled: Promise<{ ticks: number; ms: number }>;
  toSVG(): string;
  toPNG(): Promise<Blob>;
}

const FONT = "10px sans-serif"; // AfterGlow's fontsize=10
// Thousands separators without loading the ICU locale data (a long first call).
const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

const xml = (s: string) =>
  s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string,
  );

function download(blob: Blob, name: string) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Starts the engine in a module worker that paints on the transferred canvas; where no
 * worker starts (file://, strict CSP) or the canvas cannot be transferred, runs it on the
 * main thread in 12 ms slices on a fresh canvas (`replace`), so the page never freezes. */
function engineHost(
  canvas: HTMLCanvasElement,
  replace: () => HTMLCanvasElement,
  onMessage: (m: FromEngine) => void,
): { post(m: ToEngine): void; stop(): void } {
  let worker: Worker | undefined;
  let local: ((m: ToEngine) => void) | undefined;
  const sent: ToEngine[] = []; // what a worker that never answered was given, to redo
  const queue: ToEngine[] = []; // what came while the fallback was loading
  let heard = false;
  async function mainThread() {
    worker?.terminate();
    worker = undefined;
    const { engine } = await import("./linkgraph-engine.js");
    local = engine(onMessage, 12);
    for (const m of sent) local(m.type === "start" ? { ...m, canvas: replace() } : m);
    for (const m of queue.splice(0)) local(m);
  }
  try {
    worker = new Worker(import.meta.resolve("./linkgraph-layout.worker.js"), { type: "module" });
    worker.onmessage = ({ data }) => {
      heard = true;
      onMessage(data);
    };
    worker.onerror = () => heard || mainThread();
  } catch {
    mainThread();
  }
  return {
    post(m) {
      if (local) return local(m);
      if (!worker) return void queue.push(m);
      if (!heard) sent.push(m);
      if (m.type !== "start") return worker.postMessage(m);
      try {
        const off = canvas.transferControlToOffscreen();
        worker.postMessage({ ...m, canvas: off }, [off]);
      } catch {
        mainThread();
      }
    },
    stop() {
      worker?.terminate();
      local = () => {};
    },
  };
}

/** The graph model (src/lib/graph); `attrs` supplies AfterGlow's xlabels and label colour. */
export type LinkGraphInput = Pick<Graph, "nodes" | "edges"> & {
  attrs?: Pick<GraphAttrs, "xlabels" | "labelColor">;
};

export function linkGraph(graph: LinkGraphInput, options: LinkGraphOptions = {}): LinkGraphElement {
  const {
    width = 640,
    height = 480,
    maxEdges = 5000,
    labels = graph.attrs?.xlabels === false ? "inside" : "beside",
    rows,
    rowsFor,
    rowLimit = 500,
  } = options;
  const t0 = performance.now();
  // DOM.
  const root = document.createElement("figure") as unknown as LinkGraphElement;
  root.className = "fwglow-linkgraph";
  root.style.cssText = `margin:0;max-width:${width}px;font:12px var(--sans-serif, sans-serif)`;
  const bar = root.appendChild(document.createElement("div"));
  bar.style.cssText = "display:flex;gap:.5em;align-items:baseline;flex-wrap:wrap";
  const caption = bar.appendChild(document.createElement("span"));
  caption.style.cssText = "flex:1;color:var(--theme-foreground-muted, #666)";
  caption.textContent = "laying out…";
  const stage = root.appendChild(document.createElement("div"));
  stage.style.cssText = `position:relative;width:${width}px;height:${height}px;touch-action:none;cursor:grab`;
  const dpr = window.devicePixelRatio || 1;
  const makeCanvas = () => {
    const c = document.createElement("canvas");
    c.width = width * dpr;
    c.height = height * dpr;
    c.style.cssText = `width:${width}px;height:${height}px;display:block`;
    c.setAttribute("role", "img");
    return c;
  };
  let canvas = stage.appendChild(makeCanvas());
  const tip = stage.appendChild(document.createElement("div"));
  tip.style.cssText =
    "position:absolute;pointer-events:none;display:none;background:rgba(255,255,255,.95);border:1px solid #ccc;padding:2px 6px;white-space:pre;font-size:11px";
  const hint = root.appendChild(document.createElement("div"));
  hint.style.cssText = "color:var(--theme-foreground-faint, #999);font-size:11px";
  hint.textContent =
    "hover: neighbours · click: log rows · drag: move and pin · double-click: pin/unpin · wheel/drag background: zoom/pan";
  const panel = root.appendChild(document.createElement("div"));
  panel.style.cssText = "max-height:240px;overflow:auto;font-size:11px";

  // The engine: reduction, layout and painting, in the worker.
  let settle: (s: { ticks: number; ms: number }) => void = () => {};
  root.settled = new Promise((resolve) => (settle = resolve));
  let onPositions: (m: Extract<FromEngine, { type: "positions" }>) => void = () => {};
  const host = engineHost(
    canvas,
    () => {
      const fresh = makeCanvas();
      canvas.replaceWith(fresh);
      canvas = fresh;
      return fresh;
    },
    (m) => (m.type === "reduced" ? init(m.reduced) : onPositions(m)),
  );
  options.invalidation?.then(() => host.stop());
  root.toSVG = () => "";
  root.toPNG = () => root.settled.then(() => root.toPNG());

  // Everything that depends on the reduced graph.
  function init({ nodes, edges, note }: Reduced) {
    const rowsOf = (list: readonly { rows: readonly number[] }[], members: readonly number[]) =>
      members.length === 1
        ? (list[members[0] as number]?.rows ?? [])
        : members.flatMap((i) => list[i]?.rows ?? []);
    const n = nodes.length;
    caption.textContent = note || `${fmt(edges.length)} edges, ${fmt(n)} nodes`;
    canvas.setAttribute("aria-label", `link graph: ${caption.textContent}`);
    const adj = adjacency(n, edges);

    // What the painter needs, computed once.
    const measure = new OffscreenCanvas(1, 1).getContext("2d") as OffscreenCanvasRenderingContext2D;
    measure.font = FONT;
    const ex = new Float32Array(n);
    const ey = new Float32Array(n);
    const radius = new Float32Array(n);
    const shape = nodes.map((d) => nodeShape(d.kind, d.shape));
    nodes.forEach((d, i) => {
      // AfterGlow sizes are in inches (0.2 by default): 72 px an inch, halved for a radius.
      const r = Math.max(2, Math.min(40, (d.size ?? 0.2) * 36));
      let [w, h] = shapeExtent(shape[i], r);
      if (labels === "inside") {
        w = Math.max(w, measure.measureText(d.label).width / 2 + 4);
        h = Math.max(h, 7);
      }
      ex[i] = w;
      ey[i] = h;
      radius[i] = Math.max(w, h);
    });
    const rank = new Uint32Array(n);
    Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => nodes[b].count - nodes[a].count || a - b)
      .forEach((i, k) => {
        rank[i] = k;
      });
    const links = new Uint32Array(edges.length * 2);
    edges.forEach((e, i) => {
      links[i * 2] = e.source;
      links[i * 2 + 1] = e.target;
    });
    const scene: Scene = {
      shape,
      fill: nodes.map((d) => cssColor(d.color)),
      label: nodes.map((d) => d.label),
      ex,
      ey,
      rank,
      labels,
      labelColor: cssColor(graph.attrs?.labelColor, "black"),
      links,
      bucket: edgeBuckets(edges.map((e) => e.count)),
    };

    // State, mirrored from the engine for hit testing and export.
    let pos: Float32Array = new Float32Array(n * 2);
    let transform: Transform = { x: 0, y: 0, k: 1 };
    let touched = false; // the reader has zoomed or dragged: the view stops following the layout
    let tree: Quadtree<number> | undefined;
    let hovered = -1; // node i, or edge j as -2 - j
    let hover: View["hover"];
    const pinned = new Set<number>();

    // Hit testing, in graph coordinates.
    const invert = (px: number, py: number) => [
      (px - transform.x) / transform.k,
      (py - transform.y) / transform.k,
    ];
    function nodeAt(px: number, py: number): number | undefined {
      tree ??= quadtree<number>()
        .x((i) => pos[i * 2])
        .y((i) => pos[i * 2 + 1])
        .addAll(Array.from({ length: n }, (_, i) => i));
      const [x, y] = invert(px, py);
      const slack = 3 / transform.k;
      const i = tree.find(x, y, 42 + slack);
      if (i === undefined) return undefined;
      return Math.abs(pos[i * 2] - x) <= ex[i] + slack &&
        Math.abs(pos[i * 2 + 1] - y) <= ey[i] + slack
        ? i
        : undefined;
    }
    function edgeAt(px: number, py: number): number | undefined {
      const [x, y] = invert(px, py);
      let best: number | undefined;
      let bestD = 4 / transform.k;
      edges.forEach((e, i) => {
        const ax = pos[e.source * 2];
        const ay = pos[e.source * 2 + 1];
        const bx = pos[e.target * 2] - ax;
        const by = pos[e.target * 2 + 1] - ay;
        const l = bx * bx + by * by;
        const u = l ? Math.max(0, Math.min(1, ((x - ax) * bx + (y - ay) * by) / l)) : 0;
        const d = Math.hypot(ax + u * bx - x, ay + u * by - y);
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      });
      return best;
    }

    const sel = select(stage);
    const zoomer = zoom<HTMLDivElement, unknown>()
      .scaleExtent([0.02, 40])
      .on("zoom", (event) => {
        if (!event.sourceEvent) return; // the engine's fitted view, mirrored below
        touched = true;
        const { x, y, k } = event.transform;
        transform = { x, y, k };
        host.post({ type: "view", t: transform });
      });
    onPositions = (m) => {
      pos = m.positions;
      tree = undefined;
      if (!touched) {
        transform = m.t;
        zoomer.transform(sel, zoomIdentity.translate(m.t.x, m.t.y).scale(m.t.k));
      }
      if (!m.running) settle({ ticks: m.ticks, ms: performance.now() - t0 });
    };
    host.post({ type: "start", scene, radius, canvas, width, height, ratio: dpr });

    // Selection: the rows behind a node or an edge.
    async function choose(sel: { node?: number; edge?: number } | null) {
      if (!sel) {
        root.value = null;
        panel.replaceChildren();
      } else {
        const e = sel.edge === undefined ? undefined : edges[sel.edge];
        const node = sel.node === undefined ? undefined : nodes[sel.node];
        const indices = node
          ? rowsOf(graph.nodes, node.members)
          : e
            ? rowsOf(graph.edges, e.members)
            : [];
        const first = indices.slice(0, rowLimit);
        const found = await Promise.resolve(
          rowsFor ? rowsFor(first) : rows ? first.map((r) => rows[r]) : [],
        ).catch((error: unknown) => [{ error: String(error) }]);
        root.value = {
          node,
          edge: e && { source: nodes[e.source], target: nodes[e.target], count: e.count },
          models: node
            ? node.members.map((i) => graph.nodes[i] as GraphNode)
            : (e?.members ?? []).map((i) => graph.edges[i] as GraphEdge),
          indices,
          rows: found,
        };
        const what = e
          ? `edge ${nodes[e.source]?.label} → ${nodes[e.target]?.label}`
          : `${node?.kind} ${node?.label}`;
        showRows(
          `${what}: ${fmt(indices.length)} rows${indices.length > first.length ? ` (first ${fmt(first.length)})` : ""}`,
          found,
          first,
        );
      }
      options.onSelect?.(root.value);
      root.dispatchEvent(new Event("input", { bubbles: true }));
    }
    function showRows(title: string, found: unknown[], indices: readonly number[]) {
      const head = document.createElement("div");
      head.style.fontWeight = "bold";
      head.textContent = title;
      const table = document.createElement("table");
      const objects = found.length && typeof found[0] === "object" && found[0] !== null;
      const keys = objects
        ? Object.keys(found[0] as object).slice(0, 16)
        : [found.length ? "row" : "row index"];
      const tr = table.createTHead().insertRow();
      for (const k of keys) tr.insertCell().textContent = k;
      const body = table.createTBody();
      (found.length ? found : indices).forEach((r) => {
        const row = body.insertRow();
        for (const k of keys) {
          const v = objects ? (r as Record<string, unknown>)[k] : r;
          row.insertCell().textContent = v == null ? "" : String(v);
        }
      });
      panel.replaceChildren(head, table);
    }

    // Interaction.
    function showTip(px: number, py: number, text: string) {
      tip.textContent = text;
      tip.style.display = "block";
      tip.style.left = `${Math.min(px + 12, width - 160)}px`;
      tip.style.top = `${py + 12}px`;
    }
    function highlight(h: number, px = 0, py = 0) {
      if (h === hovered) return;
      hovered = h;
      if (h >= 0) {
        const d = nodes[h];
        hover = neighbourhood(adj, h);
        const deg = adj.offset[h + 1] - adj.offset[h];
        const folded = d.folded ? `\n${fmt(d.folded)} nodes folded` : "";
        showTip(
          px,
          py,
          `${d.label.trim()}\n${d.kind} · ${fmt(d.count)} rows · ${fmt(deg)} neighbours${folded}`,
        );
      } else if (h < -1) {
        const e = edges[-2 - h];
        hover = { nodes: new Set([e.source, e.target]), edges: new Set([-2 - h]) };
        showTip(
          px,
          py,
          `${nodes[e.source].label.trim()} → ${nodes[e.target].label.trim()}\n${fmt(e.count)} rows`,
        );
      } else {
        hover = undefined;
        tip.style.display = "none";
      }
      stage.style.cursor = h >= 0 ? "pointer" : "grab";
      host.post(
        hover
          ? { type: "hover", nodes: [...hover.nodes], edges: [...hover.edges] }
          : { type: "hover" },
      );
    }
    stage.addEventListener("pointermove", (event) => {
      if (event.buttons) return;
      const i = nodeAt(event.offsetX, event.offsetY);
      const j = i === undefined ? edgeAt(event.offsetX, event.offsetY) : undefined;
      highlight(i ?? (j === undefined ? -1 : -2 - j), event.offsetX, event.offsetY);
    });
    stage.addEventListener("pointerleave", () => highlight(-1));
    stage.addEventListener("click", (event) => {
      const i = nodeAt(event.offsetX, event.offsetY);
      const j = i === undefined ? edgeAt(event.offsetX, event.offsetY) : undefined;
      choose(i !== undefined ? { node: i } : j !== undefined ? { edge: j } : null);
    });
    stage.addEventListener("dblclick", (event) => {
      const i = nodeAt(event.offsetX, event.offsetY);
      if (i === undefined) return;
      if (pinned.delete(i)) host.post({ type: "release", i });
      else {
        pinned.add(i);
        host.post({ type: "fix", i, x: pos[i * 2] as number, y: pos[i * 2 + 1] as number });
      }
      host.post({ type: "cool" });
    });
    // Drag first: it stops the event when a node is under the pointer, so zoom only pans the background.
    sel.call(
      drag<HTMLDivElement, unknown, number>()
        .container(stage) // d3-drag measures from the parent by default
        .subject((event) => nodeAt(event.x, event.y) as number) // undefined: no drag, zoom pans
        .on("start", () => (touched = true))
        .on("drag", (event) => {
          const i = event.subject;
          const [x, y] = invert(event.x, event.y);
          pos[i * 2] = x;
          pos[i * 2 + 1] = y;
          pinned.add(i);
          host.post({ type: "fix", i, x, y });
        })
        .on("end", () => host.post({ type: "cool" })),
    );
    sel.call(zoomer).on("dblclick.zoom", null);

    // Export of the current view.
    root.toSVG = () => {
      const t = transform;
      const view: View = { pos, t, pinned };
      const out: string[] = [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
        `<rect width="100%" height="100%" fill="white"/>`,
        `<g transform="translate(${t.x},${t.y}) scale(${t.k})">`,
      ];
      for (let b = 0; b < BUCKETS; ++b) {
        const p = path();
        edges.forEach((e, i) => {
          if (scene.bucket[i] !== b) return;
          p.moveTo(pos[e.source * 2], pos[e.source * 2 + 1]);
          p.lineTo(pos[e.target * 2], pos[e.target * 2 + 1]);
        });
        const d = `${p}`;
        if (d)
          out.push(
            `<path d="${d}" stroke="#777" stroke-opacity="0.6" stroke-width="${edgeWidth(b) / Math.sqrt(t.k)}" fill="none"/>`,
          );
      }
      for (let i = 0; i < n; ++i) {
        const p = path();
        if (
          !drawShape(
            p as unknown as PathContext,
            shape[i],
            pos[i * 2],
            pos[i * 2 + 1],
            ex[i],
            ey[i],
          )
        )
          continue;
        const stroke = pinned.has(i) ? ` stroke="black" stroke-width="${1.5 / t.k}"` : "";
        out.push(
          `<path d="${p}" fill="${scene.fill[i]}"${stroke}><title>${xml(nodes[i].label)}</title></path>`,
        );
      }
      out.push("</g>");
      // Labels in screen units, as on the canvas.
      const inside = labels === "inside";
      if (labels !== "none" && (!inside || t.k >= 0.5)) {
        const size = inside ? 10 * t.k : 10;
        for (let i = 0; i < n; ++i) {
          if (!labelled(scene, view, i)) continue;
          const x = t.x + t.k * pos[i * 2] + (inside ? 0 : ex[i] * t.k + 2);
          const y = t.y + t.k * pos[i * 2 + 1];
          const anchor = inside ? ` text-anchor="middle"` : "";
          out.push(
            `<text x="${x}" y="${y}" dy="0.32em" font-size="${size}" fill="${scene.labelColor}"${anchor}>${xml(nodes[i].label)}</text>`,
          );
        }
      }
      if (note) out.push(`<text x="4" y="12" fill="#666">${xml(note)}</text>`);
      out.push("</svg>");
      return out.join("\n");
    };
    root.toPNG = () => {
      const c = new OffscreenCanvas(width * dpr, height * dpr);
      const g = c.getContext("2d") as OffscreenCanvasRenderingContext2D;
      painter(scene)(g, { pos, t: transform, pinned }, width, height, dpr);
      if (note) {
        g.setTransform(dpr, 0, 0, dpr, 0, 0);
        g.font = FONT;
        g.fillStyle = "#666";
        g.fillText(note, 4, 12);
      }
      return c.convertToBlob({ type: "image/png" });
    };
    for (const [label, save] of [
      ["SVG", () => download(new Blob([root.toSVG()], { type: "image/svg+xml" }), "linkgraph.svg")],
      ["PNG", () => root.toPNG().then((b) => download(b, "linkgraph.png"))],
    ] as const) {
      const b = bar.appendChild(document.createElement("button"));
      b.textContent = label;
      b.title = `Save the current view as ${label}`;
      b.onclick = save;
    }
  }

  host.post({ type: "reduce", graph: sketch(graph), maxEdges });
  root.value = null;
  return root;
}
