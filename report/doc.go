// Package report writes a campaign's per-point statistics to results.csv
// and results.json, and reads them back for tables and plots.
//
// results.csv has one row per parameter point in grid order: the swept
// parameters as named in the spec, then reps and failed, then for each
// metric <metric>_mean, _std, _sem, _min, _max, _ci95_lo, _ci95_hi, _q05,
// _q50 and _q95. Numbers are printed in the shortest form that reads back
// to the same float64, so the same exact summaries always give the same
// bytes; timing and host details go only to results.json.
package report
