//go:build !amd64 && !arm64

package sim

// prefetch does nothing on this architecture; see prefetch_amd64.go.
func prefetch(addr uintptr) {}
