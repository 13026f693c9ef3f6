package esengine

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// termQuery matches documents whose field holds exactly value (not analyzed).
type termQuery struct {
	field           string
	value           any
	caseInsensitive bool
	boost           float64
}

func parseTerm(_ *queryParser, body any) (query, *esError) {
	field, spec, err := singleField("term", body)
	if err != nil {
		return nil, err
	}
	q := &termQuery{field: field, boost: 1}
	switch s := spec.(type) {
	case map[string]any:
		err = eachOption(s, &q.boost, func(k string, v any) *esError {
			switch k {
			case "value":
				q.value = v
			case "case_insensitive":
				b, isBool := asBool(v)
				if !isBool {
					return errParsing("[term] failed to parse [case_insensitive]")
				}
				q.caseInsensitive = b
			default:
				return errUnsupportedParam("term", k)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if q.value == nil {
			return nil, errIllegalArgument("value cannot be null")
		}
	case []any:
		return nil, errParsing("[term] query does not support array of values")
	case nil:
		return nil, errIllegalArgument("value cannot be null")
	default:
		q.value = spec
	}
	if _, isObj := q.value.(map[string]any); isObj {
		return nil, errParsing("[term] query does not support [value] as an object")
	}
	if _, isArr := q.value.([]any); isArr {
		return nil, errParsing("[term] query does not support array of values")
	}
	return q, nil
}

func (q *termQuery) eval(c *evalContext, scoring bool) (docSet, *esError) {
	d, err := c.termDocs(q.field, q.value, q.caseInsensitive, scoring)
	if err != nil {
		return docSet{}, err
	}
	return boosted(d, q.boost), nil
}

// termDocs is the lookup behind term, terms, match on non-text fields and ids: it maps a
// field and an unanalysed value onto the field's inverted index.
func (c *evalContext) termDocs(field string, value any, caseInsensitive, scoring bool) (docSet, *esError) {
	text, isScalar := scalarText(value)
	if !isScalar {
		return emptySet(), nil
	}
	switch field {
	case "_id":
		if text == "" {
			return docSet{}, errEmptyID()
		}
		if n, _, found := c.s.get(text); found {
			return constantSet(roaring.BitmapOf(n), 1), nil
		}
		return emptySet(), nil
	case "_index":
		if text == c.ix.name || slices.Contains(c.aliases, text) {
			return constantSet(c.s.live, 1), nil
		}
		return emptySet(), nil
	case "_routing":
		return c.keywordDocs(field, text, caseInsensitive, scoring), nil
	}
	if j := c.m.join; j != nil && (field == j.field || strings.HasPrefix(field, j.field+"#")) {
		return c.keywordDocs(field, text, caseInsensitive, scoring), nil
	}
	f := c.m.field(field)
	if f == nil {
		return emptySet(), nil
	}
	switch {
	case f.typ == typeKeyword:
		return c.keywordDocs(field, text, caseInsensitive, scoring), nil
	case f.typ == typeText:
		return c.tokenDocs(field, text, caseInsensitive, scoring), nil
	case f.typ == typeBoolean:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return docSet{}, errQueryShard("failed to create query: Can't parse boolean value [%s], expected [true] or [false]", text).
				because(errIllegalArgument("Can't parse boolean value [%s], expected [true] or [false]", text))
		}
		return c.keywordDocs(field, strconv.FormatBool(b), false, scoring), nil
	case f.isNumeric():
		if n, perr := strconv.ParseFloat(strings.TrimSpace(text), 64); perr == nil && !f.isIntegral() && (math.IsInf(n, 0) || math.IsNaN(n)) {
			return docSet{}, errQueryShard("failed to create query: [%s] supports only finite values, but got [%s]", f.typ, text)
		}
		n, err := c.numericValue(f, value)
		if err != nil {
			return docSet{}, err
		}
		if f.isIntegral() && n != math.Trunc(n) {
			return emptySet(), nil // a long never equals 2.5
		}
		if p := c.s.numbers[field]; p != nil {
			if docs := p.get(normalisedForField(f, n)); docs != nil {
				return constantSet(docs, 1), nil
			}
		}
		return emptySet(), nil
	}
	return emptySet(), nil
}

// normalisedForField rounds a query value the way values of the field were stored.
func normalisedForField(f *fieldMapping, n float64) float64 {
	if f.typ == typeFloat || f.typ == typeHalfFloat {
		return float64(float32(n))
	}
	return n
}

// numericValue parses a query value for a numeric field; a non-number is a shard failure
// worded like Java's NumberFormatException.
func (c *evalContext) numericValue(f *fieldMapping, v any) (float64, *esError) {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = strings.TrimSpace(x)
	case bool:
		text = strconv.FormatBool(x)
	default:
		text, _ = scalarText(v)
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(n) {
		return 0, errQueryShard("failed to create query: For input string: \"%s\"", text).
			because(newError(http.StatusBadRequest, "number_format_exception", "For input string: \"%s\"", text))
	}
	return n, nil
}

// keywordDocs looks a value up in a keyword-like field. Every match scores the same
// (keywords have no norms and one occurrence), so the result is constant.
func (c *evalContext) keywordDocs(field, value string, caseInsensitive, scoring bool) docSet {
	p := c.s.keywords[field]
	if p == nil {
		return emptySet()
	}
	var docs *roaring.Bitmap
	if caseInsensitive {
		var sets []*roaring.Bitmap
		for k, l := range p.byKey {
			if strings.EqualFold(k, value) {
				sets = append(sets, l.bitmap())
			}
		}
		docs = roaring.FastOr(sets...)
	} else {
		docs = p.get(value)
	}
	if docs == nil || docs.IsEmpty() {
		return emptySet()
	}
	if !scoring || caseInsensitive {
		return constantSet(docs, 1)
	}
	return constantSet(docs, keywordTermScore(c.docCount(field), docs.GetCardinality()))
}

func (c *evalContext) docCount(field string) uint64 {
	if bm := c.s.exists[field]; bm != nil {
		return bm.GetCardinality()
	}
	return 0
}

// tokenDocs looks a single token up in a text field, scoring with BM25.
func (c *evalContext) tokenDocs(field, token string, caseInsensitive, scoring bool) docSet {
	ti := c.s.texts[field]
	if ti == nil {
		return emptySet()
	}
	var docs *roaring.Bitmap
	if caseInsensitive {
		var sets []*roaring.Bitmap
		for k, bm := range ti.tokens {
			if strings.EqualFold(k, token) {
				sets = append(sets, bm)
			}
		}
		docs = roaring.FastOr(sets...)
	} else {
		docs = ti.tokens[token]
	}
	if docs == nil || docs.IsEmpty() {
		return emptySet()
	}
	if !scoring || caseInsensitive {
		return constantSet(docs, 1)
	}
	docCount := uint64(ti.docCount)
	idfValue := idf(docCount, docs.GetCardinality())
	avg := 1.0
	if docCount > 0 {
		avg = float64(ti.sumLength) / float64(docCount)
	}
	s := c.s
	return docSet{docs: docs, scoreFn: func(doc uint32) float64 {
		freq, length := docTokenStats(s.docs[doc], field, token)
		return textTermScore(idfValue, freq, length, avg)
	}}
}
