"""read-raw.py DIR reads DIR/raw.parquet with pandas, with no options, as a
user would (pandas.read_parquet, through pyarrow), and prints what pandas
made of it as one JSON object, in the shape of scripts/polars/read-raw.js:

  version    "pandas X pyarrow Y"
  columns    the column names, in order
  dtypes     their pandas dtypes (int64, uint64, object, bool, float64)
  height     the row count
  values     every column's values; integers as strings, so that seeds
             above 2^53 keep every digit in JSON; missing values as null;
             floats in Python's shortest round-trip form
  means      per point, pandas' mean of final_size (missing values left out)
  results    DIR/results.csv read by pandas.read_csv (float_precision
             "round_trip"): height and final_size_mean
  export     DIR/export-results.parquet, if there: columns and height

cli TestRawPandas runs it (under `chroot ROOT python3 -`, where ROOT is
scripts/pandas/root.sh's) and checks every cell against report.ReadRaw.
"""
import json
import math
import os
import sys

import pandas
import pyarrow

d = sys.argv[1]
raw = pandas.read_parquet(os.path.join(d, "raw.parquet"))


def cell(v):
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return str(v)
    return v


out = {
    "version": "pandas %s pyarrow %s" % (pandas.__version__, pyarrow.__version__),
    "columns": list(raw.columns),
    "dtypes": [str(t) for t in raw.dtypes],
    "height": len(raw),
    "values": {c: [cell(v) for v in raw[c].tolist()] for c in raw.columns},
}
means = raw.groupby("point")["final_size"].mean()
out["means"] = [{"point": int(p), "final_size": cell(float(m))} for p, m in means.items()]

# pandas' default float parser may miss the last digit of what the CSV
# prints; "round_trip" reads the exact double, so the test can ask for it.
res = pandas.read_csv(os.path.join(d, "results.csv"), float_precision="round_trip")
out["results"] = {"height": len(res), "final_size_mean": res["final_size_mean"].tolist()}

exp = os.path.join(d, "export-results.parquet")
if os.path.exists(exp):
    e = pandas.read_parquet(exp)
    out["export"] = {"columns": list(e.columns), "height": len(e)}
json.dump(out, sys.stdout)
