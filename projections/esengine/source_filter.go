package esengine

import (
	"encoding/json"

	"github.com/planstore/planstore/internal/commalist"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/query"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// sourceFilter is the _source option of searches and gets: off, everything, or the
// fields matching includes minus those matching excludes (patterns may use *).
type sourceFilter struct {
	disabled bool
	includes []string
	excludes []string
}

func (f sourceFilter) filtering() bool { return len(f.includes) > 0 || len(f.excludes) > 0 }

func sourceFilterFromParams(q paramReader) (sourceFilter, *wire.EsError) {
	var f sourceFilter
	if v, ok := q.lookup("_source"); ok {
		switch v {
		case "false":
			f.disabled = true
		case "true", "":
		default:
			f.includes = commalist.Split(v)
		}
	}
	if v, ok := q.lookup("_source_includes"); ok {
		f.includes = append(f.includes, commalist.Split(v)...)
		f.disabled = false
	}
	if v, ok := q.lookup("_source_excludes"); ok {
		f.excludes = append(f.excludes, commalist.Split(v)...)
		f.disabled = false
	}
	return f, nil
}

// parseSourceFilter reads the body's _source: a boolean, a pattern, a list of patterns,
// or {"includes": [...], "excludes": [...]}.
func parseSourceFilter(v any) (sourceFilter, *wire.EsError) {
	var f sourceFilter
	switch x := v.(type) {
	case bool:
		f.disabled = !x
	case string:
		f.includes = []string{x}
	case []any:
		list, ok := wire.StringList(x)
		if !ok {
			return f, wire.ErrParsing("Unknown key for a START_ARRAY in [_source].")
		}
		f.includes = list
	case map[string]any:
		for _, k := range mapping.SortedKeys(x) {
			list, ok := wire.StringList(x[k])
			if !ok {
				return f, wire.ErrParsing("Unknown key for a %s in [%s].", wire.TokenKind(x[k]), k)
			}
			switch k {
			case "includes", "include":
				f.includes = append(f.includes, list...)
			case "excludes", "exclude":
				f.excludes = append(f.excludes, list...)
			default:
				return f, wire.ErrParsing("Unknown key for a %s in [%s].", wire.TokenKind(x[k]), k)
			}
		}
	default:
		return f, wire.ErrParsing("Unknown key for a %s in [_source].", wire.TokenKind(v))
	}
	return f, nil
}

// apply returns the source to show and whether to show one at all. Filtering re-encodes
// the source, which sorts its keys; unfiltered sources are returned as stored.
func (f sourceFilter) apply(src string) (wire.RawJSON, bool) {
	if f.disabled {
		return "", false
	}
	if !f.filtering() {
		return wire.RawJSON(src), true
	}
	raw, err := wire.DecodeJSON([]byte(src))
	if err != nil {
		return wire.RawJSON(src), true
	}
	obj, isObj := raw.(map[string]any)
	if !isObj {
		return wire.RawJSON(src), true
	}
	out, err := json.Marshal(f.filterObject(obj, "", false))
	if err != nil {
		return wire.RawJSON(src), true
	}
	return wire.RawJSON(out), true
}

// filterObject keeps the keys of obj that the filter selects; within an included object
// everything is kept except what excludes remove.
func (f sourceFilter) filterObject(obj map[string]any, prefix string, included bool) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		if query.MatchesAnyPattern(f.excludes, p) {
			continue
		}
		in := included || len(f.includes) == 0 || query.MatchesAnyPattern(f.includes, p)
		switch x := v.(type) {
		case map[string]any:
			sub := f.filterObject(x, p, in)
			if in || len(sub) > 0 {
				out[k] = sub
			}
		case []any:
			kept := f.filterArray(x, p, in)
			if in || len(kept) > 0 {
				out[k] = kept
			}
		default:
			if in {
				out[k] = v
			}
		}
	}
	return out
}

func (f sourceFilter) filterArray(arr []any, p string, included bool) []any {
	var kept []any
	for _, e := range arr {
		switch x := e.(type) {
		case map[string]any:
			sub := f.filterObject(x, p, included)
			if included || len(sub) > 0 {
				kept = append(kept, sub)
			}
		default:
			if included {
				kept = append(kept, e)
			}
		}
	}
	if kept == nil && included {
		kept = []any{}
	}
	return kept
}
