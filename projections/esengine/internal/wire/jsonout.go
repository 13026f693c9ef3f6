package wire

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"github.com/planstore/planstore/internal/jsonscan"
)

// OrderedObject is a JSON object that keeps its keys in the order given. Elasticsearch
// prints "type" before "reason" and "root_cause" first; keeping that order makes the
// engine's answers read the same as a cluster's when people diff them.
type OrderedObject []OrderedField

type OrderedField struct {
	Key   string
	Value any
}

func (o OrderedObject) MarshalJSON() ([]byte, error) {
	return AppendJSON(nil, o)
}

// AppendJSON encodes v onto buf. Responses are trees of orderedObject, slices and
// scalars; encoding them directly avoids encoding/json re-validating the output of every
// nested MarshalJSON, which made large _bulk responses cost more to print than to index.
func AppendJSON(buf []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case OrderedObject:
		buf = append(buf, '{')
		for i, f := range x {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = jsonscan.AppendString(buf, f.Key)
			buf = append(buf, ':')
			if buf, err = AppendJSON(buf, f.Value); err != nil {
				return nil, err
			}
		}
		return append(buf, '}'), nil
	case []OrderedObject:
		return appendArray(buf, x)
	case []any:
		return appendArray(buf, x)
	case string:
		return jsonscan.AppendString(buf, x), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case int:
		return strconv.AppendInt(buf, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case uint64:
		return strconv.AppendUint(buf, x, 10), nil
	case Score:
		return append(buf, formatJavaFloat(float64(x), 32)...), nil
	case Double:
		b, _ := x.MarshalJSON()
		return append(buf, b...), nil
	case json.RawMessage:
		// Sources are stored compacted and valid; copying them verbatim is the point.
		return append(buf, x...), nil
	case RawJSON:
		return append(buf, x...), nil
	case PreEncoded:
		return append(buf, x...), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(buf, b...), nil
}

// appendArray encodes the elements of a response list as a JSON array.
func appendArray[E any](buf []byte, elems []E) ([]byte, error) {
	buf = append(buf, '[')
	var err error
	for i, e := range elems {
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, err = AppendJSON(buf, e); err != nil {
			return nil, err
		}
	}
	return append(buf, ']'), nil
}

// RawJSON is valid, compact JSON text held as a string, the form stored sources take;
// it is printed verbatim.
type RawJSON string

func (r RawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

// PreEncoded is a response body a handler already encoded (the _bulk answer, which is
// cheaper to append item by item than to build as a tree). It is printed verbatim, and
// still pretty-printed on ?pretty like any other body.
type PreEncoded []byte

func (p PreEncoded) MarshalJSON() ([]byte, error) { return p, nil }

// Score is a relevance score. Elasticsearch computes scores as 32-bit floats and prints
// integral ones with a trailing ".0"; clients parse either, people reading diffs do not.
type Score float32

func (s Score) MarshalJSON() ([]byte, error) {
	return formatJavaFloat(float64(s), 32), nil
}

// Double is a 64-bit value printed the way Java prints doubles (23.0, not 23), and the
// infinities as the strings Elasticsearch uses for missing sort values.
type Double float64

func (d Double) MarshalJSON() ([]byte, error) {
	f := float64(d)
	switch {
	case math.IsInf(f, 1):
		return []byte(`"Infinity"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Infinity"`), nil
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	}
	return formatJavaFloat(f, 64), nil
}

func formatJavaFloat(f float64, bits int) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null")
	}
	b := strconv.AppendFloat(nil, f, 'g', -1, bits)
	if bytes.ContainsAny(b, "e") {
		// Java prints 1.0E10; JSON accepts Go's 1e+10, which is equally exact.
		return b
	}
	if !bytes.ContainsRune(b, '.') {
		b = append(b, '.', '0')
	}
	return b
}
