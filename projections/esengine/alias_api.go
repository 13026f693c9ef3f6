package esengine

import (
	"net/http"
	"path"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

func (p aliasProps) render() wire.OrderedObject {
	o := wire.OrderedObject{}
	if p.isWriteIndex != nil {
		o = append(o, wire.OrderedField{Key: "is_write_index", Value: *p.isWriteIndex})
	}
	return o
}

// parseAliasDefinition reads an alias body ({} or {"is_write_index": true}). Filtered and
// routed aliases are refused: the engine would otherwise search more than the alias
// allows.
func parseAliasDefinition(raw any) (aliasProps, *wire.EsError) {
	var props aliasProps
	if raw == nil {
		return props, nil
	}
	obj, isObj := raw.(map[string]any)
	if !isObj {
		return props, wire.ErrXContentParse("[alias] expected an object")
	}
	for _, k := range mapping.SortedKeys(obj) {
		switch k {
		case "is_write_index":
			b, isBool := obj[k].(bool)
			if !isBool {
				return props, wire.ErrXContentParse("[alias] failed to parse field [is_write_index]")
			}
			props.isWriteIndex = &b
		case "is_hidden":
		case "filter", "routing", "index_routing", "search_routing":
			return props, wire.ErrIllegalArgument("alias [%s] is not supported by the embedded search engine", k)
		default:
			return props, wire.ErrXContentParse("[alias] unknown field [%s]", k)
		}
	}
	return props, nil
}

// checkAliasNameLocked applies Elasticsearch's alias naming rules; index is the index
// the alias is about to point at.
func (e *Engine) checkAliasNameLocked(alias, index string) *wire.EsError {
	if err := validateIndexName(alias); err != nil {
		return wire.NewError(http.StatusBadRequest, "invalid_alias_name_exception", "Invalid alias name [%s]: %s", alias,
			strings.TrimPrefix(err.Reason, "Invalid index name ["+alias+"], "))
	}
	if _, clash := e.indices[alias]; clash || alias == index {
		return wire.NewError(http.StatusBadRequest, "invalid_alias_name_exception",
			"Invalid alias name [%s]: an index or data stream exists with the same name as the alias", alias)
	}
	return nil
}

func (e *Engine) addAliasLocked(alias, index string, props aliasProps) {
	targets := e.aliases[alias]
	if targets == nil {
		targets = map[string]aliasProps{}
		e.aliases[alias] = targets
	}
	targets[index] = props
}

func errAliasesNotFound(names string) *wire.EsError {
	return wire.NewError(http.StatusNotFound, "aliases_not_found_exception", "aliases [%s] missing", names).
		With("resource.type", "aliases").With("resource.id", names)
}

func handlePutAlias(e *Engine, r *request) (reply, error) {
	body, err := wire.ParseBody(r.body)
	if err != nil {
		return reply{}, err
	}
	var props aliasProps
	if body != nil {
		if props, err = parseAliasDefinition(body); err != nil {
			return reply{}, err
		}
	}
	alias := r.vars["name"]
	e.mu.Lock()
	defer e.mu.Unlock()
	indices, ierr := e.expandIndicesLocked(strings.Split(r.vars["index"], ","), nil)
	if ierr != nil {
		return reply{}, ierr
	}
	for _, ix := range indices {
		if cerr := e.checkAliasNameLocked(alias, ix); cerr != nil {
			return reply{}, cerr
		}
	}
	for _, ix := range indices {
		e.addAliasLocked(alias, ix, props)
	}
	return ok(wire.OrderedObject{{Key: "acknowledged", Value: true}}), nil
}

func handleDeleteAlias(e *Engine, r *request) (reply, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	indices, err := e.expandIndicesLocked(strings.Split(r.vars["index"], ","), nil)
	if err != nil {
		return reply{}, err
	}
	patterns := strings.Split(r.vars["name"], ",")
	found := false
	for _, pattern := range patterns {
		for alias, targets := range e.aliases {
			if m, _ := path.Match(pattern, alias); !m && pattern != "_all" {
				continue
			}
			for _, ix := range indices {
				if _, has := targets[ix]; has {
					delete(targets, ix)
					found = true
				}
			}
			if len(targets) == 0 {
				delete(e.aliases, alias)
			}
		}
	}
	if !found {
		return reply{}, errAliasesNotFound(r.vars["name"])
	}
	return ok(wire.OrderedObject{{Key: "acknowledged", Value: true}}), nil
}

// handleGetAliases serves GET/HEAD on /_alias, /_alias/{name}, /{index}/_alias and
// /{index}/_alias/{name}.
func handleGetAliases(e *Engine, r *request) (reply, error) {
	indices, err := e.scopedIndices(r)
	if err != nil {
		return reply{}, err
	}
	name, named := r.vars["name"]
	var patterns []string
	if named {
		patterns = strings.Split(name, ",")
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	matched := map[string]bool{}
	out := wire.OrderedObject{}
	for _, ix := range indices {
		entry := wire.OrderedObject{}
		for _, alias := range e.aliasesOfLocked(ix.Name) {
			if named && !matchesAny(patterns, alias) {
				continue
			}
			matched[alias] = true
			entry = append(entry, wire.OrderedField{Key: alias, Value: e.aliases[alias][ix.Name].render()})
		}
		if named && len(entry) == 0 {
			continue
		}
		out = append(out, wire.OrderedField{Key: ix.Name, Value: wire.OrderedObject{{Key: "aliases", Value: entry}}})
	}
	if named {
		var missing []string
		for _, p := range patterns {
			if !isWildcard(p) && p != "_all" && !matched[p] {
				missing = append(missing, p)
			}
		}
		if len(missing) > 0 || (len(out) == 0 && r.method == http.MethodHead) {
			if r.method == http.MethodHead {
				return reply{status: http.StatusNotFound}, nil
			}
			reason := "alias [" + strings.Join(missing, ",") + "] missing"
			if len(missing) > 1 {
				reason = "aliases [" + strings.Join(missing, ",") + "] missing"
			}
			if len(out) == 0 {
				return reply{}, &wire.EsError{Status: http.StatusNotFound, Plain: true, Reason: reason, Typ: "aliases_not_found_exception"}
			}
			return reply{status: http.StatusNotFound, body: append(wire.OrderedObject{{Key: "error", Value: reason}, {Key: "status", Value: http.StatusNotFound}}, out...)}, nil
		}
	}
	if r.method == http.MethodHead {
		return reply{status: http.StatusOK}, nil
	}
	return ok(out), nil
}

func matchesAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if p == "_all" || p == name {
			return true
		}
		if m, _ := path.Match(p, name); m {
			return true
		}
	}
	return false
}
