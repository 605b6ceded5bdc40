// The AfterGlow-compatible link-graph engine (isomorphic: no Node APIs).
export { PALETTE, X11_RGB } from "./colors.js";
export {
  type AfterglowConfig,
  type ColorKey,
  ConfigError,
  type ConfigExpr,
  emptyConfig,
  parseConfig,
  SHAPES,
  type Shape,
} from "./config.js";
export { type CsvReadOptions, type CsvRows, parseCsv, parseCsvLine } from "./csv.js";
export { dotColor, dotId, dotLabel, toDot } from "./dot.js";
export {
  type Compiled,
  compileExpression,
  type EvalContext,
  ExprError,
  perlNum,
  perlStr,
  perlTrue,
  subnet,
  type Value,
} from "./expr.js";
export { type GdfOptions, gdfColor, gdfString, toGdf } from "./gdf.js";
export { toGraphML, xmlEscape } from "./graphml.js";
export { type JsonOptions, toJson } from "./json.js";
export {
  AFTERGLOW_VERSION,
  buildGraph,
  ColorIndexer,
  type EdgeKind,
  type Graph,
  type GraphAttrs,
  type GraphEdge,
  GraphEvalError,
  type GraphNode,
  type GraphOptions,
  type NodeKind,
  type NodeRole,
  type SkippedRow,
} from "./model.js";
export { perlRegex, RegexError } from "./regex.js";
