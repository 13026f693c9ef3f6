package esengine

import (
	"slices"
)

// merge applies a put-mapping update: new fields are added, existing fields keep
// their type (Elasticsearch refuses type changes), and dynamic may change.
func (m *mapping) merge(update *mapping) *esError {
	if update.root.dynamic != "" {
		m.root.dynamic = update.root.dynamic
	}
	if err := mergeProperties(m.root, update.root); err != nil {
		return err
	}
	m.reindex()
	return validateJoin(m)
}

func mergeProperties(into, from *fieldMapping) *esError {
	if into.properties == nil {
		into.properties = map[string]*fieldMapping{}
	}
	for _, name := range sortedKeys(from.properties) {
		nf := from.properties[name]
		old, exists := into.properties[name]
		if !exists {
			into.properties[name] = nf
			continue
		}
		if old.typ != nf.typ {
			return errIllegalArgument("mapper [%s] cannot be changed from type [%s] to [%s]", old.path, old.typ, nf.typ)
		}
		switch old.typ {
		case typeObject:
			if nf.dynamic != "" {
				old.dynamic = nf.dynamic
			}
			if err := mergeProperties(old, nf); err != nil {
				return err
			}
		case typeJoin:
			merged := map[string][]string{}
			for _, r := range old.relations {
				merged[r.parent] = r.children
			}
			for _, r := range nf.relations {
				merged[r.parent] = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(merged[r.parent]), r.children...))))
			}
			old.relations = old.relations[:0]
			for _, p := range sortedKeys(merged) {
				old.relations = append(old.relations, relation{parent: p, children: merged[p]})
			}
		default:
			old.ignoreAbove = nf.ignoreAbove
			old.nullValue = nf.nullValue
			old.echoed = nf.echoed
			for _, sub := range nf.multiFields {
				i := slices.IndexFunc(old.multiFields, func(s *fieldMapping) bool { return s.name == sub.name })
				switch {
				case i < 0:
					old.multiFields = append(old.multiFields, sub)
				case old.multiFields[i].typ != sub.typ:
					return errIllegalArgument("mapper [%s] cannot be changed from type [%s] to [%s]", sub.path, old.multiFields[i].typ, sub.typ)
				default:
					old.multiFields[i] = sub
				}
			}
		}
	}
	return nil
}
