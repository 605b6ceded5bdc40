// The link graph's worker: reduction, layout and painting (on the transferred canvas) off
// the main thread.

import { engine, type FromEngine, type ToEngine } from "./linkgraph-engine.js";

const handle = engine((m: FromEngine) =>
  postMessage(m, { transfer: m.type === "positions" ? [m.positions.buffer] : [] }),
);
addEventListener("message", ({ data }: MessageEvent<ToEngine>) => handle(data));
