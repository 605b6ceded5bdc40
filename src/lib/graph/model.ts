// The AfterGlow-compatible link-graph model: rows → nodes and edges, as AfterGlow 1.6.6
// defines them (see docs/AFTERGLOW.md), with its defects fixed: deterministic order, edge
// weights, no stray edges after fan-out filtering, and the rows behind every node and edge.
import { PALETTE, X11_RGB } from "./colors.js";
import {
  type AfterglowConfig,
  type ConfigExpr,
  emptyConfig,
  type NodeRole,
  type Shape,
} from "./config.js";
import { type EvalContext, ExprError, perlNum, perlStr, perlTrue, type Value } from "./expr.js";

export type { NodeRole } from "./config.js";
export type NodeKind = NodeRole;
export type EdgeKind = "source-event" | "event-target" | "source-target";

export const AFTERGLOW_VERSION = "1.6.6";

/** Options, named after AfterGlow's command-line switches. */
export interface GraphOptions {
  /** -t: two columns (source → target). Also detected when the first row has 2 fields. */
  twoColumn?: boolean;
  /** -p: event node identity: 0 value, 1 source+event, 2 event+target, 3 all three. */
  eventSplit?: 0 | 1 | 2 | 3;
  /** -s: separate source and target nodes of equal value ("S:x", "T:x"). */
  splitNodes?: boolean;
  /** -o: omit nodes seen in N rows or fewer (overrides the config's `threshold`). */
  omitThreshold?: number;
  /** -f: keep sources with more than N distinct neighbours. */
  sourceFanOut?: number;
  /** -g: keep events with more than N distinct targets. */
  eventFanOut?: number;
  /** -n: no labels. */
  noLabels?: boolean;
  /** -d: append the node's count to its label. */
  showCounts?: boolean;
  /** -m: maximum node size (default 0.2; overrides the config's `maxnodesize`). */
  maxNodeSize?: number;
  /** -e: edge length (default 1.5). */
  edgeLength?: number;
  /** -x: label colour (default black). */
  labelColor?: string;
  /** -a: no configuration summary in the graph label. */
  noGraphLabel?: boolean;
  /** The parsed config (-c). */
  config?: AfterglowConfig;
}

/** A node, as drawn. */
export interface GraphNode {
  /** Index in Graph.nodes. */
  index: number;
  /** AfterGlow's node name (its DOT id, unquoted): the value, "S:v"/"T:v" with -s, "a b" with -p. */
  id: string;
  /** The section it is drawn in: source wins over event over target, as in AfterGlow. */
  kind: NodeKind;
  /** Every role the name plays in the data. */
  roles: NodeKind[];
  /** The column value behind the node (after clustering). */
  value: string;
  /** Label text ("" for none); with -d it ends in " : count". */
  label: string;
  /** Graphviz colour name or "#rrggbb[aa]". */
  color: string;
  shape: Shape;
  /** Width/height in inches when size.* is configured. */
  size?: number;
  /** Rows in which the name appears in its `kind` role (what thresholds and -d use), all rows. */
  count: number;
  /** Per-role counts. */
  counts: Partial<Record<NodeKind, number>>;
  /** Indices (into the rows given to buildGraph) of the drawn rows behind this node. */
  rows: number[];
}

export interface GraphEdge {
  index: number;
  /** Node indices. */
  source: number;
  target: number;
  kind: EdgeKind;
  /** Number of drawn rows behind the edge. */
  weight: number;
  rows: number[];
  /** Set when color.edge is configured. */
  color?: string;
  /** Pen width, set when size.edge is configured. */
  size?: number;
  /** label.edge values, first row's first (DOT uses the first). */
  labels?: string[];
}

export interface GraphAttrs {
  /** The graph label (AfterGlow's configuration summary), undefined with -a... kept as text. */
  label: string;
  maxNodeSize: number;
  edgeLength: number;
  labelColor: string;
  concentrate: boolean;
  /** xlabel (beside the node) or label (inside). */
  xlabels: boolean;
  /** Node URL template (\N = node name). */
  url?: string;
  /** size.* configured: nodes are fixedsize. */
  fixedSize: boolean;
}

export interface SkippedRow {
  row: number;
  reason: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  twoColumn: boolean;
  attrs: GraphAttrs;
  /** Rows given. */
  rowCount: number;
  /** Rows drawn (not invisible, malformed or filtered). */
  drawnRows: number;
  /** Rows not drawn because of the data or the config (not thresholds). */
  skipped: SkippedRow[];
}

/** An expression failed while evaluating a row: names the config line and the row. */
export class GraphEvalError extends Error {}

interface RoleInfo {
  count: number;
  color: string;
  label: string;
  size: number;
  first: number;
  fan?: Set<string>;
  /** passes the thresholds (computed once) */
  pass?: boolean;
  /** color.sourcetarget for source roles */
  stColor?: string;
  value: string;
}

interface EdgeAcc {
  from: string;
  to: string;
  kind: EdgeKind;
  rows: number[];
  first: number;
  color?: string;
  size?: number;
  labels?: string[];
}

const MIN_NODE_SIZE = 0.1;

/** Turns a colour value into a Graphviz colour, handing out palette colours to the rest. */
export class ColorIndexer {
  private readonly assigned = new Map<string, string>();
  private next = 1;
  normalize(v: Value): string {
    const s = perlStr(v);
    if (/^#[0-9A-Fa-f]{6,8}$/.test(s)) return s;
    const lower = s.toLowerCase();
    if (X11_RGB.has(lower) || lower === "invisible" || lower === "transparent" || lower === "none")
      return lower;
    let c = this.assigned.get(s);
    if (c === undefined) {
      c = PALETTE[this.next] ?? PALETTE[(this.next % (PALETTE.length - 2)) + 1] ?? "white";
      this.next++;
      this.assigned.set(s, c);
    }
    return c;
  }
}

/**
 * Builds the graph for `rows` (each an array of CSV fields).
 */
export function buildGraph(
  rows: readonly (readonly string[])[],
  options: GraphOptions = {},
): Graph {
  const cfg = options.config ?? emptyConfig();
  let twoColumn = options.twoColumn === true || (rows.length > 0 && rows[0]?.length === 2);
  const split = options.splitNodes === true;
  const pMode = options.eventSplit ?? 0;
  const colors = new ColorIndexer();
  const skipped: SkippedRow[] = [];

  const sources = new Map<string, RoleInfo>();
  const events = new Map<string, RoleInfo>();
  const targets = new Map<string, RoleInfo>();
  const maxActual = { source: 1, event: 1, target: 1 };
  // per row: names (undefined if the row is not drawn at all)
  const rowNames: ([string, string | undefined, string] | undefined)[] = new Array(rows.length);
  const rowEdgeAttrs: { color?: string; size?: number; label?: string }[] = [];

  const ctx: EvalContext = { fields: [], type: "", field: undefined, twoColumn };
  let currentRow = 0;

  const evalFirst = (exprs: ConfigExpr[], key: string): Value => {
    for (const e of exprs) {
      let v: Value;
      try {
        v = e.fn(ctx);
      } catch (err) {
        const msg = err instanceof ExprError ? err.message : String(err);
        throw new GraphEvalError(`${cfg.file}:${e.line}: ${key}: ${msg} (row ${currentRow + 1})`);
      }
      if (perlTrue(v)) return v;
    }
    return undefined;
  };
  const setType = (type: string) => {
    ctx.type = type;
    const f = ctx.fields;
    ctx.field =
      type === "source" || type === "sourcetarget"
        ? f[0]
        : type === "event"
          ? twoColumn
            ? undefined
            : f[1]
          : type === "target"
            ? twoColumn
              ? f[1]
              : f[2]
            : ctx.field;
  };
  // each colour is evaluated once per row (the invisible check and the node use the same)
  const COLOR_SLOT = { sourcetarget: 0, source: 1, event: 2, target: 3, edge: 4 } as const;
  let rowColors: (string | undefined)[] = [];
  const getColor = (type: "source" | "event" | "target" | "sourcetarget" | "edge"): string => {
    const slot = COLOR_SLOT[type];
    let c = rowColors[slot];
    if (c !== undefined) return c;
    setType(type);
    c = colors.normalize(evalFirst(cfg.color[type], `color.${type}`));
    rowColors[slot] = c;
    return c;
  };
  const getLabel = (type: NodeRole | "edge"): string | null => {
    if (cfg.label[type].length === 0 && type !== "edge") {
      const f = ctx.fields;
      return (type === "source" ? f[0] : type === "event" ? f[1] : twoColumn ? f[1] : f[2]) ?? "";
    }
    setType(type);
    const def = ctx.field;
    for (const e of cfg.label[type]) {
      if (e.labelSwitch !== undefined) return e.labelSwitch ? perlStr(def) : null;
      let v: Value;
      try {
        v = e.fn(ctx);
      } catch (err) {
        const msg = err instanceof ExprError ? err.message : String(err);
        throw new GraphEvalError(`${cfg.file}:${e.line}: label: ${msg} (row ${currentRow + 1})`);
      }
      if (perlTrue(v)) return perlStr(v);
    }
    return perlStr(def);
  };
  const getSize = (type: NodeRole | "edge"): number => {
    setType(type);
    const v = evalFirst(cfg.size[type], `size.${type}`);
    const n = perlNum(v);
    return n === 0 && type === "edge" ? 1 : n;
  };
  const cluster = (value: string, type: NodeRole, exprs: ConfigExpr[]): string => {
    if (exprs.length === 0) return value;
    ctx.type = type;
    ctx.field = value;
    const v = evalFirst(exprs, "cluster");
    return perlTrue(v) ? perlStr(v) : value;
  };
  const touch = (
    map: Map<string, RoleInfo>,
    name: string,
    row: number,
    value: string,
  ): RoleInfo => {
    let info = map.get(name);
    if (!info) {
      info = { count: 0, color: "", label: "", size: 0, first: row, value };
      map.set(name, info);
    }
    info.count++;
    info.value = value;
    return info;
  };
  const hasClusters =
    cfg.cluster.all.length +
      cfg.cluster.source.length +
      cfg.cluster.event.length +
      cfg.cluster.target.length >
    0;
  const edgeColor = cfg.color.edge.length > 0;
  const edgeSize = cfg.size.edge.length > 0;
  const edgeLabel = cfg.label.edge.length > 0;
  const fanS = (options.sourceFanOut ?? 0) > 0;
  const fanE = (options.eventFanOut ?? 0) > 0;

  for (let r = 0; r < rows.length; r++) {
    currentRow = r;
    const row = rows[r] as readonly string[];
    if (r === 0 && row.length === 2 && !options.twoColumn) twoColumn = true;
    ctx.twoColumn = twoColumn;
    const need = twoColumn ? 2 : 3;
    if (row.length < need) {
      skipped.push({ row: r, reason: `expected at least ${need} fields, found ${row.length}` });
      continue;
    }
    let source = row[0] as string;
    let event = twoColumn ? "" : (row[1] as string);
    let target = (twoColumn ? row[1] : row[2]) as string;
    if (hasClusters) {
      ctx.fields = row;
      if (cfg.cluster.all.length) {
        source = cluster(source, "source", cfg.cluster.all);
        target = cluster(target, "target", cfg.cluster.all);
        if (!twoColumn) event = cluster(event, "event", cfg.cluster.all);
      }
      source = cluster(source, "source", cfg.cluster.source);
      if (!twoColumn) event = cluster(event, "event", cfg.cluster.event);
      target = cluster(target, "target", cfg.cluster.target);
    }
    const fields = !hasClusters
      ? row
      : twoColumn
        ? [source, target, ...row.slice(2)]
        : [source, event, target, ...row.slice(3)];
    ctx.fields = fields;
    rowColors = [undefined, undefined, undefined, undefined, undefined];

    const stColor = getColor("sourcetarget");
    const sColor = getColor("source");
    const eColor = twoColumn ? "" : getColor("event");
    const tColor = getColor("target");
    if (
      stColor === "invisible" ||
      sColor === "invisible" ||
      eColor === "invisible" ||
      tColor === "invisible"
    ) {
      skipped.push({ row: r, reason: "invisible" });
      continue;
    }
    const sName = split ? `S:${source}` : source;
    const tName = split ? `T:${target}` : target;
    const eName = twoColumn
      ? undefined
      : pMode === 1
        ? `${source} ${event}`
        : pMode === 2
          ? `${event} ${target}`
          : pMode === 3
            ? `${source} ${event} ${target}`
            : event;
    rowNames[r] = [sName, eName, tName];

    const s = touch(sources, sName, r, source);
    s.color = sColor;
    const sl = getLabel("source");
    s.label = sl ?? "";
    if (fanS) {
      s.fan ??= new Set();
      s.fan.add((twoColumn ? tName : eName) as string);
    }
    if (cfg.size.source.length) {
      const v = getSize("source");
      s.size = cfg.sum.source ? s.size + v : v;
      if (s.size > maxActual.source) maxActual.source = s.size;
    }
    if (!twoColumn) {
      const e = touch(events, eName as string, r, event);
      e.color = eColor;
      e.label = getLabel("event") ?? "";
      if (fanE) {
        e.fan ??= new Set();
        e.fan.add(tName);
      }
      if (cfg.size.event.length) {
        const v = getSize("event");
        e.size = cfg.sum.event ? e.size + v : v;
        if (e.size > maxActual.event) maxActual.event = e.size;
      }
    }
    const t = touch(targets, tName, r, target);
    t.color = tColor;
    t.label = getLabel("target") ?? "";
    if (cfg.size.target.length) {
      const v = getSize("target");
      t.size = cfg.sum.target ? t.size + v : v;
      if (t.size > maxActual.target) maxActual.target = t.size;
    }
    s.stColor = stColor;
    if (edgeColor || edgeSize || edgeLabel) {
      const a: { color?: string; size?: number; label?: string } = {};
      if (edgeColor) a.color = getColor("edge");
      if (edgeSize) a.size = getSize("edge");
      if (edgeLabel) a.label = getLabel("edge") ?? "";
      rowEdgeAttrs[r] = a;
    }
  }

  // ---- filtering: a row is drawn when every node on its path passes
  const omit = options.omitThreshold ?? cfg.threshold.all ?? 0;
  const thr = {
    source: cfg.threshold.source ?? 0,
    event: cfg.threshold.event ?? 0,
    target: cfg.threshold.target ?? 0,
  };
  const fOut = options.sourceFanOut ?? 0;
  const gOut = options.eventFanOut ?? 0;
  const passes = (role: NodeRole, info: RoleInfo | undefined): boolean => {
    if (!info) return false;
    if (info.count <= omit || info.count <= thr[role]) return false;
    if (role === "source" && fOut > 0 && (info.fan?.size ?? 0) <= fOut) return false;
    if (role === "event" && gOut > 0 && (info.fan?.size ?? 0) <= gOut) return false;
    return true;
  };
  const pass = (role: NodeRole, info: RoleInfo | undefined): boolean => {
    if (!info) return false;
    if (info.pass === undefined) info.pass = passes(role, info);
    return info.pass;
  };

  const nodeRows = new Map<string, number[]>();
  const edgeMap = new Map<string, EdgeAcc>();
  const edgeOrderSE: EdgeAcc[] = [];
  const edgeOrderET: EdgeAcc[] = [];
  const addRow = (name: string, r: number) => {
    const list = nodeRows.get(name);
    if (list) {
      if (list[list.length - 1] !== r) list.push(r);
    } else nodeRows.set(name, [r]);
  };
  const addEdge = (from: string, to: string, kind: EdgeKind, r: number, order: EdgeAcc[]) => {
    const key = `${kind === "event-target" ? "E" : "S"}${from}\u0000${to}`;
    let e = edgeMap.get(key);
    if (!e) {
      e = { from, to, kind, rows: [], first: r };
      edgeMap.set(key, e);
      order.push(e);
    }
    e.rows.push(r);
    const a = rowEdgeAttrs[r];
    if (a) {
      if (a.color !== undefined) e.color = a.color;
      if (a.size !== undefined) e.size = a.size;
      if (a.label !== undefined) {
        e.labels ??= [];
        e.labels.push(a.label);
      }
    }
  };
  let drawnRows = 0;
  for (let r = 0; r < rows.length; r++) {
    const names = rowNames[r];
    if (!names) continue;
    const [sName, eName, tName] = names;
    if (!pass("source", sources.get(sName)) || !pass("target", targets.get(tName))) continue;
    if (eName !== undefined && !pass("event", events.get(eName))) continue;
    drawnRows++;
    addRow(sName, r);
    addRow(tName, r);
    if (eName === undefined) addEdge(sName, tName, "source-target", r, edgeOrderSE);
    else {
      addRow(eName, r);
      addEdge(sName, eName, "source-event", r, edgeOrderSE);
      addEdge(eName, tName, "event-target", r, edgeOrderET);
    }
  }

  // ---- nodes: sources, then events, then targets, each in order of first appearance
  const maxNodeSize = options.maxNodeSize ?? cfg.maxNodeSize ?? 0.2;
  const sizeOf = (role: NodeRole, info: RoleInfo): number | undefined => {
    if (!cfg.size[role].length) return undefined;
    const v = Math.max((maxNodeSize / maxActual[role]) * info.size, MIN_NODE_SIZE);
    return Number(v.toFixed(2));
  };
  const nodes: GraphNode[] = [];
  const nodeIndex = new Map<string, number>();
  const emit = (name: string, kind: NodeRole, info: RoleInfo, color: string) => {
    const roles: NodeRole[] = [];
    const counts: Partial<Record<NodeRole, number>> = {};
    for (const [role, map] of [
      ["source", sources],
      ["event", events],
      ["target", targets],
    ] as const) {
      const i = map.get(name);
      if (i) {
        roles.push(role);
        counts[role] = i.count;
      }
    }
    let label = options.noLabels ? "" : info.label;
    if (options.showCounts) label += ` : ${info.count}`;
    const shape: Shape = cfg.shape[kind] ?? (kind === "event" ? "box" : "ellipse");
    const node: GraphNode = {
      index: nodes.length,
      id: name,
      kind,
      roles,
      value: info.value,
      label,
      color,
      shape,
      count: info.count,
      counts,
      rows: nodeRows.get(name) ?? [],
    };
    const size = sizeOf(kind, info);
    if (size !== undefined) node.size = size;
    nodeIndex.set(name, nodes.length);
    nodes.push(node);
  };
  const byFirst = (map: Map<string, RoleInfo>) =>
    [...map.entries()].sort((a, b) => a[1].first - b[1].first);
  for (const [name, info] of byFirst(sources)) {
    if (!nodeRows.has(name) || !pass("source", info)) continue;
    let color = info.color;
    if (targets.has(name)) {
      if (cfg.color.sourcetarget.length) color = info.stColor ?? color;
      else if (!cfg.color.source.length) color = targets.get(name)?.color ?? color;
    }
    emit(name, "source", info, color);
  }
  for (const [name, info] of byFirst(events)) {
    if (nodeIndex.has(name) || !nodeRows.has(name) || !pass("event", info)) continue;
    emit(name, "event", info, info.color);
  }
  for (const [name, info] of byFirst(targets)) {
    if (nodeIndex.has(name) || !nodeRows.has(name)) continue;
    emit(name, "target", info, info.color);
  }
  // a name that only passes in a role that was not drawn (rare: e.g. an event that is
  // also a filtered source) still needs a node for its edges
  const ensure = (name: string) => {
    if (nodeIndex.has(name)) return;
    const info = sources.get(name) ?? events.get(name) ?? targets.get(name);
    if (!info) return;
    const kind: NodeRole = sources.has(name) ? "source" : events.has(name) ? "event" : "target";
    emit(name, kind, info, info.color);
  };
  const edges: GraphEdge[] = [];
  for (const e of [...edgeOrderSE, ...edgeOrderET]) {
    ensure(e.from);
    ensure(e.to);
    const edge: GraphEdge = {
      index: edges.length,
      source: nodeIndex.get(e.from) as number,
      target: nodeIndex.get(e.to) as number,
      kind: e.kind,
      weight: e.rows.length,
      rows: e.rows,
    };
    if (e.color !== undefined) edge.color = e.color;
    if (e.size !== undefined) edge.size = e.size;
    if (e.labels !== undefined) edge.labels = e.labels;
    edges.push(edge);
  }

  // ---- graph attributes
  let label = `AfterGlow ${AFTERGLOW_VERSION}`;
  if (!options.noGraphLabel) {
    if (pMode) label += ` - Split Mode: ${pMode}`;
    if (omit) label += ` - Omit Threshold: ${omit}`;
    if (thr.source) label += ` - Source Threshold: ${thr.source}`;
    if (thr.event) label += ` - Event Threshold: ${thr.event}`;
    if (thr.target) label += ` - Target Threshold: ${thr.target}`;
    if (fOut) label += ` - Source Fan Out: ${fOut}`;
    if (gOut) label += ` - Event Fan Out: ${gOut}`;
    if (cfg.file) label += ` - Property File: ${cfg.file}`;
  }
  const attrs: GraphAttrs = {
    label,
    maxNodeSize,
    edgeLength: options.edgeLength ?? 1.5,
    labelColor: options.labelColor ?? "black",
    concentrate: cfg.concentrate ?? true,
    xlabels: cfg.xlabels ?? true,
    fixedSize: cfg.size.source.length + cfg.size.event.length + cfg.size.target.length > 0,
  };
  if (cfg.url !== undefined) attrs.url = cfg.url;
  return { nodes, edges, twoColumn, attrs, rowCount: rows.length, drawnRows, skipped };
}
