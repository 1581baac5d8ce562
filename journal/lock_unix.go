//go:build linux || darwin || freebsd

package journal

import (
	"errors"
	"os"
	"syscall"
)

// lockFile takes a non-blocking exclusive flock on f, held until f is
// closed. Filesystems without flock (Lustre mounted without -o flock,
// some NFS setups) answer ENOSYS/ENOTSUP/ENOLCK: the journal then works
// unlocked rather than not at all.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		return ErrInUse
	case errors.Is(err, syscall.ENOSYS), errors.Is(err, syscall.ENOTSUP),
		errors.Is(err, syscall.EOPNOTSUPP), errors.Is(err, syscall.ENOLCK):
		return nil
	}
	return err
}
