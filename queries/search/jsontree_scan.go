package search

import (
	"encoding/json"

	"github.com/planstore/planstore/internal/jsonscan"
)

// scanTree reads a search body into the tree decodeTree returns, with jsonscan: the one
// JSON grammar the projections' plan walk, the engine's document and bulk paths and this
// validator share. It takes the common case, compact or not, and answers ok=false for
// anything else (a syntax error, a duplicate key, nesting past MaxJSONDepth, a string
// with escapes, an object of more than 16 keys): decodeTree then reads the body with
// encoding/json, which words the error. FuzzScanTreeMatchesDecoder checks that whatever
// scanTree takes, encoding/json reads to the same tree.
func scanTree(body []byte) (any, bool) {
	sc := jsonscan.New(body)
	v, ok := scanValue(&sc, 0)
	if !ok || !sc.AtEnd() {
		return nil, false
	}
	return v, true
}

// maxScannedKeys bounds the objects scanTree takes: it finds duplicate keys by scanning
// the members so far, which is quadratic; larger objects take the decoder's path.
const maxScannedKeys = 16

func scanValue(sc *jsonscan.Scanner[[]byte], depth int) (any, bool) {
	switch sc.Peek() {
	case '{':
		if depth >= MaxJSONDepth {
			return nil, false
		}
		sc.Next()
		return scanObject(sc, depth+1)
	case '[':
		if depth >= MaxJSONDepth {
			return nil, false
		}
		sc.Next()
		return scanArray(sc, depth+1)
	case '"':
		return scanString(sc)
	case 't':
		return true, sc.Literal("true")
	case 'f':
		return false, sc.Literal("false")
	case 'n':
		return nil, sc.Literal("null")
	}
	start, end, ok := sc.Number()
	if !ok {
		return nil, false
	}
	return json.Number(sc.Src()[start:end]), true
}

func scanObject(sc *jsonscan.Scanner[[]byte], depth int) (any, bool) {
	obj := object{}
	ok := sc.Items('}', func() bool {
		if len(obj) == maxScannedKeys {
			return false
		}
		key, ok := scanString(sc)
		if !ok {
			return false
		}
		if _, dup := obj.get(key); dup || !sc.Eat(':') {
			return false
		}
		v, ok := scanValue(sc, depth)
		if !ok {
			return false
		}
		obj = append(obj, member{key: key, value: v})
		return true
	})
	if !ok {
		return nil, false
	}
	return obj, true
}

func scanArray(sc *jsonscan.Scanner[[]byte], depth int) (any, bool) {
	arr := []any{}
	ok := sc.Items(']', func() bool {
		v, ok := scanValue(sc, depth)
		if !ok {
			return false
		}
		arr = append(arr, v)
		return true
	})
	if !ok {
		return nil, false
	}
	return arr, true
}

// scanString takes a string whose raw text is its value: no escapes, valid UTF-8.
func scanString(sc *jsonscan.Scanner[[]byte]) (string, bool) {
	sp, ok := sc.Str()
	if !ok || !sp.Plain {
		return "", false
	}
	return string(sc.Text(sp)), true
}
