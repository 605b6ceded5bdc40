// `fwglow render`: lays out DOT with Graphviz compiled to WebAssembly (no system Graphviz)
// and writes SVG, PNG (rasterized with resvg) or any Graphviz text format.
import { readFile, writeFile } from "node:fs/promises";
import type { Command, Io } from "./command.js";
import { UsageError } from "./command.js";

const ENGINES = ["neato", "dot", "fdp", "sfdp", "circo", "twopi", "osage", "patchwork"] as const;
type Engine = (typeof ENGINES)[number];
const TEXT_FORMATS = ["svg", "dot", "xdot", "json", "plain", "plain-ext", "canon"] as const;
type Format = (typeof TEXT_FORMATS)[number] | "png";

const usage = `Usage: fwglow render [IN.dot|-] [-o OUT.svg|OUT.png] [-K ENGINE] [-T FORMAT]

Lays out a DOT graph (from a file, or stdin with - or no argument) with Graphviz
compiled to WebAssembly — no Graphviz installation needed — like \`neato -Tpng\`.

Options:
  -o FILE     output file (default: stdout); the format follows its extension
  -K ENGINE   layout: ${ENGINES.join(", ")} (default neato, as the book)
  -T FORMAT   svg (default), png, ${TEXT_FORMATS.filter((f) => f !== "svg").join(", ")}
  --scale N   PNG: pixels per SVG point (default 1.5)
  -h, --help  this help

Example:
  fwglow afterglow -c color.nf < fig14-14.csv | fwglow render -o fig14-14.png
`;

interface Parsed {
  input: string;
  output?: string;
  engine: Engine;
  format?: Format;
  scale: number;
}

function parseArgs(args: string[]): Parsed {
  const p: Parsed = { input: "-", engine: "neato", scale: 1.5 };
  let gotInput = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const value = (name: string): string => {
      const attached = a.length > 2 && !a.startsWith("--") ? a.slice(2) : undefined;
      const v = attached ?? args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === "-o" || (a.startsWith("-o") && a.length > 2)) p.output = value("-o");
    else if (a === "-K" || (a.startsWith("-K") && a.length > 2)) {
      const v = value("-K");
      if (!(ENGINES as readonly string[]).includes(v))
        throw new UsageError(`-K expects one of ${ENGINES.join(", ")}, got '${v}'`);
      p.engine = v as Engine;
    } else if (a === "-T" || (a.startsWith("-T") && a.length > 2)) {
      const v = value("-T");
      if (v !== "png" && !(TEXT_FORMATS as readonly string[]).includes(v))
        throw new UsageError(
          `-T expects svg, png or ${TEXT_FORMATS.slice(1).join(", ")}, got '${v}'`,
        );
      p.format = v as Format;
    } else if (a === "--scale") {
      const v = Number(value("--scale"));
      if (!Number.isFinite(v) || v <= 0 || v > 20)
        throw new UsageError("--scale expects a number in (0, 20]");
      p.scale = v;
    } else if (a === "-" || !a.startsWith("-")) {
      if (gotInput) throw new UsageError(`only one input, got '${p.input}' and '${a}'`);
      p.input = a;
      gotInput = true;
    } else throw new UsageError(`unknown option ${a}`);
  }
  return p;
}

function formatOf(p: Parsed): Format {
  if (p.format) return p.format;
  const ext = p.output?.toLowerCase().match(/\.([a-z-]+)$/)?.[1];
  if (ext === "png") return "png";
  if (ext === "gv") return "dot";
  if (ext && (TEXT_FORMATS as readonly string[]).includes(ext)) return ext as Format;
  if (ext !== undefined && ext !== "svg")
    throw new UsageError(`unknown output type .${ext}; use -T`);
  return "svg";
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Lays out `dot` with the given engine; returns Graphviz's output as text. */
export async function layout(
  dot: string,
  format: Exclude<Format, "png">,
  engine: Engine = "neato",
): Promise<string> {
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  const gv = await Graphviz.load();
  return gv.layout(dot, format as Parameters<typeof gv.layout>[1], engine);
}

/** Rasterizes an SVG to PNG (resvg, system fonts). */
export async function svgToPng(svg: string, scale = 1.5): Promise<Buffer> {
  let mod: typeof import("@resvg/resvg-js");
  try {
    mod = await import("@resvg/resvg-js");
  } catch {
    throw new Error("PNG output needs @resvg/resvg-js (npm install); SVG works without it");
  }
  const r = new mod.Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Serif", serifFamily: "DejaVu Serif" },
  });
  return r.render().asPng();
}

async function run(args: string[], io: Io): Promise<number> {
  const p = parseArgs(args);
  const format = formatOf(p);
  const dot = p.input === "-" ? await readAll(io.stdin) : await readFile(p.input, "utf8");
  if (dot.trim() === "") throw new Error("empty input: expected a DOT graph");
  let out: string | Buffer;
  try {
    const svgOrText = await layout(dot, format === "png" ? "svg" : format, p.engine);
    out = format === "png" ? await svgToPng(svgOrText, p.scale) : svgOrText;
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    throw new Error(`graphviz: ${msg.trim()}`);
  }
  if (p.output !== undefined) await writeFile(p.output, out);
  else io.stdout.write(out);
  return 0;
}

export const command: Command = {
  name: "render",
  summary: "lay out DOT with WebAssembly Graphviz (neato) -> SVG or PNG",
  usage,
  run,
};
