package index

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// metadataFields are the names Elasticsearch reserves at the root of a document.
var metadataFields = map[string]bool{
	"_id": true, "_index": true, "_routing": true, "_source": true, "_seq_no": true, "_version": true,
	"_primary_term": true, "_ignored": true, "_field_names": true, "_type": true, "_doc_count": true,
	"_nested_path": true, "_data_stream_timestamp": true, "_tier": true, "_feature": true, "_index_mode": true,
}

// docParser turns a source into the values a document puts into the indexes, applying
// the mapping as Elasticsearch does (coercion, ignore_above, multi-fields, join field)
// and collecting the fields dynamic mapping adds; those are applied to the mapping only
// once the whole document parsed, so a refused document leaves no trace.
//
// Parsers are pooled: values are collected in scratch slices that keep their capacity
// from one document to the next, and finish encodes them into one string of exactly
// the right size (stored_values.go), so building a document allocates no intermediate
// growth.
type docParser struct {
	m          *mapping.Mapping
	store      *Store   // read only: the parent keys of children; nil: none
	keys       *keyDict // the store's abbreviated keys; nil: none
	src        string   // the compact source being parsed
	id         string
	hasRouting bool
	doc        *StoredDoc
	terms      []IndexedTerm
	numbers    []IndexedNumber
	tokens     []IndexedToken
	lengths    []FieldLength
	ignored    []string
	encoded    []byte     // scratch for encodeValues
	stored     []byte     // scratch: the source with its keys abbreviated
	shifts     []keyShift // scratch: where stored positions shrink
	// placeholder is set when the document's join parent is a key the store has yet
	// to make: its id then points into src and must be moved to the stored bytes.
	placeholder bool
	idAt        int // where the document's id lies in the stored source, or -1
	pending     []pendingField
	overlay     map[string]*mapping.FieldMapping // dynamic fields added under existing objects, by path; lazily made
	tokenIndex  map[indexedTokenKey]int          // position of a token in tokens; lazily made
	termSet     map[IndexedTerm]bool             // duplicate check for documents with many values
	numberSet   map[IndexedNumber]bool
}

type pendingField struct {
	parent *mapping.FieldMapping
	field  *mapping.FieldMapping
}

type indexedTokenKey struct{ field, token string }

var parserPool = sync.Pool{New: func() any { return new(docParser) }}

// maxPooledValues bounds the scratch a pooled parser keeps, so one huge document does
// not pin its buffers for the life of the process.
const maxPooledValues = 1024

func newDocParser(m *mapping.Mapping, st *Store, id string, routing *string, source string) *docParser {
	p := parserPool.Get().(*docParser)
	p.m, p.id, p.hasRouting, p.src = m, id, routing != nil, source
	if st != nil {
		p.store, p.keys = st, st.keys
	}
	p.doc = &StoredDoc{Id: id, Routing: routing}
	if routing != nil {
		p.term("_routing", *routing)
	}
	return p
}

// ignore records a field whose value was left out of the index, for the hit's _ignored.
func (p *docParser) ignore(field string) {
	if !slices.Contains(p.ignored, field) {
		p.ignored = append(p.ignored, field)
	}
}

// finish hands over the document built so far.
func (p *docParser) finish() *StoredDoc {
	d := p.doc
	d.data = p.encodeValues(d)
	return d
}

// release returns the parser to the pool; nothing it handed out refers to its scratch.
func (p *docParser) release() {
	scratch := func(n int) bool { return n <= maxPooledValues }
	*p = docParser{
		terms:   resetScratch(p.terms, scratch(cap(p.terms))),
		numbers: resetScratch(p.numbers, scratch(cap(p.numbers))),
		tokens:  resetScratch(p.tokens, scratch(cap(p.tokens))),
		lengths: resetScratch(p.lengths, scratch(cap(p.lengths))),
		ignored: resetScratch(p.ignored, scratch(cap(p.ignored))),
		encoded: resetScratch(p.encoded, scratch(cap(p.encoded)/16)),
		stored:  resetScratch(p.stored, scratch(cap(p.stored)/16)),
		shifts:  resetScratch(p.shifts, scratch(cap(p.shifts))),
	}
	parserPool.Put(p)
}

// resetScratch empties a scratch slice, dropping the strings it referenced so a pooled
// parser does not keep old sources alive.
func resetScratch[T any](s []T, keep bool) []T {
	if !keep {
		return nil
	}
	clear(s)
	return s[:0]
}

// parseDocument builds the stored form of a document about to be indexed into m and
// the store st (nil: none, for tests). st is only read: its join keys, so a child whose
// parent is already known points at the parent's key at once instead of at a
// placeholder the store would swap out, and its abbreviated keys, to which parsing may
// add: the caller holds the index's write lock.
func parseDocument(m *mapping.Mapping, st *Store, id string, routing *string, source []byte) (*StoredDoc, []pendingField, *wire.EsError) {
	if d, ok := ParseDocumentFast(m, st, id, routing, source); ok {
		return d, nil, nil
	}
	return ParseDocumentSlow(m, st, id, routing, source)
}

// ParseDocumentSlow is the general path: it decodes the source with encoding/json,
// handles dynamic mapping and reports every error as Elasticsearch does.
func ParseDocumentSlow(m *mapping.Mapping, st *Store, id string, routing *string, source []byte) (*StoredDoc, []pendingField, *wire.EsError) {
	raw, err := wire.DecodeJSON(source)
	if err != nil {
		return nil, nil, wire.ErrMapperParsing(wire.NewError(http.StatusBadRequest, "json_parse_exception", "%s", err.Error()))
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, nil, wire.ErrMapperParsing(wire.NewError(http.StatusBadRequest, "not_x_content_exception",
			"Compressor detection can only be called on some xcontent bytes or compressed xcontent bytes"))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, source); err != nil {
		return nil, nil, wire.ErrMapperParsing(wire.NewError(http.StatusBadRequest, "json_parse_exception", "%s", err.Error()))
	}
	for _, key := range mapping.SortedKeys(obj) {
		if metadataFields[key] {
			inner := mapping.ErrMapping("Field [%s] is a metadata field and cannot be added inside a document. Use the index API request parameters.", key)
			return nil, nil, mapping.ErrMapping("failed to parse field [%s] of type [%s] in document with id '%s'. Preview of field's value: '%s'",
				key, key, id, javaPreview(obj[key])).Because(inner)
		}
	}
	p := newDocParser(m, st, id, routing, compact.String())
	defer p.release()
	if err := p.object(m.Root, obj, []*mapping.FieldMapping{m.Root}); err != nil {
		return nil, nil, err
	}
	return p.finish(), p.pending, nil
}

// applyPending adds the fields dynamic mapping introduced to the mapping.
func applyPending(m *mapping.Mapping, pending []pendingField) {
	if len(pending) == 0 {
		return
	}
	for _, pf := range pending {
		if pf.parent.Properties == nil {
			pf.parent.Properties = map[string]*mapping.FieldMapping{}
		}
		pf.parent.Properties[pf.field.Name] = pf.field
	}
	m.Reindex()
}

func (p *docParser) object(obj *mapping.FieldMapping, values map[string]any, chain []*mapping.FieldMapping) *wire.EsError {
	values = expandDots(values)
	for _, name := range mapping.SortedKeys(values) {
		if name == "" {
			return mapping.ErrMapping("field name cannot be an empty string")
		}
		v := values[name]
		path := mapping.JoinPath(obj.Path, name)
		f := obj.Properties[name]
		if f == nil {
			f = p.overlay[path]
		}
		if f == nil {
			var err *wire.EsError
			f, err = p.introduce(obj, name, path, v, chain)
			if err != nil {
				return err
			}
			if f == nil {
				continue // dynamic: false, or nothing to map yet (null, empty array)
			}
		}
		if err := p.value(f, v, chain); err != nil {
			return err
		}
	}
	return nil
}

// expandDots turns {"a.b": 1} into {"a": {"b": 1}}, which is how Elasticsearch reads
// dotted field names in documents.
func expandDots(values map[string]any) map[string]any {
	dotted := false
	for k := range values {
		if strings.Contains(k, ".") && !strings.HasPrefix(k, ".") && !strings.HasSuffix(k, ".") {
			dotted = true
			break
		}
	}
	if !dotted {
		return values
	}
	out := make(map[string]any, len(values))
	for k, v := range values {
		head, rest, ok := strings.Cut(k, ".")
		if !ok || head == "" || rest == "" {
			out[k] = v
			continue
		}
		inner, _ := out[head].(map[string]any)
		if inner == nil {
			inner = map[string]any{}
			if existing, isObj := values[head].(map[string]any); isObj {
				for ek, ev := range existing {
					inner[ek] = ev
				}
			}
			out[head] = inner
		}
		inner[rest] = v
	}
	return out
}

// introduce handles a field the mapping does not know, according to the dynamic mode.
func (p *docParser) introduce(obj *mapping.FieldMapping, name, path string, v any, chain []*mapping.FieldMapping) (*mapping.FieldMapping, *wire.EsError) {
	switch p.m.DynamicFor(chain) {
	case mapping.DynamicStrict:
		within := obj.Path
		if within == "" {
			within = "_doc"
		}
		return nil, wire.NewError(http.StatusBadRequest, "strict_dynamic_mapping_exception",
			"mapping set to strict, dynamic introduction of [%s] within [%s] is not allowed", name, within)
	case mapping.DynamicFalse:
		return nil, nil
	}
	f := dynamicField(name, path, v)
	if f == nil {
		return nil, nil
	}
	if isNew(obj, chain) {
		// obj was itself introduced by this document: it is not in the mapping yet, so
		// its new children can be attached directly.
		if obj.Properties == nil {
			obj.Properties = map[string]*mapping.FieldMapping{}
		}
		obj.Properties[name] = f
	} else {
		if p.overlay == nil {
			p.overlay = map[string]*mapping.FieldMapping{}
		}
		p.overlay[path] = f
		p.pending = append(p.pending, pendingField{parent: obj, field: f})
	}
	return f, nil
}

// isNew reports whether obj is not (yet) reachable from the mapping root.
func isNew(obj *mapping.FieldMapping, chain []*mapping.FieldMapping) bool {
	if len(chain) == 1 {
		return false
	}
	parent := chain[len(chain)-2]
	return parent.Properties[obj.Name] != obj
}

// dynamicField picks a mapping for a new field from its first value, with the types
// Elasticsearch's default dynamic mapping picks.
func dynamicField(name, path string, v any) *mapping.FieldMapping {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		for _, e := range x {
			if f := dynamicField(name, path, e); f != nil {
				return f
			}
		}
		return nil
	case map[string]any:
		return &mapping.FieldMapping{Name: name, Path: path, Typ: mapping.TypeObject, Properties: map[string]*mapping.FieldMapping{}}
	case bool:
		return &mapping.FieldMapping{Name: name, Path: path, Typ: mapping.TypeBoolean}
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return &mapping.FieldMapping{Name: name, Path: path, Typ: mapping.TypeFloat}
		}
		return &mapping.FieldMapping{Name: name, Path: path, Typ: mapping.TypeLong}
	case string:
		kw := &mapping.FieldMapping{Name: "keyword", Path: path + ".keyword", Typ: mapping.TypeKeyword, IgnoreAbove: 256}
		return &mapping.FieldMapping{Name: name, Path: path, Typ: mapping.TypeText, MultiFields: []*mapping.FieldMapping{kw}}
	}
	return nil
}
