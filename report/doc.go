// Package report writes a campaign's per-point statistics to results.csv
// and results.json, and reads them back for tables and plots.
//
// results.csv has one row per parameter point in grid order: the swept
// parameters as named in the spec, then reps and failed, then for each
// metric <metric>_mean, _std, _sem, _min, _max, _ci95_lo, _ci95_hi, _q05,
// _q50 and _q95. Numbers are printed in the shortest form that reads back
// to the same float64, so the same exact summaries always give the same
// bytes; timing and host details go only to results.json.
//
// raw.parquet holds every repetition's values, one row each in (point,
// repetition) order ([output] raw). EncodeRaw and WriteRaw write a table
// held in memory; EncodeRawRows and EncodeRawRuns stream rows, or runs of
// a point's rows, without it. A table's layout (its points, keys,
// repetitions and seeds) depends on the spec alone: StartRawLayout
// encodes those columns from a RawLayout on a goroutine of its own, while
// the values are still being computed, writing the first row group's to
// the file (a temporary one beside it) at once, and
// RawLayoutEncoding.WriteFile then encodes only the values and completes
// the file. All of them write the same bytes for the same rows; ReadRaw
// reads them back.
package report
