// Data loader: line accounting (lines = events + other + malformed, per file and in total)
// and the malformed lines themselves (file, line, reason, raw; the first 1000 listed).
// Shares one parse with events.arrow.ts (see _parsed.ts).
import { parsedData } from "./_parsed.js";

const { accounting } = await parsedData();
process.stdout.write(JSON.stringify(accounting));
