//go:build !linux

package redisstore

import "os/exec"

// dieWithParent: outside Linux the test's cleanup is the only thing that stops the server.
func dieWithParent(*exec.Cmd) {}
