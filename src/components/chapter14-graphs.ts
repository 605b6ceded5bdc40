// The chapter-14 figures drawn by the scatter3d and linkgraph components (canvas, 2D/3D
// point graphs and AfterGlow link graphs), apart from chapter14.ts so the pages with only
// time series do not load them.

import { drawn, el, exportBar, type FigureData, fmt, svgToPng } from "./chapter14.js";
import { type LinkGraphElement, type LinkGraphInput, linkGraph } from "./linkgraph.js";
import { scatter3d, scatter3dToSvg } from "./scatter3d.js";

type Row = Record<string, unknown>;

/**
 * psad's `X Y:countuniq` point graph: x = the address (psad's dense rank by default, or
 * address order), y = the distinct count. Drawn on a canvas by the scatter3d component in
 * its 2D mode: tens of thousands of points stay fast, hover shows the address.
 */
export function rankedDots(
  fig: FigureData,
  { width, height = 320, yLabel }: { width: number; height?: number; yLabel: string },
): HTMLElement {
  const xName = fig.columns[1] as string;
  const rows = fig.rows.map(([rank, address, n]) => ({
    rank: rank as number,
    address: address as string,
    n: n as number,
  }));
  const opts = {
    x: "address",
    y: "n",
    width,
    height,
    xLabel: `${xName} (address)`,
    yLabel,
    tooltip: (d: (typeof rows)[number]) =>
      `${xName} ${d.address} (psad rank ${d.rank})\n${yLabel}: ${fmt(d.n)}`,
  };
  const plot = scatter3d(rows, opts);
  const svg = () => scatter3dToSvg(rows, { ...opts, mapping: plot.value.mapping });
  const root = el(
    "div",
    {},
    plot,
    exportBar(fig, { svg, png: () => svgToPng(svg(), width, height) }),
  );
  return drawn(fig, root, rows.length);
}

// ------------------------------------------------------------------ 3D point graphs

/** A 3D gnuplot-style point graph (scatter3d component) of the figure's rows. */
export function points3d(
  fig: FigureData,
  {
    width,
    view,
    labels,
  }: { width: number; view?: [number, number]; labels: [string, string, string] },
): HTMLElement {
  const names = fig.columns;
  const rows = fig.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])) as Row);
  const three = names.length >= 3 && names[2] !== "packets";
  const opts = {
    x: names[0] as string,
    y: names[1] as string,
    z: three ? (names[2] as string) : "packets",
    count: three ? "packets" : undefined,
    width,
    view: view ?? ([60, 30] as [number, number]),
    xLabel: labels[0],
    yLabel: labels[1],
    zLabel: labels[2],
    tooltip: (r: Row) =>
      names
        .filter((n) => !n.endsWith("_rank"))
        .map((n) => `${n}: ${r[n]}`)
        .join("\n"),
  };
  const plot = scatter3d(rows, opts);
  const svg = () =>
    scatter3dToSvg(rows, { ...opts, view: plot.value.view, mapping: plot.value.mapping });
  const root = el(
    "div",
    {},
    plot,
    exportBar(fig, {
      svg,
      png: () => svgToPng(svg(), width, Math.round(Math.min(width * 0.75, 560))),
    }),
  );
  return drawn(fig, root, rows.length);
}

// ------------------------------------------------------------------ link graphs

/** The AfterGlow link graph (linkgraph component) with color.nf beside it. */
export function linkFigure(
  fig: FigureData,
  colorNf: string,
  { width, invalidation }: { width: number; invalidation?: Promise<unknown> },
): HTMLElement {
  const side = width > 760 ? 260 : 0;
  const gw = side ? width - side - 16 : width;
  const graph = fig.graph as LinkGraphInput;
  const rows = (fig.psad ?? []).map((l) => l.split(", "));
  const lg: LinkGraphElement = linkGraph(graph, {
    width: gw,
    height: Math.round(Math.min(560, Math.max(380, gw * 0.7))),
    labels: "inside",
    rows,
    invalidation,
  });
  const kinds = { source: 0, event: 0, target: 0 } as Record<string, number>;
  for (const n of graph.nodes) kinds[n.kind] = (kinds[n.kind] ?? 0) + 1;
  const legend = el(
    "div",
    { class: "c14-colornf" },
    el(
      "span",
      { class: "c14-label" },
      "color.nf (AfterGlow colours; a reconstruction of the book's file)",
    ),
    el("pre", {}, colorNf),
    el(
      "p",
      { class: "c14-note" },
      `${fmt(kinds.source)} source nodes (${fig.fields[0]}, ovals) · ${fmt(kinds.event)} event nodes (${fig.fields[1]}, rectangles) · ${fmt(kinds.target)} target nodes (${fig.fields[2]}, circles) · ${fmt(graph.edges.length)} edges`,
    ),
  );
  const grid = el(
    "div",
    {
      class: "c14-linkgrid",
      style: side ? `display:grid;grid-template-columns:${gw}px ${side}px;gap:16px` : "",
    },
    lg,
    legend,
  );
  const root = el(
    "div",
    {
      class: "c14-link",
      "data-sources": String(kinds.source),
      "data-events": String(kinds.event),
      "data-targets": String(kinds.target),
    },
    grid,
  );
  const sources = graph.nodes.filter((n) => n.kind === "source");
  if (sources.length <= 10)
    root.dataset.sourceValues = sources.map((n) => n.value.trim()).join(" ");
  root.dataset.targetValues = graph.nodes
    .filter((n) => n.kind === "target")
    .map((n) => n.value.trim())
    .sort()
    .join(" ");
  root.append(exportBar(fig, { svg: () => lg.toSVG(), png: () => lg.toPNG() }));
  return drawn(fig, root, fig.rows.length);
}
