package cli

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/internal/mpitest"
	"github.com/netsweep/netsweep/journal"
)

var (
	mpiBinaryOnce sync.Once
	mpiBinaryPath string
)

// mpiBinary builds bin/netsweep-mpi once for the tests in this file.
func mpiBinary(t *testing.T) (mpirun string, impl mpitest.Impl, bin string) {
	t.Helper()
	mpirun, impl = mpitest.Tool(t)
	mpiBinaryOnce.Do(func() { mpiBinaryPath = mpitest.BuildTo(t, impl, "../cmd/netsweep", filepath.Dir(binary)) })
	if mpiBinaryPath == "" {
		t.Fatal("the MPI build failed in an earlier test")
	}
	return mpirun, impl, mpiBinaryPath
}

// mpiCommand returns the command that runs bin under mpirun with np ranks.
func mpiCommand(mpirun string, impl mpitest.Impl, np int, bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(mpirun, mpitest.LaunchArgs(impl, np, os.Geteuid() == 0, nil, bin, args...)...)
	cmd.Env = append(os.Environ(), "NETSWEEP_FAULTS=")
	return cmd
}

// TestMPIQuickstart runs the quickstart under mpirun with 1 to 4 ranks:
// each writes a results.csv byte-identical to the embedded default's.
func TestMPIQuickstart(t *testing.T) {
	mpirun, impl, bin := mpiBinary(t)
	want := reference(t, "../examples/quickstart.toml")
	for np := 1; np <= 4; np++ {
		out := filepath.Join(t.TempDir(), "out")
		msg, err := mpiCommand(mpirun, impl, np, bin, "run", "../examples/quickstart.toml", "--out", out, "--quiet").CombinedOutput()
		if err != nil {
			t.Fatalf("np=%d: %v\n%s", np, err, msg)
		}
		got, err := os.ReadFile(filepath.Join(out, "results.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("np=%d: results.csv differs from the embedded default's: %s", np, firstDiff(want, got))
		}
		if !strings.Contains(string(msg), "on "+string(rune('0'+np))+" ranks") {
			t.Errorf("np=%d: the run does not say it used %d ranks:\n%s", np, np, msg)
		}
	}
}

// TestNonMPIBinaryRefuses starts the binary built without MPI under mpirun
// with two ranks: it refuses, names the binary to use, and runs nothing.
func TestNonMPIBinaryRefuses(t *testing.T) {
	mpirun, impl := mpitest.Tool(t)
	out := filepath.Join(t.TempDir(), "out")
	msg, err := mpiCommand(mpirun, impl, 2, binary, "run", "../examples/quickstart.toml", "--out", out).CombinedOutput()
	if err == nil {
		t.Fatalf("the non-MPI binary ran under mpirun -np 2:\n%s", msg)
	}
	if !strings.Contains(string(msg), "built without MPI") || !strings.Contains(string(msg), "netsweep-mpi") {
		t.Errorf("no clear refusal:\n%s", msg)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the refused run created %s", out)
	}
}

// TestMPIKillAndResume kills whole MPI jobs (mpirun and every rank, as a
// lost node or a walltime would) at random moments, 20 times, resuming each
// time with another rank count, and finally embedded, and compares the
// results with an uninterrupted run's byte for byte.
func TestMPIKillAndResume(t *testing.T) {
	mpirun, impl, bin := mpiBinary(t)
	spec := writeSpec(t, strings.Replace(durableSpec, "repetitions = 150", "repetitions = 1500", 1))
	want := reference(t, spec)
	out := filepath.Join(t.TempDir(), "out")
	rng := rand.New(rand.NewPCG(3, 4))
	killed := 0
	for i := range 20 {
		np := 1 + i%4
		before := journalRecords(t, out)
		cmd := mpiCommand(mpirun, impl, np, bin, "run", spec, "--out", out, "--quiet", "--chunk", "3")
		// Every repetition waits 1 ms, so that at most 3 workers cannot
		// finish the campaign within the 20 kills however fast the machine.
		cmd.Env = append(cmd.Env, "NETSWEEP_FAULTS=delay=1ms")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a random moment after the job has recorded something.
		deadline := time.Now().Add(30 * time.Second)
		for journalRecords(t, out) <= before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(60)) * time.Millisecond)
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		killProcesses(t, bin) // Open MPI puts ranks in groups of their own
		if err := cmd.Wait(); err != nil {
			killed++
		}
		if _, err := os.Stat(filepath.Join(out, "results.csv")); err == nil {
			break
		}
	}
	if killed < 20 {
		t.Fatalf("only %d MPI jobs were killed mid-campaign; make the campaign longer", killed)
	}
	t.Logf("%d MPI jobs killed, %d records journaled", killed, journalRecords(t, out))
	if code, msg := netsweep(t, "run", spec, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("embedded resume after MPI kills: exit %d: %s", code, msg)
	}
	got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	if !bytes.Equal(got, want) {
		t.Errorf("results after %d killed MPI jobs differ: %s", killed, firstDiff(want, got))
	}
}

// TestMPISIGUSR1 sends mpirun the warning signal a batch system sends
// before the walltime: the job exits with the resumable status, and an MPI
// run with another rank count finishes it with identical results.
func TestMPISIGUSR1(t *testing.T) {
	mpirun, impl, bin := mpiBinary(t)
	spec := writeSpec(t, strings.Replace(durableSpec, "repetitions = 150", "repetitions = 600", 1))
	want := reference(t, spec)
	out := filepath.Join(t.TempDir(), "out")
	cmd := mpiCommand(mpirun, impl, 3, bin, "run", spec, "--out", out, "--quiet", "--chunk", "5")
	cmd.Env = append(cmd.Env, "NETSWEEP_FAULTS=delay=1ms") // still running at the signal
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for journalRecords(t, out) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGUSR1)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitResumable {
		t.Fatalf("after SIGUSR1: %v, want exit status %d\n%s", err, exitResumable, buf.String())
	}
	msg, err := mpiCommand(mpirun, impl, 2, bin, "run", spec, "--out", out, "--quiet").CombinedOutput()
	if err != nil {
		t.Fatalf("resume under mpirun -np 2: %v\n%s", err, msg)
	}
	got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	if !bytes.Equal(got, want) {
		t.Errorf("results after SIGUSR1 and resume differ: %s", firstDiff(want, got))
	}
}

// killProcesses kills with SIGKILL every process running the program at
// path, as a lost node would, and waits until none is left.
func killProcesses(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids := processesOf(path)
		if len(pids) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes %v of %s survive SIGKILL", pids, path)
		}
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processesOf lists the live processes whose command is path.
func processesOf(path string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		if arg0, _, _ := bytes.Cut(cmdline, []byte{0}); string(arg0) == path {
			if stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat")); err == nil && !bytes.Contains(stat, []byte(") Z ")) {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// TestMPIIncremental grows one campaign directory under real mpirun with
// 1 to 3 ranks: more repetitions, a value inserted and others reordered,
// then fewer repetitions. After each edit results.csv is byte-identical
// to a fresh embedded run of the edited spec, and the run reuses what the
// directory holds.
func TestMPIIncremental(t *testing.T) {
	mpirun, impl, bin := mpiBinary(t)
	edits := []struct {
		reps   int
		betas  string
		np     int
		reused string // in the run's words; "" for the first run
	}{
		{40, "[0.3, 0.6]", 2, ""},
		{80, "[0.6, 0.2, 0.3]", 3, "resuming"},
		{50, "[0.3, 0.6]", 1, "resuming"},
	}
	out := filepath.Join(t.TempDir(), "out")
	for i, e := range edits {
		text := strings.Replace(strings.Replace(durableSpec, "repetitions = 150", fmt.Sprintf("repetitions = %d", e.reps), 1),
			`"process.beta" = [0.3, 0.6, 1.2]`, `"process.beta" = `+e.betas, 1)
		spec := writeSpec(t, text)
		want := reference(t, spec)
		msg, err := mpiCommand(mpirun, impl, e.np, bin, "run", spec, "--out", out, "--quiet").CombinedOutput()
		if err != nil {
			t.Fatalf("edit %d under mpirun -np %d: %v\n%s", i, e.np, err, msg)
		}
		if !strings.Contains(string(msg), e.reused) {
			t.Errorf("edit %d: the run did not resume:\n%s", i, msg)
		}
		got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
		if !bytes.Equal(got, want) {
			t.Errorf("edit %d (np %d): results differ from a fresh run of the edited spec: %s", i, e.np, firstDiff(want, got))
		}
	}
	// The second edit ran 40 more of 0.3 and 0.6 and 80 of 0.2: 200 of
	// 240; the third, with 50 of 0.3 and 0.6 in the journal, none.
	if code, msg := netsweep(t, "status", out); code != 0 || !strings.Contains(msg, "progress  100/100 runs") || !strings.Contains(msg, "unused") {
		t.Errorf("status: exit %d:\n%s", code, msg)
	}
}

// TestOldJournalRefused: a journal of netsweep 0.1 (format version 1,
// seeds from a point's place in the grid) is refused before any work with
// a message that names its version and says what to do; --force moves it
// aside.
func TestOldJournalRefused(t *testing.T) {
	spec := writeSpec(t, durableSpec)
	out := filepath.Join(t.TempDir(), "out")
	os.MkdirAll(out, 0o755)
	old := append([]byte(journal.Magic), 1, 0, 0, 0, 0)
	os.WriteFile(filepath.Join(out, campaign.JournalFile), old, 0o644)
	os.WriteFile(filepath.Join(out, "results.csv"), []byte("kept\n"), 0o644)
	code, msg := netsweep(t, "run", spec, "--out", out, "--quiet")
	if code != exitFailure || !strings.Contains(msg, "format version 1") || !strings.Contains(msg, "--force") || !strings.Contains(msg, "results.csv stays valid") {
		t.Fatalf("exit %d, want %d with the version and the way out:\n%s", code, exitFailure, msg)
	}
	if kept, _ := os.ReadFile(filepath.Join(out, "results.csv")); string(kept) != "kept\n" {
		t.Errorf("the old results.csv was touched: %q", kept)
	}
	if code, msg := netsweep(t, "run", spec, "--out", out, "--quiet", "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, msg)
	}
	aside, _ := filepath.Glob(out + ".replaced-*")
	if len(aside) != 1 {
		t.Fatalf("moved aside: %v", aside)
	}
	if kept, _ := os.ReadFile(filepath.Join(aside[0], "results.csv")); string(kept) != "kept\n" {
		t.Errorf("the old results.csv was not kept aside: %q", kept)
	}
}

// TestMPINetworkFile runs the examples on network files and their
// rewired null models (one with the network metrics) under mpirun with 3
// ranks, each reading the file itself: the results are the embedded
// runtime's byte for byte.
func TestMPINetworkFile(t *testing.T) {
	mpirun, impl, bin := mpiBinary(t)
	for _, spec := range []string{"../examples/sir-file-rewire.toml", "../examples/sir-cns-nullmodels.toml"} {
		want := reference(t, spec)
		out := filepath.Join(t.TempDir(), "out")
		if msg, err := mpiCommand(mpirun, impl, 3, bin, "run", spec, "--out", out, "--quiet").CombinedOutput(); err != nil {
			t.Fatalf("%s: mpirun -np 3: %v\n%s", spec, err, msg)
		}
		got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: results.csv under mpirun -np 3 differs from the embedded run's: %s", spec, firstDiff(want, got))
		}
	}
}

// TestMPIRaw runs a campaign keeping raw values under mpirun with 1 to 3
// ranks: raw.parquet is byte-identical to the embedded run's, and agrees
// with results.csv.
func TestMPIRaw(t *testing.T) {
	mpirun, impl, bin := mpiBinary(t)
	sp := writeSpec(t, rawSpec)
	ref := filepath.Join(t.TempDir(), "ref")
	if code, msg := netsweep(t, "run", sp, "--out", ref, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	want, _ := readRaw(t, ref)
	for np := 1; np <= 3; np++ {
		out := filepath.Join(t.TempDir(), "out")
		msg, err := mpiCommand(mpirun, impl, np, bin, "run", sp, "--out", out, "--quiet", "--chunk", "5").CombinedOutput()
		if err != nil {
			t.Fatalf("np=%d: %v\n%s", np, err, msg)
		}
		got, tab := readRaw(t, out)
		if !bytes.Equal(got, want) {
			t.Errorf("np=%d: raw.parquet differs from the embedded run's", np)
		}
		checkRaw(t, sp, out, tab)
	}
}
