package esengine

import (
	"strings"
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

func parseMatch(_ *queryParser, body any) (query, *esError) {
	field, spec, err := singleField("match", body)
	if err != nil {
		return nil, err
	}
	q := &matchQuery{field: field, boost: 1}
	obj, long := spec.(map[string]any)
	if !long {
		if _, isArr := spec.([]any); isArr {
			return nil, errParsing("[match] unknown token [START_ARRAY] after [%s]", field)
		}
		q.text = spec
		return q, nil
	}
	err = eachOption(obj, &q.boost, func(k string, v any) *esError {
		switch k {
		case "query":
			q.text = v
		case "operator":
			s, _ := v.(string)
			switch strings.ToLower(s) {
			case "or":
			case "and":
				q.and = true
			default:
				return errIllegalArgument("No enum constant org.elasticsearch.index.query.Operator.%s", strings.ToUpper(s))
			}
		case "minimum_should_match":
			s, ok := scalarText(v)
			if !ok {
				return errParsing("[match] query does not support [%s]", k)
			}
			q.minimumShouldMatch = s
		case "zero_terms_query":
			s, _ := v.(string)
			switch strings.ToLower(s) {
			case "none":
			case "all":
				q.zeroTermsAll = true
			default:
				return errParsing("Unsupported zero_terms_query value [%s]", s)
			}
		case "analyzer":
			if s, _ := v.(string); s != "standard" && s != "default" {
				return errParsing("[match] analyzer [%v] is not supported by the embedded search engine", v)
			}
		case "lenient", "auto_generate_synonyms_phrase_query", "prefix_length", "max_expansions", "fuzzy_transpositions":
			// No effect without fuzziness or synonyms, which the engine does not have.
		case "fuzziness", "fuzzy_rewrite", "cutoff_frequency":
			return errParsing("[match] %s is not supported by the embedded search engine", k)
		default:
			return errUnsupportedParam("match", k)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if q.text == nil {
		return nil, errParsing("No text specified for text query")
	}
	return q, nil
}

func (q *matchQuery) eval(c *evalContext, scoring bool) (docSet, *esError) {
	f := c.m.field(q.field)
	if f == nil || f.typ != typeText {
		// Keyword, numeric, boolean, join and metadata fields are not analysed: match
		// is a term query on the whole value there.
		d, err := c.termDocs(q.field, q.text, false, scoring)
		if err != nil {
			return docSet{}, err
		}
		return boosted(d, q.boost), nil
	}
	text, _ := scalarText(q.text)
	tokens := analyze(text)
	if len(tokens) == 0 {
		if q.zeroTermsAll {
			return constantSet(c.s.live, q.boost), nil
		}
		return emptySet(), nil
	}
	clauses := make([]docSet, len(tokens))
	for i, tok := range tokens {
		clauses[i] = c.tokenDocs(q.field, tok, false, scoring)
	}
	if len(clauses) == 1 {
		// One token is a term query, which has no optional clauses for
		// minimum_should_match to count: Elasticsearch ignores it, even unparsable.
		return boosted(clauses[0], q.boost), nil
	}
	var d docSet
	if q.and {
		// The tokens are required clauses; minimum_should_match still applies, to no
		// optional clause, so any spec that asks for one or more matches nothing.
		if q.minimumShouldMatch != "" {
			n, err := minimumShouldMatch(0, q.minimumShouldMatch)
			if err != nil {
				return docSet{}, err
			}
			if n > 0 {
				return emptySet(), nil
			}
		}
		d = conjunction(clauses, c.s.live)
	} else {
		msm := 1
		if q.minimumShouldMatch != "" {
			n, err := minimumShouldMatch(len(clauses), q.minimumShouldMatch)
			if err != nil {
				return docSet{}, err
			}
			msm = max(n, 1)
		}
		d = disjunction(clauses, msm)
	}
	return boosted(d, q.boost), nil
}
