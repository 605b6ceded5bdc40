// Arrow table → zstd Parquet bytes, in the browser and offline. DuckDB-wasm writes Parquet
// only with its parquet extension (downloaded from the network), so parquet-wasm writes it,
// served from Framework's npm cache like FileAttachment.parquet() (scripts/offline-cache.ts).

import type { Table } from "apache-arrow";

type Arrow = typeof import("apache-arrow");

export async function toParquet(table: Table): Promise<Uint8Array> {
  const [arrow, parquet] = await Promise.all([
    import("npm:apache-arrow"),
    import("npm:parquet-wasm"),
  ]);
  // As FileAttachment.parquet() does; a second call returns at once.
  await parquet.default(import.meta.resolve("npm:parquet-wasm/esm/parquet_wasm_bg.wasm"));
  const properties = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.ZSTD)
    .build();
  // writeParquet takes ownership of (and frees) the wasm-side table and properties.
  return parquet.writeParquet(
    parquet.Table.fromIPCStream(arrow.tableToIPC(withBooleanBytes(arrow, table), "stream")),
    properties,
  );
}

/**
 * arrow-js writes an all-NULL BOOLEAN chunk with no value bytes, which arrow-rs (inside
 * parquet-wasm) refuses to read ("Need at least N bytes for bitmap"). Such chunks are written
 * as UTINYINT bytes under their BOOLEAN field instead: all NULL, the bytes are never read,
 * and the Parquet column stays BOOLEAN.
 */
function withBooleanBytes(arrow: Arrow, table: Table): Table {
  const batches = table.batches.map((batch) => {
    const children = batch.data.children.map((d) =>
      arrow.DataType.isBool(d.type) && d.length > 0 && d.nullCount === d.length
        ? arrow.makeData({
            type: new arrow.Uint8(),
            length: d.length,
            nullCount: d.length,
            nullBitmap: new Uint8Array((d.length + 7) >> 3),
            data: new Uint8Array(d.length),
          })
        : d,
    );
    const data = arrow.makeData({
      type: new arrow.Struct(table.schema.fields),
      length: batch.numRows,
      nullCount: 0,
      children: children as never,
    });
    return new arrow.RecordBatch(table.schema, data);
  });
  return new arrow.Table(table.schema, batches);
}
