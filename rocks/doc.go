// Package rocks renders the launcher that runs a netsweep campaign on a
// Rocks cluster with Rocks' host commands and mpirun.
package rocks
