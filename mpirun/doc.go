// Package mpirun runs a campaign's repetitions on a communicator of ranks:
// rank 0's controller hands out chunks of repetitions as ranks ask for work,
// every rank's worker runs its chunks locally and sends each chunk's exact
// summary back to rank 0 in its canonical encoding, and rank 0 merges it
// into a compact table as it arrives (workers keep no table, so their
// memory does not grow with the number of points). The chunks of points
// that share work (Grouper) go out together and run repetition by
// repetition, so a worker builds each repetition's network once.
//
// The same controller and worker run on two communicators: Local, whose
// ranks are goroutines of one process (the embedded default), and, in
// binaries built with the mpi build tag, MPI_COMM_WORLD.
package mpirun
