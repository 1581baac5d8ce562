//go:build !linux

package sshdtest

import "os/exec"

// DieWithParent does nothing where the kernel has no parent-death signal;
// cleanup then relies on the test's Cleanup functions. Keep in sync with
// diewithparent_linux.go.
func DieWithParent(cmd *exec.Cmd) {}
