package plan

import (
	"encoding/json"
	"fmt"
)

// MergePatch applies a JSON merge patch (RFC 7396) to target and returns the result,
// with one extension: an array whose elements all carry an objectId, patched by an
// array in which some element carries an objectId, merges element by element instead
// of being replaced:
//
//   - a patch element whose objectId is in the target is merged into that element,
//     recursively, with the same rules;
//   - a patch element with a new objectId is appended (merged into {}, so its nulls
//     are dropped as RFC 7396 drops them in new objects);
//   - existing elements keep their order and are never removed by a merge; to remove
//     one, replace the plan (PUT) or send the array without objectIds, which replaces
//     it as RFC 7396 does (an empty array empties it);
//   - a patch element without an objectId there is a problem at `path[i].objectId`.
//
// The patch must be a JSON object (RFC 7396 also allows replacing the whole document
// with a non-object, which no plan can be). Problems in the patch are reported as a
// *ValidationError whose paths point into the patch. The target may be any JSON value;
// one that does not parse is an ordinary error (the target is not the client's input).
//
// The result is not validated as a plan; Aggregate.Patch does that.
func MergePatch(target, patch []byte) ([]byte, error) {
	t, err := parseStrict(target)
	if err != nil {
		// Not wrapped: a parse failure is a *ValidationError, and the HTTP layer would
		// blame the client (400) for what is the stored target's fault.
		return nil, fmt.Errorf("merge patch: the target is not valid JSON: %v", err) //nolint:errorlint // see above
	}
	p, err := parsePatch(patch)
	if err != nil {
		return nil, err
	}
	merged, err := mergeTrees(t, p)
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(merged)
	if err != nil {
		return nil, fmt.Errorf("merge patch: encode result: %w", err)
	}
	return out, nil
}

// parsePatch strictly parses a merge patch and insists on an object.
func parsePatch(patch []byte) (map[string]any, error) {
	tree, err := parseStrict(patch)
	if err != nil {
		return nil, err
	}
	obj, ok := tree.(map[string]any)
	if !ok {
		return nil, invalid("", "a merge patch must be a JSON object, not "+describe(tree))
	}
	return obj, nil
}

// mergeTrees merges patch into target. Both trees are consumed: target is modified in
// place (copying it would double the cost for nothing) and arrays the patch replaces
// are moved into the result as they are.
func mergeTrees(target any, patch map[string]any) (any, error) {
	var ps problems
	merged := mergeValue(target, patch, "", &ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return merged, nil
}

// mergeValue is RFC 7396's MergePatch(Target, Patch) plus the objectId extension.
func mergeValue(target, patch any, path string, ps *problems) any {
	switch p := patch.(type) {
	case map[string]any:
		t, ok := target.(map[string]any)
		if !ok {
			t = make(map[string]any, len(p))
		}
		for name, value := range p {
			if value == nil {
				delete(t, name)
				continue
			}
			t[name] = mergeValue(t[name], value, fieldPath(path, name), ps)
		}
		return t
	case []any:
		if t, ok := target.([]any); ok && mergesByObjectID(t, p) {
			return mergeByObjectID(t, p, path, ps)
		}
		return p
	default:
		return p
	}
}

// mergesByObjectID decides whether an array patch merges by objectId: every target
// element is an object with a string objectId (vacuously true for []) and at least one
// patch element carries an objectId. Otherwise RFC 7396 replaces the array.
func mergesByObjectID(target, patch []any) bool {
	for _, el := range target {
		if _, ok := objectIDOf(el); !ok {
			return false
		}
	}
	for _, el := range patch {
		if obj, ok := el.(map[string]any); ok && obj["objectId"] != nil {
			return true
		}
	}
	return false
}

func objectIDOf(v any) (string, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	id, ok := obj["objectId"].(string)
	return id, ok
}

// mergeByObjectID merges each patch element into the target element with the same
// objectId or appends it. Patch elements apply in order, so a patch that names one
// objectId twice merges both into the same element.
func mergeByObjectID(target, patch []any, path string, ps *problems) []any {
	at := make(map[string]int, len(target)+len(patch))
	for i, el := range target {
		id, _ := objectIDOf(el)
		if _, seen := at[id]; !seen {
			at[id] = i
		}
	}
	for i, el := range patch {
		elPath := indexPath(path, i)
		obj, ok := el.(map[string]any)
		if !ok {
			ps.add(elPath, "must be an object with an objectId: this array merges by objectId, not "+describe(el))
			continue
		}
		idPath := fieldPath(elPath, "objectId")
		raw, present := obj["objectId"]
		if !present || raw == nil {
			ps.add(idPath, "is required: elements of this array are matched by objectId")
			continue
		}
		id, ok := raw.(string)
		if !ok {
			ps.add(idPath, "must be a string, not "+describe(raw))
			continue
		}
		if pos, found := at[id]; found {
			target[pos] = mergeValue(target[pos], obj, elPath, ps)
			continue
		}
		at[id] = len(target)
		target = append(target, mergeValue(nil, obj, elPath, ps))
	}
	return target
}
