package redisstore

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill the server if the test binary dies first, so no
// redis-server outlives a crashed or killed test run.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
