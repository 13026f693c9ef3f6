package query

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// termQuery matches documents whose field holds exactly value (not analyzed).
type termQuery struct {
	field           string
	value           any
	caseInsensitive bool
	boost           float64
}

func parseTerm(_ *queryParser, body any) (Query, *wire.EsError) {
	field, spec, err := singleField("term", body)
	if err != nil {
		return nil, err
	}
	q := &termQuery{field: field, boost: 1}
	switch s := spec.(type) {
	case map[string]any:
		err = eachOption(s, &q.boost, func(k string, v any) *wire.EsError {
			switch k {
			case "value":
				q.value = v
			case "case_insensitive":
				b, isBool := wire.AsBool(v)
				if !isBool {
					return wire.ErrParsing("[term] failed to parse [case_insensitive]")
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
			return nil, wire.ErrIllegalArgument("value cannot be null")
		}
	case []any:
		return nil, wire.ErrParsing("[term] query does not support array of values")
	case nil:
		return nil, wire.ErrIllegalArgument("value cannot be null")
	default:
		q.value = spec
	}
	if _, isObj := q.value.(map[string]any); isObj {
		return nil, wire.ErrParsing("[term] query does not support [value] as an object")
	}
	if _, isArr := q.value.([]any); isArr {
		return nil, wire.ErrParsing("[term] query does not support array of values")
	}
	return q, nil
}

func (q *termQuery) eval(c *EvalContext, scoring bool) (DocSet, *wire.EsError) {
	d, err := c.termDocs(q.field, q.value, q.caseInsensitive, scoring)
	if err != nil {
		return DocSet{}, err
	}
	return boosted(d, q.boost), nil
}

// termDocs is the lookup behind term, terms, match on non-text fields and ids: it maps a
// field and an unanalysed value onto the field's inverted index.
func (c *EvalContext) termDocs(field string, value any, caseInsensitive, scoring bool) (DocSet, *wire.EsError) {
	text, isScalar := wire.ScalarText(value)
	if !isScalar {
		return emptySet(), nil
	}
	switch field {
	case "_id":
		if text == "" {
			return DocSet{}, errEmptyID()
		}
		if n, _, found := c.S.Get(text); found {
			return constantSet(roaring.BitmapOf(n), 1), nil
		}
		return emptySet(), nil
	case "_index":
		if text == c.Ix.Name || slices.Contains(c.Aliases, text) {
			return constantSet(c.S.Live, 1), nil
		}
		return emptySet(), nil
	case "_routing":
		return c.keywordDocs(field, text, caseInsensitive, scoring), nil
	}
	if j := c.M.Join; j != nil && (field == j.Field || strings.HasPrefix(field, j.Field+"#")) {
		return c.keywordDocs(field, text, caseInsensitive, scoring), nil
	}
	f := c.M.Field(field)
	if f == nil {
		return emptySet(), nil
	}
	switch {
	case f.Typ == mapping.TypeKeyword:
		return c.keywordDocs(field, text, caseInsensitive, scoring), nil
	case f.Typ == mapping.TypeText:
		return c.tokenDocs(field, text, caseInsensitive, scoring), nil
	case f.Typ == mapping.TypeBoolean:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return DocSet{}, wire.ErrQueryShard("failed to create query: Can't parse boolean value [%s], expected [true] or [false]", text).
				Because(wire.ErrIllegalArgument("Can't parse boolean value [%s], expected [true] or [false]", text))
		}
		return c.keywordDocs(field, strconv.FormatBool(b), false, scoring), nil
	case f.IsNumeric():
		if n, perr := strconv.ParseFloat(strings.TrimSpace(text), 64); perr == nil && !f.IsIntegral() && (math.IsInf(n, 0) || math.IsNaN(n)) {
			return DocSet{}, wire.ErrQueryShard("failed to create query: [%s] supports only finite values, but got [%s]", f.Typ, text)
		}
		n, err := c.numericValue(f, value)
		if err != nil {
			return DocSet{}, err
		}
		if f.IsIntegral() && n != math.Trunc(n) {
			return emptySet(), nil // a long never equals 2.5
		}
		if p := c.S.Numbers[field]; p != nil {
			if docs := p.Get(normalisedForField(f, n)); docs != nil {
				return constantSet(docs, 1), nil
			}
		}
		return emptySet(), nil
	}
	return emptySet(), nil
}

// normalisedForField rounds a query value the way values of the field were stored.
func normalisedForField(f *mapping.FieldMapping, n float64) float64 {
	if f.Typ == mapping.TypeFloat || f.Typ == mapping.TypeHalfFloat {
		return float64(float32(n))
	}
	return n
}

// numericValue parses a query value for a numeric field; a non-number is a shard failure
// worded like Java's NumberFormatException.
func (c *EvalContext) numericValue(f *mapping.FieldMapping, v any) (float64, *wire.EsError) {
	// A number as written, a bool as its word, a string without the whitespace Java's
	// parser ignores; anything else is "".
	text, _ := wire.ScalarText(v)
	text = strings.TrimSpace(text)
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(n) {
		return 0, wire.ErrQueryShard("failed to create query: For input string: \"%s\"", text).
			Because(wire.NewError(http.StatusBadRequest, "number_format_exception", "For input string: \"%s\"", text))
	}
	return n, nil
}

// keywordDocs looks a value up in a keyword-like field. Every match scores the same
// (keywords have no norms and one occurrence), so the result is constant.
func (c *EvalContext) keywordDocs(field, value string, caseInsensitive, scoring bool) DocSet {
	p := c.S.Keywords[field]
	if p == nil {
		return emptySet()
	}
	docs := lookupDocs(value, caseInsensitive, p.Get, p.EachKey, p.ListBitmap)
	if docs == nil || docs.IsEmpty() {
		return emptySet()
	}
	if !scoring || caseInsensitive {
		return constantSet(docs, 1)
	}
	return constantSet(docs, keywordTermScore(c.docCount(field), docs.GetCardinality()))
}

// lookupDocs finds the documents of value among the keys of a field: get reads one
// key's documents (nil: none), each visits every key with its list, which docs reads.
// Ignoring case it is the union over every key that equals value but for case, as a
// case_insensitive term matches them. Nil: no document.
func lookupDocs[L any](value string, caseInsensitive bool, get func(string) *roaring.Bitmap, each func(func(string, L)), docs func(L) *roaring.Bitmap) *roaring.Bitmap {
	if !caseInsensitive {
		return get(value)
	}
	var sets []*roaring.Bitmap
	each(func(k string, l L) {
		if strings.EqualFold(k, value) {
			sets = append(sets, docs(l))
		}
	})
	return union(sets)
}

func (c *EvalContext) docCount(field string) uint64 {
	if bm := c.S.Exists[field]; bm != nil {
		return bm.GetCardinality()
	}
	return 0
}

// tokenDocs looks a single token up in a text field, scoring with BM25.
func (c *EvalContext) tokenDocs(field, token string, caseInsensitive, scoring bool) DocSet {
	ti := c.S.Texts[field]
	if ti == nil {
		return emptySet()
	}
	docs := lookupDocs(token, caseInsensitive,
		func(k string) *roaring.Bitmap { return ti.Tokens[k] },
		func(fn func(string, *roaring.Bitmap)) {
			for k, bm := range ti.Tokens {
				fn(k, bm)
			}
		},
		func(bm *roaring.Bitmap) *roaring.Bitmap { return bm })
	if docs == nil || docs.IsEmpty() {
		return emptySet()
	}
	if !scoring || caseInsensitive {
		return constantSet(docs, 1)
	}
	docCount := uint64(ti.DocCount)
	idfValue := idf(docCount, docs.GetCardinality())
	avg := 1.0
	if docCount > 0 {
		avg = float64(ti.SumLength) / float64(docCount)
	}
	s := c.S
	return DocSet{Docs: docs, ScoreFn: func(doc uint32) float64 {
		freq, length := docTokenStats(s.Docs[doc], field, token)
		return textTermScore(idfValue, freq, length, avg)
	}}
}
