// The link graph's worker: layout and painting (on the transferred canvas) off the main thread.

import { engine, type FromEngine, type ToEngine } from "./linkgraph-engine.js";

const handle = engine((m: FromEngine) => postMessage(m, { transfer: [m.positions.buffer] }));
onmessage = ({ data }: MessageEvent<ToEngine>) => handle(data);
