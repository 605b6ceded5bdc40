// JSON: the Graph model itself (what the browser renderer consumes).
import type { Graph } from "./model.js";

export interface JsonOptions {
  /** Leave out the row indices behind nodes and edges (smaller output). */
  omitRows?: boolean;
  /** Input line numbers, index-aligned with the rows given to buildGraph. */
  lines?: readonly number[];
}

export function toJson(g: Graph, options: JsonOptions = {}): string {
  const mapRows = (rows: number[]) =>
    options.lines ? rows.map((r) => options.lines?.[r] ?? r) : rows;
  const body = {
    ...g,
    rowsAre: options.lines ? "line numbers" : "row indices",
    nodes: g.nodes.map((n) =>
      options.omitRows ? { ...n, rows: undefined } : { ...n, rows: mapRows(n.rows) },
    ),
    edges: g.edges.map((e) =>
      options.omitRows ? { ...e, rows: undefined } : { ...e, rows: mapRows(e.rows) },
    ),
  };
  // JSON.stringify escapes quotes, backslashes and control characters; also escape
  // U+2028/2029 and '<' so the output can be inlined into a <script> safely
  return `${JSON.stringify(body).replace(/[\u2028\u2029<]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}
