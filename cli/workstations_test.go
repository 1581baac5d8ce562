package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/netsweep/netsweep/cluster/workstations"
	"github.com/netsweep/netsweep/internal/mpitest"
	"github.com/netsweep/netsweep/internal/netnstest"
	"github.com/netsweep/netsweep/remote"
	"github.com/netsweep/netsweep/remote/sshdtest"
	"github.com/netsweep/netsweep/spec"
)

// netsweepCtx is netsweep() under a context, for commands the test may
// have to stop.
func netsweepCtx(ctx context.Context, args ...string) (int, string) {
	var out lockedBuf
	code := exitCode(dispatch(ctx, args, &out, &out), &out)
	return code, out.String()
}

// TestWorkstations runs a campaign on a network of three workstations made
// of network namespaces, each with its own sshd: deploy copies the MPI
// binary and the spec to a separate directory per host (as if they shared
// no file system), launch runs it with mpirun over ssh, and results.csv is
// byte-identical to the embedded default's. Then the third host's link is
// cut in the middle of a second campaign: the job fails, and launch on the
// two hosts left resumes it from rank 0's journal with identical results.
func TestWorkstations(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPING: -short")
	}
	netnstest.Need(t)
	_, impl, bin := mpiBinary(t)
	if impl != mpitest.OpenMPI {
		t.Skip("SKIPPING: netsweep launch drives Open MPI's mpirun; this mpirun is MPICH's")
	}
	sshdtest.Need(t, "ssh", "/usr/bin/ssh")
	sshdtest.Need(t, "sshd", "/usr/sbin/sshd")
	// The quickstart with 4 times the repetitions: 6000 runs, so that
	// most of the campaign is left to resume after the cut.
	quick, err := os.ReadFile("../examples/quickstart.toml")
	if err != nil {
		t.Fatal(err)
	}
	quick = bytes.Replace(quick, []byte("repetitions = 100 "), []byte("repetitions = 400 "), 1)
	if !bytes.Contains(quick, []byte("repetitions = 400 ")) {
		t.Fatal("the quickstart has no 'repetitions = 100 ' line to change")
	}

	hosts := netnstest.Setup(t, 3)
	dir := t.TempDir()
	key, pub, err := remote.Keygen(dir, "id_netsweep")
	if err != nil {
		t.Fatal(err)
	}
	pubKey, err := os.ReadFile(pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		sshdtest.Start(t, sshdtest.Config{AuthorizedKeys: string(pubKey), ListenHost: h.Addr, Netns: h.NS})
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	deploy := filepath.Join(dir, "deploy")
	specPath := filepath.Join(dir, "ws.toml")
	cluster := fmt.Sprintf("\n[cluster]\nhosts = [%q, %q, %q]\nssh_user = %q\ndeploy_dir = %q\n",
		hosts[0].Addr+":1", hosts[1].Addr+":1", hosts[2].Addr+":1", me.Username, deploy+"/{host}")
	if err := os.WriteFile(specPath, append(quick, cluster...), 0o644); err != nil {
		t.Fatal(err)
	}
	want := reference(t, specPath)
	known := filepath.Join(dir, "known_hosts")
	t.Setenv("OMPI_ALLOW_RUN_AS_ROOT", "1")
	t.Setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
	t.Setenv("NETSWEEP_FAULTS", "")
	old := launchKillDelay
	launchKillDelay = 5 * time.Second
	t.Cleanup(func() { launchKillDelay = old })

	// Without --accept-host-key the unknown hosts are refused.
	if code, msg := netsweep(t, "deploy", specPath, "--binary", bin, "--key", key, "--known-hosts", known); code == 0 || !strings.Contains(msg, "FAILED") {
		t.Fatalf("deploy to unknown hosts: exit %d, want a refusal:\n%s", code, msg)
	}
	code, msg := netsweep(t, "deploy", specPath, "--binary", bin, "--key", key, "--known-hosts", known, "--accept-host-key")
	if code != 0 {
		t.Fatalf("deploy: exit %d:\n%s", code, msg)
	}
	t.Logf("deploy:\n%s", msg)
	binData, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		got, err := os.ReadFile(filepath.Join(deploy, h.Addr, workstations.BinaryFile))
		if err != nil || !bytes.Equal(got, binData) {
			t.Fatalf("%s: the deployed binary differs from %s (%v)", h.Addr, bin, err)
		}
		if !strings.Contains(msg, h.Addr+":22: "+filepath.Join(deploy, h.Addr, workstations.BinaryFile)+" sha256 ") {
			t.Errorf("deploy does not report %s's checksum:\n%s", h.Addr, msg)
		}
	}

	launch := func(ctx context.Context, out string, extra ...string) (int, string) {
		args := append([]string{"launch", specPath, "--out", out, "--key", key, "--known-hosts", known,
			"--net", netnstest.CIDR, "--keepalive", "1s"}, extra...)
		return netsweepCtx(ctx, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// 1. A whole campaign across the three hosts.
	out1 := filepath.Join(dir, "out1")
	start := time.Now()
	code, msg = launch(ctx, out1)
	t.Logf("launch on 3 hosts took %v", time.Since(start).Round(time.Millisecond))
	if code != 0 {
		t.Fatalf("launch: exit %d:\n%s", code, msg)
	}
	if !strings.Contains(msg, "on 3 ranks") {
		t.Errorf("the campaign did not run on 3 ranks:\n%s", msg)
	}
	if got, err := os.ReadFile(filepath.Join(out1, "results.csv")); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("results.csv from 3 hosts differs from the embedded default's (%v): %s", err, firstDiff(want, got))
	}

	// 2. Cut the third host off mid-run; the job must end, not hang.
	// Every repetition of this launch waits 5 ms first (FaultsEnv, which
	// launch forwards to the ranks), so that the ranks left have far more
	// work than the time mpirun takes to see the loss (about 6 s),
	// however fast the machine.
	sp, err := spec.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	runs := sp.NumPoints() * sp.Repetitions
	t.Setenv("NETSWEEP_FAULTS", "delay=5ms")
	out2 := filepath.Join(dir, "out2")
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	type result struct {
		code int
		msg  string
	}
	done := make(chan result, 1)
	go func() {
		c, m := launch(runCtx, out2, "--", "--chunk", "2", "--grace", "1s")
		done <- result{c, m}
	}()
	var r result
	cut := false
	var cutAt time.Time
	deadline := time.After(90 * time.Second)
wait:
	for {
		select {
		case r = <-done:
			break wait
		case <-deadline:
			t.Log("launch still running 90 s after the cut: stopping it")
			stop()
			r = <-done
			break wait
		case <-time.After(50 * time.Millisecond):
			if !cut && journalRuns(t, out2) >= runs/30 {
				hosts[2].Cut(t)
				cut, cutAt = true, time.Now()
				t.Logf("cut %s off after %d of %d runs", hosts[2].Addr, journalRuns(t, out2), runs)
				t.Cleanup(func() { hosts[2].Restore(t) })
			}
		}
	}
	if !cut {
		t.Fatalf("the campaign ended before the cut (exit %d):\n%s", r.code, r.msg)
	}
	if r.code == 0 {
		t.Fatalf("launch succeeded although a host was cut off:\n%s", r.msg)
	}
	t.Logf("launch after the cut: exit %d after %v; its last words:\n%s", r.code, time.Since(cutAt).Round(time.Millisecond), lastLines(r.msg, 6))
	t.Setenv("NETSWEEP_FAULTS", "")
	partial := journalRuns(t, out2)
	if partial > runs/2 {
		t.Errorf("the journal holds %d of %d runs after the cut: the delay did not reach the ranks, or the job went on long after the cut", partial, runs)
	}
	// The lost host's daemon and rank live on, cut off; any left on the
	// others are stopped too, as a user would before relaunching.
	for _, h := range hosts {
		if k := h.KillAll("sshd"); len(k) > 0 {
			t.Logf("%s: killed leftover %v", h.Addr, k)
		}
	}

	// 3. Resume on the two hosts left.
	code, msg = launch(ctx, out2, "--hosts", hosts[0].Addr+":1,"+hosts[1].Addr+":1")
	if code != 0 {
		t.Fatalf("resume on 2 hosts: exit %d:\n%s", code, msg)
	}
	if !strings.Contains(msg, "on 2 ranks") {
		t.Errorf("the resumed campaign did not run on 2 ranks:\n%s", msg)
	}
	if got, err := os.ReadFile(filepath.Join(out2, "results.csv")); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("results.csv resumed after the cut differs from the embedded default's (%v): %s", err, firstDiff(want, got))
	}
	t.Logf("resumed from %d journaled runs of %d", partial, runs)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// lockedBuf is a bytes.Buffer for output written from several goroutines.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
