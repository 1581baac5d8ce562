//go:build unix

package spec

import (
	"path/filepath"
	"syscall"
	"testing"
)

// TestSpecFIFO checks that a FIFO is refused at once: opening it would
// block until a writer came.
func TestSpecFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spec.toml")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	refusedQuickly(t, path, "not a regular file but a FIFO")
}
