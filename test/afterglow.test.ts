// `fwglow afterglow` and `fwglow render`: the CLI, and DOT laid out by WebAssembly Graphviz.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { describe, it } from "node:test";
import { command as afterglow, parseArgs } from "../src/cli/afterglow.js";
import type { Io } from "../src/cli/command.js";
import { layout, command as render } from "../src/cli/render.js";
import { buildGraph, toDot } from "../src/lib/graph/index.js";

const FIX = new URL("./fixtures/afterglow/", import.meta.url).pathname;

async function runCmd(
  cmd: typeof afterglow,
  args: string[],
  stdin: string | Buffer = "",
): Promise<{ code: number; out: Buffer; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (c) => out.push(Buffer.from(c)));
  stderr.on("data", (c) => err.push(Buffer.from(c)));
  const io: Io = { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr };
  const code = await cmd.run(args, io);
  return { code, out: Buffer.concat(out), err: Buffer.concat(err).toString() };
}

const svgNodes = (svg: string) => (svg.match(/<g id="node\d+" class="node">/g) ?? []).length;
const svgEdges = (svg: string) => (svg.match(/<g id="edge\d+" class="edge">/g) ?? []).length;

describe("fwglow afterglow", () => {
  const csv = readFileSync(join(FIX, "fig14-14.csv"));

  it("figure 14-14: DOT that neato lays out with every node", async () => {
    const { code, out } = await runCmd(afterglow, ["-c", join(FIX, "color.nf")], csv);
    assert.equal(code, 0);
    const dot = out.toString();
    assert.match(dot, /^digraph structs \{\n/);
    assert.match(dot, /"11\.11\.79\.67" \[fillcolor=lightblue, xlabel="11\.11\.79\.67"\]/);
    assert.match(dot, /" 6667" \[fillcolor=red, xlabel=" 6667"\]/);
    const svg = await layout(dot, "svg", "neato");
    assert.equal(svgNodes(svg), 46); // 1 source + 40 destinations + 5 ports
    // concentrate=true may merge edges; none is lost as a node
    assert.ok(svgEdges(svg) > 0);
  });

  it("option parsing: bundled flags, attached values, -k, --format", () => {
    const p = parseArgs(["-tn", "-o2", "-p", "3", "-k", "-c", "x.conf", "-b1", "-l", "10"]);
    assert.equal(p.graph.twoColumn, true);
    assert.equal(p.graph.noLabels, true);
    assert.equal(p.graph.omitThreshold, 2);
    assert.equal(p.graph.eventSplit, 3);
    assert.equal(p.format, "gdf");
    assert.equal(p.config, "x.conf");
    assert.equal(p.skip, 1);
    assert.equal(p.maxLines, 10);
    assert.equal(parseArgs(["--format", "graphml"]).format, "graphml");
    assert.throws(() => parseArgs(["-p", "4"]), /-p expects/);
    assert.throws(() => parseArgs(["-z"]), /unknown option -z/);
    assert.throws(() => parseArgs(["-j"]), /GraphSON/);
  });

  it("-k writes GDF, --format json the model, -b/-l pick lines", async () => {
    const gdf = (await runCmd(afterglow, ["-k", "-c", join(FIX, "color.nf")], csv)).out.toString();
    assert.match(
      gdf,
      /^nodedef>name VARCHAR,label VARCHAR,width DOUBLE,height DOUBLE,color VARCHAR\n/,
    );
    assert.match(gdf, /\n"11\.11\.79\.67","11\.11\.79\.67",1,1,'173,216,230'\n/);
    assert.match(gdf, /\n" 6667"," 6667",1,1,'255,0,0'\n/); // target colour, not the source's
    const json = JSON.parse(
      (await runCmd(afterglow, ["--format", "json", "-b", "1", "-l", "2"], csv)).out.toString(),
    );
    assert.equal(json.rowCount, 2);
    assert.equal(json.rowsAre, "line numbers");
    assert.deepEqual(json.nodes[0].rows, [2, 3]);
  });

  it("config errors name the file and line; variable= is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fwglow-ag-"));
    const bad = join(dir, "bad.conf");
    writeFileSync(bad, '# x\ncolor.source="red"\nvariable=$x=`id`\n');
    await assert.rejects(runCmd(afterglow, ["-c", bad], "a,b,c\n"), {
      message: new RegExp(`^${bad.replace(/[.\\/]/g, "\\$&")}:3: 'variable=' is refused`),
    });
  });

  it("-v reports counts on stderr", async () => {
    const { err } = await runCmd(afterglow, ["-v"], "a,b,c\nshort\n");
    assert.match(err, /line 2: skipped: expected at least 3 fields/);
    assert.match(err, /rows read: 2, drawn: 1/);
  });
});

describe("hostile strings survive Graphviz", () => {
  it("every node of a hostile DOT is laid out, with its name intact", async () => {
    const hostile = [
      'quo"te',
      "back\\slash",
      "trail\\",
      "new\nline",
      "<b>&amp;</b>",
      "]; evil [",
      "{x}",
      "a -> b",
      "\\N",
    ];
    const rows = hostile.map((h, i) => [h, `e"${i % 2}`, `${hostile[(i + 3) % hostile.length]}!`]);
    const g = buildGraph(rows);
    const svg = await layout(toDot(g), "svg", "neato");
    assert.equal(svgNodes(svg), g.nodes.length);
    assert.equal(svgEdges(svg), g.edges.length);
    // Graphviz writes each node name into <title>, XML-escaped; our \n for a newline stays literal
    const titles = [
      ...svg.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]*)<\/title>/g),
    ].map((m) =>
      (m[1] as string)
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&#45;/g, "-")
        .replace(/&amp;/g, "&"),
    );
    // (Graphviz leaves an existing entity such as "&amp;" unescaped in <title>, so it reads back as "&")
    const expected = g.nodes.map((n) =>
      n.id.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/&amp;/g, "&"),
    );
    assert.deepEqual(new Set(titles), new Set(expected));
    // xlabels are rendered as text: the label of "<b>&amp;</b>" is shown literally
    assert.ok(svg.includes("&lt;b&gt;&amp;amp;&lt;/b&gt;"));
  });
});

describe("fwglow render", () => {
  const dot = 'digraph { a -> b; b -> c; "x y" -> a }';
  it("SVG with one group per node (neato by default)", async () => {
    const { code, out } = await runCmd(render as typeof afterglow, [], dot);
    assert.equal(code, 0);
    const svg = out.toString();
    assert.match(svg, /<svg/);
    assert.equal(svgNodes(svg), 4);
    assert.equal(svgEdges(svg), 3);
  });
  it("PNG and other engines to a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fwglow-render-"));
    const inFile = join(dir, "g.dot");
    writeFileSync(inFile, dot);
    const png = join(dir, "g.png");
    assert.equal(
      (await runCmd(render as typeof afterglow, [inFile, "-o", png, "-K", "dot"])).code,
      0,
    );
    assert.deepEqual(
      [...readFileSync(png).subarray(0, 8)],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    );
    const svgFile = join(dir, "g.svg");
    await runCmd(render as typeof afterglow, ["-", "-o", svgFile, "-K", "sfdp"], dot);
    assert.equal(svgNodes(readFileSync(svgFile, "utf8")), 4);
  });
  it("errors: bad engine, bad DOT", async () => {
    await assert.rejects(runCmd(render as typeof afterglow, ["-K", "nope"], dot), /-K expects/);
    await assert.rejects(runCmd(render as typeof afterglow, [], "digraph { a -> }"), /graphviz/);
  });
});
