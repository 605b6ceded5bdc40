import { DuckDBInstance } from "@duckdb/node-api";
import { defaultParquet } from "/work/main/src/cli/query.ts";
import { FIGURES, compileFigure } from "/work/main/src/chapter14/figures.ts";
const pq = await defaultParquet();
const inst = await DuckDBInstance.create(":memory:");
const conn = await inst.connect();
await conn.run(`CREATE VIEW events AS SELECT * FROM read_parquet('${pq}')`);
for (const f of FIGURES) {
  const c = compileFigure(f);
  const t = performance.now();
  try {
    const r = await conn.runAndReadAll(c.sql);
    const rows = r.getRowObjects();
    console.log(f.id, rows.length, Math.round(performance.now() - t), "ms", JSON.stringify(rows.slice(0, 2), (k, v) => typeof v === "bigint" ? Number(v) : v));
  } catch (e) { console.log(f.id, "ERR", (e as Error).message.slice(0, 300)); }
}
console.log(compileFigure(FIGURES[12]!).sql);
console.log(compileFigure(FIGURES[0]!).sql);
