package esengine

import (
	"path"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// aliasAction is one entry of a POST /_aliases request.
type aliasAction struct {
	kind      string // add, remove, remove_index
	indices   []string
	aliases   []string
	props     aliasProps
	mustExist *bool
}

func parseAliasActions(body map[string]any) ([]aliasAction, *wire.EsError) {
	wrap := func(inner *wire.EsError) *wire.EsError {
		return wire.ErrXContentParse("[aliases] failed to parse field [actions]").Because(inner)
	}
	rawActions, isList := body["actions"].([]any)
	if !isList {
		return nil, wire.ErrValidation("At least one action is required")
	}
	for k := range body {
		if k != "actions" {
			return nil, wire.ErrXContentParse("[aliases] unknown field [%s]", k)
		}
	}
	var actions []aliasAction
	for _, ra := range rawActions {
		obj, isObj := ra.(map[string]any)
		if !isObj || len(obj) != 1 {
			return nil, wrap(wire.ErrXContentParse("[alias_action] expected exactly one action"))
		}
		for kind, rawDef := range obj {
			if kind != "add" && kind != "remove" && kind != "remove_index" {
				return nil, wrap(wire.ErrXContentParse("[alias_action] unknown field [%s]", kind))
			}
			def, isObj := rawDef.(map[string]any)
			if !isObj {
				return nil, wrap(wire.ErrXContentParse("[%s] expected an object", kind))
			}
			a := aliasAction{kind: kind}
			rest := map[string]any{}
			for k, v := range def {
				switch k {
				case "index", "indices", "alias", "aliases":
					names, ok := wire.StringList(v)
					if !ok {
						return nil, wrap(wire.ErrXContentParse("[%s] failed to parse field [%s]", kind, k))
					}
					if k == "index" || k == "indices" {
						a.indices = append(a.indices, names...)
					} else {
						a.aliases = append(a.aliases, names...)
					}
				case "must_exist":
					b, isBool := v.(bool)
					if !isBool {
						return nil, wrap(wire.ErrXContentParse("[%s] failed to parse field [must_exist]", kind))
					}
					a.mustExist = &b
				default:
					rest[k] = v
				}
			}
			props, err := parseAliasDefinition(rest)
			if err != nil {
				return nil, wrap(err)
			}
			a.props = props
			if len(a.indices) == 0 {
				return nil, wire.ErrValidation("One of [index/indices] is required")
			}
			if kind != "remove_index" && len(a.aliases) == 0 {
				return nil, wire.ErrValidation("One of [alias/aliases] is required")
			}
			actions = append(actions, a)
		}
	}
	if len(actions) == 0 {
		return nil, wire.ErrValidation("At least one action is required")
	}
	return actions, nil
}

// handleAliasActions applies add/remove/remove_index actions atomically: they are
// checked and applied to a copy of the catalog, which replaces the real one only if
// every action succeeded, so a reader sees either the old or the new aliases.
func handleAliasActions(e *Engine, r *request) (reply, error) {
	body, err := wire.ParseBody(r.body)
	if err != nil {
		return reply{}, err
	}
	if body == nil {
		return reply{}, wire.ErrBodyRequired()
	}
	actions, err := parseAliasActions(body)
	if err != nil {
		return reply{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	aliases := map[string]map[string]aliasProps{}
	for a, targets := range e.aliases {
		aliases[a] = map[string]aliasProps{}
		for ix, p := range targets {
			aliases[a][ix] = p
		}
	}
	removed := map[string]bool{}
	effective := 0
	var missing []string
	for _, a := range actions {
		indices, ierr := e.expandIndicesLocked(a.indices, removed)
		if ierr != nil {
			return reply{}, ierr
		}
		switch a.kind {
		case "add":
			for _, alias := range a.aliases {
				for _, ix := range indices {
					if cerr := e.checkAliasNameLocked(alias, ix); cerr != nil {
						return reply{}, cerr
					}
					if aliases[alias] == nil {
						aliases[alias] = map[string]aliasProps{}
					}
					aliases[alias][ix] = a.props
					effective++
				}
			}
		case "remove":
			// Elasticsearch drops a remove that matches nothing, and only fails when no
			// action at all is left to apply.
			for _, alias := range a.aliases {
				for _, ix := range indices {
					for name, targets := range aliases {
						if m, _ := path.Match(alias, name); (m || alias == "_all") && targets != nil {
							if _, has := targets[ix]; has {
								delete(targets, ix)
								effective++
							}
						}
					}
				}
				if a.mustExist != nil && *a.mustExist && effective == 0 {
					return reply{}, errAliasesNotFound(alias)
				}
				missing = append(missing, alias)
			}
		case "remove_index":
			for _, ix := range indices {
				if _, isIndex := e.indices[ix]; !isIndex {
					return reply{}, wire.ErrIllegalArgument("The provided expression [%s] matches an alias, specify the corresponding concrete indices instead.", ix)
				}
				removed[ix] = true
				effective++
				for _, targets := range aliases {
					delete(targets, ix)
				}
			}
		}
	}
	if effective == 0 {
		return reply{}, errAliasesNotFound(strings.Join(missing, ","))
	}
	for alias, targets := range aliases {
		if len(targets) == 0 {
			delete(aliases, alias)
		}
	}
	for ix := range removed {
		delete(e.indices, ix)
	}
	e.aliases = aliases
	return ok(wire.OrderedObject{{Key: "acknowledged", Value: true}}), nil
}

// expandIndicesLocked resolves index names and wildcards of an alias action to concrete
// indices; names must exist (removed ones no longer do).
func (e *Engine) expandIndicesLocked(names []string, removed map[string]bool) ([]string, *wire.EsError) {
	var out []string
	for _, n := range names {
		if isWildcard(n) || n == "_all" {
			for _, name := range mapping.SortedKeys(e.indices) {
				if m, _ := path.Match(n, name); (m || n == "_all") && !removed[name] {
					out = append(out, name)
				}
			}
			continue
		}
		if _, exists := e.indices[n]; !exists || removed[n] {
			if _, isAlias := e.aliases[n]; isAlias {
				return nil, wire.ErrIllegalArgument("The provided expression [%s] matches an alias, specify the corresponding concrete indices instead.", n)
			}
			return nil, wire.ErrIndexNotFound(n)
		}
		out = append(out, n)
	}
	return out, nil
}
