package sim

// prefetch asks the processor to bring the cache line holding addr into
// its caches (PRFM PLDL1KEEP); see prefetch_amd64.go.
func prefetch(addr uintptr)
