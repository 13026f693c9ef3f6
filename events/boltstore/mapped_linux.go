package boltstore

import "syscall"

// dontNeed drops the process's mapping of the size bytes of a read-only shared file
// map at addr (madvise MADV_DONTNEED); the file's pages themselves stay in the page cache.
func dontNeed(addr uintptr, size int64) error {
	if size <= 0 {
		return nil
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(size), syscall.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}
