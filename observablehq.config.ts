// Observable Framework configuration for the fwglow notebooks.
// Builds with no CDN: `npm run build` first fills src/.observablehq/cache/_npm from
// node_modules (scripts/offline-cache.ts); see ../shared/docs/OFFLINE-BUILD.md.

/** A page of the site. `path` is the URL path without extension ("/chapter14/figure-1"). */
export interface PageEntry {
  name: string;
  path: string;
}

/** A sidebar section grouping pages. */
export interface SectionEntry {
  name: string;
  open?: boolean;
  pages: PageEntry[];
}

/**
 * The sidebar. Add pages here (top level or inside a section); the browser tests
 * (test/browser/) open every page listed, so a new page is tested automatically.
 */
export const pages: (PageEntry | SectionEntry)[] = [
  { name: "Overview", path: "/" },
  {
    name: "Chapter 14",
    open: true,
    pages: [
      { name: "The data set and the method", path: "/chapter14/" },
      { name: "Traffic spikes (14-1, 14-2)", path: "/chapter14/spikes" },
      { name: "Port scans (14-3, 14-4)", path: "/chapter14/scans" },
      { name: "Port sweeps (14-5 to 14-8)", path: "/chapter14/sweeps" },
      { name: "Slammer worm (14-9, 14-10)", path: "/chapter14/slammer" },
      { name: "Nachi worm (14-11, 14-12)", path: "/chapter14/nachi" },
      { name: "Compromised system (14-13, 14-14)", path: "/chapter14/compromise" },
    ],
  },
  { name: "Explorer", path: "/explorer" },
];

/** Every page path listed in `pages`, in sidebar order. */
export function pagePaths(list: (PageEntry | SectionEntry)[] = pages): string[] {
  return list.flatMap((p) => ("pages" in p ? pagePaths(p.pages) : [p.path]));
}

export default {
  root: "src",
  output: "dist",
  title: "fwglow",
  pages,
  pager: true,
  toc: true,
  search: false,
  // No Google font: the default stylesheets would load one in the browser.
  globalStylesheets: [],
  style: "style.css",
  // No DuckDB extension can be downloaded here; `null` (not `false`) stops the download.
  duckdb: { extensions: { json: null, parquet: null } },
  head: '<link rel="icon" href="data:,">',
  footer: "fwglow — firewall logs into answers. Built with Observable Framework, offline.",
};
