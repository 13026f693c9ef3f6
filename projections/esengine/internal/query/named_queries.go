package query

import (
	"slices"
	"unicode/utf16"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// Named queries: a clause with _name reports, on every hit it matches, its name in the
// hit's matched_queries, whatever its place in the query (a named clause under must_not
// or inside a has_child is tested against the hit itself, as Elasticsearch's fetch phase
// does).

// NamedQuery is one clause given a _name.
type NamedQuery struct {
	name string
	q    Query
}

// noteName records clause q under its _name, if it has one. Elasticsearch registers a
// name when the clause is built, after its children: the list is in that order.
// term, match and range take _name inside the field's object; the others at the top.
func (p *queryParser) noteName(clause string, body any, q Query) {
	obj, _ := body.(map[string]any)
	switch clause {
	case "term", "match", "range":
		for _, spec := range obj {
			if inner, ok := spec.(map[string]any); ok {
				obj = inner
			}
		}
	}
	if v, ok := obj["_name"]; ok {
		if name, ok := wire.ScalarText(v); ok {
			p.named = append(p.named, NamedQuery{name, q})
		}
	}
}

// reorderBoolNames puts the names registered by a bool's clauses in the order
// Elasticsearch builds them (must, must_not, should, filter), where the parser, reading
// an object, met them in key order. blocks are [start, end) ranges of p.named by occur.
func (p *queryParser) reorderBoolNames(from int, blocks map[string][][2]int) {
	if len(p.named) == from {
		return
	}
	out := make([]NamedQuery, 0, len(p.named)-from)
	for _, occur := range []string{"must", "must_not", "should", "filter"} {
		for _, b := range blocks[occur] {
			out = append(out, p.named[b[0]:b[1]]...)
		}
	}
	copy(p.named[from:], out)
}

// matchedQueryOrder is the order in which Elasticsearch lists matched_queries: it
// iterates a java.util.HashMap of the names, so names come by hash bucket (String.hashCode,
// spread, in a table of 16 doubling past 3/4 full) and, within a bucket, in the order
// they were registered. A repeated name keeps its first place and its last clause.
func matchedQueryOrder(named []NamedQuery) []NamedQuery {
	var unique []NamedQuery
	for _, n := range named {
		if i := slices.IndexFunc(unique, func(u NamedQuery) bool { return u.name == n.name }); i >= 0 {
			unique[i].q = n.q
			continue
		}
		unique = append(unique, n)
	}
	table := uint32(16)
	for float64(len(unique)) > 0.75*float64(table) {
		table *= 2
	}
	bucket := func(name string) uint32 {
		h := javaStringHash(name)
		return (h ^ h>>16) & (table - 1)
	}
	slices.SortStableFunc(unique, func(a, b NamedQuery) int {
		return int(bucket(a.name)) - int(bucket(b.name))
	})
	return unique
}

// javaStringHash is Java's String.hashCode over the UTF-16 code units of s.
func javaStringHash(s string) uint32 {
	var h uint32
	for _, r := range s {
		if r >= 0x10000 {
			hi, lo := utf16.EncodeRune(r)
			h = 31*h + uint32(hi)
			h = 31*h + uint32(lo)
			continue
		}
		h = 31*h + uint32(r)
	}
	return h
}

// MatchedQueries returns, for each of docs (the hits, in order), the names of the named
// clauses it matches.
func (c *EvalContext) MatchedQueries(named []NamedQuery, docs []uint32) ([][]string, *wire.EsError) {
	if len(named) == 0 || len(docs) == 0 {
		return nil, nil
	}
	matched := make([][]string, len(docs))
	for _, n := range matchedQueryOrder(named) {
		set, err := c.Eval(n.q, false)
		if err != nil {
			return matched, err
		}
		for i, doc := range docs {
			if set.Docs != nil && set.Docs.Contains(doc) {
				matched[i] = append(matched[i], n.name)
			}
		}
	}
	return matched, nil
}
