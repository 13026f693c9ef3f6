package query

import (
	"strings"

	"github.com/planstore/planstore/internal/commalist"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// SortSpec is one sort criterion as the request gives it.
type SortSpec struct {
	field        string
	desc         bool
	missing      any // "_last" (default), "_first" or a value standing in for missing
	mode         string
	unmappedType string
}

func (s SortSpec) IsScore() bool { return s.field == "_score" }

// ParseSort reads the body's sort: a string, an object or an array of them.
func ParseSort(v any) ([]SortSpec, *wire.EsError) {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	default:
		items = []any{x}
	}
	var out []SortSpec
	for _, item := range items {
		switch x := item.(type) {
		case string:
			out = append(out, defaultSort(x))
		case map[string]any:
			for _, field := range mapping.SortedKeys(x) {
				spec, err := parseSortObject(field, x[field])
				if err != nil {
					return nil, err
				}
				out = append(out, spec)
			}
		default:
			return nil, wire.ErrParsing("[sort] unexpected token %s", wire.TokenKind(item))
		}
	}
	return out, nil
}

func defaultSort(field string) SortSpec {
	return SortSpec{field: field, desc: field == "_score"}
}

func parseSortObject(field string, v any) (SortSpec, *wire.EsError) {
	spec := defaultSort(field)
	switch x := v.(type) {
	case string:
		desc, err := parseOrder(x)
		if err != nil {
			return spec, err
		}
		spec.desc = desc
	case map[string]any:
		for _, k := range mapping.SortedKeys(x) {
			val := x[k]
			if field == "_score" && k != "order" {
				// Elasticsearch's score sort parser knows only order; missing, mode and
				// the other field sort options are refused while parsing.
				return spec, wire.ErrXContentParse("[_score] unknown field [%s]", k)
			}
			switch k {
			case "order":
				s, _ := val.(string)
				desc, err := parseOrder(s)
				if err != nil {
					return spec, err
				}
				spec.desc = desc
			case "missing":
				spec.missing = val
			case "mode":
				s, _ := val.(string)
				switch s {
				case "min", "max", "sum", "avg", "median":
					spec.mode = s
				default:
					return spec, wire.ErrIllegalArgument("Unknown SortMode [%s]", s)
				}
			case "unmapped_type":
				spec.unmappedType, _ = val.(string)
			case "numeric_type", "format":
			default:
				return spec, wire.ErrParsing("[field_sort] unknown field [%s]", k)
			}
		}
	default:
		return spec, wire.ErrParsing("[sort] unexpected token %s for [%s]", wire.TokenKind(v), field)
	}
	return spec, nil
}

func parseOrder(s string) (bool, *wire.EsError) {
	desc, _, ok := eitherWord(s, "asc", "desc")
	if !ok {
		return false, wire.ErrIllegalArgument("Unknown SortOrder [%s]", s)
	}
	return desc, nil
}

// ParseSortParam reads the sort query parameter: "field", "field:asc", comma-separated.
func ParseSortParam(v string) ([]SortSpec, *wire.EsError) {
	var out []SortSpec
	for _, part := range commalist.Split(v) {
		field, order, hasOrder := strings.Cut(part, ":")
		spec := defaultSort(field)
		if hasOrder {
			desc, err := parseOrder(order)
			if err != nil {
				return nil, err
			}
			spec.desc = desc
		}
		out = append(out, spec)
	}
	return out, nil
}

// SortedByScoreOnly reports whether specs is Elasticsearch's default order, which it
// treats as "no sort": hits then carry scores and no sort values.
func SortedByScoreOnly(specs []SortSpec) bool {
	return len(specs) == 0 || (len(specs) == 1 && specs[0].IsScore() && specs[0].desc)
}
