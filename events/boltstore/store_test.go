package boltstore_test

import (
	"sync"
	"testing"

	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/storetest"
)

// dirs remembers each test's data dir, so a second open by the same test is a restart.
type dirs struct {
	mu   sync.Mutex
	byTB map[testing.TB]string
}

func (d *dirs) open(tb testing.TB, opts ...boltstore.Option) *boltstore.Store {
	tb.Helper()
	d.mu.Lock()
	dir, ok := d.byTB[tb]
	if !ok {
		dir = tb.TempDir()
		d.byTB[tb] = dir
	}
	d.mu.Unlock()
	s, err := boltstore.Open(dir, storetest.NewCodec(tb), opts...)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	return s
}

func TestAcceptance(t *testing.T) {
	d := &dirs{byTB: map[testing.TB]string{}}
	storetest.Run(t, func(t *testing.T) storetest.Store { return d.open(t) })
}
