// Data loader: the figures of the chapter-14 page "slammer" (see _compute.ts).
import { computePage } from "./_compute.js";

process.stdout.write(JSON.stringify(await computePage("slammer")));
