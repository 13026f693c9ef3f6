package boltstore_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/storetest"
)

// TestCleanCloseSavesTheFreelistWalk: a clean close leaves bbolt's free-page list in
// the file, so the next open reads it instead of walking every page, and the first
// commit after that open marks it unsynced again, so a crash from then on still leads
// to the walk (the list on disk would be stale).
func TestCleanCloseSavesTheFreelistWalk(t *testing.T) {
	dir := t.TempDir()
	codec := storetest.NewCodec(t)
	appendPlans := func(s *boltstore.Store, prefix string) {
		for i := range 20 {
			p := storetest.NewPlan(fmt.Sprintf("%s-%d", prefix, i), i)
			if err := s.Append(context.Background(), storetest.CreateCommit(p)); err != nil {
				t.Fatal(err)
			}
		}
	}
	open := func() *boltstore.Store {
		s, err := boltstore.Open(dir, codec) // boltfile's check of the whole file runs here
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// A session: open, write, and see the freelist unsynced while open and synced after
	// the close.
	for _, session := range []string{"first", "second"} {
		s := open()
		appendPlans(s, session)
		if synced(t, dir) {
			t.Fatalf("%s session: the freelist counts as synced after commits", session)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if !synced(t, dir) {
			t.Fatalf("%s session: after a clean close the file has no freelist: the next open walks every page", session)
		}
	}
	s := open()
	defer s.Close()
	entries, err := s.ReadLog(context.Background(), 0, "", 100)
	if err != nil || len(entries) != 40 {
		t.Fatalf("read %d entries, %v; want 40", len(entries), err)
	}
}

// synced reads the meta page with the higher transaction id (bbolt's file format: a
// 16-byte page header, then magic, version, page size, flags, the root bucket (16
// bytes), the freelist's page id, the page count and the transaction id) and reports
// whether it points at a freelist page.
func synced(t *testing.T, dir string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, boltstore.FileName))
	if err != nil {
		t.Fatal(err)
	}
	pageSize := int(binary.LittleEndian.Uint32(b[16+8:]))
	freelistOf := func(page int) (freelist, txid uint64) {
		m := b[page*pageSize+16:]
		return binary.LittleEndian.Uint64(m[32:]), binary.LittleEndian.Uint64(m[48:])
	}
	f0, tx0 := freelistOf(0)
	f1, tx1 := freelistOf(1)
	if tx1 > tx0 {
		f0 = f1
	}
	return f0 != ^uint64(0)
}
