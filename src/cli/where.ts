// `--where` / `--regex` / `--neg-regex`: psad's filter language on the command line, compiled by
// the one filter compiler (src/lib/filter) to a DuckDB WHERE expression.
import { FilterError, parseFilter, RegexError, toSql } from "../lib/filter/index.js";
import { UsageError } from "./command.js";

export const WHERE_OPTIONS = {
  where: { type: "string" },
  regex: { type: "string" },
  "neg-regex": { type: "string" },
} as const;

export const WHERE_USAGE = `  --where FILTER      keep events matching psad --CSV-fields criteria, e.g.
                      "src:11.11.0.0/16 dst:not11.11.0.0/16 dp:22" (names without criteria are ignored)
  --regex RE          keep raw lines matching RE (psad's --CSV-regex)
  --neg-regex RE      drop raw lines matching RE (psad's --CSV-neg-regex)`;

/** The compiled WHERE expression, or undefined when no filter option was given. */
export function whereSql(values: {
  where?: string;
  regex?: string;
  "neg-regex"?: string;
}): string | undefined {
  const { where = "", regex, "neg-regex": negRegex } = values;
  if (where.trim() === "" && regex === undefined && negRegex === undefined) return undefined;
  try {
    return toSql(parseFilter(where, { regex, negRegex }));
  } catch (error) {
    if (error instanceof FilterError || error instanceof RegexError)
      throw new UsageError(error.message);
    throw error;
  }
}
