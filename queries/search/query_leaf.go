package search

import "fmt"

// Leaf queries: each looks at one field (any field, _id included) and nests nothing.

var matchAllParams = map[string]valueCheck{"boost": boostParam, "_name": nameParam}

var matchParams = map[string]valueCheck{
	"query":                isScalar,
	"operator":             oneOf("and", "or"),
	"minimum_should_match": isMinimumShouldMatch,
	"boost":                boostParam,
	"_name":                nameParam,
}

var termParams = map[string]valueCheck{
	"value": isScalar,
	"boost": boostParam,
	"_name": nameParam,
}

var rangeParams = map[string]valueCheck{
	"gt":        isScalarOrNull,
	"gte":       isScalarOrNull,
	"lt":        isScalarOrNull,
	"lte":       isScalarOrNull,
	"format":    isString,
	"time_zone": isString,
	"boost":     boostParam,
	"_name":     nameParam,
}

var existsParams = map[string]valueCheck{"field": isNonEmptyString, "boost": boostParam, "_name": nameParam}

func validateMatchAll(v any, path string) error {
	obj, err := asObject(v, path, "match_all")
	if err != nil {
		return err
	}
	return checkParams(obj, path, matchAllParams)
}

// validateMatch accepts {"field": value} and {"field": {"query": value, ...}}.
func validateMatch(v any, path string) error {
	return validateFieldQuery(v, path, "match", "query", matchParams)
}

// validateTerm accepts {"field": value} and {"field": {"value": value, ...}}.
func validateTerm(v any, path string) error {
	return validateFieldQuery(v, path, "term", "value", termParams)
}

func validateFieldQuery(v any, path, name, valueKey string, params map[string]valueCheck) error {
	_, value, fieldPath, err := singleField(v, path, name)
	if err != nil {
		return err
	}
	inner, ok := value.(object)
	if !ok {
		return isScalar(value, fieldPath)
	}
	if err := require(inner, fieldPath, valueKey); err != nil {
		return err
	}
	return checkParams(inner, fieldPath, params)
}

func validateRange(v any, path string) error {
	_, value, fieldPath, err := singleField(v, path, "range")
	if err != nil {
		return err
	}
	inner, err := asObject(value, fieldPath, "a range")
	if err != nil {
		return err
	}
	return checkParams(inner, fieldPath, rangeParams)
}

func validateExists(v any, path string) error {
	obj, err := asObject(v, path, "exists")
	if err != nil {
		return err
	}
	if err := require(obj, path, "field"); err != nil {
		return err
	}
	return checkParams(obj, path, existsParams)
}

// validateTerms accepts {"field": [values], "boost", "_name"}; the terms lookup form
// (an object instead of the array) would read another index, so it is refused.
func validateTerms(v any, path string) error {
	obj, err := asObject(v, path, "terms")
	if err != nil {
		return err
	}
	fields := 0
	for _, m := range obj {
		p := path + "." + m.key
		switch m.key {
		case "boost":
			err = boostParam(m.value, p)
		case "_name":
			err = nameParam(m.value, p)
		default:
			fields++
			err = validateValueList(m.value, p, "terms lookup is not supported; list the values")
		}
		if err != nil {
			return err
		}
	}
	if fields != 1 {
		return malformed(path, fmt.Sprintf("terms must name exactly one field, found %d", fields))
	}
	return nil
}

// validateIDs accepts {"values": [ids], "boost", "_name"}.
func validateIDs(v any, path string) error {
	obj, err := asObject(v, path, "ids")
	if err != nil {
		return err
	}
	if err := require(obj, path, "values"); err != nil {
		return err
	}
	for _, m := range obj {
		p := path + "." + m.key
		switch m.key {
		case "values":
			err = validateValueList(m.value, p, "must be an array of ids")
		case "boost":
			err = boostParam(m.value, p)
		case "_name":
			err = nameParam(m.value, p)
		default:
			err = unsupported(p, fmt.Sprintf("unsupported parameter %q", m.key))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// validateValueList checks the values of terms and ids: an array of at most MaxTerms
// scalars.
func validateValueList(v any, path, notArray string) error {
	list, ok := v.([]any)
	if !ok {
		if _, isObj := v.(object); isObj {
			return unsupported(path, notArray)
		}
		return malformed(path, "must be an array of values")
	}
	if len(list) > MaxTerms {
		return limit(path, fmt.Sprintf("at most %d values, got %d", MaxTerms, len(list)))
	}
	for i, e := range list {
		if err := isScalar(e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// singleField reads the {"field": value} body of match, term and range, which name
// exactly one field, as Elasticsearch requires.
func singleField(v any, path, name string) (field string, value any, fieldPath string, err error) {
	obj, err := asObject(v, path, name)
	if err != nil {
		return "", nil, "", err
	}
	field, value, fieldPath, err = onlyMember(obj, path, name+" must name exactly one field, found %d")
	if err == nil && field == "" {
		err = malformed(path, "the field name must not be empty")
	}
	return field, value, fieldPath, err
}
