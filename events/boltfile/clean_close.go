package boltfile

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// fileState is what identifies a store file's content without reading it: its size and
// times, which any write changes (the change time even when the modification time is
// set back), its inode, which a replaced or restored file does not share, and bbolt's
// transaction id, which every commit raises. The first commit after an open therefore
// makes a recorded state stale, so a crash from then on leads to the full walk.
type fileState struct {
	Size       int64     `json:"size"`
	ModTime    time.Time `json:"mtime"`
	ChangeTime time.Time `json:"ctime,omitzero"` // zero where the system does not tell
	Inode      uint64    `json:"inode,omitempty"`
	TxID       uint64    `json:"txid"`
}

// statState fills everything of a fileState but the transaction id.
func statState(info os.FileInfo) fileState {
	st := fileState{Size: info.Size(), ModTime: info.ModTime().UTC()}
	st.Inode, st.ChangeTime = inodeAndChangeTime(info)
	return st
}

// matches: the same file in the same state. Times are compared as instants (the record
// holds them as text).
func (s fileState) matches(o fileState) bool {
	return s.Size == o.Size && s.ModTime.Equal(o.ModTime) && s.ChangeTime.Equal(o.ChangeTime) &&
		s.Inode == o.Inode && s.TxID == o.TxID
}

// Close closes a store file opened by Open cleanly: it writes bbolt's list of free
// pages once and records in the data dir what identifies the file now, so that the next
// Open neither walks every page to rebuild that list nor walks every key to verify a
// file nothing touched since.
//
// The stores run with NoFreelistSync (no freelist write per commit); without the write
// here the next open rebuilds the list by reading every page: 1.5-2 s at 100,000
// plans. The first commit after that open marks the list unsynced again and raises the
// transaction id past the recorded one, so a crash later still leads to both walks,
// never to a stale list or a skipped check. Everything here only saves time: when a
// step fails the file is still closed and the next open walks.
func Close(db *bolt.DB) error {
	path := db.Path()
	db.NoFreelistSync = false
	var txid uint64
	// It fails when the file is not open (closed before) or read-only: nothing to record.
	recordable := db.Update(func(tx *bolt.Tx) error {
		txid = uint64(tx.ID())
		return nil
	}) == nil
	if err := db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if !recordable {
		return nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("record the clean close of %s: %w", path, err)
	}
	state := statState(info)
	state.TxID = txid
	if err := recordCleanClose(filepath.Dir(path), filepath.Base(path), state); err != nil {
		return fmt.Errorf("record the clean close of %s: %w", path, err)
	}
	return nil
}

// closedCleanly reports whether the record says name was closed cleanly in the state
// info shows, and the transaction id it was closed at, which the caller compares with
// the file's own.
func closedCleanly(dataDir, name string, info os.FileInfo) (txid uint64, ok bool) {
	rec, err := readRecord(dataDir)
	if err != nil {
		return 0, false
	}
	closed, ok := rec.Closed[name]
	if !ok {
		return 0, false
	}
	now := statState(info)
	now.TxID = closed.TxID
	return closed.TxID, now.matches(closed)
}
