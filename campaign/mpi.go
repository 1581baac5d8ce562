package campaign

import (
	"context"
	"errors"
	"fmt"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/reduce"
	"github.com/netsweep/netsweep/spec"
)

// Under MPI every rank runs the same program: rank 0 reads the spec and
// broadcasts its text (ShareSpec), so every rank has the same points
// from the same bytes (the others in a spec that keeps nothing per point); rank 0 alone touches the campaign directory and
// runs Run with the executor MPI, whose Ready (GoAhead) tells the other
// ranks, waiting in Follow, whether to work.

// ErrRefusedSpec is the error of ShareSpec on the ranks other than 0 when
// rank 0 could not read or parse the spec; rank 0 reports why.
var ErrRefusedSpec = errors.New("rank 0 refused the spec")

// ErrNoGoAhead is the error of Follow when rank 0 could not open the
// campaign directory and no rank does any work; rank 0 reports why.
var ErrNoGoAhead = errors.New("rank 0 could not open the campaign directory")

// ShareSpec returns on every rank of comm the spec at path, which rank 0
// reads, parses and broadcasts. Each rank parses it from its own path, so
// it reads the network files on its own host; if any rank cannot, every
// rank returns an error (the rank that could not says why) and none works.
func ShareSpec(comm mpirun.Comm, path string) (*spec.Spec, error) {
	var text []byte
	var loadErr error
	var root *spec.Spec
	if comm.Rank() == 0 {
		text, loadErr = spec.ReadFile(path)
		if loadErr == nil {
			if root, loadErr = spec.Parse(path, text); loadErr == nil {
				loadErr = root.CheckMemory()
			}
		}
		if loadErr != nil {
			text = nil
		}
	}
	text, err := comm.Bcast(0, text)
	if err != nil {
		return nil, fmt.Errorf("could not broadcast the spec: %w", err)
	}
	if len(text) == 0 {
		if comm.Rank() == 0 {
			if spec.IsSpecError(loadErr) {
				return nil, loadErr
			}
			return nil, fmt.Errorf("could not read the spec: %w", loadErr)
		}
		return nil, ErrRefusedSpec
	}
	// Every rank parses the text itself, reading the network files from
	// its own host (a deployed copy, checked against the SHA-256 that the
	// spec pins), and validates every point: the ranks agree that every
	// one of them loaded it before any works. The other ranks keep
	// nothing per point (spec.ParseWorker): they materialise the points
	// of the tasks they are handed, so their memory does not grow with
	// the grid.
	s, err := root, error(nil)
	if comm.Rank() != 0 {
		s, err = spec.ParseWorker(path, text)
	}
	refused := []int64{0}
	if err != nil {
		refused[0] = 1
	}
	if rerr := comm.ReduceInt64(0, mpirun.OpSum, refused); rerr != nil {
		return nil, fmt.Errorf("could not agree on the spec: %w", rerr)
	}
	n := byte(min(refused[0], 255))
	verdict, berr := comm.Bcast(0, []byte{n})
	if berr != nil {
		return nil, fmt.Errorf("could not agree on the spec: %w", berr)
	}
	switch {
	case err != nil:
		return nil, err // this rank says why
	case verdict[0] == 0:
		return s, nil
	case comm.Rank() == 0:
		return nil, fmt.Errorf("%d other ranks refused the spec (each says why above); no rank did any work", refused[0])
	default:
		return nil, ErrRefusedSpec
	}
}

// GoAhead returns the RunOptions.Ready of comm: rank 0 says whether the
// campaign directory opened; if not, every rank stops before any work.
func GoAhead(comm mpirun.Comm) func(ok bool) error {
	return func(ok bool) error {
		b, err := comm.Bcast(0, []byte{map[bool]byte{true: 1}[ok]})
		if err != nil {
			return fmt.Errorf("could not broadcast the go-ahead: %w", err)
		}
		if b[0] != 1 {
			return ErrNoGoAhead
		}
		return nil
	}
}

// Follow is the part of a rank other than 0 in the campaign of s: it
// waits for rank 0's go-ahead, then works until rank 0 ends the run.
func Follow(ctx context.Context, comm mpirun.Comm, s *spec.Spec) error {
	if err := GoAhead(comm)(false); err != nil {
		return err
	}
	_, err := mpirun.Run(ctx, comm, Job(s), mpirun.Options{})
	return err
}

// MPI returns the Executor of rank 0 that runs the campaign of s on the
// ranks of comm.
func MPI(comm mpirun.Comm, s *spec.Spec) Executor {
	return func(ctx context.Context, opts mpirun.Options) (*reduce.Table, error) {
		return mpirun.Run(ctx, comm, Job(s), opts)
	}
}
