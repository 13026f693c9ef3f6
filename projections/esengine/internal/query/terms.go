package query

import (
	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// termsQuery matches documents holding any of the values; constant score, as in
// Elasticsearch.
type termsQuery struct {
	field  string
	values []any
	boost  float64
}

func parseTerms(_ *queryParser, body any) (Query, *wire.EsError) {
	q := &termsQuery{boost: 1}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *wire.EsError {
		switch v := v.(type) {
		case []any:
			if q.field != "" {
				return wire.ErrParsing("[terms] query does not support multiple fields")
			}
			for _, e := range v {
				switch e.(type) {
				case map[string]any, []any, nil:
					return wire.ErrParsing("[terms] query does not support [%s] values of type %s", k, wire.TokenKind(e))
				}
			}
			q.field, q.values = k, v
		case map[string]any:
			return wire.ErrParsing("[terms] query does not support terms lookup in the embedded search engine")
		default:
			return errUnsupportedParam("terms", k)
		}
		return nil
	})
	return namingField(q, q.field, err, "[terms] query requires a field with an array of values")
}

func (q *termsQuery) eval(c *EvalContext, _ bool) (DocSet, *wire.EsError) {
	sets := make([]*roaring.Bitmap, 0, len(q.values))
	for _, v := range q.values {
		d, err := c.termDocs(q.field, v, false, false)
		if err != nil {
			return DocSet{}, err
		}
		sets = append(sets, d.Docs)
	}
	return constantSet(union(sets), q.boost), nil
}

// errEmptyID is Elasticsearch's refusal of an empty _id in ids, term and terms: no
// document can have one.
func errEmptyID() *wire.EsError {
	return wire.ErrQueryShard("failed to create query: Ids can't be empty")
}

// idsQuery matches documents by _id.
type idsQuery struct {
	ids   []string
	boost float64
}

func parseIDs(_ *queryParser, body any) (Query, *wire.EsError) {
	q := &idsQuery{boost: 1}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *wire.EsError {
		switch k {
		case "values":
			list, isList := v.([]any)
			if !isList {
				list = []any{v}
			}
			for _, e := range list {
				s, ok := wire.ScalarText(e)
				if !ok {
					return wire.ErrParsing("[ids] failed to parse field [values]")
				}
				q.ids = append(q.ids, s)
			}
		case "type", "types":
			// Mapping types are gone; Elasticsearch 7 still accepts and ignores them.
		default:
			return errUnsupportedParam("ids", k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

func (q *idsQuery) eval(c *EvalContext, _ bool) (DocSet, *wire.EsError) {
	docs := roaring.New()
	for _, id := range q.ids {
		if id == "" {
			return DocSet{}, errEmptyID()
		}
		if n, _, found := c.S.Get(id); found {
			docs.Add(n)
		}
	}
	return constantSet(docs, q.boost), nil
}
