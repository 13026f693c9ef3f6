package index

// FetchedDoc is a snapshot of a stored document taken under the index lock.
type FetchedDoc struct {
	Found   bool
	Id      string
	Source  string
	Routing *string
	Version int64
	SeqNo   int64
}

// Fetch reads one document for the GET APIs.
func (ix *Index) Fetch(id string) FetchedDoc {
	ix.Mu.RLock()
	defer ix.Mu.RUnlock()
	_, d, found := ix.Store.Get(id)
	if !found {
		return FetchedDoc{Id: id}
	}
	return FetchedDoc{Found: true, Id: id, Source: ix.Store.Source(d), Routing: d.Routing, Version: d.Version, SeqNo: d.SeqNo}
}
