package query

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// boolQuery combines clauses: must (scored, required), filter (required, not scored),
// should (optional, scored; at least minimum_should_match of them), must_not (excluded).
type boolQuery struct {
	must, filter, should, mustNot []Query
	minimumShouldMatch            string
	boost                         float64
}

func parseBool(p *queryParser, body any) (Query, *wire.EsError) {
	q := &boolQuery{boost: 1}
	namedFrom, namedBlocks := len(p.named), map[string][][2]int{}
	err := eachOption(body.(map[string]any), &q.boost, func(k string, v any) *wire.EsError {
		var target *[]Query
		switch k {
		case "must":
			target = &q.must
		case "filter":
			target = &q.filter
		case "should":
			target = &q.should
		case "must_not", "mustNot":
			target = &q.mustNot
		case "minimum_should_match":
			s, ok := wire.ScalarText(v)
			if !ok {
				return wire.ErrXContentParse("[bool] failed to parse field [minimum_should_match]")
			}
			q.minimumShouldMatch = s
			return nil
		case "adjust_pure_negative":
			return nil
		default:
			return wire.ErrXContentParse("[bool] unknown field [%s]", k)
		}
		start := len(p.named)
		clauses, err := parseClauses(p, k, v)
		if err != nil {
			return err
		}
		occur := k
		if occur == "mustNot" {
			occur = "must_not"
		}
		namedBlocks[occur] = append(namedBlocks[occur], [2]int{start, len(p.named)})
		*target = append(*target, clauses...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.reorderBoolNames(namedFrom, namedBlocks)
	return q, nil
}

// parseClauses reads one occurrence list: a single clause object or an array of them.
// A clause that does not parse fails as Elasticsearch's ObjectParser reports it: an
// x_content_parse_exception naming the occurrence, caused by the clause's own error.
func parseClauses(p *queryParser, occur string, v any) ([]Query, *wire.EsError) {
	wrap := func(err *wire.EsError) *wire.EsError {
		return wire.NewError(http.StatusBadRequest, "x_content_parse_exception", "[bool] failed to parse field [%s]", occur).Because(err)
	}
	switch x := v.(type) {
	case map[string]any:
		c, err := p.parse(x)
		if err != nil {
			return nil, wrap(err)
		}
		return []Query{c}, nil
	case []any:
		out := make([]Query, 0, len(x))
		for _, e := range x {
			c, err := p.parse(e)
			if err != nil {
				return nil, wrap(err)
			}
			out = append(out, c)
		}
		return out, nil
	}
	return nil, wire.ErrXContentParse("[bool] %s doesn't support values of type: %s", occur, wire.TokenKind(v))
}

func (q *boolQuery) eval(c *EvalContext, scoring bool) (DocSet, *wire.EsError) {
	ev := clauseEvaluator{c: c}
	required := ev.all(q.must, scoring)
	filters := docsOf(ev.all(q.filter, false))
	should := ev.all(q.should, scoring)
	exclusions := docsOf(ev.all(q.mustNot, false))
	if ev.err != nil {
		return DocSet{}, ev.err
	}

	// Elasticsearch's default: with no must/filter clause at least one should clause
	// has to match; otherwise should clauses only add to the score.
	msm := 0
	if len(q.must) == 0 && len(q.filter) == 0 && len(should) > 0 {
		msm = 1
	}
	// A bool without clauses is match_all in Elasticsearch before minimum_should_match
	// is looked at (BoolQueryBuilder.doToQuery), so {"minimum_should_match": 2} alone
	// matches everything, and a malformed one is never read.
	if q.minimumShouldMatch != "" && len(q.must)+len(q.filter)+len(q.should)+len(q.mustNot) > 0 {
		n, err := MinimumShouldMatch(len(should), q.minimumShouldMatch)
		if err != nil {
			return DocSet{}, err
		}
		msm = n
		if len(q.must) == 0 && len(q.filter) == 0 && len(should) > 0 {
			// Lucene still needs one optional clause when nothing is required.
			msm = max(msm, 1)
		}
		if len(q.must)+len(q.filter)+len(q.should) == 0 {
			// must_not alone: Elasticsearch reads the value (a malformed one is refused)
			// but rebuilds the pure negative query around a match_all without it
			// (Queries.fixNegativeQueryIfNeeded).
			msm = 0
		}
	}

	sets := make([]*roaring.Bitmap, 0, len(required)+len(filters)+1)
	for _, r := range required {
		sets = append(sets, r.Docs)
	}
	sets = append(sets, filters...)
	if msm > 0 {
		sets = append(sets, disjunction(should, msm).Docs)
	}
	var docs *roaring.Bitmap
	switch len(sets) {
	case 0:
		docs = c.S.Live // only must_not (or nothing): everything not excluded
	case 1:
		docs = sets[0]
	default:
		docs = c.intersection(sets)
	}
	if len(exclusions) > 0 {
		docs = roaring.AndNot(docs, union(exclusions))
	}
	if !scoring {
		return constantSet(docs, 0), nil
	}
	return boosted(q.scores(docs, required, should), q.boost), nil
}

// scores sums the must scores and the scores of the should clauses a document matches.
// A query made only of filters and exclusions (must_not alone too) scores 0, and an
// empty bool matches all with score 1, as in Elasticsearch.
func (q *boolQuery) scores(docs *roaring.Bitmap, required, should []DocSet) DocSet {
	if len(required) == 0 && len(should) == 0 {
		if len(q.filter) == 0 && len(q.mustNot) == 0 {
			return constantSet(docs, 1)
		}
		// Filters and exclusions only, pure negatives included: Elasticsearch 7.17
		// scores them 0.
		return constantSet(docs, 0)
	}
	base := sumScores(docs, required)
	if len(should) == 0 {
		return withImmuneSum(base, required, nil)
	}
	return withImmuneSum(DocSet{Docs: docs, ScoreFn: func(doc uint32) float64 {
		s := base.Score(doc)
		for _, sh := range should {
			if sh.Docs.Contains(doc) {
				s += sh.Score(doc)
			}
		}
		return s
	}}, required, should)
}

// MinimumShouldMatch computes how many of n optional clauses must match for a
// minimum_should_match spec: an integer, a percentage, negatives of either, or
// conditional forms like "3<90%" and "2<-25% 9<-3".
func MinimumShouldMatch(n int, spec string) (int, *wire.EsError) {
	spec = strings.TrimSpace(spec)
	if strings.Contains(spec, "<") {
		result := n
		for _, part := range strings.Fields(spec) {
			limit, rest, ok := strings.Cut(part, "<")
			upTo, err := strconv.Atoi(limit)
			if !ok || err != nil {
				return 0, errMinimumShouldMatch(limit)
			}
			if n <= upTo {
				break
			}
			r, merr := MinimumShouldMatch(n, rest)
			if merr != nil {
				return 0, merr
			}
			result = r
		}
		return result, nil
	}
	var result int
	if pct, isPct := strings.CutSuffix(spec, "%"); isPct {
		p, err := strconv.Atoi(pct)
		if err != nil {
			return 0, errMinimumShouldMatch(pct)
		}
		calc := int(float32(n*p) * (1 / float32(100)))
		if p < 0 {
			result = n + calc
		} else {
			result = calc
		}
	} else {
		v, err := strconv.Atoi(spec)
		if err != nil {
			return 0, errMinimumShouldMatch(spec)
		}
		if v < 0 {
			result = n + v
		} else {
			result = v
		}
	}
	return max(result, 0), nil
}

// errMinimumShouldMatch is Elasticsearch's answer to a spec whose number does not parse:
// Java's Integer.parseInt fails while the query is built.
func errMinimumShouldMatch(number string) *wire.EsError {
	return wire.ErrQueryShard("failed to create query: For input string: \"%s\"", number).
		Because(wire.NewError(http.StatusBadRequest, "number_format_exception", "For input string: \"%s\"", number))
}

// clauseEvaluator evaluates a bool query's clause lists in turn and keeps the first
// error, after which it evaluates nothing more: the clauses are read in the order
// Elasticsearch reports their errors.
type clauseEvaluator struct {
	c   *EvalContext
	err *wire.EsError
}

func (ev *clauseEvaluator) all(clauses []Query, scoring bool) []DocSet {
	if ev.err != nil {
		return nil
	}
	out := make([]DocSet, 0, len(clauses))
	for _, q := range clauses {
		d, err := ev.c.Eval(q, scoring)
		if err != nil {
			ev.err = err
			return nil
		}
		out = append(out, d)
	}
	return out
}

// docsOf keeps only the matching documents of clauses that do not score.
func docsOf(sets []DocSet) []*roaring.Bitmap {
	docs := make([]*roaring.Bitmap, len(sets))
	for i, d := range sets {
		docs[i] = d.Docs
	}
	return docs
}
