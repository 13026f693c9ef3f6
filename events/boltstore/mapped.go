package boltstore

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ReleaseMappedPages tells the kernel that this process no longer needs the pages of
// events.db it has read through bbolt's memory map. The start-up rebuild of the embedded
// search engine reads the whole log once, which leaves every page of the file mapped
// in and counted in the process's RSS (about 6 KB a plan) although the server then only
// reads a few of them again. The pages stay in the page cache, where the kernel keeps
// or evicts them like any file's; a later read through the map faults its page back in,
// so every answer stays the same.
//
// It runs inside a read transaction: bbolt remaps the file only under the write lock of
// its map, which a transaction holds for reading, so the range advised is the map in use.
func (s *Store) ReleaseMappedPages() error {
	err := s.db.View(func(tx *bolt.Tx) error {
		return dontNeed(tx.DB().Info().Data, tx.Size())
	})
	if err != nil {
		return fmt.Errorf("boltstore: release mapped pages: %w", err)
	}
	return nil
}
