package boltstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/planstore/planstore/events"
)

// A full disk (ENOSPC, or EDQUOT over a quota) fails a commit without harming the file:
// bbolt writes new pages before it switches its meta page, and rolls back. The write is
// answered with events.ErrStorageFull, and the store remembers it until the volume has
// room again (Healthy's probe), so readiness can say the event store is out of space.
// A later commit that succeeds proves nothing: a small one (the relay deleting acked
// outbox entries) reuses freed pages without growing the file, while every write of a
// plan still fails.

// probeBytes is the room Healthy asks of the volume while the store is out of space:
// more than one group commit of typical plans needs.
const probeBytes = 256 << 10

func isOutOfSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// noteCommit records the outcome of a transaction for Healthy and turns a full disk
// into events.ErrStorageFull.
func (s *Store) noteCommit(err error) error {
	if err == nil {
		return nil
	}
	if isOutOfSpace(err) {
		s.outOfSpace.Store(true)
		return fmt.Errorf("%w: %s: %w", events.ErrStorageFull, s.db.Path(), err)
	}
	return err
}

// Healthy reports whether writes can be stored. After a commit failed for lack of
// space it checks the volume by writing (and removing) probeBytes beside the store
// file, so readiness recovers as soon as space is freed, without waiting for a write.
func (s *Store) Healthy(context.Context) error {
	if !s.outOfSpace.Load() {
		return nil
	}
	if err := s.probeSpace(); err != nil {
		return fmt.Errorf("%w: %s: the volume has no room for writes (%w); free space on it, writes resume without a restart",
			events.ErrStorageFull, s.db.Path(), err)
	}
	s.outOfSpace.Store(false)
	return nil
}

func (s *Store) probeSpace() error {
	f, err := os.CreateTemp(s.dataDir, ".space-probe-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(make([]byte, probeBytes))
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}
