package index

import (
	"math"
	"time"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/postings"
	"github.com/planstore/planstore/projections/esengine/internal/statefile"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// FieldRemap maps the field numbers of a saved state to this process's.
type FieldRemap struct {
	ids      []uint32 // by saved number
	identity bool     // every number is the same: encoded values are used as they are
}

// ReadFieldNames reads what WriteFieldNames wrote and numbers the names here. A process
// that has seen no field before loading gets the saved numbering back unchanged.
func ReadFieldNames(dec *statefile.Decoder) FieldRemap {
	n := dec.Count()
	r := FieldRemap{ids: make([]uint32, 0, n), identity: true}
	for i := range n {
		name := dec.String()
		if dec.Err() != nil {
			break
		}
		id := fieldID(name)
		r.ids = append(r.ids, id)
		r.identity = r.identity && id == uint32(i)
	}
	return r
}

// ReadState reads an index whose index section is head, and its documents' sections
// from f, into a fresh index whose every answer is the saved one's.
func ReadState(f *statefile.File, head *statefile.Decoder, fields FieldRemap, now func() time.Time) (*Index, error) {
	name, uuid := head.String(), head.String()
	created := head.Varint()
	settings := readSettings(head)
	mappingJSON := head.String()
	mappingSeqNo, seqNo := head.Varint(), head.Varint()
	keys := readKeys(head)
	tombstones := readTombstones(head)
	docs := head.Int()
	keywordSizes := readKeywordSizes(head)
	if err := head.Done(); err != nil {
		return nil, err
	}
	m, err := parseSavedMapping(mappingJSON)
	if err != nil {
		return nil, err
	}
	ix := NewIndex(name, settings, m, now)
	ix.Uuid, ix.created, ix.mappingSeqNo = uuid, time.Unix(0, created), mappingSeqNo
	s := ix.Store
	s.keys, s.tombstones = keys, tombstones
	// Sized once for the documents that follow instead of grown while they are added;
	// each takes more than minSavedDoc bytes, which bounds a damaged count.
	room := min(docs, f.Remaining()/minSavedDoc)
	s.byID = postings.NewDocTable(s.docID, room)
	s.Docs, s.ParentDoc = make([]*StoredDoc, 0, room), make([]int32, 0, room)
	for field, size := range keywordSizes {
		p := postings.NewPostingsSized[string](min(size.mapped, room))
		p.KeyedByDocument(s.docID)
		p.ReserveOwn(min(size.own, room))
		s.Keywords[field] = p
	}
	if err := s.readDocs(f, docs, fields); err != nil {
		return nil, err
	}
	s.seqNo = seqNo
	return ix, nil
}

// keywordSize is how many distinct values a keyword field holds in its map and as their
// document's own id.
type keywordSize struct{ mapped, own int }

// readKeywordSizes reads what writeKeywordSizes wrote.
func readKeywordSizes(dec *statefile.Decoder) map[string]keywordSize {
	n := dec.Count()
	sizes := make(map[string]keywordSize, n)
	for range n {
		field := dec.String()
		sizes[field] = keywordSize{mapped: dec.Int(), own: dec.Int()}
	}
	return sizes
}

func readSettings(dec *statefile.Decoder) IndexSettings {
	s := IndexSettings{
		shards:          dec.Int(),
		Replicas:        dec.Int(),
		autoExpand:      dec.String(),
		MaxResultWindow: dec.Int(),
		gcDeletes:       time.Duration(dec.Varint()),
		gcDeletesText:   dec.String(),
		windowSet:       dec.Bool(),
		echoed:          map[string]string{},
	}
	for range dec.Count() {
		k := dec.String()
		s.echoed[k] = dec.String()
	}
	return s
}

func readKeys(dec *statefile.Decoder) *keyDict {
	k := newKeyDict()
	n := dec.Int()
	if n > maxKeyCodes {
		dec.Fail("%d abbreviated keys, at most %d exist", n, maxKeyCodes)
		return k
	}
	for c := 1; c <= n; c++ {
		k.keys[c] = dec.String()
		k.codes[k.keys[c]] = byte(c)
	}
	k.n = n
	return k
}

func readTombstones(dec *statefile.Decoder) map[string]tombstone {
	n := dec.Count()
	out := make(map[string]tombstone, n)
	for range n {
		id := dec.String()
		out[id] = tombstone{version: dec.Varint(), seqNo: dec.Varint(), at: dec.Varint()}
	}
	return out
}

// parseSavedMapping reads a mapping back from its rendered form, as CloneMapping does.
func parseSavedMapping(data string) (*mapping.Mapping, error) {
	raw, err := wire.DecodeJSON([]byte(data))
	if err != nil {
		return nil, statefile.Corrupt("mapping: %v", err)
	}
	m, merr := mapping.ParseMappings(raw)
	if merr != nil {
		return nil, statefile.Corrupt("mapping: %s", merr.Reason)
	}
	return m, nil
}

// readDocs reads want documents from the sections that follow and adds them in order,
// which rebuilds the inverted indexes and the join graph as add does. The keyword
// postings, the largest part, are built meanwhile on a goroutine of their own.
func (s *Store) readDocs(f *statefile.File, want int, fields FieldRemap) error {
	keywords := s.startKeywords()
	defer keywords.wait()
	var shared readShares
	for read := 0; read < want; {
		dec, err := f.Expect(statefile.KindDocs)
		if err != nil {
			return err
		}
		n := dec.Count()
		if n > want-read || len(s.Docs)+n >= math.MaxInt32-1 {
			return statefile.Corrupt("more documents than the index holds")
		}
		batch := loadedDocs{first: uint32(len(s.Docs)), docs: make([]*StoredDoc, 0, n)}
		for range n {
			d := readDoc(dec, fields, &shared)
			if err := dec.Err(); err != nil {
				return err
			}
			if _, dup := s.byID.Get(d.Id); dup {
				return statefile.Corrupt("document %q saved twice", d.Id)
			}
			num := s.place(d)
			d.walk(s.nonKeywordValues(num))
			s.linkJoin(d, num)
			batch.docs = append(batch.docs, d)
		}
		if err := dec.Done(); err != nil {
			return err
		}
		keywords.batches <- batch
		read += n
	}
	return nil
}

// minSavedDoc is less than the fewest bytes a saved document takes (its stored data,
// id, version, seq_no, routing and join flags).
const minSavedDoc = 6

// loadedDocs are documents numbered first, first+1, ...
type loadedDocs struct {
	first uint32
	docs  []*StoredDoc
}

// keywordLoader adds loaded documents' keyword values to the keyword postings, which
// nothing else the loader does reads or writes (walk reads a document's values, id and
// routing; linkJoin writes only its join), so it runs beside the loader: a load then
// takes two cores.
type keywordLoader struct {
	store   *Store
	batches chan loadedDocs
	done    chan struct{}
}

// startKeywords starts the keyword loader. The postings read the ids of their documents
// (postings.KeyedByDocument) while the loader still appends to the store's list, so
// meanwhile they read them from a list of their own, and from the store's once the load
// is over.
func (s *Store) startKeywords() *keywordLoader {
	k := &keywordLoader{store: s, batches: make(chan loadedDocs, 4), done: make(chan struct{})}
	go func() {
		defer close(k.done)
		var seen []*StoredDoc
		idOf := func(n uint32) string { return seen[n].Id }
		for _, p := range s.Keywords {
			p.KeyedByDocument(idOf)
		}
		for batch := range k.batches {
			seen = append(seen, batch.docs...)
			for i, d := range batch.docs {
				d.walk(valueVisitor{term: s.keywordAdderBound(batch.first+uint32(i), idOf)})
			}
		}
	}()
	return k
}

// wait returns once every batch sent is in the postings.
func (k *keywordLoader) wait() {
	close(k.batches)
	<-k.done
	k.store.bindDocs()
}

// readShares is what consecutive documents of a load share instead of allocating each
// their own: the documents of one plan follow each other and carry the same routing,
// and a child's parent key is made by linkJoin, which reads only its id.
// The documents' stored bytes are copied into arena.
type readShares struct {
	routing *string
	parent  joinKey
	arena   byteArena
}

func readDoc(dec *statefile.Decoder, fields FieldRemap, shared *readShares) *StoredDoc {
	data := shared.arena.clone(dec.Shared())
	src, ok := storedSourceOf(data)
	if !ok {
		dec.Fail("a document's stored source runs past its data")
		return nil
	}
	d := &StoredDoc{Id: readShared(dec, src)}
	if dec.Bool() {
		routing := readShared(dec, src)
		if shared.routing == nil || *shared.routing != routing {
			shared.routing = &routing
		}
		d.Routing = shared.routing
	}
	d.Version, d.SeqNo = dec.Varint(), dec.Varint()
	switch dec.Uvarint() {
	case joinNone:
	case joinSelf:
		d.Join = &docJoin{}
	case joinChild:
		shared.parent = joinKey{Id: readShared(dec, src), doc: -1} // linkJoin replaces it
		d.Join = &docJoin{Parent: &shared.parent}
	default:
		dec.Fail("bad join kind")
	}
	if dec.Err() != nil {
		return nil
	}
	values, err := fields.translate(data, d.Routing != nil)
	if err != nil {
		dec.Fail("document %q: %v", d.Id, err)
		return nil
	}
	d.data = values
	return d
}

func readShared(dec *statefile.Decoder, src string) string {
	x := dec.Uvarint()
	if x&1 == 0 {
		return dec.String()
	}
	at, n := x>>1, dec.Uvarint()
	if at > uint64(len(src)) || n > uint64(len(src))-at {
		dec.Fail("a shared string lies outside the stored source")
		return ""
	}
	return src[at : at+n]
}
