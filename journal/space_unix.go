//go:build linux || darwin

package journal

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// Space returns the bytes available to an unprivileged user on the
// filesystem that holds path, or, if path does not exist yet, its
// directory.
func Space(path string) (free uint64, err error) {
	var st syscall.Statfs_t
	err = syscall.Statfs(path, &st)
	if errors.Is(err, os.ErrNotExist) {
		err = syscall.Statfs(filepath.Dir(path), &st)
	}
	if err != nil {
		return 0, spaceErr(path, err)
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
