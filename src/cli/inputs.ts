// Resolves command-line inputs (FILE | DIR | GLOB | -) to named byte streams, and the year of
// each file's first yearless (BSD syslog) stamp.
import { isAscii } from "node:buffer";
import { createReadStream, createWriteStream, existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { type ParseArgsConfig, parseArgs } from "node:util";
import type { Decoder } from "../lib/parse/index.js";
import { UsageError } from "./command.js";

/** A missing or unreadable input: exit code 1. */
export class InputError extends Error {}

export interface InputSource {
  /** The `file` column: the base name, `-` for stdin. */
  name: string;
  /** Path on disk; null for stdin that has not been spooled. */
  path: string | null;
  /** Bytes on disk (compressed size for gzip), null when unknown. */
  size: number | null;
  mtime: Date | null;
  /** True for the files of the bundled default data set. */
  bundled: boolean;
  /** Opens a fresh stream of the bytes (plain or gzip; the parser sniffs). */
  open(onBytes?: (n: number) => void): AsyncIterable<Uint8Array>;
  /** Removes temporary files (spooled stdin). */
  cleanup?: () => Promise<void>;
}

/**
 * Repository root: the nearest ancestor holding data/default.json (this module runs from
 * src/cli, or bundled under node_modules/.cache by bin/fwglow.js).
 */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "data", "default.json"))) return d;
    if (dirname(d) === d) return resolve(dir, "../.."); // not found: the source layout
  }
}

export interface DefaultDataset {
  files: string[];
  year: number;
}

/** data/default.json, with absolute paths. */
export function defaultDataset(): DefaultDataset {
  const dataDir = join(ROOT, "data");
  const json = JSON.parse(readFileSync(join(dataDir, "default.json"), "utf8")) as DefaultDataset;
  return { files: json.files.map((f) => resolve(dataDir, f)), year: json.year };
}

/** fwglow's version (package.json). */
export function fwglowVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;
}

const CHUNK = 1 << 20;

/**
 * A bytes → text decoder for the parser that gives exactly what `new TextDecoder("utf-8")`
 * gives (U+FFFD for invalid bytes, a leading BOM dropped) but decodes pure-ASCII chunks as
 * latin1, a plain copy. Other chunks go to a TextDecoder, created when first needed.
 */
export function nodeDecoder(): Decoder {
  let utf8: TextDecoder | null = null;
  let started = false; // bytes were decoded before: a BOM from here on is content
  let pending = false; // utf8 may hold the start of an unfinished sequence
  return {
    decode(input?: Uint8Array, options?: { stream?: boolean }): string {
      if (input === undefined || input.length === 0) {
        if (options?.stream) return "";
        const rest = utf8 !== null && pending ? utf8.decode() : "";
        pending = false;
        return rest;
      }
      const bytes = Buffer.isBuffer(input)
        ? input
        : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
      if (isAscii(bytes)) {
        started = true;
        if (!pending) return bytes.toString("latin1", 0, bytes.length);
        // An ASCII byte ends whatever utf8 holds (as U+FFFD): it is then empty again.
        pending = false;
        return (
          (utf8 as TextDecoder).decode(bytes.subarray(0, 1), { stream: true }) +
          bytes.toString("latin1", 1, bytes.length)
        );
      }
      utf8 ??= new TextDecoder("utf-8", { ignoreBOM: started });
      started = true;
      pending = options?.stream === true;
      return utf8.decode(bytes, options);
    },
  };
}

/**
 * Handed out in pieces of this size: decoded, they are ordinary heap strings, where a whole
 * chunk would become an external string in fresh (page-faulted) memory.
 */
const PIECE = 1 << 16;

async function* readFile(path: string, onBytes?: (n: number) => void): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    const bytes = chunk as Buffer;
    onBytes?.(bytes.length);
    for (let at = 0; at < bytes.length; at += PIECE) yield bytes.subarray(at, at + PIECE);
  }
}

async function fileSource(path: string, bundled = false): Promise<InputSource> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (error) {
    throw new InputError(`${path}: ${describe(error)}`);
  }
  if (!st.isFile()) throw new InputError(`${path}: not a regular file`);
  return {
    name: basename(path),
    path,
    size: st.size,
    mtime: st.mtime,
    bundled,
    open: (onBytes) => readFile(path, onBytes),
  };
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ENOENT") return "no such file or directory";
  if (code === "EACCES") return "permission denied";
  if (code === "EISDIR") return "is a directory";
  return error instanceof Error ? error.message : String(error);
}

const GLOB_CHARS = /[*?[]/;

function segmentRegex(segment: string): RegExp {
  let re = "";
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = segment.slice(i + 1, end);
        if (body.startsWith("!")) body = `^${body.slice(1)}`;
        re += `[${body.replaceAll("\\", "\\\\")}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Minimal glob (`*`, `?`, `[...]`, `**`) over the file system; sorted matches. */
export async function glob(pattern: string): Promise<string[]> {
  const absolute = isAbsolute(pattern);
  const segments = pattern.split("/").filter((s, i) => s !== "" || i === 0);
  let base = absolute ? "/" : ".";
  if (absolute) segments.shift();
  // Leading literal segments.
  while (segments.length > 1 && !GLOB_CHARS.test(segments[0]))
    base = join(base, segments.shift() as string);
  const out: string[] = [];
  const walk = async (dir: string, rest: string[]): Promise<void> => {
    if (rest.length === 0) return;
    const [head, ...tail] = rest;
    if (head === "**") {
      await walk(dir, tail);
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        if (entry.isDirectory() && !entry.name.startsWith("."))
          await walk(join(dir, entry.name), rest);
      }
      return;
    }
    if (!GLOB_CHARS.test(head)) {
      const next = join(dir, head);
      if (tail.length === 0) {
        if ((await stat(next).catch(() => null))?.isFile()) out.push(next);
      } else await walk(next, tail);
      return;
    }
    const re = segmentRegex(head);
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (!re.test(entry.name) || (entry.name.startsWith(".") && !head.startsWith("."))) continue;
      const next = join(dir, entry.name);
      if (tail.length === 0) {
        if (
          entry.isFile() ||
          (entry.isSymbolicLink() && (await stat(next).catch(() => null))?.isFile())
        )
          out.push(next);
      } else if (entry.isDirectory() || entry.isSymbolicLink()) await walk(next, tail);
    }
  };
  await walk(base, segments);
  return [...new Set(out)].sort();
}

export interface ResolveOptions {
  stdin: NodeJS.ReadableStream;
  /** Spool stdin to a temporary file (needed to count year rollovers before parsing). */
  spoolStdin?: boolean;
}

/**
 * FILE | DIR (its regular files, sorted, not recursive, hidden files skipped) | GLOB | `-`.
 * No arguments: the bundled default data set (data/default.json).
 */
export async function resolveInputs(
  args: readonly string[],
  options: ResolveOptions,
): Promise<InputSource[]> {
  if (args.length === 0) {
    const dataset = defaultDataset();
    return Promise.all(dataset.files.map((f) => fileSource(f, true)));
  }
  const sources: InputSource[] = [];
  let stdinUsed = false;
  for (const arg of args) {
    if (arg === "-") {
      if (stdinUsed) throw new InputError("'-' (stdin) given more than once");
      stdinUsed = true;
      sources.push(await stdinSource(options));
      continue;
    }
    const st = await stat(arg).catch(() => null);
    if (st?.isDirectory()) {
      const entries = (await readdir(arg, { withFileTypes: true }))
        .filter((e) => !e.name.startsWith(".") && e.isFile())
        .map((e) => join(arg, e.name))
        .sort();
      if (entries.length === 0) throw new InputError(`${arg}: directory has no files`);
      for (const f of entries) sources.push(await fileSource(f));
    } else if (st) {
      sources.push(await fileSource(arg));
    } else if (GLOB_CHARS.test(arg)) {
      const matches = await glob(arg);
      if (matches.length === 0) throw new InputError(`${arg}: no files match`);
      for (const f of matches) sources.push(await fileSource(f));
    } else {
      throw new InputError(`${arg}: no such file or directory`);
    }
  }
  return sources;
}

async function stdinSource(options: ResolveOptions): Promise<InputSource> {
  if (!options.spoolStdin) {
    let used = false;
    return {
      name: "-",
      path: null,
      size: null,
      mtime: null,
      bundled: false,
      open: (onBytes) => {
        if (used) throw new Error("stdin can be read only once");
        used = true;
        return (async function* () {
          for await (const chunk of options.stdin) {
            const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
            onBytes?.(bytes.length);
            yield bytes;
          }
        })();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), "fwglow-stdin-"));
  const path = join(dir, "stdin");
  await pipeline(options.stdin, createWriteStream(path));
  const st = await stat(path);
  return {
    name: "-",
    path,
    size: st.size,
    mtime: new Date(),
    bundled: false,
    open: (onBytes) => readFile(path, onBytes),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * The year of a source's first yearless stamp: `--year` if given; the year stated in
 * data/default.json for the bundled files (gzip carries no mtime); else the file's mtime year
 * minus the Dec→Jan rollovers in it (so the last record lands in the mtime year); stdin that
 * was not spooled: the current year.
 */
export async function yearOf(
  source: InputSource,
  explicit: number | undefined,
  countRollovers: (chunks: AsyncIterable<Uint8Array>) => Promise<number>,
): Promise<number> {
  if (explicit !== undefined) return explicit;
  if (source.bundled) return defaultDataset().year;
  const base = (source.mtime ?? new Date()).getFullYear();
  if (source.path === null) return base;
  return base - (await countRollovers(source.open()));
}

/** Parses `--year`: a four-digit year. */
export function parseYear(text: string): number {
  if (!/^\d{4}$/.test(text) || Number(text) < 1900)
    throw new UsageError(`--year must be a year like 2005, not '${text}'`);
  return Number(text);
}

/** `util.parseArgs` (strict) with its errors turned into one-line usage errors. */
export function parseCli<O extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: O,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument.*$/, ""));
  }
}
