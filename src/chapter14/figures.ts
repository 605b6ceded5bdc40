import { PSAD_ACK_RST_SQL as PSAD_DEFAULT_SQL } from "../lib/psad/visible.js";
// The 14 figures of chapter 14 of "Linux Firewalls": each figure's psad command is the one
// source of truth. From it come (1) the psad options (src/lib/psad/options.ts), (2) the
// filter (src/lib/filter: parseFilter), (3) the SQL the page runs live in DuckDB-wasm (its
// WHERE clause from the filter compiler, toSql), and (4) the figure data, computed at build
// time by the psad engine (src/lib/psad) and the graph model (src/lib/graph).
// Isomorphic: no Node APIs here (the loaders in ./data/ do the I/O).

import {
  countInterval,
  countIsUniq,
  FIELDS,
  type Filter,
  parseFilter,
  sqlText,
  toSql,
} from "../lib/filter/index.js";
import { type PsadArgs, parsePsadArgs } from "../lib/psad/options.js";

export type PageId = "spikes" | "scans" | "sweeps" | "slammer" | "nachi" | "compromise";
export type FigureKind = "timeseries" | "ranked" | "points3d" | "points2d" | "linkgraph";

export interface FigureSpec {
  id: string;
  page: PageId;
  title: string;
  question: string;
  /** The psad arguments after `psad -m iptables.data` (shell-quoted, as printed). */
  command: string;
  /** The command is inferred from the figure's title and axes, not printed in the book. */
  reconstructed: boolean;
  /** What follows the psad command in the book's pipeline (link graphs). */
  pipe?: string;
  kind: FigureKind;
  /** Extra words about the command (book's .gnu settings, psad bugs fixed). */
  note?: string;
}

export const FIGURES: readonly FigureSpec[] = [
  {
    id: "14-1",
    page: "spikes",
    title: "Traffic spike: packets to ports per minute",
    question:
      "When did the honeynet see bursts of packets? Every logged packet psad keeps, counted per minute.",
    command: `--gnuplot --CSV-fields "timestamp dp:countmin" --gnuplot-graph lines`,
    reconstructed: true,
    kind: "timeseries",
  },
  {
    id: "14-2",
    page: "spikes",
    title: "Traffic spike: SYN packets to ports per hour",
    question:
      "Were the spikes connection attempts? Only TCP SYN packets (`SYN URGP=` in the line), counted per hour.",
    command: `--gnuplot --CSV-fields "timestamp dp:counthour" --CSV-regex "SYN URGP="`,
    reconstructed: false,
    kind: "timeseries",
    note: 'The .gnu file printed in the book also sets set xrange ["1140887484":"1143867180"] and set yrange [0:3000] (2006 epochs: the book\'s year guess).',
  },
  {
    id: "14-3",
    page: "scans",
    title: "Port scan: source addresses vs. number of unique ports",
    question: "Which sources probed many different ports — the port scanners?",
    command: `--gnuplot --CSV-fields "src dp:countuniq" --gnuplot-graph points`,
    reconstructed: true,
    kind: "ranked",
  },
  {
    id: "14-4",
    page: "scans",
    title: "Port scan: time vs. unique ports",
    question: "When did the scans happen? Distinct destination ports per hour.",
    command: `--gnuplot --CSV-fields "timestamp dp:counthouruniq"`,
    reconstructed: true,
    kind: "timeseries",
  },
  {
    id: "14-5",
    page: "sweeps",
    title: "Port sweep: external sources vs. number of unique local destinations",
    question: "Which outside sources touched many honeynet addresses — the sweepers?",
    command: `--gnuplot --CSV-fields "src:not11.11.0.0/16 dst:countuniq"`,
    reconstructed: true,
    kind: "ranked",
  },
  {
    id: "14-6",
    page: "sweeps",
    title: "Port sweep (3D): external sources vs. destination ports vs. packet counts",
    question: "Which ports did each outside source hit, and how hard?",
    command: `--gnuplot --CSV-fields "src:not11.11.0.0/16 dp:count" --gnuplot-3D`,
    reconstructed: true,
    kind: "points3d",
  },
  {
    id: "14-7",
    page: "sweeps",
    title: "Port sweep: MySQL 3306",
    question: "Who swept the honeynet for MySQL servers, and which addresses did they try?",
    command: `--gnuplot --CSV-fields "src:not11.11.0.0/16 dst dp:3306"`,
    reconstructed: true,
    kind: "points2d",
  },
  {
    id: "14-8",
    page: "sweeps",
    title: "Link graph of the MySQL port sweep",
    question:
      "The same sweep as a link graph: sources fan out to the addresses they probed on 3306.",
    command: `--CSV --CSV-fields "src dst dp:3306"`,
    pipe: "afterglow.pl -c color.nf | neato",
    reconstructed: true,
    kind: "linkgraph",
  },
  {
    id: "14-9",
    page: "slammer",
    title: "Slammer worm: packet counts by the hour",
    question: "How much SQL Slammer traffic (UDP to port 1434) arrived, hour by hour?",
    command: `--gnuplot --CSV-fields "timestamp dp:1434,counthour" --CSV-regex "PROTO=UDP"`,
    reconstructed: true,
    kind: "timeseries",
  },
  {
    id: "14-10",
    page: "slammer",
    title: "Slammer worm: packet counts by the minute",
    question: "The same traffic minute by minute: single worm packets rather than bursts.",
    command: `--gnuplot --CSV-fields "timestamp dp:1434,countmin" --CSV-regex "PROTO=UDP"`,
    reconstructed: true,
    kind: "timeseries",
  },
  {
    id: "14-11",
    page: "nachi",
    title: "Nachi worm traffic by the hour",
    question:
      "How much Nachi traffic — 92-byte ICMP echo requests from outside — arrived, hour by hour?",
    command: `--gnuplot --CSV-fields "timestamp ip_len:92,counthour" --gnuplot-graph lines --gnuplot-xrange 1140887484:1143867180 --CSV-regex "PROTO=ICMP" --CSV-neg-regex "SRC=11.11."`,
    reconstructed: false,
    kind: "timeseries",
    note: "The x range is in 2006 epochs (the book's year guess); the figure here spans the log's real 2005 dates.",
  },
  {
    id: "14-12",
    page: "nachi",
    title: "Link graph of Nachi worm 92-byte ICMP packets",
    question:
      "Who sent the Nachi pings to whom? External sources as ovals, honeynet targets as rectangles, the length 92 as a small circle.",
    command: `--CSV --CSV-fields "src dst ip_len:92" --CSV-max 300 --CSV-regex "PROTO=ICMP.*TYPE=8"`,
    pipe: "perl afterglow.pl -c color.nf | neato -Tpng",
    reconstructed: false,
    kind: "linkgraph",
    note: "psad 2.4.6 prints only 299 rows for --CSV-max 300 (an off-by-one bug); fwglow keeps 300.",
  },
  {
    id: "14-13",
    page: "compromise",
    title: "Compromised honeynet system: point graph of outbound connections",
    question:
      "Which honeynet systems opened connections (SYNs) to the outside, to whom and on which ports?",
    command: `--gnuplot --CSV-fields "src:11.11.0.0/16 dst:not11.11.0.0/16 dp" --CSV-regex "SYN URGP=" --gnuplot-graph points --gnuplot-file-prefix fig14-13 --gnuplot-view 71,63`,
    reconstructed: false,
    kind: "points3d",
  },
  {
    id: "14-14",
    page: "compromise",
    title: "Compromised honeynet system: link graph of outbound connections",
    question: "The same outbound SYNs as a link graph: source → destination → port.",
    command: `--CSV --CSV-fields "src:11.11.0.0/16 dst:not11.11.0.0/16 dp" --CSV-regex "SYN URGP="`,
    pipe: "perl afterglow.pl -c color.nf | neato -Tpng",
    reconstructed: false,
    kind: "linkgraph",
  },
];

/** Splits a command line the way a shell would for these commands (double/single quotes). */
export function shellWords(cmd: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) out.push(m[1] ?? m[2] ?? m[3] ?? "");
  return out;
}

export interface CompiledFigure {
  spec: FigureSpec;
  args: PsadArgs;
  filter: Filter;
  /** The --CSV-fields field names, after alias resolution. */
  names: string[];
  /** The SQL the page runs (over the `events` view, see EVENTS_VIEW_SQL). */
  sql: string;
}

/**
 * The page's `events` view: the page projection (events.arrow) joined with the raw lines
 * (events-raw.arrow, for --CSV-regex).
 */
export const EVENTS_VIEW_SQL = `CREATE OR REPLACE VIEW events AS
SELECT e.*, r.raw
FROM page_events e JOIN raw_lines r USING (file, line)`;

export { PSAD_DEFAULT_SQL };

const indent = (s: string, n: number) => s.replace(/\n/g, `\n${" ".repeat(n)}`);

/** `a AND b AND c` → one criterion per line. */
function whereClause(filter: Filter): string {
  const compiled = toSql(filter);
  const parts = compiled === "TRUE" ? [] : splitAnd(compiled);
  return [
    `WHERE ${PSAD_DEFAULT_SQL}  -- psad drops TCP ACK/RST packets`,
    ...parts.map((p) => `  AND ${p}`),
  ].join("\n");
}

/** Splits the compiler's top-level ` AND ` joins (not those inside parentheses or strings). */
function splitAnd(sql: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'") quote = !quote;
    else if (!quote && c === "(") depth++;
    else if (!quote && c === ")") depth--;
    else if (!quote && depth === 0 && sql.startsWith(" AND ", i)) {
      out.push(sql.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  out.push(sql.slice(start));
  return out;
}

/** SQL for a psad field's value: the filter library's definition (plain columns for addresses). */
function fieldSql(name: string): string {
  if (name === "src" || name === "dst") return name;
  const f = FIELDS.get(name);
  if (!f) throw new Error(`unknown field ${name}`);
  return f.kind === "num" ? f.sql : sqlText(f);
}

/** The figure's SQL: psad's selection (compiled WHERE) and the figure's aggregation. */
export function figureSql(spec: FigureSpec, filter: Filter, args: PsadArgs): string {
  const names = filter.fields.map((f) => f.name);
  const where = whereClause(filter);
  const count = filter.count;
  if (spec.kind === "timeseries") {
    if (!count) throw new Error(`${spec.id}: a time series needs a count mode`);
    const iv = countInterval(count.mode);
    const unit = iv === 60 ? "minute" : iv === 3600 ? "hour" : "day";
    const counted = filter.fields[count.index] as Filter["fields"][number];
    const uniq = countIsUniq(count.mode);
    const valueCol = uniq ? `,\n         ${sqlText(counted.field)} AS v` : "";
    const agg = uniq
      ? `count(DISTINCT v)::INTEGER AS ${counted.name}s`
      : "count(*)::INTEGER AS packets";
    return `-- psad's ${count.mode}: ${iv}-second buckets anchored at the first matching line
WITH matched AS (
  SELECT line, epoch(ts) AS t${valueCol}
  FROM events
  ${indent(where, 2)}
), anchor AS (SELECT arg_min(t, line) AS t0 FROM matched)
SELECT make_timestamp(CAST(1e6 * CASE WHEN t = t0 THEN t0
         ELSE t0 + (ceil((t - t0) / ${iv}) - 1) * ${iv} END AS BIGINT)) AS ${unit},
       ${agg}
FROM matched, anchor
GROUP BY ALL
ORDER BY ${unit}`;
  }
  if (spec.kind === "ranked") {
    if (!count) throw new Error(`${spec.id}: needs a count mode`);
    const x = names[0] as string;
    const y = filter.fields[count.index] as Filter["fields"][number];
    const agg = countIsUniq(count.mode)
      ? `count(DISTINCT ${fieldSql(y.name)})::INTEGER AS ${y.name}s`
      : "count(*)::INTEGER AS packets";
    return `SELECT ${fieldSql(x) === x ? x : `${fieldSql(x)} AS ${x}`},
       ${agg}
FROM events
${where}
GROUP BY ALL
ORDER BY 2 DESC, ${x}`;
  }
  if (spec.kind === "points3d" && count) {
    // X Y:count with --gnuplot-3D → (x, y, rows)
    const [x, y] = names as [string, string];
    const as = (n: string) => (fieldSql(n) === n ? n : `${fieldSql(n)} AS ${n}`);
    return `SELECT ${as(x)}, ${as(y)},
       count(*)::INTEGER AS packets
FROM events
${where}
GROUP BY ALL
ORDER BY packets DESC, ${x}, ${y}`;
  }
  // points / link graphs: the rows psad prints, identical rows merged with a count
  const cols = names.map((n) => (fieldSql(n) === n ? n : `${fieldSql(n)} AS ${n}`)).join(", ");
  if (args.maxLines) {
    return `-- --CSV-max ${args.maxLines}: the first ${args.maxLines} matching lines
WITH kept AS (
  SELECT ${cols}
  FROM events
  ${indent(where, 2)}
  ORDER BY file, line
  LIMIT ${args.maxLines}
)
SELECT ${names.join(", ")}, count(*)::INTEGER AS packets
FROM kept
GROUP BY ALL
ORDER BY packets DESC, ${names.join(", ")}`;
  }
  return `SELECT ${cols},
       count(*)::INTEGER AS packets
FROM events
${where}
GROUP BY ALL
ORDER BY packets DESC, ${names.join(", ")}`;
}

/** Parses a figure's psad command and compiles its filter and SQL. */
export function compileFigure(spec: FigureSpec): CompiledFigure {
  const args = parsePsadArgs(shellWords(spec.command));
  const filter = parseFilter(args.csvFields ?? "", {
    regex: args.csvRegex,
    negRegex: args.csvNegRegex,
  });
  return {
    spec,
    args,
    filter,
    names: filter.fields.map((f) => f.name),
    sql: figureSql(spec, filter, args),
  };
}

/** The full command line as the book writes it. */
export function commandLine(spec: FigureSpec): string {
  return `psad -m iptables.data ${spec.command}${spec.pipe ? ` | ${spec.pipe}` : ""}`;
}
