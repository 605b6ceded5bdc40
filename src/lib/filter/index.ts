// psad's filter language with two back ends (JS predicate, DuckDB SQL). See docs/psad-differences.md.
export {
  ALIASES,
  ALL_FIELDS,
  DEFAULT_FIELDS,
  FIELDS,
  type FieldDef,
  type FieldKind,
  fullV6,
  renderValue,
  sqlText,
  stripPrefix,
} from "./fields.js";
export { parseNet, v4ToInt, v6ToBig, type NetRange } from "./ip.js";
export {
  COUNT_MODES,
  type CountMode,
  type Criterion,
  countInterval,
  countIsUniq,
  type FieldSpec,
  type Filter,
  FilterError,
  parseFilter,
  type RegexSpec,
} from "./parse.js";
export { portableRegex, RegexError } from "./regex.js";
export { sqlString, toPredicate, toSql } from "./compile.js";
