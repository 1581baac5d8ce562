package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netsweep/netsweep/campaign"
	"github.com/netsweep/netsweep/journal"
)

// binary is the netsweep command built once for the tests that run it as a
// separate process (to kill it, signal it, or run it under mpirun).
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "netsweep-test-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "netsweep")
	if out, err := exec.Command("go", "build", "-o", binary, "../cmd/netsweep").CombinedOutput(); err != nil {
		panic("could not build netsweep: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// durableSpec is a campaign of about a second on two cores, in many small
// chunks, so that kills and signals land in the middle of it.
const durableSpec = `name = "durable"
seed = 5
repetitions = 150

[network]
generator = "er"
n = 3000
mean_degree = 4.0

[process]
model = "sir"
beta = 0.5
gamma = 1.0

[sweep]
"process.beta" = [0.3, 0.6, 1.2]
`

// reference runs spec uninterrupted in-process and returns its results.csv.
func reference(t *testing.T, spec string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "ref")
	if code, msg := netsweep(t, "run", spec, "--out", out, "--quiet", "--workers", "2"); code != 0 {
		t.Fatalf("reference run: exit %d: %s", code, msg)
	}
	data, err := os.ReadFile(filepath.Join(out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "NETSWEEP_FAULTS=")
	return cmd
}

func journalRecords(t *testing.T, dir string) int {
	t.Helper()
	j, err := journal.Scan(filepath.Join(dir, campaign.JournalFile))
	if err != nil {
		return 0
	}
	return len(j.Records())
}

// journalRuns returns how many repetitions the journal in dir covers,
// all points together: unlike its record count, it does not depend on how
// the controller sized its chunks.
func journalRuns(t *testing.T, dir string) int {
	t.Helper()
	j, err := journal.Scan(filepath.Join(dir, campaign.JournalFile))
	if err != nil {
		return 0
	}
	n := 0
	for _, rs := range j.Done() {
		for _, r := range rs {
			n += r.End - r.Start
		}
	}
	return n
}

// TestKillAndResume kills a running campaign with SIGKILL at random moments,
// 20 times, resuming each time with another number of workers, and checks
// that the final results.csv is byte-identical to an uninterrupted run's.
func TestKillAndResume(t *testing.T) {
	spec := writeSpec(t, strings.Replace(durableSpec, "repetitions = 150", "repetitions = 1000", 1))
	want := reference(t, spec)
	out := filepath.Join(t.TempDir(), "killed")
	rng := rand.New(rand.NewPCG(1, 2))
	interrupted := 0
	for i := range 20 {
		cmd := command("run", spec, "--out", out, "--quiet", "--chunk", "3", "--workers", []string{"1", "2", "3"}[i%3])
		before := journalRecords(t, out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill at a random moment after the run has recorded something, so
		// every run makes progress whatever the machine's speed.
		deadline := time.Now().Add(20 * time.Second)
		for journalRecords(t, out) <= before && time.Now().Before(deadline) {
			time.Sleep(2 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok && ee.Sys().(syscall.WaitStatus).Signaled() {
			interrupted++
		}
		if _, err := os.Stat(filepath.Join(out, "results.csv")); err == nil {
			break // finished before the kill: nothing left to interrupt
		}
	}
	if interrupted < 10 {
		t.Fatalf("only %d of the runs were killed mid-campaign; make the campaign longer", interrupted)
	}
	t.Logf("%d runs killed mid-campaign, %d records journaled", interrupted, journalRecords(t, out))
	if out, err := command("run", spec, "--out", out, "--quiet", "--workers", "2").CombinedOutput(); err != nil {
		t.Fatalf("final resume: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(out, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("resumed results differ from an uninterrupted run: %s", firstDiff(want, got))
	}
}

// damagedCampaign runs spec to the end in chunks of chunk repetitions,
// removes its results.csv and rewrites its journal through edit; it
// returns the directory and the damaged journal's bytes.
func damagedCampaign(t *testing.T, spec, chunk string, edit func([]byte) []byte) (out string, damaged []byte) {
	t.Helper()
	out = filepath.Join(t.TempDir(), "out")
	if code, msg := netsweep(t, "run", spec, "--out", out, "--quiet", "--chunk", chunk); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	os.Remove(filepath.Join(out, "results.csv"))
	path := filepath.Join(out, campaign.JournalFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	damaged = edit(data)
	if err := os.WriteFile(path, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	return out, damaged
}

// TestJournalTailDamage truncates and corrupts the journal's last record
// and resumes: the damaged record is dropped with a warning, its
// repetitions run again, and the results are unchanged.
func TestJournalTailDamage(t *testing.T) {
	spec := writeSpec(t, durableSpec)
	want := reference(t, spec)
	for _, damage := range []string{"truncate", "corrupt"} {
		t.Run(damage, func(t *testing.T) {
			out, _ := damagedCampaign(t, spec, "10", func(data []byte) []byte {
				if damage == "truncate" {
					return data[:len(data)-7]
				}
				data[len(data)-20] ^= 0x5a
				return data
			})
			code, msg := netsweep(t, "run", spec, "--out", out, "--quiet")
			if code != 0 {
				t.Fatalf("resume: exit %d: %s", code, msg)
			}
			if !strings.Contains(msg, "repaired the journal") {
				t.Errorf("no warning about the repair: %s", msg)
			}
			got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
			if !bytes.Equal(got, want) {
				t.Errorf("results after repair differ: %s", firstDiff(want, got))
			}
		})
	}
}

// TestJournalMiddleDamage damages the journal in the middle (a record
// with intact ones after it) and in its header. Middle damage is refused,
// naming --salvage, with the file left as it was; --salvage keeps a copy
// and resumes from the records before the damage, to the same results. A
// damaged header is refused, naming --force, which moves the directory
// aside and starts afresh.
func TestJournalMiddleDamage(t *testing.T) {
	spec := writeSpec(t, durableSpec)
	want := reference(t, spec)
	damage := func(t *testing.T, at func(n int) int) (string, []byte) {
		return damagedCampaign(t, spec, "5", func(data []byte) []byte {
			data[at(len(data))] ^= 0x5a
			return data
		})
	}
	t.Run("middle", func(t *testing.T) {
		out, damaged := damage(t, func(n int) int { return n / 2 })
		path := filepath.Join(out, campaign.JournalFile)
		code, msg := netsweep(t, "run", spec, "--out", out, "--quiet")
		if code != exitFailure || !strings.Contains(msg, "damaged in the middle") || !strings.Contains(msg, "--salvage") {
			t.Fatalf("middle damage: exit %d, want %d naming --salvage: %s", code, exitFailure, msg)
		}
		if data, _ := os.ReadFile(path); !bytes.Equal(data, damaged) {
			t.Fatal("the refused journal was changed")
		}
		code, msg = netsweep(t, "run", spec, "--out", out, "--quiet", "--salvage")
		if code != 0 {
			t.Fatalf("--salvage: exit %d: %s", code, msg)
		}
		copies, _ := filepath.Glob(path + ".damaged-*")
		if len(copies) != 1 || !strings.Contains(msg, copies[0]) {
			t.Fatalf("--salvage kept %v; stderr: %s", copies, msg)
		}
		if data, _ := os.ReadFile(copies[0]); !bytes.Equal(data, damaged) {
			t.Error("the kept copy is not the damaged journal")
		}
		if !strings.Contains(msg, "salvaged") {
			t.Errorf("no warning naming what was salvaged: %s", msg)
		}
		got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
		if !bytes.Equal(got, want) {
			t.Errorf("results after --salvage differ: %s", firstDiff(want, got))
		}
	})
	t.Run("header", func(t *testing.T) {
		out, _ := damage(t, func(int) int { return len(journal.Magic) + 6 })
		code, msg := netsweep(t, "run", spec, "--out", out, "--quiet")
		if code != exitFailure || !strings.Contains(msg, "damaged header") || !strings.Contains(msg, "--force") {
			t.Fatalf("damaged header: exit %d, want %d naming --force: %s", code, exitFailure, msg)
		}
		if code, msg := netsweep(t, "run", spec, "--out", out, "--quiet", "--force"); code != 0 {
			t.Fatalf("--force: exit %d: %s", code, msg)
		}
		if aside, _ := filepath.Glob(out + ".replaced-*"); len(aside) != 1 {
			t.Fatalf("damaged campaign not moved aside: %v", aside)
		}
		got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
		if !bytes.Equal(got, want) {
			t.Errorf("results after --force differ: %s", firstDiff(want, got))
		}
	})
}

// TestFailuresAndReplay injects a panic and an error into two repetitions:
// the campaign completes, counts them in failed, lists them in
// failures.jsonl, and replay reproduces the panic.
func TestFailuresAndReplay(t *testing.T) {
	spec := writeSpec(t, durableSpec)
	out := filepath.Join(t.TempDir(), "out")
	faults := "NETSWEEP_FAULTS=panic@1/17,error@2/140"
	cmd := command("run", spec, "--out", out, "--quiet")
	cmd.Env = append(cmd.Env, faults)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("campaign with failures: %v\n%s", err, msg)
	}
	rows := readCSV(t, filepath.Join(out, "results.csv"))
	for i, want := range []string{"0", "1", "1"} {
		if rows[i]["failed"] != want {
			t.Errorf("point %d: failed = %s, want %s", i, rows[i]["failed"], want)
		}
	}
	if rows[1]["reps"] != "149" {
		t.Errorf("point 1: reps = %s, want 149 successful", rows[1]["reps"])
	}
	f, err := os.Open(filepath.Join(out, campaign.FailuresFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []campaign.FailureRecord
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var r campaign.FailureRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 2 || recs[0].Point != 1 || recs[0].Rep != 17 || recs[1].Point != 2 || recs[1].Rep != 140 {
		t.Fatalf("failures.jsonl: %+v", recs)
	}
	if !strings.Contains(recs[0].Message, "panic: injected fault") || recs[0].Seed == 0 || recs[0].Params["process.beta"] != 0.6 {
		t.Errorf("failure record: %+v", recs[0])
	}

	replay := command("replay", out, "--point", "1", "--rep", "17")
	replay.Env = append(replay.Env, faults)
	msg, err := replay.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "panic: injected fault") || !strings.Contains(string(msg), "goroutine") {
		t.Errorf("replay did not reproduce the panic with its stack: %v\n%s", err, msg)
	}
	// Without the fault the same repetition runs.
	if code, msg := netsweep(t, "replay", out, "--point", "1", "--rep", "17"); code != 0 || !strings.Contains(msg, "final_size") {
		t.Errorf("replay without the fault: exit %d: %s", code, msg)
	}
}

func TestMaxFailures(t *testing.T) {
	spec := writeSpec(t, strings.Replace(durableSpec, "repetitions = 150", "repetitions = 150\nmax_failures = 1", 1))
	out := filepath.Join(t.TempDir(), "out")
	cmd := command("run", spec, "--out", out, "--quiet", "--chunk", "1", "--workers", "1")
	cmd.Env = append(cmd.Env, "NETSWEEP_FAULTS=error@0/1,error@0/2,error@0/3")
	msg, err := cmd.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != exitFailure || !strings.Contains(string(msg), "max_failures = 1") {
		t.Fatalf("exit %v, want %d with a max_failures message:\n%s", err, exitFailure, msg)
	}
	if _, err := os.Stat(filepath.Join(out, "results.csv")); err == nil {
		t.Error("results written for an aborted campaign")
	}
}

// TestSIGTERM stops a campaign mid-run: it exits with the resumable status
// within the grace period, loses no chunk it had recorded, and resumes to
// the same results.
func TestSIGTERM(t *testing.T) {
	spec := writeSpec(t, strings.Replace(durableSpec, "repetitions = 150", "repetitions = 600", 1))
	want := reference(t, spec)
	out := filepath.Join(t.TempDir(), "out")
	cmd := command("run", spec, "--out", out, "--quiet", "--chunk", "5", "--grace", "20s")
	cmd.Env = append(cmd.Env, "NETSWEEP_FAULTS=delay=1ms") // still running at the signal, whatever the number of cores
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for journalRecords(t, out) < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	before := journalRecords(t, out)
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != exitResumable {
		t.Fatalf("after SIGTERM: %v, want exit status %d", err, exitResumable)
	}
	if took := time.Since(sent); took > 20*time.Second {
		t.Errorf("took %v to stop, beyond the grace period", took)
	}
	after := journalRecords(t, out)
	if after < before {
		t.Fatalf("journal lost records: %d before the signal, %d after", before, after)
	}
	st, err := campaign.ReadStatus(out)
	if err != nil {
		t.Fatal(err)
	}
	if done, _ := st.Totals(); done == 0 || done >= st.Spec.Runs() {
		t.Fatalf("status after the stop: %d of %d done", done, st.Spec.Runs())
	}
	if code, msg := netsweep(t, "run", spec, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, msg)
	}
	got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	if !bytes.Equal(got, want) {
		t.Errorf("results after SIGTERM and resume differ: %s", firstDiff(want, got))
	}
}

// TestOtherCampaign refuses a directory holding another spec's journal, and
// with --force moves it aside rather than mixing the two.
func TestOtherCampaign(t *testing.T) {
	specA := writeSpec(t, durableSpec)
	specB := writeSpec(t, strings.Replace(durableSpec, "seed = 5", "seed = 6", 1))
	out := filepath.Join(t.TempDir(), "out")
	if code, msg := netsweep(t, "run", specA, "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	code, msg := netsweep(t, "run", specB, "--out", out, "--quiet")
	if code != exitFailure || !strings.Contains(msg, "--force") {
		t.Fatalf("another spec's directory: exit %d: %s", code, msg)
	}
	if code, msg := netsweep(t, "run", specB, "--out", out, "--quiet", "--force"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, msg)
	}
	aside, _ := filepath.Glob(out + ".replaced-*")
	if len(aside) != 1 {
		t.Fatalf("old campaign not moved aside: %v", aside)
	}
	if _, err := os.Stat(filepath.Join(aside[0], "results.csv")); err != nil {
		t.Errorf("the old campaign's results are gone: %v", err)
	}
}

func TestUnwritableOutput(t *testing.T) {
	spec := writeSpec(t, durableSpec)
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	code, msg := netsweep(t, "run", spec, "--out", filepath.Join(file, "out"), "--quiet")
	if code != exitFailure || !strings.Contains(msg, "output directory") {
		t.Fatalf("exit %d: %s", code, msg)
	}
}
