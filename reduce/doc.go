// Package reduce provides mergeable, order-independent summaries of per-run
// metric values, one per parameter point, and their encoding for MPI.
package reduce
