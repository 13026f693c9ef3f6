package query

// Scoring joins ignore boosts. Lucene runs has_child with a score_mode, or with
// min_children/max_children, and has_parent with score: true, as a
// GlobalOrdinalsWithScoreQuery, whose weight ignores the boost it is given: the join's
// own boost and the boost of every bool around it. Elasticsearch 7.17 therefore scores
// {"bool": {"boost": 2, "should": [<scoring has_child>, <term>]}} as
// has_child + 2 × term. A docSet keeps the boost-immune part of its scores in immune,
// so that boosted scales only the rest.

// immuneSet marks every score of d as immune to boosts.
func immuneSet(d DocSet) DocSet {
	if d.ScoreFn == nil {
		constant := d.Constant
		d.immune = func(uint32) float64 { return constant }
		return d
	}
	d.immune = d.ScoreFn
	return d
}

// withImmuneSum carries the immune parts of the clauses a bool adds up into its result:
// every required clause, and each optional one the document matches.
func withImmuneSum(d DocSet, required, optional []DocSet) DocSet {
	var parts []DocSet
	for _, c := range append(append([]DocSet{}, required...), optional...) {
		if c.immune != nil {
			parts = append(parts, c)
		}
	}
	if len(parts) == 0 {
		return d
	}
	nRequired := 0
	for _, c := range required {
		if c.immune != nil {
			nRequired++
		}
	}
	d.immune = func(doc uint32) float64 {
		s := 0.0
		for i, c := range parts {
			if i < nRequired || c.Docs.Contains(doc) {
				s += c.immune(doc)
			}
		}
		return s
	}
	return d
}
