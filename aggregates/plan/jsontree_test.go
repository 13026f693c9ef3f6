package plan

import (
	"errors"
	"testing"
)

// TestParseStrictMessages pins every syntax problem's exact text and path: clients and
// the API tests read them, and they must not change with the scanner underneath.
func TestParseStrictMessages(t *testing.T) {
	for _, c := range parseStrictMessageCases {
		_, err := parseStrict([]byte(c.in))
		var ve *ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0] != (Problem{c.path, c.message}) {
			t.Errorf("%q: got %v, want %s: %s", c.in, err, c.path, c.message)
		}
	}
}

// parseStrictMessageCases are one input for each syntax problem, with what it reads;
// FuzzParseStrict starts from them too.
var parseStrictMessageCases = []struct{ in, path, message string }{
	{``, "", "the document is empty"},
	{"\xff", "", "the document is not valid UTF-8"},
	{`{"a":1} x`, "", "unexpected data after the JSON value at byte 8"},
	{`{"a":`, "a", "the JSON ends unexpectedly"},
	{`{`, "", "the JSON ends unexpectedly, expecting a string key"},
	{`{1:2}`, "", `malformed JSON at byte 1: found '1', expecting a string key`},
	{`{"a" 1}`, "a", `malformed JSON at byte 5: found '1', expecting ':' after the key`},
	{`{"a":1 "b":2}`, "", `malformed JSON at byte 7: found '"', expecting ',' or '}'`},
	{`[1 2]`, "", `malformed JSON at byte 3: found '2', expecting ',' or ']'`},
	{`[1,]`, "[1]", `malformed JSON at byte 3: found ']', expecting a value`},
	{`[tru]`, "[0]", `malformed JSON at byte 1: found 't', expecting a value`},
	{`[-x]`, "[0]", `malformed JSON at byte 2: found 'x', expecting a digit`},
	{`[1.x]`, "[0]", `malformed JSON at byte 3: found 'x', expecting a digit after '.'`},
	{`[1e+]`, "[0]", `malformed JSON at byte 4: found ']', expecting a digit in the exponent`},
	{`[1e`, "[0]", `the JSON ends unexpectedly, expecting a digit in the exponent`},
	{`{"a":"x`, "a", "the JSON ends unexpectedly inside a string"},
	{`{"a":"\u00`, "a", "the JSON ends unexpectedly inside a string"},
	{"{\"a\":\"x\ty\"}", "a", "malformed JSON at byte 7: control character in string (escape it)"},
	{`{"a":"x\qy"}`, "a", "malformed JSON at byte 5: invalid escape in string"},
	{`{"a":"\ud800"}`, "a", `malformed JSON at byte 5: a \u escape is half of a surrogate pair (a lone surrogate is not a character)`},
	{`{"a":{"b":1,"b":2}}`, `a.b`, `duplicate key "b": a key may appear only once in an object`},
	{`[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]`, "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]", "nesting is deeper than the limit of 16 levels"},
}
