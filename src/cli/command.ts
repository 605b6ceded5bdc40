// A subcommand of `fwglow`. Each lives in its own module and is loaded on demand.

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Command {
  name: string;
  /** One line for `fwglow --help`. */
  summary: string;
  /** Full `--help` text. */
  usage: string;
  /** Returns the exit code: 0 ok, 1 runtime failure, 2 usage error. */
  run(args: string[], io: Io): Promise<number>;
}

/** A usage error: printed as one line, exit code 2. */
export class UsageError extends Error {}
