package query

import (
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones are checked the same whether or not the host has tzdata

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/postings"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// rangeQuery matches values between bounds, on numbers or (lexicographically) on
// keyword values; constant score.
type rangeQuery struct {
	field  string
	bounds map[string]any // gt, gte, lt, lte after normalising from/to
	boost  float64
}

func parseRange(_ *queryParser, body any) (Query, *wire.EsError) {
	field, spec, err := singleField("range", body)
	if err != nil {
		return nil, err
	}
	obj, isObj := spec.(map[string]any)
	if !isObj {
		return nil, wire.ErrParsing("[range] query does not support [%s]", field)
	}
	q := &rangeQuery{field: field, bounds: map[string]any{}, boost: 1}
	includeLower, includeUpper := true, true
	var from, to any
	err = eachOption(obj, &q.boost, func(k string, v any) *wire.EsError {
		switch k {
		case "gt", "gte", "lt", "lte":
			if v != nil {
				if _, bad := v.(map[string]any); bad {
					return wire.ErrParsing("[range] query does not support [%s] as an object", k)
				}
				q.bounds[k] = v
			}
		case "from":
			from = v
		case "to":
			to = v
		case "include_lower", "include_upper":
			b, ok := wire.AsBool(v)
			if !ok {
				return wire.ErrParsing("[range] failed to parse [%s]", k)
			}
			if k == "include_lower" {
				includeLower = b
			} else {
				includeUpper = b
			}
		case "time_zone":
			// Only meaningful for dates, which the engine does not index; an unknown
			// zone is still refused, as Elasticsearch refuses it.
			return checkTimeZone(v)
		case "relation", "format":
			// Only meaningful for dates and ranges, which the engine does not index.
		default:
			return errUnsupportedParam("range", k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if from != nil {
		if includeLower {
			q.bounds["gte"] = from
		} else {
			q.bounds["gt"] = from
		}
	}
	if to != nil {
		if includeUpper {
			q.bounds["lte"] = to
		} else {
			q.bounds["lt"] = to
		}
	}
	return q, nil
}

func (q *rangeQuery) eval(c *EvalContext, _ bool) (DocSet, *wire.EsError) {
	if len(q.bounds) == 0 {
		// Open on both sides (no bounds, or null ones): Elasticsearch rewrites the range
		// into an exists query on the field (RangeQueryBuilder.doToQuery), before any
		// field type could refuse ranges, so it matches on _id and _index too.
		return (&existsQuery{field: q.field, boost: q.boost}).eval(c, false)
	}
	if q.field == "_id" || q.field == "_index" {
		return DocSet{}, wire.ErrQueryShard("failed to create query: Field [%s] of type [%s] does not support range queries", q.field, q.field).
			Because(wire.NewError(http.StatusBadRequest, "illegal_argument_exception", "Field [%s] of type [%s] does not support range queries", q.field, q.field))
	}
	lower, upper := q.bound("gt", "gte"), q.bound("lt", "lte")
	if f := c.M.Field(q.field); f != nil && f.IsNumeric() {
		lo, loEmpty, err := c.numericBound(f, lower, true)
		if err != nil {
			return DocSet{}, err
		}
		hi, hiEmpty, err := c.numericBound(f, upper, false)
		if err != nil {
			return DocSet{}, err
		}
		p := c.S.Numbers[q.field]
		if p == nil || loEmpty || hiEmpty {
			return emptySet(), nil
		}
		return constantSet(p.Between(lo, hi, len(c.S.Docs), c.Scratch), q.boost), nil
	} else if f != nil && f.Typ == mapping.TypeText {
		return constantSet(c.tokenRange(q.field, stringBound(lower), stringBound(upper)), q.boost), nil
	}
	p := c.S.Keywords[q.field]
	if p == nil {
		return emptySet(), nil
	}
	return constantSet(p.Between(stringBound(lower), stringBound(upper), len(c.S.Docs), c.Scratch), q.boost), nil
}

// rawBound is one end of a range as written in the query.
type rawBound struct {
	value     any
	inclusive bool
}

func (q *rangeQuery) bound(exclusive, inclusive string) *rawBound {
	if v, ok := q.bounds[inclusive]; ok {
		return &rawBound{value: v, inclusive: true}
	}
	if v, ok := q.bounds[exclusive]; ok {
		return &rawBound{value: v}
	}
	return nil
}

// numericBound reads a lower or upper bound. An infinite bound on the outside (a lower
// -Infinity) leaves the range open; on the inside (a lower +Infinity) no finite value
// passes it, and empty reports that the range matches nothing, as in Elasticsearch.
func (c *EvalContext) numericBound(f *mapping.FieldMapping, b *rawBound, lower bool) (bnd postings.Bound[float64], empty bool, err *wire.EsError) {
	if b == nil {
		return postings.Bound[float64]{}, false, nil
	}
	n, err := c.numericValue(f, b.value)
	if err != nil {
		return postings.Bound[float64]{}, false, err
	}
	if math.IsInf(n, 0) {
		return postings.Bound[float64]{}, (n > 0) == lower, nil
	}
	return postings.Bound[float64]{Value: normalisedForField(f, n), Inclusive: b.inclusive, Set: true}, false, nil
}

func stringBound(b *rawBound) postings.Bound[string] {
	if b == nil {
		return postings.Bound[string]{}
	}
	s, _ := wire.ScalarText(b.value)
	return postings.Bound[string]{Value: s, Inclusive: b.inclusive, Set: true}
}

// tokenRange is a range over the tokens of a text field, as Lucene's TermRangeQuery.
func (c *EvalContext) tokenRange(field string, lo, hi postings.Bound[string]) *roaring.Bitmap {
	ti := c.S.Texts[field]
	if ti == nil {
		return roaring.New()
	}
	var sets []*roaring.Bitmap
	for tok, bm := range ti.Tokens {
		if lo.Set && (tok < lo.Value || (!lo.Inclusive && tok == lo.Value)) {
			continue
		}
		if hi.Set && (tok > hi.Value || (!hi.Inclusive && tok == hi.Value)) {
			continue
		}
		sets = append(sets, bm)
	}
	return postings.Union(sets, len(c.S.Docs), c.Scratch)
}

// zoneOffset is the offset form of a time zone: Z, +01, -05:30, +0530.
var zoneOffset = regexp.MustCompile(`^(Z|[+-][0-9]{1,2}(:?[0-9]{2})?)$`)

// checkTimeZone refuses a time_zone Java's ZoneId would not parse.
func checkTimeZone(v any) *wire.EsError {
	s, _ := wire.ScalarText(v)
	if zoneOffset.MatchString(s) {
		return checkZoneOffset(s)
	}
	if s != "" && s != "Local" {
		if _, err := time.LoadLocation(s); err == nil {
			return nil
		}
	}
	return wire.ErrIllegalArgument("java.time.zone.ZoneRulesException: Unknown time-zone ID: %s", s)
}

// checkZoneOffset refuses an offset Java's ZoneOffset.of refuses: hours beyond 18,
// minutes beyond 59, or past 18:00 in all.
func checkZoneOffset(s string) *wire.EsError {
	if s == "Z" {
		return nil
	}
	digits := strings.ReplaceAll(s[1:], ":", "")
	hours, minutes := digits, "0"
	if len(digits) > 2 {
		hours, minutes = digits[:len(digits)-2], digits[len(digits)-2:]
	}
	h, _ := strconv.Atoi(hours)
	m, _ := strconv.Atoi(minutes)
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	switch {
	case h > 18:
		return wire.ErrIllegalArgument("java.time.DateTimeException: Zone offset hours not in valid range: value %d is not in the range -18 to 18", sign*h)
	case m > 59:
		return wire.ErrIllegalArgument("java.time.DateTimeException: Zone offset minutes not in valid range: value %d is not in the range -59 to 59", sign*m)
	case h == 18 && m > 0:
		return wire.ErrIllegalArgument("java.time.DateTimeException: Zone offset not in valid range: -18:00 to +18:00")
	}
	return nil
}
