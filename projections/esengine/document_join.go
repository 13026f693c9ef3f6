package esengine

import (
	"encoding/json"
	"net/http"
)

func (p *docParser) join(f *fieldMapping, v any) *esError {
	var name, parent string
	hasParent := false
	switch x := v.(type) {
	case string:
		name = x
	case map[string]any:
		for _, k := range sortedKeys(x) {
			switch k {
			case "name":
				s, ok := x[k].(string)
				if !ok {
					return errMapperParsing(errIllegalArgument("unknown field name [%s] in join field [%s]", k, f.path))
				}
				name = s
			case "parent":
				s, ok := scalarText(x[k])
				if !ok {
					return errMapperParsing(errIllegalArgument("unknown field name [%s] in join field [%s]", k, f.path))
				}
				parent, hasParent = s, true
			default:
				return errMapperParsing(errIllegalArgument("unknown field name [%s] in join field [%s]", k, f.path))
			}
		}
	default:
		return errMapperParsing(newError(http.StatusBadRequest, "illegal_state_exception", "[%s] expected START_OBJECT or VALUE_STRING but was: %s", f.path, jsonTokenName(v)))
	}
	return p.joinValue(f, name, parent, hasParent)
}

// joinValue indexes a decoded join value: the relation name and, for a child, the
// parent's id.
func (p *docParser) joinValue(f *fieldMapping, name, parent string, hasParent bool) *esError {
	j := p.m.join
	if name == "" {
		return errMapperParsing(errIllegalArgument("null join name in field [%s]", f.path))
	}
	if !j.known(name) {
		return errMapperParsing(errIllegalArgument("unknown join name [%s] for field [%s]", name, f.path))
	}
	if p.doc.join != nil {
		return errMapperParsing(errIllegalArgument("join field [%s] cannot have more than one value", f.path))
	}
	dj := &docJoin{relation: name}
	if parentRel, isChild := j.parentOf[name]; isChild {
		if !hasParent {
			return errMapperParsing(errIllegalArgument("[parent] is missing for join field [%s]", f.path))
		}
		if !p.hasRouting {
			return errMapperParsing(errIllegalArgument("[routing] is missing for join field [%s]", f.path))
		}
		p.term(j.parentField(parentRel), parent)
		if dj.parent = p.joinKeys[parent]; dj.parent == nil {
			dj.parent = &joinKey{id: parent} // the store makes the key when it adds the document
		}
	}
	if _, isParent := j.children[name]; isParent {
		p.term(j.parentField(name), p.id)
	}
	p.term(f.path, name)
	p.doc.join = dj
	return nil
}

func jsonTokenName(v any) string {
	switch v.(type) {
	case json.Number:
		return "VALUE_NUMBER"
	case bool:
		return "VALUE_BOOLEAN"
	case []any:
		return "START_ARRAY"
	}
	return "VALUE_NULL"
}
