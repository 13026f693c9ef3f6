package index

import (
	"fmt"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/statefile"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// An index is saved as what a fresh index needs to answer as it did: its settings,
// mapping, sequence numbers, abbreviated keys and tombstones, then every live document
// as it is stored (source and encoded values, see stored_values.go) with its id,
// routing, version, sequence number and join parent. The inverted indexes are not
// written (only each keyword field's number of distinct values, to size its map):
// loading rebuilds them from the encoded values (Store.add), which reads no JSON and
// analyses no text, the part of indexing that dominates its cost.

// docsChunk is the payload size after which a run of documents is closed as one
// section, so saving never holds more than about this much beyond the engine.
const docsChunk = 1 << 20

// WriteFieldNames writes the process's field numbering, which documents' encoded
// values use; a loading process maps the numbers to its own (ReadFieldNames).
func WriteFieldNames(enc *statefile.Encoder) {
	var names []string
	if p := fieldNames.names.Load(); p != nil {
		names = *p
	}
	enc.Uvarint(uint64(len(names)))
	for _, name := range names {
		enc.String(name)
	}
}

// WriteState writes ix: one index section and its documents' sections. The caller
// holds ix's read lock (or owns ix), so no write runs meanwhile.
func (ix *Index) WriteState(enc *statefile.Encoder) error {
	mappingJSON, err := wire.AppendJSON(nil, ix.Mapping.Render())
	if err != nil {
		return fmt.Errorf("index %s: rendering the mapping: %w", ix.Name, err)
	}
	s := ix.Store
	enc.Begin(statefile.KindIndex)
	enc.String(ix.Name)
	enc.String(ix.Uuid)
	enc.Varint(ix.created.UnixNano())
	ix.Settings.writeState(enc)
	enc.String(string(mappingJSON))
	enc.Varint(ix.mappingSeqNo)
	enc.Varint(s.seqNo)
	enc.Uvarint(uint64(s.keys.n))
	for _, key := range s.keys.keys[1 : s.keys.n+1] {
		enc.String(key)
	}
	ids := mapping.SortedKeys(s.tombstones)
	enc.Uvarint(uint64(len(ids)))
	for _, id := range ids {
		t := s.tombstones[id]
		enc.String(id)
		enc.Varint(t.version)
		enc.Varint(t.seqNo)
		enc.Varint(t.at)
	}
	enc.Uvarint(s.Live.GetCardinality())
	s.writeKeywordSizes(enc)
	if err := enc.End(); err != nil {
		return err
	}
	return s.writeDocs(enc)
}

// writeKeywordSizes writes how many distinct values each keyword field holds in its map
// and how many as their document's own id, so that a load makes each field's map and
// table at their size once instead of growing them: at a million plans, rehashing
// growing maps was an eighth of a load's CPU. Fields without values are left out (a
// load makes only fields its documents fill).
func (s *Store) writeKeywordSizes(enc *statefile.Encoder) {
	var fields []string
	for _, f := range mapping.SortedKeys(s.Keywords) {
		if s.Keywords[f].Len() > 0 {
			fields = append(fields, f)
		}
	}
	enc.Uvarint(uint64(len(fields)))
	for _, f := range fields {
		p := s.Keywords[f]
		enc.String(f)
		enc.Uvarint(uint64(p.MapLen()))
		enc.Uvarint(uint64(p.Len() - p.MapLen()))
	}
}

func (st IndexSettings) writeState(enc *statefile.Encoder) {
	enc.Uvarint(uint64(st.shards))
	enc.Uvarint(uint64(st.Replicas))
	enc.String(st.autoExpand)
	enc.Uvarint(uint64(st.MaxResultWindow))
	enc.Varint(int64(st.gcDeletes))
	enc.String(st.gcDeletesText)
	enc.Bool(st.windowSet)
	keys := mapping.SortedKeys(st.echoed)
	enc.Uvarint(uint64(len(keys)))
	for _, k := range keys {
		enc.String(k)
		enc.String(st.echoed[k])
	}
}

// writeDocs writes the live documents in document order, which is index order (the
// _doc sort and score ties), in sections of about docsChunk bytes.
func (s *Store) writeDocs(enc *statefile.Encoder) error {
	var batch []*StoredDoc
	size := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		enc.Begin(statefile.KindDocs)
		enc.Uvarint(uint64(len(batch)))
		for _, d := range batch {
			writeDoc(enc, d)
		}
		batch, size = batch[:0], 0
		return enc.End()
	}
	for _, d := range s.Docs {
		if d == nil {
			continue
		}
		batch = append(batch, d)
		if size += len(d.data) + len(d.Id) + 32; size >= docsChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// Join kinds of a saved document.
const (
	joinNone = iota
	joinSelf
	joinChild
)

func writeDoc(enc *statefile.Encoder, d *StoredDoc) {
	src, _, _ := d.storedSource()
	enc.String(d.data)
	writeShared(enc, src, d.Id)
	enc.Bool(d.Routing != nil)
	if d.Routing != nil {
		writeShared(enc, src, *d.Routing)
	}
	enc.Varint(d.Version)
	enc.Varint(d.SeqNo)
	switch {
	case d.Join == nil:
		enc.Uvarint(joinNone)
	case d.Join.Parent == nil:
		enc.Uvarint(joinSelf)
	default:
		enc.Uvarint(joinChild)
		writeShared(enc, src, d.Join.Parent.Id)
	}
}

// writeShared writes s as a position in the document's stored source when it is a
// substring of it (an id is usually the objectId value), so a loaded document's id
// shares the stored bytes as a parsed one's does; else as the bytes themselves.
func writeShared(enc *statefile.Encoder, src, s string) {
	if at := sharedAt(src, s); at >= 0 {
		enc.Uvarint(uint64(at)<<1 | 1)
		enc.Uvarint(uint64(len(s)))
		return
	}
	enc.Uvarint(0)
	enc.String(s)
}

// sharedAt is where s lies in src: by address when s shares src's bytes, else by
// content when it is short enough to look for; -1 when it is not there.
func sharedAt(src, s string) int {
	if s == "" {
		return -1
	}
	if at, ok := substringAt(src, s); ok {
		return at
	}
	return strings.Index(src, s)
}
