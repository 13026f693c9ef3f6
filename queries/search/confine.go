package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/planstore/planstore/tenancy"
)

// Tenancy in the engine: a search of a caller confined to some organisations runs as
//
//	{"bool": {"must": [<query>], "filter": [{"terms": {"_org": [<orgs>]}}]}}
//
// with the same wrapping around the query of every has_child and has_parent, so that
// neither a hit nor a join partner can belong to another organisation, and totals
// count the caller's plans only. Ids are per organisation (package tenancy): an _id in
// term, terms, match, ids or parent_id names the caller's objects, and is qualified by
// each of the caller's namespaces here; hits answer with the bare objectId again. An
// operator's search runs as sent, on the stored ids ("<namespace>/<objectId>" outside
// the default organisation).

// orgField is the keyword field every document carries its plan's organisation in.
const orgField = "_org"

// Confined is req confined to access (unchanged for an operator).
func (r Request) Confined(access tenancy.Access) (Request, error) {
	if access.All() {
		return r, nil
	}
	body := r.Body()
	tree, err := decodeTree(body)
	if err != nil {
		return Request{}, fmt.Errorf("search: confine: %w", err)
	}
	root, ok := tree.(object)
	if !ok {
		return Request{}, fmt.Errorf("search: confine: the body is not an object")
	}
	c := confiner{access: access}
	query, found := root.get("query")
	if !found {
		query = object{{key: "match_all", value: object{}}}
	}
	confined := c.wrap(c.query(query))
	replaced := false
	for i := range root {
		if root[i].key == "query" {
			root[i].value, replaced = confined, true
		}
	}
	if !replaced {
		root = append(object{{key: "query", value: confined}}, root...)
	}
	out := r
	out.body = appendTree(nil, root)
	return out, nil
}

type confiner struct{ access tenancy.Access }

// wrap confines one query to the caller's organisations.
func (c confiner) wrap(q any) any {
	orgs := c.access.Orgs()
	if len(orgs) == 0 {
		return object{{key: "bool", value: object{{key: "must_not", value: []any{object{{key: "match_all", value: object{}}}}}}}}
	}
	values := make([]any, len(orgs))
	for i, o := range orgs {
		values[i] = o
	}
	filter := object{{key: "terms", value: object{{key: orgField, value: values}}}}
	return object{{key: "bool", value: object{
		{key: "must", value: []any{q}},
		{key: "filter", value: []any{filter}},
	}}}
}

// rewriteMembers is the clause {kind: args} with the values of the members named keys
// passed through rewrite, the other members as they are.
func rewriteMembers(kind string, args object, rewrite func(any) any, keys ...string) object {
	out := make(object, len(args))
	for i, m := range args {
		out[i] = m
		if slices.Contains(keys, m.key) {
			out[i].value = rewrite(m.value)
		}
	}
	return object{{key: kind, value: out}}
}

// query rewrites a validated query: joins are confined, ids qualified.
func (c confiner) query(q any) any {
	obj, ok := q.(object)
	if !ok || len(obj) != 1 {
		return q
	}
	kind, args := obj[0].key, obj[0].value
	a, ok := args.(object)
	if !ok {
		return q
	}
	switch kind {
	case "bool":
		return rewriteMembers(kind, a, c.clauses, "must", "filter", "should", "must_not")
	case "has_child", "has_parent":
		return rewriteMembers(kind, a, func(v any) any { return c.wrap(c.query(v)) }, "query")
	case "term", "match":
		return c.idFieldQuery(kind, a, q)
	case "terms":
		return rewriteMembers(kind, a, c.idList, "_id")
	case "ids":
		return rewriteMembers(kind, a, c.idList, "values")
	case "parent_id":
		id, found := a.get("id")
		if !found {
			return q
		}
		copies := c.ids(id)
		alternatives := make([]any, len(copies))
		for i, qualified := range copies {
			alternatives[i] = object{{key: kind, value: replaced(a, "id", qualified)}}
		}
		return anyOf(alternatives, q)
	}
	return q
}

func (c confiner) clauses(v any) any {
	if list, ok := v.([]any); ok {
		out := make([]any, len(list))
		for i, e := range list {
			out[i] = c.query(e)
		}
		return out
	}
	return c.query(v)
}

// idFieldQuery qualifies {"term"|"match": {"_id": v | {"value"|"query": v, ...}}}.
func (c confiner) idFieldQuery(kind string, a object, q any) any {
	if len(a) != 1 || a[0].key != "_id" {
		return q
	}
	var alternatives []any
	switch v := a[0].value.(type) {
	case object:
		valueKey := "value"
		if kind == "match" {
			valueKey = "query"
		}
		id, found := v.get(valueKey)
		if !found {
			return q
		}
		for _, qualified := range c.ids(id) {
			alternatives = append(alternatives, object{{key: kind, value: object{{key: "_id", value: replaced(v, valueKey, qualified)}}}})
		}
	default:
		for _, qualified := range c.ids(v) {
			alternatives = append(alternatives, object{{key: kind, value: object{{key: "_id", value: qualified}}}})
		}
	}
	return anyOf(alternatives, q)
}

// ids is an objectId qualified by each of the caller's namespaces; a value that is no
// id (not a string or number) is left for the engine to judge.
func (c confiner) ids(v any) []any {
	var id string
	switch v := v.(type) {
	case string:
		id = v
	case json.Number:
		id = string(v)
	default:
		return []any{v}
	}
	orgs := c.access.Orgs()
	if len(orgs) == 0 {
		return []any{v}
	}
	out := make([]any, len(orgs))
	for i, org := range orgs {
		out[i] = c.access.Key(org, id)
	}
	return out
}

func (c confiner) idList(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	var out []any
	for _, e := range list {
		out = append(out, c.ids(e)...)
	}
	return out
}

// anyOf is the one alternative, or a bool should of several.
func anyOf(alternatives []any, orig any) any {
	switch len(alternatives) {
	case 0:
		return orig
	case 1:
		return alternatives[0]
	default:
		return object{{key: "bool", value: object{{key: "should", value: alternatives}}}}
	}
}

func replaced(o object, key string, v any) object {
	out := make(object, len(o))
	copy(out, o)
	for i := range out {
		if out[i].key == key {
			out[i].value = v
		}
	}
	return out
}

// bareParent takes the namespace off a child's join parent in _source; false when there
// is none to take off. Sources are written with sorted keys, so re-encoding the object
// keeps their order.
func bareParent(raw json.RawMessage) (json.RawMessage, bool) {
	if !bytes.Contains(raw, []byte(tenancy.Separator)) {
		return nil, false
	}
	var src map[string]json.RawMessage
	if json.Unmarshal(raw, &src) != nil {
		return nil, false
	}
	var join map[string]json.RawMessage
	if json.Unmarshal(src["plan_join"], &join) != nil || join == nil {
		return nil, false
	}
	var parent string
	if json.Unmarshal(join["parent"], &parent) != nil || !strings.Contains(parent, tenancy.Separator) {
		return nil, false
	}
	var err error
	if join["parent"], err = json.Marshal(tenancy.Bare(parent)); err != nil {
		return nil, false
	}
	if src["plan_join"], err = json.Marshal(join); err != nil {
		return nil, false
	}
	out, err := json.Marshal(src)
	return out, err == nil
}

// bareIDs takes the namespace off every hit's _id and _routing: a caller confined to
// its organisations addresses its plans by their objectIds. An answer without
// qualified ids (the default organisation's) is returned untouched. The join parent in
// each child's _source is taken back to the bare objectId too.
func bareIDs(answer []byte) ([]byte, error) {
	if !bytes.Contains(answer, []byte(tenancy.Separator)) {
		return answer, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(answer, &top); err != nil {
		return nil, fmt.Errorf("search: read answer: %w", err)
	}
	var hits map[string]json.RawMessage
	if err := json.Unmarshal(top["hits"], &hits); err != nil || hits == nil {
		return answer, nil //nolint:nilerr // no hits object: nothing to rewrite
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(hits["hits"], &list); err != nil {
		return answer, nil //nolint:nilerr // no hit list: nothing to rewrite
	}
	changed := false
	for _, hit := range list {
		for _, key := range []string{"_id", "_routing"} {
			var id string
			if json.Unmarshal(hit[key], &id) != nil || !strings.Contains(id, tenancy.Separator) {
				continue
			}
			bare, _ := json.Marshal(tenancy.Bare(id))
			hit[key], changed = bare, true
		}
		if src, ok := bareParent(hit["_source"]); ok {
			hit["_source"], changed = src, true
		}
	}
	if !changed {
		return answer, nil
	}
	var err error
	if hits["hits"], err = json.Marshal(list); err != nil {
		return nil, err
	}
	if top["hits"], err = json.Marshal(hits); err != nil {
		return nil, err
	}
	return json.Marshal(top)
}
