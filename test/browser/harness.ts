// Shared harness of the browser tests and the page benchmark: serves dist/ on 127.0.0.1,
// launches Debian's Chromium through playwright-core with a fresh profile, and watches a
// page for errors and for requests that leave the local origin.

import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { pagePaths } from "../../observablehq.config.js";
import { serve } from "../../scripts/serve.js";

export const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const distDir = join(projectDir, "dist");
export const screenshotDir = join(projectDir, "test-output", "screenshots");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Every page of the site: the config's pages list, plus "/" if it is not listed. */
export function sitePages(): string[] {
  const paths = pagePaths();
  return paths.includes("/") ? paths : ["/", ...paths];
}

export interface Site {
  origin: string;
  server: Server;
  close(): Promise<void>;
}

export async function serveDist(): Promise<Site> {
  const { server, origin } = await serve(distDir, 0);
  return {
    origin,
    server,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh Chromium profile (cold cache) per call. */
export async function launch(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "fwglow-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    timezoneId: "UTC",
    locale: "en-US",
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface Watch {
  /** Page errors, console errors, failed local requests and foreign requests. */
  problems: string[];
  foreign: string[];
}

/** Records problems on `page`; requests to other origins are aborted and recorded. */
export async function watch(page: Page, origin: string): Promise<Watch> {
  const w: Watch = { problems: [], foreign: [] };
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith("data:") || url.startsWith("blob:")) {
      return route.continue();
    }
    w.foreign.push(url);
    w.problems.push(`request outside ${origin}: ${url}`);
    return route.abort("blockedbyclient");
  });
  page.on("pageerror", (e) => w.problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") w.problems.push(`console error: ${m.text()}`);
  });
  page.on("requestfailed", (r) => {
    if (r.url().startsWith(`${origin}/`)) {
      w.problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
    }
  });
  page.on("response", (r) => {
    if (r.status() >= 400) w.problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return w;
}

/** The page has finished rendering: no cell is still loading. */
export async function settled(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    () => document.querySelectorAll("observablehq-loading").length === 0,
    undefined,
    { timeout, polling: 100 },
  );
}

/** Text of the Framework error cells on the page. */
export async function errorCells(page: Page): Promise<string[]> {
  return page.$$eval(".observablehq--error", (els) => els.map((e) => (e.textContent ?? "").trim()));
}

/** Number of Plot figures with at least one mark, and of tables with rows. */
export async function contentCounts(page: Page): Promise<{ figures: number; tables: number }> {
  return page.evaluate(() => ({
    figures: Array.from(document.querySelectorAll("#observablehq-main svg")).filter(
      (svg) =>
        svg.querySelector(
          "[aria-label] rect, [aria-label] path, [aria-label] circle, [aria-label] text, [aria-label] line, g[aria-label] > *",
        ) !== null,
    ).length,
    tables: Array.from(document.querySelectorAll("#observablehq-main table")).filter(
      (t) => t.querySelector("tbody tr") !== null,
    ).length,
  }));
}

export function fileNameFor(path: string): string {
  return path === "/" ? "index" : path.replace(/^\//, "").replace(/[^\w.-]+/g, "_");
}
