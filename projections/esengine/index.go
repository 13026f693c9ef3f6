package esengine

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"time"
)

// index is one Elasticsearch index: settings, mapping and documents behind its own
// read/write lock, so writes to one index never wait for searches on another and any
// number of searches share an index.
type index struct {
	name     string
	uuid     string
	created  time.Time
	settings indexSettings
	now      func() time.Time

	mu      sync.RWMutex
	mapping *mapping
	store   *store
	// pins counts the searches reading the current mapping and store; nextCopy is when
	// a write may next copy them rather than wait for those searches (index_view.go).
	pins     *pins
	nextCopy time.Time
	// mappingSeqNo is the first sequence number handed out after the mapping last
	// changed: a document with a higher one was parsed under the current mapping, so
	// re-indexing its unchanged source cannot index anything else.
	mappingSeqNo int64
}

// reuseUnchanged turns the unchanged re-index path on; tests turn it off to compare the
// engine's answers with and without it.
var reuseUnchanged = true

// mappingChanged records that documents written so far may have been parsed under an
// older mapping; the caller holds the write lock.
func (ix *index) mappingChanged() {
	ix.mappingSeqNo = ix.store.seqNo + 1
}

// unchanged reports whether indexing source with routing would index exactly what old
// indexes: same source bytes, same routing, and a mapping that has not changed since old
// was parsed. The caller holds the write lock.
func (ix *index) unchanged(old *storedDoc, routing *string, source []byte) bool {
	if !reuseUnchanged || old.seqNo <= ix.mappingSeqNo || old.source != string(source) {
		return false
	}
	if old.routing == nil || routing == nil {
		return old.routing == nil && routing == nil
	}
	return *old.routing == *routing
}

func newIndex(name string, settings indexSettings, m *mapping, now func() time.Time) *index {
	if m == nil {
		m = newMapping()
	}
	return &index{
		name:     name,
		uuid:     randomID(),
		created:  now(),
		settings: settings,
		now:      now,
		mapping:  m,
		store:    newStore(),
		pins:     &pins{},
		// No document predates the mapping an index is created with.
		mappingSeqNo: -1,
	}
}

// shardsHeader is the _shards object of write responses: one primary plus the replicas
// the settings ask for, of which only the primary exists on this single node.
func (ix *index) shardsHeader() orderedObject {
	return orderedObject{{"total", 1 + ix.settings.replicas}, {"successful", 1}, {"failed", 0}}
}

// tombstoneVersion returns the version a recent delete left for id, if it is still
// remembered.
func (ix *index) tombstoneVersion(id string) (tombstone, bool) {
	t, ok := ix.store.tombstones[id]
	if !ok {
		return tombstone{}, false
	}
	if ix.settings.gcDeletes > 0 && ix.now().UnixNano()-t.at > int64(ix.settings.gcDeletes) {
		delete(ix.store.tombstones, id)
		return tombstone{}, false
	}
	return t, true
}

func (ix *index) addTombstone(id string, version, seqNo int64) {
	s := ix.store
	s.tombstones[id] = tombstone{version: version, seqNo: seqNo, at: ix.now().UnixNano()}
	s.tombstonesSinceSweep++
	// Sweeping after as many deletes as there are tombstones keeps the cost amortised
	// O(1) per delete while bounding memory to about twice the live tombstones.
	if ix.settings.gcDeletes > 0 && s.tombstonesSinceSweep > len(s.tombstones)/2+1024 {
		s.tombstonesSinceSweep = 0
		cutoff := ix.now().UnixNano() - int64(ix.settings.gcDeletes)
		for k, t := range s.tombstones {
			if t.at < cutoff {
				delete(s.tombstones, k)
			}
		}
	}
}

// randomID makes the 22-character URL-safe identifiers Elasticsearch uses for index and
// cluster UUIDs; a failing system random source is not survivable anyway, so the
// fallback only keeps the identifier non-empty.
func randomID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("%022d", time.Now().UnixNano())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
