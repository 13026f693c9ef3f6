package difftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// Obj is a JSON object that keeps its key order. Order matters to the tester: a range
// with gte and gt takes the bound written last, and a shrunk case must print as sent.
type Obj []Member

// Member is one key of an Obj.
type Member struct {
	Key   string
	Value any
}

// O builds an Obj from alternating keys and values.
func O(kv ...any) Obj {
	o := make(Obj, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		o = append(o, Member{kv[i].(string), kv[i+1]})
	}
	return o
}

// Get returns the value of key.
func (o Obj) Get(key string) (any, bool) {
	for _, m := range o {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// MarshalJSON writes the members in order.
func (o Obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(m.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal encodes without HTML escaping, so strings print as they are sent.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// mustJSON encodes a tree the tester built itself; it cannot fail.
func mustJSON(v any) []byte {
	b, err := marshal(v)
	if err != nil {
		panic(fmt.Sprintf("difftest: encoding %#v: %v", v, err))
	}
	return b
}

// parseOrdered decodes JSON into Obj, []any, string, json.Number, bool and nil.
func parseOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("difftest: trailing data after JSON value")
	}
	return v, nil
}

func readValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := Obj{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, Member{k.(string), v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token()
			return l, err
		}
		return nil, fmt.Errorf("difftest: unexpected %v", t)
	default:
		return t, nil
	}
}

// clone copies a tree deeply, so shrinking can change a copy.
func clone(v any) any {
	switch x := v.(type) {
	case Obj:
		out := make(Obj, len(x))
		for i, m := range x {
			out[i] = Member{m.Key, clone(m.Value)}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clone(e)
		}
		return out
	}
	return v
}

// num writes a number exactly as given, e.g. num("1e9") or num(3).
func num(v any) json.Number {
	switch x := v.(type) {
	case int:
		return json.Number(strconv.Itoa(x))
	case float64:
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64))
	case string:
		return json.Number(x)
	}
	panic(fmt.Sprintf("difftest: num(%T)", v))
}
