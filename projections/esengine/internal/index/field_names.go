package index

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Field names are stored in documents' encoded values as small numbers: a name is a
// uvarint of one or two bytes instead of a 16-byte string header per value. The table
// is process-wide and only grows: an index has at most a few thousand fields, and a
// number must stay valid for every document and store copy that holds it.
var fieldNames struct {
	ids   sync.Map                 // name -> uint32; read without a lock on the hot path
	names atomic.Pointer[[]string] // by number; append-only, published after each add
	mu    sync.Mutex               // serialises adds
}

// fieldID returns the number of a field name, giving it one the first time it is seen.
func fieldID(name string) uint32 {
	if id, ok := fieldNames.ids.Load(name); ok {
		return id.(uint32)
	}
	fieldNames.mu.Lock()
	defer fieldNames.mu.Unlock()
	if id, ok := fieldNames.ids.Load(name); ok {
		return id.(uint32)
	}
	var names []string
	if p := fieldNames.names.Load(); p != nil {
		names = *p
	}
	id := uint32(len(names))
	name = strings.Clone(name) // a name may be a substring of some document's source
	// Appending writes past the length readers were given, so their slices stay valid;
	// the new slice is published only once the name is in place.
	names = append(names, name)
	fieldNames.names.Store(&names)
	fieldNames.ids.Store(name, id)
	return id
}

// fieldName is the name of a field number handed out by fieldID.
func fieldName(id uint32) string {
	return (*fieldNames.names.Load())[id]
}
