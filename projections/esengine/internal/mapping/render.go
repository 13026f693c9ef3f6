package mapping

import "github.com/planstore/planstore/projections/esengine/internal/wire"

// Render produces the mapping as GET _mapping shows it.
func (m *Mapping) Render() wire.OrderedObject {
	o := wire.OrderedObject{}
	if m.RoutingNeeded {
		o = append(o, wire.OrderedField{Key: "_routing", Value: wire.OrderedObject{{Key: "required", Value: true}}})
	}
	if m.meta != nil {
		o = append(o, wire.OrderedField{Key: "_meta", Value: m.meta})
	}
	if m.Root.dynamic != "" {
		o = append(o, wire.OrderedField{Key: "dynamic", Value: m.Root.dynamic})
	}
	if len(m.Root.Properties) > 0 {
		o = append(o, wire.OrderedField{Key: "properties", Value: renderProperties(m.Root.Properties)})
	}
	return o
}

func renderProperties(props map[string]*FieldMapping) wire.OrderedObject {
	o := wire.OrderedObject{}
	for _, name := range SortedKeys(props) {
		o = append(o, wire.OrderedField{Key: name, Value: props[name].render()})
	}
	return o
}

func (f *FieldMapping) render() wire.OrderedObject {
	o := wire.OrderedObject{}
	if f.Typ == TypeObject {
		if f.dynamic != "" {
			o = append(o, wire.OrderedField{Key: "dynamic", Value: f.dynamic})
		}
		if len(f.Properties) > 0 {
			o = append(o, wire.OrderedField{Key: "properties", Value: renderProperties(f.Properties)})
		}
		return o
	}
	o = append(o, wire.OrderedField{Key: "type", Value: f.Typ})
	switch f.Typ {
	case TypeJoin:
		o = append(o, wire.OrderedField{Key: "eager_global_ordinals", Value: f.eagerGlobalOrdinals})
		rels := wire.OrderedObject{}
		for _, r := range f.relations {
			if len(r.children) == 1 {
				rels = append(rels, wire.OrderedField{Key: r.parent, Value: r.children[0]})
			} else {
				rels = append(rels, wire.OrderedField{Key: r.parent, Value: r.children})
			}
		}
		o = append(o, wire.OrderedField{Key: "relations", Value: rels})
	}
	if len(f.MultiFields) > 0 {
		subs := wire.OrderedObject{}
		for _, s := range f.MultiFields {
			subs = append(subs, wire.OrderedField{Key: s.Name, Value: s.render()})
		}
		o = append(o, wire.OrderedField{Key: "fields", Value: subs})
	}
	if f.IgnoreAbove > 0 {
		o = append(o, wire.OrderedField{Key: "ignore_above", Value: f.IgnoreAbove})
	}
	o = append(o, f.echoed...)
	return o
}
