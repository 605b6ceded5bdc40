// GraphML (yEd, Gephi, Cytoscape, NetworkX).
import type { Graph, GraphNode } from "./model.js";

// characters XML 1.0 cannot carry: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/FFFF
const XML_INVALID =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const XML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#13;",
};

/** XML text/attribute escaping; characters XML 1.0 cannot carry become U+FFFD. */
export function xmlEscape(s: string): string {
  return s.replace(XML_INVALID, "\ufffd").replace(/[&<>"'\r]/g, (c) => XML_ENTITIES[c] as string);
}

const NODE_KEYS: [string, string][] = [
  ["label", "string"],
  ["kind", "string"],
  ["roles", "string"],
  ["value", "string"],
  ["color", "string"],
  ["shape", "string"],
  ["size", "double"],
  ["count", "int"],
];
const EDGE_KEYS: [string, string][] = [
  ["kind", "string"],
  ["weight", "double"],
  ["color", "string"],
  ["penwidth", "double"],
  ["label", "string"],
];

export function toGraphML(g: Graph): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  ];
  for (const [k, t] of NODE_KEYS)
    out.push(`  <key id="n_${k}" for="node" attr.name="${k}" attr.type="${t}"/>`);
  for (const [k, t] of EDGE_KEYS)
    out.push(`  <key id="e_${k}" for="edge" attr.name="${k}" attr.type="${t}"/>`);
  out.push(`  <graph id="G" edgedefault="directed">`);
  out.push(`    <desc>${xmlEscape(g.attrs.label)}</desc>`);
  const data = (prefix: string, k: string, v: string | number | undefined) =>
    v === undefined ? "" : `<data key="${prefix}_${k}">${xmlEscape(String(v))}</data>`;
  for (const n of g.nodes) {
    out.push(
      `    <node id="n${n.index}">${data("n", "label", n.label)}${data("n", "kind", n.kind)}${data("n", "roles", n.roles.join(" "))}${data("n", "value", n.value)}${data("n", "color", n.color)}${data("n", "shape", n.shape)}${data("n", "size", n.size)}${data("n", "count", n.count)}</node>`,
    );
  }
  for (const e of g.edges) {
    const from = g.nodes[e.source] as GraphNode;
    const to = g.nodes[e.target] as GraphNode;
    out.push(
      `    <edge id="e${e.index}" source="n${from.index}" target="n${to.index}">${data("e", "kind", e.kind)}${data("e", "weight", e.weight)}${data("e", "color", e.color)}${data("e", "penwidth", e.size)}${data("e", "label", e.labels?.[0])}</edge>`,
    );
  }
  out.push("  </graph>", "</graphml>", "");
  return out.join("\n");
}
