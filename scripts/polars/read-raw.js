// read-raw.js DIR reads DIR/raw.parquet with polars (nodejs-polars: the
// Rust polars-io reader that Python's polars uses), with no options, as a
// user would, and prints what polars made of it as one JSON object:
//
//   version    "nodejs-polars X"
//   columns    the column names, in order
//   dtypes     their polars dtypes (Int64, UInt64, String, Boolean, ...)
//   height     the row count
//   values     every column's values; integer columns are cast to strings
//              by polars, so that seeds above 2^53 keep every digit in
//              JSON; floats print in JavaScript's shortest round-trip form
//   means      per point, polars' mean of final_size (nulls left out)
//   results    DIR/results.csv read by pl.readCSV: height and final_size_mean
//   export     DIR/export-results.parquet, if there: columns and height
//
// cli TestRawPolars runs it and checks every cell against report.ReadRaw.
// Install its one dependency with `npm ci --prefix scripts/polars`.
"use strict";
const fs = require("fs");
const path = require("path");
const pl = require("nodejs-polars");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node read-raw.js DIR");
  process.exit(2);
}

const integer = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"]);
const raw = pl.readParquet(path.join(dir, "raw.parquet"));
const out = {
  version: `nodejs-polars ${pl.version}`,
  columns: raw.columns,
  dtypes: raw.dtypes.map((d) => d.variant),
  height: raw.height,
  values: {},
};
raw.columns.forEach((name, i) => {
  let col = raw.getColumn(name);
  if (integer.has(out.dtypes[i])) {
    col = col.cast(pl.Utf8);
  }
  out.values[name] = col.toArray();
});
out.means = raw
  .groupBy("point")
  .agg(pl.col("final_size").mean())
  .sort("point")
  .toRecords()
  .map((r) => ({ point: Number(r.point), final_size: r.final_size }));

const res = pl.readCSV(path.join(dir, "results.csv"));
out.results = { height: res.height, final_size_mean: res.getColumn("final_size_mean").toArray() };

const exp = path.join(dir, "export-results.parquet");
if (fs.existsSync(exp)) {
  const e = pl.readParquet(exp);
  out.export = { columns: e.columns, height: e.height };
}
console.log(JSON.stringify(out));
