//go:build mpi && !cgo

package mpirun

// The mpi build tag needs cgo: with CGO_ENABLED=0, mpi.go is left out and
// this file stops the build with a message saying so.
const _ = mpirun_mpi_tag_needs_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler
