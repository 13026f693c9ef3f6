package index

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// Index is one Elasticsearch index: settings, mapping and documents behind its own
// read/write lock, so writes to one index never wait for searches on another and any
// number of searches share an index.
type Index struct {
	Name     string
	Uuid     string
	created  time.Time
	Settings IndexSettings
	now      func() time.Time

	Mu      sync.RWMutex
	Mapping *mapping.Mapping
	Store   *Store
	// pins counts the searches reading the current mapping and store; nextCopy is when
	// a write may next copy them rather than wait for those searches (view.go).
	pins     *pins
	nextCopy time.Time
	// mappingSeqNo is the first sequence number handed out after the mapping last
	// changed: a document with a higher one was parsed under the current mapping, so
	// re-indexing its unchanged source cannot index anything else.
	mappingSeqNo int64
}

// ReuseUnchanged turns the unchanged re-index path on; tests turn it off to compare the
// engine's answers with and without it.
var ReuseUnchanged = true

// MappingChanged records that documents written so far may have been parsed under an
// older mapping; the caller holds the write lock.
func (ix *Index) MappingChanged() {
	ix.mappingSeqNo = ix.Store.seqNo + 1
}

// unchanged reports whether indexing source with routing would index exactly what old
// indexes: same source bytes, same routing, and a mapping that has not changed since old
// was parsed. The caller holds the write lock.
func (ix *Index) unchanged(old *StoredDoc, routing *string, source []byte) bool {
	if !ReuseUnchanged || old.SeqNo <= ix.mappingSeqNo || !ix.Store.sameSource(old, source) {
		return false
	}
	if old.Routing == nil || routing == nil {
		return old.Routing == nil && routing == nil
	}
	return *old.Routing == *routing
}

func NewIndex(name string, settings IndexSettings, m *mapping.Mapping, now func() time.Time) *Index {
	if m == nil {
		m = mapping.NewMapping()
	}
	return &Index{
		Name:     name,
		Uuid:     RandomID(),
		created:  now(),
		Settings: settings,
		now:      now,
		Mapping:  m,
		Store:    newStore(),
		pins:     &pins{},
		// No document predates the mapping an index is created with.
		mappingSeqNo: -1,
	}
}

// shardsHeader is the _shards object of write responses: one primary plus the replicas
// the settings ask for, of which only the primary exists on this single node.
func (ix *Index) shardsHeader() wire.OrderedObject {
	return wire.OrderedObject{{Key: "total", Value: 1 + ix.Settings.Replicas}, {Key: "successful", Value: 1}, {Key: "failed", Value: 0}}
}

// tombstoneVersion returns the version a recent delete left for id, if it is still
// remembered.
func (ix *Index) tombstoneVersion(id string) (tombstone, bool) {
	t, ok := ix.Store.tombstones[id]
	if !ok {
		return tombstone{}, false
	}
	if ix.Settings.gcDeletes > 0 && ix.now().UnixNano()-t.at > int64(ix.Settings.gcDeletes) {
		delete(ix.Store.tombstones, id)
		return tombstone{}, false
	}
	return t, true
}

func (ix *Index) addTombstone(id string, version, seqNo int64) {
	s := ix.Store
	s.tombstones[id] = tombstone{version: version, seqNo: seqNo, at: ix.now().UnixNano()}
	s.tombstonesSinceSweep++
	// Sweeping after as many deletes as there are tombstones keeps the cost amortised
	// O(1) per delete while bounding memory to about twice the live tombstones.
	if ix.Settings.gcDeletes > 0 && s.tombstonesSinceSweep > len(s.tombstones)/2+1024 {
		s.tombstonesSinceSweep = 0
		cutoff := ix.now().UnixNano() - int64(ix.Settings.gcDeletes)
		for k, t := range s.tombstones {
			if t.at < cutoff {
				delete(s.tombstones, k)
			}
		}
	}
}

// RandomID makes the 22-character URL-safe identifiers Elasticsearch uses for index and
// cluster UUIDs; a failing system random source is not survivable anyway, so the
// fallback only keeps the identifier non-empty.
func RandomID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Sprintf("%022d", time.Now().UnixNano())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
