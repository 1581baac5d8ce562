package campaign

import (
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestStatusControllerGone: progress.json written moments ago by a process
// of this machine that no longer exists (a SIGKILLed controller) is not
// reported as running.
func TestStatusControllerGone(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("processGone needs kill(2)")
	}
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := cmd.Process.Pid // reaped: no process has this pid for a while
	now := time.Now()
	for _, tc := range []struct {
		host string
		pid  int
		want string
	}{
		{host, os.Getpid(), "running on " + host},
		{host, dead, "not running (its process " + strconv.Itoa(dead) + " is gone); 'netsweep run SPEC --out "},
		{"elsewhere.example", dead, "running on elsewhere.example"},
	} {
		s := parse(t, testSpec)
		st := &Status{
			Spec: s, Done: make([]int64, s.NumPoints()), Failed: make([]int64, s.NumPoints()), Want: make([]int64, s.NumPoints()),
			Progress: &Progress{State: StateRunning, Updated: now.Add(-time.Second), Host: tc.host, PID: tc.pid, Ranks: 1, Rate: 1},
		}
		var b bytes.Buffer
		st.Write(&b, t.TempDir(), false, now)
		if !strings.Contains(b.String(), "state     "+tc.want) {
			t.Errorf("host %s pid %d: want state %q, got\n%s", tc.host, tc.pid, tc.want, b.String())
		}
	}
}
