package esengine

// render produces the mapping as GET _mapping shows it.
func (m *mapping) render() orderedObject {
	o := orderedObject{}
	if m.routingNeeded {
		o = append(o, orderedField{"_routing", orderedObject{{"required", true}}})
	}
	if m.meta != nil {
		o = append(o, orderedField{"_meta", m.meta})
	}
	if m.root.dynamic != "" {
		o = append(o, orderedField{"dynamic", m.root.dynamic})
	}
	if len(m.root.properties) > 0 {
		o = append(o, orderedField{"properties", renderProperties(m.root.properties)})
	}
	return o
}

func renderProperties(props map[string]*fieldMapping) orderedObject {
	o := orderedObject{}
	for _, name := range sortedKeys(props) {
		o = append(o, orderedField{name, props[name].render()})
	}
	return o
}

func (f *fieldMapping) render() orderedObject {
	o := orderedObject{}
	if f.typ == typeObject {
		if f.dynamic != "" {
			o = append(o, orderedField{"dynamic", f.dynamic})
		}
		if len(f.properties) > 0 {
			o = append(o, orderedField{"properties", renderProperties(f.properties)})
		}
		return o
	}
	o = append(o, orderedField{"type", f.typ})
	switch f.typ {
	case typeJoin:
		o = append(o, orderedField{"eager_global_ordinals", f.eagerGlobalOrdinals})
		rels := orderedObject{}
		for _, r := range f.relations {
			if len(r.children) == 1 {
				rels = append(rels, orderedField{r.parent, r.children[0]})
			} else {
				rels = append(rels, orderedField{r.parent, r.children})
			}
		}
		o = append(o, orderedField{"relations", rels})
	}
	if len(f.multiFields) > 0 {
		subs := orderedObject{}
		for _, s := range f.multiFields {
			subs = append(subs, orderedField{s.name, s.render()})
		}
		o = append(o, orderedField{"fields", subs})
	}
	if f.ignoreAbove > 0 {
		o = append(o, orderedField{"ignore_above", f.ignoreAbove})
	}
	o = append(o, f.echoed...)
	return o
}
