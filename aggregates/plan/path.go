package plan

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// fieldPath appends an object member to a path: `a.b`, or `a["x.y"]` when the name is
// not a plain identifier and a dot would make the path ambiguous.
func fieldPath(base, name string) string {
	if !isIdentifier(name) {
		q, err := json.Marshal(name)
		if err != nil { // cannot happen for a Go string; keep a readable fallback
			q = []byte(strconv.Quote(name))
		}
		return base + "[" + string(q) + "]"
	}
	if base == "" {
		return name
	}
	return base + "." + name
}

// indexPath appends an array index to a path: `a[3]`.
func indexPath(base string, i int) string {
	return base + "[" + strconv.Itoa(i) + "]"
}

// isIdentifier reports whether name can be written after a dot in a path.
func isIdentifier(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// segment is one step of a path: a member name, or an array index when isIndex.
type segment struct {
	name    string
	index   int
	isIndex bool
}

// segments splits a path built by fieldPath and indexPath back into its steps. It is
// only used for ordering and parent lookups, so a malformed path degrades to one name.
func segments(path string) []segment {
	var out []segment
	for len(path) > 0 {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end, seg, ok := bracket(path)
			if !ok {
				return append(out, segment{name: path})
			}
			out = append(out, seg)
			path = path[end:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			out = append(out, segment{name: path[:end]})
			path = path[end:]
		}
	}
	return out
}

// bracket parses `[12]` or `["name"]` at the start of path and returns its length.
func bracket(path string) (int, segment, bool) {
	if len(path) > 1 && path[1] == '"' {
		// Find the closing quote, skipping escaped characters.
		for i := 2; i < len(path); i++ {
			switch path[i] {
			case '\\':
				i++
			case '"':
				if i+1 >= len(path) || path[i+1] != ']' {
					return 0, segment{}, false
				}
				var name string
				if err := json.Unmarshal([]byte(path[1:i+1]), &name); err != nil {
					return 0, segment{}, false
				}
				return i + 2, segment{name: name}, true
			}
		}
		return 0, segment{}, false
	}
	end := strings.IndexByte(path, ']')
	if end < 0 {
		return 0, segment{}, false
	}
	n, err := strconv.Atoi(path[1:end])
	if err != nil {
		return 0, segment{}, false
	}
	return end + 1, segment{index: n, isIndex: true}, true
}

// parentPath drops the last step of a path; the parent of a top-level field is "".
func parentPath(path string) string {
	segs := segments(path)
	if len(segs) <= 1 {
		return ""
	}
	parent := ""
	for _, s := range segs[:len(segs)-1] {
		if s.isIndex {
			parent = indexPath(parent, s.index)
		} else {
			parent = fieldPath(parent, s.name)
		}
	}
	return parent
}

// fieldRank orders the known members as the canonical encoding does, so problems read
// top to bottom like the document; unknown members come after, alphabetically.
var fieldRank = map[string]int{
	"objectId": 1, "objectType": 2, "_org": 3, "planType": 4, "creationDate": 5,
	"deductible": 6, "copay": 7, "name": 8, "planCostShares": 9,
	"linkedPlanServices": 10, "linkedService": 11, "planserviceCostShares": 12,
}

// comparePaths orders paths in document order: a parent before its children, array
// elements by index, members by fieldRank.
func comparePaths(a, b string) int {
	if a == b {
		return 0
	}
	sa, sb := segments(a), segments(b)
	for i := 0; i < len(sa) && i < len(sb); i++ {
		if c := compareSegments(sa[i], sb[i]); c != 0 {
			return c
		}
	}
	return len(sa) - len(sb)
}

func compareSegments(a, b segment) int {
	switch {
	case a.isIndex && b.isIndex:
		return a.index - b.index
	case a.isIndex:
		return -1
	case b.isIndex:
		return 1
	}
	ra, rb := fieldRank[a.name], fieldRank[b.name]
	switch {
	case ra != 0 && rb != 0:
		return ra - rb
	case ra != 0:
		return -1
	case rb != 0:
		return 1
	}
	return strings.Compare(a.name, b.name)
}

// sortProblems orders problems by path; problems at the same path keep the order in
// which they were found.
func sortProblems(list []Problem) {
	slices.SortStableFunc(list, func(x, y Problem) int { return comparePaths(x.Path, y.Path) })
}
