package sysstat

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of the CPU times in /proc/<pid>/stat. It is 100 on
// every Linux architecture Go supports; reading it properly needs sysconf (cgo).
const clockTicks = 100

// Proc is a snapshot of another process.
type Proc struct {
	CPU       time.Duration // user + system so far
	RSSKB     int64         // resident set size now
	PeakRSSKB int64         // highest resident set size so far (VmHWM)
}

// ReadProc reads the CPU time and memory of process pid from /proc.
func ReadProc(pid int) (Proc, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Proc{}, fmt.Errorf("read server process stats: %w", err)
	}
	cpu, err := parseStatCPU(stat)
	if err != nil {
		return Proc{}, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Proc{}, fmt.Errorf("read server process status: %w", err)
	}
	p := Proc{CPU: cpu, RSSKB: statusKB(status, "VmRSS:"), PeakRSSKB: statusKB(status, "VmHWM:")}
	return p, nil
}

// parseStatCPU reads utime and stime (fields 14 and 15). The command name (field 2)
// may contain spaces and parentheses, so fields are counted after its closing ')'.
func parseStatCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("no command name")
	}
	fields := strings.Fields(string(stat[i+1:]))
	const utime, stime = 14 - 3, 15 - 3 // fields[0] is field 3 (state)
	if len(fields) <= stime {
		return 0, fmt.Errorf("only %d fields", len(fields)+2)
	}
	u, err1 := strconv.ParseInt(fields[utime], 10, 64)
	s, err2 := strconv.ParseInt(fields[stime], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad utime/stime %q %q", fields[utime], fields[stime])
	}
	return time.Duration(u+s) * time.Second / clockTicks, nil
}

// statusKB reads a "Key:   123 kB" line of /proc/<pid>/status; 0 when absent.
func statusKB(status []byte, key string) int64 {
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}
