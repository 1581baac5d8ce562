package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slowSpec is a campaign whose repetitions each take the delay that
// NETSWEEP_FAULTS adds (a second or more), so that a signal always finds
// chunks in flight.
const slowSpec = `name = "slow"
seed = 11
repetitions = 6

[network]
generator = "er"
n = 200
mean_degree = 4.0

[process]
model = "sir"
beta = 0.5
gamma = 1.0

[sweep]
"process.beta" = [0.4, 0.8]
`

// TestGracefulStop signals a campaign whose repetitions take a second or
// more, and checks that the first SIGTERM or SIGINT finishes the chunks in
// flight (they reach the journal) within the grace period, that a second
// signal stops at once, and that the resume runs only the rest, to the
// results of an uninterrupted run.
func TestGracefulStop(t *testing.T) {
	spec := writeSpec(t, slowSpec)
	want := reference(t, spec)
	cases := []struct {
		name   string
		sig    syscall.Signal
		delay  time.Duration // of every repetition
		second time.Duration // after the first signal, a second one; 0: none
	}{
		{"SIGTERM", syscall.SIGTERM, 1500 * time.Millisecond, 0},
		{"SIGINT", syscall.SIGINT, 1500 * time.Millisecond, 0},
		{"second signal", syscall.SIGTERM, 4 * time.Second, 1500 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			var stderr bytes.Buffer
			cmd := command("run", spec, "--out", out, "--quiet", "--chunk", "1", "--workers", "2", "--grace", "30s")
			cmd.Env = append(cmd.Env, "NETSWEEP_FAULTS=delay="+tc.delay.String())
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Both workers finish their first chunk together; a third of
			// a repetition later both are in the middle of the next.
			deadline := time.Now().Add(30 * time.Second)
			for journalRuns(t, out) < 2 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			time.Sleep(tc.delay / 3)
			before := journalRuns(t, out)
			sent := time.Now()
			cmd.Process.Signal(tc.sig)
			if tc.second > 0 {
				time.Sleep(tc.second)
				cmd.Process.Signal(tc.sig)
			}
			err := cmd.Wait()
			took := time.Since(sent)
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitResumable {
				t.Fatalf("after %v: %v, want exit status %d\n%s", tc.sig, err, exitResumable, &stderr)
			}
			after := journalRuns(t, out)
			if tc.second == 0 {
				// Both workers held a chunk at the signal, with two
				// thirds of a repetition to go: both must be waited for.
				if after < before+2 || took < tc.delay/2 {
					t.Fatalf("stopped after %v with %d runs journaled, %d at the signal: the chunks in flight were not finished\n%s", took, after, before, &stderr)
				}
				if took > tc.delay+10*time.Second {
					t.Errorf("took %v to stop", took)
				}
			} else if after != before || took > tc.second+tc.delay/2 {
				t.Fatalf("a second signal after %v: stopped after %v with %d runs journaled, %d at the first signal; want a stop at once\n%s", tc.second, took, after, before, &stderr)
			}
			if !strings.Contains(stderr.String(), "finishing the chunks in flight") {
				t.Errorf("no word of the graceful stop:\n%s", &stderr)
			}

			code, msg := netsweep(t, "run", spec, "--out", out, "--workers", "2")
			if code != 0 {
				t.Fatalf("resume: exit %d: %s", code, msg)
			}
			if resumed := fmt.Sprintf("%d of 12 runs already done", after); !strings.Contains(msg, resumed) {
				t.Errorf("resume did not start from the %d journaled runs:\n%s", after, msg)
			}
			got, _ := os.ReadFile(filepath.Join(out, "results.csv"))
			if !bytes.Equal(got, want) {
				t.Errorf("results after the stop and resume differ: %s", firstDiff(want, got))
			}
		})
	}
}

// TestSignalStopsEveryCommand: a command with nothing to finish stops on
// the first SIGINT or SIGTERM even where it cannot notice it, here results
// blocked reading a FIFO as a campaign's results.json (validate refuses a
// spec that is not a regular file before it reads it).
func TestSignalStopsEveryCommand(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		dir := t.TempDir()
		if err := syscall.Mkfifo(filepath.Join(dir, "results.json"), 0o644); err != nil {
			t.Skipf("no FIFO here: %v", err)
		}
		cmd := command("results", dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		sent := time.Now()
		cmd.Process.Signal(sig)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != 128+int(sig) {
				t.Errorf("%v: %v, want exit status %d", sig, err, 128+int(sig))
			}
			t.Logf("%v: stopped after %v", sig, time.Since(sent).Round(time.Millisecond))
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: validate on a FIFO still running 10 s after the signal", sig)
		}
	}
}
