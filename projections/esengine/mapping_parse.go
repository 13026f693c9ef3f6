package esengine

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// errMapping is a refused mapping definition, worded like Elasticsearch's.
func errMapping(format string, args ...any) *esError {
	return newError(http.StatusBadRequest, "mapper_parsing_exception", format, args...)
}

// parseMappings reads the "mappings" object of a create-index or put-mapping request
// into a fresh mapping tree (merging is done by the caller).
func parseMappings(raw any) (*mapping, *esError) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, errMapping("Failed to parse mapping: mappings must be an object")
	}
	m := newMapping()
	var unsupported []string
	for _, key := range sortedKeys(obj) {
		v := obj[key]
		switch key {
		case "properties":
			props, err := parseProperties(v, "")
			if err != nil {
				return nil, wrapMappingError(err)
			}
			m.root.properties = props
		case "dynamic":
			d, err := parseDynamic(v)
			if err != nil {
				return nil, wrapMappingError(err)
			}
			m.root.dynamic = d
		case "_routing":
			r, ok := v.(map[string]any)
			if !ok {
				return nil, wrapMappingError(errMapping("[_routing] must be an object"))
			}
			if req, ok := r["required"].(bool); ok {
				m.routingNeeded = req
			}
		case "_source":
			s, ok := v.(map[string]any)
			if !ok {
				return nil, wrapMappingError(errMapping("[_source] must be an object"))
			}
			if enabled, ok := s["enabled"].(bool); ok && !enabled {
				return nil, wrapMappingError(errMapping("[_source] cannot be disabled in the embedded engine: it serves every hit from _source"))
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
		return nil, wrapMappingError(errMapping("Root mapping definition has unsupported parameters:  [%s]", strings.Join(unsupported, "] [")))
	}
	m.reindex()
	if err := validateJoin(m); err != nil {
		return nil, wrapMappingError(err)
	}
	return m, nil
}

// wrapMappingError adds the outer "Failed to parse mapping" Elasticsearch puts around
// every mapping problem found while creating an index.
func wrapMappingError(cause *esError) *esError {
	return errMapping("Failed to parse mapping [_doc]: %s", cause.reason).because(cause)
}

func parseDynamic(v any) (string, *esError) {
	switch d := v.(type) {
	case bool:
		if d {
			return dynamicTrue, nil
		}
		return dynamicFalse, nil
	case string:
		switch d {
		case dynamicTrue, dynamicFalse, dynamicStrict:
			return d, nil
		case "runtime":
			return "", errMapping("dynamic [runtime] is not supported by the embedded engine")
		}
	}
	return "", errMapping("Could not convert [dynamic] to boolean")
}

func parseProperties(raw any, parent string) (map[string]*fieldMapping, *esError) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, errMapping("Expected map for property [fields] on field [%s] but got a %T", parent, raw)
	}
	props := make(map[string]*fieldMapping, len(obj))
	for _, name := range sortedKeys(obj) {
		if name == "" {
			return nil, errMapping("field name cannot be an empty string")
		}
		if strings.Contains(name, ".") {
			return nil, errMapping("Field name [%s] cannot contain '.' in the embedded engine; use an object", name)
		}
		f, err := parseField(name, joinPath(parent, name), obj[name], false)
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
func parseField(name, path string, raw any, multiField bool) (*fieldMapping, *esError) {
	def, ok := raw.(map[string]any)
	if !ok {
		return nil, errMapping("Expected map for property [fields] on field [%s] but got a %T", name, raw)
	}
	typ, _ := def["type"].(string)
	if typ == "" {
		if _, isObj := def["properties"]; isObj || !multiField {
			typ = typeObject
		}
	}
	f := &fieldMapping{name: name, path: path, typ: typ}
	switch typ {
	case typeObject:
		if multiField {
			return nil, errMapping("Type [object] cannot be used in multi field")
		}
	case typeKeyword, typeText, typeLong, typeInteger, typeShort, typeByte, typeDouble, typeFloat, typeHalfFloat, typeBoolean:
	case typeJoin:
		if multiField || strings.Contains(path, ".") {
			return nil, errIllegalArgument("join field [%s] cannot be added inside an object or in a multi-field", path)
		}
		f.eagerGlobalOrdinals = true
	case "":
		return nil, errMapping("No type specified for field [%s]", name)
	default:
		return nil, errMapping("No handler for type [%s] declared on field [%s]", typ, name)
	}
	for _, key := range sortedKeys(def) {
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

func (f *fieldMapping) setParam(key string, v any) *esError {
	unknown := func() *esError {
		return errMapping("unknown parameter [%s] on mapper [%s] of type [%s]", key, f.name, f.typ)
	}
	switch f.typ {
	case typeObject:
		switch key {
		case "properties":
			props, err := parseProperties(v, f.path)
			if err != nil {
				return err
			}
			f.properties = props
			return nil
		case "dynamic":
			d, err := parseDynamic(v)
			if err != nil {
				return err
			}
			f.dynamic = d
			return nil
		case "enabled":
			if b, ok := v.(bool); ok && !b {
				return errMapping("[enabled: false] objects are not supported by the embedded engine (field [%s])", f.path)
			}
			return nil
		}
		return unknown()
	case typeJoin:
		switch key {
		case "relations":
			rels, err := parseRelations(v)
			if err != nil {
				return err
			}
			f.relations = rels
			return nil
		case "eager_global_ordinals":
			b, ok := v.(bool)
			if !ok {
				return errMapping("Failed to parse value [%v] as only [true] or [false] are allowed.", v)
			}
			f.eagerGlobalOrdinals = b
			return nil
		case "meta":
			f.echoed = append(f.echoed, orderedField{key, v})
			return nil
		}
		return unknown()
	}
	switch key {
	case "fields":
		if f.typ != typeText && f.typ != typeKeyword && !f.isNumeric() {
			return unknown()
		}
		subs, ok := v.(map[string]any)
		if !ok {
			return errMapping("Expected map for property [fields] on field [%s] but got a %T", f.name, v)
		}
		for _, name := range sortedKeys(subs) {
			sub, err := parseField(name, f.path+"."+name, subs[name], true)
			if err != nil {
				return err
			}
			f.multiFields = append(f.multiFields, sub)
		}
		return nil
	case "ignore_above":
		if f.typ != typeKeyword {
			return unknown()
		}
		n, ok := asInt(v)
		if !ok || n < 0 {
			return errMapping("[ignore_above] must be a positive integer")
		}
		f.ignoreAbove = n
		return nil
	case "null_value":
		if f.typ == typeText {
			return unknown()
		}
		f.nullValue = v
		f.echoed = append(f.echoed, orderedField{key, v})
		return nil
	case "analyzer", "search_analyzer":
		if f.typ != typeText {
			return unknown()
		}
		if s, _ := v.(string); s != "standard" && s != "default" {
			return errMapping("analyzer [%v] has not been configured in mappings (the embedded engine only has [standard])", v)
		}
		f.echoed = append(f.echoed, orderedField{key, v})
		return nil
	case "coerce", "ignore_malformed":
		if !f.isNumeric() {
			return unknown()
		}
		if b, ok := v.(bool); ok && b == (key == "coerce") {
			f.echoed = append(f.echoed, orderedField{key, v})
			return nil
		}
		return errMapping("[%s: %v] is not supported by the embedded engine (field [%s])", key, v, f.path)
	case "eager_global_ordinals", "split_queries_on_whitespace", "position_increment_gap", "index_options":
		f.echoed = append(f.echoed, orderedField{key, v})
		return nil
	}
	if echoParams[key] {
		f.echoed = append(f.echoed, orderedField{key, v})
		return nil
	}
	switch key {
	case "normalizer", "copy_to", "fielddata", "similarity", "term_vector", "index_prefixes", "index_phrases", "scaling_factor", "script", "on_script_error":
		return errMapping("parameter [%s] on field [%s] is not supported by the embedded engine", key, f.path)
	}
	return unknown()
}

func parseRelations(v any) ([]relation, *esError) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errMapping("[relations] must be an object")
	}
	var rels []relation
	for _, parent := range sortedKeys(obj) {
		var children []string
		switch c := obj[parent].(type) {
		case string:
			children = []string{c}
		case []any:
			for _, x := range c {
				s, ok := x.(string)
				if !ok {
					return nil, errMapping("[relations] children of [%s] must be strings", parent)
				}
				children = append(children, s)
			}
		default:
			return nil, errMapping("[relations] children of [%s] must be a string or an array", parent)
		}
		slices.Sort(children)
		rels = append(rels, relation{parent: parent, children: slices.Compact(children)})
	}
	return rels, nil
}

func validateJoin(m *mapping) *esError {
	var joins []string
	for p, f := range m.byPath {
		if f.typ == typeJoin {
			joins = append(joins, p)
		}
	}
	if len(joins) > 1 {
		sort.Strings(joins)
		return errIllegalArgument("Only one [parent-join] field can be defined per index, got [%s]", strings.Join(joins, ", "))
	}
	if m.join == nil {
		return nil
	}
	seen := map[string]string{}
	for parent, children := range m.join.children {
		for _, c := range children {
			if other, dup := seen[c]; dup && other != parent {
				return errIllegalArgument("[%s] cannot have multiple parents", c)
			}
			seen[c] = parent
		}
	}
	return nil
}
