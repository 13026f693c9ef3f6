package esengine

import (
	"net/http"
	"path"
	"strings"
)

func handleCreateIndex(e *Engine, r *request) (reply, error) {
	name := r.vars["index"]
	if err := validateIndexName(name); err != nil {
		return reply{}, err
	}
	body, err := parseBody(r.body)
	if err != nil {
		return reply{}, err
	}
	settings := defaultSettings(e.opts.tombstoneTTL)
	var m *mapping
	aliases := map[string]aliasProps{}
	for _, key := range sortedKeys(body) {
		v := body[key]
		switch key {
		case "settings":
			s, serr := parseSettings(v, settings)
			if serr != nil {
				return reply{}, serr
			}
			settings = s
		case "mappings":
			pm, merr := parseMappings(v)
			if merr != nil {
				return reply{}, merr
			}
			m = pm
		case "aliases":
			obj, isObj := v.(map[string]any)
			if !isObj {
				return reply{}, newError(http.StatusBadRequest, "parse_exception", "key [aliases] must be an object")
			}
			for alias, def := range obj {
				props, perr := parseAliasDefinition(def)
				if perr != nil {
					return reply{}, perr
				}
				aliases[alias] = props
			}
		default:
			return reply{}, newError(http.StatusBadRequest, "parse_exception", "unknown key [%s] for create index", key)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if existing, exists := e.indices[name]; exists {
		return reply{}, newError(http.StatusBadRequest, "resource_already_exists_exception", "index [%s/%s] already exists", name, existing.uuid).
			with("index_uuid", existing.uuid).with("index", name)
	}
	if _, isAlias := e.aliases[name]; isAlias {
		return reply{}, errInvalidIndexName(name, "already exists as alias")
	}
	for alias := range aliases {
		if err := e.checkAliasNameLocked(alias, name); err != nil {
			return reply{}, err
		}
	}
	e.indices[name] = newIndex(name, settings, m, e.opts.now)
	for alias, props := range aliases {
		e.addAliasLocked(alias, name, props)
	}
	return ok(orderedObject{{"acknowledged", true}, {"shards_acknowledged", true}, {"index", name}}), nil
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
	out := orderedObject{}
	for _, ix := range targets {
		e.mu.RLock()
		aliases := orderedObject{}
		for _, a := range e.aliasesOfLocked(ix.name) {
			aliases = append(aliases, orderedField{a, e.aliases[a][ix.name].render()})
		}
		e.mu.RUnlock()
		ix.mu.RLock()
		entry := orderedObject{{"aliases", aliases}, {"mappings", ix.mapping.render()}, {"settings", ix.settings.render(ix)}}
		ix.mu.RUnlock()
		out = append(out, orderedField{ix.name, entry})
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
			return reply{}, errIllegalArgument("The provided expression [%s] matches an alias, specify the corresponding concrete indices instead.", part)
		default:
			return reply{}, errIndexNotFound(part)
		}
	}
	for _, name := range doomed {
		e.dropIndexLocked(name)
	}
	return ok(orderedObject{{"acknowledged", true}}), nil
}

func handleGetMapping(e *Engine, r *request) (reply, error) {
	targets, err := e.resolveSearchTargets(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	out := orderedObject{}
	for _, ix := range targets {
		ix.mu.RLock()
		out = append(out, orderedField{ix.name, orderedObject{{"mappings", ix.mapping.render()}}})
		ix.mu.RUnlock()
	}
	return ok(out), nil
}

func handlePutMapping(e *Engine, r *request) (reply, error) {
	targets, err := e.resolveSearchTargets(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	body, perr := parseBody(r.body)
	if perr != nil {
		return reply{}, perr
	}
	if body == nil {
		return reply{}, errBodyRequired()
	}
	update, merr := parseMappings(body)
	if merr != nil {
		return reply{}, merr
	}
	for _, ix := range targets {
		ix.mu.Lock()
		// Merge into a copy so a refused update leaves the mapping untouched.
		trial, cerr := cloneMapping(ix.mapping)
		if cerr == nil {
			cerr = trial.merge(update)
		}
		if cerr == nil {
			ix.mapping = trial
			ix.mappingChanged()
		}
		ix.mu.Unlock()
		if cerr != nil {
			return reply{}, cerr
		}
	}
	return ok(orderedObject{{"acknowledged", true}}), nil
}

func handleGetSettings(e *Engine, r *request) (reply, error) {
	targets, err := e.resolveSearchTargets(r.vars["index"])
	if err != nil {
		return reply{}, err
	}
	out := orderedObject{}
	for _, ix := range targets {
		out = append(out, orderedField{ix.name, orderedObject{{"settings", ix.settings.render(ix)}}})
	}
	return ok(out), nil
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
		total += 1 + ix.settings.replicas
	}
	return ok(orderedObject{{"_shards", orderedObject{{"total", total}, {"successful", len(targets)}, {"failed", 0}}}}), nil
}
