package sshdtest

import (
	"os/exec"
	"syscall"
)

// DieWithParent makes cmd receive SIGTERM when the test process dies, so a
// test killed without cleanup (a fuzz worker, a timeout) leaves no daemon
// behind. Keep in sync with diewithparent_other.go.
func DieWithParent(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
}
