// psad's filter language with two back ends (JS predicate, DuckDB SQL). See docs/psad-differences.md.

export { sqlString, toPredicate, toSql } from "./compile.js";
export {
  ADDRESS_KINDS_SQL,
  type AddressKinds,
  ALIASES,
  ALL_FIELDS,
  ANY_ADDRESS,
  DEFAULT_FIELDS,
  FIELDS,
  type FieldDef,
  type FieldKind,
  fullV6,
  renderValue,
  sqlText,
  stripPrefix,
} from "./fields.js";
export { type NetRange, parseNet, v4ToInt, v6ToBig } from "./ip.js";
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
