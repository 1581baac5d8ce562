package sim

// prefetch asks the processor to bring the cache line holding addr into
// its caches (PREFETCHT0). It never faults, whatever addr is, and has no
// other effect; an assembly call costs a few nanoseconds, a miss it
// hides about a hundred.
func prefetch(addr uintptr)
