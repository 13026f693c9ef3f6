package index

import (
	"encoding/json"
	"net/http"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

func (p *docParser) join(f *mapping.FieldMapping, v any) *wire.EsError {
	var name, parent string
	hasParent := false
	switch x := v.(type) {
	case string:
		name = x
	case map[string]any:
		for _, k := range mapping.SortedKeys(x) {
			switch k {
			case "name":
				s, ok := x[k].(string)
				if !ok {
					return wire.ErrMapperParsing(wire.ErrIllegalArgument("unknown field name [%s] in join field [%s]", k, f.Path))
				}
				name = s
			case "parent":
				s, ok := wire.ScalarText(x[k])
				if !ok {
					return wire.ErrMapperParsing(wire.ErrIllegalArgument("unknown field name [%s] in join field [%s]", k, f.Path))
				}
				parent, hasParent = s, true
			default:
				return wire.ErrMapperParsing(wire.ErrIllegalArgument("unknown field name [%s] in join field [%s]", k, f.Path))
			}
		}
	default:
		return wire.ErrMapperParsing(wire.NewError(http.StatusBadRequest, "illegal_state_exception", "[%s] expected START_OBJECT or VALUE_STRING but was: %s", f.Path, jsonTokenName(v)))
	}
	return p.joinValue(f, name, parent, hasParent)
}

// joinValue indexes a decoded join value: the relation name and, for a child, the
// parent's id.
func (p *docParser) joinValue(f *mapping.FieldMapping, name, parent string, hasParent bool) *wire.EsError {
	j := p.m.Join
	if name == "" {
		return wire.ErrMapperParsing(wire.ErrIllegalArgument("null join name in field [%s]", f.Path))
	}
	if !j.Known(name) {
		return wire.ErrMapperParsing(wire.ErrIllegalArgument("unknown join name [%s] for field [%s]", name, f.Path))
	}
	if p.doc.Join != nil {
		return wire.ErrMapperParsing(wire.ErrIllegalArgument("join field [%s] cannot have more than one value", f.Path))
	}
	dj := &docJoin{}
	if parentRel, isChild := j.ParentOf[name]; isChild {
		if !hasParent {
			return wire.ErrMapperParsing(wire.ErrIllegalArgument("[parent] is missing for join field [%s]", f.Path))
		}
		if !p.hasRouting {
			return wire.ErrMapperParsing(wire.ErrIllegalArgument("[routing] is missing for join field [%s]", f.Path))
		}
		p.term(j.ParentField(parentRel), parent)
		if p.store != nil {
			dj.Parent = p.store.keyOf(parent)
		}
		if dj.Parent == nil {
			dj.Parent = &joinKey{Id: parent} // the store makes the key when it adds the document
			p.placeholder = true
		}
	}
	if _, isParent := j.Children[name]; isParent {
		p.term(j.ParentField(name), p.id)
	}
	p.term(f.Path, name)
	p.doc.Join = dj
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
