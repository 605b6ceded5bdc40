import { launch, serveDist } from "/work/main/test/browser/harness.ts";
const site = await serveDist();
for (const path of (process.argv[2] ?? "/chapter14/spikes").split(",")) {
const b = await launch();
const page = await b.context.newPage();
await page.goto(site.origin + path, { waitUntil: "load" });
await page.waitForFunction(() => Object.keys((window as any).__chapter14 ?? {}).length >= 2, undefined, { timeout: 30000 });
const r = await page.evaluate(() => ({
  drawn: (window as any).__chapter14,
  nav: performance.getEntriesByType("navigation").map((e: any) => ({ dcl: Math.round(e.domContentLoadedEventEnd), load: Math.round(e.loadEventEnd) })),
  res: performance.getEntriesByType("resource").map((e: any) => `${Math.round(e.startTime)}-${Math.round(e.responseEnd)} ${e.transferSize} ${e.name.replace(location.origin, "")}`),
}));
console.log(path, JSON.stringify(r.drawn), JSON.stringify(r.nav));
for (const l of r.res) console.log("  ", l);
await b.close();
}
await new Promise((ok) => site.server.close(ok));
