package esengine

import (
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones are checked the same whether or not the host has tzdata

	"github.com/RoaringBitmap/roaring/v2"
)

// rangeQuery matches values between bounds, on numbers or (lexicographically) on
// keyword values; constant score.
type rangeQuery struct {
	field  string
	bounds map[string]any // gt, gte, lt, lte after normalising from/to
	boost  float64
}

func parseRange(_ *queryParser, body any) (query, *esError) {
	field, spec, err := singleField("range", body)
	if err != nil {
		return nil, err
	}
	obj, isObj := spec.(map[string]any)
	if !isObj {
		return nil, errParsing("[range] query does not support [%s]", field)
	}
	q := &rangeQuery{field: field, bounds: map[string]any{}, boost: 1}
	includeLower, includeUpper := true, true
	var from, to any
	err = eachOption(obj, &q.boost, func(k string, v any) *esError {
		switch k {
		case "gt", "gte", "lt", "lte":
			if v != nil {
				if _, bad := v.(map[string]any); bad {
					return errParsing("[range] query does not support [%s] as an object", k)
				}
				q.bounds[k] = v
			}
		case "from":
			from = v
		case "to":
			to = v
		case "include_lower", "include_upper":
			b, ok := asBool(v)
			if !ok {
				return errParsing("[range] failed to parse [%s]", k)
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

func (q *rangeQuery) eval(c *evalContext, _ bool) (docSet, *esError) {
	if len(q.bounds) == 0 {
		// Open on both sides (no bounds, or null ones): Elasticsearch rewrites the range
		// into an exists query on the field (RangeQueryBuilder.doToQuery), before any
		// field type could refuse ranges, so it matches on _id and _index too.
		return (&existsQuery{field: q.field, boost: q.boost}).eval(c, false)
	}
	if q.field == "_id" || q.field == "_index" {
		return docSet{}, errQueryShard("failed to create query: Field [%s] of type [%s] does not support range queries", q.field, q.field).
			because(newError(http.StatusBadRequest, "illegal_argument_exception", "Field [%s] of type [%s] does not support range queries", q.field, q.field))
	}
	lower, upper := q.bound("gt", "gte"), q.bound("lt", "lte")
	if f := c.m.field(q.field); f != nil && f.isNumeric() {
		lo, loEmpty, err := c.numericBound(f, lower, true)
		if err != nil {
			return docSet{}, err
		}
		hi, hiEmpty, err := c.numericBound(f, upper, false)
		if err != nil {
			return docSet{}, err
		}
		p := c.s.numbers[q.field]
		if p == nil || loEmpty || hiEmpty {
			return emptySet(), nil
		}
		return constantSet(p.between(lo, hi, len(c.s.docs)), q.boost), nil
	} else if f != nil && f.typ == typeText {
		return constantSet(c.tokenRange(q.field, stringBound(lower), stringBound(upper)), q.boost), nil
	}
	p := c.s.keywords[q.field]
	if p == nil {
		return emptySet(), nil
	}
	return constantSet(p.between(stringBound(lower), stringBound(upper), len(c.s.docs)), q.boost), nil
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
func (c *evalContext) numericBound(f *fieldMapping, b *rawBound, lower bool) (bnd bound[float64], empty bool, err *esError) {
	if b == nil {
		return bound[float64]{}, false, nil
	}
	n, err := c.numericValue(f, b.value)
	if err != nil {
		return bound[float64]{}, false, err
	}
	if math.IsInf(n, 0) {
		return bound[float64]{}, (n > 0) == lower, nil
	}
	return bound[float64]{value: normalisedForField(f, n), inclusive: b.inclusive, set: true}, false, nil
}

func stringBound(b *rawBound) bound[string] {
	if b == nil {
		return bound[string]{}
	}
	s, _ := scalarText(b.value)
	return bound[string]{value: s, inclusive: b.inclusive, set: true}
}

// tokenRange is a range over the tokens of a text field, as Lucene's TermRangeQuery.
func (c *evalContext) tokenRange(field string, lo, hi bound[string]) *roaring.Bitmap {
	ti := c.s.texts[field]
	if ti == nil {
		return roaring.New()
	}
	var sets []*roaring.Bitmap
	for tok, bm := range ti.tokens {
		if lo.set && (tok < lo.value || (!lo.inclusive && tok == lo.value)) {
			continue
		}
		if hi.set && (tok > hi.value || (!hi.inclusive && tok == hi.value)) {
			continue
		}
		sets = append(sets, bm)
	}
	return union(sets, len(c.s.docs))
}

// zoneOffset is the offset form of a time zone: Z, +01, -05:30, +0530.
var zoneOffset = regexp.MustCompile(`^(Z|[+-][0-9]{1,2}(:?[0-9]{2})?)$`)

// checkTimeZone refuses a time_zone Java's ZoneId would not parse.
func checkTimeZone(v any) *esError {
	s, _ := scalarText(v)
	if zoneOffset.MatchString(s) {
		return checkZoneOffset(s)
	}
	if s != "" && s != "Local" {
		if _, err := time.LoadLocation(s); err == nil {
			return nil
		}
	}
	return errIllegalArgument("java.time.zone.ZoneRulesException: Unknown time-zone ID: %s", s)
}

// checkZoneOffset refuses an offset Java's ZoneOffset.of refuses: hours beyond 18,
// minutes beyond 59, or past 18:00 in all.
func checkZoneOffset(s string) *esError {
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
		return errIllegalArgument("java.time.DateTimeException: Zone offset hours not in valid range: value %d is not in the range -18 to 18", sign*h)
	case m > 59:
		return errIllegalArgument("java.time.DateTimeException: Zone offset minutes not in valid range: value %d is not in the range -59 to 59", sign*m)
	case h == 18 && m > 0:
		return errIllegalArgument("java.time.DateTimeException: Zone offset not in valid range: -18:00 to +18:00")
	}
	return nil
}
