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
