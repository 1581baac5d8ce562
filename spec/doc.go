// Package spec reads a netsweep sweep spec (TOML) into the parameter points
// of a campaign, strictly: every unknown key, wrong type or bad value is an
// error naming the file, the line, the key and the value, found before any
// work starts.
//
// The points are not stored: Spec.Point(i) builds point i from the design
// (a [sweep]'s axes or a [[points]] row) and the base tables when asked, and
// a Spec keeps only each point's key, stream seeds and network group (56
// bytes a point). A spec parsed by ParseWorker, for a process that only runs
// the points it is handed, keeps nothing per point.
package spec
