package esengine

import (
	"github.com/RoaringBitmap/roaring/v2"
)

// termsQuery matches documents holding any of the values; constant score, as in
// Elasticsearch.
type termsQuery struct {
	field  string
	values []any
	boost  float64
}

func parseTerms(_ *queryParser, body any) (query, *esError) {
	q := &termsQuery{boost: 1}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *esError {
		switch v := v.(type) {
		case []any:
			if q.field != "" {
				return errParsing("[terms] query does not support multiple fields")
			}
			for _, e := range v {
				switch e.(type) {
				case map[string]any, []any, nil:
					return errParsing("[terms] query does not support [%s] values of type %s", k, tokenKind(e))
				}
			}
			q.field, q.values = k, v
		case map[string]any:
			return errParsing("[terms] query does not support terms lookup in the embedded search engine")
		default:
			return errUnsupportedParam("terms", k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if q.field == "" {
		return nil, errParsing("[terms] query requires a field with an array of values")
	}
	return q, nil
}

func (q *termsQuery) eval(c *evalContext, _ bool) (docSet, *esError) {
	sets := make([]*roaring.Bitmap, 0, len(q.values))
	for _, v := range q.values {
		d, err := c.termDocs(q.field, v, false, false)
		if err != nil {
			return docSet{}, err
		}
		sets = append(sets, d.docs)
	}
	return constantSet(roaring.FastOr(sets...), q.boost), nil
}

// errEmptyID is Elasticsearch's refusal of an empty _id in ids, term and terms: no
// document can have one.
func errEmptyID() *esError {
	return errQueryShard("failed to create query: Ids can't be empty")
}

// idsQuery matches documents by _id.
type idsQuery struct {
	ids   []string
	boost float64
}

func parseIDs(_ *queryParser, body any) (query, *esError) {
	q := &idsQuery{boost: 1}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *esError {
		switch k {
		case "values":
			list, isList := v.([]any)
			if !isList {
				list = []any{v}
			}
			for _, e := range list {
				s, ok := scalarText(e)
				if !ok {
					return errParsing("[ids] failed to parse field [values]")
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

func (q *idsQuery) eval(c *evalContext, _ bool) (docSet, *esError) {
	docs := roaring.New()
	for _, id := range q.ids {
		if id == "" {
			return docSet{}, errEmptyID()
		}
		if n, _, found := c.s.get(id); found {
			docs.Add(n)
		}
	}
	return constantSet(docs, q.boost), nil
}
