// Pure helpers of the link-graph renderer: reduction to an edge budget, neighbourhoods,
// shapes and colours, layout seeding. The component itself is tested in Chromium.
import assert from "node:assert/strict";
import { test } from "node:test";
import { path } from "d3-path";
import { edgeBuckets, fitTransform, type Scene } from "../src/components/linkgraph-draw.js";
import { createLayout, seed, tickBudget } from "../src/components/linkgraph-layout.js";
import {
  adjacency,
  neighbourhood,
  reduceGraph,
  sketch,
} from "../src/components/linkgraph-reduce.js";
import {
  cssColor,
  drawShape,
  nodeShape,
  type PathContext,
  shapeExtent,
} from "../src/components/linkgraph-shapes.js";
import { buildGraph } from "../src/lib/graph/model.js";

// One scanner sweeping 40 hosts on port 22, one host answering on many ports, and a
// few heavy edges: psad-style rows "src, dst, dp".
function scanRows(): string[][] {
  const rows: string[][] = [];
  for (let h = 1; h <= 40; ++h) rows.push(["10.0.0.1", ` 11.11.79.${h}`, " 22"]);
  for (let p = 1000; p < 1030; ++p) rows.push(["10.0.0.2", " 11.11.79.200", ` ${p}`]);
  for (let k = 0; k < 5; ++k) rows.push(["10.0.0.3", " 11.11.79.1", " 6667"]);
  return rows;
}

test("reduceGraph leaves a graph within budget untouched", () => {
  const g = buildGraph(scanRows());
  const r = reduceGraph(sketch(g));
  assert.equal(r.note, "");
  assert.equal(r.nodes.length, g.nodes.length);
  assert.deepEqual(
    r.edges.map((e) => [e.source, e.target, e.count]),
    g.edges.map((e) => [e.source, e.target, e.weight]),
  );
  assert.deepEqual(r.nodes[0]?.members, [0]);
});

test("reduceGraph folds a fan-out of leaves into one +N node, rows kept", () => {
  const g = buildGraph(scanRows());
  const r = reduceGraph(sketch(g), 90);
  assert.equal(r.edges.length, 113 - 29);
  const fold = r.nodes.find((n) => n.folded > 0);
  assert.ok(fold, "a folded node");
  assert.equal(fold.kind, "target");
  assert.equal(fold.folded, 30);
  assert.equal(fold.label, "+30 targets");
  assert.equal(fold.members.length, 30);
  assert.deepEqual(
    fold.members.map((i) => g.nodes[i]?.kind),
    Array(30).fill("target"),
  );
  const hub = r.nodes.findIndex((n) => n.label === " 11.11.79.200");
  const edge = r.edges.find((e) => e.source === hub && r.nodes[e.target] === fold);
  assert.ok(edge);
  assert.equal(edge.count, 30);
  assert.equal(edge.members.length, 30);
  assert.match(
    r.note,
    /^showing \d+ of 113 edges and 46 of 76 nodes; 30 single-neighbour nodes folded into 1 “\+N” nodes$/,
  );
});

test("reduceGraph then keeps the heaviest edges and says what it hid", () => {
  const rows = [
    ...scanRows(),
    ...Array.from({ length: 3 }, () => ["10.0.0.1", " 11.11.79.7", " 22"]),
  ];
  const g = buildGraph(rows);
  const r = reduceGraph(sketch(g), 3);
  assert.equal(r.edges.length, 3);
  // 10.0.0.2 → 11.11.79.200 and its 30 ports folded (30 rows each), then a 5-row edge
  const counts = r.edges.map((e) => e.count).sort((a, b) => b - a);
  assert.deepEqual(counts, [30, 30, 5]);
  assert.match(r.note, /edges with count < 5 hidden, 1 edges with count 5 hidden/);
  // nodes without a surviving edge are dropped, indices stay valid
  for (const e of r.edges) assert.ok(r.nodes[e.source] && r.nodes[e.target]);
  const used = new Set(r.edges.flatMap((e) => [e.source, e.target]));
  assert.equal(used.size, r.nodes.length);
});

test("reduceGraph is deterministic and needs no rows (the worker gets a sketch)", () => {
  const g = buildGraph(scanRows());
  assert.deepEqual(reduceGraph(sketch(g), 20), reduceGraph(sketch(g), 20));
  assert.equal(JSON.stringify(sketch(g)).includes("rows"), false);
});

test("neighbourhood: the node, its neighbours, the edges between", () => {
  const edges = [
    { source: 0, target: 1 },
    { source: 1, target: 2 },
    { source: 3, target: 1 },
    { source: 2, target: 3 },
  ];
  const adj = adjacency(4, edges);
  const h = neighbourhood(adj, 1);
  assert.deepEqual([...h.nodes].sort(), [0, 1, 2, 3]);
  assert.deepEqual([...h.edges].sort(), [0, 1, 2]);
  assert.deepEqual([...neighbourhood(adj, 0).nodes].sort(), [0, 1]);
});

test("shapes: AfterGlow's look and every config shape draws a closed outline", () => {
  assert.equal(nodeShape("source", "ellipse"), "ellipse");
  assert.equal(nodeShape("event", "box"), "box");
  assert.equal(nodeShape("target", "ellipse"), "circle");
  assert.equal(nodeShape("target", "diamond"), "diamond");
  const [rx, ry] = shapeExtent("ellipse", 6);
  assert.ok(rx > ry);
  for (const s of [
    "box",
    "polygon",
    "circle",
    "ellipse",
    "invtriangle",
    "octagon",
    "pentagon",
    "diamond",
    "point",
    "triangle",
    "Mrecord",
    "unknown",
  ]) {
    const p = path();
    assert.equal(drawShape(p as unknown as PathContext, s, 10, 20, 6, 4), true, s);
    const d = String(p);
    assert.match(d, /^M[-\d.]+,[-\d.]+.*Z$/, s);
    // stays within its extent
    for (const [, x, y] of d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)) {
      assert.ok(Math.abs(+x - 10) <= 6.001 && Math.abs(+y - 20) <= 6.001, `${s} ${x},${y}`);
    }
  }
  assert.equal(drawShape(path() as unknown as PathContext, "plaintext", 0, 0, 5, 5), false);
});

test("cssColor: X11 names as Graphviz knows them, hex kept, junk falls back", () => {
  assert.equal(cssColor("lightblue"), "rgb(173,216,230)");
  assert.equal(cssColor("orangered4"), "rgb(139,37,0)");
  assert.equal(cssColor("gray50"), "rgb(127,127,127)");
  assert.equal(cssColor("#FF000080"), "#ff000080");
  assert.equal(cssColor("invisible"), "transparent");
  assert.equal(cssColor("url(javascript:x)"), "antiquewhite");
  assert.equal(cssColor(undefined, "black"), "black");
});

test("edgeBuckets: widths grow with the count, one class when all are equal", () => {
  assert.deepEqual([...edgeBuckets([1, 1, 1])], [0, 0, 0]);
  const b = edgeBuckets([1, 2, 50, 101]);
  assert.equal(b[0], 0);
  assert.equal(b[3], 5);
  assert.ok((b[1] as number) <= (b[2] as number));
});

test("layout: seeded, deterministic, converges within its tick budget", () => {
  const g = reduceGraph(sketch(buildGraph(scanRows())));
  const links = new Uint32Array(g.edges.flatMap((e) => [e.source, e.target]));
  const radius = new Float32Array(g.nodes.length).fill(6);
  const start = seed(g.nodes.length, links, radius);
  assert.ok(start.every(Number.isFinite));
  const run = () => {
    const l = createLayout({ radius, links });
    while (l.step(1000));
    return l;
  };
  const a = run();
  assert.equal(a.ticks(), tickBudget(g.nodes.length) + 1);
  assert.deepEqual(a.positions, run().positions);
  // linked nodes end up closer than the average pair
  const dist = (i: number, j: number) =>
    Math.hypot(
      (a.positions[i * 2] as number) - (a.positions[j * 2] as number),
      (a.positions[i * 2 + 1] as number) - (a.positions[j * 2 + 1] as number),
    );
  const linked = g.edges.reduce((s, e) => s + dist(e.source, e.target), 0) / g.edges.length;
  let all = 0;
  for (let i = 0; i < 50; ++i) all += dist(i, (i * 7 + 3) % g.nodes.length);
  assert.ok(linked < all / 50, `${linked} < ${all / 50}`);
  assert.equal(tickBudget(100), 300);
  assert.equal(tickBudget(10_000), 50);
});

test("fitTransform puts every node inside the view", () => {
  const scene = { ex: new Float32Array([5, 5]), ey: new Float32Array([5, 5]) } as Scene;
  const pos = new Float32Array([-100, 0, 300, 50]);
  const t = fitTransform(scene, pos, 400, 300);
  for (const i of [0, 1]) {
    const x = t.x + t.k * (pos[i * 2] as number);
    const y = t.y + t.k * (pos[i * 2 + 1] as number);
    assert.ok(x >= 0 && x <= 400 && y >= 0 && y <= 300);
  }
});
