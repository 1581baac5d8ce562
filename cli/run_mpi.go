package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/spec"
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
	var text []byte
	var loadErr error
	if comm.Rank() == 0 {
		text, loadErr = os.ReadFile(o.Spec)
		if loadErr == nil {
			_, loadErr = spec.Parse(o.Spec, text)
		}
		if loadErr != nil {
			text = nil
		}
	}
	if text, err = comm.Bcast(0, text); err != nil {
		return fmt.Errorf("could not broadcast the spec: %w", err)
	}
	if len(text) == 0 {
		if comm.Rank() == 0 {
			if spec.IsSpecError(loadErr) {
				return loadErr
			}
			return fmt.Errorf("could not read the spec: %w", loadErr)
		}
		return errQuiet{exitUsage}
	}
	s, err := spec.Parse(o.Spec, text)
	if err != nil {
		return err
	}
	// Rank 0 says whether the campaign directory opened; if not, every
	// rank stops before any work.
	ready := func(ok bool) error {
		b, err := comm.Bcast(0, []byte{map[bool]byte{true: 1}[ok]})
		if err != nil {
			return fmt.Errorf("could not broadcast the go-ahead: %w", err)
		}
		if b[0] != 1 {
			return errQuiet{exitFailure}
		}
		return nil
	}
	if comm.Rank() != 0 {
		signal.Ignore(syscall.SIGUSR1, syscall.SIGINT, syscall.SIGTERM)
		if err := ready(false); err != nil {
			return err
		}
		_, err := mpirun.Run(ctx, comm, campaign.Job(s), mpirun.Options{})
		return err
	}
	return runCampaign(ctx, o, s, stderr, comm.Size(), "mpi", ready, func(ctx context.Context, opts mpirun.Options) (*reduce.Table, error) {
		return mpirun.Run(ctx, comm, campaign.Job(s), opts)
	})
}

// errQuiet ends a process with a status and no message of its own (a
// non-root rank whose root has already explained).
type errQuiet struct{ code int }

func (e errQuiet) Error() string { return fmt.Sprintf("exit status %d", e.code) }
