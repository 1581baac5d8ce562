package campaign

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/netsweep/netsweep/mpirun"
	"github.com/netsweep/netsweep/spec"
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

// TestShareSpecRankRefuses: a rank whose own copy of a network file
// differs from the one the spec pins refuses the spec with its own error;
// every other rank then refuses too (rank 0 saying that another rank
// did), and none works.
func TestShareSpecRankRefuses(t *testing.T) {
	const net = "a b\nb c\nc a\n"
	sum := sha256.Sum256([]byte(net))
	text := "name = \"mpi\"\nseed = 1\nrepetitions = 2\n[network]\ngenerator = \"file\"\npath = \"net.txt\"\nsha256 = \"" + hex.EncodeToString(sum[:]) + "\"\n[process]\nmodel = \"sir\"\nbeta = 0.5\ngamma = 1.0\n"
	paths := make([]string, 3)
	for i := range paths {
		dir := t.TempDir()
		body := net
		if i == 2 {
			body = "a b\nb c\nc d\n"
		}
		os.WriteFile(filepath.Join(dir, "net.txt"), []byte(body), 0o644)
		paths[i] = filepath.Join(dir, "spec.toml")
		os.WriteFile(paths[i], []byte(text), 0o644)
	}
	comms := mpirun.NewLocal(3)
	errs := make([]error, len(comms))
	var wg sync.WaitGroup
	for i, c := range comms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = ShareSpec(c, paths[i])
		}()
	}
	wg.Wait()
	if errs[0] == nil || !strings.Contains(errs[0].Error(), "1 other ranks refused the spec") {
		t.Errorf("rank 0: %v; want that another rank refused", errs[0])
	}
	if !errors.Is(errs[1], ErrRefusedSpec) {
		t.Errorf("rank 1: %v; want ErrRefusedSpec", errs[1])
	}
	if errs[2] == nil || !strings.Contains(errs[2].Error(), "network.sha256") || errors.Is(errs[2], ErrRefusedSpec) {
		t.Errorf("rank 2: %v; want its own refusal of its network file", errs[2])
	}
}

// TestSharedSpecRun runs a campaign as the MPI ranks do, on in-process
// ranks: rank 0 with the spec it parsed, the others with the worker's spec
// that ShareSpec gives them (spec.ParseWorker, which keeps nothing per
// point), over coupled points and points that share their networks. The
// results are byte-identical to a run on in-process workers that share
// rank 0's spec.
func TestSharedSpecRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.toml")
	os.WriteFile(path, []byte(`name = "shared"
seed = 4
repetitions = 12
[network]
generator = "er"
n = 200
mean_degree = 3.0
[process]
model = "bond_percolation"
occupation = 0.5
[sweep]
"network.mean_degree" = [2.0, 4.0]
"process.occupation" = { start = 0.1, stop = 0.9, num = 9 }
`), 0o644)
	s, err := spec.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ref := filepath.Join(t.TempDir(), "ref")
	if _, err := Run(ctx, ref, s, Local(s, 3), RunOptions{Ranks: 3}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "mpi")
	comms := mpirun.NewLocal(3)
	errs := make([]error, len(comms))
	var wg sync.WaitGroup
	for i, c := range comms {
		wg.Go(func() {
			s, err := ShareSpec(c, path)
			if err != nil {
				errs[i] = err
				return
			}
			if i > 0 {
				errs[i] = Follow(ctx, c, s)
				return
			}
			_, errs[i] = Run(ctx, dir, s, MPI(c, s), RunOptions{Ranks: 3, Ready: GoAhead(c)})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("rank %d: %v", i, err)
		}
	}
	if a, b := results(t, ref), results(t, dir); !bytes.Equal(a, b) {
		t.Errorf("results of the ranks:\n%s\nof in-process workers:\n%s", b, a)
	}
}
