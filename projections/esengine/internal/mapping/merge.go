package mapping

import (
	"slices"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// Merge applies a put-mapping update: new fields are added, existing fields keep
// their type (Elasticsearch refuses type changes), and dynamic may change.
func (m *Mapping) Merge(update *Mapping) *wire.EsError {
	if update.Root.dynamic != "" {
		m.Root.dynamic = update.Root.dynamic
	}
	if err := mergeProperties(m.Root, update.Root); err != nil {
		return err
	}
	m.Reindex()
	return validateJoin(m)
}

func mergeProperties(into, from *FieldMapping) *wire.EsError {
	if into.Properties == nil {
		into.Properties = map[string]*FieldMapping{}
	}
	for _, name := range SortedKeys(from.Properties) {
		nf := from.Properties[name]
		old, exists := into.Properties[name]
		if !exists {
			into.Properties[name] = nf
			continue
		}
		if old.Typ != nf.Typ {
			return wire.ErrIllegalArgument("mapper [%s] cannot be changed from type [%s] to [%s]", old.Path, old.Typ, nf.Typ)
		}
		switch old.Typ {
		case TypeObject:
			if nf.dynamic != "" {
				old.dynamic = nf.dynamic
			}
			if err := mergeProperties(old, nf); err != nil {
				return err
			}
		case TypeJoin:
			merged := map[string][]string{}
			for _, r := range old.relations {
				merged[r.parent] = r.children
			}
			for _, r := range nf.relations {
				merged[r.parent] = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(merged[r.parent]), r.children...))))
			}
			old.relations = old.relations[:0]
			for _, p := range SortedKeys(merged) {
				old.relations = append(old.relations, relation{parent: p, children: merged[p]})
			}
		default:
			old.IgnoreAbove = nf.IgnoreAbove
			old.NullValue = nf.NullValue
			old.echoed = nf.echoed
			for _, sub := range nf.MultiFields {
				i := slices.IndexFunc(old.MultiFields, func(s *FieldMapping) bool { return s.Name == sub.Name })
				switch {
				case i < 0:
					old.MultiFields = append(old.MultiFields, sub)
				case old.MultiFields[i].Typ != sub.Typ:
					return wire.ErrIllegalArgument("mapper [%s] cannot be changed from type [%s] to [%s]", sub.Path, old.MultiFields[i].Typ, sub.Typ)
				default:
					old.MultiFields[i] = sub
				}
			}
		}
	}
	return nil
}
