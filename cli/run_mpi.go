package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/signal"
	"syscall"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/mpirun"
)

// runMPI is 'netsweep run' in bin/netsweep-mpi: every rank calls it. Rank 0
// reads the spec and broadcasts its text, so every rank builds the same
// points from the same bytes; rank 0 alone touches the campaign directory.
// Other ranks ignore SIGUSR1, SIGINT and SIGTERM (mpirun, srun and Slurm
// deliver them to every rank; only the controller acts on them) and leave
// stopping to rank 0, which tells them through the protocol.
func runMPI(ctx context.Context, o runOptions, stderr io.Writer) (err error) {
	comm, err := mpirun.Init()
	if err != nil {
		return err
	}
	// A rank's standard output and error are pipes to mpirun or srun. When
	// a scheduler stops the job, the launcher may end first: then writing a
	// message must not kill the rank before it has journaled the chunks
	// in flight (Go's default for a broken pipe on fd 1 or 2).
	signal.Ignore(syscall.SIGPIPE)
	defer func() {
		if ferr := mpirun.Finalize(); err == nil && ferr != nil {
			err = ferr
		}
	}()
	s, err := campaign.ShareSpec(comm, o.Spec)
	if errors.Is(err, campaign.ErrRefusedSpec) {
		return errQuiet{exitUsage}
	}
	if err != nil {
		return err
	}
	if comm.Rank() != 0 {
		signal.Ignore(syscall.SIGUSR1, syscall.SIGINT, syscall.SIGTERM)
		err := campaign.Follow(ctx, comm, s)
		if errors.Is(err, campaign.ErrNoGoAhead) {
			return errQuiet{exitFailure}
		}
		return err
	}
	return runCampaign(ctx, o, s, stderr, comm.Size(), "mpi", campaign.GoAhead(comm), campaign.MPI(comm, s))
}

// errQuiet ends a process with a status and no message of its own (a
// non-root rank whose root has already explained).
type errQuiet struct{ code int }

func (e errQuiet) Error() string { return fmt.Sprintf("exit status %d", e.code) }
