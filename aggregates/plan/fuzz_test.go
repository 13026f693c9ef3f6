package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

func FuzzDecode(f *testing.F) {
	example := exampleplan.JSON()
	f.Add(example)
	f.Add(exampleWith(f, edit{"linkedPlanServices", []any{}}))
	f.Add(exampleWith(f, edit{"planCostShares.copay", json.RawMessage("-0")}, edit{"creationDate", "2017-02-28"}))
	f.Add(exampleWith(f, edit{"planCostShares.deductible", json.RawMessage("1e999")}))
	f.Add(exampleWith(f, edit{"linkedPlanServices[0].linkedService.name", "caf\u00e9 <&> \u2028"}))
	f.Add(exampleWith(f, edit{"linkedPlanServices[1].objectId", "27283xvx9asdff-504"}))
	f.Add(exampleWith(f, edit{"extra", map[string]any{"x": []any{1, nil, true}}}))
	f.Add(example[:len(example)/2])
	f.Add(append(bytes.Clone(example), "{}"...))
	f.Add([]byte(strings.Replace(string(example), `"copay": 175,`, `"copay": 175, "copay": 1,`, 1)))
	f.Add([]byte(strings.Repeat("[", 40)))
	f.Add([]byte(`{"objectId":"\ud800"}`))
	f.Add(exampleWith(f, edit{"objectId", ".."}))
	f.Add(exampleWith(f, edit{"_org", "\u200b"}))
	f.Add(exampleWith(f, edit{"planType", "\x00"}))
	f.Add([]byte(strings.Replace(string(example), `"planType": "inNetwork"`, `"planType": "\udc00\ud800"`, 1)))
	f.Add([]byte(strings.Replace(string(example), `"planType": "inNetwork"`, `"planType": "\ud83d\ude00"`, 1)))
	f.Add([]byte(""))
	f.Add([]byte("null"))

	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := Decode(body)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 || p != nil {
				t.Fatalf("Decode error %v (%T) with plan %v", err, err, p)
			}
			return
		}
		// Accepted: valid as a Go value, and the canonical encoding is a fixed point.
		if err := p.Validate(); err != nil {
			t.Fatalf("decoded plan does not validate: %v", err)
		}
		enc, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		p2, err := Decode(enc)
		if err != nil {
			t.Fatalf("canonical encoding does not decode: %v\n%s", err, enc)
		}
		if !reflect.DeepEqual(p, p2) {
			t.Fatalf("round trip changed the plan:\n%+v\n%+v", p, p2)
		}
		enc2, err := json.Marshal(p2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("canonical encoding not stable:\n%s\n%s", enc, enc2)
		}
	})
}

func FuzzMergePatch(f *testing.F) {
	example := exampleplan.JSON()
	f.Add(example, []byte(`{"planType":"x","planCostShares":{"copay":null}}`))
	f.Add(example, []byte(`{"linkedPlanServices":[{"objectId":"27283xvx9sdf-507","planserviceCostShares":{"copay":1}},{"objectId":"n","x":null}]}`))
	f.Add(example, []byte(`{"linkedPlanServices":[{"_org":"x"},{"objectId":"27283xvx9sdf-507"}]}`))
	f.Add(example, []byte(`{"linkedPlanServices":[]}`))
	f.Add(example, []byte(`{"objectId":"other"}`))
	f.Add([]byte(`{"a":[{"objectId":"x"}]}`), []byte(`{"a":[{"objectId":"x","b":{"c":null}},7]}`))
	f.Add([]byte(`[1,2]`), []byte(`{"a":"b","c":null}`))
	f.Add([]byte(`{}`), []byte(`["c"]`))
	f.Add([]byte(`{"a":`), []byte(`{}`))
	f.Add([]byte(`{}`), []byte(`{"a":1,"a":2}`))

	f.Fuzz(func(t *testing.T, target, patch []byte) {
		out, err := MergePatch(target, patch)
		if err != nil {
			var ve *ValidationError
			targetBad := strings.Contains(err.Error(), "the target is not valid JSON")
			if !targetBad && (!errors.As(err, &ve) || len(ve.Problems) == 0) {
				t.Fatalf("MergePatch error %v (%T)", err, err)
			}
		} else if !json.Valid(out) {
			t.Fatalf("MergePatch produced invalid JSON: %s", out)
		}

		// The same patch against a stored plan: a refusal is a ValidationError, and an
		// accepted change is a valid plan that Apply takes as is.
		a := New(exampleID)
		a.Apply(Change{Type: ChangeCreated, Version: 1, After: example})
		c, err := a.Patch(patch)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("Patch error %v (%T)", err, err)
			}
			return
		}
		p, err := Decode(c.After)
		if err != nil {
			t.Fatalf("patched plan does not decode: %v\n%s", err, c.After)
		}
		if p.ObjectID != exampleID || c.Version != 2 || c.Type != ChangePatched {
			t.Fatalf("bad change %s v%d for %q", c.Type, c.Version, p.ObjectID)
		}
		a.Apply(c)
		if !bytes.Equal(a.DocumentJSON(), c.After) {
			t.Fatalf("applied state differs from the change")
		}
	})
}

// FuzzParseStrict checks the decoder's reading of JSON (jsonscan's tokens, its own walk
// of the structure) against encoding/json: whatever it accepts, encoding/json accepts
// with the same value; whatever valid JSON it refuses, it refuses for one of the extra
// rules (duplicate key, depth, lone surrogate); whatever invalid JSON it refuses, it
// names a syntax fault.
func FuzzParseStrict(f *testing.F) {
	for _, c := range parseStrictMessageCases {
		f.Add([]byte(c.in))
	}
	f.Add(exampleplan.JSON())
	for _, s := range []string{
		`{"a":"\u0061\ud83d\ude00\ud800\n\"\\\/","b":[1,-0.5e+3,0E1,true,false,null]}`,
		`{"a":1,"\u0061":2}`, `["\udc00"]`, `["\\ud800"]`, `["\ud800\u0041"]`, `["\ud83d\ude00"]`, `[01]`, `[1.]`, `[-]`, `["\x"]`, "[\"\t\"]", `{"a" 1}`, `{,}`, `[1,]`,
		`{"a":{}}  `, `{} x`, strings.Repeat(`[`, 17) + strings.Repeat(`]`, 17), `"\`, `nul`, `1e`, `-01`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parseStrict(data)
		valid := json.Valid(data) && utf8.Valid(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error %v (%T)", err, err)
			}
			for _, p := range ve.Problems {
				extraRule := strings.Contains(p.Message, "duplicate key") || strings.Contains(p.Message, "deeper than") ||
					strings.Contains(p.Message, "lone surrogate")
				if valid && !extraRule {
					t.Fatalf("valid JSON refused: %s: %s", p.Path, p.Message)
				}
				if !valid && !extraRule && !syntaxFault.MatchString(p.Message) {
					t.Fatalf("invalid JSON %q refused with %s: %s", data, p.Path, p.Message)
				}
			}
			return
		}
		if !valid {
			t.Fatalf("invalid JSON accepted: %q", data)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("parsed %#v, encoding/json %#v", got, want)
		}
	})
}

// syntaxFault matches the problems parseStrict words for text that is not JSON.
var syntaxFault = regexp.MustCompile(`^(malformed JSON at byte \d+: |the JSON ends unexpectedly|unexpected data after the JSON value at byte \d+$|the document is (empty|not valid UTF-8)$)`)
