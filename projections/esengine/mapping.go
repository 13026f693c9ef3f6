package esengine

import (
	"sort"
	"strings"
)

// Field types the engine indexes. Anything else in a mapping is refused when the index
// is created, so a query never meets a field it cannot evaluate.
const (
	typeObject    = "object"
	typeKeyword   = "keyword"
	typeText      = "text"
	typeLong      = "long"
	typeInteger   = "integer"
	typeShort     = "short"
	typeByte      = "byte"
	typeDouble    = "double"
	typeFloat     = "float"
	typeHalfFloat = "half_float"
	typeBoolean   = "boolean"
	typeJoin      = "join"
)

// Dynamic mapping modes of an object ("" inherits from the enclosing object).
const (
	dynamicTrue   = "true"
	dynamicFalse  = "false"
	dynamicStrict = "strict"
)

// fieldMapping is one node of a mapping: an object with properties or a leaf field.
type fieldMapping struct {
	name string // last path element
	path string // full dotted path, the name queries use
	typ  string

	ignoreAbove int             // keyword: longer values are kept in _source only; 0 = no limit
	nullValue   any             // indexed in place of an explicit null
	multiFields []*fieldMapping // text/keyword sub-fields such as name.keyword

	properties map[string]*fieldMapping // object
	dynamic    string                   // object

	relations           []relation // join
	eagerGlobalOrdinals bool       // join

	// echoed are accepted parameters that do not change how the engine indexes (store,
	// doc_values, meta...); they are kept so GET _mapping shows what was put.
	echoed orderedObject
}

type relation struct {
	parent   string
	children []string
}

func (f *fieldMapping) isNumeric() bool {
	switch f.typ {
	case typeLong, typeInteger, typeShort, typeByte, typeDouble, typeFloat, typeHalfFloat:
		return true
	}
	return false
}

func (f *fieldMapping) isIntegral() bool {
	switch f.typ {
	case typeLong, typeInteger, typeShort, typeByte:
		return true
	}
	return false
}

// mapping is an index's mapping plus the lookups derived from it.
type mapping struct {
	root          *fieldMapping
	routingNeeded bool
	sourceEnabled bool
	meta          any

	byPath map[string]*fieldMapping // every field and multi-field by full path
	join   *joinMapping
}

// joinMapping is the index's single join field and its parent/child relations.
type joinMapping struct {
	field    string
	parentOf map[string]string   // child relation -> parent relation
	children map[string][]string // parent relation -> child relations
	// parentFields caches parentField for every parent relation: every document of a
	// join index names one, and building the name each time was an allocation a write.
	parentFields map[string]string
}

func (j *joinMapping) known(name string) bool {
	_, isParent := j.children[name]
	_, isChild := j.parentOf[name]
	return isParent || isChild
}

// parentField is the hidden field holding, for relation parent, the parent's id on its
// children and its own id on the parent: Elasticsearch names it "<join>#<parent>".
func (j *joinMapping) parentField(parent string) string {
	if f, ok := j.parentFields[parent]; ok {
		return f
	}
	return j.field + "#" + parent
}

func newMapping() *mapping {
	m := &mapping{root: &fieldMapping{typ: typeObject, properties: map[string]*fieldMapping{}}, sourceEnabled: true}
	m.reindex()
	return m
}

// reindex rebuilds the path lookup and the join description after the tree changed.
func (m *mapping) reindex() {
	m.byPath = map[string]*fieldMapping{}
	m.join = nil
	var walk func(parent string, f *fieldMapping)
	walk = func(parent string, f *fieldMapping) {
		for _, name := range sortedKeys(f.properties) {
			child := f.properties[name]
			child.name = name
			child.path = joinPath(parent, name)
			m.byPath[child.path] = child
			for _, sub := range child.multiFields {
				sub.path = child.path + "." + sub.name
				m.byPath[sub.path] = sub
			}
			if child.typ == typeJoin {
				m.join = buildJoin(child)
			}
			if child.typ == typeObject {
				walk(child.path, child)
			}
		}
	}
	walk("", m.root)
}

func buildJoin(f *fieldMapping) *joinMapping {
	j := &joinMapping{field: f.path, parentOf: map[string]string{}, children: map[string][]string{}, parentFields: map[string]string{}}
	for _, r := range f.relations {
		j.children[r.parent] = r.children
		j.parentFields[r.parent] = f.path + "#" + r.parent
		for _, c := range r.children {
			j.parentOf[c] = r.parent
		}
	}
	return j
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// field returns the mapping of a leaf field, or nil when the path is unmapped or an object.
func (m *mapping) field(path string) *fieldMapping {
	f := m.byPath[path]
	if f == nil || f.typ == typeObject {
		return nil
	}
	return f
}

// leavesUnder lists the leaf fields of an object path, for exists on an object.
func (m *mapping) leavesUnder(path string) []*fieldMapping {
	prefix := path + "."
	var out []*fieldMapping
	for p, f := range m.byPath {
		if strings.HasPrefix(p, prefix) && f.typ != typeObject {
			out = append(out, f)
		}
	}
	return out
}

// dynamicFor is the dynamic mode in force for new fields inside obj.
func (m *mapping) dynamicFor(chain []*fieldMapping) string {
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].dynamic != "" {
			return chain[i].dynamic
		}
	}
	return dynamicTrue
}

// joinFieldName reports whether field is the join field or one of its parent-id fields.
func joinFieldName(j *joinMapping, field string) bool {
	return j != nil && (field == j.field || strings.HasPrefix(field, j.field+"#"))
}
