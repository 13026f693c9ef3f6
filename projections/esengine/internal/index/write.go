package index

import (
	"net/http"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// WriteResult is the outcome of one successful document write, rendered both by the
// document APIs and as a _bulk item.
type WriteResult struct {
	Index   *Index
	Id      string
	Version int64
	SeqNo   int64
	Result  string // created, updated, deleted, not_found, noop
	Status  int
	Forced  bool // refresh=true was asked: Elasticsearch then reports forced_refresh
}

func (r WriteResult) Body() wire.OrderedObject {
	o := wire.OrderedObject{
		{Key: "_index", Value: r.Index.Name},
		{Key: "_id", Value: r.Id},
		{Key: "_version", Value: r.Version},
		{Key: "result", Value: r.Result},
	}
	if r.Forced {
		o = append(o, wire.OrderedField{Key: "forced_refresh", Value: true})
	}
	if r.Result == "noop" {
		o = append(o, wire.OrderedField{Key: "_shards", Value: wire.OrderedObject{{Key: "total", Value: 0}, {Key: "successful", Value: 0}, {Key: "failed", Value: 0}}})
	} else {
		o = append(o, wire.OrderedField{Key: "_shards", Value: r.Index.shardsHeader()})
	}
	return append(o, wire.OrderedField{Key: "_seq_no", Value: r.SeqNo}, wire.OrderedField{Key: "_primary_term", Value: PrimaryTerm})
}

// currentLocked reports what the index holds for id; the caller holds the write lock.
func (ix *Index) currentLocked(id string) current {
	if _, d, ok := ix.Store.Get(id); ok {
		return current{exists: true, known: true, version: d.Version, seqNo: d.SeqNo}
	}
	if t, ok := ix.tombstoneVersion(id); ok {
		return current{known: true, version: t.version, seqNo: t.seqNo}
	}
	return current{}
}

// IndexDoc indexes (or creates) a document.
func (ix *Index) IndexDoc(op WriteOp, source []byte) (WriteResult, *wire.EsError) {
	if err := op.Validate(false); err != nil {
		return WriteResult{}, err
	}
	ix.Mu.Lock()
	defer ix.Mu.Unlock()
	ix.beforeWrite()
	return ix.indexLocked(op, source)
}

func (ix *Index) indexLocked(op WriteOp, source []byte) (WriteResult, *wire.EsError) {
	if ix.Mapping.RoutingNeeded && op.Routing == nil {
		return WriteResult{}, wire.NewError(http.StatusBadRequest, "routing_missing_exception", "routing is required for [%s]/[%s]", ix.Name, op.Id).
			With("index_uuid", ix.Uuid).With("index", ix.Name)
	}
	cur := ix.currentLocked(op.Id)
	if err := op.checkConflict(ix, cur); err != nil {
		return WriteResult{}, err
	}
	s := ix.Store
	if n, old, ok := s.Get(op.Id); ok && ix.unchanged(old, op.Routing, source) {
		// Same source, routing and mapping: the document indexes exactly what it did,
		// so its values are reused and its postings moved, not parsed and rebuilt.
		doc := old.reindexed()
		s.seqNo++
		doc.Version = op.nextVersion(cur)
		doc.SeqNo = s.seqNo
		s.replace(n, doc)
		delete(s.tombstones, op.Id)
		if s.needsCompaction() {
			s.compact()
		}
		return WriteResult{Index: ix, Id: op.Id, Version: doc.Version, SeqNo: doc.SeqNo, Result: "updated", Status: http.StatusOK}, nil
	}
	doc, pending, err := parseDocument(ix.Mapping, ix.Store, op.Id, op.Routing, source)
	if err != nil {
		return WriteResult{}, err
	}
	if len(pending) > 0 {
		applyPending(ix.Mapping, pending)
		ix.MappingChanged()
	}
	s.seqNo++
	doc.Version = op.nextVersion(cur)
	doc.SeqNo = s.seqNo
	result, status := "created", http.StatusCreated
	if n, _, ok := s.Get(op.Id); ok {
		s.remove(n)
		result, status = "updated", http.StatusOK
	}
	delete(s.tombstones, op.Id)
	s.add(doc)
	if s.needsCompaction() {
		s.compact()
	}
	return WriteResult{Index: ix, Id: op.Id, Version: doc.Version, SeqNo: doc.SeqNo, Result: result, Status: status}, nil
}

// DeleteDoc deletes a document. Like Elasticsearch it records the delete's version even
// when the document did not exist, so an out-of-order older write is still refused.
func (ix *Index) DeleteDoc(op WriteOp) (WriteResult, *wire.EsError) {
	if err := op.Validate(true); err != nil {
		return WriteResult{}, err
	}
	ix.Mu.Lock()
	defer ix.Mu.Unlock()
	ix.beforeWrite()
	cur := ix.currentLocked(op.Id)
	if err := op.checkConflict(ix, cur); err != nil {
		return WriteResult{}, err
	}
	s := ix.Store
	s.seqNo++
	version := op.nextVersion(cur)
	result, status := "not_found", http.StatusNotFound
	if n, _, ok := s.Get(op.Id); ok {
		s.remove(n)
		result, status = "deleted", http.StatusOK
	}
	ix.addTombstone(op.Id, version, s.seqNo)
	if s.needsCompaction() {
		s.compact()
	}
	return WriteResult{Index: ix, Id: op.Id, Version: version, SeqNo: s.seqNo, Result: result, Status: status}, nil
}
