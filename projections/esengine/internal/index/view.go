package index

import (
	"sync"
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// Searches read a view: the mapping and store as they were when the search began,
// pinned, and read without the index lock. A write first makes sure no search reads
// what it is about to change (beforeWrite): it waits briefly for the searches on the
// current view to finish, and when one runs on, it copies the store and writes the
// copy, leaving the pinned view to the searches that read it.
//
// Before views, a search held the index's read lock for its whole run; a write then
// queued for the write lock, and every later search queued behind the write (a
// sync.RWMutex lets no reader in while a writer waits): one slow search stalled every
// search and every write (issue 14).

// view is one consistent state of an index, as a search sees it.
type view struct {
	M        *mapping.Mapping
	S        *Store
	Settings IndexSettings
	pins     *pins
}

// Pin returns the index's current view and the function that releases it.
func (ix *Index) Pin() (view, func()) {
	ix.Mu.RLock()
	defer ix.Mu.RUnlock()
	v := view{M: ix.Mapping, S: ix.Store, Settings: ix.Settings, pins: ix.pins}
	v.pins.add()
	return v, v.pins.done
}

const (
	// writeGrace is how long a write waits for the searches reading the current view
	// before it copies the store instead: a plain search takes less.
	writeGrace = 5 * time.Millisecond
	// copyCostShare bounds the time spent copying the store to about 1/copyCostShare of
	// a core: after a copy that took d, the next waits copyCostShare*d. Meanwhile writes
	// wait for the searches to finish, which their timeouts bound.
	copyCostShare = 10
)

// beforeWrite makes the current mapping and store safe to modify. The caller holds the
// write lock; beforeWrite may release and retake it while it waits, so the caller reads
// the index's state only after it returns.
func (ix *Index) beforeWrite() {
	for {
		if ix.pins.idle() {
			return
		}
		if !time.Now().Before(ix.nextCopy) {
			if ix.pins.wait(writeGrace) || ix.copyView() {
				return // the searches finished while the lock kept new ones out, or copied
			}
		}
		// A copy was made recently: let the searches finish, with the lock released so
		// that new searches are not held up.
		pins, until := ix.pins, max(time.Until(ix.nextCopy), writeGrace)
		ix.Mu.Unlock()
		pins.wait(until)
		ix.Mu.Lock()
	}
}

// copyView replaces the mapping and store with copies nobody reads yet.
func (ix *Index) copyView() bool {
	start := time.Now()
	m, err := CloneMapping(ix.Mapping)
	if err != nil {
		// The mapping always renders and parses back; should it not, waiting for the
		// searches is slower but right.
		ix.nextCopy = start.Add(time.Second)
		return false
	}
	ix.Mapping = m
	ix.Store = ix.Store.clone()
	ix.pins = &pins{}
	ix.nextCopy = time.Now().Add(copyCostShare * time.Since(start))
	return true
}

// pins counts the searches reading one view.
type pins struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed when n drops to 0; made by the first waiter
}

func (p *pins) add() {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
}

func (p *pins) done() {
	p.mu.Lock()
	p.n--
	if p.n == 0 && p.zero != nil {
		close(p.zero)
		p.zero = nil
	}
	p.mu.Unlock()
}

func (p *pins) idle() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n == 0
}

// wait waits up to d for the view to have no reader, and reports whether it has none.
func (p *pins) wait(d time.Duration) bool {
	p.mu.Lock()
	if p.n == 0 {
		p.mu.Unlock()
		return true
	}
	if p.zero == nil {
		p.zero = make(chan struct{})
	}
	zero := p.zero
	p.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-zero:
		return true
	case <-t.C:
		return p.idle()
	}
}

// CloneMapping copies a mapping through its rendered form, which round-trips exactly.
func CloneMapping(m *mapping.Mapping) (*mapping.Mapping, *wire.EsError) {
	data, err := wire.AppendJSON(nil, m.Render())
	if err != nil {
		return nil, wire.ErrIllegalArgument("cannot copy mapping: %v", err)
	}
	raw, derr := wire.DecodeJSON(data)
	if derr != nil {
		return nil, wire.ErrIllegalArgument("cannot copy mapping: %v", derr)
	}
	return mapping.ParseMappings(raw)
}
