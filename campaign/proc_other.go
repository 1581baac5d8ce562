//go:build !unix

package campaign

// Keep in sync with proc_unix.go.

// processGone reports whether no process with the given pid exists on
// this machine; without a way to ask, it says false, so status trusts
// progress.json.
func processGone(pid int) bool { return false }

// cpuTime returns the CPU time this process has used; unknown here, so
// plan keeps the pilot's wall times as they are.
func cpuTime() (float64, bool) { return 0, false }
