package esengine

import (
	"slices"

	"github.com/planstore/planstore/internal/jsonscan"
)

// parseActionFast reads an action line of the form every client sends, {"index":{"_id":
// "...","routing":"...","version":3}}, without decoding it into maps. It returns the
// action and the metadata sorted by key, as parseActionSlow does, with the values as
// slices of the line. It reports ok=false for anything unusual (escaped or unknown keys,
// duplicates, non-scalar values, malformed JSON), and parseActionSlow then answers
// exactly as Elasticsearch would.
func parseActionFast(line []byte, pairs []metaValue) (string, []metaValue, bool) {
	sc := jsonscan.New(line)
	if !sc.Eat('{') {
		return "", nil, false
	}
	k, ok := sc.Str()
	if !ok || !k.Plain || !sc.Eat(':') || !sc.Eat('{') {
		return "", nil, false
	}
	action := bulkAction(sc.Text(k))
	if action == "" {
		return "", nil, false
	}
	ok = sc.Items('}', func() bool {
		mv, ok := metaPair(&sc)
		if !ok || len(pairs) == cap(pairs) {
			return false
		}
		if slices.ContainsFunc(pairs, func(p metaValue) bool { return p.key == mv.key }) {
			return false // encoding/json keeps the last; let it
		}
		pairs = insertSorted(pairs, mv)
		return true
	})
	if !ok || !sc.Eat('}') || !sc.AtEnd() {
		return "", nil, false
	}
	return action, pairs, true
}

// bulkAction returns the action constant named by b, or "".
func bulkAction(b []byte) string {
	for _, a := range [...]string{"index", "create", "delete", "update"} {
		if string(b) == a {
			return a
		}
	}
	return ""
}

// metaPair reads one known key and its scalar value.
func metaPair(sc *jsonscan.Scanner[[]byte]) (metaValue, bool) {
	k, ok := sc.Str()
	if !ok || !k.Plain || !sc.Eat(':') {
		return metaValue{}, false
	}
	var mv metaValue
	for _, known := range bulkMetadataKeys {
		if string(sc.Text(k)) == known {
			mv.key = known
			break
		}
	}
	if mv.key == "" {
		return metaValue{}, false
	}
	mv.scalar = true
	switch sc.Peek() {
	case '"':
		v, ok := sc.Str()
		if !ok || !v.Plain {
			return metaValue{}, false
		}
		mv.raw, mv.kind = sc.Text(v), "VALUE_STRING"
	case 't', 'f':
		start := sc.Pos()
		ok = sc.Literal("true") || sc.Literal("false")
		mv.raw, mv.kind = sc.Src()[start:sc.Pos()], "VALUE_BOOLEAN"
	case 'n':
		mv.scalar, mv.kind = false, "VALUE_NULL"
		ok = sc.Literal("null")
	case '{', '[':
		ok = false
	default:
		var start, end int
		start, end, ok = sc.Number()
		mv.raw, mv.kind = sc.Src()[start:end], "VALUE_NUMBER"
	}
	return mv, ok
}

// insertSorted adds mv to pairs kept in key order (a handful of keys: insertion sort).
func insertSorted(pairs []metaValue, mv metaValue) []metaValue {
	pairs = append(pairs, mv)
	for i := len(pairs) - 1; i > 0 && pairs[i-1].key > pairs[i].key; i-- {
		pairs[i-1], pairs[i] = pairs[i], pairs[i-1]
	}
	return pairs
}
