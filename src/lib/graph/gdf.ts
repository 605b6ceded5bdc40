// GDF (GUESS / Gephi), as AfterGlow's -k writes it, with colours for every node type
// (AfterGlow gives targets the source colour) and edge weights = rows behind the edge.
import { X11_RGB } from "./colors.js";
import type { Graph, GraphNode } from "./model.js";

export const GDF_DEFAULT_COLOR = "'100,100,100'";

/** 'r,g,b' for a Graphviz colour name or #rrggbb[aa]. */
export function gdfColor(c: string | undefined): string {
  if (!c) return GDF_DEFAULT_COLOR;
  const hex = /^#([0-9A-Fa-f]{6})([0-9A-Fa-f]{2})?$/.exec(c);
  if (hex) {
    const n = Number.parseInt(hex[1] as string, 16);
    return `'${(n >> 16) & 255},${(n >> 8) & 255},${n & 255}'`;
  }
  const rgb = X11_RGB.get(c.toLowerCase());
  return rgb ? `'${rgb.join(",")}'` : GDF_DEFAULT_COLOR;
}

/** A GDF string: double quotes, with \\ \" \n \r escaped. */
export function gdfString(s: string): string {
  return `"${s.replace(/[\\"\n\r]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : `\\${c}`))}"`;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(2)));
}

export interface GdfOptions {
  /** label.duplicate: one edge line per distinct edge label. */
  duplicateLabels?: boolean;
}

export function toGdf(g: Graph, options: GdfOptions = {}): string {
  const lines: string[] = [
    "nodedef>name VARCHAR,label VARCHAR,width DOUBLE,height DOUBLE,color VARCHAR",
  ];
  for (const n of g.nodes) {
    const size = num(n.size ?? 1);
    lines.push(`${gdfString(n.id)},${gdfString(n.label)},${size},${size},${gdfColor(n.color)}`);
  }
  const labelled = g.edges.some((e) => e.labels !== undefined);
  lines.push(
    `edgedef>node1 VARCHAR,node2 VARCHAR,directed BOOLEAN,color VARCHAR,weight DOUBLE${labelled ? ",label VARCHAR,labelvisible BOOLEAN" : ""}`,
  );
  for (const e of g.edges) {
    const from = g.nodes[e.source] as GraphNode;
    const to = g.nodes[e.target] as GraphNode;
    const head = `${gdfString(from.id)},${gdfString(to.id)},true,${gdfColor(e.color)},${num(e.size ?? e.weight)}`;
    if (!labelled) lines.push(head);
    else {
      const labels = e.labels ?? [""];
      const list = options.duplicateLabels ? [...new Set(labels)] : labels.slice(0, 1);
      for (const l of list) lines.push(`${head},${gdfString(l)},true`);
    }
  }
  return `${lines.join("\n")}\n`;
}
