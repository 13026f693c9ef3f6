package esengine

// fetchedDoc is a snapshot of a stored document taken under the index lock.
type fetchedDoc struct {
	found   bool
	id      string
	source  string
	routing *string
	version int64
	seqNo   int64
}

// fetch reads one document for the GET APIs.
func (ix *index) fetch(id string) fetchedDoc {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, d, found := ix.store.get(id)
	if !found {
		return fetchedDoc{id: id}
	}
	return fetchedDoc{found: true, id: id, source: d.source, routing: d.routing, version: d.version, seqNo: d.seqNo}
}
