// `fwglow afterglow`: CSV on stdin → AfterGlow-compatible DOT (or GDF, GraphML, JSON).
import { readFile, writeFile } from "node:fs/promises";
import {
  type AfterglowConfig,
  buildGraph,
  type GraphOptions,
  parseConfig,
  parseCsv,
  toDot,
  toGdf,
  toGraphML,
  toJson,
} from "../lib/graph/index.js";
import type { Command, Io } from "./command.js";
import { UsageError } from "./command.js";

const usage = `Usage: fwglow afterglow [options] < rows.csv > graph.dot

Turns CSV rows (source,event,target — or source,target) into a link graph, like
AfterGlow 1.6.6 (afterglow.pl), whose options it takes. Configs are interpreted safely:
nothing in them is executed.

Options (AfterGlow's):
  -c FILE     property file (color.*, size.*, shape.*, label.*, threshold.*, cluster.*, url, ...)
  -t          two-column mode (source,target); automatic when the first row has 2 fields
  -p MODE     event node identity: 0 value (default), 1 source+event, 2 event+target, 3 all
  -s          separate source and target nodes of equal value
  -o N        omit nodes seen in N rows or fewer
  -f N        keep only sources with more than N distinct neighbours (fan-out)
  -g N        keep only events with more than N distinct targets
  -n          no node labels
  -d          append counts to node labels
  -e LEN      edge length (default 1.5)
  -m SIZE     maximum node size (default 0.2)
  -x COLOR    label colour (default black)
  -a          no configuration summary in the graph label
  -b N        skip the first N lines (AfterGlow skips N-1)
  -l N        read at most N lines (after the skipped ones)
  -k          GDF output (Gephi); same as --format gdf
  -i FILE     read FILE instead of stdin
  -w FILE     write FILE instead of stdout
  -v          verbose: settings and counts on stderr
  -q          quiet: no warnings
Options (fwglow's):
  --format F  dot (default), gdf, graphml, json
  --no-rows   json: leave out the rows behind nodes and edges
  -h, --help  this help

Example (figure 14-14 of Linux Firewalls):
  fwglow psad --CSV --CSV-fields "src:11.11.0.0/16 dst:not11.11.0.0/16 dp" \\
      --CSV-regex "SYN URGP=" | fwglow afterglow -c color.nf | fwglow render -o fig14-14.svg
`;

type Format = "dot" | "gdf" | "graphml" | "json";

interface Parsed {
  config?: string;
  format?: Format;
  input?: string;
  output?: string;
  verbose: boolean;
  quiet: boolean;
  noRows: boolean;
  printSources: boolean;
  skip?: number;
  maxLines?: number;
  graph: GraphOptions;
}

const WITH_VALUE = new Set(["c", "p", "o", "f", "g", "e", "m", "x", "b", "l", "i", "w"]);
const FLAGS = new Set(["t", "s", "n", "d", "a", "k", "j", "v", "q", "r"]);

function intArg(opt: string, v: string, min = 0): number {
  if (!/^\d+$/.test(v) || Number(v) < min)
    throw new UsageError(`-${opt} expects a whole number${min ? ` >= ${min}` : ""}, got '${v}'`);
  return Number(v);
}
function numArg(opt: string, v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`-${opt} expects a positive number, got '${v}'`);
  return n;
}

export function parseArgs(args: string[]): Parsed {
  const p: Parsed = { verbose: false, quiet: false, noRows: false, printSources: false, graph: {} };
  const set = (opt: string, v: string) => {
    switch (opt) {
      case "c":
        p.config = v;
        break;
      case "p": {
        const n = intArg(opt, v);
        if (n > 3) throw new UsageError(`-p expects 0, 1, 2 or 3, got '${v}'`);
        p.graph.eventSplit = n as 0 | 1 | 2 | 3;
        break;
      }
      case "o":
        p.graph.omitThreshold = intArg(opt, v);
        break;
      case "f":
        p.graph.sourceFanOut = intArg(opt, v);
        break;
      case "g":
        p.graph.eventFanOut = intArg(opt, v);
        break;
      case "e":
        p.graph.edgeLength = numArg(opt, v);
        break;
      case "m":
        p.graph.maxNodeSize = numArg(opt, v);
        break;
      case "x":
        p.graph.labelColor = v;
        break;
      case "b":
        p.skip = intArg(opt, v);
        break;
      case "l":
        p.maxLines = intArg(opt, v, 1);
        break;
      case "i":
        p.input = v;
        break;
      case "w":
        p.output = v;
        break;
    }
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--format" || a.startsWith("--format=")) {
      const v = a.includes("=") ? a.slice(9) : args[++i];
      if (v !== "dot" && v !== "gdf" && v !== "graphml" && v !== "json")
        throw new UsageError(`--format expects dot, gdf, graphml or json, got '${v ?? ""}'`);
      p.format = v;
      continue;
    }
    if (a === "--no-rows") {
      p.noRows = true;
      continue;
    }
    if (a === "--") {
      if (i + 1 < args.length) throw new UsageError(`unexpected argument '${args[i + 1]}'`);
      break;
    }
    if (!a.startsWith("-") || a === "-" || a.startsWith("--"))
      throw new UsageError(`unexpected argument '${a}' (input is read from stdin, or -i FILE)`);
    // Getopt::Std style: bundled flags, values attached or separate
    for (let j = 1; j < a.length; j++) {
      const opt = a[j] as string;
      if (WITH_VALUE.has(opt)) {
        let v = a.slice(j + 1);
        if (v === "") {
          const next = args[++i];
          if (next === undefined) throw new UsageError(`-${opt} needs a value`);
          v = next;
        }
        set(opt, v);
        break;
      }
      if (!FLAGS.has(opt)) throw new UsageError(`unknown option -${opt}`);
      switch (opt) {
        case "t":
          p.graph.twoColumn = true;
          break;
        case "s":
          p.graph.splitNodes = true;
          break;
        case "n":
          p.graph.noLabels = true;
          break;
        case "d":
          p.graph.showCounts = true;
          break;
        case "a":
          p.graph.noGraphLabel = true;
          break;
        case "k":
          p.format = "gdf";
          break;
        case "j":
          throw new UsageError(
            "-j (GraphSON) is not supported; use --format json or --format graphml",
          );
        case "v":
          p.verbose = true;
          break;
        case "q":
          p.quiet = true;
          break;
        case "r":
          p.printSources = true;
          break;
      }
    }
  }
  return p;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

async function run(args: string[], io: Io): Promise<number> {
  const p = parseArgs(args);
  let config: AfterglowConfig | undefined;
  if (p.config !== undefined) {
    let text: string;
    try {
      text = await readFile(p.config, "utf8");
    } catch (e) {
      throw new Error(`cannot read config ${p.config}: ${(e as Error).message}`);
    }
    config = parseConfig(text, p.config);
  }
  const text = p.input !== undefined ? await readFile(p.input, "utf8") : await readAll(io.stdin);
  const csvOpts: { skip?: number; maxLines?: number } = {};
  if (p.skip !== undefined) csvOpts.skip = p.skip;
  if (p.maxLines !== undefined) csvOpts.maxLines = p.maxLines;
  const { rows, lines } = parseCsv(text, csvOpts);
  const options: GraphOptions = { ...p.graph };
  if (config) options.config = config;
  const graph = buildGraph(rows, options);
  const format: Format = p.format ?? (config?.format === "gdf" ? "gdf" : "dot");
  if (config?.format === "graphson" && !p.quiet)
    io.stderr.write("fwglow afterglow: graphson=1 is not supported; writing DOT\n");
  let out: string;
  switch (format) {
    case "gdf":
      out = toGdf(graph, { duplicateLabels: config?.labelDuplicate === true });
      break;
    case "graphml":
      out = toGraphML(graph);
      break;
    case "json":
      out = toJson(graph, { lines, omitRows: p.noRows });
      break;
    default:
      out = toDot(graph);
  }
  if (p.output !== undefined) await writeFile(p.output, out);
  else io.stdout.write(out);
  if (p.printSources) {
    for (const n of graph.nodes) if (n.kind === "source") io.stderr.write(`${n.label}\n`);
  }
  if (!p.quiet) {
    const bad = graph.skipped.filter((s) => s.reason !== "invisible");
    for (const s of bad.slice(0, 5))
      io.stderr.write(`fwglow afterglow: line ${lines[s.row]}: skipped: ${s.reason}\n`);
    if (bad.length > 5)
      io.stderr.write(`fwglow afterglow: ... ${bad.length - 5} more rows skipped\n`);
  }
  if (p.verbose) {
    io.stderr.write(
      [
        `rows read: ${graph.rowCount}, drawn: ${graph.drawnRows}, skipped: ${graph.skipped.length}`,
        `mode: ${graph.twoColumn ? "two columns (source -> target)" : "three columns (source -> event -> target)"}`,
        `nodes: ${graph.nodes.length} (${["source", "event", "target"].map((k) => `${graph.nodes.filter((n) => n.kind === k).length} ${k}`).join(", ")}), edges: ${graph.edges.length}`,
        `config: ${p.config ?? "(none)"}`,
        "",
      ].join("\n"),
    );
  }
  return 0;
}

export const command: Command = {
  name: "afterglow",
  summary: "CSV rows -> AfterGlow-compatible link graph (DOT, GDF, GraphML, JSON)",
  usage,
  run,
};
