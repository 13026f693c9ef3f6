package search

import "fmt"

// validateQuery checks one query clause against the allow-list. depth is its nesting
// level, 1 for the top-level query.
func validateQuery(v any, path string, depth int) error {
	if depth > MaxQueryDepth {
		return limit(path, fmt.Sprintf("queries nest deeper than %d levels", MaxQueryDepth))
	}
	obj, err := asObject(v, path, "a query")
	if err != nil {
		return err
	}
	name, body, p, err := onlyMember(obj, path, "a query must name exactly one query type, found %d keys")
	if err != nil {
		return err
	}
	validate, ok := queryTypes[name]
	if !ok {
		return unsupported(p, fmt.Sprintf("unsupported query %q", name))
	}
	return validate(body, p, depth)
}

// queryTypes is the allow-list of query types, each with the validator of its body; a
// query type missing here is refused. Compound queries get the clause's depth, to bound
// nesting. It is filled in init because the compound validators call validateQuery,
// which reads it: a package-level initializer would be an initialization cycle.
var queryTypes map[string]func(body any, path string, depth int) error

func init() {
	queryTypes = map[string]func(any, string, int) error{
		"match_all":  leaf(validateMatchAll),
		"match":      leaf(validateMatch),
		"term":       leaf(validateTerm),
		"terms":      leaf(validateTerms),
		"ids":        leaf(validateIDs),
		"range":      leaf(validateRange),
		"exists":     leaf(validateExists),
		"parent_id":  leaf(validateParentID),
		"bool":       validateBool,
		"has_child":  validateHasChild,
		"has_parent": validateHasParent,
	}
}

// leaf adapts the validator of a query that holds no other queries, so depth is moot.
func leaf(validate func(body any, path string) error) func(any, string, int) error {
	return func(body any, path string, _ int) error { return validate(body, path) }
}

// Parameters every query type accepts: they weigh or name a clause, never widen it.
var (
	boostParam = valueCheck(isNumber)
	nameParam  = valueCheck(isString)
)

var boolParams = map[string]valueCheck{
	"must": nil, "filter": nil, "should": nil, "must_not": nil, // checked as clauses
	"minimum_should_match": isMinimumShouldMatch,
	"boost":                boostParam,
	"_name":                nameParam,
}

// validateBool checks a bool query: each occurrence is one query or an array of them,
// and all occurrences together hold at most MaxBoolClauses clauses.
func validateBool(v any, path string, depth int) error {
	obj, err := asObject(v, path, "bool")
	if err != nil {
		return err
	}
	clauses := 0
	for i, m := range obj {
		check, ok := boolParams[m.key]
		if !ok {
			return unsupported(path+"."+m.key, fmt.Sprintf("unsupported parameter %q", m.key))
		}
		p := path + "." + m.key
		if check != nil {
			if err := check(m.value, p); err != nil {
				return err
			}
			canonicalInteger(obj, i)
			continue
		}
		list, isList := m.value.([]any)
		if !isList {
			list = []any{m.value}
		}
		clauses += len(list)
		if clauses > MaxBoolClauses {
			return limit(p, fmt.Sprintf("a bool query may hold at most %d clauses", MaxBoolClauses))
		}
		for i, q := range list {
			qp := p
			if isList {
				qp = fmt.Sprintf("%s[%d]", p, i)
			}
			if err := validateQuery(q, qp, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

var hasChildParams = map[string]valueCheck{
	"type":            isNonEmptyString,
	"query":           nil,
	"score_mode":      oneOf("none", "avg", "sum", "max", "min"),
	"min_children":    isNonNegativeInt,
	"max_children":    isNonNegativeInt,
	"ignore_unmapped": isBool,
	"boost":           boostParam,
	"_name":           nameParam,
}

var hasParentParams = map[string]valueCheck{
	"parent_type":     isNonEmptyString,
	"query":           nil,
	"score":           isBool,
	"ignore_unmapped": isBool,
	"boost":           boostParam,
	"_name":           nameParam,
}

var parentIDParams = map[string]valueCheck{
	"type":            isNonEmptyString,
	"id":              isNonEmptyString,
	"ignore_unmapped": isBool,
	"boost":           boostParam,
	"_name":           nameParam,
}

func validateHasChild(v any, path string, depth int) error {
	return validateJoin(v, path, depth, "type", hasChildParams)
}

func validateHasParent(v any, path string, depth int) error {
	return validateJoin(v, path, depth, "parent_type", hasParentParams)
}

// validateJoin checks has_child and has_parent: a relation name and an inner query, one
// level deeper. inner_hits is left out on purpose: it changes the answer's shape.
func validateJoin(v any, path string, depth int, relationKey string, params map[string]valueCheck) error {
	obj, err := asObject(v, path, path[lastDot(path)+1:])
	if err != nil {
		return err
	}
	if err := require(obj, path, relationKey, "query"); err != nil {
		return err
	}
	for i, m := range obj {
		check, ok := params[m.key]
		if !ok {
			return unsupported(path+"."+m.key, fmt.Sprintf("unsupported parameter %q", m.key))
		}
		if check == nil {
			if err := validateQuery(m.value, path+"."+m.key, depth+1); err != nil {
				return err
			}
			continue
		}
		if err := check(m.value, path+"."+m.key); err != nil {
			return err
		}
		canonicalInteger(obj, i)
	}
	return nil
}

func validateParentID(v any, path string) error {
	obj, err := asObject(v, path, "parent_id")
	if err != nil {
		return err
	}
	if err := require(obj, path, "type", "id"); err != nil {
		return err
	}
	return checkParams(obj, path, parentIDParams)
}

func lastDot(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			return i
		}
	}
	return -1
}
