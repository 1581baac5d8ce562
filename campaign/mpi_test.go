package campaign

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/netsweep/netsweep/mpirun"
)

// TestShareSpec: every rank gets rank 0's spec; a bad spec is rank 0's
// error and ErrRefusedSpec elsewhere; the go-ahead reaches every rank.
func TestShareSpec(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(good, []byte("name = \"mpi\"\nseed = 1\nrepetitions = 2\n[network]\ngenerator = \"er\"\nn = 10\nmean_degree = 2.0\n[process]\nmodel = \"sir\"\nbeta = 0.5\ngamma = 1.0\n"), 0o644)
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("name = \"mpi\"\n"), 0o644)
	for _, tc := range []struct {
		path string
		ok   bool
	}{{good, true}, {bad, false}} {
		comms := mpirun.NewLocal(3)
		errs := make([]error, len(comms))
		names := make([]string, len(comms))
		var wg sync.WaitGroup
		for i, c := range comms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := ShareSpec(c, tc.path)
				if errs[i] = err; err == nil {
					names[i] = s.Name
					errs[i] = GoAhead(c)(i == 0)
				}
			}()
		}
		wg.Wait()
		for i, err := range errs {
			switch {
			case tc.ok && (err != nil || names[i] != "mpi"):
				t.Errorf("%s, rank %d: %q, %v", tc.path, i, names[i], err)
			case !tc.ok && i == 0 && (err == nil || errors.Is(err, ErrRefusedSpec)):
				t.Errorf("%s, rank 0: %v; want the spec's error", tc.path, err)
			case !tc.ok && i > 0 && !errors.Is(err, ErrRefusedSpec):
				t.Errorf("%s, rank %d: %v; want ErrRefusedSpec", tc.path, i, err)
			}
		}
	}
}
