package query

import (
	"cmp"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

type sortKind int

const (
	SortByScore sortKind = iota
	sortByDoc
	sortByNumber  // floating point fields
	sortByInteger // integer fields, printed as longs
	sortByString  // keyword, join, _id
	sortByIndex   // _index: the concrete index's name
	sortBySeqNo   // _seq_no
	sortByVersion // _version
)

// SortField is a sortSpec resolved against one index's mapping.
type SortField struct {
	SortSpec
	Kind         sortKind
	missingFirst bool
	missingNum   *float64
	missingStr   *string
	index        string // for sortByIndex
}

// SortKey is a document's value for one sortField.
type SortKey struct {
	num     float64
	str     string
	missing bool
}

func CompileSort(c *EvalContext, specs []SortSpec) ([]*SortField, *wire.EsError) {
	out := make([]*SortField, 0, len(specs))
	for _, spec := range specs {
		sf := &SortField{SortSpec: spec}
		switch {
		case spec.field == "_score":
			sf.Kind = SortByScore
		case spec.field == "_doc":
			sf.Kind = sortByDoc
		case spec.field == "_id" || mapping.JoinFieldName(c.M.Join, spec.field):
			sf.Kind = sortByString
		default:
			kind, isMeta, err := metadataSortKind(spec.field)
			if err != nil {
				return nil, err
			}
			if isMeta {
				sf.Kind, sf.index = kind, c.Ix.Name
				break
			}
			f := c.M.Field(spec.field)
			switch {
			case f == nil && spec.unmappedType != "":
				if sf.Kind, err = unmappedSortKind(spec.unmappedType); err != nil {
					return nil, err
				}
			case f == nil:
				return nil, wire.ErrQueryShard("No mapping found for [%s] in order to sort on", spec.field)
			case f.Typ == mapping.TypeText:
				return nil, errTextSort(spec.field)
			case f.IsIntegral() || f.Typ == mapping.TypeBoolean:
				sf.Kind = sortByInteger
			case f.IsNumeric():
				sf.Kind = sortByNumber
			default:
				sf.Kind = sortByString
			}
		}
		if err := checkSortMode(sf); err != nil {
			return nil, err
		}
		switch m := spec.missing; m {
		case nil, "_last":
		case "_first":
			sf.missingFirst = true
		default:
			numeric := sf.isNumeric()
			if n, isNum := wire.AsFloat(m); isNum && numeric {
				sf.missingNum = &n
			} else if s, isText := wire.ScalarText(m); numeric {
				// Elasticsearch parses the stand-in as the field's number type.
				return nil, wire.NewError(http.StatusBadRequest, "number_format_exception", "For input string: \"%s\"", s)
			} else if isText {
				sf.missingStr = &s
			}
		}
		out = append(out, sf)
	}
	return out, nil
}

// Key computes doc's value for the field.
func (sf *SortField) Key(d *index.StoredDoc, doc uint32, score float64) SortKey {
	switch sf.Kind {
	case SortByScore:
		return SortKey{num: float64(float32(score))}
	case sortByDoc:
		return SortKey{num: float64(doc)}
	case sortBySeqNo:
		return SortKey{num: float64(d.SeqNo)}
	case sortByVersion:
		return SortKey{num: float64(d.Version)}
	case sortByIndex:
		return SortKey{str: sf.index}
	case sortByNumber, sortByInteger:
		var buf [4]float64
		values := d.AppendNumbers(sf.field, buf[:0])
		if len(values) == 0 {
			return sf.missingNumber()
		}
		return SortKey{num: sf.reduce(values)}
	case sortByString:
		var buf [4]string
		values := buf[:0]
		switch sf.field {
		case "_id":
			values = append(values, d.Id)
		default:
			values = d.AppendTerms(sf.field, values)
		}
		if len(values) == 0 {
			if sf.missingStr != nil {
				return SortKey{str: *sf.missingStr}
			}
			return SortKey{missing: true}
		}
		if sf.desc && sf.mode != "min" || sf.mode == "max" {
			return SortKey{str: slices.Max(values)}
		}
		return SortKey{str: slices.Min(values)}
	}
	if sf.missingNum != nil {
		return SortKey{num: *sf.missingNum}
	}
	return SortKey{missing: true}
}

// missingNumber places documents without a value the way Lucene does: as +/-Infinity
// (Long.MAX/MIN for integers), so they sort last unless missing is _first.
func (sf *SortField) missingNumber() SortKey {
	if sf.missingNum != nil {
		return SortKey{num: *sf.missingNum}
	}
	last := !sf.missingFirst
	high := last != sf.desc // ascending & last, or descending & first
	if sf.Kind == sortByInteger {
		if high {
			return SortKey{num: math.MaxInt64}
		}
		return SortKey{num: math.MinInt64}
	}
	if high {
		return SortKey{num: math.Inf(1)}
	}
	return SortKey{num: math.Inf(-1)}
}

func (sf *SortField) reduce(values []float64) float64 {
	mode := sf.mode
	if mode == "" {
		mode = "min"
		if sf.desc {
			mode = "max"
		}
	}
	switch mode {
	case "max":
		return slices.Max(values)
	case "sum", "avg":
		s := 0.0
		for _, v := range values {
			s += v
		}
		if mode == "avg" {
			return s / float64(len(values))
		}
		return s
	case "median":
		sorted := slices.Sorted(slices.Values(values))
		mid := len(sorted) / 2
		if len(sorted)%2 == 1 {
			return sorted[mid]
		}
		return (sorted[mid-1] + sorted[mid]) / 2
	}
	return slices.Min(values)
}

// compare orders two keys of this field in the requested direction.
func (sf *SortField) compare(a, b SortKey) int {
	if a.missing || b.missing {
		if a.missing == b.missing {
			return 0
		}
		// Missing strings go last (or first) whatever the direction.
		aFirst := b.missing
		if sf.missingFirst {
			aFirst = a.missing
		}
		if aFirst {
			return -1
		}
		return 1
	}
	var r int
	if sf.Kind == sortByString || sf.Kind == sortByIndex {
		r = strings.Compare(a.str, b.str)
	} else {
		r = cmp.Compare(a.num, b.num)
	}
	if sf.desc {
		return -r
	}
	return r
}

// Output renders a key as Elasticsearch prints sort values.
func (sf *SortField) Output(k SortKey) any {
	switch {
	case k.missing:
		return nil
	case sf.Kind == sortByString, sf.Kind == sortByIndex:
		return k.str
	case sf.Kind == SortByScore:
		return wire.Score(k.num)
	case sf.Kind == sortByDoc, sf.Kind == sortByInteger, sf.Kind == sortBySeqNo, sf.Kind == sortByVersion:
		if k.num >= math.MaxInt64 {
			return int64(math.MaxInt64)
		}
		if k.num <= math.MinInt64 {
			return int64(math.MinInt64)
		}
		return int64(k.num)
	}
	return wire.Double(k.num)
}
