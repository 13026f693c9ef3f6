package difftest

// rangeQuery bounds one field, on either or both sides; two bounds on one side only
// when that class is under test.
func (q *qgen) rangeQuery() Obj {
	field := q.anyField()
	o := Obj{}
	lower, upper := []string{"gt", "gte"}, []string{"lt", "lte"}
	bound := func() any {
		if q.chance(12) {
			return nil
		}
		return q.value(field)
	}
	if !q.chance(3) {
		o = append(o, Member{pick(q.r, lower), bound()})
	}
	if !q.chance(3) {
		o = append(o, Member{pick(q.r, upper), bound()})
	}
	if !q.known.Has(KnownRangeTwoBounds) && q.chance(5) {
		side := pick(q.r, [][]string{lower, upper})
		o = append(o, Member{side[0], bound()}, Member{side[1], bound()})
		if q.chance(2) {
			o[len(o)-1], o[len(o)-2] = o[len(o)-2], o[len(o)-1]
		}
	}
	if q.chance(15) {
		o = append(o, Member{"format", pick(q.r, []string{"yyyy-MM-dd", "MM-dd-yyyy"})})
	}
	if q.chance(15) {
		zones := []string{"UTC", "+01:00", "Europe/Paris"}
		if !q.known.Has(KnownRefusals) {
			zones = append(zones, "Mars/Olympus", "+25:00")
		}
		o = append(o, Member{"time_zone", pick(q.r, zones)})
	}
	return O("range", O(field, q.opts(o)))
}

func (q *qgen) boolQuery(depth int) Obj {
	o := Obj{}
	occurs := []string{"must", "filter", "should", "must_not"}
	scoring, negative := false, false
	for _, occur := range occurs {
		if !q.chance(2) {
			continue
		}
		n := q.r.IntN(3)
		if occur != "must_not" && n > 0 {
			scoring = true
		}
		if occur == "must_not" && n > 0 {
			negative = true
		}
		if n == 1 && q.chance(2) {
			o = append(o, Member{occur, q.query(depth + 1)})
			continue
		}
		list := make([]any, n)
		for i := range list {
			list[i] = q.query(depth + 1)
		}
		o = append(o, Member{occur, list})
	}
	if !scoring && negative && q.known.Has(KnownMustNotOnlyScore) {
		// A bool of must_not clauses alone scores 0 in Elasticsearch; give it a clause
		// that matches everything while that class is tolerated.
		o = append(o, Member{"filter", O("match_all", Obj{})})
	}
	if q.chance(4) {
		o = append(o, Member{"minimum_should_match", pick(q.r, []any{num(0), num(1), num(2), "1", "-1", "50%", "-50%", "100%", num(3)})})
	}
	if q.known.Has(KnownJoinBoost) && containsScoringJoin(o) {
		// Elasticsearch drops a boost on its way into a scoring join, from any level.
		return O("bool", q.optsNoBoost(o))
	}
	return O("bool", q.opts(o))
}

// joinOpts adds boost and _name to a join; boost only where the engine keeps it while
// the join-boost class is tolerated.
func (q *qgen) joinOpts(o Obj, scoring bool) Obj {
	if q.known.Has(KnownJoinBoost) && (scoring || containsScoringJoin(o)) {
		return q.optsNoBoost(o)
	}
	return q.opts(o)
}

func (q *qgen) optsNoBoost(o Obj) Obj {
	if !q.known.Has(KnownHitFields) && q.chance(8) {
		o = append(o, Member{"_name", "j"})
	}
	return o
}

// containsScoringJoin reports whether a clause body holds a join that scores: has_child
// with a score_mode other than none or with max_children, has_parent with score true.
func containsScoringJoin(v any) bool {
	switch x := v.(type) {
	case Obj:
		for _, m := range x {
			if body, ok := m.Value.(Obj); ok {
				switch m.Key {
				case "has_child":
					mode, _ := body.Get("score_mode")
					_, max := body.Get("max_children")
					if (mode != nil && mode != "none") || max {
						return true
					}
				case "has_parent":
					if score, _ := body.Get("score"); score == true {
						return true
					}
				}
			}
			if containsScoringJoin(m.Value) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if containsScoringJoin(e) {
				return true
			}
		}
	}
	return false
}

// joinBody starts a has_child or has_parent body: a relation of types under typeKey (now
// and then one of wrong, which the join cannot have) and the nested query.
func (q *qgen) joinBody(typeKey string, types, wrong []string, depth int) Obj {
	typ := pick(q.r, types)
	if q.chance(12) {
		typ = pick(q.r, wrong)
	}
	q.joinDepth++
	defer func() { q.joinDepth-- }()
	return O(typeKey, typ, "query", q.query(depth+1))
}

func (q *qgen) hasChild(depth int) Obj {
	o := q.joinBody("type", childTypes, []string{"plan", "nope"}, depth)
	scoring := false
	if q.chance(2) {
		mode := pick(q.r, []string{"none", "avg", "sum", "max", "min"})
		o = append(o, Member{"score_mode", mode})
		scoring = mode != "none"
	}
	minimum := 0
	if q.chance(4) {
		minimum = q.r.IntN(3)
		o = append(o, Member{"min_children", num(minimum)})
	}
	if q.chance(4) {
		o = append(o, Member{"max_children", num(minimum + q.r.IntN(3) - boolInt(q.chance(8)))})
		scoring = true
	}
	if q.chance(8) {
		o = append(o, Member{"ignore_unmapped", q.chance(2)})
	}
	return O("has_child", q.joinOpts(o, scoring))
}

func (q *qgen) hasParent(depth int) Obj {
	o := q.joinBody("parent_type", parentTypes, []string{"planCostShare", "nope"}, depth)
	scoring := false
	if q.chance(2) {
		scoring = q.chance(2)
		o = append(o, Member{"score", scoring})
	}
	if q.chance(8) {
		o = append(o, Member{"ignore_unmapped", q.chance(2)})
	}
	return O("has_parent", q.joinOpts(o, scoring))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// invalid builds a clause that is wrong in a way one of the two layers must refuse:
// the query API's validator or the engine.
func (q *qgen) invalid() Obj {
	switch q.r.IntN(10) {
	case 0:
		// Query types the validator refuses by name (the allow-list of docs/contract.md 3).
		return pick(q.r, []Obj{
			O("fuzzy", O("name", "wel")), O("prefix", O("objectId", "a")), O("wildcard", O("name", "we*")),
			O("multi_match", O("query", "well", "fields", []any{"name"})), O("match_phrase", O("name", "well baby")),
			O("nested", O("path", "x", "query", O("match_all", Obj{}))),
		})
	case 1:
		return O("term", O("objectId", "a", "_org", "b"))
	case 2:
		return O("range", O("_id", O("gte", "a")))
	case 3:
		if q.known.Has(KnownMatchMinimumShouldMatch) {
			// A malformed minimum_should_match is refused with another error type today
			// (fidelity's minimum_should_match work fixes it).
			return O("match", O("copay", "many words"))
		}
		return O("match", O("name", O("query", pick(q.r, []string{"well", "well baby"}), "minimum_should_match", "abc")))
	case 4:
		return O("term", O("copay", "not a number"))
	case 5:
		return O("bool", O("must", O("match_all", Obj{}), "nope", num(1)))
	case 6:
		return O("has_child", O("type", "planCostShare", "query", O("match_all", Obj{}), "min_children", num(3), "max_children", num(1)))
	case 7:
		return O("terms", O("objectId", O("index", "other", "id", "x", "path", "y")))
	case 8:
		return O("range", O("copay", O("gte", "abc")))
	}
	return O("match", O("copay", "many words"))
}

// sort builds one to three sort keys.
func (q *qgen) sort() any {
	n := 1 + q.r.IntN(3)
	keys := make([]any, n)
	for i := range keys {
		keys[i] = q.sortKey()
	}
	if n == 1 && q.chance(2) {
		return keys[0]
	}
	return keys
}

func (q *qgen) sortKey() any {
	fields := []string{"copay", "deductible", "objectId", "_org", "planType", "creationDate", "name.keyword", "_id", "_score", "_doc", "name"}
	if !q.known.Has(KnownSortSpecialFields) {
		fields = append(fields, "_index", "_seq_no", "_routing", "nope")
	}
	field := pick(q.r, fields)
	if q.chance(3) {
		return field
	}
	if q.chance(3) {
		return O(field, pick(q.r, []string{"asc", "desc"}))
	}
	o := Obj{}
	if q.chance(2) {
		o = append(o, Member{"order", pick(q.r, []string{"asc", "desc"})})
	}
	numeric := field == "copay" || field == "deductible"
	if q.chance(3) {
		missing := []any{"_first", "_last"}
		if numeric {
			missing = append(missing, num(0), num(1000))
		} else {
			missing = append(missing, "m")
		}
		if numeric && !q.known.Has(KnownRefusals) {
			missing = append(missing, "abc")
		}
		o = append(o, Member{"missing", pick(q.r, missing)})
	}
	if q.chance(4) {
		modes := []any{"min", "max"}
		if numeric || !q.known.Has(KnownRefusals) {
			modes = append(modes, "sum", "avg", "median")
		}
		o = append(o, Member{"mode", pick(q.r, modes)})
	}
	if !q.known.Has(KnownSortSpecialFields) && q.chance(5) {
		o = append(o, Member{"unmapped_type", pick(q.r, []string{"long", "keyword", "double"})})
	}
	return O(field, o)
}

// source builds a _source filter.
func (q *qgen) source() any {
	switch q.r.IntN(6) {
	case 0:
		return false
	case 1:
		return true
	case 2:
		return pick(q.r, []string{"objectId", "name*", "plan_join", "*Id", "plan_join.name"})
	case 3:
		return []any{"objectId", pick(q.r, []string{"copay", "_org", "plan_join.parent"})}
	case 4:
		return O("includes", []any{"*"}, "excludes", []any{pick(q.r, []string{"_org", "plan_join", "*Type"})})
	}
	return O("excludes", "objectType")
}
