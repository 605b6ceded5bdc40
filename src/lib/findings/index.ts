// Findings: SQL detections over the `events` table (docs/SCHEMA), isomorphic — the same SQL
// runs in DuckDB-wasm (1.1.1, no extensions) in the pages and in @duckdb/node-api in tests.
//
//   1. infer the internal networks from the data (networksSql → inferNetworks), editable;
//   2. run each detection (detections(nets) → {id, sql}), turn its rows into findings
//      (toFindings), each with the explorer view (psad filter or SQL WHERE) that shows it.
//
// Only page columns are read (src_v4, dst_v4, prefix, chain, proto, dpt, syn, ack, len,
// icmp_type, ts), so the overview's events.arrow is enough. IPv4 only: internal networks are
// IPv4 CIDRs (IPv6 events never match them).

/** An IPv4 network, `lo`..`hi` as unsigned integers. */
export interface Net {
  cidr: string;
  lo: number;
  hi: number;
}

/** `11.11.0.0/16` → Net; null for anything that is not an IPv4 CIDR (or a bare address). */
export function parseNet(text: string): Net | null {
  const m = /^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return null;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return null;
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const lo = Math.floor(addr / size) * size;
  return { cidr: `${intToV4(lo)}/${bits}`, lo, hi: lo + size - 1 };
}

/** Comma/space separated CIDRs → nets, with the texts that are not CIDRs. */
export function parseNets(text: string): { nets: Net[]; invalid: string[] } {
  const nets: Net[] = [];
  const invalid: string[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const n = parseNet(part);
    if (n) nets.push(n);
    else invalid.push(part);
  }
  return { nets, invalid };
}

export function intToV4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** SQL: is column `col` (an IPv4 integer column) inside one of `nets`. Never null. */
export function inNetsSql(col: "src_v4" | "dst_v4", nets: readonly Net[]): string {
  if (nets.length === 0) return "false";
  const parts = nets.map((n) => `${col} BETWEEN ${n.lo} AND ${n.hi}`);
  return `coalesce(${parts.join(" OR ")}, false)`;
}

/** Log prefixes naming the direction (`INBOUND TCP:`, `OUTBOUND CONN UDP:`, `[UFW BLOCK OUT]`). */
const OUT_PREFIX = `regexp_matches(coalesce(prefix, ''), '(?i)(outbound|(^|[^a-z])out([^a-z]|$)|egress)')`;

/**
 * Candidate internal networks, scored: a /16 (or /24 for 10/8, 172.16/12, 192.168/16 style
 * private space) earns a point for each event with its destination inside it on traffic that
 * is not marked outbound (inbound traffic is to the inside), and for each event with its
 * source inside it on traffic a log prefix or the OUTPUT chain marks as outbound. Columns:
 * net (INTEGER network number), bits, score, inbound, outbound.
 */
export function networksSql(table = "events"): string {
  const key = (col: string) =>
    `CASE WHEN (${col} >> 24) = 10 OR (${col} >> 16) = 49320 OR (${col} >> 20) = 2753 THEN (${col} >> 8) ELSE (${col} >> 16) END`;
  const bits = (col: string) =>
    `CASE WHEN (${col} >> 24) = 10 OR (${col} >> 16) = 49320 OR (${col} >> 20) = 2753 THEN 24 ELSE 16 END`;
  return `WITH dir AS (
  SELECT src_v4, dst_v4, (${OUT_PREFIX} OR coalesce(chain, '') = 'OUTPUT') AS outbound
  FROM ${table} WHERE family = 4
), votes AS (
  SELECT ${key("dst_v4")} AS net, ${bits("dst_v4")} AS bits, 1 AS inbound, 0 AS outbound
  FROM dir WHERE NOT outbound AND dst_v4 IS NOT NULL
  UNION ALL
  SELECT ${key("src_v4")}, ${bits("src_v4")}, 0, 1
  FROM dir WHERE outbound AND src_v4 IS NOT NULL
)
SELECT net::BIGINT AS net, bits::INTEGER AS bits,
  count(*)::INTEGER AS score, sum(inbound)::INTEGER AS inbound, sum(outbound)::INTEGER AS outbound
FROM votes GROUP BY ALL ORDER BY score DESC LIMIT 8`;
}

export interface NetworkVote {
  net: number;
  bits: number;
  score: number;
  inbound: number;
  outbound: number;
}

/**
 * The internal networks from {@link networksSql}'s rows: the best-scoring network, plus
 * any other with at least a fifth of its score (a site with two networks).
 */
export function inferNetworks(rows: readonly NetworkVote[]): Net[] {
  const best = rows[0];
  if (!best || best.score === 0) return [];
  return rows
    .filter((r) => r.score >= best.score / 5)
    .map((r) => {
      const bits = Number(r.bits);
      const lo = Number(r.net) * 2 ** (32 - bits);
      return { cidr: `${intToV4(lo)}/${bits}`, lo, hi: lo + 2 ** (32 - bits) - 1 };
    });
}

/** How a finding opens in the explorer: a psad filter (fields + regexes) or a SQL WHERE. */
export type ExplorerView =
  | { mode: "psad"; fields: string; regex?: string; negRegex?: string }
  | { mode: "sql"; where: string; fields?: string };

export type Severity = "high" | "medium" | "low";

export interface Finding {
  id: string;
  kind: "outbound" | "scan" | "sweep" | "worm" | "spike";
  severity: Severity;
  title: string;
  detail: string;
  /** The main subject (address, port, hour) for tests and sorting. */
  subject: string;
  events: number;
  view: ExplorerView;
}

export interface Detection {
  id: Finding["kind"] | "nachi" | "slammer";
  title: string;
  sql: string;
}

/** Ports named in findings (the chapter calls out SSH and IRC). */
export const PORT_NAMES: Record<number, string> = {
  21: "FTP",
  22: "SSH",
  23: "telnet",
  25: "SMTP",
  80: "HTTP",
  443: "HTTPS",
  445: "SMB",
  1433: "MS-SQL",
  1434: "MS-SQL monitor",
  3306: "MySQL",
  3389: "RDP",
  6660: "IRC",
  6661: "IRC",
  6662: "IRC",
  6663: "IRC",
  6664: "IRC",
  6665: "IRC",
  6666: "IRC",
  6667: "IRC",
  6668: "IRC",
  6669: "IRC",
  6697: "IRC (TLS)",
  7000: "IRC",
};
const RISKY_OUT = new Set([
  22, 23, 6660, 6661, 6662, 6663, 6664, 6665, 6666, 6667, 6668, 6669, 6697, 7000,
]);

export interface Thresholds {
  /** Distinct destination ports from one source to call it a port scan. */
  scanPorts: number;
  /** Distinct internal hosts on one port from one source to call it a sweep. */
  sweepHosts: number;
  /** An hour is a spike when its count exceeds median + k × MAD (and 3× the median). */
  spikeK: number;
  limit: number;
}
export const DEFAULT_THRESHOLDS: Thresholds = {
  scanPorts: 20,
  sweepHosts: 10,
  spikeK: 8,
  limit: 10,
};

/** The detections' SQL for the given internal networks (over `table`, default `events`). */
export function detections(
  nets: readonly Net[],
  t: Thresholds = DEFAULT_THRESHOLDS,
  table = "events",
): Detection[] {
  const srcIn = inNetsSql("src_v4", nets);
  const dstIn = inNetsSql("dst_v4", nets);
  return [
    {
      id: "outbound",
      title: "Internal hosts opening outbound connections",
      // New TCP connections (SYN without ACK) from inside to outside: what a compromised
      // honeypot does (the chapter's figures 14-13/14-14).
      sql: `SELECT src, dpt::INTEGER AS port, count(*)::INTEGER AS events,
  count(DISTINCT dst)::INTEGER AS hosts, min(ts) AS first, max(ts) AS last
FROM ${table}
WHERE ${srcIn} AND family = 4 AND dst_v4 IS NOT NULL AND NOT ${dstIn}
  AND proto = 'TCP' AND syn AND NOT coalesce(ack, false)
GROUP BY ALL ORDER BY src, events DESC`,
    },
    {
      id: "scan",
      title: "Port scans (many ports from one source)",
      sql: `SELECT src, count(DISTINCT dpt)::INTEGER AS ports, count(DISTINCT dst)::INTEGER AS hosts,
  count(*)::INTEGER AS events, min(dpt)::INTEGER AS lo, max(dpt)::INTEGER AS hi
FROM ${table}
WHERE dpt IS NOT NULL AND src IS NOT NULL AND NOT ${srcIn}
GROUP BY src HAVING count(DISTINCT dpt) >= ${t.scanPorts}
ORDER BY ports DESC, events DESC LIMIT ${t.limit}`,
    },
    {
      id: "sweep",
      title: "Port sweeps (one port across many hosts)",
      sql: `WITH per AS (
  SELECT proto, dpt, src, count(DISTINCT dst) AS hosts, count(*) AS events
  FROM ${table}
  WHERE dpt IS NOT NULL AND src IS NOT NULL AND NOT ${srcIn}
  GROUP BY ALL
)
SELECT proto, dpt::INTEGER AS port, count(*) FILTER (WHERE hosts >= ${t.sweepHosts})::INTEGER AS sweepers,
  max(hosts)::INTEGER AS max_hosts, arg_max(src, hosts) AS top_src,
  sum(events) FILTER (WHERE hosts >= ${t.sweepHosts})::INTEGER AS events
FROM per GROUP BY ALL HAVING max(hosts) >= ${t.sweepHosts}
ORDER BY sweepers DESC, max_hosts DESC LIMIT ${t.limit}`,
    },
    {
      id: "nachi",
      title: "Nachi worm (92-byte ICMP echo requests)",
      sql: `SELECT count(*)::INTEGER AS events, count(DISTINCT src)::INTEGER AS sources,
  count(DISTINCT dst)::INTEGER AS targets, min(ts) AS first, max(ts) AS last
FROM ${table} WHERE proto = 'ICMP' AND icmp_type = 8 AND len = 92`,
    },
    {
      id: "slammer",
      title: "Slammer worm (UDP to MS-SQL 1434)",
      sql: `SELECT count(*)::INTEGER AS events, count(DISTINCT src)::INTEGER AS sources,
  count(DISTINCT dst)::INTEGER AS targets, count(*) FILTER (WHERE len = 404)::INTEGER AS len404,
  min(ts) AS first, max(ts) AS last
FROM ${table} WHERE proto = 'UDP' AND dpt = 1434`,
    },
    {
      id: "spike",
      title: "Traffic spikes (hours far above the usual)",
      sql: `WITH h AS (
  SELECT date_trunc('hour', ts) AS hour, count(*) AS events FROM ${table}
  WHERE ts IS NOT NULL GROUP BY 1
), s AS (SELECT median(events) AS med FROM h),
m AS (SELECT median(abs(h.events - s.med)) AS mad FROM h, s)
SELECT strftime(h.hour, '%Y-%m-%d %H:%M:%S') AS hour, h.events::INTEGER AS events,
  s.med::DOUBLE AS median, m.mad::DOUBLE AS mad
FROM h, s, m
WHERE h.events > s.med + ${t.spikeK} * greatest(m.mad, 1) AND h.events > 3 * s.med
ORDER BY h.events DESC LIMIT ${t.limit}`,
    },
  ];
}

/** The busiest protocol/port of each spike hour (run per spike, small). */
export function spikeTopSql(hour: string, table = "events"): string {
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(hour)) throw new Error(`not an hour: ${hour}`);
  return `SELECT coalesce(proto, '?') AS proto, dpt::INTEGER AS port, count(*)::INTEGER AS events,
  count(DISTINCT src)::INTEGER AS sources
FROM ${table} WHERE ts >= TIMESTAMP '${hour}' AND ts < TIMESTAMP '${hour}' + INTERVAL 1 HOUR
GROUP BY ALL ORDER BY events DESC LIMIT 1`;
}

type Row = Record<string, unknown>;
const n = (v: unknown) => (typeof v === "bigint" ? Number(v) : Number(v ?? 0));
const s = (v: unknown) => (v == null ? "" : String(v));
const portName = (p: number) => (PORT_NAMES[p] ? `${p} (${PORT_NAMES[p]})` : String(p));
/** A timestamp as DuckDB hands it over (Date, epoch ms, bigint µs or text) → `YYYY-MM-DD`. */
export function day(v: unknown): string {
  if (v == null) return "?";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "number") return new Date(v).toISOString().slice(0, 10);
  if (typeof v === "bigint") return new Date(Number(v / 1000n)).toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}
const fmt = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** A psad filter criterion for a net list: `11.11.0.0/16` (psad takes one; first net). */
function netCrit(nets: readonly Net[]): string {
  return nets[0]?.cidr ?? "0.0.0.0/0";
}

/** Rows of each detection (by id) → findings, most severe first. */
export function toFindings(
  results: Partial<Record<Detection["id"], readonly Row[]>>,
  nets: readonly Net[],
  extra: { spikeTop?: Record<string, Row | undefined> } = {},
): Finding[] {
  const out: Finding[] = [];
  const net = netCrit(nets);

  // Outbound: one finding per internal host.
  const bySrc = new Map<string, Row[]>();
  for (const r of results.outbound ?? []) {
    const k = s(r.src);
    bySrc.set(k, [...(bySrc.get(k) ?? []), r]);
  }
  for (const [src, rows] of bySrc) {
    const events = rows.reduce((a, r) => a + n(r.events), 0);
    const ports = rows.map((r) => n(r.port));
    const risky = ports.filter((p) => RISKY_OUT.has(p));
    const hosts = rows.reduce((a, r) => a + n(r.hosts), 0);
    const list = rows
      .slice(0, 8)
      .map(
        (r) =>
          `${portName(n(r.port))} ×${fmt(n(r.events))} to ${fmt(n(r.hosts))} host${n(r.hosts) === 1 ? "" : "s"}`,
      )
      .join(", ");
    out.push({
      id: `outbound:${src}`,
      kind: "outbound",
      severity: risky.length > 0 ? "high" : "medium",
      title: `${src} opens outbound connections${risky.length ? ` — ${[...new Set(risky.map((p) => PORT_NAMES[p]?.replace(/ \(TLS\)/, "") ?? p))].join(" and ")}` : ""}: likely compromised`,
      detail: `${fmt(events)} new TCP connections (SYN) from this internal host to ${fmt(hosts)} external host/port pairs: ${list}${rows.length > 8 ? ", …" : ""}.`,
      subject: src,
      events,
      view: { mode: "psad", fields: `src:${src} dst:not${net} dp`, regex: "SYN URGP=" },
    });
  }

  for (const r of results.scan ?? []) {
    out.push({
      id: `scan:${s(r.src)}`,
      kind: "scan",
      severity: n(r.ports) >= 100 ? "medium" : "low",
      title: `Port scan from ${s(r.src)}: ${fmt(n(r.ports))} ports`,
      detail: `${fmt(n(r.events))} packets to ${fmt(n(r.ports))} distinct ports (${n(r.lo)}–${n(r.hi)}) on ${fmt(n(r.hosts))} host${n(r.hosts) === 1 ? "" : "s"}.`,
      subject: s(r.src),
      events: n(r.events),
      view: { mode: "psad", fields: `src:${s(r.src)} dst dp` },
    });
  }

  for (const r of results.sweep ?? []) {
    const proto = s(r.proto);
    out.push({
      id: `sweep:${proto}/${n(r.port)}`,
      kind: "sweep",
      severity: "low",
      title: `Port sweep of ${proto}/${portName(n(r.port))}`,
      detail: `${fmt(n(r.sweepers))} source${n(r.sweepers) === 1 ? "" : "s"} probed this port on ≥ 10 hosts each; the widest, ${s(r.top_src)}, hit ${fmt(n(r.max_hosts))} hosts.`,
      subject: `${proto}/${n(r.port)}`,
      events: n(r.events),
      view: {
        mode: "psad",
        fields: `src:not${net} dst dp:${n(r.port)}`,
        regex: `PROTO=${proto}`,
      },
    });
  }

  const nachi = results.nachi?.[0];
  if (nachi && n(nachi.events) > 0) {
    out.push({
      id: "worm:nachi",
      kind: "worm",
      severity: "medium",
      title: `Nachi worm signature: ${fmt(n(nachi.events))} 92-byte ICMP echo requests`,
      detail: `From ${fmt(n(nachi.sources))} sources to ${fmt(n(nachi.targets))} targets (${day(nachi.first)} – ${day(nachi.last)}).`,
      subject: "nachi",
      events: n(nachi.events),
      view: { mode: "psad", fields: "src dst ip_len:92", regex: "PROTO=ICMP.*TYPE=8" },
    });
  }
  const slammer = results.slammer?.[0];
  if (slammer && n(slammer.events) > 0) {
    out.push({
      id: "worm:slammer",
      kind: "worm",
      severity: "medium",
      title: `Slammer worm signature: ${fmt(n(slammer.events))} UDP packets to port 1434`,
      detail: `From ${fmt(n(slammer.sources))} sources to ${fmt(n(slammer.targets))} targets; ${fmt(n(slammer.len404))} have Slammer's 404-byte length.`,
      subject: "slammer",
      events: n(slammer.events),
      view: { mode: "psad", fields: "src dst dp:1434", regex: "PROTO=UDP" },
    });
  }

  for (const r of results.spike ?? []) {
    const hour = s(r.hour);
    const top = extra.spikeTop?.[hour];
    out.push({
      id: `spike:${hour}`,
      kind: "spike",
      severity: "low",
      title: `Traffic spike at ${hour.slice(0, 13)}h: ${fmt(n(r.events))} events`,
      detail: `${Math.round(n(r.events) / Math.max(1, n(r.median)))}× the median hour (${fmt(Math.round(n(r.median)))})${top ? `; mostly ${s(top.proto)}${top.port == null ? "" : `/${portName(n(top.port))}`} (${fmt(n(top.events))} events from ${fmt(n(top.sources))} source${n(top.sources) === 1 ? "" : "s"})` : ""}.`,
      subject: hour,
      events: n(r.events),
      view: {
        mode: "sql",
        where: `ts >= TIMESTAMP '${hour}' AND ts < TIMESTAMP '${hour}' + INTERVAL 1 HOUR`,
        fields: "timestamp src dst dp proto flags",
      },
    });
  }

  const rank: Record<Severity, number> = { high: 0, medium: 1, low: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity] || b.events - a.events);
}

/** Runs every detection with `query` (any SQL → rows) and returns the findings. */
export async function runFindings(
  query: (sql: string) => Promise<readonly Row[]>,
  nets: readonly Net[],
  t: Thresholds = DEFAULT_THRESHOLDS,
  table = "events",
): Promise<Finding[]> {
  const results: Partial<Record<Detection["id"], readonly Row[]>> = {};
  for (const d of detections(nets, t, table)) results[d.id] = await query(d.sql);
  const spikeTop: Record<string, Row | undefined> = {};
  for (const r of (results.spike ?? []).slice(0, 5)) {
    const hour = s(r.hour);
    spikeTop[hour] = (await query(spikeTopSql(hour, table)))[0];
  }
  return toFindings(results, nets, { spikeTop });
}

/** Infers the internal networks with `query`. */
export async function runInference(
  query: (sql: string) => Promise<readonly Row[]>,
  table = "events",
): Promise<{ nets: Net[]; votes: NetworkVote[] }> {
  const votes = (await query(networksSql(table))).map((r) => ({
    net: n(r.net),
    bits: n(r.bits),
    score: n(r.score),
    inbound: n(r.inbound),
    outbound: n(r.outbound),
  }));
  return { nets: inferNetworks(votes), votes };
}
