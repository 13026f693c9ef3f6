package search

import (
	"encoding/json"
	"fmt"
	"strings"
)

var sortParams = map[string]valueCheck{
	"order":         oneOf("asc", "desc"),
	"missing":       isScalar,
	"mode":          oneOf("min", "max", "sum", "avg", "median"),
	"unmapped_type": oneOf(unmappedSortTypes...),
}

// unmappedSortTypes are the unmapped_type values both engines sort by; Elasticsearch
// refuses text, object, binary, geo_point and unknown types, and others it accepts
// (scaled_float, wildcard...) only with a mapper plugin, so those are refused here alike.
var unmappedSortTypes = []string{"long", "integer", "short", "byte", "double", "float", "half_float",
	"date", "date_nanos", "boolean", "keyword", "ip", "join", "flattened",
	"integer_range", "long_range", "float_range", "double_range", "date_range", "ip_range"}

// validateSort accepts Elasticsearch's sort forms on fields, _score and _doc:
// "field", {"field": "desc"}, {"field": {"order": "desc", ...}}, or an array of them.
// Script and geo-distance sorts are refused.
func validateSort(v any, path string) error {
	list, isList := v.([]any)
	if !isList {
		list = []any{v}
	}
	if len(list) > MaxSortFields {
		return limit(path, fmt.Sprintf("at most %d sort keys, got %d", MaxSortFields, len(list)))
	}
	for i, e := range list {
		p := path
		if isList {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		if err := validateSortKey(e, p); err != nil {
			return err
		}
	}
	return nil
}

func validateSortKey(v any, path string) error {
	if s, ok := v.(string); ok {
		return sortField(s, path)
	}
	obj, ok := v.(object)
	if !ok {
		return malformed(path, "a sort key must be a field name or an object")
	}
	field, spec, p, err := onlyMember(obj, path, "a sort key must name exactly one field, found %d")
	if err != nil {
		return err
	}
	if err := sortField(field, p); err != nil {
		return err
	}
	if order, ok := spec.(string); ok {
		return sortParams["order"](order, p)
	}
	opts, err := asObject(spec, p, "sort options")
	if err != nil {
		return err
	}
	return checkParams(opts, p, sortParams)
}

func sortField(name, path string) error {
	switch {
	case name == "":
		return malformed(path, "the sort field must not be empty")
	case name == "_geo_distance" || strings.HasPrefix(name, "_script"):
		return unsupported(path, fmt.Sprintf("unsupported sort %q; sort on fields, _score or _doc", name))
	}
	return nil
}

// validateSource accepts true/false, "field", ["fields"], or
// {"includes": ..., "excludes": ...} (also the singular spellings).
func validateSource(v any, path string) error {
	switch v := v.(type) {
	case bool, string:
		return nil
	case []any:
		return isStringOrStrings(v, path)
	case object:
		return checkParams(v, path, map[string]valueCheck{
			"includes": isStringOrStrings, "include": isStringOrStrings,
			"excludes": isStringOrStrings, "exclude": isStringOrStrings,
		})
	}
	return malformed(path, "must be a boolean, a field pattern, a list of them, or {includes, excludes}")
}

// validateTrackTotalHits accepts true, false, or the count up to which totals are exact.
func validateTrackTotalHits(v any, path string) error {
	if _, ok := v.(bool); ok {
		return nil
	}
	if _, ok := v.(json.Number); ok {
		return isNonNegativeInt(v, path)
	}
	return malformed(path, "must be true, false or a non-negative integer")
}
