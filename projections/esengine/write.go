package esengine

import (
	"net/http"
)

// writeResult is the outcome of one successful document write, rendered both by the
// document APIs and as a _bulk item.
type writeResult struct {
	index   *index
	id      string
	version int64
	seqNo   int64
	result  string // created, updated, deleted, not_found, noop
	status  int
	forced  bool // refresh=true was asked: Elasticsearch then reports forced_refresh
}

func (r writeResult) body() orderedObject {
	o := orderedObject{
		{"_index", r.index.name},
		{"_id", r.id},
		{"_version", r.version},
		{"result", r.result},
	}
	if r.forced {
		o = append(o, orderedField{"forced_refresh", true})
	}
	if r.result == "noop" {
		o = append(o, orderedField{"_shards", orderedObject{{"total", 0}, {"successful", 0}, {"failed", 0}}})
	} else {
		o = append(o, orderedField{"_shards", r.index.shardsHeader()})
	}
	return append(o, orderedField{"_seq_no", r.seqNo}, orderedField{"_primary_term", primaryTerm})
}

// currentLocked reports what the index holds for id; the caller holds the write lock.
func (ix *index) currentLocked(id string) current {
	if _, d, ok := ix.store.get(id); ok {
		return current{exists: true, known: true, version: d.version, seqNo: d.seqNo}
	}
	if t, ok := ix.tombstoneVersion(id); ok {
		return current{known: true, version: t.version, seqNo: t.seqNo}
	}
	return current{}
}

// indexDoc indexes (or creates) a document.
func (ix *index) indexDoc(op writeOp, source []byte) (writeResult, *esError) {
	if err := op.validate(false); err != nil {
		return writeResult{}, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.beforeWrite()
	return ix.indexLocked(op, source)
}

func (ix *index) indexLocked(op writeOp, source []byte) (writeResult, *esError) {
	if ix.mapping.routingNeeded && op.routing == nil {
		return writeResult{}, newError(http.StatusBadRequest, "routing_missing_exception", "routing is required for [%s]/[%s]", ix.name, op.id).
			with("index_uuid", ix.uuid).with("index", ix.name)
	}
	cur := ix.currentLocked(op.id)
	if err := op.checkConflict(ix, cur); err != nil {
		return writeResult{}, err
	}
	s := ix.store
	if n, old, ok := s.get(op.id); ok && ix.unchanged(old, op.routing, source) {
		// Same source, routing and mapping: the document indexes exactly what it did,
		// so its values are reused and its postings moved, not parsed and rebuilt.
		doc := old.reindexed()
		s.seqNo++
		doc.version = op.nextVersion(cur)
		doc.seqNo = s.seqNo
		s.replace(n, doc)
		delete(s.tombstones, op.id)
		if s.needsCompaction() {
			s.compact()
		}
		return writeResult{index: ix, id: op.id, version: doc.version, seqNo: doc.seqNo, result: "updated", status: http.StatusOK}, nil
	}
	doc, pending, err := parseDocument(ix.mapping, ix.store.joinKeys, op.id, op.routing, source)
	if err != nil {
		return writeResult{}, err
	}
	if len(pending) > 0 {
		applyPending(ix.mapping, pending)
		ix.mappingChanged()
	}
	s.seqNo++
	doc.version = op.nextVersion(cur)
	doc.seqNo = s.seqNo
	result, status := "created", http.StatusCreated
	if n, _, ok := s.get(op.id); ok {
		s.remove(n)
		result, status = "updated", http.StatusOK
	}
	delete(s.tombstones, op.id)
	s.add(doc)
	if s.needsCompaction() {
		s.compact()
	}
	return writeResult{index: ix, id: op.id, version: doc.version, seqNo: doc.seqNo, result: result, status: status}, nil
}

// deleteDoc deletes a document. Like Elasticsearch it records the delete's version even
// when the document did not exist, so an out-of-order older write is still refused.
func (ix *index) deleteDoc(op writeOp) (writeResult, *esError) {
	if err := op.validate(true); err != nil {
		return writeResult{}, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.beforeWrite()
	cur := ix.currentLocked(op.id)
	if err := op.checkConflict(ix, cur); err != nil {
		return writeResult{}, err
	}
	s := ix.store
	s.seqNo++
	version := op.nextVersion(cur)
	result, status := "not_found", http.StatusNotFound
	if n, _, ok := s.get(op.id); ok {
		s.remove(n)
		result, status = "deleted", http.StatusOK
	}
	ix.addTombstone(op.id, version, s.seqNo)
	if s.needsCompaction() {
		s.compact()
	}
	return writeResult{index: ix, id: op.id, version: version, seqNo: s.seqNo, result: result, status: status}, nil
}
