package esengine

import (
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/index"
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// validateIndexName applies Elasticsearch's index (and alias) naming rules.
func validateIndexName(name string) *wire.EsError {
	switch {
	case name == "":
		return wire.ErrInvalidIndexName(name, "must not be empty")
	case name != strings.ToLower(name):
		return wire.ErrInvalidIndexName(name, "must be lowercase")
	case name == "." || name == "..":
		return wire.ErrInvalidIndexName(name, "must not be '.' or '..'")
	case strings.ContainsAny(name[:1], "_-+"):
		return wire.ErrInvalidIndexName(name, "must not start with '_', '-', or '+'")
	case strings.ContainsAny(name, `\/*?"<>| ,#:`):
		return wire.ErrInvalidIndexName(name, `must not contain the following characters [ , ", *, \, <, |, ,, >, /, ?]`)
	case len(name) > 255:
		return wire.ErrInvalidIndexName(name, "index name is too long, (256 > 255)")
	}
	return nil
}

func isWildcard(expr string) bool { return strings.ContainsAny(expr, "*?") }

// resolveSearchTargets expands an index expression (comma-separated names, aliases,
// wildcards, _all) into the concrete indices to search, in name order. A name that
// matches nothing is an error; a wildcard that matches nothing is not, as in
// Elasticsearch's default indices options.
func (e *Engine) resolveSearchTargets(expr string) ([]*index.Index, *wire.EsError) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if expr == "" || expr == "_all" || expr == "*" {
		return e.allIndicesLocked(), nil
	}
	seen := map[string]bool{}
	var out []*index.Index
	add := func(ix *index.Index) {
		if !seen[ix.Name] {
			seen[ix.Name] = true
			out = append(out, ix)
		}
	}
	for _, part := range strings.Split(expr, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.HasPrefix(part, "-") {
			return nil, wire.ErrIllegalArgument("index exclusions [%s] are not supported by the embedded engine", part)
		}
		if isWildcard(part) {
			for _, name := range mapping.SortedKeys(e.indices) {
				if m, _ := path.Match(part, name); m {
					add(e.indices[name])
				}
			}
			for _, alias := range mapping.SortedKeys(e.aliases) {
				if m, _ := path.Match(part, alias); m {
					for _, name := range mapping.SortedKeys(e.aliases[alias]) {
						add(e.indices[name])
					}
				}
			}
			continue
		}
		if ix, ok := e.indices[part]; ok {
			add(ix)
			continue
		}
		if targets, ok := e.aliases[part]; ok {
			for _, name := range mapping.SortedKeys(targets) {
				add(e.indices[name])
			}
			continue
		}
		return nil, wire.ErrIndexNotFound(part)
	}
	slices.SortFunc(out, func(a, b *index.Index) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (e *Engine) allIndicesLocked() []*index.Index {
	out := make([]*index.Index, 0, len(e.indices))
	for _, name := range mapping.SortedKeys(e.indices) {
		out = append(out, e.indices[name])
	}
	return out
}

// resolveReadIndex resolves the target of a single-document read: an index, or an alias
// pointing at exactly one index.
func (e *Engine) resolveReadIndex(name string) (*index.Index, *wire.EsError) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if ix, ok := e.indices[name]; ok {
		return ix, nil
	}
	if targets, ok := e.aliases[name]; ok {
		if len(targets) > 1 {
			return nil, wire.ErrIllegalArgument("alias [%s] has more than one index associated with it [%s], can't execute a single index op",
				name, strings.Join(mapping.SortedKeys(targets), ", "))
		}
		for target := range targets {
			return e.indices[target], nil
		}
	}
	return nil, wire.ErrIndexExpressionNotFound(name)
}

// resolveWriteIndex resolves the target of a write: an index, an alias's write index, or
// (when auto-creation is on) a new index with dynamic mappings. Deletes never create an
// index, as in Elasticsearch.
func (e *Engine) resolveWriteIndex(name string, requireAlias, isDelete bool) (*index.Index, *wire.EsError) {
	e.mu.RLock()
	ix, err, found := e.writeTargetLocked(name, requireAlias)
	e.mu.RUnlock()
	if found || err != nil {
		return ix, err
	}
	if isDelete {
		return nil, wire.ErrIndexExpressionNotFound(name)
	}
	if !e.opts.autoCreateIndex {
		return nil, wire.ErrIndexNotFound(name)
	}
	if verr := validateIndexName(name); verr != nil {
		return nil, verr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	// Another writer may have created it between the two locks.
	if ix, err, found := e.writeTargetLocked(name, requireAlias); found || err != nil {
		return ix, err
	}
	ix = index.NewIndex(name, index.DefaultSettings(e.opts.tombstoneTTL), nil, e.opts.now)
	e.indices[name] = ix
	return ix, nil
}

func (e *Engine) writeTargetLocked(name string, requireAlias bool) (*index.Index, *wire.EsError, bool) {
	if ix, ok := e.indices[name]; ok {
		if requireAlias {
			return nil, wire.ErrIndexNotFound(name).With("reason", "[require_alias] request flag is [true] and ["+name+"] is not an alias"), true
		}
		return ix, nil, true
	}
	targets, ok := e.aliases[name]
	if !ok {
		if requireAlias {
			return nil, wire.NewError(http.StatusNotFound, "index_not_found_exception", "no such index [%s] and [require_alias] request flag is [true] and [%s] is not an alias", name, name).
				With("index_uuid", "_na_").With("index", name), true
		}
		return nil, nil, false
	}
	var write *index.Index
	for target, props := range targets {
		switch {
		case props.isWriteIndex != nil && *props.isWriteIndex:
			return e.indices[target], nil, true
		case len(targets) == 1 && (props.isWriteIndex == nil || *props.isWriteIndex):
			write = e.indices[target]
		}
	}
	if write == nil {
		return nil, wire.ErrIllegalArgument("no write index is defined for alias [%s]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index", name), true
	}
	return write, nil, true
}

// aliasesOfLocked lists the aliases pointing at index name; the caller holds e.mu.
func (e *Engine) aliasesOfLocked(name string) []string {
	var out []string
	for alias, targets := range e.aliases {
		if _, ok := targets[name]; ok {
			out = append(out, alias)
		}
	}
	slices.Sort(out)
	return out
}

// dropIndexLocked removes an index and every alias entry pointing at it.
func (e *Engine) dropIndexLocked(name string) {
	delete(e.indices, name)
	for alias, targets := range e.aliases {
		delete(targets, name)
		if len(targets) == 0 {
			delete(e.aliases, alias)
		}
	}
}

// scopedIndices is what a request's {index} names, or every index when its route has
// none (GET /_alias, GET /_cluster/health).
func (e *Engine) scopedIndices(r *request) ([]*index.Index, *wire.EsError) {
	if expr, scoped := r.vars["index"]; scoped {
		return e.resolveSearchTargets(expr)
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.allIndicesLocked(), nil
}
