package esengine

import (
	"net/http"
	"path"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

func handleCreateIndex(e *Engine, r *request) (reply, error) {
	name := r.vars["index"]
	if err := validateIndexName(name); err != nil {
		return reply{}, err
	}
	body, err := wire.ParseBody(r.body)
	if err != nil {
		return reply{}, err
	}
	settings := index.DefaultSettings(e.opts.tombstoneTTL)
	var m *mapping.Mapping
	aliases := map[string]aliasProps{}
	for _, key := range mapping.SortedKeys(body) {
		v := body[key]
		switch key {
		case "settings":
			s, serr := index.ParseSettings(v, settings)
			if serr != nil {
				return reply{}, serr
			}
			settings = s
		case "mappings":
			pm, merr := mapping.ParseMappings(v)
			if merr != nil {
				return reply{}, merr
			}
			m = pm
		case "aliases":
			obj, isObj := v.(map[string]any)
			if !isObj {
				return reply{}, wire.NewError(http.StatusBadRequest, "parse_exception", "key [aliases] must be an object")
			}
			for alias, def := range obj {
				props, perr := parseAliasDefinition(def)
				if perr != nil {
					return reply{}, perr
				}
				aliases[alias] = props
			}
		default:
			return reply{}, wire.NewError(http.StatusBadRequest, "parse_exception", "unknown key [%s] for create index", key)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if existing, exists := e.indices[name]; exists {
		return reply{}, wire.NewError(http.StatusBadRequest, "resource_already_exists_exception", "index [%s/%s] already exists", name, existing.Uuid).
			With("index_uuid", existing.Uuid).With("index", name)
	}
	if _, isAlias := e.aliases[name]; isAlias {
		return reply{}, wire.ErrInvalidIndexName(name, "already exists as alias")
	}
	for alias := range aliases {
		if err := e.checkAliasNameLocked(alias, name); err != nil {
			return reply{}, err
		}
	}
	e.indices[name] = index.NewIndex(name, settings, m, e.opts.now)
	for alias, props := range aliases {
		e.addAliasLocked(alias, name, props)
	}
	return ok(wire.OrderedObject{{Key: "acknowledged", Value: true}, {Key: "shards_acknowledged", Value: true}, {Key: "index", Value: name}}), nil
}

func handleIndexExists(e *Engine, r *request) (reply, error) {
	if _, err := e.resolveSearchTargets(r.vars["index"]); err != nil {
		return reply{status: http.StatusNotFound}, nil //nolint:nilerr // HEAD answers a missing index with a bare 404, as ES does
	}
	return reply{status: http.StatusOK}, nil
}

func handleGetIndex(e *Engine, r *request) (reply, error) {
	targets, err := e.resolveSearchTargets(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	out := wire.OrderedObject{}
	for _, ix := range targets {
		e.mu.RLock()
		aliases := wire.OrderedObject{}
		for _, a := range e.aliasesOfLocked(ix.Name) {
			aliases = append(aliases, wire.OrderedField{Key: a, Value: e.aliases[a][ix.Name].render()})
		}
		e.mu.RUnlock()
		ix.Mu.RLock()
		entry := wire.OrderedObject{{Key: "aliases", Value: aliases}, {Key: "mappings", Value: ix.Mapping.Render()}, {Key: "settings", Value: ix.Settings.Render(ix)}}
		ix.Mu.RUnlock()
		out = append(out, wire.OrderedField{Key: ix.Name, Value: entry})
	}
	return ok(out), nil
}

func handleDeleteIndex(e *Engine, r *request) (reply, error) {
	expr := r.vars["index"]
	e.mu.Lock()
	defer e.mu.Unlock()
	var doomed []string
	for _, part := range strings.Split(expr, ",") {
		switch {
		case part == "_all" || isWildcard(part):
			for name := range e.indices {
				if m, _ := path.Match(part, name); m || part == "_all" {
					doomed = append(doomed, name)
				}
			}
		case e.indices[part] != nil:
			doomed = append(doomed, part)
		case e.aliases[part] != nil:
			return reply{}, wire.ErrIllegalArgument("The provided expression [%s] matches an alias, specify the corresponding concrete indices instead.", part)
		default:
			return reply{}, wire.ErrIndexNotFound(part)
		}
	}
	for _, name := range doomed {
		e.dropIndexLocked(name)
	}
	return ok(wire.OrderedObject{{Key: "acknowledged", Value: true}}), nil
}

func handleGetMapping(e *Engine, r *request) (reply, error) {
	return perIndex(e, r, "mappings", func(ix *index.Index) any {
		ix.Mu.RLock()
		defer ix.Mu.RUnlock()
		return ix.Mapping.Render()
	})
}

// perIndex answers GET _mapping and _settings: an object naming each target index,
// holding what part renders for it under key.
func perIndex(e *Engine, r *request, key string, part func(*index.Index) any) (reply, error) {
	targets, err := e.resolveSearchTargets(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	out := make(wire.OrderedObject, 0, len(targets))
	for _, ix := range targets {
		out = append(out, wire.OrderedField{Key: ix.Name, Value: wire.OrderedObject{{Key: key, Value: part(ix)}}})
	}
	return ok(out), nil
}

func handlePutMapping(e *Engine, r *request) (reply, error) {
	targets, err := e.resolveSearchTargets(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	body, perr := wire.ParseBody(r.body)
	if perr != nil {
		return reply{}, perr
	}
	if body == nil {
		return reply{}, wire.ErrBodyRequired()
	}
	update, merr := mapping.ParseMappings(body)
	if merr != nil {
		return reply{}, merr
	}
	for _, ix := range targets {
		ix.Mu.Lock()
		// Merge into a copy so a refused update leaves the mapping untouched.
		trial, cerr := index.CloneMapping(ix.Mapping)
		if cerr == nil {
			cerr = trial.Merge(update)
		}
		if cerr == nil {
			ix.Mapping = trial
			ix.MappingChanged()
		}
		ix.Mu.Unlock()
		if cerr != nil {
			return reply{}, cerr
		}
	}
	return ok(wire.OrderedObject{{Key: "acknowledged", Value: true}}), nil
}

func handleGetSettings(e *Engine, r *request) (reply, error) {
	return perIndex(e, r, "settings", func(ix *index.Index) any { return ix.Settings.Render(ix) })
}

// handleRefresh is a no-op that reports success: every write is searchable as soon as it
// is acknowledged.
func handleRefresh(e *Engine, r *request) (reply, error) {
	targets, err := e.resolveSearchTargets(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	total := 0
	for _, ix := range targets {
		total += 1 + ix.Settings.Replicas
	}
	return ok(wire.OrderedObject{{Key: "_shards", Value: wire.OrderedObject{{Key: "total", Value: total}, {Key: "successful", Value: len(targets)}, {Key: "failed", Value: 0}}}}), nil
}
