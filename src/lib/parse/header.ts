// The framing around a kernel message: <PRI>, BSD / ISO / RFC 5424 stamps, host, tag,
// the kernel's [uptime] stamp; and the year of yearless BSD stamps.
import type { FwEvent } from "../schema.js";
import { Interner } from "./intern.js";

const hosts = new Interner();

/**
 * The year of yearless (BSD) stamps. Starts at the caller's year; each Dec→Jan rollover
 * (the month going back by more than six, so Nov→Feb after a gap counts too but a line
 * or two out of order across a month boundary does not) adds one.
 */
export class Years {
  year: number | null;
  rollovers = 0;
  private month = 0;
  constructor(year: number | null) {
    this.year = year;
  }
  /** Feeds the month (1–12) of the next BSD stamp; returns that stamp's year. */
  observe(month: number): number | null {
    if (month < this.month - 6) {
      ++this.rollovers;
      if (this.year !== null) ++this.year;
    }
    this.month = month;
    return this.year;
  }
}

// Scratch results of the stamp readers below (one parse at a time, no allocation).
let month = 0;
let day = 0;
let year = 0;
let timeStart = 0; // where HH:MM:SS[.f] starts
let timeEnd = 0;
let offsetMinutes: number | null = null;

/** Where the stamp of a line starts: after an optional `<PRI>`; sets the event's priority. */
export function afterPriority(s: string, e: FwEvent | null): number {
  if (s.charCodeAt(0) !== 60) return 0;
  const close = s.indexOf(">", 1);
  if (close < 2 || close > 4) return 0;
  const pri = digits(s, 1, close);
  if (pri < 0 || pri > 191) return 0;
  if (e) e.priority = pri;
  return close + 1;
}

/** The month (1–12) of the BSD stamp a line starts with, or 0: feeds {@link Years}. */
export function leadingBsdMonth(s: string): number {
  return bsdStamp(s, afterPriority(s, null)) < 0 ? 0 : month;
}

/**
 * Reads the syslog framing of `s` before `limit` (where the netfilter fields start) into
 * `e` (ts, ts_text, host, priority); returns where the kernel message starts.
 */
export function parseHeader(s: string, limit: number, e: FwEvent, years: Years, depth = 0): number {
  const p = afterPriority(s, e);
  let end = bsdStamp(s, p);
  if (end >= 0) {
    bsdTs(s, p, end, years.observe(month), e);
    return afterHost(s, end, limit, e);
  }
  if (s.charCodeAt(p) === 49 && s.charCodeAt(p + 1) === 32 && e.priority !== null) {
    end = rfc5424(s, p + 2, limit, e);
    if (end >= 0) return end;
  }
  end = isoStamp(s, p);
  if (end >= 0) {
    setIso(s, p, end, e);
    return afterHost(s, end, limit, e);
  }
  if (s.charCodeAt(p) === 91) {
    // kernel-only (dmesg) line, or journalctl -o short-monotonic: "[ 1234.5] host kernel: …"
    const after = kernelStamp(s, p, limit, e);
    if (after > p) {
      const tag = s.indexOf(" kernel: ", after);
      if (tag >= 0 && tag < limit && s.indexOf(" ", after) === tag) {
        e.host = hosts.get(s, after, tag);
        return tag + 9;
      }
      return after;
    }
  }
  end = proxmox(s, p, limit, e);
  if (end >= 0) return end;
  // `grep -H`/`grep -n` output: "file:Mar 17 …" or "file:12:Mar 17 …".
  if (p === 0 && depth < 2) {
    const colon = s.indexOf(":");
    if (colon > 0 && colon < limit && colon < s.indexOf(" ")) {
      const q = colon + 1;
      if (
        bsdStamp(s, q) >= 0 ||
        isoStamp(s, q) >= 0 ||
        (depth === 0 && digits(s, q, s.indexOf(":", q)) >= 0)
      ) {
        return parseHeader(s.slice(q), limit - q, e, years, depth + 1) + q;
      }
    }
  }
  // Unknown framing: like psad, the message follows the last "kernel:".
  const k = s.lastIndexOf("kernel:", limit - 7);
  return k >= 0 ? k + 7 : p;
}

/** After the stamp: `host tag: message`, `tag: message`, or just the message. */
function afterHost(s: string, p: number, limit: number, e: FwEvent): number {
  while (s.charCodeAt(p) === 32) ++p;
  const hostEnd = s.indexOf(" ", p);
  if (hostEnd < 0 || hostEnd >= limit) return p;
  if (isTag(s, p, hostEnd)) return hostEnd + 1;
  e.host = hosts.get(s, p, hostEnd);
  const tagEnd = s.indexOf(" ", hostEnd + 1);
  if (tagEnd >= 0 && tagEnd < limit && isTag(s, hostEnd + 1, tagEnd)) return tagEnd + 1;
  return hostEnd + 1;
}

/** `kernel:` or `name[pid]:`; other words ending in ":" may be a log prefix (`DROP:`). */
function isTag(s: string, start: number, end: number): boolean {
  if (end - start === 7) return s.startsWith("kernel:", start);
  return end - start > 3 && s.charCodeAt(end - 1) === 58 && s.charCodeAt(end - 2) === 93;
}

/** `<PRI>1 STAMP HOST APP PROCID MSGID SD MSG` from after the version; -1 if not RFC 5424. */
function rfc5424(s: string, p: number, limit: number, e: FwEvent): number {
  const stampEnd = s.charCodeAt(p) === 45 ? p + 1 : isoStamp(s, p);
  if (stampEnd < 0 || s.charCodeAt(stampEnd) !== 32) return -1;
  if (stampEnd > p + 1) setIso(s, p, stampEnd, e);
  p = stampEnd + 1;
  const fields: number[] = []; // ends of HOST, APP-NAME, PROCID, MSGID
  for (let k = 0; k < 4; ++k) {
    const sp = s.indexOf(" ", p);
    if (sp < 0 || sp >= limit) return -1;
    fields.push(sp);
    if (k === 0 && !(sp === p + 1 && s.charCodeAt(p) === 45)) e.host = hosts.get(s, p, sp);
    p = sp + 1;
  }
  // STRUCTURED-DATA: "-" or [id k="v" …]…, where a quoted value may hold \" and ].
  if (s.charCodeAt(p) === 45) ++p;
  else {
    while (s.charCodeAt(p) === 91) {
      let quoted = false;
      for (++p; p < s.length; ++p) {
        const c = s.charCodeAt(p);
        if (c === 92) ++p;
        else if (c === 34) quoted = !quoted;
        else if (c === 93 && !quoted) break;
      }
      if (p >= limit) return -1;
      ++p;
    }
  }
  if (s.charCodeAt(p) === 32) ++p;
  if (s.charCodeAt(p) === 0xfeff) ++p; // BOM before a UTF-8 MSG
  return p;
}

/**
 * Proxmox VE's pve-firewall.log: `VMID LEVEL CHAIN DD/Mon/YYYY:HH:MM:SS +ZZZZ PREFIX IN=…`.
 * Returns where the prefix starts, or -1.
 */
function proxmox(s: string, p: number, limit: number, e: FwEvent): number {
  const a = s.indexOf(" ", p);
  const b = a < 0 ? -1 : s.indexOf(" ", a + 1);
  const c = b < 0 ? -1 : s.indexOf(" ", b + 1);
  if (c < 0 || c + 27 > limit || digits(s, p, a) < 0 || digits(s, a + 1, b) < 0) return -1;
  const q = c + 1; // DD/Mon/YYYY:HH:MM:SS +ZZZZ
  day = digits(s, q, q + 2);
  month = monthOf(s, q + 3);
  year = digits(s, q + 7, q + 11);
  if (
    day < 1 ||
    month === 0 ||
    year < 0 ||
    s.charCodeAt(q + 2) !== 47 ||
    s.charCodeAt(q + 6) !== 47
  )
    return -1;
  if (s.charCodeAt(q + 11) !== 58 || clock(s, q + 12) !== q + 20 || s.charCodeAt(q + 20) !== 32)
    return -1;
  const sign = s.charCodeAt(q + 21);
  const hh = digits(s, q + 22, q + 24);
  const mm = digits(s, q + 24, q + 26);
  if ((sign !== 43 && sign !== 45) || hh < 0 || mm < 0) return -1;
  offsetMinutes = (sign === 45 ? -1 : 1) * (hh * 60 + mm);
  timeEnd = q + 20;
  setIso(s, q, q + 26, e);
  return q + 27;
}

/** `Mmm dd HH:MM:SS[.ffffff]` (day space-padded or not) at p: its end, or -1. */
function bsdStamp(s: string, p: number): number {
  month = monthOf(s, p);
  if (month === 0 || s.charCodeAt(p + 3) !== 32) return -1;
  let q = p + 4;
  if (s.charCodeAt(q) === 32) ++q;
  const d1 = s.charCodeAt(q) - 48;
  if (d1 < 0 || d1 > 9) return -1;
  const d2 = s.charCodeAt(q + 1) - 48;
  if (d2 >= 0 && d2 <= 9) {
    day = d1 * 10 + d2;
    q += 2;
  } else {
    day = d1;
    ++q;
  }
  if (day < 1 || day > 31 || s.charCodeAt(q) !== 32) return -1;
  return clock(s, q + 1);
}

/** `HH:MM:SS[.f…]` at p; sets timeStart/timeEnd; returns its end or -1. */
function clock(s: string, p: number): number {
  const hh = digits(s, p, p + 2);
  const mm = digits(s, p + 3, p + 5);
  const ss = digits(s, p + 6, p + 8);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return -1;
  if (s.charCodeAt(p + 2) !== 58 || s.charCodeAt(p + 5) !== 58) return -1;
  timeStart = p;
  let q = p + 8;
  if (s.charCodeAt(q) === 46) {
    let r = q + 1;
    while (isDigit(s.charCodeAt(r))) ++r;
    if (r > q + 1) q = r;
  }
  timeEnd = q;
  return q;
}

/** `YYYY-MM-DD[T ]HH:MM:SS[.f][Z|±HH:MM|±HHMM]` at p: its end, or -1. */
function isoStamp(s: string, p: number): number {
  year = digits(s, p, p + 4);
  month = digits(s, p + 5, p + 7);
  day = digits(s, p + 8, p + 10);
  if (year < 0 || s.charCodeAt(p + 4) !== 45 || s.charCodeAt(p + 7) !== 45) return -1;
  if (month < 1 || month > 12 || day < 1 || day > 31) return -1;
  const t = s.charCodeAt(p + 10);
  if (t !== 84 && t !== 32) return -1;
  let q = clock(s, p + 11);
  if (q < 0) return -1;
  offsetMinutes = null;
  const c = s.charCodeAt(q);
  if (c === 90) {
    offsetMinutes = 0;
    ++q;
  } else if (c === 43 || c === 45) {
    const hh = digits(s, q + 1, q + 3);
    const colon = s.charCodeAt(q + 3) === 58 ? 1 : 0;
    const mm = digits(s, q + 3 + colon, q + 5 + colon);
    if (hh >= 0 && hh <= 23 && mm >= 0 && mm <= 59) {
      offsetMinutes = (c === 45 ? -1 : 1) * (hh * 60 + mm);
      q += 5 + colon;
    }
  }
  return q;
}

/** ts and ts_text of the ISO stamp just read by isoStamp(s, p) ending at end. */
function setIso(s: string, p: number, end: number, e: FwEvent): void {
  e.ts_text = s.slice(p, end);
  const fraction = fractionOf(s);
  if (offsetMinutes === null || offsetMinutes === 0) {
    if (day <= daysIn(year, month) && digits(s, timeStart + 6, timeStart + 8) < 60) {
      e.ts = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${s.slice(timeStart, timeStart + 8)}${fraction}`;
    }
    return;
  }
  if (day > daysIn(year, month)) return;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(
    digits(s, timeStart, timeStart + 2),
    digits(s, timeStart + 3, timeStart + 5) - offsetMinutes,
    Math.min(59, digits(s, timeStart + 6, timeStart + 8)),
  );
  const y = date.getUTCFullYear();
  if (y < 0 || y > 9999) return;
  e.ts = `${pad(y, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ${pad(
    date.getUTCHours(),
    2,
  )}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}${fraction}`;
}

// The last BSD stamp read: consecutive lines mostly share it.
let lastText = "";
let lastYear: number | null = null;
let lastTs: string | null = null;

/** ts_text and ts of the BSD stamp s[p, end) just read by bsdStamp, in year y. */
function bsdTs(s: string, p: number, end: number, y: number | null, e: FwEvent): void {
  if (end - p !== lastText.length || y !== lastYear || !s.startsWith(lastText, p)) {
    lastText = s.slice(p, end);
    lastYear = y;
    lastTs =
      y === null ||
      y > 9999 ||
      day > daysIn(y, month) ||
      digits(s, timeStart + 6, timeStart + 8) > 59
        ? null
        : `${pad(y, 4)}-${pad(month, 2)}-${pad(day, 2)} ${s.slice(timeStart, timeStart + 8)}${fractionOf(s)}`;
  }
  e.ts_text = lastText;
  e.ts = lastTs;
}

/** The fraction of the clock just read, at most 6 digits (TIMESTAMP is microseconds). */
function fractionOf(s: string): string {
  return timeEnd > timeStart + 8 ? s.slice(timeStart + 8, Math.min(timeEnd, timeStart + 15)) : "";
}

/**
 * The kernel's `[ 1234.567890]` stamp (or dmesg -T's `[Mon Jan 15 10:23:45 2024]`) at p,
 * before limit: sets kernel_uptime (or ts); returns where the text after it starts, or p.
 */
export function kernelStamp(s: string, p: number, limit: number, e: FwEvent): number {
  while (s.charCodeAt(p) === 32) ++p;
  if (s.charCodeAt(p) !== 91) return p;
  const close = s.indexOf("]", p);
  if (close < 0 || close >= limit) return p;
  let q = p + 1;
  while (s.charCodeAt(q) === 32) ++q;
  let r = q;
  while (isDigit(s.charCodeAt(r))) ++r;
  if (r > q && s.charCodeAt(r) === 46) {
    ++r;
    while (isDigit(s.charCodeAt(r))) ++r;
  }
  if (r > q && r === close) {
    e.kernel_uptime = uptime(s, q, close);
  } else if (close - q === 24 && bsdStamp(s, q + 4) === q + 19 && s.charCodeAt(q + 19) === 32) {
    const y = digits(s, q + 20, q + 24);
    if (y < 0) return p;
    e.ts_text = s.slice(q, close);
    if (day <= daysIn(y, month) && digits(s, timeStart + 6, timeStart + 8) < 60) {
      e.ts = `${pad(y, 4)}-${pad(month, 2)}-${pad(day, 2)} ${s.slice(timeStart, timeStart + 8)}`;
    }
  } else {
    return p;
  }
  q = close + 1;
  while (s.charCodeAt(q) === 32) ++q;
  return q;
}

/**
 * `Number(s.slice(q, end))` for digits with an optional "." and fraction, without the slice:
 * up to 15 digits the integer and the power of ten are exact, so their quotient is the
 * correctly rounded value of the decimal, as Number() gives.
 */
function uptime(s: string, q: number, end: number): number {
  let v = 0;
  let scale = 1;
  let digits = 0;
  let fraction = false;
  for (let k = q; k < end; ++k) {
    const c = s.charCodeAt(k);
    if (c === 46) {
      fraction = true;
      continue;
    }
    v = v * 10 + (c - 48);
    if (fraction) scale *= 10;
    ++digits;
  }
  return digits <= 15 ? v / scale : Number(s.slice(q, end));
}

/** Journald's __REALTIME_TIMESTAMP (µs since the epoch, UTC) as ts text, or null. */
export function realtimeTs(value: string): string | null {
  if (!/^\d{1,17}$/.test(value)) return null;
  const us = Number(value);
  const date = new Date(Math.floor(us / 1000));
  if (date.getUTCFullYear() > 9999) return null;
  return `${date.toISOString().slice(0, 19).replace("T", " ")}.${pad(us % 1e6, 6)}`;
}

function monthOf(s: string, p: number): number {
  switch (s.slice(p, p + 3)) {
    case "Jan":
      return 1;
    case "Feb":
      return 2;
    case "Mar":
      return 3;
    case "Apr":
      return 4;
    case "May":
      return 5;
    case "Jun":
      return 6;
    case "Jul":
      return 7;
    case "Aug":
      return 8;
    case "Sep":
      return 9;
    case "Oct":
      return 10;
    case "Nov":
      return 11;
    case "Dec":
      return 12;
    default:
      return 0;
  }
}

function daysIn(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** The decimal number in s[start, end), or -1 if any character is not a digit. */
function digits(s: string, start: number, end: number): number {
  if (start >= end || end > s.length) return -1;
  let value = 0;
  for (let i = start; i < end; ++i) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}
