package mapping

import (
	"sort"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// Field types the engine indexes. Anything else in a mapping is refused when the index
// is created, so a query never meets a field it cannot evaluate.
const (
	TypeObject    = "object"
	TypeKeyword   = "keyword"
	TypeText      = "text"
	TypeLong      = "long"
	TypeInteger   = "integer"
	TypeShort     = "short"
	TypeByte      = "byte"
	TypeDouble    = "double"
	TypeFloat     = "float"
	TypeHalfFloat = "half_float"
	TypeBoolean   = "boolean"
	TypeJoin      = "join"
)

// Dynamic mapping modes of an object ("" inherits from the enclosing object).
const (
	dynamicTrue   = "true"
	DynamicFalse  = "false"
	DynamicStrict = "strict"
)

// FieldMapping is one node of a mapping: an object with properties or a leaf field.
type FieldMapping struct {
	Name string // last path element
	Path string // full dotted path, the name queries use
	Typ  string

	IgnoreAbove int             // keyword: longer values are kept in _source only; 0 = no limit
	NullValue   any             // indexed in place of an explicit null
	MultiFields []*FieldMapping // text/keyword sub-fields such as name.keyword

	Properties map[string]*FieldMapping // object
	dynamic    string                   // object

	relations           []relation // join
	eagerGlobalOrdinals bool       // join

	// echoed are accepted parameters that do not change how the engine indexes (store,
	// doc_values, meta...); they are kept so GET _mapping shows what was put.
	echoed wire.OrderedObject
}

type relation struct {
	parent   string
	children []string
}

func (f *FieldMapping) IsNumeric() bool {
	switch f.Typ {
	case TypeLong, TypeInteger, TypeShort, TypeByte, TypeDouble, TypeFloat, TypeHalfFloat:
		return true
	}
	return false
}

func (f *FieldMapping) IsIntegral() bool {
	switch f.Typ {
	case TypeLong, TypeInteger, TypeShort, TypeByte:
		return true
	}
	return false
}

// Mapping is an index's mapping plus the lookups derived from it.
type Mapping struct {
	Root          *FieldMapping
	RoutingNeeded bool
	sourceEnabled bool
	meta          any

	ByPath map[string]*FieldMapping // every field and multi-field by full path
	Join   *JoinMapping
}

// JoinMapping is the index's single join field and its parent/child relations.
type JoinMapping struct {
	Field    string
	ParentOf map[string]string   // child relation -> parent relation
	Children map[string][]string // parent relation -> child relations
	// parentFields caches parentField for every parent relation: every document of a
	// join index names one, and building the name each time was an allocation a write.
	parentFields map[string]string
}

func (j *JoinMapping) Known(name string) bool {
	_, isParent := j.Children[name]
	_, isChild := j.ParentOf[name]
	return isParent || isChild
}

// ParentField is the hidden field holding, for relation parent, the parent's id on its
// children and its own id on the parent: Elasticsearch names it "<join>#<parent>".
func (j *JoinMapping) ParentField(parent string) string {
	if f, ok := j.parentFields[parent]; ok {
		return f
	}
	return j.Field + "#" + parent
}

func NewMapping() *Mapping {
	m := &Mapping{Root: &FieldMapping{Typ: TypeObject, Properties: map[string]*FieldMapping{}}, sourceEnabled: true}
	m.Reindex()
	return m
}

// Reindex rebuilds the path lookup and the join description after the tree changed.
func (m *Mapping) Reindex() {
	m.ByPath = map[string]*FieldMapping{}
	m.Join = nil
	var walk func(parent string, f *FieldMapping)
	walk = func(parent string, f *FieldMapping) {
		for _, name := range SortedKeys(f.Properties) {
			child := f.Properties[name]
			child.Name = name
			child.Path = JoinPath(parent, name)
			m.ByPath[child.Path] = child
			for _, sub := range child.MultiFields {
				sub.Path = child.Path + "." + sub.Name
				m.ByPath[sub.Path] = sub
			}
			if child.Typ == TypeJoin {
				m.Join = buildJoin(child)
			}
			if child.Typ == TypeObject {
				walk(child.Path, child)
			}
		}
	}
	walk("", m.Root)
}

func buildJoin(f *FieldMapping) *JoinMapping {
	j := &JoinMapping{Field: f.Path, ParentOf: map[string]string{}, Children: map[string][]string{}, parentFields: map[string]string{}}
	for _, r := range f.relations {
		j.Children[r.parent] = r.children
		j.parentFields[r.parent] = f.Path + "#" + r.parent
		for _, c := range r.children {
			j.ParentOf[c] = r.parent
		}
	}
	return j
}

func JoinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Field returns the mapping of a leaf field, or nil when the path is unmapped or an object.
func (m *Mapping) Field(path string) *FieldMapping {
	f := m.ByPath[path]
	if f == nil || f.Typ == TypeObject {
		return nil
	}
	return f
}

// LeavesUnder lists the leaf fields of an object path, for exists on an object.
func (m *Mapping) LeavesUnder(path string) []*FieldMapping {
	prefix := path + "."
	var out []*FieldMapping
	for p, f := range m.ByPath {
		if strings.HasPrefix(p, prefix) && f.Typ != TypeObject {
			out = append(out, f)
		}
	}
	return out
}

// DynamicFor is the dynamic mode in force for new fields inside obj.
func (m *Mapping) DynamicFor(chain []*FieldMapping) string {
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].dynamic != "" {
			return chain[i].dynamic
		}
	}
	return dynamicTrue
}

// JoinFieldName reports whether field is the join field or one of its parent-id fields.
func JoinFieldName(j *JoinMapping, field string) bool {
	return j != nil && (field == j.Field || strings.HasPrefix(field, j.Field+"#"))
}
