// The event schema (docs/SCHEMA.md): the contract between the parser, the Parquet
// files, the SQL in the pages and the CLI's NDJSON output. Add columns, never rename.

/** DuckDB column types used by the schema. */
export type ColumnType =
  | "VARCHAR"
  | "UINTEGER"
  | "TIMESTAMP"
  | "UTINYINT"
  | "USMALLINT"
  | "UBIGINT"
  | "DOUBLE"
  | "BOOLEAN";

/** One netfilter log record. Absent values are `null`. */
export interface FwEvent {
  file: string;
  line: number;
  /** Wall time as written (BSD stamps) or UTC (stamps with an offset), `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
  ts: string | null;
  /** The timestamp text exactly as logged (psad prints it verbatim). */
  ts_text: string | null;
  host: string | null;
  priority: number | null;
  kernel_uptime: number | null;
  prefix: string | null;

  chain: "INPUT" | "FORWARD" | "OUTPUT" | null;
  in_if: string | null;
  out_if: string | null;
  phys_in: string | null;
  phys_out: string | null;
  mac: string | null;
  dst_mac: string | null;
  src_mac: string | null;
  ether_type: number | null;

  family: 4 | 6 | null;
  src: string | null;
  dst: string | null;
  src_v4: number | null;
  dst_v4: number | null;
  src_v6_hi: bigint | null;
  src_v6_lo: bigint | null;
  dst_v6_hi: bigint | null;
  dst_v6_lo: bigint | null;
  len: number | null;
  tos: number | null;
  prec: number | null;
  ttl: number | null;
  ip_id: number | null;
  df: boolean | null;
  mf: boolean | null;
  ce: boolean | null;
  frag_off: number | null;
  ip_opts: string | null;
  tc: number | null;
  flow_label: number | null;

  proto: string | null;
  proto_num: number | null;
  spt: number | null;
  dpt: number | null;
  udp_len: number | null;
  window: number | null;
  res: number | null;
  urgp: number | null;
  flags: string | null;
  syn: boolean | null;
  ack: boolean | null;
  fin: boolean | null;
  rst: boolean | null;
  psh: boolean | null;
  urg: boolean | null;
  ece: boolean | null;
  cwr: boolean | null;
  tcp_seq: number | null;
  tcp_ack: number | null;
  tcp_opts: string | null;
  icmp_type: number | null;
  icmp_code: number | null;
  icmp_id: number | null;
  icmp_seq: number | null;
  icmp_mtu: number | null;
  spi: number | null;
  incomplete: number | null;
  inner_src: string | null;
  inner_dst: string | null;
  inner_proto: string | null;
  inner_spt: number | null;
  inner_dpt: number | null;

  uid: number | null;
  gid: number | null;
  mark: number | null;

  raw: string;
}

export type ColumnName = keyof FwEvent;

/** Every column in schema order, with its DuckDB type. */
export const COLUMNS: readonly (readonly [ColumnName, ColumnType])[] = [
  ["file", "VARCHAR"],
  ["line", "UINTEGER"],
  ["ts", "TIMESTAMP"],
  ["ts_text", "VARCHAR"],
  ["host", "VARCHAR"],
  ["priority", "UTINYINT"],
  ["kernel_uptime", "DOUBLE"],
  ["prefix", "VARCHAR"],
  ["chain", "VARCHAR"],
  ["in_if", "VARCHAR"],
  ["out_if", "VARCHAR"],
  ["phys_in", "VARCHAR"],
  ["phys_out", "VARCHAR"],
  ["mac", "VARCHAR"],
  ["dst_mac", "VARCHAR"],
  ["src_mac", "VARCHAR"],
  ["ether_type", "USMALLINT"],
  ["family", "UTINYINT"],
  ["src", "VARCHAR"],
  ["dst", "VARCHAR"],
  ["src_v4", "UINTEGER"],
  ["dst_v4", "UINTEGER"],
  ["src_v6_hi", "UBIGINT"],
  ["src_v6_lo", "UBIGINT"],
  ["dst_v6_hi", "UBIGINT"],
  ["dst_v6_lo", "UBIGINT"],
  ["len", "USMALLINT"],
  ["tos", "UTINYINT"],
  ["prec", "UTINYINT"],
  ["ttl", "UTINYINT"],
  ["ip_id", "UINTEGER"],
  ["df", "BOOLEAN"],
  ["mf", "BOOLEAN"],
  ["ce", "BOOLEAN"],
  ["frag_off", "USMALLINT"],
  ["ip_opts", "VARCHAR"],
  ["tc", "UTINYINT"],
  ["flow_label", "UINTEGER"],
  ["proto", "VARCHAR"],
  ["proto_num", "UTINYINT"],
  ["spt", "USMALLINT"],
  ["dpt", "USMALLINT"],
  ["udp_len", "USMALLINT"],
  ["window", "USMALLINT"],
  ["res", "UTINYINT"],
  ["urgp", "USMALLINT"],
  ["flags", "VARCHAR"],
  ["syn", "BOOLEAN"],
  ["ack", "BOOLEAN"],
  ["fin", "BOOLEAN"],
  ["rst", "BOOLEAN"],
  ["psh", "BOOLEAN"],
  ["urg", "BOOLEAN"],
  ["ece", "BOOLEAN"],
  ["cwr", "BOOLEAN"],
  ["tcp_seq", "UINTEGER"],
  ["tcp_ack", "UINTEGER"],
  ["tcp_opts", "VARCHAR"],
  ["icmp_type", "UTINYINT"],
  ["icmp_code", "UTINYINT"],
  ["icmp_id", "USMALLINT"],
  ["icmp_seq", "USMALLINT"],
  ["icmp_mtu", "USMALLINT"],
  ["spi", "UINTEGER"],
  ["incomplete", "USMALLINT"],
  ["inner_src", "VARCHAR"],
  ["inner_dst", "VARCHAR"],
  ["inner_proto", "VARCHAR"],
  ["inner_spt", "USMALLINT"],
  ["inner_dpt", "USMALLINT"],
  ["uid", "UINTEGER"],
  ["gid", "UINTEGER"],
  ["mark", "UINTEGER"],
  ["raw", "VARCHAR"],
];

/** Why a netfilter record could not be parsed. */
export interface Malformed {
  file: string;
  line: number;
  reason: string;
  raw: string;
}

/** Line accounting: `lines = events + other + malformed`. */
export interface Accounting {
  lines: number;
  events: number;
  other: number;
  malformed: number;
}
