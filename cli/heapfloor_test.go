package cli

import (
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

var sink [][]byte

// garbage allocates mb MiB in pieces of 64 KiB, all garbage but the last
// few, and returns how many collections ran meanwhile.
func garbage(mb int) uint32 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before := m.NumGC
	for i := range mb * 16 {
		b := make([]byte, 64<<10)
		b[0] = 1
		sink = append(sink[:0:0], b)
		_ = i
	}
	runtime.ReadMemStats(&m)
	return m.NumGC - before
}

// resident returns the process's resident memory in bytes, from
// /proc/self/statm; false where there is none.
func resident() (int64, bool) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize()), err == nil
}

// TestHeapFloor checks the heap floor's two claims: with it, 12 MiB of
// garbage go by without a collection, where without it they bring at
// least one; and it takes no memory, set first thing in a process, as
// Main sets it (in a process of its own: this one's freed heap would be
// reused, and cleared). A user's GOGC or GOMEMLIMIT leaves it out.
func TestHeapFloor(t *testing.T) {
	if os.Getenv("NETSWEEP_HEAPFLOOR_CHILD") == "1" {
		rss, ok := resident()
		setHeapFloor()
		if len(heapFloor) != heapFloorBytes {
			t.Fatalf("no floor: %d bytes", len(heapFloor))
		}
		if after, _ := resident(); ok && after-rss > heapFloorBytes/4 {
			t.Errorf("the floor took %d bytes of memory", after-rss)
		}
		// The floor's own allocation passes the goal set before it: one
		// collection, at once, which counts it from then on.
		runtime.GC()
		if n := garbage(12); n != 0 {
			t.Errorf("12 MiB of garbage brought %d collections above the floor", n)
		}
		return
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	runtime.GC()
	if n := garbage(12); n == 0 {
		t.Fatalf("12 MiB of garbage brought no collection without the floor")
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestHeapFloor$", "-test.v")
	cmd.Env = append(os.Environ(), "NETSWEEP_HEAPFLOOR_CHILD=1", "GOGC=", "GOMEMLIMIT=")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Errorf("with the floor: %v\n%s", err, out)
	}

	t.Setenv("GOGC", "100")
	if setHeapFloor(); heapFloor != nil {
		heapFloor = nil
		t.Error("a floor despite GOGC")
	}
}
