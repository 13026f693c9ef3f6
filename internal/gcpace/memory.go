package gcpace

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// The floor a process gets when it is not told one: a sixteenth of the memory it may
// use, within these bounds. A sixteenth keeps the floor's extra heap small beside what
// the machine or container holds (256 MiB on a 4 GiB laptop, 1 GiB from 16 GiB up),
// and the collector's CPU falls with every doubling of the floor while the live heap
// is below it.
const (
	minAutoFloor = 64 << 20
	maxAutoFloor = 1 << 30
)

// AutoFloor is the floor for a process that may use avail bytes (0: unknown).
func AutoFloor(avail uint64) uint64 {
	if avail == 0 {
		return minAutoFloor
	}
	return min(max(avail/16, minAutoFloor), maxAutoFloor)
}

// Files the memory a process may use is read from: the cgroup's limit (v2, then v1),
// else the machine's RAM.
var (
	cgroupV2Limit = "/sys/fs/cgroup/memory.max"
	cgroupV1Limit = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
	memInfo       = "/proc/meminfo"
)

// AvailableMemory is the memory this process may use: its cgroup's limit when there is
// one, else the machine's RAM, else 0 (not Linux, or unreadable).
func AvailableMemory() uint64 {
	ram := memTotal(memInfo)
	for _, path := range []string{cgroupV2Limit, cgroupV1Limit} {
		if limit := cgroupLimit(path); limit > 0 && (ram == 0 || limit < ram) {
			return limit
		}
	}
	return ram
}

// cgroupLimit reads a cgroup memory limit file: a number of bytes, or "max" (v2) or a
// huge number (v1) for no limit, which the comparison with the RAM then drops.
func cgroupLimit(path string) uint64 {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseUint(string(bytes.TrimSpace(raw)), 10, 64)
	if err != nil {
		return 0 // "max"
	}
	return n
}

// memTotal reads MemTotal (in kB) from a /proc/meminfo file, in bytes.
func memTotal(path string) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		rest, ok := strings.CutPrefix(s.Text(), "MemTotal:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}
