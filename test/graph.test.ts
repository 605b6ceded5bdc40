// The AfterGlow-compatible graph engine: model, options, config interpreter, writers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import {
  buildGraph,
  ConfigError,
  compileExpression,
  type EvalContext,
  type Graph,
  type GraphOptions,
  parseConfig,
  parseCsv,
  parseCsvLine,
  perlRegex,
  toDot,
  toGdf,
  toGraphML,
  toJson,
} from "../src/lib/graph/index.js";

const FIX = new URL("./fixtures/afterglow/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIX), "utf8");
const colorNf = () => parseConfig(fixture("color.nf"), "color.nf");

const rowsOf = (csv: string) => parseCsv(csv).rows;
const graph = (csv: string, opts: GraphOptions = {}) => buildGraph(rowsOf(csv), opts);
const ids = (g: Graph, kind?: string) =>
  g.nodes.filter((n) => kind === undefined || n.kind === kind).map((n) => n.id);
const edgeList = (g: Graph) =>
  g.edges.map((e) => `${g.nodes[e.source]?.id}->${g.nodes[e.target]?.id}`);

describe("figure 14-14: psad CSV + color.nf", () => {
  const csv = fixture("fig14-14.csv");
  const rows = rowsOf(csv);
  const g = buildGraph(rows, { config: colorNf() });

  it("reads psad's ', ' rows with the leading space kept", () => {
    assert.equal(rows.length, 141);
    assert.deepEqual(rows[0], ["11.11.79.67", " 81.196.20.134", " 80"]);
  });

  it("has one source, the distinct destinations as events, the distinct ports as targets", () => {
    const dsts = [...new Set(rows.map((r) => r[1]))];
    const ports = [...new Set(rows.map((r) => r[2]))];
    assert.deepEqual(ids(g, "source"), ["11.11.79.67"]);
    assert.deepEqual(ids(g, "event"), dsts);
    assert.deepEqual(ids(g, "target"), ports);
    assert.equal(g.nodes.length, 1 + dsts.length + ports.length);
    assert.ok(ports.includes(" 22") && ports.includes(" 6667"));
  });

  it("colours nodes by color.nf's rules (first true expression wins, last row wins)", () => {
    const lastPort = new Map<string, string>();
    for (const r of rows) lastPort.set(r[1] as string, (r[2] as string).trim());
    for (const n of g.nodes) {
      if (n.kind === "source") assert.equal(n.color, "lightblue");
      if (n.kind === "event") {
        const p = lastPort.get(n.id);
        assert.equal(n.color, p === "6667" ? "yellow" : p === "22" ? "orange" : "palegreen", n.id);
        assert.equal(n.shape, "box");
      }
      if (n.kind === "target") {
        const p = n.id.trim();
        assert.equal(n.color, p === "6667" ? "red" : p === "22" ? "orangered" : "lightgray");
        assert.equal(n.shape, "ellipse");
      }
    }
  });

  it("keeps edges source→destination→port with row counts as weights", () => {
    const want = new Map<string, number>();
    for (const [s, d, p] of rows) {
      want.set(`${s}->${d}`, (want.get(`${s}->${d}`) ?? 0) + 1);
      want.set(`${d}->${p}`, (want.get(`${d}->${p}`) ?? 0) + 1);
    }
    const got = new Map(g.edges.map((e, i) => [edgeList(g)[i] as string, e.weight]));
    assert.deepEqual(got, want);
    assert.equal(
      g.edges.reduce((a, e) => a + (e.kind === "source-event" ? e.weight : 0), 0),
      141,
    );
    for (const e of g.edges) for (const r of e.rows) assert.ok(r >= 0 && r < rows.length);
  });

  it("writes DOT lines as AfterGlow does, deterministically", () => {
    const dot = toDot(g);
    const lines = dot.split("\n");
    assert.equal(lines[0], "digraph structs {");
    assert.equal(lines[1], 'graph [label="AfterGlow 1.6.6 - Property File: color.nf", fontsize=8]');
    assert.equal(
      lines[2],
      'node [shape=ellipse, style=filled, penwidth=0, fontsize=10, width=0.2, height=0.2, fontcolor="black", label="" ];',
    );
    assert.equal(lines[3], "edge [len=1.5];");
    assert.equal(lines[4], "concentrate=true;");
    assert.equal(lines[5], '"11.11.79.67" [fillcolor=lightblue, xlabel="11.11.79.67"]');
    assert.ok(lines.includes('" 22" [fillcolor=orangered, xlabel=" 22"]'));
    assert.ok(lines.includes('"11.11.79.67" -> " 81.196.20.134"'));
    assert.ok(lines.includes('" 81.196.20.134" -> " 80"'));
    assert.equal(toDot(buildGraph(rows, { config: colorNf() })), dot);
  });
});

describe("figure 14-12 (Nachi ICMP)", () => {
  it("external sources → honeynet targets (boxes) → the single 92 node", () => {
    const rows = rowsOf(fixture("fig14-12.csv"));
    const g = buildGraph(rows, { config: colorNf() });
    assert.deepEqual(ids(g, "target"), [" 92"]);
    assert.equal(ids(g, "source").length, new Set(rows.map((r) => r[0])).size);
    assert.ok(g.nodes.filter((n) => n.kind === "event").every((n) => n.shape === "box"));
  });
});

describe("the configs published with AfterGlow", () => {
  const csv =
    "192.168.1.5,10.0.0.1,80\n10.1.2.3,192.168.0.7,8080\n172.16.4.4,172.16.9.9,22\n8.8.8.8,1.1.1.1,443\n";
  it("sample.properties: colours, sourcetarget, edge colour and size, url", () => {
    const cfg = parseConfig(fixture("sample.properties"), "sample.properties");
    const g = graph(`${csv}10.0.0.1,9.9.9.9,80\n`, { config: cfg });
    const color = (id: string) => g.nodes.find((n) => n.id === id)?.color;
    assert.equal(color("192.168.1.5"), "yellow");
    assert.equal(color("10.1.2.3"), "greenyellow");
    assert.equal(color("172.16.4.4"), "lightyellow4");
    assert.equal(color("8.8.8.8"), "red");
    assert.equal(color("192.168.0.7"), "yellow"); // event
    assert.equal(color("1.1.1.1"), "green");
    assert.equal(color("80"), "blue");
    assert.equal(color("8080"), "lightblue");
    // 10.0.0.1 is an event and a source: drawn once, as a source
    assert.equal(g.nodes.filter((n) => n.id === "10.0.0.1").length, 1);
    assert.ok(g.edges.every((e) => e.color === "blue" && e.size === 1));
    const dot = toDot(g);
    assert.match(
      dot,
      /URL="http:\/\/localhost:8000\/en-US\/app\/search\/flashtimeline\?q=%20\\N%20starthoursago%3A%3A24"/,
    );
    assert.match(dot, /"192\.168\.1\.5" -> "10\.0\.0\.1" \[color=blue,style=solid,penwidth=1\];/);
  });
  it("color.sourcetarget colours a node that is both source and target", () => {
    const cfg = parseConfig(fixture("sample.properties"), "sample.properties");
    const g = graph("1.2.3.4,x,5.6.7.8\n5.6.7.8,y,1.2.3.4\n", { config: cfg });
    assert.deepEqual(
      g.nodes.filter((n) => n.kind === "source").map((n) => n.color),
      ["pink", "pink"],
    );
  });
  it("parsers-color.properties: numeric comparison on a port column", () => {
    const cfg = parseConfig(fixture("parsers-color.properties"), "parsers-color.properties");
    const g = graph(csv, { config: cfg });
    const color = (id: string) => g.nodes.find((n) => n.id === id)?.color;
    assert.equal(color("80"), "blue");
    assert.equal(color("8080"), "lightblue");
    assert.equal(color("1.1.1.1"), "red");
  });
  it("with no config every node is antiquewhite", () => {
    const g = graph(csv);
    assert.ok(g.nodes.every((n) => n.color === "antiquewhite"));
  });
  it("values that are not colours get the palette in order", () => {
    const cfg = parseConfig('color.source=$fields[0]\ncolor="blue"\n', "c");
    const g = graph("a,x,t\nb,x,t\na,y,t\n", { config: cfg });
    assert.deepEqual(
      g.nodes.filter((n) => n.kind === "source").map((n) => n.color),
      // palette index 1 first, as AfterGlow (colors[1] is antiquewhite)
      ["antiquewhite", "antiquewhite1"],
    );
  });
});

describe("options", () => {
  const csv = "a,x,t1\na,y,t2\nb,x,t1\nc,x,t3\nc,x,t3\n";
  it("-p 0..3: event node identity", () => {
    assert.deepEqual(ids(graph(csv), "event"), ["x", "y"]);
    assert.deepEqual(ids(graph(csv, { eventSplit: 1 }), "event"), ["a x", "a y", "b x", "c x"]);
    assert.deepEqual(ids(graph(csv, { eventSplit: 2 }), "event"), ["x t1", "y t2", "x t3"]);
    assert.deepEqual(ids(graph(csv, { eventSplit: 3 }), "event"), [
      "a x t1",
      "a y t2",
      "b x t1",
      "c x t3",
    ]);
    // the label stays the event value
    assert.ok(
      graph(csv, { eventSplit: 3 })
        .nodes.filter((n) => n.kind === "event")
        .every((n) => n.label === "x" || n.label === "y"),
    );
  });
  it("-s: separate source and target nodes of equal value", () => {
    const c = "h1,e,h2\nh2,e,h1\n";
    assert.equal(graph(c).nodes.length, 3);
    const g = graph(c, { splitNodes: true });
    assert.deepEqual(ids(g), ["S:h1", "S:h2", "e", "T:h2", "T:h1"]);
    assert.deepEqual(
      g.nodes.map((n) => n.label),
      ["h1", "h2", "e", "h2", "h1"],
    );
  });
  it("-o: omits nodes seen in N rows or fewer, and their edges", () => {
    const g = graph(csv, { omitThreshold: 1 });
    // a (2 rows), c (2), x (4), t1 (2), t3 (2) survive; rows through b, y, t2 go
    assert.deepEqual(ids(g), ["a", "c", "x", "t1", "t3"]);
    assert.deepEqual(edgeList(g), ["a->x", "c->x", "x->t1", "x->t3"]);
    assert.equal(g.edges.find((e) => edgeList(g)[e.index] === "x->t3")?.weight, 2);
    assert.match(toDot(g), /Omit Threshold: 1/);
  });
  it("-f: keeps sources with more than N distinct events, without stray edges", () => {
    const g = graph(csv, { sourceFanOut: 1 });
    assert.deepEqual(ids(g, "source"), ["a"]);
    // AfterGlow would also draw x->t3 (reached only from the omitted c): not here
    assert.deepEqual(edgeList(g), ["a->x", "a->y", "x->t1", "y->t2"]);
  });
  it("-g: keeps events with more than N distinct targets", () => {
    const g = graph(csv, { eventFanOut: 1 });
    assert.deepEqual(ids(g, "event"), ["x"]);
    assert.deepEqual(edgeList(g), ["a->x", "b->x", "c->x", "x->t1", "x->t3"]);
  });
  it("-t and two-field detection: source → target", () => {
    const g = graph("a,b\nb,c\n");
    assert.equal(g.twoColumn, true);
    assert.deepEqual(edgeList(g), ["a->b", "b->c"]);
    const t = graph("a,b,meta\nb,c,meta\n", { twoColumn: true });
    assert.deepEqual(edgeList(t), ["a->b", "b->c"]);
    assert.ok(t.edges.every((e) => e.kind === "source-target"));
    const cfg = parseConfig('color.target="red" if ($fields[2] eq "meta")\n', "c");
    assert.equal(graph("a,b,meta\n", { twoColumn: true, config: cfg }).nodes[1]?.color, "red");
  });
  it("-n and -d: no labels, counts", () => {
    assert.ok(graph(csv, { noLabels: true }).nodes.every((n) => n.label === ""));
    const d = graph(csv, { showCounts: true });
    assert.equal(d.nodes.find((n) => n.id === "x")?.label, "x : 4");
    assert.match(toDot(d), /"x" \[shape=box, fillcolor=antiquewhite, xlabel="x : 4"\]/);
  });
  it("-e, -m, -x, -a in the DOT header", () => {
    const dot = toDot(
      graph(csv, { edgeLength: 3, maxNodeSize: 0.5, labelColor: "#222222", noGraphLabel: true }),
    );
    assert.match(dot, /edge \[len=3\];/);
    assert.match(dot, /width=0\.5, height=0\.5, fontcolor="#222222"/);
    assert.match(dot, /graph \[label="AfterGlow 1\.6\.6", fontsize=8\]/);
  });
  it("thresholds, shapes, clusters, sizes and labels from a config", () => {
    const cfg = parseConfig(
      [
        "threshold.source=1",
        "shape.target=triangle",
        "shape.source=box",
        'cluster.target=regex_replace("^(t)\\\\d") . "*" if (match("^t[12]"))',
        "size.event=$fields[2] eq 't*' ? 4 : 2",
        "maxnodesize=1",
        'label.event="E:".field()',
        "xlabels=0",
        "concentrate=0",
      ].join("\n"),
      "c",
    );
    const g = graph(csv, { config: cfg });
    assert.deepEqual(ids(g, "source"), ["a", "c"]);
    assert.deepEqual(ids(g, "target"), ["t*", "t3"]);
    assert.ok(g.nodes.filter((n) => n.kind === "target").every((n) => n.shape === "triangle"));
    const x = g.nodes.find((n) => n.id === "x");
    assert.equal(x?.label, "E:x");
    const dot = toDot(g);
    assert.match(dot, /"a" \[fillcolor=antiquewhite, label="a",shape=box\]/);
    assert.match(dot, /fixedsize=true/);
    assert.doesNotMatch(dot, /concentrate/);
    assert.match(
      dot,
      /"x" \[shape=box, fillcolor=antiquewhite, label="E:x",width="[\d.]+",height="[\d.]+"\]/,
    );
  });
  it("invisible rows are dropped entirely", () => {
    const cfg = parseConfig('color.target="invisible" if ($fields[2] eq "t3")\n', "c");
    const g = graph(csv, { config: cfg });
    assert.ok(!ids(g).includes("t3") && !ids(g).includes("c"));
    assert.equal(g.skipped.filter((s) => s.reason === "invisible").length, 2);
  });
  it("short rows are reported, not drawn", () => {
    const g = graph("a,b,c\nonly\n");
    assert.equal(g.skipped.length, 1);
    assert.equal(g.drawnRows, 1);
  });
});

describe("expression interpreter", () => {
  const ctx = (fields: string[], type = "target"): EvalContext => ({
    fields,
    type,
    field: type === "source" ? fields[0] : type === "event" ? fields[1] : fields[2],
  });
  const ev = (src: string, fields = ["10.1.2.3", " 22", " 6667"], type = "target") =>
    compileExpression(src)(ctx(fields, type));
  it("literals, comparisons and Perl truthiness", () => {
    assert.equal(ev('"red" if ($fields[2]==6667)'), "red");
    assert.equal(ev('"red" if ($fields[2]==22)'), "");
    assert.equal(ev("$fields[1] < 1024 && $fields[2] >= 6667"), 1);
    assert.equal(ev('$fields[0] eq "10.1.2.3" ? "a" : "b"'), "a");
    assert.equal(ev('"x" unless ($fields[0] ne "10.1.2.3")'), "x");
    assert.equal(ev("!0"), 1);
    assert.equal(ev("!'0.0'"), "");
    assert.equal(ev('"0" || "" || "z"'), "z");
    assert.equal(ev("$fields[9]"), undefined);
    assert.equal(ev("$fields[-1]"), " 6667");
    assert.equal(ev("2 + 3 * 4 . 'x'"), "14x");
    assert.equal(ev("red"), "red");
  });
  it("regexes, match(), regex_replace(), subnet(), field()", () => {
    assert.equal(ev("$fields[0] =~ /^10\\./"), 1);
    assert.equal(ev("$fields[1] =~ /^22/"), "");
    assert.equal(ev("$fields[1] =~ /^\\s*22$/"), 1);
    assert.equal(ev("$fields[0] !~ m{^192}"), 1);
    assert.equal(ev("match('^\\s*66')", undefined, "target"), 1);
    // in Perl's double quotes "\s" is just "s"
    assert.equal(ev('match("^\\s*66")', undefined, "target"), "");
    assert.equal(ev('regex_replace("(\\\\d+)\\\\.\\\\d+") . "/8"', undefined, "source"), "10/8");
    assert.equal(ev('subnet($fields[0], "10.0.0.0/8")'), 1);
    assert.equal(ev('subnet(field(), "10.1.0.0/16")', undefined, "source"), 1);
    assert.equal(ev('subnet(" 11.11.79.67", "11.11.0.0/16")'), 1);
    assert.equal(ev('subnet("2001:db8::1", "2001:db8::/32")'), 1);
    assert.equal(ev("field()", undefined, "event"), " 22");
    assert.equal(ev('$type eq "target"'), 1);
    assert.equal(ev("get_severity(10)"), "#CC0000");
  });
  it("refuses anything outside the subset, with a position", () => {
    for (const bad of [
      "system('rm -rf /')",
      "`id`",
      "$x = 1",
      "$sourceCount{$sourceName}",
      "@fields",
      "eval 'x'",
      '"a$fields[0]"',
      "$fields[0] =~ s/a/b/",
      "$fields[0] =~ /(?{ die })/",
      "$fields[0] =~ /a++/",
      "do { 1 }",
      "1 +",
    ]) {
      assert.throws(
        () => compileExpression(bad)(ctx(["a", "b", "c"])),
        (e: Error) => e.message.length > 0,
        bad,
      );
    }
  });
});

describe("Perl → JS regex", () => {
  it("translates the subset and rejects the rest", () => {
    assert.ok(perlRegex("^\\s*11\\.11\\.").test(" 11.11.79.67"));
    assert.ok(perlRegex("foo$").test("foo\n"));
    assert.ok(perlRegex("\\Aab\\z").test("ab"));
    assert.ok(!perlRegex("\\Aab\\z").test("ab\n"));
    assert.ok(perlRegex("[[:digit:]]+", "").test("42"));
    assert.ok(perlRegex("a b # comment\n c", "x").test("abc"));
    assert.ok(perlRegex("\\Qa.b\\E").test("a.b") && !perlRegex("\\Qa.b\\E").test("axb"));
    assert.ok(perlRegex("ABC", "i").test("abc"));
    for (const bad of ["(?{1})", "a++", "\\G", "(?>a)", "$var", "\\p{L}", "[a"]) {
      assert.throws(() => perlRegex(bad), Error, bad);
    }
  });
});

describe("config files", () => {
  it("errors name the file and the line", () => {
    assert.throws(
      () => parseConfig('# c\ncolor.source="red"\ncolor.target=foo(1)\n', "my.conf"),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.line === 3 &&
        /^my\.conf:3: .*unknown function foo/.test(e.message),
    );
    assert.throws(() => parseConfig("colour.source=red\n", "x.conf"), {
      message: /^x\.conf:1: unrecognized entry 'colour.source'/,
    });
    assert.throws(() => parseConfig("\n\nshape.source=hexagon\n", "x.conf"), {
      message: /^x\.conf:3: unrecognized value for shape.source/,
    });
    assert.throws(() => parseConfig("threshold=abc\n", "x.conf"), {
      message: /^x\.conf:1: threshold must be/,
    });
  });
  it("variable= is refused with an explanation", () => {
    assert.throws(
      () => parseConfig('color="red"\nvariable=@hosts=("a","b");\n', "v.conf"),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.line === 2 &&
        /variable=.*refused.*never executes/s.test(e.message),
    );
  });
  it("comment, quote and semicolon rules follow AfterGlow", () => {
    const cfg = parseConfig(
      'color.source="yellow" if ($fields[0]=~/^192\\.168\\..*/);\ncolor.edge=#22222270\nlabel.edge=$fields[2]      # trailing comment\nmaxnodesize=0.2\nexit\ncolor.target=nonsense(\n',
      "c",
    );
    assert.equal(cfg.color.source.length, 1);
    assert.equal(cfg.color.edge[0]?.hex, "#22222270");
    assert.equal(cfg.label.edge[0]?.text, "$fields[2]");
    assert.equal(cfg.maxNodeSize, 0.2); // AfterGlow turns this into 0
  });
});

describe("hostile strings are escaped in every format", () => {
  const hostile = [
    'quo"te',
    "back\\slash",
    "trail\\",
    "new\nline",
    "<b>&amp;</b>",
    "semi;colon,comma",
    "]; evil [",
    "'single'",
    "tab\there",
    "ctl\u0001char",
    "uni \u2028 ü 😀",
  ];
  const csv = hostile
    .map((h, i) => [h, `ev${i % 3}`, hostile[(i + 1) % hostile.length] as string])
    .map((r) => r.map((f) => `"${f.replace(/"/g, '""')}"`).join(","))
    .join("\n");
  // newline inside a field: one record per line is AfterGlow's rule, so build rows directly
  const rows = hostile.map((h, i) => [
    h,
    `ev${i % 3}`,
    hostile[(i + 1) % hostile.length] as string,
  ]);
  const g = buildGraph(rows, {
    config: parseConfig('label.edge=$fields[0]\ncolor.edge="red"\n', "c"),
  });

  it("CSV quoting round-trips except for newlines", () => {
    const back = parseCsv(csv).rows.filter((r) => r.length === 3);
    assert.ok(back.some((r) => r[0] === 'quo"te'));
  });

  it("DOT: node ids are distinct and labels survive", () => {
    const dot = toDot(g);
    // every statement is on one line: count node lines
    const nodeLines = dot
      .split("\n")
      .filter((l) => /^"[^\n]*" \[[^\n]*\]$/.test(l) && !l.includes("->"));
    assert.equal(nodeLines.length, g.nodes.length);
    assert.ok(dot.includes('xlabel="quo\\"te"'));
    assert.ok(dot.includes('xlabel="back\\\\slash"'));
    assert.ok(dot.includes('"trail\\\\"'));
    assert.ok(dot.includes('xlabel="&lt;b&gt;&amp;amp;&lt;/b&gt;"'));
    assert.ok(dot.includes('xlabel="new\\nline"'));
  });

  it("GDF: parses back to the same names and labels", () => {
    const gdf = toGdf(g);
    const lines = gdf.trimEnd().split("\n");
    const parseField = (line: string): string[] => {
      const out: string[] = [];
      let i = 0;
      while (i < line.length) {
        if (line[i] === '"') {
          let v = "";
          i++;
          while (line[i] !== '"') {
            if (line[i] === "\\") {
              const d = line[i + 1];
              v += d === "n" ? "\n" : d === "r" ? "\r" : d;
              i += 2;
            } else v += line[i++];
          }
          i++;
          out.push(v);
        } else if (line[i] === "'") {
          const j = line.indexOf("'", i + 1);
          out.push(line.slice(i + 1, j));
          i = j + 1;
        } else {
          const j = line.indexOf(",", i);
          out.push(line.slice(i, j < 0 ? line.length : j));
          i = j < 0 ? line.length : j;
        }
        if (line[i] === ",") i++;
      }
      return out;
    };
    const nodeEnd = lines.findIndex((l) => l.startsWith("edgedef>"));
    assert.equal(nodeEnd - 1, g.nodes.length);
    const names = lines.slice(1, nodeEnd).map((l) => parseField(l)[0]);
    assert.deepEqual(
      names,
      g.nodes.map((n) => n.id),
    );
    const edges = lines.slice(nodeEnd + 1).map(parseField);
    assert.equal(edges.length, g.edges.length);
    assert.ok(edges.every((e) => e.length === 7));
  });

  it("GraphML: well-formed XML with the same strings", () => {
    const xml = toGraphML(g);
    // strict checks: no raw control characters, every & starts an entity, tags balance
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them
    assert.doesNotMatch(xml, /[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    assert.doesNotMatch(xml, /&(?!(amp|lt|gt|quot|apos|#13);)/);
    const text = xml.replace(/<[^>]*>/g, "");
    assert.doesNotMatch(text, /[<>]/);
    const tags = [...xml.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)];
    const stack: string[] = [];
    for (const [, close, name, self] of tags) {
      if (name === "xml") continue;
      if (self) continue;
      if (close) assert.equal(stack.pop(), name);
      else stack.push(name as string);
    }
    assert.equal(stack.length, 0);
    const unescapeXml = (s: string) =>
      s.replace(
        /&(amp|lt|gt|quot|apos|#13);/g,
        (_, e) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", "#13": "\r" })[e as "amp"],
      );
    const labels = [...xml.matchAll(/<data key="n_label">([^<]*)<\/data>/g)].map((m) =>
      unescapeXml(m[1] as string),
    );
    assert.deepEqual(
      labels,
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for them
      g.nodes.map((n) => n.label.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "\ufffd")),
    );
  });

  it("JSON: parses back to the model", () => {
    const back = JSON.parse(toJson(g));
    assert.deepEqual(
      back.nodes.map((n: { id: string }) => n.id),
      g.nodes.map((n) => n.id),
    );
    assert.doesNotMatch(toJson(g), /<|\u2028/);
  });

  it("CSV line parsing: quotes, doubled quotes, no trimming", () => {
    assert.deepEqual(parseCsvLine('a, "b",c'), ["a", ' "b"', "c"]);
    assert.deepEqual(parseCsvLine('"a,1","b""c",'), ["a,1", 'b"c', ""]);
  });
});
