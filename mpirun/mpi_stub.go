//go:build !mpi

// The stand-in for mpi.go in builds without the mpi tag, so that the default
// build needs neither a C toolchain nor MPI. Keep the exported API in sync
// with mpi.go.

package mpirun

import "errors"

// Enabled reports whether this binary was built with MPI (the mpi build tag).
const Enabled = false

var errNoMPI = errors.New("mpirun: this binary was built without MPI: build bin/netsweep-mpi with `make mpi` (go build -tags mpi) and start that under mpirun or srun")

// Init would initialise MPI; in this build it returns an error saying how to
// get a binary with MPI.
func Init() (Comm, error) { return nil, errNoMPI }

// Finalize would finalise MPI; in this build it returns the same error as
// Init.
func Finalize() error { return errNoMPI }
