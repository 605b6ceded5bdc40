// The force layout, host-agnostic: the worker runs it off the main thread, and the
// component runs it in time slices when no worker can be started. Positions live in
// one Float32Array [x0, y0, x1, y1, …] so they can be posted without copying objects.

import type { SimulationNodeDatum } from "d3-force";
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY } from "d3-force";

export interface LayoutInput {
  /** Node radii (px), one per node. */
  radius: Float32Array;
  /** Edges as node-index pairs [s0, t0, s1, t1, …]. */
  links: Uint32Array;
  /** Ticks of the first layout; fewer for big graphs (see `tickBudget`). */
  ticks?: number;
}

export interface Layout {
  /** Runs ticks for about `ms` milliseconds; returns true while the layout still moves. */
  step(ms: number): boolean;
  positions: Float32Array;
  ticks(): number;
  /** Holds node i at x, y (dragging, pinning) and reheats the layout. */
  fix(i: number, x: number, y: number): void;
  /** Lets node i move again; `cool` lets the layout settle (end of a drag). */
  release(i: number): void;
  cool(): void;
}

type Node = SimulationNodeDatum & { r: number };

/** Ticks for a first layout: d3's 300 up to ~330 nodes, then a constant number of
 * node-ticks (at least 50) — the seeded positions are close to the result, and in a big
 * graph the reader wants the shape soon more than the polish. */
export function tickBudget(nodes: number): number {
  return Math.round(Math.max(50, Math.min(300, 100_000 / Math.max(1, nodes))));
}

/** Starting positions: each component grows from its busiest node, neighbours on a
 * sunflower disc around the node that reached them first. Close to the final shape of
 * fan-out graphs, so the simulation needs far fewer ticks than from d3's default spiral. */
export function seed(n: number, links: Uint32Array, radius: Float32Array): Float32Array {
  const deg = new Uint32Array(n);
  for (const i of links) deg[i]++;
  const offset = new Uint32Array(n + 1);
  for (let i = 0; i < n; ++i) offset[i + 1] = offset[i] + deg[i];
  const adj = new Uint32Array(links.length);
  const fill = offset.slice(0, n);
  for (let k = 0; k < links.length; k += 2) {
    adj[fill[links[k]]++] = links[k + 1];
    adj[fill[links[k + 1]]++] = links[k];
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => deg[b] - deg[a] || a - b);
  const pos = new Float32Array(n * 2);
  const placed = new Uint8Array(n);
  const golden = Math.PI * (3 - Math.sqrt(5));
  const queue = new Uint32Array(n);
  let roots = 0;
  for (const root of order) {
    if (placed[root]) continue;
    // Components on a sunflower spiral of their own, the biggest in the middle.
    const d = 60 * Math.sqrt(roots + 0.5) * (roots ? 1.5 : 0);
    pos[root * 2] = d * Math.cos(roots * golden);
    pos[root * 2 + 1] = d * Math.sin(roots * golden);
    placed[root] = 1;
    roots++;
    let head = 0;
    let tail = 0;
    queue[tail++] = root;
    while (head < tail) {
      const p = queue[head++];
      const px = pos[p * 2];
      const py = pos[p * 2 + 1];
      const spacing = 2.5 * radius[p] + 14;
      let k = 0;
      for (let j = offset[p]; j < offset[p + 1]; ++j) {
        const c = adj[j];
        if (placed[c]) continue;
        placed[c] = 1;
        const r = spacing * Math.sqrt(k + 2);
        const a = (k + p) * golden;
        pos[c * 2] = px + r * Math.cos(a);
        pos[c * 2 + 1] = py + r * Math.sin(a);
        queue[tail++] = c;
        k++;
      }
    }
  }
  return pos;
}

export function createLayout({ radius, links, ticks }: LayoutInput): Layout {
  const n = radius.length;
  const start = seed(n, links, radius);
  const nodes: Node[] = Array.from({ length: n }, (_, i) => ({
    x: start[i * 2],
    y: start[i * 2 + 1],
    r: radius[i],
  }));
  const edges = Array.from({ length: links.length / 2 }, (_, k) => ({
    source: links[k * 2],
    target: links[k * 2 + 1],
  }));
  const total = ticks ?? tickBudget(n);
  const alpha = 0.6; // seeded: start cooler than from scratch
  const sim = forceSimulation(nodes)
    .alpha(alpha)
    .alphaDecay(1 - (0.001 / alpha) ** (1 / total))
    .force(
      "link",
      forceLink<Node, { source: number | Node; target: number | Node }>(edges).distance(
        (e) => 12 + (e.source as Node).r + (e.target as Node).r,
      ),
    )
    // Coarser Barnes–Hut approximations as the graph grows: repulsion is most of a tick.
    .force(
      "charge",
      forceManyBody<Node>()
        .strength(-40)
        .theta(n > 1000 ? 1.5 : n > 300 ? 1.2 : 0.9)
        .distanceMax(600),
    )
    // Weak centring keeps the many small components of a firewall log in view.
    .force("x", forceX<Node>(0).strength(0.02))
    .force("y", forceY<Node>(0).strength(0.02))
    .stop();
  // Overlap removal is what makes small graphs readable and what big ones cannot afford.
  if (n <= 1000) sim.force("collide", forceCollide<Node>((d) => d.r + 2).iterations(1));
  const positions = new Float32Array(n * 2);
  let count = 0;
  const copy = () => {
    for (let i = 0; i < n; ++i) {
      positions[i * 2] = nodes[i]?.x ?? 0;
      positions[i * 2 + 1] = nodes[i]?.y ?? 0;
    }
  };
  copy();
  return {
    positions,
    ticks: () => count,
    step(ms) {
      const end = performance.now() + ms;
      while (sim.alpha() >= sim.alphaMin() && performance.now() < end) {
        sim.tick();
        count++;
      }
      copy();
      return sim.alpha() >= sim.alphaMin();
    },
    fix(i, x, y) {
      nodes[i].fx = x;
      nodes[i].fy = y;
      if (sim.alpha() < 0.1) sim.alpha(0.1);
      sim.alphaTarget(0.1);
    },
    release(i) {
      nodes[i].fx = nodes[i].fy = null;
    },
    cool() {
      sim.alphaTarget(0);
    },
  };
}
