// Types for Framework's `npm:` imports (served from the offline npm cache, shared with the
// page's own `Plot`), so components can import them and still typecheck.
declare module "npm:@observablehq/plot" {
  export * from "@observablehq/plot";
}
declare module "npm:apache-arrow" {
  export * from "apache-arrow";
}
declare module "npm:parquet-wasm" {
  export * from "parquet-wasm/esm";
  export { default } from "parquet-wasm/esm";
}
