package mpirun_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/mpirun/internal/commtest"
)

// testComm runs the conformance suite on every rank of comms, one goroutine
// per rank, and fails t with each rank's error. A rank that fails aborts the
// communicator so that the others stop waiting.
func testComm(t testing.TB, comms []mpirun.Comm) {
	t.Helper()
	errs := make(chan error, len(comms))
	for _, c := range comms {
		go func() {
			err := commtest.Run(c, nil)
			if err != nil {
				c.Abort(1)
			}
			errs <- err
		}()
	}
	timeout := time.After(2 * time.Minute)
	for range comms {
		select {
		case err := <-errs:
			if err != nil {
				t.Error(err)
			}
		case <-timeout:
			comms[0].Abort(1)
			t.Fatal("conformance suite still running after 2 minutes: a rank is blocked")
		}
	}
}

func TestLocalConformance(t *testing.T) {
	for _, size := range []int{1, 2, 3, 4, 7} {
		t.Run(fmt.Sprint("size=", size), func(t *testing.T) {
			testComm(t, mpirun.NewLocal(size))
		})
	}
}

func TestStubWithoutMPI(t *testing.T) {
	if mpirun.Enabled {
		t.Skip("built with the mpi tag")
	}
	c, err := mpirun.Init()
	if err == nil || c != nil {
		t.Fatalf("Init() = %v, %v; want an error in a build without MPI", c, err)
	}
	if err := mpirun.Finalize(); err == nil {
		t.Fatal("Finalize() returned no error in a build without MPI")
	}
}

// Faulty communicators that the suite must reject, so a passing suite means
// something.
type ignoreTag struct{ mpirun.Comm }

func (c ignoreTag) Recv(src, tag int) (mpirun.Message, error) {
	return c.Comm.Recv(src, mpirun.AnyTag)
}

type minIsMax struct{ mpirun.Comm }

func (c minIsMax) ReduceFloat64(root int, op mpirun.Op, data []float64) error {
	if op == mpirun.OpMin {
		op = mpirun.OpMax
	}
	return c.Comm.ReduceFloat64(root, op, data)
}

type truncBcast struct{ mpirun.Comm }

func (c truncBcast) Bcast(root int, data []byte) ([]byte, error) {
	out, err := c.Comm.Bcast(root, data)
	if len(out) > 0 {
		out = out[1:] // truncated by one byte
	}
	return out, err
}

func TestConformanceCatchesFaults(t *testing.T) {
	faults := []struct {
		name string
		wrap func(mpirun.Comm) mpirun.Comm
	}{
		{"recv ignores tag", func(c mpirun.Comm) mpirun.Comm { return ignoreTag{c} }},
		{"min is max", func(c mpirun.Comm) mpirun.Comm { return minIsMax{c} }},
		{"bcast truncates", func(c mpirun.Comm) mpirun.Comm { return truncBcast{c} }},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			comms := mpirun.NewLocal(3)
			errs := make(chan error, len(comms))
			for _, c := range comms {
				go func() {
					err := commtest.Run(f.wrap(c), nil)
					if err != nil {
						c.Abort(1)
					}
					errs <- err
				}()
			}
			failed := false
			for range comms {
				select {
				case err := <-errs:
					failed = failed || err != nil
				case <-time.After(time.Minute):
					comms[0].Abort(1)
					t.Fatal("suite blocked on a faulty communicator")
				}
			}
			if !failed {
				t.Errorf("the conformance suite passed a communicator whose %s", f.name)
			}
		})
	}
}
