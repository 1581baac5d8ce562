//go:build mpi && !mpich

package mpirun

// Open MPI: the default MPI of `make mpi`. Keep in sync with mpi_mpich.go.

// #cgo pkg-config: ompi-c
import "C"
