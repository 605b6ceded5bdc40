// The Findings panel: runs the detections of src/lib/findings over the loaded events and
// lists what they found, most severe first; each finding links to the explorer view that
// shows it. The internal networks are inferred from the data and editable.

import {
  type ExplorerView,
  type Finding,
  type Net,
  parseNets,
  runFindings,
  runInference,
} from "../lib/findings/index.js";

type Row = Record<string, unknown>;
/** Any SQL → rows (a DuckDB-wasm result is iterable). */
export type Query = (sql: string) => Promise<Iterable<unknown>>;

export interface FindingsOptions {
  /** Link target of the explorer page ("./explorer"); the view goes in the hash. */
  explorer?: string;
  /** On the explorer page itself: apply the view instead of following the link. */
  onOpen?: (view: ExplorerView) => void;
  /** Internal networks to start from (else inferred). */
  networks?: string;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** The explorer hash of a view (the explorer reads the same keys). */
export function viewHash(view: ExplorerView): string {
  const p = new URLSearchParams();
  p.set("mode", view.mode);
  if (view.mode === "psad") {
    p.set("fields", view.fields);
    if (view.regex) p.set("regex", view.regex);
    if (view.negRegex) p.set("neg", view.negRegex);
  } else {
    p.set("where", view.where);
    if (view.fields) p.set("cols", view.fields);
  }
  return `#${p.toString()}`;
}

const toRows = (data: Iterable<unknown>): Row[] =>
  Array.from(data, (d) => {
    const r = d as { toJSON?: () => Row };
    return typeof r.toJSON === "function" ? r.toJSON() : (d as Row);
  });

const COLORS = { high: "#d62728", medium: "#ff7f0e", low: "#7f7f7f" };

/** The panel element; `.value` is the latest findings, `.ready` resolves after each run. */
export function findingsPanel(
  query: Query,
  options: FindingsOptions = {},
): HTMLElement & { ready: Promise<Finding[]>; value: Finding[]; refresh(): Promise<Finding[]> } {
  const q = async (sql: string) => toRows(await query(sql));
  const nets = el("input", {
    type: "text",
    id: "findings-networks",
    size: "40",
    placeholder: "inferring…",
    "aria-label": "internal networks",
  });
  const why = el("span", { class: "muted", style: "font-size:.85em" });
  const list = el(
    "div",
    { class: "findings-list", id: "findings-list" },
    el("em", {}, "Running the detections…"),
  );
  const root = el(
    "div",
    { class: "card findings", id: "findings" },
    el("h2", {}, "Findings"),
    el("div", {}, el("label", {}, "Internal networks: ", nets), " ", why),
    list,
  ) as unknown as HTMLElement & {
    ready: Promise<Finding[]>;
    value: Finding[];
    refresh(): Promise<Finding[]>;
  };
  root.value = [];
  let seq = 0;

  async function run(networks: Net[]): Promise<Finding[]> {
    const me = ++seq;
    list.replaceChildren(el("em", {}, "Running the detections…"));
    const t0 = performance.now();
    const found = await runFindings(q, networks);
    if (me !== seq) return found;
    root.value = found;
    const items = found.map((f) => {
      const href = `${options.explorer ?? "./explorer"}${viewHash(f.view)}`;
      const a = el("a", { href, class: "finding-link" }, f.title);
      if (options.onOpen) {
        a.addEventListener("click", (e) => {
          e.preventDefault();
          options.onOpen?.(f.view);
        });
      }
      return el(
        "li",
        { class: `finding finding-${f.severity}`, "data-kind": f.kind, "data-subject": f.subject },
        el(
          "span",
          {
            style: `display:inline-block;min-width:4.5em;font-weight:600;color:${COLORS[f.severity]}`,
          },
          f.severity,
        ),
        a,
        el("div", { class: "muted", style: "margin-left:4.5em;font-size:.9em" }, f.detail),
      );
    });
    // Low-severity findings fold away after the first few.
    const shown = items.slice(0, 8);
    const rest = items.slice(8);
    list.replaceChildren(
      found.length === 0
        ? el("em", {}, "Nothing found with these networks.")
        : el("ul", { style: "list-style:none;padding:0;margin:.5em 0" }, ...shown),
      ...(rest.length
        ? [
            el(
              "details",
              {},
              el("summary", {}, `${rest.length} more`),
              el("ul", { style: "list-style:none;padding:0" }, ...rest),
            ),
          ]
        : []),
      el(
        "div",
        { class: "muted", style: "font-size:.8em" },
        `${found.length} findings, ${Math.round(performance.now() - t0)} ms of SQL in your browser.`,
      ),
    );
    return found;
  }

  async function start(): Promise<Finding[]> {
    let networks: Net[];
    if (options.networks) {
      networks = parseNets(options.networks).nets;
      why.textContent = "";
    } else {
      const { nets: inferred, votes } = await runInference(q);
      networks = inferred;
      const best = votes[0];
      why.textContent = best
        ? `inferred: the network most destinations of inbound traffic (${best.inbound.toLocaleString("en-US")}) and sources of outbound-marked traffic (${best.outbound.toLocaleString("en-US")}) fall in — edit to correct it`
        : "no IPv4 traffic to infer from";
    }
    nets.value = networks.map((n) => n.cidr).join(", ");
    return run(networks);
  }

  nets.addEventListener("change", () => {
    const { nets: parsed, invalid } = parseNets(nets.value);
    if (invalid.length) {
      why.textContent = `not a CIDR: ${invalid.join(", ")}`;
      return;
    }
    why.textContent = "edited";
    root.ready = run(parsed);
  });
  root.refresh = () => (root.ready = start());
  root.ready = start().catch((e) => {
    list.replaceChildren(
      el(
        "span",
        { class: "explorer-error" },
        `Findings failed: ${e instanceof Error ? e.message : String(e)}`,
      ),
    );
    return [];
  });
  return root;
}
