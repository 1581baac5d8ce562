//go:build unix

package report

import "syscall"

// cpuSeconds returns the process's user+system CPU time, for benchmark
// rates that the other processes on a shared machine disturb less than
// wall time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
