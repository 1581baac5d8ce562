package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/internal/signals"
	"github.com/netsweep/netsweep/mpirun"
)

// runMPI is 'netsweep run' in bin/netsweep-mpi: every rank calls it. Rank 0
// reads the spec and broadcasts its text (campaign.ShareSpec); rank 0
// alone touches the campaign directory and acts on signals
// (signals.ForRank).
func runMPI(ctx context.Context, o runOptions, stderr io.Writer) (err error) {
	comm, err := mpirun.Init()
	if err != nil {
		return err
	}
	signals.ForRank(comm.Rank())
	defer func() {
		// Say why before MPI_Finalize: once another rank has exited
		// non-zero, mpirun may kill this one before it returns.
		if err != nil {
			err = errQuiet{exitCode(err, stderr)}
		}
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
