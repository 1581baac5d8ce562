//go:build mpi && mpich

package mpirun

// MPICH (and MPICH derivatives that ship mpich.pc), selected with
// `go build -tags mpi,mpich`. Keep in sync with mpi_ompi.go.

// #cgo pkg-config: mpich
import "C"
