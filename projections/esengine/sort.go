package esengine

import (
	"cmp"
	"math"
	"net/http"
	"slices"
	"strings"
)

type sortKind int

const (
	sortByScore sortKind = iota
	sortByDoc
	sortByNumber  // floating point fields
	sortByInteger // integer fields, printed as longs
	sortByString  // keyword, join, _id
	sortByIndex   // _index: the concrete index's name
	sortBySeqNo   // _seq_no
	sortByVersion // _version
)

// sortField is a sortSpec resolved against one index's mapping.
type sortField struct {
	sortSpec
	kind         sortKind
	missingFirst bool
	missingNum   *float64
	missingStr   *string
	index        string // for sortByIndex
}

// sortKey is a document's value for one sortField.
type sortKey struct {
	num     float64
	str     string
	missing bool
}

func compileSort(c *evalContext, specs []sortSpec) ([]*sortField, *esError) {
	out := make([]*sortField, 0, len(specs))
	for _, spec := range specs {
		sf := &sortField{sortSpec: spec}
		switch {
		case spec.field == "_score":
			sf.kind = sortByScore
		case spec.field == "_doc":
			sf.kind = sortByDoc
		case spec.field == "_id" || joinFieldName(c.m.join, spec.field):
			sf.kind = sortByString
		default:
			kind, isMeta, err := metadataSortKind(spec.field)
			if err != nil {
				return nil, err
			}
			if isMeta {
				sf.kind, sf.index = kind, c.ix.name
				break
			}
			f := c.m.field(spec.field)
			switch {
			case f == nil && spec.unmappedType != "":
				if sf.kind, err = unmappedSortKind(spec.unmappedType); err != nil {
					return nil, err
				}
			case f == nil:
				return nil, errQueryShard("No mapping found for [%s] in order to sort on", spec.field)
			case f.typ == typeText:
				return nil, errTextSort(spec.field)
			case f.isIntegral() || f.typ == typeBoolean:
				sf.kind = sortByInteger
			case f.isNumeric():
				sf.kind = sortByNumber
			default:
				sf.kind = sortByString
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
			if n, isNum := asFloat(m); isNum && numeric {
				sf.missingNum = &n
			} else if s, isText := scalarText(m); numeric {
				// Elasticsearch parses the stand-in as the field's number type.
				return nil, newError(http.StatusBadRequest, "number_format_exception", "For input string: \"%s\"", s)
			} else if isText {
				sf.missingStr = &s
			}
		}
		out = append(out, sf)
	}
	return out, nil
}

// key computes doc's value for the field.
func (sf *sortField) key(d *storedDoc, doc uint32, score float64) sortKey {
	switch sf.kind {
	case sortByScore:
		return sortKey{num: float64(float32(score))}
	case sortByDoc:
		return sortKey{num: float64(doc)}
	case sortBySeqNo:
		return sortKey{num: float64(d.seqNo)}
	case sortByVersion:
		return sortKey{num: float64(d.version)}
	case sortByIndex:
		return sortKey{str: sf.index}
	case sortByNumber, sortByInteger:
		var values []float64
		for _, n := range d.numbers {
			if n.field == sf.field {
				values = append(values, n.value)
			}
		}
		if len(values) == 0 {
			return sf.missingNumber()
		}
		return sortKey{num: sf.reduce(values)}
	case sortByString:
		var values []string
		switch sf.field {
		case "_id":
			values = []string{d.id}
		default:
			for _, t := range d.terms {
				if t.field == sf.field {
					values = append(values, t.value)
				}
			}
		}
		if len(values) == 0 {
			if sf.missingStr != nil {
				return sortKey{str: *sf.missingStr}
			}
			return sortKey{missing: true}
		}
		if sf.desc && sf.mode != "min" || sf.mode == "max" {
			return sortKey{str: slices.Max(values)}
		}
		return sortKey{str: slices.Min(values)}
	}
	if sf.missingNum != nil {
		return sortKey{num: *sf.missingNum}
	}
	return sortKey{missing: true}
}

// missingNumber places documents without a value the way Lucene does: as +/-Infinity
// (Long.MAX/MIN for integers), so they sort last unless missing is _first.
func (sf *sortField) missingNumber() sortKey {
	if sf.missingNum != nil {
		return sortKey{num: *sf.missingNum}
	}
	last := !sf.missingFirst
	high := last != sf.desc // ascending & last, or descending & first
	if sf.kind == sortByInteger {
		if high {
			return sortKey{num: math.MaxInt64}
		}
		return sortKey{num: math.MinInt64}
	}
	if high {
		return sortKey{num: math.Inf(1)}
	}
	return sortKey{num: math.Inf(-1)}
}

func (sf *sortField) reduce(values []float64) float64 {
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
func (sf *sortField) compare(a, b sortKey) int {
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
	if sf.kind == sortByString || sf.kind == sortByIndex {
		r = strings.Compare(a.str, b.str)
	} else {
		r = cmp.Compare(a.num, b.num)
	}
	if sf.desc {
		return -r
	}
	return r
}

// output renders a key as Elasticsearch prints sort values.
func (sf *sortField) output(k sortKey) any {
	switch {
	case k.missing:
		return nil
	case sf.kind == sortByString, sf.kind == sortByIndex:
		return k.str
	case sf.kind == sortByScore:
		return score(k.num)
	case sf.kind == sortByDoc, sf.kind == sortByInteger, sf.kind == sortBySeqNo, sf.kind == sortByVersion:
		if k.num >= math.MaxInt64 {
			return int64(math.MaxInt64)
		}
		if k.num <= math.MinInt64 {
			return int64(math.MinInt64)
		}
		return int64(k.num)
	}
	return double(k.num)
}
