package index

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Elasticsearch reads a range's bounds in the order they are written, so of two lower
// bounds ({"gte": 10, "gt": 10}) the one written last wins, and the same for upper
// bounds. A JSON object decoded into a map has lost that order; lastBoundWins reads the
// body's tokens again and, in every object holding more than one bound on a side,
// keeps only the last one written. Only range specs hold these keys together.

var (
	lowerBoundKeys = []string{"from", "gt", "gte"}
	upperBoundKeys = []string{"to", "lt", "lte"}
)

// LastBoundWins prunes tree, the decoded body, to the bounds written last. body was
// decoded without error into tree, so the token walk cannot fail on syntax.
func LastBoundWins(body []byte, tree any) {
	if !repeatsBounds(tree) {
		return // the common case: nothing to order
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	_ = walkBounds(dec, tree)
}

// repeatsBounds tells whether an object of the decoded tree holds two bounds on one
// side, the only case whose order matters. Walking the body's tokens again costs a
// search with a range more than the rest of parsing it; looking through the tree, whose
// keys are decoded already, costs next to nothing.
func repeatsBounds(node any) bool {
	switch x := node.(type) {
	case map[string]any:
		if countKeys(x, lowerBoundKeys) > 1 || countKeys(x, upperBoundKeys) > 1 {
			return true
		}
		for _, v := range x {
			if repeatsBounds(v) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(x, repeatsBounds)
	}
	return false
}

// countKeys counts the keys obj holds.
func countKeys(obj map[string]any, keys []string) int {
	n := 0
	for _, k := range keys {
		if _, ok := obj[k]; ok {
			n++
		}
	}
	return n
}

func walkBounds(dec *json.Decoder, node any) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		obj, _ := node.(map[string]any)
		var lower, upper string
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			var child any
			if obj != nil {
				child = obj[key]
			}
			if err := walkBounds(dec, child); err != nil {
				return err
			}
			switch key {
			case "from", "gt", "gte":
				lower = key
			case "to", "lt", "lte":
				upper = key
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		keepOnly(obj, lowerBoundKeys, lower)
		keepOnly(obj, upperBoundKeys, upper)
	case json.Delim('['):
		arr, _ := node.([]any)
		for i := 0; dec.More(); i++ {
			var child any
			if i < len(arr) {
				child = arr[i]
			}
			if err := walkBounds(dec, child); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
	}
	return nil
}

// keepOnly deletes from obj every key of side but last.
func keepOnly(obj map[string]any, side []string, last string) {
	if obj == nil || last == "" {
		return
	}
	for _, k := range side {
		if k != last {
			delete(obj, k)
		}
	}
}
