package search

import "fmt"

// The query cost budget. The per-clause limits (MaxBoolClauses, MaxTerms,
// MaxQueryDepth) bound one clause; they do not bound a tree. A bool of 1,024 should
// clauses, each a has_parent over a has_child, passes all of them and costs 2,048 joins,
// each a pass over the index: tens of seconds of CPU on 20,000 plans. The budget below
// bounds the whole tree, before any engine is called, so it holds for Elasticsearch and
// the embedded engine alike and both answer the same 400.
const (
	// MaxQueryClauses bounds the query clauses in the whole tree, every level counted:
	// each bool, term, has_child... is one clause. It leaves room for a few bools of
	// MaxBoolClauses each.
	MaxQueryClauses = 4096
	// MaxJoinQueries bounds the has_child and has_parent clauses in one request. Each
	// evaluates its inner query and then maps every matching document across the join,
	// so each costs up to a pass over the index; a real query on the plan join uses a
	// handful.
	MaxJoinQueries = 16
	// MaxJoinDepth bounds how deeply has_child and has_parent nest in each other. The
	// plan join has three levels, so two joins reach any level from any other; four
	// leaves room for a round trip.
	MaxJoinDepth = 4
	// MaxTotalTerms bounds the values of all terms and ids queries together.
	MaxTotalTerms = 4096
)

// queryCost is what one query tree costs, counted by costOf.
type queryCost struct {
	clauses   int
	joins     int
	joinDepth int // deepest nesting of joins
	terms     int
}

// checkBudget measures an already validated query and refuses it, naming the first
// clause past a limit, when it exceeds the budget.
func checkBudget(q any, path string) error {
	var c queryCost
	return c.add(q, path, 0)
}

// add counts the clause q at path, nested in joinDepth joins, and everything under it.
// It stops at the first limit crossed, so a huge tree is not walked to the end.
func (c *queryCost) add(q any, path string, joinDepth int) error {
	obj, ok := q.(object)
	if !ok || len(obj) != 1 {
		return nil // validateQuery has refused it already
	}
	c.clauses++
	if c.clauses > MaxQueryClauses {
		return limit(path, fmt.Sprintf("a search may hold at most %d query clauses in all, counting every level", MaxQueryClauses))
	}
	name, body := obj[0].key, obj[0].value
	p := path + "." + name
	args, _ := body.(object)
	switch name {
	case "bool":
		for _, m := range args {
			if _, isOccur := occurrences[m.key]; !isOccur {
				continue
			}
			list, isList := m.value.([]any)
			if !isList {
				list = []any{m.value}
			}
			for i, sub := range list {
				sp := p + "." + m.key
				if isList {
					sp = fmt.Sprintf("%s[%d]", sp, i)
				}
				if err := c.add(sub, sp, joinDepth); err != nil {
					return err
				}
			}
		}
	case "has_child", "has_parent":
		c.joins++
		if c.joins > MaxJoinQueries {
			return limit(p, fmt.Sprintf("a search may hold at most %d has_child and has_parent queries in all", MaxJoinQueries))
		}
		if joinDepth+1 > MaxJoinDepth {
			return limit(p, fmt.Sprintf("has_child and has_parent may nest at most %d deep", MaxJoinDepth))
		}
		c.joinDepth = max(c.joinDepth, joinDepth+1)
		if inner, ok := args.get("query"); ok {
			return c.add(inner, p+".query", joinDepth+1)
		}
	case "terms", "ids":
		c.terms += valueCount(name, args)
		if c.terms > MaxTotalTerms {
			return limit(p, fmt.Sprintf("a search may hold at most %d terms and ids values in all", MaxTotalTerms))
		}
	}
	return nil
}

// occurrences are the keys of a bool query that hold clauses.
var occurrences = map[string]struct{}{"must": {}, "filter": {}, "should": {}, "must_not": {}}

// valueCount is the number of values a terms or ids query lists.
func valueCount(name string, args object) int {
	if name == "ids" {
		list, _ := args.get("values")
		values, _ := list.([]any)
		return len(values)
	}
	for _, m := range args {
		if values, ok := m.value.([]any); ok {
			return len(values)
		}
	}
	return 0
}
