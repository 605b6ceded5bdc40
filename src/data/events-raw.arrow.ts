// Data loader: the raw log line of every event, as Arrow IPC with columns (file, line, raw),
// joinable to data/events.arrow on (file, line). For pages that filter with psad's
// --CSV-regex (src/lib/filter compiles it to `regexp_matches(raw, …)`), e.g.
//   sql: {events: ./data/events.arrow, raw_lines: ./data/events-raw.arrow}
//   CREATE VIEW events_raw AS SELECT * FROM events JOIN raw_lines USING (file, line)
// About 3× the size of events.arrow: load it only where regexes are needed.
// Shares one parse with events.arrow.ts (see _parsed.ts).
import { parsedData } from "./_parsed.js";

const { rawIpc } = await parsedData();
process.stdout.write(rawIpc);
