package query

import (
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// matchQuery is a full-text match: on a text field the query string is analysed and its
// tokens combined with OR (or AND); on other fields it is a term query on the whole value.
type matchQuery struct {
	field              string
	text               any
	and                bool
	minimumShouldMatch string
	zeroTermsAll       bool
	boost              float64
}

func parseMatch(_ *queryParser, body any) (Query, *wire.EsError) {
	field, spec, err := singleField("match", body)
	if err != nil {
		return nil, err
	}
	q := &matchQuery{field: field, boost: 1}
	obj, long := spec.(map[string]any)
	if !long {
		if _, isArr := spec.([]any); isArr {
			return nil, wire.ErrParsing("[match] unknown token [START_ARRAY] after [%s]", field)
		}
		q.text = spec
		return q, nil
	}
	err = eachOption(obj, &q.boost, func(k string, v any) *wire.EsError {
		switch k {
		case "query":
			q.text = v
		case "operator":
			and, s, ok := eitherWord(v, "or", "and")
			if !ok {
				return wire.ErrIllegalArgument("No enum constant org.elasticsearch.index.query.Operator.%s", strings.ToUpper(s))
			}
			q.and = and
		case "minimum_should_match":
			s, ok := wire.ScalarText(v)
			if !ok {
				return wire.ErrParsing("[match] query does not support [%s]", k)
			}
			q.minimumShouldMatch = s
		case "zero_terms_query":
			all, s, ok := eitherWord(v, "none", "all")
			if !ok {
				return wire.ErrParsing("Unsupported zero_terms_query value [%s]", s)
			}
			q.zeroTermsAll = all
		case "analyzer":
			if s, _ := v.(string); s != "standard" && s != "default" {
				return wire.ErrParsing("[match] analyzer [%v] is not supported by the embedded search engine", v)
			}
		case "lenient", "auto_generate_synonyms_phrase_query", "prefix_length", "max_expansions", "fuzzy_transpositions":
			// No effect without fuzziness or synonyms, which the engine does not have.
		case "fuzziness", "fuzzy_rewrite", "cutoff_frequency":
			return wire.ErrParsing("[match] %s is not supported by the embedded search engine", k)
		default:
			return errUnsupportedParam("match", k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if q.text == nil {
		return nil, wire.ErrParsing("No text specified for text query")
	}
	return q, nil
}

func (q *matchQuery) eval(c *EvalContext, scoring bool) (DocSet, *wire.EsError) {
	f := c.M.Field(q.field)
	if f == nil || f.Typ != mapping.TypeText {
		// Keyword, numeric, boolean, join and metadata fields are not analysed: match
		// is a term query on the whole value there.
		d, err := c.termDocs(q.field, q.text, false, scoring)
		if err != nil {
			return DocSet{}, err
		}
		return boosted(d, q.boost), nil
	}
	text, _ := wire.ScalarText(q.text)
	tokens := mapping.Analyze(text)
	if len(tokens) == 0 {
		if q.zeroTermsAll {
			return constantSet(c.S.Live, q.boost), nil
		}
		return emptySet(), nil
	}
	clauses := make([]DocSet, len(tokens))
	for i, tok := range tokens {
		clauses[i] = c.tokenDocs(q.field, tok, false, scoring)
	}
	if len(clauses) == 1 {
		// One token is a term query, which has no optional clauses for
		// minimum_should_match to count: Elasticsearch ignores it, even unparsable.
		return boosted(clauses[0], q.boost), nil
	}
	var d DocSet
	if q.and {
		// The tokens are required clauses; minimum_should_match still applies, to no
		// optional clause, so any spec that asks for one or more matches nothing.
		if q.minimumShouldMatch != "" {
			n, err := MinimumShouldMatch(0, q.minimumShouldMatch)
			if err != nil {
				return DocSet{}, err
			}
			if n > 0 {
				return emptySet(), nil
			}
		}
		d = conjunction(clauses, c.S.Live)
	} else {
		msm := 1
		if q.minimumShouldMatch != "" {
			n, err := MinimumShouldMatch(len(clauses), q.minimumShouldMatch)
			if err != nil {
				return DocSet{}, err
			}
			msm = max(n, 1)
		}
		d = disjunction(clauses, msm)
	}
	return boosted(d, q.boost), nil
}

// eitherWord reads an option that is one of two words, in any case, as Elasticsearch's
// enums are: whether it is the second, the text read (for the error) and whether it
// was either.
func eitherWord(v any, first, second string) (isSecond bool, text string, ok bool) {
	text, _ = v.(string)
	switch strings.ToLower(text) {
	case first:
		return false, text, true
	case second:
		return true, text, true
	}
	return false, text, false
}
