// A small static server for the built site (dist/) on 127.0.0.1: `npm start` uses it, and
// so do the browser tests and the page benchmark. Serves the right MIME types (DuckDB-wasm
// compiles .wasm by streaming only when served as application/wasm), clean URLs
// (/foo → foo.html), HTTP Range requests, and nothing outside the directory.
//
// Usage: node --import tsx scripts/serve.ts [--dir dist] [--port 3000]   (PORT also works)

import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".tsv": "text/tab-separated-values; charset=utf-8",
  ".arrow": "application/vnd.apache.arrow.stream",
  ".parquet": "application/vnd.apache.parquet",
  ".dot": "text/vnd.graphviz; charset=utf-8",
  ".gz": "application/gzip",
};

async function findFile(root: string, urlPath: string): Promise<string | undefined> {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  const candidates = path.endsWith("/")
    ? [join(file, "index.html")]
    : [file, `${file}.html`, join(file, "index.html")];
  for (const c of candidates) {
    const s = await stat(c).catch(() => undefined);
    if (s?.isFile()) return c;
  }
  return undefined;
}

export function createStaticServer(dir: string): Server {
  const root = resolve(dir);
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const file = await findFile(root, url.pathname);
    if (!file) {
      const notFound = await findFile(root, "/404.html");
      res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" });
      if (notFound && req.method === "GET") createReadStream(notFound).pipe(res);
      else res.end("Not found\n");
      return;
    }
    const { size } = await stat(file);
    const headers: Record<string, string | number> = {
      "Content-Type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
      "Accept-Ranges": "bytes",
      "Cache-Control": "no-cache",
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (range && (range[1] || range[2])) {
      if (range[1]) {
        start = Number(range[1]);
        end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      } else {
        start = Math.max(0, size - Number(range[2]));
      }
      if (start > end || start >= size) {
        res.writeHead(416, { "Content-Range": `bytes */${size}` }).end();
        return;
      }
      status = 206;
      headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
    }
    headers["Content-Length"] = size === 0 ? 0 : end - start + 1;
    res.writeHead(status, headers);
    if (req.method === "HEAD" || size === 0) res.end();
    else createReadStream(file, { start, end }).pipe(res);
  });
}

/** Starts a server on 127.0.0.1 (port 0 = any free port); returns its origin. */
export async function serve(dir: string, port = 0): Promise<{ server: Server; origin: string }> {
  const server = createStaticServer(dir);
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok());
  });
  const { port: actual } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${actual}` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dir = resolve(opt("--dir") ?? "dist");
  const port = Number(opt("--port") ?? process.env.PORT ?? 3000);
  const { origin } = await serve(dir, port);
  process.stdout.write(`fwglow: serving ${dir} at ${origin}/ (Ctrl-C to stop)\n`);
}
