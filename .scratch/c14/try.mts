import { computePage } from "/work/main/src/chapter14/data/_compute.ts";
const t = performance.now();
const d = await computePage("all");
console.log("ms", performance.now() - t, "lines", d.lines, "year", d.year);
for (const f of d.figures) console.log(f.id, f.kind, "matched", f.matched, "psadLines", f.psadLines, "marks", f.rows.length, "json", JSON.stringify(f).length, JSON.stringify(f.facts).slice(0, 400));
