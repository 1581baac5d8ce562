//go:build !(linux || darwin || freebsd)

package journal

import "os"

// lockFile does nothing where flock is missing (keep in sync with
// lock_unix.go): the journal works unlocked.
func lockFile(f *os.File) error { return nil }
