package index

import (
	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/postings"
)

// fieldCache finds a field's inverted index by the field's number instead of its name.
// Adding a document looks the same few fields up for each of its values, and a load adds
// millions of documents: a slice index costs far less than hashing the name into a map.
// The maps it caches only ever gain entries (a field's index, once made, stays until the
// whole store is replaced, and a replacement brings its own cache), so a cached entry
// never goes stale. Each cache has one writer: a load fills the keyword postings on a
// goroutine of its own while the loader fills the others.
type fieldCache[T any] []*T

// get returns the index of field f in byName, making it with create the first time.
func (c *fieldCache[T]) get(byName map[string]*T, f uint32, create func() *T) *T {
	if int(f) < len(*c) {
		if v := (*c)[f]; v != nil {
			return v
		}
	} else {
		*c = append(*c, make([]*T, int(f)+1-len(*c))...)
	}
	name := fieldName(f)
	v := byName[name]
	if v == nil {
		v = create()
		byName[name] = v
	}
	(*c)[f] = v
	return v
}

// fieldCaches are a store's caches of its four inverted indexes by field number.
type fieldCaches struct {
	keywords fieldCache[postings.Postings[string]]
	numbers  fieldCache[postings.Postings[float64]]
	texts    fieldCache[textIndex]
	exists   fieldCache[roaring.Bitmap]
}

func (s *Store) keywordPostings(f uint32) *postings.Postings[string] {
	return s.byNumber.keywords.get(s.Keywords, f, postings.NewPostings[string])
}

func (s *Store) numberPostings(f uint32) *postings.Postings[float64] {
	return s.byNumber.numbers.get(s.Numbers, f, postings.NewPostings[float64])
}

func (s *Store) textIndexOf(f uint32) *textIndex {
	return s.byNumber.texts.get(s.Texts, f, newTextIndex)
}

func (s *Store) existsOf(f uint32) *roaring.Bitmap {
	return s.byNumber.exists.get(s.Exists, f, roaring.New)
}

func newTextIndex() *textIndex {
	return &textIndex{Tokens: map[string]*roaring.Bitmap{}}
}
