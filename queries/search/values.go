package search

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// valueCheck validates one parameter value at path.
type valueCheck func(v any, path string) error

// checkParams refuses any key outside allowed and checks every value it knows.
func checkParams(obj object, path string, allowed map[string]valueCheck) error {
	for i, m := range obj {
		check, ok := allowed[m.key]
		if !ok {
			return unsupported(path+"."+m.key, fmt.Sprintf("unsupported parameter %q", m.key))
		}
		if err := check(m.value, path+"."+m.key); err != nil {
			return err
		}
		canonicalInteger(obj, i)
	}
	return nil
}

// canonicalInteger re-writes a checked integer parameter of obj written as 2.0 or 2e0
// as 2, so every engine reads it as the integer it is.
func canonicalInteger(obj object, i int) {
	if n, isNumber := obj[i].value.(json.Number); isNumber && integerParams[obj[i].key] {
		if v, ok := integral(n); ok {
			obj[i].value = numberOf(int(v))
		}
	}
}

// integerParams are the query parameters that take an integer.
var integerParams = map[string]bool{"min_children": true, "max_children": true, "minimum_should_match": true}

// require refuses an object that lacks one of the named keys.
func require(obj object, path string, keys ...string) error {
	for _, k := range keys {
		if _, ok := obj.get(k); !ok {
			return malformed(path, fmt.Sprintf("missing required parameter %q", k))
		}
	}
	return nil
}

func asObject(v any, path, what string) (object, error) {
	obj, ok := v.(object)
	if !ok {
		return nil, malformed(path, what+" must be a JSON object")
	}
	return obj, nil
}

// onlyMember reads an object that must hold exactly one member (a query's type, a
// field query's field, a sort key's field) and returns it with its path. tooMany words
// the error for any other count and is formatted with that count.
func onlyMember(obj object, path, tooMany string) (key string, value any, keyPath string, err error) {
	if len(obj) != 1 {
		return "", nil, "", malformed(path, fmt.Sprintf(tooMany, len(obj)))
	}
	return obj[0].key, obj[0].value, path + "." + obj[0].key, nil
}

func isString(v any, path string) error {
	if _, ok := v.(string); !ok {
		return malformed(path, "must be a string")
	}
	return nil
}

func isNonEmptyString(v any, path string) error {
	if s, ok := v.(string); !ok || s == "" {
		return malformed(path, "must be a non-empty string")
	}
	return nil
}

func isBool(v any, path string) error {
	if _, ok := v.(bool); !ok {
		return malformed(path, "must be true or false")
	}
	return nil
}

func isNumber(v any, path string) error {
	n, ok := v.(json.Number)
	if !ok {
		return malformed(path, "must be a number")
	}
	if _, err := n.Float64(); err != nil {
		return malformed(path, "must be a finite number")
	}
	return nil
}

// isScalar accepts what a term, match or range bound compares with.
func isScalar(v any, path string) error {
	switch v.(type) {
	case string, json.Number, bool:
		return nil
	}
	return malformed(path, "must be a string, number or boolean")
}

func isScalarOrNull(v any, path string) error {
	if v == nil {
		return nil
	}
	return isScalar(v, path)
}

func isStringOrStrings(v any, path string) error {
	if arr, ok := v.([]any); ok {
		for i, e := range arr {
			if err := isString(e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	return isString(v, path)
}

// isMinimumShouldMatch accepts Elasticsearch's forms: 2, -1, "2", "75%", "3<90%".
func isMinimumShouldMatch(v any, path string) error {
	switch v := v.(type) {
	case json.Number:
		// An integral number written as 4.0 or 4e0 is that integer (JSON Schema's view);
		// canonicalInteger rewrites it as 4 before any engine reads it.
		if _, ok := integral(v); !ok {
			return malformed(path, "must be an integer or a string such as \"75%\"")
		}
		return nil
	case string:
		if v == "" {
			return malformed(path, "must not be empty")
		}
		return nil
	}
	return malformed(path, "must be an integer or a string such as \"75%\"")
}

// nonNegativeInt reads a JSON integer >= 0 (no quotes). An integral number written with
// a fraction or exponent (20.0, 2e1) is that integer, as in JSON Schema and as
// Elasticsearch reads it; 20.5 is refused.
func nonNegativeInt(v any, path string) (int, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, malformed(path, "must be a non-negative integer")
	}
	i, ok := integral(n)
	if !ok || i < 0 {
		return 0, malformed(path, "must be a non-negative 32-bit integer")
	}
	return int(i), nil
}

// integral reads n as a 32-bit integer, the width Elasticsearch reads these parameters
// in, accepting integral numbers written with a fraction or exponent.
func integral(n json.Number) (int64, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 32); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, false
	}
	return int64(f), true
}

func isNonNegativeInt(v any, path string) error {
	_, err := nonNegativeInt(v, path)
	return err
}

// oneOf accepts one of the given words, case-insensitively as Elasticsearch does.
func oneOf(words ...string) valueCheck {
	return func(v any, path string) error {
		s, ok := v.(string)
		if ok {
			for _, w := range words {
				if strings.EqualFold(s, w) {
					return nil
				}
			}
		}
		return malformed(path, "must be one of "+strings.Join(words, ", "))
	}
}

func numberOf(i int) json.Number { return json.Number(strconv.Itoa(i)) }
