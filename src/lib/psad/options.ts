// psad's command-line options for the CSV and gnuplot modes, with Getopt::Long's rules:
// case-sensitive, `--opt value` or `--opt=value`, one or two leading dashes, and any
// unambiguous prefix of a long option (`--gnuplot-graph points`, `--CSV-max 300`).

export interface PsadArgs {
  messagesFile?: string;
  csvStdin: boolean;
  csv: boolean;
  gnuplot: boolean;
  csvFields?: string;
  csvRegex?: string;
  csvNegRegex?: string;
  uniqueLines: boolean;
  maxLines?: number;
  startLine?: number;
  endLine?: number;
  filePrefix?: string;
  datFile?: string;
  plotFile?: string;
  pngFile?: string;
  graphStyle?: string;
  sortStyle?: "time" | "value";
  view?: string;
  xRange?: string;
  yRange?: string;
  zRange?: string;
  xLabel?: string;
  yLabel?: string;
  zLabel?: string;
  title?: string;
  legendTitle?: string;
  threeD: boolean;
  interactive: boolean;
  grayscale: boolean;
  template?: string;
  year?: number;
  keepAckRst: boolean;
  allEvents: boolean;
  quiet: boolean;
}

type Kind = "flag" | "string" | "int";
interface Spec {
  kind: Kind;
  key: keyof PsadArgs;
}

const SPECS: Record<string, Spec> = {
  "messages-file": { kind: "string", key: "messagesFile" },
  "CSV-stdin": { kind: "flag", key: "csvStdin" },
  CSV: { kind: "flag", key: "csv" },
  gnuplot: { kind: "flag", key: "gnuplot" },
  "CSV-fields": { kind: "string", key: "csvFields" },
  "CSV-regex": { kind: "string", key: "csvRegex" },
  "CSV-neg-regex": { kind: "string", key: "csvNegRegex" },
  "CSV-unique-lines": { kind: "flag", key: "uniqueLines" },
  "CSV-max-lines": { kind: "int", key: "maxLines" },
  "CSV-start-line": { kind: "int", key: "startLine" },
  "CSV-end-line": { kind: "int", key: "endLine" },
  "gnuplot-file-prefix": { kind: "string", key: "filePrefix" },
  "gnuplot-dat-file": { kind: "string", key: "datFile" },
  "gnuplot-plot-file": { kind: "string", key: "plotFile" },
  "gnuplot-png-file": { kind: "string", key: "pngFile" },
  "gnuplot-graph-style": { kind: "string", key: "graphStyle" },
  "gnuplot-sort-style": { kind: "string", key: "sortStyle" },
  "gnuplot-view": { kind: "string", key: "view" },
  "gnuplot-x-range": { kind: "string", key: "xRange" },
  "gnuplot-xrange": { kind: "string", key: "xRange" },
  "gnuplot-y-range": { kind: "string", key: "yRange" },
  "gnuplot-yrange": { kind: "string", key: "yRange" },
  "gnuplot-z-range": { kind: "string", key: "zRange" },
  "gnuplot-zrange": { kind: "string", key: "zRange" },
  "gnuplot-x-label": { kind: "string", key: "xLabel" },
  "gnuplot-xlabel": { kind: "string", key: "xLabel" },
  "gnuplot-y-label": { kind: "string", key: "yLabel" },
  "gnuplot-ylabel": { kind: "string", key: "yLabel" },
  "gnuplot-z-label": { kind: "string", key: "zLabel" },
  "gnuplot-zlabel": { kind: "string", key: "zLabel" },
  "gnuplot-title": { kind: "string", key: "title" },
  "gnuplot-legend-title": { kind: "string", key: "legendTitle" },
  "gnuplot-legend-titls": { kind: "string", key: "legendTitle" },
  "gnuplot-3D": { kind: "flag", key: "threeD" },
  "gnuplot-3d": { kind: "flag", key: "threeD" },
  "gnuplot-interactive": { kind: "flag", key: "interactive" },
  "gnuplot-grayscale": { kind: "flag", key: "grayscale" },
  "gnuplot-template": { kind: "string", key: "template" },
  year: { kind: "int", key: "year" },
  "keep-ack-rst": { kind: "flag", key: "keepAckRst" },
  "all-events": { kind: "flag", key: "allEvents" },
  quiet: { kind: "flag", key: "quiet" },
};

export class PsadUsageError extends Error {}

/** Resolve a long option name (exact, else unique prefix; case-sensitive). */
export function resolveOption(name: string): string {
  if (SPECS[name]) return name;
  const hits = Object.keys(SPECS).filter((k) => k.startsWith(name));
  const keys = new Set(hits.map((h) => SPECS[h]?.key));
  if (hits.length === 0) throw new PsadUsageError(`unknown option --${name}`);
  // aliases of one option (gnuplot-3D / gnuplot-3d) are not ambiguous
  if (keys.size > 1)
    throw new PsadUsageError(
      `option --${name} is ambiguous (${hits.map((h) => `--${h}`).join(", ")})`,
    );
  return hits[0] as string;
}

export function parsePsadArgs(argv: readonly string[]): PsadArgs {
  const a: PsadArgs = {
    csvStdin: false,
    csv: false,
    gnuplot: false,
    uniqueLines: false,
    threeD: false,
    interactive: false,
    grayscale: false,
    keepAckRst: false,
    allEvents: false,
    quiet: false,
  };
  const rec = a as unknown as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    let name: string;
    let value: string | undefined;
    if (arg === "-m") {
      name = "messages-file";
    } else if (arg.startsWith("-m") && !arg.startsWith("--")) {
      name = "messages-file";
      value = arg.slice(2);
    } else if (/^--?[A-Za-z]/.test(arg)) {
      const body = arg.replace(/^--?/, "");
      const eq = body.indexOf("=");
      name = resolveOption(eq < 0 ? body : body.slice(0, eq));
      if (eq >= 0) value = body.slice(eq + 1);
    } else {
      throw new PsadUsageError(`unexpected argument '${arg}'`);
    }
    const spec = SPECS[name] as Spec;
    if (spec.kind === "flag") {
      if (value !== undefined) throw new PsadUsageError(`option --${name} takes no value`);
      rec[spec.key] = true;
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new PsadUsageError(`option --${name} requires a value`);
      value = argv[++i] as string;
    }
    if (spec.kind === "int") {
      if (!/^-?\d+$/.test(value))
        throw new PsadUsageError(`option --${name} requires an integer, got '${value}'`);
      rec[spec.key] = Number(value);
    } else {
      rec[spec.key] = value;
    }
  }
  if (a.sortStyle !== undefined && a.sortStyle !== "time" && a.sortStyle !== "value")
    throw new PsadUsageError("--gnuplot-sort-style must be 'time' or 'value'");
  for (const k of ["maxLines", "startLine", "endLine"] as const) {
    const v = a[k];
    if (v !== undefined && v < 0)
      throw new PsadUsageError(
        `--CSV-${k.replace(/[A-Z]/, (c) => `-${c.toLowerCase()}`)} must be >= 0`,
      );
  }
  if (a.startLine && a.endLine && a.startLine > a.endLine)
    throw new PsadUsageError("--CSV-start-line is after --CSV-end-line");
  return a;
}
