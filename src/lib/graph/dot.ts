// Graphviz DOT, as AfterGlow 1.6.6 writes it (same node names, shapes, fill colours,
// labels, edges), in a deterministic order and with every string escaped.
import type { Graph, GraphEdge, GraphNode } from "./model.js";

/** A DOT double-quoted ID: only `"`, `\` and line breaks need care (injective). */
export function dotId(s: string): string {
  return `"${s.replace(/[\\"\n\r]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : `\\${c}`))}"`;
}

/**
 * A DOT label string: Graphviz also expands `\N`-style escapes and `&…;` entities in labels,
 * so backslashes, `&`, `<` and `>` are escaped too; line breaks become `\n`.
 */
export function dotLabel(s: string): string {
  return `"${s.replace(/[\\"\n\r&<>]/g, (c) => {
    switch (c) {
      case "\n":
      case "\r":
        return "\\n";
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      default:
        return `\\${c}`;
    }
  })}"`;
}

/** A colour: names bare (as AfterGlow), anything else quoted. */
export function dotColor(c: string): string {
  return /^[a-z][a-z0-9]*$/.test(c) ? c : dotId(c);
}

/** A URL template keeps Graphviz's \N, \G, \E, \H, \T escapes. */
function dotUrl(s: string): string {
  return `"${s.replace(/\\(?![NGEHTL])|["\n\r]/g, (c) => (c === "\n" || c === "\r" ? "" : `\\${c}`))}"`;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15)));
}

function nodeLine(g: Graph, n: GraphNode): string {
  const label = `${g.attrs.xlabels ? "xlabel" : "label"}=${dotLabel(n.label)}`;
  let out = `${dotId(n.id)} [`;
  if (n.kind === "event") out += `shape=${n.shape}, fillcolor=${dotColor(n.color)}, ${label}`;
  else out += `fillcolor=${dotColor(n.color)}, ${label}`;
  if (n.size !== undefined) out += `,width="${n.size.toFixed(2)}",height="${n.size.toFixed(2)}"`;
  if (n.kind !== "event" && n.shape !== "ellipse") out += `,shape=${n.shape}`;
  return `${out}]\n`;
}

function edgeLine(g: Graph, e: GraphEdge): string {
  const from = g.nodes[e.source] as GraphNode;
  const to = g.nodes[e.target] as GraphNode;
  let out = `${dotId(from.id)} -> ${dotId(to.id)}`;
  const label = e.labels?.[0];
  if (e.color !== undefined || e.size !== undefined || label !== undefined) {
    const parts: string[] = [];
    if (e.color !== undefined)
      parts.push(`color=${dotColor(e.color)},${g.twoColumn ? " " : ""}style=solid`);
    if (e.size !== undefined && e.size > 0) parts.push(`penwidth=${num(e.size)}`);
    if (label !== undefined) parts.push(`label=${dotLabel(label)}`);
    out += ` [${parts.join(",")}]${g.twoColumn ? "" : ";"}`;
  }
  return `${out}\n`;
}

/** Writes the graph as DOT. */
export function toDot(g: Graph): string {
  const a = g.attrs;
  let out = "digraph structs {\n";
  out += `graph [label=${dotLabel(a.label)}, fontsize=8]\n`;
  let options = "";
  if (a.fixedSize) options += ", fixedsize=true";
  if (a.url !== undefined) options += `, URL=${dotUrl(a.url)}`;
  out += `node [shape=ellipse, style=filled, penwidth=0, fontsize=10, width=${num(a.maxNodeSize)}, height=${num(a.maxNodeSize)}, fontcolor=${dotId(a.labelColor)}, label="" ${options}];\n`;
  out += `edge [len=${num(a.edgeLength)}];\n`;
  if (a.concentrate) out += "concentrate=true;\n";
  const parts: string[] = [out];
  for (const n of g.nodes) parts.push(nodeLine(g, n));
  for (const e of g.edges) parts.push(edgeLine(g, e));
  parts.push("}\n");
  return parts.join("");
}
