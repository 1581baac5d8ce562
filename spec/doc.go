// Package spec reads a netsweep sweep spec (TOML) into the parameter points
// of a campaign, strictly: every unknown key, wrong type or bad value is an
// error naming the file, the line, the key and the value, found before any
// work starts.
package spec
