//go:build unix

package campaign

import (
	"errors"
	"syscall"
)

// Keep in sync with proc_other.go.

// processGone reports whether no process with the given pid exists on
// this machine.
func processGone(pid int) bool {
	return pid > 0 && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// cpuTime returns the CPU time this process has used, user and system,
// and whether it is known.
func cpuTime() (float64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime), true
}
