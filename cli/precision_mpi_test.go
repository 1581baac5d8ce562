package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// precisionSpec sweeps SIR across its threshold (β = 1/3 on ER networks
// of mean degree 4) with [precision]: the points need from 20 to 1000
// repetitions.
const precisionSpec = `name = "precision"
seed = 5

[network]
generator = "er"
n = 300
mean_degree = 4.0

[process]
model = "sir"
beta = 0.5
gamma = 1.0
seed_fraction = 0.02

[sweep]
"process.beta" = [0.02, 0.25, 0.33, 0.45, 1.0, 4.0]

[precision]
metric = "final_size"
sem = 0.004
min_repetitions = 20
max_repetitions = 1000
block = 20
`

// TestMPIPrecision runs a campaign with [precision] under real mpirun
// with 1 to 3 ranks and several chunk sizes, and once killed whole under
// mpirun -np 3 and resumed with 2 ranks: the repetitions run and
// results.csv are byte-identical to an embedded run's.
func TestMPIPrecision(t *testing.T) {
	mpirun, impl, bin := mpiBinary(t)
	spec := writeSpec(t, precisionSpec)
	want := reference(t, spec)
	ref := filepath.Join(t.TempDir(), "ref")
	if code, msg := netsweep(t, "run", spec, "--out", ref, "--quiet", "--workers", "1"); code != 0 {
		t.Fatalf("embedded run: %d: %s", code, msg)
	}
	runs := journalRuns(t, ref)
	for _, tc := range []struct{ np, chunk int }{{1, 0}, {2, 0}, {3, 0}, {2, 1}, {3, 7}} {
		out := filepath.Join(t.TempDir(), "out")
		msg, err := mpiCommand(mpirun, impl, tc.np, bin, "run", spec, "--out", out, "--quiet", "--chunk", fmt.Sprint(tc.chunk)).CombinedOutput()
		if err != nil {
			t.Fatalf("np=%d: %v\n%s", tc.np, err, msg)
		}
		got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
		if !bytes.Equal(got, want) {
			t.Errorf("np=%d chunk %d: results.csv differs from the embedded run's: %s", tc.np, tc.chunk, firstDiff(want, got))
		}
		if n := journalRuns(t, out); n != runs {
			t.Errorf("np=%d chunk %d: ran %d repetitions, the embedded run %d", tc.np, tc.chunk, n, runs)
		}
	}

	out := filepath.Join(t.TempDir(), "killed")
	cmd := mpiCommand(mpirun, impl, 3, bin, "run", spec, "--out", out, "--quiet", "--chunk", "3")
	cmd.Env = append(cmd.Env, "NETSWEEP_FAULTS=delay=1ms")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for journalRuns(t, out) < runs/3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	killProcesses(t, bin)
	if err := cmd.Wait(); err == nil {
		t.Fatal("the MPI job finished before it was killed; make the campaign longer")
	}
	if n := journalRuns(t, out); n >= runs {
		t.Fatalf("killed after %d of %d repetitions", n, runs)
	}
	msg, err := mpiCommand(mpirun, impl, 2, bin, "run", spec, "--out", out, "--quiet").CombinedOutput()
	if err != nil {
		t.Fatalf("resume under mpirun -np 2: %v\n%s", err, msg)
	}
	got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	if !bytes.Equal(got, want) {
		t.Errorf("results after a killed MPI job differ: %s", firstDiff(want, got))
	}
	if n := journalRuns(t, out); n != runs {
		t.Errorf("killed and resumed: the journal covers %d repetitions, the embedded run %d", n, runs)
	}
}
