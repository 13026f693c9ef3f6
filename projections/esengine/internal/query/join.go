package query

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// joinOptions is what the join clauses (has_child, has_parent, parent_id) share: their
// name, which Elasticsearch puts at the head of their errors, boost, and
// ignore_unmapped, which turns "this index cannot run the join" from a shard failure
// into no hits.
type joinOptions struct {
	name           string
	ignoreUnmapped bool
	boost          float64
}

func newJoinOptions(name string) joinOptions { return joinOptions{name: name, boost: 1} }

// option reads ignore_unmapped, the one option every join clause has, and refuses any
// key the clause did not read itself.
func (o *joinOptions) option(key string, v any) *wire.EsError {
	if key != "ignore_unmapped" {
		return errUnsupportedParam(o.name, key)
	}
	var err *wire.EsError
	o.ignoreUnmapped, err = o.boolOption(key, v)
	return err
}

// boolOption reads a boolean option the way Elasticsearch's join parsers do: true,
// false or their exact strings; another string is an illegal argument, a number is not
// a boolean token, and null, an object or an array is an option the clause does not
// know.
func (o *joinOptions) boolOption(key string, v any) (bool, *wire.EsError) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		if x == "true" || x == "false" {
			return x == "true", nil
		}
		return false, wire.ErrIllegalArgument("Failed to parse value [%s] as only [true] or [false] are allowed.", x)
	case json.Number:
		token := "VALUE_NUMBER_INT"
		if strings.ContainsAny(string(x), ".eE") {
			token = "VALUE_NUMBER_FLOAT"
		}
		return false, wire.NewError(http.StatusBadRequest, "json_parse_exception", "Current token (%s) not of boolean type", token)
	}
	return false, errUnsupportedParam(o.name, key)
}

// joinField returns the index's join field, or the failure of a join on an index that
// has none.
func (o *joinOptions) joinField(c *EvalContext) (*mapping.JoinMapping, *wire.EsError) {
	if c.M.Join == nil {
		return nil, wire.ErrQueryShard("[%s] no join field has been configured", o.name)
	}
	return c.M.Join, nil
}

// parentRelation resolves child, the relation has_child and parent_id name (nil when
// parent_id names none), to its parent relation. failure says why the index cannot run
// the join: no join field, or child is not a child relation in it, which the two
// clauses word differently.
func (o *joinOptions) parentRelation(c *EvalContext, child *string) (j *mapping.JoinMapping, parent string, failure *wire.EsError) {
	if j, failure = o.joinField(c); failure != nil {
		return nil, "", failure
	}
	if child != nil {
		if parent, isChild := j.ParentOf[*child]; isChild {
			return j, parent, nil
		}
	}
	name := "null" // as Java prints a missing relation
	if child != nil {
		name = *child
	}
	if o.name == "parent_id" {
		return nil, "", wire.ErrQueryShard("[parent_id] no relation found for child [%s]", name)
	}
	return nil, "", wire.ErrQueryShard("[%s] join field [%s] doesn't hold [%s] as a child", o.name, j.Field, name)
}

// unmapped answers a join the index cannot run: no hits with ignore_unmapped, else the
// shard failure.
func (o *joinOptions) unmapped(failure *wire.EsError) (DocSet, *wire.EsError) {
	if o.ignoreUnmapped {
		return emptySet(), nil
	}
	return DocSet{}, failure
}

// innerJoin is a join clause over an inner query: has_child and has_parent.
type innerJoin struct {
	joinOptions
	inner Query
}

func newInnerJoin(name string) innerJoin { return innerJoin{joinOptions: newJoinOptions(name)} }

// option reads the inner query and refuses inner_hits, then falls back to the options
// every join clause has.
func (o *innerJoin) option(p *queryParser, key string, v any) *wire.EsError {
	switch key {
	case "query":
		if _, isObj := v.(map[string]any); !isObj {
			return errUnsupportedParam(o.name, key)
		}
		var err *wire.EsError
		o.inner, err = p.parse(v)
		return err
	case "inner_hits":
		return wire.ErrParsing("[%s] inner_hits are not supported by the embedded search engine", o.name)
	}
	return o.joinOptions.option(key, v)
}

// requireFields refuses a clause without a relation or an inner query, in that order,
// as Elasticsearch does.
func (o *innerJoin) requireFields(relationField, relation string) *wire.EsError {
	if relation == "" {
		return wire.ErrIllegalArgument("[%s] requires '%s' field", o.name, relationField)
	}
	if o.inner == nil {
		return wire.ErrIllegalArgument("[%s] requires 'query' field", o.name)
	}
	return nil
}
