package mapping

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// ErrMapping is a refused mapping definition, worded like Elasticsearch's.
func ErrMapping(format string, args ...any) *wire.EsError {
	return wire.NewError(http.StatusBadRequest, "mapper_parsing_exception", format, args...)
}

// ParseMappings reads the "mappings" object of a create-index or put-mapping request
// into a fresh mapping tree (merging is done by the caller).
func ParseMappings(raw any) (*Mapping, *wire.EsError) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, ErrMapping("Failed to parse mapping: mappings must be an object")
	}
	m := NewMapping()
	var unsupported []string
	for _, key := range SortedKeys(obj) {
		v := obj[key]
		switch key {
		case "properties", "dynamic":
			// The root is an object field: these read as they do on any object.
			if err := m.Root.setParam(key, v); err != nil {
				return nil, wrapMappingError(err)
			}
		case "_routing":
			r, ok := v.(map[string]any)
			if !ok {
				return nil, wrapMappingError(ErrMapping("[_routing] must be an object"))
			}
			if req, ok := r["required"].(bool); ok {
				m.RoutingNeeded = req
			}
		case "_source":
			s, ok := v.(map[string]any)
			if !ok {
				return nil, wrapMappingError(ErrMapping("[_source] must be an object"))
			}
			if enabled, ok := s["enabled"].(bool); ok && !enabled {
				return nil, wrapMappingError(ErrMapping("[_source] cannot be disabled in the embedded engine: it serves every hit from _source"))
			}
		case "_meta":
			m.meta = v
		case "date_detection", "numeric_detection":
			// The engine never detects dates or numbers inside strings, which is what
			// these flags default to for numbers; dates are documented as unsupported.
		default:
			unsupported = append(unsupported, fmt.Sprintf("%s : %v", key, v))
		}
	}
	if len(unsupported) > 0 {
		return nil, wrapMappingError(ErrMapping("Root mapping definition has unsupported parameters:  [%s]", strings.Join(unsupported, "] [")))
	}
	m.Reindex()
	if err := validateJoin(m); err != nil {
		return nil, wrapMappingError(err)
	}
	return m, nil
}

// wrapMappingError adds the outer "Failed to parse mapping" Elasticsearch puts around
// every mapping problem found while creating an index.
func wrapMappingError(cause *wire.EsError) *wire.EsError {
	return ErrMapping("Failed to parse mapping [_doc]: %s", cause.Reason).Because(cause)
}

func parseDynamic(v any) (string, *wire.EsError) {
	switch d := v.(type) {
	case bool:
		if d {
			return dynamicTrue, nil
		}
		return DynamicFalse, nil
	case string:
		switch d {
		case dynamicTrue, DynamicFalse, DynamicStrict:
			return d, nil
		case "runtime":
			return "", ErrMapping("dynamic [runtime] is not supported by the embedded engine")
		}
	}
	return "", ErrMapping("Could not convert [dynamic] to boolean")
}

func parseProperties(raw any, parent string) (map[string]*FieldMapping, *wire.EsError) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, ErrMapping("Expected map for property [fields] on field [%s] but got a %T", parent, raw)
	}
	props := make(map[string]*FieldMapping, len(obj))
	for _, name := range SortedKeys(obj) {
		if name == "" {
			return nil, ErrMapping("field name cannot be an empty string")
		}
		if strings.Contains(name, ".") {
			return nil, ErrMapping("Field name [%s] cannot contain '.' in the embedded engine; use an object", name)
		}
		f, err := parseField(name, JoinPath(parent, name), obj[name], false)
		if err != nil {
			return nil, err
		}
		props[name] = f
	}
	return props, nil
}

// parseField parses one field definition. Parameters the engine does not model but that
// do not change matching (store, doc_values...) are accepted and echoed back; ones that
// would change matching in a way the engine cannot reproduce (normalizer, analyzer other
// than standard, copy_to...) are refused so results never silently differ.
func parseField(name, path string, raw any, multiField bool) (*FieldMapping, *wire.EsError) {
	def, ok := raw.(map[string]any)
	if !ok {
		return nil, ErrMapping("Expected map for property [fields] on field [%s] but got a %T", name, raw)
	}
	typ, _ := def["type"].(string)
	if typ == "" {
		if _, isObj := def["properties"]; isObj || !multiField {
			typ = TypeObject
		}
	}
	f := &FieldMapping{Name: name, Path: path, Typ: typ}
	switch typ {
	case TypeObject:
		if multiField {
			return nil, ErrMapping("Type [object] cannot be used in multi field")
		}
	case TypeKeyword, TypeText, TypeLong, TypeInteger, TypeShort, TypeByte, TypeDouble, TypeFloat, TypeHalfFloat, TypeBoolean:
	case TypeJoin:
		if multiField || strings.Contains(path, ".") {
			return nil, wire.ErrIllegalArgument("join field [%s] cannot be added inside an object or in a multi-field", path)
		}
		f.eagerGlobalOrdinals = true
	case "":
		return nil, ErrMapping("No type specified for field [%s]", name)
	default:
		return nil, ErrMapping("No handler for type [%s] declared on field [%s]", typ, name)
	}
	for _, key := range SortedKeys(def) {
		if key == "type" {
			continue
		}
		if err := f.setParam(key, def[key]); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// echoParams are accepted everywhere they make sense and do not change matching here.
var echoParams = map[string]bool{"store": true, "doc_values": true, "index": true, "meta": true, "boost": true, "norms": true, "similarity": false}

// store returns what keeps a parameter's parsed value in dst, or passes on why it
// could not be parsed, leaving dst as it was: `return store(&f.x)(parseX(v))`.
func store[T any](dst *T) func(T, *wire.EsError) *wire.EsError {
	return func(v T, err *wire.EsError) *wire.EsError {
		if err == nil {
			*dst = v
		}
		return err
	}
}

func (f *FieldMapping) setParam(key string, v any) *wire.EsError {
	unknown := func() *wire.EsError {
		return ErrMapping("unknown parameter [%s] on mapper [%s] of type [%s]", key, f.Name, f.Typ)
	}
	switch f.Typ {
	case TypeObject:
		switch key {
		case "properties":
			return store(&f.Properties)(parseProperties(v, f.Path))
		case "dynamic":
			return store(&f.dynamic)(parseDynamic(v))
		case "enabled":
			if b, ok := v.(bool); ok && !b {
				return ErrMapping("[enabled: false] objects are not supported by the embedded engine (field [%s])", f.Path)
			}
			return nil
		}
		return unknown()
	case TypeJoin:
		switch key {
		case "relations":
			return store(&f.relations)(parseRelations(v))
		case "eager_global_ordinals":
			b, ok := v.(bool)
			if !ok {
				return ErrMapping("Failed to parse value [%v] as only [true] or [false] are allowed.", v)
			}
			f.eagerGlobalOrdinals = b
			return nil
		case "meta":
			f.echoed = append(f.echoed, wire.OrderedField{Key: key, Value: v})
			return nil
		}
		return unknown()
	}
	switch key {
	case "fields":
		if f.Typ != TypeText && f.Typ != TypeKeyword && !f.IsNumeric() {
			return unknown()
		}
		subs, ok := v.(map[string]any)
		if !ok {
			return ErrMapping("Expected map for property [fields] on field [%s] but got a %T", f.Name, v)
		}
		for _, name := range SortedKeys(subs) {
			sub, err := parseField(name, f.Path+"."+name, subs[name], true)
			if err != nil {
				return err
			}
			f.MultiFields = append(f.MultiFields, sub)
		}
		return nil
	case "ignore_above":
		if f.Typ != TypeKeyword {
			return unknown()
		}
		n, ok := wire.AsInt(v)
		if !ok || n < 0 {
			return ErrMapping("[ignore_above] must be a positive integer")
		}
		f.IgnoreAbove = n
		return nil
	case "null_value":
		if f.Typ == TypeText {
			return unknown()
		}
		f.NullValue = v
		f.echoed = append(f.echoed, wire.OrderedField{Key: key, Value: v})
		return nil
	case "analyzer", "search_analyzer":
		if f.Typ != TypeText {
			return unknown()
		}
		if s, _ := v.(string); s != "standard" && s != "default" {
			return ErrMapping("analyzer [%v] has not been configured in mappings (the embedded engine only has [standard])", v)
		}
		f.echoed = append(f.echoed, wire.OrderedField{Key: key, Value: v})
		return nil
	case "coerce", "ignore_malformed":
		if !f.IsNumeric() {
			return unknown()
		}
		if b, ok := v.(bool); ok && b == (key == "coerce") {
			f.echoed = append(f.echoed, wire.OrderedField{Key: key, Value: v})
			return nil
		}
		return ErrMapping("[%s: %v] is not supported by the embedded engine (field [%s])", key, v, f.Path)
	case "eager_global_ordinals", "split_queries_on_whitespace", "position_increment_gap", "index_options":
		f.echoed = append(f.echoed, wire.OrderedField{Key: key, Value: v})
		return nil
	}
	if echoParams[key] {
		f.echoed = append(f.echoed, wire.OrderedField{Key: key, Value: v})
		return nil
	}
	switch key {
	case "normalizer", "copy_to", "fielddata", "similarity", "term_vector", "index_prefixes", "index_phrases", "scaling_factor", "script", "on_script_error":
		return ErrMapping("parameter [%s] on field [%s] is not supported by the embedded engine", key, f.Path)
	}
	return unknown()
}

func parseRelations(v any) ([]relation, *wire.EsError) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, ErrMapping("[relations] must be an object")
	}
	var rels []relation
	for _, parent := range SortedKeys(obj) {
		var children []string
		switch c := obj[parent].(type) {
		case string:
			children = []string{c}
		case []any:
			for _, x := range c {
				s, ok := x.(string)
				if !ok {
					return nil, ErrMapping("[relations] children of [%s] must be strings", parent)
				}
				children = append(children, s)
			}
		default:
			return nil, ErrMapping("[relations] children of [%s] must be a string or an array", parent)
		}
		slices.Sort(children)
		rels = append(rels, relation{parent: parent, children: slices.Compact(children)})
	}
	return rels, nil
}

func validateJoin(m *Mapping) *wire.EsError {
	var joins []string
	for p, f := range m.ByPath {
		if f.Typ == TypeJoin {
			joins = append(joins, p)
		}
	}
	if len(joins) > 1 {
		sort.Strings(joins)
		return wire.ErrIllegalArgument("Only one [parent-join] field can be defined per index, got [%s]", strings.Join(joins, ", "))
	}
	if m.Join == nil {
		return nil
	}
	seen := map[string]string{}
	for parent, children := range m.Join.Children {
		for _, c := range children {
			if other, dup := seen[c]; dup && other != parent {
				return wire.ErrIllegalArgument("[%s] cannot have multiple parents", c)
			}
			seen[c] = parent
		}
	}
	return nil
}
