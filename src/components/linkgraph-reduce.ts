// From the graph model to what the link graph draws: index-based nodes and edges, folded
// and thresholded to an edge budget, with the reduction stated in words for the figure.

import type { GraphEdge, GraphNode, NodeKind } from "../lib/graph/model.js";

/** What the reduction reads of the model: no rows, edges as columns, so that posting it
 * to the worker is cheap for the main thread. */
export interface GraphSketch {
  nodes: readonly Pick<GraphNode, "kind" | "label" | "color" | "shape" | "size" | "count">[];
  edges: { source: Uint32Array; target: Uint32Array; weight: Float64Array };
}

export function sketch(graph: {
  nodes: GraphSketch["nodes"];
  edges: readonly Pick<GraphEdge, "source" | "target" | "weight">[];
}): GraphSketch {
  const m = graph.edges.length;
  const edges = {
    source: new Uint32Array(m),
    target: new Uint32Array(m),
    weight: new Float64Array(m),
  };
  graph.edges.forEach((e, i) => {
    edges.source[i] = e.source;
    edges.target[i] = e.target;
    edges.weight[i] = e.weight;
  });
  return {
    nodes: graph.nodes.map(({ kind, label, color, shape, size, count }) => ({
      kind,
      label,
      color,
      shape,
      size,
      count,
    })),
    edges,
  };
}

/** A node as drawn: a model node, or several single-neighbour nodes folded into one. */
export interface ViewNode {
  kind: NodeKind;
  label: string;
  color: string;
  shape: string;
  /** Inches, when the config sizes nodes. */
  size?: number;
  count: number;
  /** Indices of the model nodes behind it (one, or the folded group). */
  members: number[];
  /** How many model nodes were folded into this one (0: a model node). */
  folded: number;
}
export interface ViewEdge {
  source: number;
  target: number;
  count: number;
  /** Indices of the model edges behind it. */
  members: number[];
}
export interface Reduced {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** What was left out, for the figure ("" when nothing was). */
  note: string;
}

const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function concat(lists: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (const l of lists) for (const r of l) out.push(r);
  return out;
}

// The most frequent value, so a folded group keeps the colour most of its members had.
function mode<T>(values: T[]): T {
  const counts = new Map<T, number>();
  let best = values[0];
  let bestCount = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Reduces a graph to at most `maxEdges` edges: first folds the single-neighbour nodes of
 * one kind hanging off the same node into one "+N" node (largest groups first: a scan's
 * fan-out), then keeps the heaviest edges (ties: edges of busier nodes), then drops the
 * nodes left with no edge. Deterministic: equal input, equal output. */
export function reduceGraph(graph: GraphSketch, maxEdges = Infinity): Reduced {
  const nodes: ViewNode[] = graph.nodes.map((n, i) => ({
    kind: n.kind,
    label: n.label,
    color: n.color,
    shape: n.shape,
    size: n.size,
    count: n.count,
    members: [i],
    folded: 0,
  }));
  const { source, target, weight } = graph.edges;
  let edges: ViewEdge[] = Array.from(source, (s, i) => ({
    source: s,
    target: target[i] as number,
    count: weight[i] as number,
    members: [i],
  }));
  const total = edges.length;
  const totalNodes = nodes.length;
  if (total <= maxEdges) return { nodes, edges, note: "" };
  const notes: string[] = [];

  // Fold leaves: group single-neighbour nodes by (neighbour, kind, direction).
  const degree = new Uint32Array(nodes.length);
  for (const e of edges) {
    degree[e.source]++;
    degree[e.target]++;
  }
  const kinds = ["source", "event", "target"];
  const groups = new Map<number, number[]>(); // (hub, kind, direction) → edge indices
  edges.forEach((e, i) => {
    const out = degree[e.target] === 1;
    if (!out && degree[e.source] !== 1) return;
    const [leaf, hub] = out ? [e.target, e.source] : [e.source, e.target];
    if (degree[hub] === 1) return;
    const key = (hub * 3 + kinds.indexOf(nodes[leaf].kind)) * 2 + +out;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  const order = [...groups.values()]
    .filter((g) => g.length > 1)
    .sort((a, b) => b.length - a.length || a[0] - b[0]);
  let excess = total - maxEdges;
  let foldedNodes = 0;
  let foldedGroups = 0;
  const drop = new Uint8Array(edges.length);
  for (const g of order) {
    if (excess <= 0) break;
    const first = edges[g[0]];
    const leafIsTarget = degree[first.target] === 1;
    const hub = leafIsTarget ? first.source : first.target;
    const members = g.map((i) => nodes[leafIsTarget ? edges[i].target : edges[i].source]);
    const kind = members[0].kind;
    const folded: ViewNode = {
      kind,
      label: `+${fmt(members.length)} ${kind}s`,
      color: mode(members.map((m) => m.color)),
      shape: mode(members.map((m) => m.shape)),
      size: Math.max(...members.map((m) => m.size ?? 0)) || undefined,
      count: members.reduce((s, m) => s + m.count, 0),
      members: concat(members.map((m) => m.members)),
      folded: members.length,
    };
    nodes.push(folded);
    const f = nodes.length - 1;
    for (const i of g) drop[i] = 1;
    edges.push({
      source: leafIsTarget ? hub : f,
      target: leafIsTarget ? f : hub,
      count: g.reduce((s, i) => s + edges[i].count, 0),
      members: concat(g.map((i) => edges[i].members)),
    });
    excess -= g.length - 1;
    foldedNodes += members.length;
    foldedGroups++;
  }
  if (foldedGroups) {
    edges = edges.filter((_, i) => !drop[i]);
    notes.push(
      `${fmt(foldedNodes)} single-neighbour nodes folded into ${fmt(foldedGroups)} “+N” nodes`,
    );
  }

  // Threshold: the heaviest edges; among equal counts, those of the busiest nodes.
  if (edges.length > maxEdges) {
    const weight = (e: ViewEdge) => nodes[e.source].count + nodes[e.target].count;
    const ranked = edges
      .map((e, i) => ({ e, i, w: weight(e) }))
      .sort((a, b) => b.e.count - a.e.count || b.w - a.w || a.i - b.i);
    const cut = ranked[maxEdges - 1].e.count;
    const hiddenAtCut = ranked.slice(maxEdges).filter((r) => r.e.count === cut).length;
    edges = ranked
      .slice(0, maxEdges)
      .sort((a, b) => a.i - b.i)
      .map((r) => r.e);
    const below = ranked.length - maxEdges - hiddenAtCut;
    const parts: string[] = [];
    if (below) parts.push(`edges with count < ${fmt(cut)} hidden`);
    if (hiddenAtCut)
      parts.push(
        `${fmt(hiddenAtCut)} edges with count ${fmt(cut)} hidden (those of the least active nodes)`,
      );
    notes.push(parts.join(", "));
  }

  // Keep the nodes that still have an edge, renumbered.
  const keep = new Int32Array(nodes.length).fill(-1);
  const kept: ViewNode[] = [];
  for (const e of edges) {
    for (const i of [e.source, e.target]) if (keep[i] < 0) keep[i] = kept.push(nodes[i]) - 1;
  }
  edges = edges.map((e) => ({ ...e, source: keep[e.source], target: keep[e.target] }));
  const shownModel = kept.reduce((s, n) => s + (n.folded ? 0 : 1), 0);
  const head = `showing ${fmt(edges.length)} of ${fmt(total)} edges and ${fmt(shownModel)} of ${fmt(totalNodes)} nodes`;
  return { nodes: kept, edges, note: [head, ...notes].join("; ") };
}

/** Compressed adjacency: for node i, neighbours and edges are
 * `node[offset[i] .. offset[i + 1]]` and `edge[…]`. */
export interface Adjacency {
  offset: Uint32Array;
  node: Uint32Array;
  edge: Uint32Array;
}

export function adjacency(
  n: number,
  edges: readonly { source: number; target: number }[],
): Adjacency {
  const offset = new Uint32Array(n + 1);
  for (const e of edges) {
    offset[e.source + 1]++;
    offset[e.target + 1]++;
  }
  for (let i = 0; i < n; ++i) offset[i + 1] += offset[i];
  const fill = offset.slice(0, n);
  const node = new Uint32Array(edges.length * 2);
  const edge = new Uint32Array(edges.length * 2);
  edges.forEach((e, i) => {
    node[fill[e.source]] = e.target;
    edge[fill[e.source]++] = i;
    node[fill[e.target]] = e.source;
    edge[fill[e.target]++] = i;
  });
  return { offset, node, edge };
}

/** A node, its neighbours and the edges between the node and them. */
export function neighbourhood(
  adj: Adjacency,
  i: number,
): { nodes: Set<number>; edges: Set<number> } {
  const nodes = new Set([i]);
  const edges = new Set<number>();
  for (let k = adj.offset[i] as number; k < (adj.offset[i + 1] as number); ++k) {
    nodes.add(adj.node[k] as number);
    edges.add(adj.edge[k] as number);
  }
  return { nodes, edges };
}
