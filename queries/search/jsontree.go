package search

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/internal/jsonscan"
)

// The request body is decoded into a small tree rather than into Go structs: the DSL is
// open-ended, and the validator must see every key to refuse what it does not know.
// The tree keeps key order and refuses duplicate keys. Elasticsearch refuses them too,
// but another engine might read the first where the validator read the last, and a
// query could slip a script past the check that way. What runs is the tree re-encoded,
// never the caller's bytes.

// object is a JSON object with its keys in order.
type object []member

type member struct {
	key   string
	value any // object, []any, string, json.Number, bool or nil
}

func (o object) get(key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.value, true
		}
	}
	return nil, false
}

// decodeTree parses one JSON value and nothing after it.
func decodeTree(body []byte) (any, error) {
	// encoding/json would replace invalid UTF-8 and lone surrogates with U+FFFD; a
	// search for text that was never sent is refused instead.
	if !utf8.Valid(body) {
		return nil, malformed("", "the search body is not valid UTF-8")
	}
	if plan.HasLoneSurrogateEscape(body) {
		return nil, malformed("", "invalid JSON: a \\u escape is half of a surrogate pair (a lone surrogate is not a character)")
	}
	if v, ok := scanTree(body); ok {
		return v, nil
	}
	return decodeTreeSlow(body)
}

// decodeTreeSlow is decodeTree through encoding/json's tokens: every body scanTree does
// not take, and the wording of every error.
func decodeTreeSlow(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := readValue(dec, 0)
	if err != nil {
		return nil, malformed("", "invalid JSON: "+err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, malformed("", "invalid JSON: data after the end of the body")
	}
	return v, nil
}

func readValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth >= MaxJSONDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", MaxJSONDepth)
	}
	switch delim {
	case '{':
		return readObject(dec, depth+1)
	case '[':
		return readArray(dec, depth+1)
	}
	return nil, fmt.Errorf("unexpected %q", delim)
}

func readObject(dec *json.Decoder, depth int) (object, error) {
	obj := object{}
	var seen map[string]bool // only built for large objects; small ones scan the slice
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key is %v, not a string", tok)
		}
		if len(obj) >= 16 && seen == nil {
			seen = make(map[string]bool, 2*len(obj))
			for _, m := range obj {
				seen[m.key] = true
			}
		}
		dup := false
		if seen != nil {
			dup = seen[key]
			seen[key] = true
		} else {
			_, dup = obj.get(key)
		}
		if dup {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		v, err := readValue(dec, depth)
		if err != nil {
			return nil, err
		}
		obj = append(obj, member{key: key, value: v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	return obj, nil
}

func readArray(dec *json.Decoder, depth int) ([]any, error) {
	arr := []any{}
	for dec.More() {
		v, err := readValue(dec, depth)
		if err != nil {
			return nil, err
		}
		arr = append(arr, v)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return nil, err
	}
	return arr, nil
}

// appendTree encodes a tree back to JSON.
func appendTree(b []byte, v any) []byte {
	switch v := v.(type) {
	case object:
		b = append(b, '{')
		for i, m := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonscan.AppendString(b, m.key)
			b = append(b, ':')
			b = appendTree(b, m.value)
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendTree(b, e)
		}
		return append(b, ']')
	case string:
		return jsonscan.AppendString(b, v)
	case json.Number:
		return append(b, v...)
	case bool:
		if v {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	default:
		return append(b, "null"...)
	}
}
