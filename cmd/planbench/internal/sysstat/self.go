// Package sysstat reads the CPU time and memory of planbench itself and of the server
// process, so a report can show whether the generator was the bottleneck and what the
// server cost. Linux only for the server (it reads /proc); elsewhere those figures are
// simply missing.
package sysstat

import (
	"fmt"
	"syscall"
	"time"
)

// SelfCPU is the user plus system CPU time this process has used so far.
func SelfCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
