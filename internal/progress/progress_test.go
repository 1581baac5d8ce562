package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/netsweep/netsweep/mpirun"
)

// TestBarLines: off a terminal, the Bar prints a line at most every
// interval, and always the last.
func TestBarLines(t *testing.T) {
	var b bytes.Buffer
	p := New(&b, time.Hour, 10, 110)
	p.Update(mpirun.Progress{Done: 50, Total: 100, Elapsed: time.Second})
	p.Update(mpirun.Progress{Done: 60, Total: 100, Elapsed: time.Second})
	p.Update(mpirun.Progress{Done: 100, Total: 100, Failed: 2, Elapsed: 2 * time.Second})
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || lines[0] != "netsweep: 60/110 runs (55%), 50 runs/s, ETA 1s" || lines[1] != "netsweep: 110/110 runs (100%), 50 runs/s, ETA 0s  2 failed" {
		t.Errorf("lines %q", lines)
	}
}
