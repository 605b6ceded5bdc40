// `fwglow` entry point: dispatches to the subcommand modules.
import type { Command, Io } from "./command.js";
import { UsageError } from "./command.js";

const COMMANDS: Record<string, () => Promise<Command>> = {
  psad: async () => (await import("./psad.js")).command,
  convert: async () => (await import("./convert.js")).command,
  parse: async () => (await import("./parse.js")).command,
  query: async () => (await import("./query.js")).command,
  afterglow: async () => (await import("./afterglow.js")).command,
  render: async () => (await import("./render.js")).command,
};

const io: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

async function help(): Promise<string> {
  const lines = ["Usage: fwglow <command> [options]", "", "Commands:"];
  for (const load of Object.values(COMMANDS)) {
    const c = await load();
    lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  }
  lines.push("", "Run 'fwglow <command> --help' for a command's options.");
  return `${lines.join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(await help());
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(`fwglow: unknown command '${name}' (try 'fwglow --help')\n`);
    return 2;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage.endsWith("\n") ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`fwglow ${name}: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

// A reader that stops early (`fwglow parse | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

// Exit with the command's code once output is flushed, even if a native handle (DuckDB) or a
// lingering stream would keep the event loop alive.
const code = await main(process.argv.slice(2));
process.exitCode = code;
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
