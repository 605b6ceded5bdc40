// Timestamps → epoch seconds for gnuplot output, without ever consulting the current date.
//
// BSD syslog stamps (`Feb 25 12:11:24`) carry no year. The year comes from `year` (the
// year of the first row; each Dec→Jan rollover between rows adds one) or, failing that,
// from `endYear`/`endMonth` (the input file's modification time: the last row is in that
// year unless its month is later than the file's, and each rollover walking backwards
// subtracts one — psad's own rule, anchored on the file instead of today). Wall times are
// taken as UTC so the output does not depend on the machine's time zone. ISO stamps with
// an offset are exact instants.

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

export interface BsdStamp {
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const RE_BSD = /^\s*(\w+)\s+(\d+)\s+(\S+)/;
const RE_HMS = /(\d{2}):(\d{2}):(\d{2})/;

/** psad's reading of a BSD stamp (`Mon DD HH:MM:SS`), or null. */
export function parseBsd(text: string): BsdStamp | null {
  const m = RE_BSD.exec(text);
  if (!m) return null;
  const month = MONTHS[(m[1] as string).slice(0, 3).toLowerCase()];
  if (!month) return null;
  const hms = RE_HMS.exec(m[3] as string);
  return {
    month,
    day: Number(m[2]),
    hour: hms ? Number(hms[1]) : 0,
    minute: hms ? Number(hms[2]) : 0,
    second: hms ? Number(hms[3]) : 0,
  };
}

export interface YearHint {
  /** Year of the first row. */
  year?: number;
  /** Year and month (1-12) of the file's modification time. */
  endYear?: number;
  endMonth?: number;
}

/**
 * Epoch seconds for a sequence of timestamp texts (in row order); null where a stamp cannot
 * be read. Throws when BSD stamps occur and no year hint was given.
 */
export function epochs(texts: readonly string[], hint: YearHint): (number | null)[] {
  const parsed = texts.map((t) => (/^\s*\d{4}-\d\d-\d\dT/.test(t) ? null : parseBsd(t)));
  let year: number;
  if (hint.year !== undefined) {
    year = hint.year;
  } else if (hint.endYear !== undefined) {
    let y = hint.endYear;
    let prev = 0;
    for (let i = parsed.length - 1; i >= 0; i--) {
      const p = parsed[i];
      if (!p) continue;
      if (prev === 0) {
        if (hint.endMonth !== undefined && p.month > hint.endMonth) y--;
      } else if (p.month > prev) {
        y--;
      }
      prev = p.month;
    }
    year = y;
  } else {
    if (parsed.some((p) => p !== null))
      throw new Error("syslog timestamps have no year: give --year");
    year = 0;
  }
  let prevMonth = 0;
  return texts.map((t, i) => {
    const p = parsed[i];
    if (!p) {
      const ms = Date.parse(t.trim());
      return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
    }
    if (prevMonth && p.month < prevMonth) year++;
    prevMonth = p.month;
    return Date.UTC(year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000;
  });
}
