// AfterGlow property files (`-c FILE`): one `key=value` per line, `#` comments. Values are
// compiled by the safe interpreter in expr.ts; nothing in a config is ever executed.
import { type Compiled, compileExpression, ExprError } from "./expr.js";

export type NodeRole = "source" | "event" | "target";
export type ColorKey = NodeRole | "edge" | "sourcetarget";

/** One compiled expression of a config, with where it came from. */
export interface ConfigExpr {
  text: string;
  line: number;
  fn: Compiled;
  /** A literal "#rrggbb[aa]" colour (AfterGlow special-cases these). */
  hex?: string;
  /** For label.*: "0" or "" turns labels off, "1" turns them on. */
  labelSwitch?: boolean;
}

export const SHAPES = [
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
  "plaintext",
  "Mrecord",
] as const;
export type Shape = (typeof SHAPES)[number];

export interface AfterglowConfig {
  /** The file name shown in errors and in the graph label. */
  file: string;
  color: Record<ColorKey, ConfigExpr[]>;
  size: Record<NodeRole | "edge", ConfigExpr[]>;
  label: Record<NodeRole | "edge", ConfigExpr[]>;
  /** Clustering: `cluster` applies to every column; the others to one. */
  cluster: { all: ConfigExpr[]; source: ConfigExpr[]; event: ConfigExpr[]; target: ConfigExpr[] };
  sum: Record<NodeRole, boolean>;
  threshold: { all?: number; source?: number; event?: number; target?: number };
  shape: Partial<Record<NodeRole, Shape>>;
  url?: string;
  xlabels?: boolean;
  maxNodeSize?: number;
  concentrate?: boolean;
  /** `gdf=1` / `graphson=1` in the file. */
  format?: "gdf" | "graphson";
  labelDuplicate?: boolean;
}

/** A problem in a config file; the message starts with `FILE:LINE:`. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

export function emptyConfig(file = ""): AfterglowConfig {
  return {
    file,
    color: { source: [], event: [], target: [], edge: [], sourcetarget: [] },
    size: { source: [], event: [], target: [], edge: [] },
    label: { source: [], event: [], target: [], edge: [] },
    cluster: { all: [], source: [], event: [], target: [] },
    sum: { source: false, event: false, target: false },
    threshold: {},
    shape: {},
  };
}

const HEX = /^"?(#[0-9A-Fa-f]{6,8})"?$/;

function perlFalse(v: string): boolean {
  return v === "" || v === "0";
}

/**
 * Parses an AfterGlow property file. Throws ConfigError (file and line) for anything it
 * cannot interpret safely, including `variable=` (which AfterGlow runs as Perl code).
 */
export function parseConfig(text: string, file = "config"): AfterglowConfig {
  const cfg = emptyConfig(file);
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const raw = lines[n] as string;
    if (/^\s*#/.test(raw) || /^\s*$/.test(raw)) continue;
    // AfterGlow's comment rule: a '#' not preceded by '"' or '=' starts a comment
    const ln = raw.replace(/[^"=]#.*$/, "");
    const eq = /\s*=/.exec(ln);
    const name = (eq ? ln.slice(0, eq.index) : ln).trim();
    let value = eq ? ln.slice(eq.index + eq[0].length) : "";
    value = value
      .replace(/^\s*=?\s*/, "")
      .replace(/\s*$/, "")
      .replace(/;$/, "");
    const quoted = /^"(.*)"$/.exec(value);
    if (quoted) value = quoted[1] as string;
    const fail = (reason: string): never => {
      throw new ConfigError(file, lineNo, reason);
    };
    if (!eq) {
      if (name === "exit") break;
      fail(`expected key=value, found '${raw.trim()}'`);
    }

    const expr = (): ConfigExpr => {
      const hex = HEX.exec(value);
      if (hex) {
        const h = hex[1] as string;
        return { text: value, line: lineNo, fn: () => h, hex: h };
      }
      // AfterGlow strips the quotes of a fully quoted value, leaving a Perl bareword;
      // if the remaining text is not a sensible expression, it is the string itself
      try {
        return { text: value, line: lineNo, fn: compileExpression(value) };
      } catch (e) {
        if (quoted && !/["'$]/.test(value)) {
          const v = value;
          return { text: value, line: lineNo, fn: () => v };
        }
        if (e instanceof ExprError)
          return fail(`${name}: ${e.message} (column ${e.column} of: ${value})`);
        throw e;
      }
    };
    const flag = (): boolean => {
      if (!/^[01]$/.test(value)) fail(`${name} must be 0 or 1, found '${value}'`);
      return value === "1";
    };
    const number = (): number => {
      const v = Number(value);
      if (value === "" || !Number.isFinite(v) || v < 0)
        fail(`${name} must be a non-negative number, found '${value}'`);
      return v;
    };

    const lname = name.toLowerCase();
    const role = /^(?:color|size|label|threshold|shape|sum|cluster)\.(.+)$/.exec(name)?.[1];
    if (name === "color") {
      const e = expr();
      for (const k of ["source", "target", "event", "sourcetarget"] as const) cfg.color[k].push(e);
    } else if (name.startsWith("color.")) {
      if (!["source", "event", "target", "edge", "sourcetarget"].includes(role ?? ""))
        fail(`unknown key '${name}' (color.source|event|target|edge|sourcetarget)`);
      cfg.color[role as ColorKey].push(expr());
    } else if (name === "size") {
      const e = expr();
      for (const k of ["source", "target", "event"] as const) cfg.size[k].push(e);
    } else if (name.startsWith("size.")) {
      if (!["source", "event", "target", "edge"].includes(role ?? ""))
        fail(`unknown key '${name}' (size.source|event|target|edge)`);
      cfg.size[role as NodeRole | "edge"].push(expr());
    } else if (name.startsWith("sum.")) {
      if (!["source", "event", "target"].includes(role ?? ""))
        fail(`unknown key '${name}' (sum.source|event|target)`);
      cfg.sum[role as NodeRole] = flag();
    } else if (name === "label" || name.startsWith("label.")) {
      if (name === "label.duplicate") {
        cfg.labelDuplicate = !perlFalse(value);
        continue;
      }
      const targets: (NodeRole | "edge")[] =
        name === "label" ? ["source", "event", "target"] : [role as NodeRole | "edge"];
      if (name !== "label" && !["source", "event", "target", "edge"].includes(role ?? ""))
        fail(`unknown key '${name}' (label, label.source|event|target|edge|duplicate)`);
      const e: ConfigExpr =
        name !== "label.edge" && (value === "0" || value === "" || value === "1")
          ? { text: value, line: lineNo, fn: () => undefined, labelSwitch: value === "1" }
          : expr();
      for (const k of targets) cfg.label[k].push(e);
    } else if (name === "threshold" || name.startsWith("threshold.")) {
      if (name !== "threshold" && !["source", "event", "target"].includes(role ?? ""))
        fail(`unknown key '${name}' (threshold, threshold.source|event|target)`);
      const v = number();
      if (!Number.isInteger(v)) fail(`${name} must be a whole number, found '${value}'`);
      if (name === "threshold") cfg.threshold.all = v;
      else cfg.threshold[role as NodeRole] = v;
    } else if (name.startsWith("shape.")) {
      if (!["source", "event", "target"].includes(role ?? ""))
        fail(`unknown key '${name}' (shape.source|event|target)`);
      const shape = value.replace(/;$/, "");
      if (!(SHAPES as readonly string[]).includes(shape))
        fail(`unrecognized value for ${name}: '${value}' (one of ${SHAPES.join(", ")})`);
      cfg.shape[role as NodeRole] = shape as Shape;
    } else if (name === "cluster" || name.startsWith("cluster.")) {
      if (name !== "cluster" && !["source", "event", "target"].includes(role ?? ""))
        fail(`unrecognized name for cluster: ${name}`);
      cfg.cluster[name === "cluster" ? "all" : (role as NodeRole)].push(expr());
    } else if (name === "url") {
      cfg.url = value;
    } else if (name === "xlabels") {
      cfg.xlabels = !perlFalse(value);
    } else if (lname === "maxnodesize") {
      cfg.maxNodeSize = number();
    } else if (name === "concentrate") {
      cfg.concentrate = flag();
    } else if (name === "gdf") {
      cfg.format = "gdf";
    } else if (name === "graphson") {
      cfg.format = "graphson";
    } else if (name === "exit") {
      break;
    } else if (name === "variable") {
      fail(
        "'variable=' is refused: AfterGlow runs its value as Perl code, and fwglow never executes " +
          "code from a config. Write the value into the expressions that need it instead (string " +
          "and number literals, $fields[N], field(), match(), subnet(), … are supported).",
      );
    } else {
      fail(`unrecognized entry '${name}'`);
    }
  }
  return cfg;
}
