package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/planstore/planstore/events/boltfile"
)

// explainLocked turns "another process holds the file's lock" (boltfile.ErrInUse, or
// bbolt's bare timeout) into what an operator needs: which file, held by which process,
// and what to do.
func explainLocked(err error, dataDir, file string) error {
	if !errors.Is(err, boltfile.ErrInUse) && !errors.Is(err, bolterrors.ErrTimeout) {
		return err
	}
	path := filepath.Join(dataDir, file)
	holder := "another process"
	if pid, cmd := lockHolder(path); pid > 0 {
		holder = fmt.Sprintf("process %d (%s)", pid, cmd)
	}
	return fmt.Errorf("%s is locked by %s: an embedded data dir belongs to one process at a time; "+
		"stop that process, or give this one its own --data-dir (processes share data through --redis-url) [%w]",
		path, holder, boltfile.ErrInUse)
}

// lockHolder finds, on Linux, the process holding a lock on path through /proc/locks
// (its lines name the pid and device:inode of each lock). Best effort: 0 when it cannot
// tell.
func lockHolder(path string) (int, string) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, ""
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, ""
	}
	locks, err := os.ReadFile("/proc/locks")
	if err != nil {
		return 0, ""
	}
	suffix := ":" + strconv.FormatUint(st.Ino, 10)
	for _, line := range strings.Split(string(locks), "\n") {
		f := strings.Fields(line)
		// "1: FLOCK  ADVISORY  WRITE 8994 fe:00:9977889 0 EOF"
		if len(f) < 6 || !strings.HasSuffix(f[5], suffix) {
			continue
		}
		pid, err := strconv.Atoi(f[4])
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmd, _ := os.ReadFile(filepath.Join("/proc", f[4], "cmdline"))
		return pid, strings.TrimSpace(strings.ReplaceAll(string(cmd), "\x00", " "))
	}
	return 0, ""
}
