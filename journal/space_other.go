//go:build !(linux || darwin)

package journal

import "errors"

// Space is not implemented here (keep in sync with space_unix.go).
func Space(path string) (free uint64, err error) {
	return 0, spaceErr(path, errors.New("not supported on this system"))
}
