package testenv

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill a server the test started if the test binary dies
// first, so none outlives a crashed or killed test run.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
