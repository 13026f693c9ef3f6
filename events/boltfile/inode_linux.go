package boltfile

import (
	"os"
	"syscall"
	"time"
)

// inodeAndChangeTime returns the file's inode number and change time (ctime).
func inodeAndChangeTime(info os.FileInfo) (uint64, time.Time) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, time.Time{}
	}
	return st.Ino, time.Unix(st.Ctim.Sec, st.Ctim.Nsec).UTC()
}
